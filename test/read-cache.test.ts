/**
 * Refresh at scale: concurrent reads share one list of their organization's keys (provider/key-list-cache.ts),
 * yet a key revoked before the read is still reported gone. In-process against the simulator, then
 * through Pulumi's real plugin as `pulumi refresh` drives it.
 */
import type { ApiKeyState } from "../sdk/api-key-args";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { QwiltClient } from "../sdk/client/qwilt-client";
import { startSimulator, type Simulator } from "../sdk/simulator";
import { KeyListCache } from "../provider/key-list-cache";
import { QwiltApiKeyProvider } from "../provider/qwilt-provider";
import { startPlugin, urnOf } from "./helpers/plugin";
import { serializedProvider } from "./helpers/serialized-provider";

const LIST = "GET /api/1/api-keys";
const HELD_KEY = "held-key-not-returned-by-the-api";
let sim: Simulator;

beforeAll(async () => {
  sim = await startSimulator({ organizations: [{ id: "org-1" }, { id: "org-2" }] });
  sim.addUser("org-2", sim.user.email, sim.user.password);
});
afterAll(async () => {
  await sim?.close();
});

/** `count` keys made as in the web UI, with the state Pulumi holds for each after create. */
function makeKeys(orgId: string, count: number, prefix: string, withOrgId = false) {
  return Array.from({ length: count }, (_, i) => {
    const name = `${prefix}-${i}`;
    const { keyId } = sim.createKey(orgId, { name, permission: "MediaViewer", ttl: 30, active: true });
    const k = sim.keys(orgId).find((x) => x.keyId === keyId)!;
    const props: ApiKeyState = {
      permission: "viewer",
      validForDays: 30,
      name,
      rotateBeforeDays: 15,
      waitForActivation: false,
      activationTimeoutSeconds: 600,
      revokeOnDelete: true,
      overlapDays: 0,
      ...(withOrgId ? { orgId } : {}),
      __defaults: [],
      keyId,
      organization: orgId,
      createdBy: k.createdBy,
      createdAt: k.createdAt,
      expiresAt: k.expireAt,
      rotateAt: "2000-01-01T00:00:00.000Z",
      key: HELD_KEY,
    };
    return { id: `${orgId}/${keyId}`, props };
  });
}

const calls = () => sim.requests.map((r) => `${r.method} ${r.path}`);
const env = () => ({
  QWILT_API_KEY: sim.bootstrapKey,
  QWILT_USERNAME: sim.user.email,
  QWILT_PASSWORD: sim.user.password,
  QWILT_USERS_URL: sim.url,
  QWILT_LOGIN_URL: sim.url,
});

describe("provider read of many keys", () => {
  it("reads 500 keys at once with one list call, and reports the key revoked before as gone", async () => {
    const keys = makeKeys("org-1", 500, "many");
    const revoked = keys[123]!;
    expect(sim.revokeKey("org-1", revoked.props.keyId)).toBe(true);
    const provider = new QwiltApiKeyProvider({ env: env(), warn: () => undefined });
    sim.clearRequests();

    const results = await Promise.all(keys.map((k) => provider.read(k.id, k.props)));

    // One list, plus the GET that confirms the one key the list does not show.
    expect(calls()).toEqual([LIST, `GET /api/1/api-keys/${revoked.props.keyId}`]);
    expect(sim.requests.length).toBeLessThanOrEqual(10);
    expect(results[123]).toEqual({});
    const kept = results.filter((r) => r.id !== undefined);
    expect(kept).toHaveLength(499);
    expect(results[0]).toEqual({
      id: keys[0]!.id,
      props: {
        ...keys[0]!.props,
        rotateAt: new Date(Date.parse(keys[0]!.props.expiresAt) - 15 * 86_400_000).toISOString(),
      },
      inputs: {
        permission: "viewer",
        validForDays: 30,
        name: "many-0",
        rotateBeforeDays: 15,
        waitForActivation: false,
        activationTimeoutSeconds: 600,
        revokeOnDelete: true,
        overlapDays: 0,
        __defaults: [],
      },
    });
    expect(kept.every((r) => r.props!.key === HELD_KEY)).toBe(true);
  });

  it("keeps one list per organization, and still drops a key whose id now names another key", async () => {
    const own = makeKeys("org-1", 3, "own");
    const other = makeKeys("org-2", 3, "other", true);
    const renamed = { ...other[1]!, props: { ...other[1]!.props, name: "a-key-that-was-replaced" } };
    const provider = new QwiltApiKeyProvider({ env: env(), warn: () => undefined });
    sim.clearRequests();

    const results = await Promise.all([...own, other[0]!, renamed, other[2]!].map((k) => provider.read(k.id, k.props)));

    expect(results.map((r) => r.id)).toEqual([
      own[0]!.id,
      own[1]!.id,
      own[2]!.id,
      other[0]!.id,
      undefined,
      other[2]!.id,
    ]);
    expect(calls().sort()).toEqual(["GET /login", LIST, LIST, `GET /api/1/api-keys/${other[1]!.props.keyId}`].sort());
    expect(
      sim.requests
        .filter((r) => r.path === "/api/1/api-keys")
        .map((r) => r.orgId)
        .sort(),
    ).toEqual(["org-1", "org-2"]);
  });
});

