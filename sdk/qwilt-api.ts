/**
 * Every assumption this project makes about Qwilt's api-keys and login APIs, in one place
 * (docs/qwilt-api.md says more of each). The client and the simulator both build on this module, so a
 * live call that settles an assumption is one change here. `ASSUMPTIONS` lists them with stable ids, each
 * documented by Qwilt or assumed by us; the constants below name the ids they stand on (`[id]`), and
 * `qwilt-keys probe` (cli/probe-checks.ts) checks each one against a real API.
 *
 * This module imports nothing heavy: zod schemas are built on demand by `wireSchemas()`,
 * so importing the package stays cheap (the dynamic provider plugin loads it per process).
 */

/** Where an assumption comes from: Qwilt's documentation, or our guess until a live call settles it. */
export type AssumptionSource = "documented" | "assumed";

export interface ApiAssumption {
  /** Stable: it names the assumption in `qwilt-keys probe --json`, in bug reports and in error messages. */
  id: string;
  statement: string;
  source: AssumptionSource;
}

/**
 * Every assumption about the API, one entry each. `qwilt-keys probe` checks them in this order, and
 * must have a check for each (cli/probe-checks.ts is typed on these ids), so one added here is one probed.
 */
export const ASSUMPTIONS = [
  {
    id: "login-302-cookie",
    source: "documented",
    statement:
      "GET /login with HTTP Basic auth (and ?orgId= for one organization) answers 302 with the login token in the cqloudLoginToken cookie",
  },
  {
    id: "login-bearer",
    source: "documented",
    statement: "the api-keys API takes a login token as `Authorization: Bearer <token>`",
  },
  { id: "login-token-lifetime", source: "documented", statement: "a login token lives one hour" },
  {
    id: "login-token-names-org",
    source: "assumed",
    statement:
      "a login token is a JWT whose payload names the organization it logged in to (claim orgId, org or ownerId)",
  },
  {
    id: "api-key-header",
    source: "documented",
    statement: "the api-keys API takes an API key in the `X-API-KEY` header",
  },
  { id: "wrong-key-401", source: "assumed", statement: "an API key the API does not know is refused with 401" },
  {
    id: "list-path",
    source: "assumed",
    statement: "GET /api/1/api-keys answers the organization's keys as a JSON array of key objects",
  },
  {
    id: "create",
    source: "documented",
    statement:
      "POST /api/1/api-keys with name, description, ttl (whole days) and permission creates a key, answering 200 or 201 with name, description, ttl, permission, keyId, ownerId, createdBy, createdAt, expireAt and apiToken",
  },
  {
    id: "viewer-permission",
    source: "assumed",
    statement: "`MediaViewer` is the API's name of the Viewer permission (`MediaEditor` is documented)",
  },
  {
    id: "expiry-from-ttl",
    source: "documented",
    statement: "a key expires ttl × 24 hours after it was created (expireAt = createdAt + ttl days)",
  },
  {
    id: "key-is-jwt",
    source: "assumed",
    statement: "API keys are JWTs: three base64url parts, the header naming RS256",
  },
  { id: "max-ttl-365", source: "documented", statement: "a key is valid for 1 to 365 whole days" },
  { id: "get-path", source: "assumed", statement: "GET /api/1/api-keys/{keyId} answers that key object" },
  {
    id: "token-only-on-create",
    source: "documented",
    statement: "the key itself (apiToken) is returned by create only, never by list or get",
  },
  {
    id: "activation-5-minutes",
    source: "documented",
    statement: "a new key works on every endpoint within five minutes",
  },
  { id: "viewer-reads", source: "documented", statement: "a Viewer key may call the list and get endpoints" },
  {
    id: "viewer-cannot-write",
    source: "assumed",
    statement: "a Viewer key that revokes (or creates) is refused with 403, before the API looks the key up",
  },
  {
    id: "revoke-path",
    source: "assumed",
    statement: "DELETE /api/1/api-keys/{keyId} revokes that key for good, answering 200 or 204",
  },
  { id: "revoked-key-401", source: "assumed", statement: "a revoked key is refused with 401" },
  {
    id: "revoked-get-404",
    source: "assumed",
    statement: "a revoked key is gone: GET /api/1/api-keys/{keyId} answers 404",
  },
  {
    id: "revoked-not-listed",
    source: "assumed",
    statement: "a revoked key is gone: GET /api/1/api-keys leaves it out",
  },
  { id: "revoke-again-404", source: "assumed", statement: "revoking an unknown or already revoked key answers 404" },
  {
    id: "expired-still-listed",
    source: "assumed",
    statement: "an expired key stays listed and answered by get until it is cleaned up",
  },
  { id: "rate-limit-retry-after", source: "assumed", statement: "429 means rate limited, with Retry-After in seconds" },
] as const satisfies readonly ApiAssumption[];

