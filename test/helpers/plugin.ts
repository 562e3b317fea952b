/**
 * Drives Pulumi's real dynamic-provider plugin (`pulumi-resource-pulumi-nodejs`) over gRPC, as the
 * Pulumi engine does during `pulumi up`. One implementation, in plain JavaScript so that the
 * lifecycle harness and `npm run demo` share it: test/lifecycle/harness/plugin-client.js.
 */
export { PluginCallError, startPlugin, TYPE, urnOf } from "../lifecycle/harness/plugin-client.js";
export type { PluginProcess } from "../lifecycle/harness/plugin-client.js";
