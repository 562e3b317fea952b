/**
 * The client's error family, keyed on HTTP status (after openai-node's core/error.ts). Errors are facts:
 * what was asked (method, path, and the key name or organization where that matters), what came back
 * (status, a stable `code`, Qwilt's own words), what is known of the outcome, and what kind of advice
 * fits (`hint`). `describe(words)` words one for a front end; `message` is the plain wording. Every text
 * field is redacted when the error is built (see redact.ts); errors keep no request headers or raw bodies,
 * so logging or serializing one cannot leak a credential.
 */
import { STATUS_CODES } from "node:http";
import { redactPatterns } from "./redact";

/** Stable codes, one per kind of failure, for front ends and scripts (`--json`). */
export type QwiltErrorCode =
  | "bad_request"
  | "authentication_failed"
  | "permission_denied"
  | "not_found"
  | "conflict"
  | "unprocessable_entity"
  | "rate_limited"
  | "server_error"
  | "unexpected_status"
  | "unexpected_login_answer"
  | "connection_failed"
  | "timeout"
  | "invalid_response"
  | "client_closed"
  | "configuration";

/** What the user can do, as a kind; each front end has its own words for it (HintWords). */
export type HintKind =
  /** An API key was refused (401). */
  | "check-api-key"
  /** A fresh login token was refused (401 after logging in again). */
  | "login-token-refused"
  /** A Viewer key tried to create or revoke (403). */
  | "viewer-key-cannot-write"
  /** A user without the right tried to create or revoke (403). */
  | "user-cannot-write"
  /** /login refused the username/password (401); `orgId` is the organization asked for. */
  | "check-login"
  /** /login refused the organization asked for (403). */
  | "login-organization-refused"
  /** /login is not where the login service answers (404, or an answer that is no login). */
  | "check-login-url"
  /** A create whose answer was lost: a key named `keyName` may exist now. */
  | "create-may-have-happened"
  /** A revoke whose answer was lost: the key may be gone. */
  | "revoke-may-have-happened";

/** The hints that say what may have happened, not what to fix: a caller that settled the outcome leaves them out. */
const OUTCOME_HINTS: ReadonlySet<HintKind> = new Set(["create-may-have-happened", "revoke-may-have-happened"]);

export type HintWords = Record<HintKind, (error: QwiltError) => string>;

/** The client's own words: no front end's settings or commands. */
export const PLAIN_HINTS: HintWords = {
  "check-api-key": () =>
    "check the API key; a new key needs up to 5 minutes to become active, and an expired or revoked key never works again",
  "login-token-refused": () =>
    "the API refused a fresh login token; check that the user may manage API keys in this organization",
  "viewer-key-cannot-write": () => "a Viewer key cannot create or revoke keys; use an Editor key or username/password",
  "user-cannot-write": () => "this user may not create or revoke keys in this organization",
  "check-login": (e) =>
    `the username/password were rejected; check them${e.orgId ? `, and that the user belongs to organization ${e.orgId}` : ""}`,
  "login-organization-refused": (e) => `the user may not log in to organization ${e.orgId}`,
  "check-login-url": () => "check the login URL",
  "create-may-have-happened": (e) =>
    `the key may have been created: look for a key named "${e.keyName}" before creating it again`,
  "revoke-may-have-happened": () => "the key may have been revoked; revoking it again answers 404",
};

export interface QwiltErrorInit {
  /** Default: the class's own (`unexpected_status` for a plain QwiltError). */
  code?: QwiltErrorCode;
  /** HTTP method of the failed request ("" when no request was involved). */
  method: string;
  /** Request path without query string ("" when no request was involved). */
  path: string;
  /** What happened, without the request and without advice: `503 Service Unavailable — <API message>`. */
  detail: string;
  status?: number;
  /** What the API said, redacted and shortened. */
  apiMessage?: string;
  /** True when a non-GET request failed in a way that may still have taken effect (timeout, reset, 5xx). */
  outcomeUnknown?: boolean;
  hint?: HintKind;
  /** The organization a login asked for. */
  orgId?: string;
  /** The name of the key a create asked for. */
  keyName?: string;
  cause?: unknown;
}

export class QwiltError extends Error {
  /** The code of this class's errors, unless the init names one. */
  static readonly code: QwiltErrorCode = "unexpected_status";
  readonly code: QwiltErrorCode;
  readonly method: string;
  readonly path: string;
  readonly detail: string;
  declare readonly status?: number;
  declare readonly apiMessage?: string;
  declare readonly outcomeUnknown?: boolean;
  declare readonly hint?: HintKind;
  declare readonly orgId?: string;
  declare readonly keyName?: string;
  /** Whether trying again later may succeed (429, 500/502/503/504, connection errors, timeouts). */
  readonly retryable: boolean;

  constructor(init: QwiltErrorInit, retryable = false) {
    super("", init.cause === undefined ? undefined : { cause: init.cause });
    this.name = new.target.name;
    this.code = init.code ?? (new.target as typeof QwiltError).code;
    this.method = init.method;
    this.path = init.path;
    // Belt and braces: whoever built the detail should have redacted it already.
    this.detail = redactPatterns(init.detail);
    // Only defined fields become properties, so inspect() and JSON stay short.
    if (init.status !== undefined) assign(this, "status", init.status);
    if (init.apiMessage) assign(this, "apiMessage", redactPatterns(init.apiMessage));
    if (init.outcomeUnknown !== undefined) assign(this, "outcomeUnknown", init.outcomeUnknown);
    if (init.hint) assign(this, "hint", init.hint);
    if (init.orgId !== undefined) assign(this, "orgId", init.orgId);
    if (init.keyName !== undefined) assign(this, "keyName", init.keyName);
    this.retryable = retryable;
    this.message = this.describe();
  }

