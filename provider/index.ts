/**
 * Entry point the serialized ApiKey provider `require`s by package name inside Pulumi's
 * dynamic-provider plugin. Keep it free of heavy imports at load time.
 */
import { QwiltApiKeyProvider, type QwiltProviderOptions } from "./qwilt-provider";

export { QwiltApiKeyProvider, type QwiltProviderOptions };
export { checkArgs, ARG_NAMES, REPLACE_ARGS, UPDATE_ARGS, UNKNOWN } from "./args";
export { resolveConfig, CONFIG_KEYS } from "./config";

let shared: QwiltApiKeyProvider | undefined;

/** The one provider of this process, shared by every ApiKey (so one login and one connection pool serve them all). */
export function sharedProvider(): QwiltApiKeyProvider {
  return (shared ??= new QwiltApiKeyProvider());
}
