/**
 * The previous key of a rotation in place (overlapDays > 0): the key a rotation made a successor for,
 * kept working for a bounded time so that consumers outside the stack can pick up the new one, then
 * revoked by the first `pulumi up` after `previousRevokeAt`. Its fields sit in the outputs beside the
 * current key's (`keyId` always names the current key) and are absent while there is no previous key.
 */
import type { ApiKeyState } from "../sdk/api-key-args";
import { DAY_MS } from "../sdk/qwilt-api";

export interface PreviousKey {
  keyId: string;
  name: string;
  /** The key itself (secret): consumers that have not moved on still use it. */
  key: string;
  expiresAt: string;
  revokeAt: string;
}

/** The outputs that describe the previous key. */
export const PREVIOUS_OUTPUTS = [
  "previousKeyId",
  "previousName",
  "previousKey",
  "previousExpiresAt",
  "previousRevokeAt",
] as const;

/** The previous key the outputs hold, if any (a state written before overlapDays existed holds none). */
export function previousOf(props: Partial<ApiKeyState>): PreviousKey | undefined {
  const {
    previousKeyId: keyId,
    previousName: name,
    previousKey: key,
    previousExpiresAt: expiresAt,
    previousRevokeAt: revokeAt,
  } = props;
  if (typeof keyId !== "string" || keyId === "") return undefined;
  return { keyId, name: name ?? "", key: key ?? "", expiresAt: expiresAt ?? "", revokeAt: revokeAt ?? expiresAt ?? "" };
}

/** The outputs with `previous` as the previous key, or with none. */
export function withPrevious(props: ApiKeyState, previous: PreviousKey | undefined): ApiKeyState {
  const outs: ApiKeyState = { ...props };
  for (const k of PREVIOUS_OUTPUTS) delete outs[k];
  if (!previous) return outs;
  return Object.assign(outs, {
    previousKeyId: previous.keyId,
    previousName: previous.name,
    previousKey: previous.key,
    previousExpiresAt: previous.expiresAt,
    previousRevokeAt: previous.revokeAt,
  });
}

/**
 * When the previous key is revoked: `overlapDays` after the rotation, which is when its successor (the
 * current key) was made, and never after its own expiry. Derived like rotateAt, so changing overlapDays
 * moves it (0: revoked by the next `pulumi up`).
 */
export function previousRevokeAtOf(rotatedAt: string, overlapDays: number, previousExpiresAt: string): string {
  const overlapEnds = Date.parse(rotatedAt) + overlapDays * DAY_MS;
  const expires = Date.parse(previousExpiresAt);
  return new Date(Number.isNaN(expires) ? overlapEnds : Math.min(overlapEnds, expires)).toISOString();
}

/** `previous` with its revoke time for `overlapDays` (the stored one when that is not known, as in a preview). */
export function withRevokeAt(
  previous: PreviousKey,
  currentCreatedAt: string | undefined,
  overlapDays: unknown,
): PreviousKey {
  if (
    typeof overlapDays !== "number" ||
    typeof currentCreatedAt !== "string" ||
    Number.isNaN(Date.parse(currentCreatedAt))
  )
    return previous;
  return { ...previous, revokeAt: previousRevokeAtOf(currentCreatedAt, overlapDays, previous.expiresAt) };
}

/** Whether the previous key's time is up: the first `pulumi up` from `revokeAt` on revokes it. */
export function previousDue(previous: PreviousKey, now: number): boolean {
  const at = Date.parse(previous.revokeAt);
  return Number.isNaN(at) || now >= at;
}
