/**
 * When Qwilt answers against one of our assumptions (sdk/qwilt-api.ts), the provider's own errors say which
 * one, not just the status, and point at `qwilt-keys probe`: through Pulumi's real plugin, against the
 * simulator made to differ (a revoke answering 405, or 404 for a key it still answers; a create answering 405).
 * The key stays tracked and live; nothing is lost.
 */
import { describe, expect, it } from "vitest";
import { type PluginCallError, urnOf } from "./helpers/plugin";
import { usePluginFixture } from "./helpers/plugin-fixture";

const { sim, plugin, args } = usePluginFixture({ argDefaults: { waitForActivation: false } });
const failure = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (e: Error) => e,
  );

async function created(name: string) {
  const urn = urnOf(name);
  const key = await plugin.create(
    urn,
    (await plugin.check(urn, {}, args(name, { permission: "viewer", validForDays: 1 }))).inputs,
  );
  return { urn, ...key };
}

describe("errors that contradict an API assumption name it", () => {
  it("a revoke answering 405 names revoke-path; the key stays live and tracked", async () => {
    const k = await created("revoke-405");
    const fault = sim.faults.add({
      method: "DELETE",
      path: `/api/1/api-keys/${k.properties.keyId}`,
      status: 405,
      times: Infinity,
    });
    const err = await failure(plugin.delete(k.urn, k.id, k.properties));
    expect(err?.message).toContain(
      `Could not revoke key "${k.properties.name}" (${k.id}): DELETE /api/1/api-keys/${k.properties.keyId}: 405 Method Not Allowed`,
    );
    expect(err?.message).toContain(
      "that contradicts assumption revoke-path of pulumi-qwilt-api-keys (assumed: DELETE /api/1/api-keys/{keyId} revokes that key for good, answering 200 or 204): run `qwilt-keys probe --json` and send us its output. Pulumi keeps tracking it. Revoke the key in Qwilt's web UI, then run `pulumi refresh`.",
    );
    expect(sim.liveKeys().map((k) => k.keyId)).toContain(k.properties.keyId);
    sim.faults.remove(fault);
    await plugin.delete(k.urn, k.id, k.properties);
  });

  it("a revoke answering 404 for a key the API still answers names revoke-path", async () => {
    const k = await created("revoke-404");
    const fault = sim.faults.add({
      method: "DELETE",
      path: `/api/1/api-keys/${k.properties.keyId}`,
      status: 404,
      times: Infinity,
    });
    const err = await failure(plugin.delete(k.urn, k.id, k.properties));
    expect(err?.message).toContain(
      `DELETE /api/1/api-keys/${k.properties.keyId}: 404 Not Found, yet GET still answers the key; that contradicts assumption revoke-path`,
    );
    expect(err?.message).toContain("Pulumi keeps tracking it.");
    sim.faults.remove(fault);
    await plugin.delete(k.urn, k.id, k.properties);
    expect(sim.liveKeys().map((k) => k.keyId)).not.toContain(k.properties.keyId);
  });

  it("a create answering 405 names create; nothing is made", async () => {
    const before = sim.keys().length;
    sim.faults.add({ method: "POST", path: "/api/1/api-keys", status: 405 });
    const urn = urnOf("create-405");
    const err = await failure(
      plugin.create(
        urn,
        (await plugin.check(urn, {}, args("create-405", { permission: "viewer", validForDays: 1 }))).inputs,
      ),
    );
    expect(err?.message).toContain("POST /api/1/api-keys: 405 Method Not Allowed");
    expect(err?.message).toContain(
      "that contradicts assumption create of pulumi-qwilt-api-keys (documented: POST /api/1/api-keys with name",
    );
    expect(sim.keys().length).toBe(before);
  });

  it("a list not where we assume it: the activation check fails, names list-path, and the new key stays tracked", async () => {
    sim.faults.add({ method: "GET", path: "/api/1/api-keys", status: 404, times: Infinity });
    const urn = urnOf("list-404");
    const err = (await failure(
      plugin.create(
        urn,
        (
          await plugin.check(
            urn,
            {},
            args("list-404", { permission: "viewer", validForDays: 1, waitForActivation: true }),
          )
        ).inputs,
      ),
    )) as PluginCallError;
    sim.faults.clear();
    expect(err.message).toMatch(
      /was created but seeing whether it works failed: GET \/api\/1\/api-keys: 404 Not Found/,
    );
    expect(err.message).toContain("that contradicts assumption list-path");
    // Tracked as created but not initialised, so the next up (or destroy) deals with it.
    expect(err.initFailure?.properties.keyId).toEqual(expect.any(String));
    expect(sim.liveKeys().map((k) => k.keyId)).toContain(err.initFailure!.properties.keyId);
    await plugin.delete(urn, err.initFailure!.id, err.initFailure!.properties);
  });

  it("an ordinary failure names no assumption", async () => {
    const k = await created("revoke-403");
    const fault = sim.faults.add({ method: "DELETE", path: `/api/1/api-keys/${k.properties.keyId}`, status: 403 });
    const err = await failure(plugin.delete(k.urn, k.id, k.properties));
    expect(err?.message).toContain("403 Forbidden");
    expect(err?.message).not.toContain("assumption");
    sim.faults.remove(fault);
    await plugin.delete(k.urn, k.id, k.properties);
  });
});
