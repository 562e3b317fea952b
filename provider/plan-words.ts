/**
 * What a plan (rotation-plan.ts) will do to a key without any input the CLI could show changing, and when,
 * in words: `diff` sends them as warnings, so `pulumi preview` says it before `pulumi up` does it (the CLI
 * shows no detailed diff for a dynamic resource). A key past rotateAt or expiresAt is replaced, or with
 * overlapDays rotated in place; a previous key is revoked.
 */
import type { ApiKeyState, CheckedArgs } from "../sdk/api-key-args";
import { keyLabel, previousLabel } from "./outputs";
import { previousOf, previousRevokeAtOf, withRevokeAt } from "./previous-key";
import type { KeyPlan } from "./rotation-plan";
import { rotateAtOf } from "./schedule";
import { isUnknown, type InPreview } from "./unknown";

export function planWords(
  olds: Partial<ApiKeyState>,
  news: InPreview<CheckedArgs>,
  plan: KeyPlan,
  now: number,
): string[] {
  const words: string[] = [];
  // A preview may not know every input yet: the words claim only what the known ones decide.
  const wait = isUnknown(news.waitForActivation)
    ? " (and waited for until it works, unless waitForActivation turns out false)"
    : news.waitForActivation === false
      ? ""
      : " and waited for until it works";
  const made = `a new key is made${wait}`;
  const stored = previousOf(olds);
  const isKnown = (k: string) => !isUnknown(news[k as keyof CheckedArgs]);
  // A rotation that only an input not known yet would call for may not happen.
  const maybe = plan.rotates.length > 0 && !plan.rotates.some(isKnown);
  const [replaced] = plan.replaces;
  if (replaced === "rotateAt" || replaced === "expiresAt") {
    // The engine deletes the old key with its own state: the old revokeOnDelete decides, known even in a preview.
    const fate = olds.revokeOnDelete === false ? "left to expire" : "revoked";
    const also = stored ? `, with its previous ${previousLabel(olds, stored)}` : "";
    const inPlace = isUnknown(news.overlapDays) ? "; rotated in place instead if overlapDays turns out above 0" : "";
    words.push(
      `${dueWhy(keyLabel(olds), olds, news, replaced)}: \`pulumi up\` replaces it (${made}, then this one is ${fate}${also}${inPlace})`,
    );
  }
  if (plan.revokesPrevious) {
    const { key: previous, why } = plan.revokesPrevious;
    const label = `previous ${previousLabel(olds, previous)}`;
    // The state shows the stored previousRevokeAt; a changed overlapDays moves it (previous-key.ts).
    const was = stored?.revokeAt ?? previous.revokeAt;
    const moved = Date.parse(was) !== Date.parse(previous.revokeAt);
    words.push(
      why === "due"
        ? moved
          ? `${label} is revoked by \`pulumi up\`: it was to keep working until ${was}, but overlapDays ${news.overlapDays} ends its overlap at ${previous.revokeAt}, which has passed`
          : `${label} is revoked by \`pulumi up\`: its previousRevokeAt ${previous.revokeAt} has passed`
        : `${label} is revoked before ${keyLabel(olds)} is rotated${maybe ? " (if it is)" : ""}, though it was to keep working until ${was}: a key keeps at most one previous key`,
    );
  } else if (stored && plan.replaces.length === 0) {
    // overlapDays changed without a revoke yet: say when the previous key now goes.
    const moved = withRevokeAt(stored, olds.createdAt, news.overlapDays);
    if (Date.parse(moved.revokeAt) !== Date.parse(stored.revokeAt)) {
      const cut = Date.parse(moved.revokeAt) === Date.parse(stored.expiresAt) ? ", cut short by its expiry" : "";
      words.push(
        `previous ${previousLabel(olds, stored)} now keeps working until ${moved.revokeAt} (overlapDays: ${news.overlapDays}${cut}) instead of ${stored.revokeAt}; the first \`pulumi up\` after that revokes it`,
      );
    }
  }
  const [rotated] = plan.rotates;
  if (rotated !== undefined) {
    const key = keyLabel(olds);
    const known = plan.rotates.filter(isKnown);
    const unknown = plan.rotates.filter((k) => !isKnown(k));
    const why =
      rotated === "rotateAt" || rotated === "expiresAt"
        ? dueWhy(key, olds, news, rotated)
        : !maybe
          ? `${key} must be renewed (Qwilt cannot edit a key): ${known.join(", ")} changed${unknown.length ? ` (${unknown.join(", ")} not known yet)` : ""}`
          : `${key} is renewed if ${unknown.join(" or ")}, not known yet, turns out changed (Qwilt cannot edit a key)`;
    const days = news.overlapDays as number;
    const revokeAt = previousRevokeAtOf(new Date(now).toISOString(), days, olds.expiresAt ?? "");
    const cut =
      olds.expiresAt !== undefined && Date.parse(revokeAt) === Date.parse(olds.expiresAt)
        ? ", cut short by its expiry"
        : "";
    const then =
      Date.parse(revokeAt) <= now
        ? "then this one is revoked (it has expired)"
        : `this one keeps working as the previous key until about ${revokeAt} (overlapDays: ${days}${cut}), and the first \`pulumi up\` after that revokes it`;
    words.push(`${why}: \`pulumi up\` rotates it in place (${made}; ${then})`);
  }
  return words;
}

/** Why a key must be renewed though no argument changed: its time is up. Names the key and its dates. */
function dueWhy(
  key: string,
  olds: Partial<ApiKeyState>,
  news: InPreview<CheckedArgs>,
  due: "expiresAt" | "rotateAt",
): string {
  const rotateAt =
    typeof news.rotateBeforeDays === "number" && olds.expiresAt
      ? rotateAtOf(olds.expiresAt, news.rotateBeforeDays)
      : olds.rotateAt;
  return due === "expiresAt"
    ? `${key} expired at ${olds.expiresAt} and no longer works`
    : `${key} is due for rotation: its rotateAt ${rotateAt} has passed (it expires at ${olds.expiresAt})`;
}
