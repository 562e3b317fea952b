/** `qwilt-keys list` on a terminal: one row per key, soonest expiry first, then a one-line summary. */
import type { KeyView } from "../keys/key-view";
import { dateOf, daysLeftText, inTime } from "../keys/time-words";
import type { Paint } from "./colour";
import { clean } from "./sanitize";
import { table } from "./table";

export interface ListSummary {
  organization: string | undefined;
  warnDays: number;
  /** Stacks read; undefined without `--state`. */
  stacksRead?: number;
}

export function keyTable(views: readonly KeyView[], paint: Paint): string {
  const status = { active: paint.green, expiring: paint.yellow, expired: paint.red };
  const management = { managed: (s: string) => s, unmanaged: paint.yellow, orphaned: paint.red, unknown: paint.dim };
  // No stack to show (no --state, or none manages a key): no STACK column.
  const stacks = views.some((v) => v.stack !== undefined);
  const rows = views.map((v) => [
    clean(v.key.keyId),
    clean(v.key.name),
    clean(v.key.permission),
    dateOf(v.key.expiresAt),
    daysLeftText(v.msLeft),
    status[v.status](v.status),
    management[v.match.management](v.match.management),
    ...(stacks ? [v.stack !== undefined ? clean(v.stack) : ""] : []),
  ]);
  const header = ["KEY ID", "NAME", "PERMISSION", "EXPIRES", "LEFT", "STATUS", "MANAGEMENT"];
  return table(stacks ? [...header, "STACK"] : header, rows);
}

export function listSummary(views: readonly KeyView[], s: ListSummary, paint: Paint): string {
  const count = (pick: (v: KeyView) => boolean) => views.filter(pick).length;
  const n = (k: number, word: string) => `${k} ${word}`;
  const parts: string[] = [];
  const expired = count((v) => v.status === "expired");
  const expiring = count((v) => v.status === "expiring");
  if (expired) parts.push(paint.red(n(expired, "expired")));
  if (expiring) parts.push(paint.yellow(`${expiring} expiring within ${s.warnDays} days`));
  if (s.stacksRead !== undefined) {
    for (const m of ["managed", "unmanaged", "orphaned"] as const) {
      const k = count((v) => v.match.management === m);
      if (k) parts.push(n(k, m));
    }
  }
  const org = s.organization ? ` in ${clean(s.organization)}` : "";
  const stacks =
    s.stacksRead === undefined
      ? " (no --state: management unknown)"
      : ` (${s.stacksRead} stack${s.stacksRead === 1 ? "" : "s"} read)`;
  const next = views.find((v) => v.status !== "expired");
  const nextText = next
    ? `; next expiry ${inTime(next.msLeft)}: key ${clean(next.key.keyId)} "${clean(next.key.name)}"`
    : "";
  return `${views.length} key${views.length === 1 ? "" : "s"}${org}${parts.length ? `: ${parts.join(", ")}` : ""}${stacks}${nextText}`;
}
