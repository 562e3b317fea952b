/**
 * What an in-place rotation plan (rotation-plan.ts) will do, and when, in words: `diff` sends them as
 * warnings, so `pulumi preview` says it before `pulumi up` does it (the CLI shows no detailed diff for a
 * dynamic resource, and an update of a rotated key changes no input it could show).
 */
import type { ApiKeyState, CheckedArgs } from "../sdk/api-key-args";
import { keyLabel } from "./outputs";
import { previousRevokeAtOf } from "./previous-key";
import type { KeyPlan } from "./rotation-plan";
import { rotateAtOf } from "./schedule";
import type { InPreview } from "./unknown";

export function planWords(olds: Partial<ApiKeyState>, news: InPreview<CheckedArgs>, plan: KeyPlan, now: number): string[] {
  const words: string[] = [];
  const key = keyLabel(olds);
  if (plan.revokesPrevious) {
    const { key: previous, why } = plan.revokesPrevious;
    const label = `previous ${keyLabel({ organization: olds.organization, keyId: previous.keyId, name: previous.name })}`;
    words.push(
      why === "due"
        ? `${label} is revoked by \`pulumi up\`: its previousRevokeAt ${previous.revokeAt} has passed`
        : `${label} is revoked before ${key} is rotated, though it was to keep working until ${previous.revokeAt}: a key keeps at most one previous key`,
    );
  }
  const [reason] = plan.rotates;
  if (reason !== undefined) {
    const rotateAt = typeof news.rotateBeforeDays === "number" && olds.expiresAt ? rotateAtOf(olds.expiresAt, news.rotateBeforeDays) : olds.rotateAt;
    const why =
      reason === "rotateAt"
        ? `is due for rotation: its rotateAt ${rotateAt} has passed (it expires at ${olds.expiresAt})`
        : reason === "expiresAt"
          ? `expired at ${olds.expiresAt} and no longer works`
          : `must be renewed (Qwilt cannot edit a key): ${plan.rotates.join(", ")} changed`;
    const made = `a new key is made${news.waitForActivation === false ? "" : " and waited for until it works"}`;
    const days = news.overlapDays as number;
    const revokeAt = previousRevokeAtOf(new Date(now).toISOString(), days, olds.expiresAt ?? "");
    const then =
      Date.parse(revokeAt) <= now
        ? `then this key is revoked (it has expired)`
        : `this key keeps working as the previous key until about ${revokeAt} (overlapDays: ${days}${
            olds.expiresAt && revokeAt === new Date(Date.parse(olds.expiresAt)).toISOString() ? ", cut short by its expiry" : ""
          }), and the first \`pulumi up\` after that revokes it`;
    words.push(`${key} ${why}: \`pulumi up\` rotates it in place: ${made}; ${then}`);
  }
  return words;
}
