/**
 * What a plan (rotation-plan.ts) will do to a key without any input the CLI could show changing, and when,
 * in words: `diff` sends them as warnings, so `pulumi preview` says it before `pulumi up` does it (the CLI
 * shows no detailed diff for a dynamic resource). A key past rotateAt or expiresAt is replaced, or with
 * overlapDays rotated in place; a previous key is revoked.
 */
import type { ApiKeyState, CheckedArgs } from "../sdk/api-key-args";
import { keyLabel } from "./outputs";
import { previousRevokeAtOf } from "./previous-key";
import type { KeyPlan } from "./rotation-plan";
import { rotateAtOf } from "./schedule";
import type { InPreview } from "./unknown";

export function planWords(
  olds: Partial<ApiKeyState>,
  news: InPreview<CheckedArgs>,
  plan: KeyPlan,
  now: number,
): string[] {
  const words: string[] = [];
  const made = `a new key is made${news.waitForActivation === false ? "" : " and waited for until it works"}`;
  const [replaced] = plan.replaces;
  if (replaced === "rotateAt" || replaced === "expiresAt") {
    const after = `then this one is ${olds.revokeOnDelete === false ? "left to expire" : "revoked"}`;
    words.push(
      `${dueWhy(`key ${olds.keyId} ("${olds.name}")`, olds, news, replaced)}: \`pulumi up\` replaces it (${made}, ${after})`,
    );
  }
  if (plan.revokesPrevious) {
    const { key: previous, why } = plan.revokesPrevious;
    const label = `previous ${keyLabel({ organization: olds.organization, keyId: previous.keyId, name: previous.name })}`;
    words.push(
      why === "due"
        ? `${label} is revoked by \`pulumi up\`: its previousRevokeAt ${previous.revokeAt} has passed`
        : `${label} is revoked before ${keyLabel(olds)} is rotated, though it was to keep working until ${previous.revokeAt}: a key keeps at most one previous key`,
    );
  }
  const [rotated] = plan.rotates;
  if (rotated !== undefined) {
    const key = keyLabel(olds);
    const why =
      rotated === "rotateAt" || rotated === "expiresAt"
        ? dueWhy(key, olds, news, rotated)
        : `${key} must be renewed (Qwilt cannot edit a key): ${plan.rotates.join(", ")} changed`;
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
