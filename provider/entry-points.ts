/**
 * The object Pulumi's dynamic-provider plugin calls for every ApiKey: exactly the methods of a
 * dynamic ResourceProvider, bound to the shared provider. An ApiKey's serialized provider is
 * `require` of this module by its package path (see sdk/api-key.ts), so nothing else belongs here.
 */
import type { QwiltApiKeyProvider } from "./qwilt-provider";
import { sharedProvider } from "./shared-provider";

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