export type AssumptionId = (typeof ASSUMPTIONS)[number]["id"];

/** One assumption by id. */
export function assumption(id: AssumptionId): ApiAssumption {
  return ASSUMPTIONS.find((a) => a.id === id)!;
}

/** The assumption that an endpoint exists as we call it, for a request's method and path (as sent). */
export function endpointAssumption(method: string, path: string): AssumptionId | undefined {
  if (path === LOGIN_PATH) return "login-302-cookie";
  if (path === API_KEYS_PATH) return method === "POST" ? "create" : method === "GET" ? "list-path" : undefined;
  if (!path.startsWith(`${API_KEYS_PATH}/`)) return undefined;
  return method === "GET" ? "get-path" : method === "DELETE" ? "revoke-path" : undefined;
}

/**
 * The assumption an answer contradicts by its status alone: 405 on any of our endpoints (the method or path is
 * not the API's), 404 where the path names no key (the list, create, login). A 404 for a keyId is what an
 * unknown or revoked key gets, so only a caller that knows the key exists may call that one a contradiction.
 */
export function contradictedBy(answer: { method: string; path: string; status?: number }): AssumptionId | undefined {
  const id = endpointAssumption(answer.method, answer.path);
  if (id === undefined) return undefined;
  if (answer.status === 405) return id;
  if (answer.status === 404 && !answer.path.startsWith(`${API_KEYS_PATH}/`)) return id;
  return undefined;
}

/** Production base URLs (documented). */
export const DEFAULT_USERS_URL = "https://users.cqloud.com";
export const DEFAULT_LOGIN_URL = "https://login.cqloud.com";

/** Paths: create is documented [create]; list, get and revoke are assumed [list-path, get-path, revoke-path]. */
export const API_KEYS_PATH = "/api/1/api-keys";
export const apiKeyPath = (keyId: string): string => `${API_KEYS_PATH}/${encodeURIComponent(keyId)}`;
/** [login-302-cookie] */
export const LOGIN_PATH = "/login";

/**
 * Header carrying an API key (documented form) [api-key-header]. Qwilt's own Go client (Terraform provider,
 * qwilt/cdn/client/client.go `doRequest`) sends `Authorization: X-API-KEY <key>` instead, with
 * `Content-Type: application/json` on every call, and counts only 200 and 201 as success.
 */
export const API_KEY_HEADER = "x-api-key";
/**
 * Cookie carrying the login token in the 302 answer to GET /login (documented) [login-302-cookie]. That 302 has no
 * Location to follow: Qwilt's own client (qwilt/cdn/client/client.go `doAuthRequest`) signs in
 * through a Go client that follows redirects and still demands the 302 and this cookie; it also
 * sends the username and password as a JSON body with the GET (auth.go `SignIn`).
 */
export const LOGIN_TOKEN_COOKIE = "cqloudLoginToken";
/** A login token lives one hour (documented) [login-token-lifetime]. */
export const LOGIN_TOKEN_LIFETIME_MS = 60 * 60 * 1000;
/** A new key needs up to five minutes to be active on every endpoint (documented) [activation-5-minutes]. */
export const ACTIVATION_DELAY_MS = 5 * 60 * 1000;

/** Validity bounds in whole days (documented) [max-ttl-365]. */
export const MIN_TTL_DAYS = 1;
export const MAX_TTL_DAYS = 365;
export const DAY_MS = 24 * 60 * 60 * 1000;

/** Name and description limits: undocumented; chosen conservatively. */
export const MAX_NAME_LENGTH = 128;
export const MAX_DESCRIPTION_LENGTH = 1024;

/** Our permission names and the API's (`MediaEditor` documented, `MediaViewer` assumed by symmetry [viewer-permission]). */
export const PERMISSIONS = { viewer: "MediaViewer", editor: "MediaEditor" } as const;
export type Permission = keyof typeof PERMISSIONS;
export type ApiPermission = (typeof PERMISSIONS)[Permission];
export const PERMISSION_NAMES = Object.keys(PERMISSIONS) as Permission[];
export const API_PERMISSIONS = Object.values(PERMISSIONS) as ApiPermission[];

