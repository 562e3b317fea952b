/**
 * Credentials of the users API: `X-API-KEY: <key>` (documented), `Authorization: X-API-KEY <key>`
 * (what the Terraform provider sends) or `Authorization: Bearer <login token>`. Schemes are
 * case-insensitive. 401 messages say why, but never repeat the credential.
 */
import type { IncomingHttpHeaders } from "node:http";
import { API_KEY_HEADER } from "../qwilt-api";
import type { SimulatedClock } from "./clock";
import type { Store } from "./store";
import type { SimAuthKind } from "./types";

export interface Credential {
  kind: SimAuthKind;
  value?: string;
}

export function readCredential(headers: IncomingHttpHeaders): Credential {
  const key = headers[API_KEY_HEADER];
  const keyValue = (Array.isArray(key) ? key[0] : key)?.trim();
  if (keyValue) return { kind: "api-key", value: keyValue };
  const authz = headers.authorization?.trim();
  if (!authz) return { kind: "none" };
  const space = authz.indexOf(" ");
  const scheme = (space < 0 ? authz : authz.slice(0, space)).toLowerCase();
  const value = space < 0 ? "" : authz.slice(space + 1).trim();
  if (scheme === API_KEY_HEADER) return { kind: "api-key", value };
  if (scheme === "bearer") return { kind: "bearer", value };
  if (scheme === "basic") return { kind: "basic", value };
  return { kind: "none" };
}

export interface Principal {
  orgId: string;
  /** Editor keys and login tokens may create and revoke; Viewer keys only read. */
  canWrite: boolean;
  /** What a key created with this credential records as createdBy. */
  createdBy: string;
}

export type AuthResult = { ok: true; principal: Principal } | { ok: false; message: string };

export function authenticate(cred: Credential, store: Store, clock: SimulatedClock): AuthResult {
  if (!cred.value) {
    return {
      ok: false,
      message:
        cred.kind === "basic"
          ? "Basic auth is for /login only; send X-API-KEY or a Bearer token"
          : "missing credentials: send X-API-KEY or Authorization: Bearer",
    };
  }
  if (cred.kind === "api-key") {
    const key = store.keyByToken(cred.value);
    if (!key) return { ok: false, message: "unknown API key" };
    if (key.revoked) return { ok: false, message: "API key revoked" };
    if (clock.now().getTime() >= Date.parse(key.expireAt)) return { ok: false, message: "API key expired" };
    // Propagation runs on REAL time: a test waits it out rather than moving the simulated clock.
    if (Date.now() < Date.parse(key.activeAt)) return { ok: false, message: "API key is not active yet" };
    return {
      ok: true,
      principal: { orgId: key.orgId, canWrite: key.permission === "MediaEditor", createdBy: key.createdBy },
    };
  }
  if (cred.kind === "bearer") {
    const session = store.session(cred.value);
    if (!session) return { ok: false, message: "unknown login token" };
    if (clock.now().getTime() >= session.expiresAtMs) return { ok: false, message: "login token expired" };
    return { ok: true, principal: { orgId: session.orgId, canWrite: true, createdBy: session.email } };
  }
  return { ok: false, message: "missing credentials: send X-API-KEY or Authorization: Bearer" };
}

/** Decodes `Basic base64(user:password)`; undefined when malformed. */
export function decodeBasic(value: string): { username: string; password: string } | undefined {
  const text = Buffer.from(value, "base64").toString("utf8");
  const colon = text.indexOf(":");
  if (colon <= 0) return undefined;
  return { username: text.slice(0, colon), password: text.slice(colon + 1) };
}
