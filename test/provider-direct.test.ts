/** The provider's methods called directly (no plugin), against the simulator. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { QwiltApiKeyProvider } from "../provider/qwilt-provider";
import type { ApiKeyState } from "../sdk/api-key-args";
import { startSimulator, type Simulator } from "../sdk/simulator";
import { startScriptedServer } from "./helpers/scripted-server";

const DAY = 86_400_000;
let sim: Simulator;
let now = Date.now();
let provider: QwiltApiKeyProvider;
const warnings: string[] = [];

beforeAll(async () => {
  sim = await startSimulator();
  provider = new QwiltApiKeyProvider({
    env: { QWILT_API_KEY: sim.bootstrapKey, QWILT_USERS_URL: sim.url, QWILT_LOGIN_URL: sim.url },
    now: () => now,
    warn: (m) => warnings.push(m),
  });
});
afterAll(() => sim?.close());

describe("QwiltApiKeyProvider against the simulator", () => {
  it("creates, reads, updates and deletes", async () => {
    const { inputs } = await provider.check(
      {},
      { permission: "editor", validForDays: 20, description: "direct", __resourceName: "direct" },
    );
    const { id, outs } = await provider.create(inputs);
    expect(outs).toMatchObject({
      permission: "editor",
      validForDays: 20,
      rotateBeforeDays: 10,
      description: "direct",
      keyId: expect.any(String),
      organization: "org-1",
    });
    expect(id).toBe(`org-1/${outs!.keyId}`);
    const live = sim.liveKeys().find((k) => k.keyId === outs!.keyId)!;
    expect(live).toMatchObject({ name: inputs.name, ttl: 20, permission: "MediaEditor", description: "direct" });
    expect(outs!.createdBy).toBe(live.createdBy);

    const read = await provider.read(id, outs!);
    expect(read).toEqual({ id, props: outs, inputs });

    const updated = await provider.update(id, outs!, { ...inputs, revokeOnDelete: false });
    expect(updated.outs).toMatchObject({ key: outs!.key, revokeOnDelete: false });
    await provider.delete(id, updated.outs!);
    expect(warnings.at(-1)).toMatch(
      /is not revoked \(revokeOnDelete: false\); it keeps working until it expires at 20\d\d-/,
    );
    expect(warnings.join("\n")).not.toContain(outs!.key);
    expect(sim.liveKeys().map((k) => k.keyId)).toContain(outs!.keyId);

    await provider.delete(id, outs!);
    expect(sim.liveKeys().map((k) => k.keyId)).not.toContain(outs!.keyId);
  });

  it("drops an expired key on read, and never revokes a key that is not its own", async () => {
    const { inputs } = await provider.check(
      {},
      { permission: "viewer", validForDays: 2, waitForActivation: false, __resourceName: "short" },
    );
    const { id, outs } = await provider.create(inputs);
    now += 3 * DAY;
    try {
      expect(await provider.read(id, outs!)).toEqual({});
    } finally {
      now -= 3 * DAY;
    }
    // State that names this keyId but another key's name (an id reused) is left alone.
    await provider.delete(id, { ...outs!, name: "someone-else" });
    expect(sim.liveKeys().map((k) => k.keyId)).toContain(outs!.keyId);
    await provider.delete(id, outs!);
  });
});

describe("configure", () => {
  it("keeps its clients (one login) when configured again with the same stack config", async () => {
    const local = await startSimulator();
    try {
      const p = new QwiltApiKeyProvider({ env: {} });
      const config = {
        rawConfig: {
          "qwilt:username": local.user.email,
          "qwilt:password": local.user.password,
          "qwilt:usersUrl": local.url,
          "qwilt:loginUrl": local.url,
        },
        get: () => undefined,
      };
      const inputs = (
        await p.check({}, { permission: "viewer", validForDays: 3, waitForActivation: false, __resourceName: "twice" })
      ).inputs;
      await p.configure({ config } as any);
      const first = await p.create(
        (await p.check({}, { permission: "viewer", validForDays: 3, waitForActivation: false, __resourceName: "a" }))
          .inputs,
      );
      // A second __provider text (an older package version in the state) configures the provider again.
      await p.configure({ config } as any);
      const second = await p.create(
        (await p.check({}, { permission: "viewer", validForDays: 3, waitForActivation: false, __resourceName: "b" }))
          .inputs,
      );
      expect(local.requests.filter((r) => r.path === "/login")).toHaveLength(1);
      expect(inputs.name).toMatch(/^twice-/);
      await p.delete(first.id, first.outs!);
      await p.delete(second.id, second.outs!);
    } finally {
      await local.close();
    }
  });
});

describe("a provider configured again", () => {
  it("closes the clients of the configuration it replaces, and keeps them for the same configuration", async () => {
    const server = await startScriptedServer((req) =>
      req.path === "/api/1/api-keys" ? { body: [] } : { status: 404 },
    );
    try {
      const provider = new QwiltApiKeyProvider({ env: {}, warn: () => undefined });
      const config = (apiKey: string) =>
        ({ config: { rawConfig: { "qwilt:apiKey": apiKey, "qwilt:usersUrl": server.url } } }) as never;
      const state = { keyId: "1", name: "gone", rotateBeforeDays: 1 } as ApiKeyState;
      await provider.configure(config("key-one"));
      expect(await provider.read("org-1/1", state)).toEqual({});
      expect(server.openConnections).toBe(1);
      // The same stack config again (another provider text in the state): the same clients, still connected.
      await provider.configure(config("key-one"));
      await provider.read("org-1/1", state);
      expect(server.connections).toBe(1);
      expect(server.openConnections).toBe(1);
      // Another one: the old clients close their connections; the new ones open their own.
      await provider.configure(config("key-two"));
      await provider.read("org-1/1", state);
      for (let i = 0; i < 50 && server.openConnections > 1; i++) await new Promise((r) => setTimeout(r, 10));
      expect(server.connections).toBe(2);
      expect(server.openConnections).toBe(1);
      expect(server.requests.at(-1)!.headers["x-api-key"]).toBe("key-two");
    } finally {
      await server.close();
    }
  });
});