export function toApiPermission(p: Permission): ApiPermission {
  return PERMISSIONS[p];
}
export function fromApiPermission(p: string): Permission | undefined {
  return PERMISSION_NAMES.find((k) => PERMISSIONS[k] === p);
}

/** Body of POST /api/1/api-keys (documented) [create]. */
export interface CreateKeyRequest {
  name: string;
  description?: string;
  ttl: number;
  permission: ApiPermission;
}

/** A key as list and get return it (assumed: the create response without apiToken) [list-path, get-path, token-only-on-create]. */
export interface WireKey {
  name: string;
  description?: string;
  ttl: number;
  permission: string;
  keyId: string;
  ownerId: string;
  createdBy: string;
  createdAt: string;
  expireAt: string;
}

/** The create response (documented): a key plus the secret `apiToken`, returned only once [create, token-only-on-create]. */
export interface WireCreatedKey extends WireKey {
  apiToken: string;
}

/** Expiry is creation time + ttl × 24 h (documented example) [expiry-from-ttl]. Decide expiry from this, never from presence [expired-still-listed]. */
export function expiryOf(createdAt: Date, ttlDays: number): Date {
  return new Date(createdAt.getTime() + ttlDays * DAY_MS);
}

/**
 * zod schemas for responses, built lazily (zod loads on first use, not at import).
 * Objects are loose: extra fields from a newer API are tolerated. keyId is coerced to a
 * string because it looks like a small number and may arrive as one.
 */
let schemas: ReturnType<typeof buildSchemas> | undefined;
/** @internal Stripped from the published .d.ts: zod's declarations fail to compile without esModuleInterop (as in `pulumi new typescript` projects). */
export function wireSchemas() {
  return (schemas ??= buildSchemas());
}
function buildSchemas() {
  const { z } = require("zod") as typeof import("zod");
  const isoDate = z.string().refine((s) => !Number.isNaN(Date.parse(s)), { message: "expected an ISO-8601 date" });
  const key = z.looseObject({
    name: z.string(),
    description: z
      .string()
      .nullish()
      .transform((d) => d ?? undefined),
    ttl: z.number().int(),
    permission: z.string(),
    keyId: z.union([z.string().min(1), z.number().int()]).transform(String),
    ownerId: z.union([z.string(), z.number()]).transform(String),
    createdBy: z.string(),
    createdAt: isoDate,
    expireAt: isoDate,
  });
  const createdKey = key.extend({ apiToken: z.string().min(1) });
  const keyList = z.array(key);
  return { key, createdKey, keyList };
}

/**
 * A keyId no key can have (keyIds look like small numbers), for learning whether a credential may write
 * without changing anything: revoking it answers 404 to a credential that may revoke and 403 to one that may
 * not. Assumed: the API checks rights before it looks the key up (a typical gateway does; the simulator does)
 * [viewer-cannot-write].
 */
export const NO_SUCH_KEY_ID = "qwilt-keys-doctor-no-such-key";

/**
 * What a credential's JWT payload says about itself, unverified [key-is-jwt]. Assumed, undocumented: `exp` (seconds since
 * the epoch) is the standard expiry claim, `kid` or `keyId` would name the API key, and `orgId`, `org` or `ownerId`
 * the organization [login-token-names-org]. Only `qwilt-keys` reads this, and shows it as a claim: doctor the expiry
 * and the key; list, audit and doctor the organization of a login when nothing else tells it (no --org, no key
 * listed), never to match a state's keys against.
 */
export function credentialClaims(token: string): { expiresAt?: string; keyId?: string; organization?: string } {
  const payload = token.split(".")[1];
  if (!payload) return {};
  let claims: Record<string, unknown>;
  try {
    claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as Record<string, unknown>;
  } catch {
    return {};
  }
  if (!claims || typeof claims !== "object") return {};
  const out: { expiresAt?: string; keyId?: string; organization?: string } = {};
  if (typeof claims.exp === "number" && Number.isFinite(claims.exp))
    out.expiresAt = new Date(claims.exp * 1000).toISOString();
  const keyId = claims.kid ?? claims.keyId;
  if (typeof keyId === "string" || typeof keyId === "number") out.keyId = String(keyId);
  const organization = claims.orgId ?? claims.org ?? claims.ownerId;
  if ((typeof organization === "string" && organization !== "") || typeof organization === "number")
    out.organization = String(organization);
  return out;
}
