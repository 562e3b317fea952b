/**
 * The object Pulumi's dynamic-provider plugin calls for every ApiKey: exactly the methods of a
 * dynamic ResourceProvider, bound to the shared provider. An ApiKey's serialized provider is
 * `require` of this module by its package path (see sdk/api-key.ts), so nothing else belongs here.
 */
import type { QwiltApiKeyProvider } from "./qwilt-provider";
import { hostFacing } from "./host-errors";
import { sharedProvider } from "./shared-provider";

type P = QwiltApiKeyProvider;
// Every method's errors go out as the host should print them (host-errors.ts).
export const configure: P["configure"] = hostFacing((req) => sharedProvider().configure(req));
export const check: P["check"] = hostFacing((olds, news) => sharedProvider().check(olds, news));
export const diff: P["diff"] = hostFacing((id, olds, news) => sharedProvider().diff(id, olds, news));
export const create: P["create"] = hostFacing((inputs) => sharedProvider().create(inputs));
export const read: P["read"] = hostFacing((id, props) => sharedProvider().read(id, props));
export const update: P["update"] = hostFacing((id, olds, news) => sharedProvider().update(id, olds, news));
// `delete` is a reserved word: export it under its name without declaring a variable called so.
const remove: P["delete"] = hostFacing((id, props) => sharedProvider().delete(id, props));
export { remove as delete };
