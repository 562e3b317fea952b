/**
 * Public types of the Qwilt simulator. Kept apart from the server so that users can import
 * the types without pulling in node:http.
 */
import type { ApiPermission } from "../qwilt-api";

export interface SimulatorOptions {
  /** Interface to listen on. Default "127.0.0.1" (loopback only: control routes are unauthenticated). */
  host?: string;
  /** Port; default 0 picks a free one. */
  port?: number;
  /**
   * Organizations and their users. Default: organization "org-1" with user "admin@example.com"
   * and a generated password. If the first organization has no user, that default user is added to it.
   */
  organizations?: { id: string; users?: { email: string; password: string }[] }[];
  /** A new key answers 401 for this long, in REAL wall time (not the simulated clock). Default 0. */
  propagationDelayMs?: number;
  /** Login token lifetime on the simulated clock. Default 3_600_000 (one hour, documented). */
  tokenLifetimeMs?: number;
  /** When true, creating a key whose name a non-revoked key of the organization has answers 409. Default false. */
  uniqueNames?: boolean;
  /** Delay every users-API and login answer by this much (emulates internet latency). Default 0. */
  responseDelayMs?: number;
  /** JSON file: loaded at start when present, saved (atomically) after every change. */
  stateFile?: string;
  /** Simulated clock start. Default: the clock of the state file, else real now. */
  startTime?: Date;
}

/** A key as the simulator shows it for inspection: never the token. */
export interface SimKey {
  orgId: string;
  keyId: string;
  name: string;
  description?: string;
  ttl: number;
  permission: ApiPermission;
  createdBy: string;
  /** ISO-8601 UTC, simulated clock. */
  createdAt: string;
  /** ISO-8601 UTC, simulated clock: createdAt + ttl days. */
  expireAt: string;
  revoked: boolean;
  /** ISO-8601 UTC, REAL time at which the key becomes usable (propagation delay). */
  activeAt: string;
}

export type SimAuthKind = "api-key" | "bearer" | "basic" | "none";

export type FaultKind = "status" | "reset" | "malformedBody" | "schemaViolation" | "loseAnswer" | "delay";

export interface SimRequest {
  method: string;
  /** Path without the query string (a query may carry data we do not want in logs). */
  path: string;
  /** Status answered; 0 when the socket was destroyed without an answer. */
  status: number;
  /** Which credential form the request presented (not whether it was valid). */
  auth: SimAuthKind;
  /** The organization the request acted in, once authenticated. */
  orgId?: string;
  /** REAL time the answer was decided, ISO-8601. */
  at: string;
  /** The fault that shaped this answer, if any. */
  fault?: FaultKind;
}

export interface FaultRule {
  /** HTTP method to match (case-insensitive); any when absent. */
  method?: string;
  /** Path without query: exact string, prefix when it ends in "*", or a RegExp. Any when absent. */
  path?: string | RegExp;
  /** How many matching requests the rule applies to. Default 1; Infinity allowed. */
  times?: number;
  /** Answer this status instead of the real answer. */
  status?: number;
  /** With `status`: send `Retry-After: <seconds>` (a 429 sends `Retry-After: 1` unless told otherwise, as Qwilt's does). */
  retryAfterSeconds?: number;
  /** With `status`: the raw body to send (default a JSON {error, message}). */
  body?: string;
  /** Wait this long first; alone, the request is then handled normally. */
  delayMs?: number;
  /** Destroy the socket without an answer. */
  reset?: boolean;
  /** Answer 200 with a body that is not valid JSON. */
  malformedBody?: boolean;
  /** Perform the real operation, then answer valid JSON of the wrong shape (keyId missing). */
  schemaViolation?: boolean;
  /** Perform the real operation (e.g. the key IS created), then destroy the socket without answering. */
  loseAnswer?: boolean;
}

export interface FaultInjector {
  /** Adds a rule (matched in insertion order, first match wins); returns its id. */
  add(rule: FaultRule): string;
  /** Removes one rule; false when it was already used up or removed. */
  remove(id: string): boolean;
  /** Removes every rule. */
  clear(): void;
  /** Rules not yet used up. */
  readonly pending: number;
}

export interface SimClock {
  now(): Date;
  advance(ms: number): void;
  advanceDays(days: number): void;
  set(d: Date): void;
}

export interface CreateSimKeyOptions {
  name: string;
  permission: ApiPermission;
  ttl: number;
  description?: string;
  /** true: usable at once. Default false: the propagation delay applies, as for keys made through the API. */
  active?: boolean;
}

export interface Simulator {
  /** "http://127.0.0.1:PORT": serves both the users API and /login. */
  url: string;
  /** An Editor API key of the first organization, active at once. A local simulator key, not a secret. */
  bootstrapKey: string;
  organizations: string[];
  /** The first organization's first user. */
  user: { email: string; password: string; orgId: string };
  clock: SimClock;
  addOrganization(id: string): void;
  /** Adds a user (or more memberships and a new password to an existing one). Organizations must exist. */
  addUser(orgId: string | string[], email: string, password: string): void;
  /** Out-of-band operations, as a person in Qwilt's web UI would do them. */
  createKey(orgId: string, opts: CreateSimKeyOptions): { keyId: string; apiToken: string };
  /** true when the key was live and is now revoked; false when unknown or already revoked. */
  revokeKey(orgId: string, keyId: string): boolean;
  /** Every key ever made (revoked ones flagged), without tokens. */
  keys(orgId?: string): SimKey[];
  /** Keys neither revoked nor expired by the simulated clock. */
  liveKeys(orgId?: string): SimKey[];
  /** Every users-API and login request (control routes excluded). Cleared in place by clearRequests(). */
  requests: SimRequest[];
  clearRequests(): void;
  /** TCP connections accepted so far. */
  readonly connectionsOpened: number;
  faults: FaultInjector;
  /** Closes the server and destroys every socket. */
  close(): Promise<void>;
}
