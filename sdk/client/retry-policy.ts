/**
 * When to try a request again and how long to wait first: the whole retry policy in one function.
 *
 * - 429: every method (the server refused the request, so nothing happened), honouring Retry-After.
 * - 500/502/503/504, connection errors, timeouts: GET and DELETE only. A POST that may have reached
 *   the server is never repeated blindly: it could create a second key (see `outcomeUnknown`).
 * - A connection that failed before the request was sent (refused, no DNS answer, connect timeout):
 *   every method, a POST too, since the server cannot have seen it.
 * - Otherwise exponential backoff with full jitter: random(0, min(max, base × 2^retry)).
 */
import { RETRYABLE_SERVER_STATUSES } from "./errors";

export interface RetrySettings {
  maxRetries: number;
  retryBaseDelayMs: number;
  retryMaxDelayMs: number;
}

/** What one attempt came to, as far as retrying is concerned. */
export type AttemptFailure =
  | { kind: "status"; status: number; headers: Record<string, string | string[] | undefined> }
  | { kind: "timeout" }
  | { kind: "connection"; retryable: boolean; sent?: boolean };

/**
 * Milliseconds to wait before retry number `retriesDone + 1`, or undefined to give up now.
 * `random` and `now` are injectable for tests.
 */
export function retryDelayMs(
  method: string,
  failure: AttemptFailure,
  retriesDone: number,
  settings: RetrySettings,
  random: () => number = Math.random,
  now: () => number = Date.now,
): number | undefined {
  if (retriesDone >= settings.maxRetries) return undefined;
  const idempotent = method === "GET" || method === "DELETE" || method === "HEAD";
  let retry: boolean;
  if (failure.kind === "status") {
    retry = failure.status === 429 || (idempotent && RETRYABLE_SERVER_STATUSES.has(failure.status));
  } else if (failure.kind === "timeout") {
    retry = idempotent;
  } else {
    retry = failure.retryable && (idempotent || failure.sent === false);
  }
  if (!retry) return undefined;

  if (failure.kind === "status") {
    const serverSays = parseRetryAfter(failure.headers, now);
    if (serverSays !== undefined) return Math.min(serverSays, settings.retryMaxDelayMs);
  }
  const ceiling = Math.min(settings.retryMaxDelayMs, settings.retryBaseDelayMs * 2 ** retriesDone);
  return Math.floor(random() * ceiling);
}

/** `Retry-After` in seconds or as an HTTP date (also the non-standard `retry-after-ms`), in ms; undefined if absent or unreadable. */
export function parseRetryAfter(
  headers: Record<string, string | string[] | undefined>,
  now: () => number = Date.now,
): number | undefined {
  const ms = first(headers["retry-after-ms"]);
  if (ms !== undefined && /^\d+(\.\d+)?$/.test(ms.trim())) return Math.ceil(Number(ms));
  const value = first(headers["retry-after"])?.trim();
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Math.ceil(Number(value) * 1000);
  // Every HTTP-date form names its month; Date.parse alone would read "-1" as a date in 2001 (no wait at all).
  if (!/\b(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\b/i.test(value)) return undefined;
  const date = Date.parse(value);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now());
}

function first(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}
