/**
 * The users API: create, list, get and revoke keys (paths and shapes from qwilt-api.ts).
 * Order of checks, like a typical API gateway: route (404/405), credentials (401),
 * rights (403), body (400/422), conflicts (409).
 */
import type { IncomingHttpHeaders } from "node:http";
import type { WireCreatedKey, WireKey } from "../qwilt-api";
import { authenticate, readCredential } from "./auth";
import type { Handled, SimContext } from "./context";
import { fail, json, parseJsonObject } from "./reply";
import type { KeyRecord } from "./store";
import { createKey } from "./create-key";

export function toWireKey(k: KeyRecord): WireKey {
  return {
    name: k.name,
    ...(k.description !== undefined ? { description: k.description } : {}),
    ttl: k.ttl,
    permission: k.permission,
    keyId: k.keyId,
    ownerId: k.orgId,
    createdBy: k.createdBy,
    createdAt: k.createdAt,
    expireAt: k.expireAt,
  };
}

type Op = "list" | "create" | "get" | "revoke";

export function handleApiKeys(
  ctx: SimContext,
  op: Op,
  headers: IncomingHttpHeaders,
  body: string,
  keyId?: string,
): Handled {
  const auth = authenticate(readCredential(headers), ctx.store, ctx.clock);
  if (!auth.ok) return { reply: fail(401, auth.message) };
  const { principal } = auth;
  const orgId = principal.orgId;
  if ((op === "create" || op === "revoke") && !principal.canWrite) {
    return { reply: fail(403, "a MediaViewer key may only call GET endpoints"), orgId };
  }
  switch (op) {
    case "list": {
      // Revoked keys are gone; expired ones stay listed until cleaned up (docs/qwilt-api.md).
      const keys = ctx.store.allKeys(orgId).filter((k) => !k.revoked);
      return { reply: json(200, keys.map(toWireKey)), orgId };
    }
    case "get": {
      const key = ctx.store.findKey(orgId, keyId!);
      if (!key || key.revoked) return { reply: fail(404, "API key not found"), orgId };
      return { reply: json(200, toWireKey(key)), orgId };
    }
    case "revoke": {
      if (!ctx.store.revoke(orgId, keyId!)) return { reply: fail(404, "API key not found"), orgId };
      // 200, not 204: Qwilt's own client counts only 200 and 201 as success for its DELETEs
      // (test/simulator-terraform-client.test.ts); ours takes any 2xx.
      return { reply: { status: 200 }, orgId };
    }
    case "create":
      return { reply: create(ctx, body, orgId, principal.createdBy), orgId };
  }
}

function create(ctx: SimContext, text: string, orgId: string, createdBy: string) {
  const body = parseJsonObject(text);
  if (!body) return fail(400, "request body must be a JSON object");
  const made = createKey(ctx, orgId, body, { createdBy, activeAtMs: Date.now() + ctx.propagationDelayMs });
  if (!made.ok) return fail(made.status, made.message);
  const created: WireCreatedKey = { ...toWireKey(made.key), apiToken: made.key.token };
  return json(201, created);
}
