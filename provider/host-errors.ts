/**
 * Errors as the dynamic-provider host hands them on. For a failed check, diff, read or delete it
 * prints `${error}: ${error.stack}` to stderr (@pulumi/pulumi cmd/dynamic-provider/index.js), which
 * the CLI shows as text under the stack, and sends `error.message` to the engine, which shows it as
 * the resource's error. For an error we wrote for people, the stack says nothing they can use and
 * the message would be printed twice more: so such an error prints as one line, `qwilt:ApiKey:
 * <message>` (its string is the resource type, its stack its message). Other errors (a bug, say)
 * keep their stack, which is what a bug report needs.
 */
import { QwiltError } from "../sdk/client/errors";
import { SettingsError } from "../sdk/settings";
import { ProviderConfigError } from "./config";
import { ProviderError } from "./error-advice";

/** What the host's line starts with: the resource type, as the CLI's tree shows it. */
const LABEL = "qwilt:ApiKey";

/** Whether we worded this error for the person running Pulumi. */
function ours(error: unknown): error is Error {
  return (
    error instanceof ProviderError ||
    error instanceof QwiltError ||
    error instanceof ProviderConfigError ||
    error instanceof SettingsError
  );
}

/** The same error, printed by the host as one line without a call stack when it is one of ours. */
export function forTheHost(error: unknown): unknown {
  if (!ours(error)) return error;
  Object.defineProperty(error, "stack", { value: error.message, configurable: true, writable: true });
  Object.defineProperty(error, "toString", { value: () => LABEL, configurable: true, writable: true });
  return error;
}

/** `fn`, its errors handed on by forTheHost. */
export function hostFacing<A extends unknown[], R>(fn: (...args: A) => Promise<R>): (...args: A) => Promise<R> {
  return (...args) =>
    fn(...args).catch((error: unknown) => {
      throw forTheHost(error);
    });
}
