/**
 * Sends one logical request: per-attempt timeout, retries per retry-policy.ts, and every failure turned
 * into a redacted QwiltError. Knows nothing about keys or logins. One undici Agent per transport, so
 * connections are kept alive and reused (a deployment with many keys must not open one per call).
 */
import { EventEmitter } from "node:events";
import type { Agent } from "undici";
import { extractApiMessage } from "./api-message";
import {
  ApiConnectionError,
  ApiTimeoutError,
  errorFromStatus,
  QwiltError,
  ResponseValidationError,
  statusDetail,
  type HintKind,
  type QwiltErrorInit,
} from "./errors";
import type { Redactor } from "./redact";
import { retryDelayMs, type AttemptFailure, type RetrySettings } from "./retry-policy";
import { sleep } from "./sleep";

export type HttpMethod = "GET" | "POST" | "DELETE";
export type ResponseHeaders = Record<string, string | string[] | undefined>;

export interface TransportSettings extends RetrySettings {
  timeoutMs: number;
  userAgent: string;
  redactor: Redactor;
  /** The most of an answer to read. Default MAX_RESPONSE_BYTES, sized for Qwilt's answers. */
  maxResponseBytes?: number;
}

export interface TransportRequest {
  method: HttpMethod;
  /** Base URL without trailing slash (checked by url-policy.ts). */
  baseUrl: string;
  path: string;
  query?: Record<string, string | undefined>;
  headers?: Record<string, string>;
  /** Sent as JSON. */
  json?: unknown;
  /** Aborts waiting and the request in flight; rejects with the signal's reason. */
  signal?: AbortSignal;
  /** The kind of advice for an error answer, per status. */
  hint?: (status: number) => HintKind | undefined;
  /** The advice when a non-GET request failed in a way that may have taken effect. */
  unknownOutcomeHint?: HintKind;
  /** Resolve with a 3xx answer (the login's 302) instead of failing on it. */
  acceptRedirect?: boolean;
  /** What the request asked for, kept on its errors for front ends to word. */
  about?: Pick<QwiltErrorInit, "keyName" | "orgId">;
}

export interface TransportResponse {
  status: number;
  headers: ResponseHeaders;
  text: string;
}

type Attempt =
  | { kind: "response"; response: TransportResponse }
  | { kind: "timeout" }
  | { kind: "too-large"; status: number }
  | ConnectionFailure;
type ConnectionFailure = { kind: "connection"; error: unknown; beforeSending: boolean; retryable: boolean };

/** What undici reads of an EventEmitter signal: the `abort` event, and `reason` set before it. */
type AbortEmitter = EventEmitter & { reason?: unknown };

/**
 * The most of an answer this client reads. A list of 10 000 keys is about 4 MB; an answer bigger than this
 * (a misrouted download, a body that never ends) would only fill memory until the timeout. An error answer
 * is cut here and shown shortened; a success answer this big is a ResponseValidationError.
 */
export const MAX_RESPONSE_BYTES = 16 * 1024 * 1024;

/** Our own abort reason, to tell our timeout from the caller's signal. */
const TIMED_OUT = Symbol("timed out");

/**
 * Codes that mean the request never left this machine: safe to report as "not sent" for a POST, and
 * to send it again (retry-policy.ts).
 */
const NOT_SENT_CODES = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_INVALID_ARG",
]);

export class HttpTransport {
  readonly #settings: TransportSettings;
  #agent: Agent | undefined;
  #closed = false;

  constructor(settings: TransportSettings) {
    this.#settings = settings;
  }

