/**
 * A create whose answer was lost may have made a key nobody can use; the provider finds it by its name and
 * revokes it (provider/unknown-outcome.ts). Only keys that create made: never a key of the same fixed name that
 * another resource, another stack, or the key being replaced holds, even when that key was made moments before or
 * at the same time; and a provider clock ahead of Qwilt's does not hide the strays. Through Pulumi's real plugin.
 * (The fault matrix, test/fault-matrix.test.ts, has every fault × a replacement under a fixed name.)
 */
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from "vitest";
import { startSimulator, type Simulator } from "../sdk/simulator";
import { type PluginCallError, type PluginProcess, startPlugin, urnOf } from "./helpers/plugin";
import { apiKeyConfig } from "./helpers/plugin-fixture";
import { serializedProvider } from "./helpers/serialized-provider";
import { liveKeyIds, writesSince } from "./helpers/sim-views";

type Props = Record<string, any>;
const KEYS = "/api/1/api-keys";
const TIMEOUT_MS = 1000;
/** More than the ten minutes the cleanup used to allow between our clock and Qwilt's createdAt. */
const CLOCK_AHEAD_MS = 15 * 60 * 1000;

let sim: Simulator;
let plugin: PluginProcess;
let provider: string;
beforeAll(async () => {
  sim = await startSimulator();
  provider = serializedProvider(inject("packedProject"));
  plugin = await startPlugin(inject("packedProject"), {
    QWILT_TIMEOUT_MS: String(TIMEOUT_MS),
    QWILT_CLOCK_OFFSET_MS: String(CLOCK_AHEAD_MS),
  });
  await plugin.configure(apiKeyConfig(sim));
});
afterAll(async () => {
  await plugin?.stop();
  await sim?.close();
});
afterEach(() => {
  sim.faults.clear();
  for (const k of sim.liveKeys()) if (k.name !== "bootstrap") sim.revokeKey(k.orgId, k.keyId);
});

const liveIds = () => liveKeyIds(sim);
const writes = (from: number) => writesSince(sim, from);
const caught = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (e: PluginCallError) => e,
  );

/** Check (no olds, as for a new resource or a replacement) and Create of the resource `resource`. */
async function create(resource: string, a: Props): Promise<{ id: string; properties: Props }> {
  const urn = urnOf(resource);
  const checked = await plugin.check(
    urn,
    {},
    { waitForActivation: false, ...a, __resourceName: resource, __provider: provider },
  );
  expect(checked.failures).toEqual([]);
  return plugin.create(urn, checked.inputs);
}

describe("a lost create answer: only the keys that create made are revoked", () => {
  it("a replacement under a fixed name: the key it replaces lives until the engine deletes it; with both answers lost, it is still live and tracked", async () => {
    const a = { permission: "viewer", validForDays: 30, name: "deploy", description: "one" };
    const old = await create("fixed", a);

    sim.faults.add({ method: "POST", path: KEYS, loseAnswer: true });
    let from = sim.requests.length;
    const next = await create("fixed", { ...a, description: "two" });
    // The lost POST's key revoked, the old key untouched, the second POST answered.
    const stray = sim.keys().find((k) => k.name === "deploy" && k.revoked)!;
    expect(writes(from)).toEqual([
      `POST ${KEYS} 0 loseAnswer`,
      `DELETE ${KEYS}/${stray.keyId} 200`,
      `POST ${KEYS} 201`,
    ]);
    expect(liveIds()).toEqual([old.properties.keyId, next.properties.keyId].sort());
    await plugin.delete(urnOf("fixed"), old.id, old.properties);
    expect(liveIds()).toEqual([next.properties.keyId]);

    // Both answers lost: the replacement fails, and the resource it would replace still holds a live key.
    sim.faults.add({ method: "POST", path: KEYS, loseAnswer: true, times: 2 });
    from = sim.requests.length;
    const failed = await caught(create("fixed", { ...a, description: "three" }));
    expect(failed?.message).toBe(
      `Creating key "deploy" failed twice without a clear answer (last: POST /api/1/api-keys: connection failed — read ECONNRESET). ` +
        `Qwilt had made 2 key(s) named "deploy" all the same; they were found by name and revoked (a key comes only in the answer that was lost, so it cannot be used), ` +
        `so these attempts leave no key behind; key ${next.id}, which had that name before, is untouched. ` +
        "This looks temporary (the connection to Qwilt broke; check the network and qwilt:usersUrl / qwilt:loginUrl): run `pulumi up` again.",
    );
    expect(writes(from).filter((w) => w.startsWith("DELETE"))).toHaveLength(2);
    expect(liveIds()).toEqual([next.properties.keyId]);
  });

  it("two resources with one fixed name: the second one's lost answer leaves the first one's key alone", async () => {
    const a = { permission: "viewer", validForDays: 30, name: "shared" };
    const one = await create("one", a);
    sim.faults.add({ method: "POST", path: KEYS, loseAnswer: true });
    const two = await create("two", a);
    expect(liveIds()).toEqual([one.properties.keyId, two.properties.keyId].sort());
  });

  it("two resources with one fixed name created at once: a key made by the other between this create's two looks is not a stray", async () => {
    const a = { permission: "viewer", validForDays: 30, name: "parallel" };
    // The first POST is answered only after the client gave up (a timeout); the provider waits as long again, then
    // lists the keys. The other resource's key is made in that time.
    sim.faults.add({ method: "POST", path: KEYS, delayMs: TIMEOUT_MS + 500 });
    const slow = create("slow", a);
    await expect.poll(() => sim.faults.pending, { timeout: 5000, interval: 20 }).toBe(0);
    const quick = await create("quick", a);
    const settled = await slow;
    expect(liveIds()).toEqual([quick.properties.keyId, settled.properties.keyId].sort());
    // What was revoked is the slow create's own first key.
    const revoked = sim.keys().filter((k) => k.name === "parallel" && k.revoked);
    expect(revoked).toHaveLength(1);
    expect([quick.properties.keyId, settled.properties.keyId]).not.toContain(revoked[0]!.keyId);
  });

  it("a provider clock more than ten minutes ahead of Qwilt's still finds the stray of an auto-named create", async () => {
    sim.faults.add({ method: "POST", path: KEYS, loseAnswer: true });
    const from = sim.requests.length;
    const made = await create("ahead", { permission: "viewer", validForDays: 30 });
    // An auto-name is drawn for the create: no list before the POST, one to settle the lost answer.
    expect(sim.requests.slice(from).map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([
      `POST ${KEYS} 0`,
      `GET ${KEYS} 200`,
      expect.stringMatching(new RegExp(`^DELETE ${KEYS}/\\d+ 200$`)),
      `POST ${KEYS} 201`,
    ]);
    expect(liveIds()).toEqual([made.properties.keyId]);
  });
});
