/**
 * What `qwilt-keys audit` reports, each finding with a level and a stable code:
 * expires-soon, expired, rotation-overdue, previous-overdue, orphaned, unmanaged, missing.
 * A previous key (kept for an overlap) and an orphaned key are on their way out: they get
 * previous-overdue and orphaned, not expires-soon, so a planned end does not fail the nightly job.
 */
import { DAY_MS } from "../../sdk/qwilt-api";
import type { StateKey } from "../states/state-keys";
import type { KeyView } from "./key-view";
import { agoTime, dateOf, inTime } from "./time-words";

export type Level = "error" | "warning" | "info";
export type FindingCode =
  | "expires-soon"
  | "expired"
  | "rotation-overdue"
  | "previous-overdue"
  | "orphaned"
  | "unmanaged"
  | "missing";

export interface Finding {
  level: Level;
  code: FindingCode;
  keyId?: string;
  name?: string;
  stack?: string;
  urn?: string;
  message: string;
}

export interface AuditOptions {
  now: number;
  warnDays: number;
  failDays: number;
  /** How many stacks were read; undefined when no `--state` was given. */
  stacksRead?: number;
}

export const LEVELS: readonly Level[] = ["error", "warning", "info"];

export function auditFindings(views: readonly KeyView[], missing: readonly StateKey[], o: AuditOptions): Finding[] {
  const findings: Finding[] = [];
  for (const v of views) findings.push(...keyFindings(v, o));
  for (const k of missing) {
    const what = k.role === "previous" ? "previous key" : "key";
    findings.push({
      level: "warning",
      code: "missing",
      ...(k.keyId !== undefined ? { keyId: k.keyId } : {}),
      ...(k.name !== undefined ? { name: k.name } : {}),
      stack: k.stack,
      urn: k.urn,
      message: `${k.stack} holds ${what} ${k.keyId} "${k.name ?? "?"}" but Qwilt no longer lists it (revoked outside Pulumi?): \`pulumi refresh\` on ${k.stack} drops it${k.role === "previous" ? "" : " and the next `pulumi up` makes a new one"}`,
    });
  }
  return findings
    .map((f, i) => ({ f, i }))
    .sort((a, b) => LEVELS.indexOf(a.f.level) - LEVELS.indexOf(b.f.level) || a.i - b.i)
    .map(({ f }) => f);
}

function keyFindings(v: KeyView, o: AuditOptions): Finding[] {
  const { key, match } = v;
  const about = { keyId: key.keyId, name: key.name, ...(v.stack !== undefined ? { stack: v.stack, urn: v.urn } : {}) };
  const f = (level: Level, code: FindingCode, message: string): Finding => ({ level, code, ...about, message });
  const out: Finding[] = [];
  const managed = match.management === "managed";
  const role = match.stateKey?.role;
  const expiry = `${dateOf(key.expiresAt)}`;

  if (v.msLeft <= 0) {
    // A previous key's end is planned: the next `pulumi up` revokes it (it is not replaced).
    const next = role === "previous" ? "revokes it" : "replaces it";
    const held = role === "previous" ? `as the previous key of ${v.urn}` : "";
    out.push(
      managed
        ? f(
            "error",
            "expired",
            `expired ${agoTime(-v.msLeft)} (${expiry}) and ${v.stack} still holds it${held ? ` ${held}` : ""}: the scheduled \`pulumi up\` is not running; the next one ${next}`,
          )
        : f("info", "expired", `expired ${agoTime(-v.msLeft)} (${expiry}); Qwilt lists it until it is cleaned up`),
    );
    if (managed && role === "previous") out.push(...previousOverdue(v, o, f));
    return out;
  }

  if (match.management === "orphaned") {
    const p = match.pending;
    out.push(
      p
        ? f(
            "error",
            "orphaned",
            `a \`pulumi up\` of ${p.stack} stopped while ${p.operation} it (a pending operation in its state), so no one holds the key: once sure nobody uses it, \`qwilt-keys revoke ${key.keyId}\`, then \`pulumi refresh\` on ${p.stack} clears the operation`,
          )
        : f(
            "error",
            "orphaned",
            `replaced, but ${v.stack} still waits to revoke it (${match.replaced?.previous ? "the previous key of a resource marked " : ""}\`delete: true\` in its state): the \`pulumi up\` that replaced it failed first; the next \`pulumi up\` revokes it`,
          ),
    );
  } else if (role === "previous") {
    out.push(...previousOverdue(v, o, f));
  } else {
    if (v.msLeft <= Math.max(o.failDays, o.warnDays) * DAY_MS) {
      const level: Level = v.msLeft <= o.failDays * DAY_MS ? "error" : "warning";
      const why = managed
        ? `; ${v.stack} should rotate it before then`
        : match.management === "unmanaged"
          ? `; no state manages it: whoever uses it needs a new key by then`
          : "";
      out.push(f(level, "expires-soon", `expires ${inTime(v.msLeft)} (${expiry})${why}`));
    }
    const rotateAt = Date.parse(match.stateKey?.rotateAt ?? "");
    if (managed && !Number.isNaN(rotateAt) && o.now >= rotateAt) {
      out.push(
        f(
          "error",
          "rotation-overdue",
          `was due for rotation ${agoTime(o.now - rotateAt)} (rotateAt ${dateOf(match.stateKey!.rotateAt!)}) and expires ${inTime(v.msLeft)}: the scheduled \`pulumi up\` of ${v.stack} is not running`,
        ),
      );
    }
    if (match.management === "unmanaged") {
      const level: Level = key.permission === "viewer" ? "info" : "warning";
      const read = `${o.stacksRead} stack${o.stacksRead === 1 ? "" : "s"} read`;
      out.push(
        f(
          level,
          "unmanaged",
          `${key.permission} key that no state manages (${read}); made by ${key.createdBy} on ${dateOf(key.createdAt)}`,
        ),
      );
    }
  }
  return out;
}

/**
 * previous-overdue: a managed previous key past its previousRevokeAt (an expired one always is, since
 * previousRevokeAt is at the latest its expiry), still listed.
 */
function previousOverdue(
  v: KeyView,
  o: AuditOptions,
  f: (level: Level, code: FindingCode, message: string) => Finding,
): Finding[] {
  const at = v.match.stateKey?.revokeAt ?? v.match.stateKey?.expiresAt ?? v.key.expiresAt;
  const revokeAt = Date.parse(at);
  if (Number.isNaN(revokeAt) || o.now < revokeAt) return [];
  const field = v.match.stateKey?.revokeAt !== undefined ? "previousRevokeAt" : "expiresAt";
  return [
    f(
      "error",
      "previous-overdue",
      `previous key of ${v.urn}, to be revoked ${agoTime(o.now - revokeAt)} (${field} ${dateOf(at)}), is still listed: the scheduled \`pulumi up\` of ${v.stack} is not running; the next one revokes it`,
    ),
  ];
}

export function countsOf(findings: readonly Finding[]): Record<Level, number> {
  const counts: Record<Level, number> = { error: 0, warning: 0, info: 0 };
  for (const f of findings) counts[f.level]++;
  return counts;
}
