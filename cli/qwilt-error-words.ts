/** The Qwilt client's errors in the command line's words: what was being done, what happened, what to check. */
import { AuthenticationError, ConfigurationError, PermissionDeniedError, QwiltError } from "../sdk/client/errors";
import { OperationError, UsageError } from "./errors";

/** An error from the API (exit 1), or a configuration problem found by the client (exit 2). */
export function apiFailure(error: unknown, doing: string): Error {
  if (error instanceof ConfigurationError) return new UsageError("configuration", error.message);
  if (!(error instanceof QwiltError)) return error instanceof Error ? error : new Error(String(error));
  return new OperationError(`${doing} failed: ${describeApiError(error)}`);
}

export function describeApiError(error: QwiltError): string {
  const advice =
    error instanceof AuthenticationError
      ? "check QWILT_API_KEY, or QWILT_USERNAME and QWILT_PASSWORD; `qwilt-keys doctor` shows what is used"
      : error instanceof PermissionDeniedError
        ? "the credentials may not do this; `qwilt-keys doctor` shows what they may do"
        : undefined;
  return advice ? `${error.message}; ${advice}` : error.message;
}
