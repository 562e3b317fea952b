/** A listed key as `list` and `audit` see it: days left, status, who manages it. Sorted by expiry, soonest first. */
import { DAY_MS } from "../../sdk/qwilt-api";
import type { ApiKeyInfo } from "../../sdk/client/types";
import type { KeyMatch, Management } from "./match-keys";

export type KeyStatus = "active" | "expiring" | "expired";

export interface KeyView {
  key: ApiKeyInfo;
  match: KeyMatch;
  /** Milliseconds until expiry (negative once expired). */
  msLeft: number;
  /** Whole days, rounded down: negative once expired. */
  daysLeft: number;
  status: KeyStatus;
  /** The stack and URN that manage it (managed), or that left it (orphaned). */
  stack?: string;
  urn?: string;
}

export function keyViews(
  listed: readonly ApiKeyInfo[],
  matches: readonly KeyMatch[],
  now: number,
  warnDays: number,
): KeyView[] {
  return listed
    .map((key, i): KeyView => {
      const match = matches[i]!;
      const msLeft = Date.parse(key.expiresAt) - now;
      const status: KeyStatus = msLeft <= 0 ? "expired" : msLeft <= warnDays * DAY_MS ? "expiring" : "active";
      const where = match.stateKey ?? match.pending ?? match.replaced;
      return {
        key,
        match,
        msLeft,
        daysLeft: Math.floor(msLeft / DAY_MS),
        status,
        ...(where ? { stack: where.stack, urn: where.urn } : {}),
      };
    })
    .sort((a, b) => a.msLeft - b.msLeft || a.key.keyId.localeCompare(b.key.keyId, "en", { numeric: true }));
}

/** One key of `qwilt-keys list --json`. */
export interface ListedKeyJson {
  keyId: string;
  name: string;
  permission: string;
  description: string | null;
  createdBy: string;
  createdAt: string;
  expiresAt: string;
  daysLeft: number;
  status: KeyStatus;
  management: Management;
  stack?: string;
  urn?: string;
}

export function listedKeyJson(v: KeyView): ListedKeyJson {
  const k = v.key;
  return {
    keyId: k.keyId,
    name: k.name,
    permission: k.permission,
    description: k.description ?? null,
    createdBy: k.createdBy,
    createdAt: k.createdAt,
    expiresAt: k.expiresAt,
    daysLeft: v.daysLeft,
    status: v.status,
    management: v.match.management,
    ...(v.stack !== undefined ? { stack: v.stack, urn: v.urn } : {}),
  };
}
