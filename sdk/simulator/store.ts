/**
 * The simulator's data: organizations, users, keys (with their tokens) and login sessions.
 * No HTTP here; handlers and the out-of-band API both go through this class, so they agree.
 * Every mutation calls `onChange` so the state file is saved after every change.
 */
import { expiryOf, type ApiPermission } from "../qwilt-api";
import { makeJwt } from "./tokens";
import type { SimKey } from "./types";

export interface KeyRecord extends SimKey {
  /** The secret key. Kept here (and in the state file: it is a simulator), never in answers but create's. */
  token: string;
}

export interface UserRecord {
  email: string;
  password: string;
  /** Memberships in order: the first is where a login without orgId lands. */
  orgIds: string[];
}

export interface SessionRecord {
  token: string;
  email: string;
  orgId: string;
  /** Simulated-clock ms after which the token answers 401. */
  expiresAtMs: number;
}

interface OrgRecord {
  id: string;
  /** keyIds are a small per-organization counter, so two organizations share keyIds. */
  nextKeyId: number;
}

export interface NewKey {
  name: string;
  description?: string;
  ttl: number;
  permission: ApiPermission;
  createdBy: string;
  createdAt: Date;
  /** Real time (ms) at which the key becomes usable. */
  activeAtMs: number;
}

/** What the state file holds. `version` lets a later format refuse an old file loudly. */
export interface StoreSnapshot {
  version: 1;
  clockOffsetMs: number;
  organizations: OrgRecord[];
  users: UserRecord[];
  keys: KeyRecord[];
  sessions: SessionRecord[];
  bootstrap?: { orgId: string; keyId: string };
}

export class Store {
  private readonly orgs = new Map<string, OrgRecord>();
  private readonly users = new Map<string, UserRecord>();
  private readonly keyList: KeyRecord[] = [];
  private readonly keysByToken = new Map<string, KeyRecord>();
  private readonly sessions = new Map<string, SessionRecord>();
  bootstrap?: { orgId: string; keyId: string };

  constructor(private readonly onChange: () => void = () => {}) {}

  organizationIds(): string[] {
    return [...this.orgs.keys()];
  }

  hasOrganization(id: string): boolean {
    return this.orgs.has(id);
  }

  addOrganization(id: string): void {
    if (typeof id !== "string" || id === "") throw new TypeError("organization id must be a non-empty string");
    if (this.orgs.has(id)) return;
    this.orgs.set(id, { id, nextKeyId: 1 });
    this.onChange();
  }

  addUser(orgIds: string[], email: string, password: string): void {
    if (!email || !password) throw new TypeError("addUser: email and password are required");
    for (const o of orgIds)
      if (!this.orgs.has(o)) throw new Error(`addUser: unknown organization ${JSON.stringify(o)}`);
    const user = this.users.get(email) ?? { email, password, orgIds: [] };
    user.password = password;
    for (const o of orgIds) if (!user.orgIds.includes(o)) user.orgIds.push(o);
    this.users.set(email, user);
    this.onChange();
  }

  user(email: string): UserRecord | undefined {
    return this.users.get(email);
  }

  usersOf(orgId: string): UserRecord[] {
    return [...this.users.values()].filter((u) => u.orgIds.includes(orgId));
  }

  createKey(orgId: string, k: NewKey): KeyRecord {
    const org = this.orgs.get(orgId);
    if (!org) throw new Error(`unknown organization ${JSON.stringify(orgId)}`);
    const keyId = String(org.nextKeyId++);
    const record: KeyRecord = {
      orgId,
      keyId,
      name: k.name,
      ...(k.description !== undefined ? { description: k.description } : {}),
      ttl: k.ttl,
      permission: k.permission,
      createdBy: k.createdBy,
      createdAt: k.createdAt.toISOString(),
      expireAt: expiryOf(k.createdAt, k.ttl).toISOString(),
      revoked: false,
      activeAt: new Date(k.activeAtMs).toISOString(),
      token: makeJwt({
        iss: "qwilt-simulator",
        typ: "api-key",
        org: orgId,
        kid: keyId,
        iat: Math.floor(k.createdAt.getTime() / 1000),
      }),
    };
    this.keyList.push(record);
    this.keysByToken.set(record.token, record);
    this.onChange();
    return record;
  }

  /** Any key of the organization, revoked or not. */
  findKey(orgId: string, keyId: string): KeyRecord | undefined {
    return this.keyList.find((k) => k.orgId === orgId && k.keyId === keyId);
  }

  keyByToken(token: string): KeyRecord | undefined {
    return this.keysByToken.get(token);
  }

  /** Revoked is for good: false when unknown or already revoked. */
  revoke(orgId: string, keyId: string): boolean {
    const key = this.findKey(orgId, keyId);
    if (!key || key.revoked) return false;
    key.revoked = true;
    this.onChange();
    return true;
  }

  allKeys(orgId?: string): KeyRecord[] {
    return this.keyList.filter((k) => orgId === undefined || k.orgId === orgId);
  }

  createSession(email: string, orgId: string, expiresAtMs: number): SessionRecord {
    const s: SessionRecord = {
      token: makeJwt({
        iss: "qwilt-simulator",
        typ: "login",
        sub: email,
        org: orgId,
        iat: Math.floor(Date.now() / 1000),
      }),
      email,
      orgId,
      expiresAtMs,
    };
    this.sessions.set(s.token, s);
    this.onChange();
    return s;
  }

  session(token: string): SessionRecord | undefined {
    return this.sessions.get(token);
  }

  snapshot(clockOffsetMs: number, nowMs: number): StoreSnapshot {
    return {
      version: 1,
      clockOffsetMs,
      organizations: [...this.orgs.values()],
      users: [...this.users.values()],
      keys: this.keyList,
      // Expired sessions can never answer again: no need to keep them.
      sessions: [...this.sessions.values()].filter((s) => s.expiresAtMs > nowMs),
      ...(this.bootstrap ? { bootstrap: this.bootstrap } : {}),
    };
  }

  /** Loads a snapshot into an empty store, without calling onChange. */
  restore(s: StoreSnapshot): void {
    for (const o of s.organizations) this.orgs.set(o.id, { id: o.id, nextKeyId: o.nextKeyId });
    for (const u of s.users) this.users.set(u.email, { email: u.email, password: u.password, orgIds: [...u.orgIds] });
    for (const k of s.keys) {
      const record = { ...k };
      this.keyList.push(record);
      this.keysByToken.set(record.token, record);
    }
    for (const ses of s.sessions) this.sessions.set(ses.token, { ...ses });
    this.bootstrap = s.bootstrap;
  }
}

/** The inspection view of a key: everything but the token. */
export function toSimKey(k: KeyRecord): SimKey {
  const { token: _token, ...rest } = k;
  return { ...rest };
}
