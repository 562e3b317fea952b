/** pulumi-qwilt-api-keys: Qwilt CDN API keys as a Pulumi resource. */
export { ApiKey, type ApiKeyArgs } from "./sdk/api-key";
export type { Permission } from "./sdk/qwilt-api";
export type { ApiKeyInfo, CreatedApiKey } from "./sdk/client/types";
