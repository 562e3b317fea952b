/**
 * The client's error family, keyed on HTTP status (after openai-node's core/error.ts).
 * Every message is built already redacted (see redact.ts); errors keep no request headers or raw
 * bodies, only the fields below, so logging or serializing an error cannot leak a credential.
 */
import { STATUS_CODES } from "node:http";
import { redactPatterns } from "./redact";

export interface QwiltErrorInit {
  /** HTTP method of the failed request ("" when no request was involved). */
  method: string;
  /** Request path without query string ("" when no request was involved). */
  path: string;
  status?: number;
  /** What the API said, redacted and shortened. */
  apiMessage?: string;
  /** True when a non-GET request failed in a way that may still have taken effect (timeout, reset, 5xx). */
  outcomeUnknown?: boolean;
  /** What the user can do about it; also part of the message. */
  hint?: string;
  cause?: unknown;
}

export class QwiltError extends Error {
  readonly method: string;
  readonly path: string;
  declare readonly status?: number;
  declare readonly apiMessage?: string;
  declare readonly outcomeUnknown?: boolean;
  declare readonly hint?: string;
  /** Whether trying again later may succeed (429, 500/502/503/504, connection errors, timeouts). */
  readonly retryable: boolean;

  constructor(message: string, init: QwiltErrorInit, retryable = false) {
    // Belt and braces: whoever built the message should have redacted it already.
    super(redactPatterns(message), init.cause === undefined ? undefined : { cause: init.cause });
    this.method = init.method;
    this.path = init.path;
    // Only defined fields become properties, so inspect() and JSON stay short.
    if (init.status !== undefined) assign(this, "status", init.status);
    if (init.apiMessage) assign(this, "apiMessage", redactPatterns(init.apiMessage));
    if (init.outcomeUnknown !== undefined) assign(this, "outcomeUnknown", init.outcomeUnknown);
    if (init.hint) assign(this, "hint", init.hint);
    this.retryable = retryable;
  }

  /** JSON.stringify(error) gives the useful, already redacted fields, not `{}`. */
  toJSON(): Record<string, unknown> {
    const { method, path, status, apiMessage, outcomeUnknown, retryable, hint } = this;
    return { name: this.name, message: this.message, method, path, status, apiMessage, outcomeUnknown, retryable, hint };
  }
}

export class BadRequestError extends QwiltError {}
export class AuthenticationError extends QwiltError {}
export class PermissionDeniedError extends QwiltError {}
export class NotFoundError extends QwiltError {}
export class ConflictError extends QwiltError {}
export class UnprocessableEntityError extends QwiltError {}
export class RateLimitError extends QwiltError {
  constructor(message: string, init: QwiltErrorInit) {
    super(message, init, true);
  }
}
export class InternalServerError extends QwiltError {
  constructor(message: string, init: QwiltErrorInit) {
    super(message, init, init.status !== undefined && RETRYABLE_SERVER_STATUSES.has(init.status));
  }
}
/** The request could not be sent or the connection broke before a full answer. */
export class ApiConnectionError extends QwiltError {
  constructor(message: string, init: QwiltErrorInit, retryable = true) {
    super(message, init, retryable);
  }
}
/** No complete answer within `timeoutMs` (per attempt). */
export class ApiTimeoutError extends QwiltError {
  constructor(message: string, init: QwiltErrorInit) {
    super(message, init, true);
  }
}
/** A response body did not match what this client expects of the Qwilt API (names field paths, never values). */
export class ResponseValidationError extends QwiltError {}
/** Bad options or inputs, found before any request is sent. */
export class ConfigurationError extends QwiltError {
  constructor(message: string, init: Partial<QwiltErrorInit> = {}) {
    super(message, { method: "", path: "", ...init });
  }
}

// `name` lives on each prototype, so it is right after minification and is not an own enumerable field.
for (const cls of [
  QwiltError,
  BadRequestError,
  AuthenticationError,
  PermissionDeniedError,
  NotFoundError,
  ConflictError,
  UnprocessableEntityError,
  RateLimitError,
  InternalServerError,
  ApiConnectionError,
  ApiTimeoutError,
  ResponseValidationError,
  ConfigurationError,
]) {
  Object.defineProperty(cls.prototype, "name", { value: cls.name, writable: true, configurable: true });
}

/** 5xx statuses worth another try; 501 or 505 will not change on a retry. */
export const RETRYABLE_SERVER_STATUSES: ReadonlySet<number> = new Set([500, 502, 503, 504]);

/** `POST /api/1/api-keys: 403 Forbidden — <API message> (<hint>)`. */
export function formatStatusMessage(
  method: string,
  path: string,
  status: number,
  apiMessage?: string,
  hint?: string,
): string {
  const reason = STATUS_CODES[status] ?? "Unknown Status";
  return `${method} ${path}: ${status} ${reason}${apiMessage ? ` — ${apiMessage}` : ""}${hint ? ` (${hint})` : ""}`;
}

/** The factory keyed on status. `message` is final (built and redacted by the caller). */
export function errorFromStatus(status: number, message: string, init: Omit<QwiltErrorInit, "status">): QwiltError {
  const full: QwiltErrorInit = { ...init, status };
  switch (status) {
    case 400:
      return new BadRequestError(message, full);
    case 401:
      return new AuthenticationError(message, full);
    case 403:
      return new PermissionDeniedError(message, full);
    case 404:
      return new NotFoundError(message, full);
    case 409:
      return new ConflictError(message, full);
    case 422:
      return new UnprocessableEntityError(message, full);
    case 429:
      return new RateLimitError(message, full);
    default:
      return status >= 500 ? new InternalServerError(message, full) : new QwiltError(message, full);
  }
}

function assign(target: object, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: false, configurable: true });
}
