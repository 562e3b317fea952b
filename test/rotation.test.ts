/**
 * Zero-downtime rotation, measured: a consumer calls the simulator every 100 ms with whatever
 * key the stack currently outputs, while a scheduled rotation runs through the real plugin
 * with a propagation delay. With activation waiting on, it never sees a 401; with it off
 * (the control), it does.
 */
import { afterEach, describe, expect, inject, it } from "vitest";
import { request } from "undici";
import { startSimulator, type Simulator } from "../sdk/simulator";
import { startPlugin, urnOf, type PluginProcess } from "./helpers/plugin";
import { apiKeyConfig } from "./helpers/plugin-fixture";
import { serializedProvider } from "./helpers/serialized-provider";

const DAY = 86_400_000;
const PROPAGATION_MS = 2500;
let provider: string | undefined;
const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()!();
});

/** Calls the API every 100 ms with the key the stack outputs now; counts the answers. */
function startConsumer(sim: Simulator, currentKey: () => string) {
  const counts: Record<number, number> = {};
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      const res = await request(`${sim.url}/api/1/api-keys`, { headers: { "x-api-key": currentKey() } });
      await res.body.dump();
      counts[res.statusCode] = (counts[res.statusCode] ?? 0) + 1;
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  return {
    counts,
    stop: async () => {
      stopped = true;
      await loop;
      return counts;
    },
  };
}

async function plugin(sim: Simulator, offsetMs: number): Promise<PluginProcess> {
  const p = await startPlugin(inject("packedProject"), { QWILT_CLOCK_OFFSET_MS: String(offsetMs) });
  cleanup.push(() => p.stop());
  await p.configure(apiKeyConfig(sim));
  return p;
}

/** One key's life: create, consumer starts, clock moves past rotateAt, the next `up` rotates it (create, hand over, delete old). */
async function rotateWhileConsuming(waitForActivation: boolean) {
  const sim = await startSimulator({ propagationDelayMs: PROPAGATION_MS });
  cleanup.push(() => sim.close());
  provider ??= serializedProvider(inject("packedProject"));
  const urn = urnOf("rotated");
  const args = {
    permission: "viewer",
    validForDays: 30,
    rotateBeforeDays: 7,
    waitForActivation,
    __resourceName: "rotated",
    __provider: provider,
  };

  // First `pulumi up`. (The control run also waits here, so the consumer starts on a working key.)
  const first = await plugin(sim, 0);
  const checked = await first.check(urn, {}, { ...args, waitForActivation: true });
  const old = await first.create(urn, checked.inputs);
  let stackOutput = old.properties.key as string;
  const consumer = startConsumer(sim, () => stackOutput);
  await new Promise((r) => setTimeout(r, 500));

  // 24 days later, the nightly `pulumi up`: the key is due (rotateAt = expiry - 7 days).
  const offset = 24 * DAY;
  sim.clock.advance(offset);
  const nightly = await plugin(sim, offset);
  const news = (await nightly.check(urn, checked.inputs, args)).inputs;
  const diff = await nightly.diff(urn, old.id, old.properties, news);
  expect(diff).toMatchObject({ changes: "some", replaces: ["rotateAt"] });
  // Create-before-delete: fresh check (new auto-name), create, hand to dependents, then delete the old key.
  const replacement = await nightly.create(urn, (await nightly.check(urn, {}, args)).inputs);
  stackOutput = replacement.properties.key;
  await new Promise((r) => setTimeout(r, 500));
  await nightly.delete(urn, old.id, old.properties);
  await new Promise((r) => setTimeout(r, 1000));
  const counts = await consumer.stop();
  expect(
    sim
      .liveKeys()
      .map((k) => k.keyId)
      .sort(),
  ).toEqual(["1", replacement.properties.keyId].sort()); // bootstrap + new
  return counts;
}

describe("scheduled rotation with a propagation delay", () => {
  it("never shows the consumer a 401 when activation is awaited", async () => {
    const counts = await rotateWhileConsuming(true);
    console.log(
      `consumer during rotation (waitForActivation: true, propagation ${PROPAGATION_MS} ms): ${JSON.stringify(counts)}`,
    );
    expect(counts[401] ?? 0).toBe(0);
    expect(counts[200]).toBeGreaterThan(20);
  });

  it("control: without waiting, the consumer gets 401s from the new key", async () => {
    const counts = await rotateWhileConsuming(false);
    console.log(
      `consumer during rotation (waitForActivation: false, propagation ${PROPAGATION_MS} ms): ${JSON.stringify(counts)}`,
    );
    expect(counts[401]).toBeGreaterThan(5);
  });
});
