/**
 * Control routes under /_simulator/, for processes that cannot hold the Simulator object
 * (the demo runs Pulumi in a child process). Unauthenticated on purpose: the simulator
 * listens on loopback. They are not logged, faulted or delayed: they are the test harness.
 */
import { DAY_MS } from "../qwilt-api";
import type { SimContext } from "./context";
import { fail, json, parseJsonObject, type Reply } from "./reply";
import { toSimKey } from "./store";

export const CONTROL_PREFIX = "/_simulator/";

const ROUTES: Record<string, string> = { state: "GET", clock: "POST", revoke: "POST" };

export function handleControl(ctx: SimContext, method: string, path: string, text: string): Reply {
  const name = path.slice(CONTROL_PREFIX.length);
  const allowed = ROUTES[name];
  if (!allowed) return fail(404, `no control route ${path}`);
  if (method !== allowed) return fail(405, `${path} accepts ${allowed} only`, { allow: allowed });
  if (name === "state") return json(200, stateView(ctx));
  const body = parseJsonObject(text || "{}");
  if (!body) return fail(400, "request body must be a JSON object");
  return name === "clock" ? moveClock(ctx, body) : revoke(ctx, body);
}

export function stateView(ctx: SimContext) {
  const now = ctx.clock.now();
  const keys = ctx.store.allKeys().map(toSimKey);
  return {
    now: now.toISOString(),
    organizations: ctx.store.organizationIds(),
    keys,
    liveKeys: keys.filter((k) => !k.revoked && Date.parse(k.expireAt) > now.getTime()),
  };
}

function moveClock(ctx: SimContext, body: Record<string, unknown>): Reply {
  const { set, advanceDays, advanceMs } = body;
  const finite = (v: unknown) => v === undefined || (typeof v === "number" && Number.isFinite(v));
  if (!finite(advanceDays) || !finite(advanceMs)) return fail(400, "advanceDays and advanceMs must be finite numbers");
  if (set !== undefined && (typeof set !== "string" || Number.isNaN(Date.parse(set))))
    return fail(400, "set must be an ISO-8601 date");
  // set first, then advance from there; advance() adds to the offset, so no drift creeps in.
  if (set !== undefined) ctx.clock.set(new Date(set as string));
  const ms = ((advanceDays as number | undefined) ?? 0) * DAY_MS + ((advanceMs as number | undefined) ?? 0);
  if (ms !== 0) ctx.clock.advance(ms);
  return json(200, { now: ctx.clock.now().toISOString() });
}

function revoke(ctx: SimContext, body: Record<string, unknown>): Reply {
  const { orgId, keyId } = body;
  if (typeof orgId !== "string" || (typeof keyId !== "string" && typeof keyId !== "number")) {
    return fail(400, "orgId (string) and keyId (string) are required");
  }
  if (!ctx.store.revoke(orgId, String(keyId))) return fail(404, "API key not found (unknown or already revoked)");
  return json(200, { orgId, keyId: String(keyId), revoked: true });
}