describe("KeyListCache", () => {
  let t = 0;
  const cache = new KeyListCache(2000, () => t);
  const client = () =>
    new QwiltClient({ credentials: { apiKey: sim.bootstrapKey }, usersUrl: sim.url, loginUrl: sim.url, maxRetries: 0 });

  it("asks again once the list is older than its lifetime, so a key revoked meanwhile is gone", async () => {
    const c = client();
    const [a] = makeKeys("org-1", 1, "ttl");
    sim.clearRequests();
    expect((await cache.find(c, a!.props.keyId, a!.props.name))?.name).toBe("ttl-0");
    sim.revokeKey("org-1", a!.props.keyId);
    t += 1999; // still within the lifetime: the list from before the revoke answers
    expect((await cache.find(c, a!.props.keyId, a!.props.name))?.name).toBe("ttl-0");
    expect(calls()).toEqual([LIST]);
    t += 1; // lifetime over: a new list, which no longer shows it, and the GET that confirms it is gone
    expect(await cache.find(c, a!.props.keyId, a!.props.name)).toBeUndefined();
    expect(calls()).toEqual([LIST, LIST, `GET /api/1/api-keys/${a!.props.keyId}`]);
    await c.close();
  });

  it("finds a key made after the list was fetched (confirmed by its own GET)", async () => {
    const c = client();
    const [first] = makeKeys("org-1", 1, "before");
    await cache.find(c, first!.props.keyId, first!.props.name);
    const [later] = makeKeys("org-1", 1, "after");
    sim.clearRequests();
    expect((await cache.find(c, later!.props.keyId, later!.props.name))?.keyId).toBe(later!.props.keyId);
    expect(calls()).toEqual([`GET /api/1/api-keys/${later!.props.keyId}`]);
    await c.close();
  });

  it("does not keep a failed list: the next read asks again", async () => {
    const c = client();
    const [k] = makeKeys("org-1", 1, "fail");
    sim.faults.add({ method: "GET", path: "/api/1/api-keys", status: 500 });
    sim.clearRequests();
    await expect(cache.find(c, k!.props.keyId, k!.props.name)).rejects.toThrow(/500/);
    expect((await cache.find(c, k!.props.keyId, k!.props.name))?.name).toBe("fail-0");
    expect(calls()).toEqual([LIST, LIST]);
    await c.close();
  });

  it("falls back to one GET per key when Qwilt refuses the list (its path is an assumption)", async () => {
    const c = client();
    const keys = makeKeys("org-1", 3, "nolist");
    const rule = sim.faults.add({ method: "GET", path: "/api/1/api-keys", status: 404, times: Infinity });
    t += 5000; // past the lifetime of the lists above
    sim.clearRequests();
    try {
      const found = await Promise.all(keys.map((k) => cache.find(c, k.props.keyId, k.props.name)));
      expect(found.map((f) => f?.name)).toEqual(["nolist-0", "nolist-1", "nolist-2"]);
      // One refused list serves every read of its lifetime; each key is then asked for by its id.
      expect(calls()).toEqual([LIST, ...keys.map((k) => `GET /api/1/api-keys/${k.props.keyId}`)]);
    } finally {
      sim.faults.remove(rule);
      await c.close();
    }
  });
});

describe("refresh through the plugin", () => {
  it("500 concurrent reads in one plugin process make at most 10 HTTP calls", async () => {
    const keys = makeKeys("org-1", 500, "plugin");
    const revoked = keys[42]!;
    sim.revokeKey("org-1", revoked.props.keyId);
    const provider = serializedProvider(inject("packedProject"));
    const plugin = await startPlugin(inject("packedProject"));
    try {
      await plugin.configure({
        "qwilt:apiKey": sim.bootstrapKey,
        "qwilt:usersUrl": sim.url,
        "qwilt:loginUrl": sim.url,
      });
      sim.clearRequests();
      const reads = await Promise.all(
        keys.map((k, i) => plugin.read(urnOf(`plugin-${i}`), k.id, { ...k.props, __provider: provider })),
      );
      console.log(`refresh of 500 keys through the plugin: ${sim.requests.length} HTTP calls`);
      expect(sim.requests.length).toBeLessThanOrEqual(10);
      expect(calls().filter((c) => c !== LIST)).toEqual([`GET /api/1/api-keys/${revoked.props.keyId}`]);
      expect(reads[42]!.id).toBe("");
      expect(reads.filter((r) => r.id !== "").length).toBe(499);
      expect(reads[0]!.properties.key).toBe(HELD_KEY);
    } finally {
      await plugin.stop();
    }
  });
});
