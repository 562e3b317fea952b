/**
 * Client errors in a Pulumi user's words. The client's errors are facts (sdk/client/errors.ts): this words
 * their hints in stack-config terms, and adds which key, what became of it, and the advice for failures
 * that are nobody's fault (rate limits, server errors, timeouts, broken connections) and for answers we
 * could not read.
 */
import {
  ApiTimeoutError,
  PLAIN_HINTS,
  QwiltError,
  ResponseValidationError,
  type HintWords,
} from "../sdk/client/errors";
import { assumption, contradictedBy, type AssumptionId } from "../sdk/qwilt-api";
import { SETTINGS } from "../sdk/settings";
import { settingPlaces } from "./config";

const { username, password } = SETTINGS;

/** The hints a Pulumi user reads: what to set, by its stack config key or variable. */
const PROVIDER_HINTS: HintWords = {
  ...PLAIN_HINTS,
  "check-api-key": () =>
    `check ${settingPlaces("apiKey")}; a new key needs up to 5 minutes to become active, and an expired or revoked key never works again`,
  "check-login": (e) =>
    `the username/password were rejected; check ${username.configKey} / ${password.configKey} or ${username.env[0]} / ${password.env[0]}${
      e.orgId ? `, and that the user belongs to organization ${e.orgId}` : ""
    }`,
  "check-login-url": () => `check ${settingPlaces("loginUrl")}`,
};

/**
 * An error the provider words itself; `cause` is the client error it restates, if any, and `assumption`
 * the assumption about Qwilt's API (sdk/qwilt-api.ts) that what happened contradicts, if any.
 */
export class ProviderError extends Error {
  override name = "ProviderError";
  declare readonly assumption?: AssumptionId;

  constructor(message: string, options: ErrorOptions & { assumption?: AssumptionId } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    if (options.assumption) Object.defineProperty(this, "assumption", { value: options.assumption, enumerable: true });
  }
}

/** The assumption about Qwilt's API that `error` shows wrong: named by the provider, or read from the answer's status. */
export function contradictionOf(error: unknown): AssumptionId | undefined {
  if (error instanceof ProviderError && error.assumption) return error.assumption;
  const e = clientErrorOf(error);
  return e ? contradictedBy(e) : undefined;
}

/** `; that contradicts assumption revoke-path of pulumi-qwilt-api-keys (assumed: ...): run qwilt-keys probe ...`. */
export function assumptionNote(id: AssumptionId): string {
  const a = assumption(id);
  return `; that contradicts assumption ${id} of pulumi-qwilt-api-keys (${a.source}: ${a.statement}): run \`qwilt-keys probe --json\` and send us its output`;
}

/** The client error behind `error`: itself, or the one a ProviderError restates. */
export function clientErrorOf(error: unknown): QwiltError | undefined {
  if (error instanceof QwiltError) return error;
  if (error instanceof ProviderError && error.cause instanceof QwiltError) return error.cause;
  return undefined;
}

/**
 * Any error as a Pulumi user should read it. `outcome: false` leaves out the client's guess at what may
 * have happened, for callers that looked and say what they found.
 */
export function describeError(error: unknown, options: { outcome?: boolean } = {}): string {
  if (error instanceof QwiltError) {
    const contradicted = contradictedBy(error);
    return `${error.describe(PROVIDER_HINTS, options)}${contradicted ? assumptionNote(contradicted) : ""}`;
  }
  if (error instanceof Error) return error.message;
  return String(error);
}

/** `error` restated in the provider's words, keeping it as the cause. */
export function worded(error: unknown): Error {
  return error instanceof QwiltError ? new ProviderError(describeError(error), { cause: error }) : (error as Error);
}

/** `This looks temporary (...): <again>.`, or the advice for an unreadable answer; "" when the message already says it. */
export function adviceFor(error: unknown, again: string): string {
  const e = clientErrorOf(error);
  if (e instanceof ResponseValidationError) {
    return `${again[0]!.toUpperCase()}${again.slice(1)}; if it happens again, Qwilt's API may have changed or a proxy is mangling its answers: please report it.`;
  }
  if (!e?.retryable) return "";
  const why =
    e.status === 429
      ? "Qwilt is limiting the request rate"
      : e.status !== undefined
        ? "Qwilt had a server error"
        : e instanceof ApiTimeoutError
          ? `Qwilt did not answer in time; ${settingPlaces("timeoutMs")} sets how long to wait`
          : `the connection to Qwilt broke; check the network and ${SETTINGS.usersUrl.configKey} / ${SETTINGS.loginUrl.configKey}`;
  return `This looks temporary (${why}): ${again}.`;
}

/** Whether a failed write may still have taken effect: no answer, a 5xx, or a success answer we could not read. */
export function mayHaveTakenEffect(error: unknown): boolean {
  return error instanceof QwiltError && (error.outcomeUnknown === true || error instanceof ResponseValidationError);
}

/** A timed-out request may still be on its way to the server (the others were answered or cut off). */
export function timedOut(error: unknown): boolean {
  return error instanceof ApiTimeoutError;
}

/** The delete's error: which key (`what`: the key, or the previous key), what happened, that Pulumi still tracks it, and what to do. */
export function notRevoked(error: unknown, name: string, id: string, what = "key"): Error {
  const advice = contradictionOf(error)
    ? "Revoke the key in Qwilt's web UI, then run `pulumi refresh`."
    : adviceFor(error, "run the command again") ||
      "Run the command again; if it keeps failing, revoke the key in Qwilt's web UI and run `pulumi refresh`.";
  return new ProviderError(
    `Could not revoke ${what} "${name}" (${id}): ${describeError(error)}. Pulumi keeps tracking it. ${advice}`,
    { cause: error },
  );
}

/**
 * `error` as an init failure (ErrorResourceInitFailed: the host passes on `id`, `properties` and `reasons`):
 * the operation changed the key's state before it failed, so the engine keeps `properties` as the outputs,
 * and every key they name stays tracked. The engine updates such a resource on the next `pulumi up`.
 */
export function trackedFailure(id: string, properties: object, error: unknown): Error {
  const failure = error instanceof ProviderError ? error : new ProviderError(describeError(error), { cause: error });
  return Object.assign(failure, { id, properties, reasons: [failure.message] });
}

/** The read's (refresh's) error: which key, what happened, that the state is unchanged, and what to do. */
export function notRead(error: unknown, name: string, id: string): Error {
  const advice = adviceFor(error, "run the command again");
  return new ProviderError(
    `Could not read key "${name}" (${id}): ${describeError(error)}. The stack's state is unchanged.${advice ? ` ${advice}` : ""}`,
    {
      cause: error,
    },
  );
}
