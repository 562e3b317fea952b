import type { ApiKeyComputed, ApiKeyState, CheckedArgs } from "../sdk/api-key-args";
import type { ApiKeyInfo, CreatedApiKey } from "../sdk/client/types";
import { rotateAtOf } from "./schedule";

/** The key's metadata as outputs (never the key itself). */
export function metadataOutputs(info: ApiKeyInfo, rotateBeforeDays: number): Omit<ApiKeyComputed, "key"> {
  return {
    keyId: info.keyId,
    organization: info.organization,
    createdBy: info.createdBy,
    createdAt: new Date(info.createdAt).toISOString(),
    expiresAt: new Date(info.expiresAt).toISOString(),
    rotateAt: rotateAtOf(info.expiresAt, rotateBeforeDays),
  };
}

/** All outputs of a new key: the checked inputs, the metadata and the key (made secret by the ApiKey class). */
export function createdOutputs(inputs: CheckedArgs, created: CreatedApiKey): ApiKeyState {
  return { ...inputs, ...metadataOutputs(created, inputs.rotateBeforeDays), key: created.key };
}

/** keyId is a small per-organization number, so the resource id carries the organization too. */
export function resourceId(info: { organization: string; keyId: string }): string {
  return `${info.organization}/${info.keyId}`;
}
