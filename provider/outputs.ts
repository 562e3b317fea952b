import type { ApiKeyComputed, ApiKeyState, CheckedArgs } from "../sdk/api-key-args";
import type { ApiKeyInfo, CreatedApiKey } from "../sdk/client/types";
import { previousOf, previousRevokeAtOf, withPrevious, withRevokeAt, type PreviousKey } from "./previous-key";
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

/**
 * The outputs of an update that makes no key: the new settings recorded, the times they govern (rotateAt,
 * previousRevokeAt) moved, and the key's own fields still those of the key held (its auto-name may differ from
 * the one in the engine's inputs, which a rotation in place cannot change).
 */
export function recordedOutputs(olds: ApiKeyState, news: CheckedArgs): ApiKeyState {
  const outs: ApiKeyState = {
    ...olds,
    ...news,
    name: olds.name ?? news.name,
    rotateAt: rotateAtOf(olds.expiresAt, news.rotateBeforeDays),
  };
  const previous = previousOf(olds);
  return withPrevious(outs, previous && withRevokeAt(previous, olds.createdAt, news.overlapDays));
}

/** keyId is a small per-organization number, so the resource id carries the organization too. */
export function resourceId(info: { organization: string; keyId: string }): string {
  return `${info.organization}/${info.keyId}`;
}

/**
 * `<organization>/<keyId>` of the key `keyId` (default: the current key) of the resource `id`, as messages name
 * it: after a rotation in place the resource id names an older key. A state without those outputs (written by
 * hand) falls back on the id.
 */
export function keyRef(id: string, props: { organization?: string; keyId?: string }, keyId = props.keyId): string {
  const organization = props.organization ?? id.split("/")[0];
  return keyId === undefined || !organization ? id : `${organization}/${keyId}`;
}

/**
 * How messages name a key: by organization and keyId, as the resource id does for a key's first key
 * (an in-place rotation keeps the id, so only keyId names the current key), and by name.
 */
export function keyLabel(props: { organization?: string; keyId?: string; name?: string }): string {
  return `key ${props.organization ? `${props.organization}/` : ""}${props.keyId} ("${props.name}")`;
}

/** `key org/keyId ("name")` of the previous key held beside the current key `props`. */
export function previousLabel(props: { organization?: string }, previous: { keyId: string; name: string }): string {
  return keyLabel({ organization: props.organization, keyId: previous.keyId, name: previous.name });
}

/**
 * After a rotation in place: the new key as the current key (its arguments from `news`, its name `name`), the
 * key it follows as the previous key, revoked `overlapDays` after the new key was made (at most at its expiry).
 */
export function rotatedOutputs(outs: ApiKeyState, news: CheckedArgs, name: string, made: CreatedApiKey): ApiKeyState {
  const old: PreviousKey = {
    keyId: outs.keyId,
    name: outs.name,
    key: outs.key,
    expiresAt: outs.expiresAt,
    revokeAt: previousRevokeAtOf(made.createdAt, news.overlapDays, outs.expiresAt),
  };
  const next: ApiKeyState = { ...outs, ...createdOutputs({ ...news, name }, made) };
  if (news.description === undefined) delete next.description;
  delete next.activationPending;
  return withPrevious(next, old);
}

/** The previous key as a refresh finds it: its expiry as Qwilt says, its revoke time never past that. */
export function refreshedPrevious(previous: PreviousKey, info: ApiKeyInfo): PreviousKey {
  const expiresAt = new Date(info.expiresAt).toISOString();
  const revokeAt = Date.parse(previous.revokeAt) < Date.parse(expiresAt) ? previous.revokeAt : expiresAt;
  return { ...previous, expiresAt, revokeAt };
}

/**
 * The previous key, still live, as the current key (a refresh found the current key gone): its own arguments as
 * Qwilt shows them, so a diff against the program's sees what no longer matches, and its schedule.
 */
export function promotedPrevious(props: ApiKeyState, previous: PreviousKey, info: ApiKeyInfo): ApiKeyState {
  const outs: ApiKeyState = {
    ...props,
    ...metadataOutputs(info, props.rotateBeforeDays),
    name: info.name,
    key: previous.key,
    permission: info.permission as ApiKeyState["permission"],
    validForDays: info.ttlDays,
  };
  if (info.description === undefined) delete outs.description;
  else outs.description = info.description;
  delete outs.activationPending;
  return withPrevious(outs, undefined);
}
