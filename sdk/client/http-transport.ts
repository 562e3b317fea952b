/**
 * Sends one logical request: per-attempt timeout, retries per retry-policy.ts, and every failure turned
 * into a redacted QwiltError. Knows nothing about keys or logins. One undici Agent per transport, so
 * connections are kept alive and reused (a `pulumi up` with many keys must not open one per call).
 */
import { EventEmitter } from "node:events";
import type { Agent } from "undici";
import { extractApiMessage } from "./api-message";
import {
  ApiConnectionError,
  ApiTimeoutError,
  errorFromStatus,
  formatStatusMessage,
  QwiltError,
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
  /** A hint for the user, per status, added to the error message. */
  hint?: (status: number) => string | undefined;
  /** Added to the message when a non-GET request failed in a way that may have taken effect. */
  unknownOutcomeHint?: string;
}

export interface TransportResponse {
  status: number;
  headers: ResponseHeaders;
  text: string;
}

type Attempt = { kind: "response"; response: TransportResponse } | { kind: "timeout" } | ConnectionFailure;
type ConnectionFailure = { kind: "connection"; error: unknown; beforeSending: boolean; retryable: boolean };

/** What undici reads of an EventEmitter signal: the `abort` event, and `reason` set before it. */
type AbortEmitter = EventEmitter & { reason?: unknown };

/** Our own abort reason, to tell our timeout from the caller's signal. */
const TIMED_OUT = Symbol("timed out");

/**
 * Codes that mean the request never left this machine: safe to report as "not sent" for a POST.
 * (A POST is still not retried on them: the brief keeps POST retries to 429 only.)
 */
const NOT_SENT_CODES = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH", "UND_ERR_CONNECT_TIMEOUT", "UND_ERR_INVALID_ARG"]);

export class HttpTransport {
  readonly #settings: TransportSettings;
  #agent: Agent | undefined;
  #closed = false;

  constructor(settings: TransportSettings) {
    this.#settings = settings;
  }

  /** Resolves with any status below 400 (a caller may expect a 302); throws a QwiltError otherwise. */
  async send(req: TransportRequest): Promise<TransportResponse> {
    const url = buildUrl(req);
    for (let retriesDone = 0; ; retriesDone++) {
      const attempt = await this.#attempt(req, url);
      if (attempt.kind === "response" && attempt.response.status < 400) return attempt.response;
      const failure: AttemptFailure =
        attempt.kind === "response"
          ? { kind: "status", status: attempt.response.status, headers: attempt.response.headers }
          : attempt.kind === "timeout"
            ? { kind: "timeout" }
            : { kind: "connection", retryable: attempt.retryable };
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
      throw new QwiltError(`${req.method} ${req.path}: the client is closed`, { method: req.method, path: req.path });
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
    const headers: Record<string, string> = { "user-agent": this.#settings.userAgent, accept: "application/json" };
    if (req.json !== undefined) headers["content-type"] = "application/json";
    Object.assign(headers, req.headers);
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
      const text = await res.body.text();
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

  #toError(req: TransportRequest, attempt: Exclude<Attempt, { kind: "response" }> | { kind: "response"; response: TransportResponse }): QwiltError {
    const { method, path } = req;
    const redact = (s: string) => this.#settings.redactor.redact(s);
    const base: QwiltErrorInit = { method, path };
    const mayHaveTakenEffect = (yes: boolean) => (method === "GET" ? {} : { outcomeUnknown: yes });
    const withUnknownHint = (yes: boolean, hint?: string) =>
      [hint, yes && method !== "GET" ? req.unknownOutcomeHint : undefined].filter(Boolean).join("; ") || undefined;

    if (attempt.kind === "response") {
      const { status, text } = attempt.response;
      const unknown = status >= 500;
      const apiMessage = extractApiMessage(text, this.#settings.redactor);
      const hint = withUnknownHint(unknown, req.hint?.(status));
      const message = redact(formatStatusMessage(method, path, status, apiMessage, hint));
      return errorFromStatus(status, message, { ...base, apiMessage, hint, ...mayHaveTakenEffect(unknown) });
    }
    if (attempt.kind === "timeout") {
      const hint = withUnknownHint(true);
      const message = `${method} ${path}: no answer within ${this.#settings.timeoutMs} ms${hint ? ` (${hint})` : ""}`;
      return new ApiTimeoutError(redact(message), { ...base, hint, ...mayHaveTakenEffect(true) });
    }
    const unknown = !attempt.beforeSending;
    const hint = withUnknownHint(unknown);
    const detail = redact(describeConnectionError(attempt.error));
    const message = `${method} ${path}: connection failed — ${detail}${hint ? ` (${hint})` : ""}`;
    return new ApiConnectionError(
      redact(message),
      { ...base, hint, cause: safeCause(attempt.error, detail), ...mayHaveTakenEffect(unknown) },
      attempt.retryable,
    );
  }
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
