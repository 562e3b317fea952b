/**
 * Making a key, as the API and the web UI both do: the same validation and the same unique-name rule,
 * so a key made out of band obeys what a POST would.
 */
import type { SimContext } from "./context";
import type { KeyRecord } from "./store";
import { validateCreate } from "./validate";

export type CreateOutcome = { ok: true; key: KeyRecord } | { ok: false; status: 422 | 409; message: string };

export function createKey(
  ctx: SimContext,
  orgId: string,
  body: Record<string, unknown>,
  by: { createdBy: string; activeAtMs: number },
): CreateOutcome {
  const v = validateCreate(body);
  if (!v.ok) return { ok: false, status: 422, message: v.errors.join("; ") };
  const { name, description, ttl, permission } = v.value;
  if (ctx.uniqueNames && ctx.store.allKeys(orgId).some((k) => !k.revoked && k.name === name)) {
    return {
      ok: false,
      status: 409,
      message: `an API key named ${JSON.stringify(name)} already exists in this organization`,
    };
  }
  const key = ctx.store.createKey(orgId, {
    name,
    ...(description !== undefined ? { description } : {}),
    ttl,
    permission,
    createdBy: by.createdBy,
    createdAt: ctx.clock.now(),
    activeAtMs: by.activeAtMs,
  });
  return { ok: true, key };
}
