/**
 * The Qwilt client's errors in the command line's words: its hints name the variables to set (never stack
 * config), and each failure says what was being done.
 */
import { ConfigurationError, PLAIN_HINTS, QwiltError, type HintWords } from "../sdk/client/errors";
import { OperationError, UsageError } from "./errors";
import { variablesOf } from "./qwilt-connection";

/** The hints; `doctor` leaves out the pointers to `qwilt-keys doctor`, for doctor's own output. */
const cliHints = (doctor: boolean): HintWords => ({
  ...PLAIN_HINTS,
  "check-api-key": () =>
    `check ${variablesOf("apiKey")}; a new key needs up to 5 minutes to become active, and an expired or revoked key never works again${doctor ? "" : "; `qwilt-keys doctor` shows what is used"}`,
  "login-token-refused": () =>
    `the API refused a fresh login token; check that the user may manage API keys in this organization${doctor ? "" : " (`qwilt-keys doctor`)"}`,
  "check-login": (e) =>
    `the username/password were rejected; check ${variablesOf("username")} and ${variablesOf("password")}${e.orgId ? `, and that the user belongs to organization ${e.orgId} (--org / QWILT_ORG_ID)` : ""}`,
  "login-organization-refused": (e) => `the user may not log in to organization ${e.orgId}; check --org / QWILT_ORG_ID`,
  "check-login-url": () => `check ${variablesOf("loginUrl")}`,
});
export const CLI_HINTS = cliHints(false);
const DOCTOR_HINTS = cliHints(true);

/** `inDoctor`: worded for `qwilt-keys doctor` itself, which should not send the reader to itself. */
export function describeApiError(error: QwiltError, inDoctor = false): string {
  return error.describe(inDoctor ? DOCTOR_HINTS : CLI_HINTS);
}

/** An error from the API (exit 1), or a configuration problem found by the client (exit 2). */
export function apiFailure(error: unknown, doing: string): Error {
  if (error instanceof ConfigurationError) return new UsageError(error.option ?? "configuration", error.describe());
  if (!(error instanceof QwiltError)) return error instanceof Error ? error : new Error(String(error));
  return new OperationError(`${doing} failed: ${describeApiError(error)}`);
}
