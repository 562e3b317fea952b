/**
 * What a provider error tells the user to do. The client's messages already say what happened (request,
 * status, Qwilt's words) and, for credentials and rights, what to check; this adds which key, what became
 * of it, and the advice for failures that are nobody's fault (rate limits, server errors, timeouts,
 * broken connections) and for answers we could not read.
 */

interface ErrorFields {
  name?: string;
  message?: string;
  status?: number;
  hint?: string;
  retryable?: boolean;
  outcomeUnknown?: boolean;
}

/** `This looks temporary (...): <again>.`, or the advice for an unreadable answer; "" when the message already says it. */
export function adviceFor(error: unknown, again: string): string {
  // A provider error that restates a client error carries it as `adviceFrom`.
  const e = ((error as { adviceFrom?: unknown } | undefined)?.adviceFrom ?? error ?? {}) as ErrorFields;
  if (e.name === "ResponseValidationError") {
    return `${again[0]!.toUpperCase()}${again.slice(1)}; if it happens again, Qwilt's API may have changed or a proxy is mangling its answers: please report it.`;
  }
  if (!e.retryable) return "";
  const why =
    e.status === 429
      ? "Qwilt is limiting the request rate"
      : e.status !== undefined
        ? "Qwilt had a server error"
        : e.name === "ApiTimeoutError"
          ? "Qwilt did not answer in time; qwilt:timeoutMs / QWILT_TIMEOUT_MS sets how long to wait"
          : "the connection to Qwilt broke; check the network and qwilt:usersUrl / qwilt:loginUrl";
  return `This looks temporary (${why}): ${again}.`;
}

/**
 * The client's message without its own closing `(hint)`. Used where the provider has settled what the hint
 * leaves open (e.g. "the key may have been created": we looked, and say what we found).
 */
export function withoutHint(error: unknown): string {
  const e = (error ?? {}) as ErrorFields;
  const message = e.message ?? String(error);
  return e.hint && message.endsWith(` (${e.hint})`) ? message.slice(0, -(e.hint.length + 3)) : message;
}

/** Whether a failed write may still have taken effect: no answer, a 5xx, or a success answer we could not read. */
export function mayHaveTakenEffect(error: unknown): boolean {
  const e = (error ?? {}) as ErrorFields;
  return e.outcomeUnknown === true || e.name === "ResponseValidationError";
}

/** A timed-out request may still be on its way to the server (the others were answered or cut off). */
export function timedOut(error: unknown): boolean {
  return (error as ErrorFields | undefined)?.name === "ApiTimeoutError";
}

/** The delete's error: which key, what happened, that Pulumi still tracks it, and what to do. */
export function notRevoked(error: unknown, name: string, id: string): Error {
  const advice =
    adviceFor(error, "run the command again") || "Run the command again; if it keeps failing, revoke the key in Qwilt's web UI and run `pulumi refresh`.";
  return new Error(`Could not revoke key "${name}" (${id}): ${(error as Error).message}. Pulumi keeps tracking it. ${advice}`);
}

/** The read's (refresh's) error: which key, what happened, that the state is unchanged, and what to do. */
export function notRead(error: unknown, name: string, id: string): Error {
  const advice = adviceFor(error, "run the command again");
  return new Error(`Could not read key "${name}" (${id}): ${(error as Error).message}. The stack's state is unchanged.${advice ? ` ${advice}` : ""}`);
}
