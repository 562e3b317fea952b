/**
 * Every assumption this project makes about Qwilt's api-keys and login APIs, in one place
 * (see shared/qwilt-api.md). The client and the simulator both build on this module, so a
 * live call that settles an assumption is one change here.
 *
 * This module imports nothing heavy: zod schemas are built on demand by `wireSchemas()`,
 * so importing the package stays cheap (the dynamic provider plugin loads it per process).
 */

/** Production base URLs (documented). */
export const DEFAULT_USERS_URL = "https://users.cqloud.com";
export const DEFAULT_LOGIN_URL = "https://login.cqloud.com";

/** Paths. Create is documented; list/get/revoke paths are assumed. */
export const API_KEYS_PATH = "/api/1/api-keys";
export const apiKeyPath = (keyId: string): string => `${API_KEYS_PATH}/${encodeURIComponent(keyId)}`;
export const LOGIN_PATH = "/login";

/**
 * Header carrying an API key (documented form). Qwilt's own Go client (Terraform provider,
 * qwilt/cdn/client/client.go `doRequest`) sends `Authorization: X-API-KEY <key>` instead, with
 * `Content-Type: application/json` on every call, and counts only 200 and 201 as success.
 */
export const API_KEY_HEADER = "x-api-key";
/**
 * Cookie carrying the login token in the 302 answer to GET /login (documented). That 302 has no
 * Location to follow: Qwilt's own client (qwilt/cdn/client/client.go `doAuthRequest`) signs in
 * through a Go client that follows redirects and still demands the 302 and this cookie; it also
 * sends the username and password as a JSON body with the GET (auth.go `SignIn`).
 */
export const LOGIN_TOKEN_COOKIE = "cqloudLoginToken";
/** A login token lives one hour (documented). */
export const LOGIN_TOKEN_LIFETIME_MS = 60 * 60 * 1000;
/** A new key needs up to five minutes to be active on every endpoint (documented). */
export const ACTIVATION_DELAY_MS = 5 * 60 * 1000;

/** Validity bounds in whole days (documented). */
export const MIN_TTL_DAYS = 1;
export const MAX_TTL_DAYS = 365;
export const DAY_MS = 24 * 60 * 60 * 1000;

/** Name and description limits: undocumented; chosen conservatively. */
export const MAX_NAME_LENGTH = 128;
export const MAX_DESCRIPTION_LENGTH = 1024;

/** Our permission names and the API's (`MediaEditor` documented, `MediaViewer` assumed by symmetry). */
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

/** Body of POST /api/1/api-keys (documented). */
export interface CreateKeyRequest {
  name: string;
  description?: string;
  ttl: number;
  permission: ApiPermission;
}

/** A key as list and get return it (assumed: the create response without apiToken). */
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

/** The create response (documented): a key plus the secret `apiToken`, returned only once. */
export interface WireCreatedKey extends WireKey {
  apiToken: string;
}

/** Expiry is creation time + ttl × 24 h (documented example). Decide expiry from this, never from presence. */
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
    description: z.string().nullish().transform((d) => d ?? undefined),
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
 * not. Assumed: the API checks rights before it looks the key up (a typical gateway does; the simulator does).
 */
export const NO_SUCH_KEY_ID = "qwilt-keys-doctor-no-such-key";

/**
 * What a credential's JWT payload says about itself, unverified. Assumed, undocumented: `exp` (seconds since
 * the epoch) is the standard expiry claim, and `kid` or `keyId` would name the API key. Only
 * `qwilt-keys doctor` reads this, and shows it as a claim; nothing decides anything on it.
 */
export function credentialClaims(token: string): { expiresAt?: string; keyId?: string } {
  const payload = token.split(".")[1];
  if (!payload) return {};
  let claims: Record<string, unknown>;
  try {
    claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as Record<string, unknown>;
  } catch {
    return {};
  }
  if (!claims || typeof claims !== "object") return {};
  const out: { expiresAt?: string; keyId?: string } = {};
  if (typeof claims.exp === "number" && Number.isFinite(claims.exp)) out.expiresAt = new Date(claims.exp * 1000).toISOString();
  const keyId = claims.kid ?? claims.keyId;
  if (typeof keyId === "string" || typeof keyId === "number") out.keyId = String(keyId);
  return out;
}
