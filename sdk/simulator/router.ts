/**
 * Maps method + path to a handler: unknown paths 404, a wrong method on a known path 405
 * (with Allow), both before credentials are looked at.
 */
import type { IncomingHttpHeaders } from "node:http";
import { API_KEYS_PATH, LOGIN_PATH } from "../qwilt-api";
import { handleApiKeys } from "./api-keys-routes";
import type { Handled, SimContext } from "./context";
import { handleLogin } from "./login-route";
import { fail } from "./reply";

export interface RouteInput {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: string;
}

const notAllowed = (r: RouteInput, allow: string): Handled => ({
  reply: fail(
    405,
    `${r.method} is not allowed on ${r.path === LOGIN_PATH || r.path === API_KEYS_PATH ? r.path : `${API_KEYS_PATH}/{keyId}`}; allowed: ${allow}`,
    { allow },
  ),
});

export function route(ctx: SimContext, r: RouteInput): Handled {
  if (r.path === LOGIN_PATH) {
    return r.method === "GET" ? handleLogin(ctx, r.headers, r.query) : notAllowed(r, "GET");
  }
  if (r.path === API_KEYS_PATH) {
    if (r.method === "GET") return handleApiKeys(ctx, "list", r.headers, r.body);
    if (r.method === "POST") return handleApiKeys(ctx, "create", r.headers, r.body);
    return notAllowed(r, "GET, POST");
  }
  const keyId = keyIdOf(r.path);
  if (keyId !== undefined) {
    if (r.method === "GET") return handleApiKeys(ctx, "get", r.headers, r.body, keyId);
    if (r.method === "DELETE") return handleApiKeys(ctx, "revoke", r.headers, r.body, keyId);
    return notAllowed(r, "GET, DELETE");
  }
  return { reply: fail(404, `no route for ${r.method} ${r.path}`) };
}

/** The {keyId} of `/api/1/api-keys/{keyId}` (one non-empty segment), else undefined. */
function keyIdOf(path: string): string | undefined {
  const prefix = `${API_KEYS_PATH}/`;
  if (!path.startsWith(prefix)) return undefined;
  const segment = path.slice(prefix.length);
  if (segment === "" || segment.includes("/")) return undefined;
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined; // malformed percent-encoding: no such route
  }
}
