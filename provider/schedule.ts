import { DAY_MS } from "../sdk/qwilt-api";

/** Default lead time: 30 days, or half the validity when that is shorter (0 = only when expired). */
export function defaultRotateBeforeDays(validForDays: number): number {
  return Math.min(30, Math.floor(validForDays / 2));
}

/** When the next `pulumi up` should replace the key. */
export function rotateAtOf(expiresAt: string, rotateBeforeDays: number): string {
  return new Date(Date.parse(expiresAt) - rotateBeforeDays * DAY_MS).toISOString();
}

/** Why a key must be replaced now, named by the output that says so, or undefined. */
export function dueReplacement(
  props: { expiresAt?: string; rotateAt?: string },
  rotateBeforeDays: unknown,
  now: number,
): "expiresAt" | "rotateAt" | undefined {
  if (typeof props.expiresAt !== "string") return undefined;
  const expires = Date.parse(props.expiresAt);
  if (Number.isNaN(expires)) return undefined;
  if (now >= expires) return "expiresAt";
  const rotateAt =
    typeof rotateBeforeDays === "number"
      ? Date.parse(rotateAtOf(props.expiresAt, rotateBeforeDays))
      : Date.parse(props.rotateAt ?? "");
  if (!Number.isNaN(rotateAt) && now >= rotateAt) return "rotateAt";
  return undefined;
}