  /**
   * This error in a front end's words: `POST /api/1/api-keys: 403 Forbidden — <API message> (<hint>)`.
   * `outcome: false` leaves out a hint about what may have happened, for a caller that found out.
   */
  describe(words: HintWords = PLAIN_HINTS, options: { outcome?: boolean } = {}): string {
    const showHint = this.hint !== undefined && (options.outcome !== false || !OUTCOME_HINTS.has(this.hint));
    const hint = showHint ? words[this.hint!](this) : "";
    // A refusal gets its advice aside; an answer that came but was not what a login answers, as a clause.
    const aside = this.status === undefined || this.status >= 400;
    const advice = hint ? (aside ? ` (${hint})` : `; ${hint}`) : "";
    const request = this.method ? `${this.method} ${this.path}: ` : "";
    return redactPatterns(`${request}${this.detail}${advice}`);
  }

  /** JSON.stringify(error) gives the useful, already redacted fields, not `{}`. */
  toJSON(): Record<string, unknown> {
    const { code, method, path, detail, status, apiMessage, outcomeUnknown, retryable, hint, orgId, keyName } = this;
    return {
      name: this.name,
      code,
      message: this.message,
      method,
      path,
      detail,
      status,
      apiMessage,
      outcomeUnknown,
      retryable,
      hint,
      orgId,
      keyName,
    };
  }
}

export class BadRequestError extends QwiltError {
  static override readonly code: QwiltErrorCode = "bad_request";
}
export class AuthenticationError extends QwiltError {
  static override readonly code: QwiltErrorCode = "authentication_failed";
}
export class PermissionDeniedError extends QwiltError {
  static override readonly code: QwiltErrorCode = "permission_denied";
}
export class NotFoundError extends QwiltError {
  static override readonly code: QwiltErrorCode = "not_found";
}
export class ConflictError extends QwiltError {
  static override readonly code: QwiltErrorCode = "conflict";
}
export class UnprocessableEntityError extends QwiltError {
  static override readonly code: QwiltErrorCode = "unprocessable_entity";
}
export class RateLimitError extends QwiltError {
  static override readonly code: QwiltErrorCode = "rate_limited";
  constructor(init: QwiltErrorInit) {
    super(init, true);
  }
}
export class InternalServerError extends QwiltError {
  static override readonly code: QwiltErrorCode = "server_error";
  constructor(init: QwiltErrorInit) {
    super(init, init.status !== undefined && RETRYABLE_SERVER_STATUSES.has(init.status));
  }
}
/** The request could not be sent or the connection broke before a full answer. */
export class ApiConnectionError extends QwiltError {
  static override readonly code: QwiltErrorCode = "connection_failed";
  constructor(init: QwiltErrorInit, retryable = true) {
    super(init, retryable);
  }
}
/** No complete answer within `timeoutMs` (per attempt). */
export class ApiTimeoutError extends QwiltError {
  static override readonly code: QwiltErrorCode = "timeout";
  constructor(init: QwiltErrorInit) {
    super(init, true);
  }
}
/** A response body did not match what this client expects of the Qwilt API (names field paths, never values). */
export class ResponseValidationError extends QwiltError {
  static override readonly code: QwiltErrorCode = "invalid_response";
}
/** Bad options or inputs, found before any request is sent; `option` names the one at fault. */
export class ConfigurationError extends QwiltError {
  static override readonly code: QwiltErrorCode = "configuration";
  /** The option at fault (`usersUrl`, `credentials.apiKey`, ...), when one is. */
  declare readonly option?: string;

  constructor(message: string, init: { option?: string; method?: string; path?: string } = {}) {
    super({ method: init.method ?? "", path: init.path ?? "", detail: message });
    if (init.option !== undefined) assign(this, "option", init.option);
  }

  /** Nothing was sent, so the message is the problem alone. */
  override describe(): string {
    return this.detail;
  }
}

/** 5xx statuses worth another try; 501 or 505 will not change on a retry. */
export const RETRYABLE_SERVER_STATUSES: ReadonlySet<number> = new Set([500, 502, 503, 504]);

/** `403 Forbidden — <API message>`: the detail of an error answer. */
export function statusDetail(status: number, apiMessage?: string): string {
  const reason = STATUS_CODES[status] ?? "Unknown Status";
  return `${status} ${reason}${apiMessage ? ` — ${apiMessage}` : ""}`;
}

/** The factory keyed on status. */
export function errorFromStatus(status: number, init: Omit<QwiltErrorInit, "status">): QwiltError {
  const full: QwiltErrorInit = { ...init, status };
  switch (status) {
    case 400:
      return new BadRequestError(full);
    case 401:
      return new AuthenticationError(full);
    case 403:
      return new PermissionDeniedError(full);
    case 404:
      return new NotFoundError(full);
    case 409:
      return new ConflictError(full);
    case 422:
      return new UnprocessableEntityError(full);
    case 429:
      return new RateLimitError(full);
    default:
      return status >= 500 ? new InternalServerError(full) : new QwiltError(full);
  }
}

function assign(target: object, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: false, configurable: true });
}
