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

/* The entry points the serialized provider calls (see sdk/api-key.ts), bound to the shared provider. */
type P = QwiltApiKeyProvider;
export const configure: P["configure"] = (req) => sharedProvider().configure(req);
export const check: P["check"] = (olds, news) => sharedProvider().check(olds, news);
export const diff: P["diff"] = (id, olds, news) => sharedProvider().diff(id, olds, news);
export const create: P["create"] = (inputs) => sharedProvider().create(inputs);
export const read: P["read"] = (id, props) => sharedProvider().read(id, props);
export const update: P["update"] = (id, olds, news) => sharedProvider().update(id, olds, news);
// `delete` is a reserved word: export it under its name without declaring a variable called so.
const remove: P["delete"] = (id, props) => sharedProvider().delete(id, props);
export { remove as delete };