  get #maxBytes(): number {
    return this.#settings.maxResponseBytes ?? MAX_RESPONSE_BYTES;
  }

  /**
   * Resolves with a 2xx answer (or a 3xx with `acceptRedirect`); throws a QwiltError otherwise. A redirect is
   * never followed: it would resend the credentials to wherever it points.
   */
  async send(req: TransportRequest): Promise<TransportResponse> {
    const url = buildUrl(req);
    for (let retriesDone = 0; ; retriesDone++) {
      const attempt = await this.#attempt(req, url);
      if (attempt.kind === "response" && attempt.response.status < (req.acceptRedirect ? 400 : 300))
        return attempt.response;
      // The same answer would come again: not worth a retry.
      if (attempt.kind === "too-large") throw this.#toError(req, attempt);
      const failure: AttemptFailure =
        attempt.kind === "response"
          ? { kind: "status", status: attempt.response.status, headers: attempt.response.headers }
          : attempt.kind === "timeout"
            ? { kind: "timeout" }
            : { kind: "connection", retryable: attempt.retryable, sent: !attempt.beforeSending };
      const delay = retryDelayMs(req.method, failure, retriesDone, this.#settings);
      if (delay === undefined) throw this.#toError(req, attempt);
      await sleep(delay, req.signal);
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    const agent = this.#agent;
    this.#agent = undefined;
    await agent?.close();
  }

  async #attempt(req: TransportRequest, url: string): Promise<Attempt> {
    if (this.#closed) {
      throw new QwiltError({
        code: "client_closed",
        method: req.method,
        path: req.path,
        detail: "the client is closed",
      });
    }
    req.signal?.throwIfAborted();
    // undici loads on the first request, not when the package is imported.
    const { request } = require("undici") as typeof import("undici");
    // undici accepts an EventEmitter as the abort signal (documented). It does what an AbortController
    // would, for a tenth of the CPU: an AbortSignal cost ~25 us per request in the plugin (profiled).
    const abort: AbortEmitter = new EventEmitter();
    const fire = (reason: unknown) => {
      if (abort.reason !== undefined) return;
      abort.reason = reason;
      abort.emit("abort");
    };
    const timer = setTimeout(() => fire(TIMED_OUT), this.#settings.timeoutMs);
    const forwardAbort = () => fire(req.signal?.reason);
    req.signal?.addEventListener("abort", forwardAbort, { once: true });
    const headers: Record<string, string> = {
      "user-agent": this.#settings.userAgent,
      accept: "application/json",
      ...(req.json !== undefined ? { "content-type": "application/json" } : {}),
      ...req.headers,
    };
    try {
      // undici's request() never follows redirects (that takes an interceptor), which the login needs.
      const res = await request(url, {
        dispatcher: this.#getAgent(),
        method: req.method,
        headers,
        body: req.json !== undefined ? JSON.stringify(req.json) : undefined,
        signal: abort,
      });
      // Always read the body: that is what returns the connection to the pool.
      const { text, complete } = await readAtMost(res.body, this.#maxBytes);
      if (!complete && res.statusCode < 400) return { kind: "too-large", status: res.statusCode };
      // The body ends a moment before undici marks the connection idle; without this turn of the
      // event loop the next sequential request opens a second connection (measured).
      await new Promise<void>((resolve) => setImmediate(resolve));
      return { kind: "response", response: { status: res.statusCode, headers: res.headers, text } };
    } catch (error) {
      if (req.signal?.aborted) throw req.signal.reason;
      const code = errorCode(error);
      if (abort.reason === TIMED_OUT || code === "UND_ERR_HEADERS_TIMEOUT" || code === "UND_ERR_BODY_TIMEOUT") {
        return { kind: "timeout" };
      }
      const beforeSending = code !== undefined && NOT_SENT_CODES.has(code);
      // A certificate or argument problem will be the same next time.
      const retryable = code !== "UND_ERR_INVALID_ARG" && !/CERT|SELF_SIGNED|TLS|ERR_SSL/i.test(code ?? "");
      return { kind: "connection", error, beforeSending, retryable };
    } finally {
      clearTimeout(timer);
      req.signal?.removeEventListener("abort", forwardAbort);
    }
  }

  #getAgent(): Agent {
    if (!this.#agent) {
      const { Agent } = require("undici") as typeof import("undici");
      this.#agent = new Agent({
        // Keep connections between the calls of one deployment step.
        keepAliveTimeout: 10_000,
        keepAliveMaxTimeout: 60_000,
        headersTimeout: this.#settings.timeoutMs,
        bodyTimeout: this.#settings.timeoutMs,
      });
    }
    return this.#agent;
  }

  #toError(req: TransportRequest, attempt: Attempt): QwiltError {
    const { method, path } = req;
    const redact = (s: string) => this.#settings.redactor.redact(s);
    const base = { method, path, ...req.about };
    // A GET changes nothing, so only other methods say what is known of their outcome.
    const outcome = (unknown: boolean) => {
      if (method === "GET") return {};
      return {
        outcomeUnknown: unknown,
        ...(unknown && req.unknownOutcomeHint ? { hint: req.unknownOutcomeHint } : {}),
      };
    };

    if (attempt.kind === "response") {
      const { status, text, headers } = attempt.response;
      if (status < 400) {
        // 307/308 mean "send it there instead", so nothing was done; after a POST a 302/303 may follow success.
        const mayBeDone = status !== 307 && status !== 308;
        return errorFromStatus(status, {
          ...base,
          detail: redact(
            `${statusDetail(status)} — ${redirectTarget(headers.location)}; this client does not follow redirects`,
          ),
          ...outcome(mayBeDone),
        });
      }
      const apiMessage = extractApiMessage(text, this.#settings.redactor);
      const hint = req.hint?.(status);
      const init = { ...base, detail: redact(statusDetail(status, apiMessage)), apiMessage, ...(hint ? { hint } : {}) };
      return errorFromStatus(status, { ...init, ...outcome(status >= 500) });
    }
    if (attempt.kind === "too-large") {
      return new ResponseValidationError({
        ...base,
        status: attempt.status,
        detail: `unexpected response — the ${attempt.status} answer is larger than ${this.#maxBytes / 1024 / 1024} MiB; stopped reading it`,
        // A create that answered 2xx made its key, but the key is in the part not read.
        ...outcome(true),
      });
    }
    if (attempt.kind === "timeout") {
      return new ApiTimeoutError({
        ...base,
        detail: `no answer within ${this.#settings.timeoutMs} ms`,
        ...outcome(true),
      });
    }
    const detail = redact(describeConnectionError(attempt.error));
    return new ApiConnectionError(
      {
        ...base,
        detail: `connection failed — ${detail}`,
        cause: safeCause(attempt.error, detail),
        ...outcome(!attempt.beforeSending),
      },
      attempt.retryable,
    );
  }
}

