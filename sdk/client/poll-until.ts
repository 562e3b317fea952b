/**
 * Polls a check until it passes or the time is up, backing off from `pollIntervalMs` to at most
 * `maxIntervalMs`. Used to wait for a new key to become active (Qwilt: up to five minutes).
 * The last check lands on the deadline, so a key that turns active just in time still counts.
 */
import { sleep } from "./sleep";

export interface PollOptions {
  timeoutMs: number;
  /** First wait between checks. Default 1000. */
  pollIntervalMs?: number;
  /** Longest wait between checks. Default 15 000. */
  maxIntervalMs?: number;
  signal?: AbortSignal;
}

export interface PollResult {
  active: boolean;
  waitedMs: number;
  attempts: number;
}

export async function pollUntil(check: () => Promise<boolean>, options: PollOptions): Promise<PollResult> {
  const start = performance.now();
  const deadline = start + Math.max(0, options.timeoutMs);
  const maxInterval = options.maxIntervalMs ?? 15_000;
  let interval = Math.min(options.pollIntervalMs ?? 1_000, maxInterval);
  let attempts = 0;
  for (;;) {
    options.signal?.throwIfAborted();
    attempts++;
    const active = await check();
    const now = performance.now();
    if (active) return { active, waitedMs: Math.round(now - start), attempts };
    const remaining = deadline - now;
    if (remaining <= 0) return { active, waitedMs: Math.round(now - start), attempts };
    await sleep(Math.min(interval, remaining), options.signal);
    interval = Math.min(interval * 2, maxInterval);
  }
}
