/**
 * The provider's public entry (`pulumi-qwilt-api-keys/provider`). Serialized providers in the stubs form
 * (sdk/api-key.ts) `require` it by this name and call the entry points below, so it stays exported.
 * Keep it free of heavy imports at load time.
 */
export { QwiltApiKeyProvider, type QwiltProviderOptions } from "./qwilt-provider";
export { checkArgs } from "./args";
export { ARG_NAMES, REPLACE_ARGS, UPDATE_ARGS } from "../sdk/api-key-args";
export { UNKNOWN } from "./unknown";
export { resolveConfig, CONFIG_KEYS } from "./config";
export { sharedProvider } from "./shared-provider";
export { configure, check, diff, create, read, update, delete } from "./entry-points";