/** The body as text, or its first `limit` bytes when it is longer (reading stops and the connection is dropped). */
async function readAtMost(
  body: AsyncIterable<Buffer> & { destroy(): unknown },
  limit: number,
): Promise<{ text: string; complete: boolean }> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    if (size + chunk.length > limit) {
      chunks.push(chunk.subarray(0, limit - size));
      body.destroy();
      return { text: decode(chunks), complete: false };
    }
    size += chunk.length;
    chunks.push(chunk);
  }
  return { text: decode(chunks), complete: true };
}

/** UTF-8 without a leading byte order mark, as undici's body.text() decodes. */
function decode(chunks: Buffer[]): string {
  const bytes = Buffer.concat(chunks);
  const bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  return bytes.toString("utf8", bom ? 3 : 0);
}

/** `redirected to https://host/path`, without the query (it may carry a token), or that no Location came. */
function redirectTarget(location: string | string[] | undefined): string {
  const raw = Array.isArray(location) ? location[0] : location;
  if (!raw) return "a redirect without a Location";
  const cut = raw.split(/[?#]/, 1)[0]!.slice(0, 200);
  return `redirected to ${cut}`;
}

function buildUrl(req: TransportRequest): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(req.query ?? {})) if (v !== undefined) params.set(k, v);
  const qs = params.toString();
  return `${req.baseUrl}${req.path}${qs ? `?${qs}` : ""}`;
}

function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : undefined;
}

/** `ECONNREFUSED 127.0.0.1:1234`, `other side closed (UND_ERR_SOCKET)`. */
export function describeConnectionError(error: unknown): string {
  const e = (error ?? {}) as { message?: unknown; errors?: unknown[] };
  let message = typeof e.message === "string" ? e.message : String(error);
  // Happy-eyeballs connects fail with an AggregateError whose own message is empty.
  if (!message && Array.isArray(e.errors) && e.errors.length) message = describeConnectionError(e.errors[0]);
  message = message.replace(/^connect\s+/, "").trim();
  const code = errorCode(error);
  if (code && !message.includes(code)) message = message ? `${message} (${code})` : code;
  return message || "unknown error";
}

/** Keep the cause's name, code and (redacted) message, but none of its other properties (sockets, options). */
function safeCause(error: unknown, redactedMessage: string): Error {
  const cause = new Error(redactedMessage);
  cause.name = error instanceof Error ? error.name : "Error";
  const code = errorCode(error);
  if (code) Object.defineProperty(cause, "code", { value: code, enumerable: true });
  return cause;
}
