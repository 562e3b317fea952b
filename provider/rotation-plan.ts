/**
 * What a deployment does to a key, decided once for `diff` (which tells the engine and, in words, the
 * user) and `update` (which does it): replace it, rotate it in place (overlapDays > 0), revoke its
 * previous key, or only record new settings. Time-based: a key past rotateAt or expiresAt is renewed,
 * and a previous key past previousRevokeAt is revoked, without any argument changing.
 */
import {
  API_KEY_ARGS,
  IN_PLACE_ARGS,
  REPLACE_ARGS,
  UPDATE_ARGS,
  type ApiKeyState,
  type ArgName,
  type ArgSpec,
  type CheckedArgs,
} from "../sdk/api-key-args";
import { isAutoNamed } from "./auto-name";
import { previousDue, previousOf, withRevokeAt, type PreviousKey } from "./previous-key";
import { dueReplacement } from "./schedule";
import { isUnknown, type InPreview } from "./unknown";

export interface KeyPlan {
  /** What makes a new resource: changed key arguments, or rotateAt / expiresAt (overlapDays 0, or orgId changed). */
  replaces: string[];
  /** Why the key is rotated in place (overlapDays > 0): the changed key arguments, or rotateAt / expiresAt. */
  rotates: string[];
  /** The previous key to revoke in this update, if any: `due` (its previousRevokeAt has passed), `room` (a rotation needs the slot). */
  revokesPrevious?: { key: PreviousKey; why: "due" | "room" };
  /** Settings that only steer the provider, changed. */
  updates: string[];
}

/** Whether the engine should be told of a change (an update or a replacement). */
export const changes = (plan: KeyPlan): boolean =>
  plan.replaces.length > 0 || plan.rotates.length > 0 || plan.revokesPrevious !== undefined || plan.updates.length > 0;

/**
 * The plan for a key whose outputs are `olds` given the checked `news` (values may be unknown in a
 * preview). `olds` may lack outputs (a hand-edited state, or one written before an argument existed):
 * a missing setting reads as its default, so it never makes a change by itself.
 */
export function planFor(olds: Partial<ApiKeyState>, news: InPreview<CheckedArgs>, now: number): KeyPlan {
  const changed = (k: ArgName) => isUnknown(news[k]) || !sameArg(k, olds, news);
  const keyChanges: string[] = REPLACE_ARGS.filter(changed);
  const updates = UPDATE_ARGS.filter(changed);
  const overlapDays = news.overlapDays;
  // An unknown overlapDays (preview) cannot promise an update: say replace, as without it.
  const inPlace =
    typeof overlapDays === "number" &&
    overlapDays > 0 &&
    keyChanges.every((k) => (IN_PLACE_ARGS as string[]).includes(k));
  const due = keyChanges.length === 0 ? dueReplacement(olds, news.rotateBeforeDays, now) : undefined;
  const renew = keyChanges.length > 0 ? keyChanges : due ? [due] : [];
  const plan: KeyPlan = { replaces: inPlace ? [] : renew, rotates: inPlace ? renew : [], updates };

  // A replacement's delete revokes the previous key with the current one; an update revokes it here.
  const stored = previousOf(olds);
  if (stored && plan.replaces.length === 0) {
    const previous = withRevokeAt(stored, olds.createdAt, overlapDays);
    if (plan.rotates.length > 0) plan.revokesPrevious = { key: previous, why: "room" };
    else if (previousDue(previous, now)) plan.revokesPrevious = { key: previous, why: "due" };
  }
  return plan;
}

/**
 * Whether an argument is the same in the state and in the checked inputs. Two auto-names are the same
 * argument whatever their values: a rotation in place gives the new key a fresh name that the engine's
 * inputs never see (an update cannot change them), so the inputs keep the first one.
 */
function sameArg(k: ArgName, olds: Partial<ApiKeyState>, news: InPreview<CheckedArgs>): boolean {
  if (k === "name" && isAutoNamed(olds) && isAutoNamed(news)) return true;
  // A missing setting reads as its default on either side (a refresh diffs against the inputs it holds, unchecked).
  const fallback = (API_KEY_ARGS[k] as ArgSpec).default;
  const orDefault = (v: unknown) => (v === undefined && fallback && "value" in fallback ? fallback.value : v);
  return sameValue(orDefault(olds[k]), orDefault(news[k]));
}

function sameValue(a: unknown, b: unknown): boolean {
  const norm = (v: unknown) => (v === null || v === "" ? undefined : v);
  return norm(a) === norm(b);
}
