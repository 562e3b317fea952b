import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  ApiConnectionError,
  AuthenticationError,
  PermissionDeniedError,
  QwiltClient,
  ResponseValidationError,
  type QwiltClientOptions,
  type QwiltCredentials,
} from "../sdk";
import { LOGIN_TOKEN_LIFETIME_MS } from "../sdk/qwilt-api";
import { startSimulator, type Simulator } from "../sdk/simulator";

const PROPAGATION_MS = 300;
let sim: Simulator;
const clients: QwiltClient[] = [];

function client(credentials: QwiltCredentials, extra: Partial<QwiltClientOptions> = {}): QwiltClient {
  const c = new QwiltClient({
    credentials,
    usersUrl: sim.url,
    loginUrl: sim.url,
    retryBaseDelayMs: 1,
    retryMaxDelayMs: 10,
    ...extra,
  });
  clients.push(c);
  return c;
}
const byKey = (extra?: Partial<QwiltClientOptions>) => client({ apiKey: sim.bootstrapKey }, extra);
const byLogin = (extra?: Partial<QwiltClientOptions>, orgId?: string) =>
  client({ username: sim.user.email, password: sim.user.password, ...(orgId ? { orgId } : {}) }, extra);
const unique = (() => {
  let n = 0;
  return (prefix: string) => `${prefix}-${Date.now().toString(36)}-${n++}`;
})();

beforeAll(async () => {
  sim = await startSimulator({ propagationDelayMs: PROPAGATION_MS });
  sim.addOrganization("org-2");
  sim.addUser(["org-2"], sim.user.email, sim.user.password);
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  sim.faults.clear();
  sim.clearRequests();
});
afterAll(() => sim.close());

describe.each([
  ["an API key", byKey, "api-key"],
  ["username/password", byLogin, "bearer"],
] as const)("create, list, get, revoke with %s", (_label, make, authKind) => {
  it("round trip", async () => {
    const c = make();
    const name = unique("rt");
    const created = await c.createKey({ name, description: "round trip", ttlDays: 30, permission: "viewer" });
    expect(created).toMatchObject({
      name,
      description: "round trip",
      ttlDays: 30,
      permission: "viewer",
      organization: sim.user.orgId,
    });
    expect(created.key.length).toBeGreaterThan(10);
    expect(Date.parse(created.expiresAt) - Date.parse(created.createdAt)).toBe(30 * 86_400_000);

    const { key: _secret, ...info } = created;
    expect((await c.listKeys()).find((k) => k.keyId === created.keyId)).toEqual(info);
    expect(await c.getKey(created.keyId)).toEqual(info);
    expect(await c.revokeKey(created.keyId)).toBe(true);
    expect(await c.getKey(created.keyId)).toBeUndefined();
    expect(await c.revokeKey(created.keyId)).toBe(false);
    expect((await c.listKeys()).some((k) => k.keyId === created.keyId)).toBe(false);

    const api = sim.requests.filter((r) => r.path.startsWith("/api/"));
    expect(api.every((r) => r.auth === authKind)).toBe(true);
    expect(sim.requests.filter((r) => r.path === "/login")).toHaveLength(authKind === "bearer" ? 1 : 0);
  });
});

describe("login against the simulator", () => {
  it("20 parallel calls, one login, few connections", async () => {
    const before = sim.connectionsOpened;
    const c = byLogin();
    await Promise.all(Array.from({ length: 20 }, () => c.listKeys()));
    expect(sim.requests.filter((r) => r.path === "/login")).toHaveLength(1);
    const opened = sim.connectionsOpened - before;
    for (let i = 0; i < 5; i++) await c.listKeys();
    expect(sim.connectionsOpened - before).toBe(opened);
  });

  it("an expired token (simulated clock) is renewed after one 401", async () => {
    const c = byLogin();
    await c.listKeys();
    sim.clock.advance(LOGIN_TOKEN_LIFETIME_MS + 1_000);
    await c.listKeys();
    expect(sim.requests.map((r) => `${r.path} ${r.status}`)).toEqual([
      "/login 302",
      "/api/1/api-keys 200",
      "/api/1/api-keys 401",
      "/login 302",
      "/api/1/api-keys 200",
    ]);
  });

  it("with the simulator's clock injected, renews before expiry without a 401", async () => {
    const c = byLogin({ now: () => sim.clock.now().getTime() });
    await c.listKeys();
    sim.clock.advance(LOGIN_TOKEN_LIFETIME_MS - 60_000);
    await c.listKeys();
    expect(sim.requests.map((r) => r.status)).toEqual([302, 200, 302, 200]);
  });

  it("a wrong password: one login request, AuthenticationError", async () => {
    const c = client({ username: sim.user.email, password: "not-the-password" });
    await expect(c.listKeys()).rejects.toBeInstanceOf(AuthenticationError);
    await expect(c.listKeys()).rejects.toThrow(/username\/password were rejected/);
    expect(sim.requests.map((r) => `${r.path} ${r.status}`)).toEqual(["/login 401"]);
  });
});

describe("forOrganization", () => {
  it("creates the key in the other organization", async () => {
    const root = byLogin();
    const other = root.forOrganization("org-2");
    const name = unique("org2");
    const created = await other.createKey({ name, ttlDays: 7, permission: "editor" });
    expect(created.organization).toBe("org-2");
    expect(sim.liveKeys("org-2").some((k) => k.keyId === created.keyId && k.name === name)).toBe(true);
    expect((await root.listKeys()).some((k) => k.name === name)).toBe(false);
    expect(sim.requests.filter((r) => r.path === "/login").map((r) => r.orgId)).toEqual(["org-2", sim.user.orgId]);
    expect(await other.revokeKey(created.keyId)).toBe(true);
  });

  it("an organization the user is not in: 403 from /login", async () => {
    const err = await byLogin()
      .forOrganization("org-nope")
      .listKeys()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PermissionDeniedError);
    expect((err as Error).message).toBe(
      'GET /login: 403 Forbidden — user is not a member of organization "org-nope" (the user may not log in to organization org-nope)',
    );
  });
});

describe("permissions and faults", () => {
  it("a Viewer key cannot create", async () => {
    const viewer = sim.createKey(sim.user.orgId, {
      name: unique("viewer"),
      ttl: 1,
      permission: "MediaViewer",
      active: true,
    });
    const c = client({ apiKey: viewer.apiToken });
    await expect(c.listKeys()).resolves.toBeInstanceOf(Array);
    const err = await c.createKey({ name: unique("x"), ttlDays: 1, permission: "viewer" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PermissionDeniedError);
    expect((err as Error).message).toBe(
      "POST /api/1/api-keys: 403 Forbidden — a MediaViewer key may only call GET endpoints (a Viewer key cannot create or revoke keys; use an Editor key or username/password)",
    );
    expect((err as Error).message).not.toContain(viewer.apiToken);
  });

  it("a lost create answer: outcomeUnknown, and the key is findable by its name", async () => {
    sim.faults.add({ method: "POST", path: "/api/1/api-keys", loseAnswer: true });
    const c = byKey();
    const name = unique("lost");
    const err = await c.createKey({ name, ttlDays: 1, permission: "viewer" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiConnectionError);
    expect((err as ApiConnectionError).outcomeUnknown).toBe(true);
    expect(sim.requests.filter((r) => r.method === "POST")).toHaveLength(1);
    const found = (await c.listKeys()).filter((k) => k.name === name);
    expect(found).toHaveLength(1);
    await c.revokeKey(found[0]!.keyId);
  });

  it("GET retried on 503 with Retry-After: 0", async () => {
    sim.faults.add({ method: "GET", path: "/api/1/api-keys", status: 503, retryAfterSeconds: 0, times: 2 });
    await expect(byKey().listKeys()).resolves.toBeInstanceOf(Array);
    expect(sim.requests.map((r) => r.status)).toEqual([503, 503, 200]);
  });

  it("a schema violation is a ResponseValidationError", async () => {
    sim.faults.add({ method: "GET", path: "/api/1/api-keys", schemaViolation: true });
    await expect(byKey().listKeys()).rejects.toBeInstanceOf(ResponseValidationError);
  });
});

describe("activation", () => {
  it("a new key is inactive, then active after the propagation delay", async () => {
    const c = byKey();
    const created = await c.createKey({ name: unique("act"), ttlDays: 1, permission: "viewer" });
    expect(await c.isKeyActive(created.key)).toBe(false);
    const result = await c.waitUntilActive(created.key, { timeoutMs: 5_000, pollIntervalMs: 50 });
    expect(result.active).toBe(true);
    expect(result.attempts).toBeGreaterThanOrEqual(2);
    expect(result.waitedMs).toBeGreaterThanOrEqual(PROPAGATION_MS - 100);
    expect(result.waitedMs).toBeLessThan(5_000);
    await c.revokeKey(created.keyId);
    expect(await c.isKeyActive(created.key)).toBe(false);
  });

  it("waitUntilActive reports false when the time runs out", async () => {
    const c = byKey();
    const created = await c.createKey({ name: unique("slow"), ttlDays: 1, permission: "viewer" });
    const result = await c.waitUntilActive(created.key, { timeoutMs: 100, pollIntervalMs: 30 });
    expect(result).toMatchObject({ active: false });
    expect(result.attempts).toBeGreaterThanOrEqual(2);
    await c.revokeKey(created.keyId);
  });

  it("an expired key is inactive", async () => {
    const key = sim.createKey(sim.user.orgId, { name: unique("exp"), ttl: 1, permission: "MediaViewer", active: true });
    const c = byKey();
    expect(await c.isKeyActive(key.apiToken)).toBe(true);
    sim.clock.advanceDays(2);
    try {
      expect(await c.isKeyActive(key.apiToken)).toBe(false);
      // Still listed and answered by get: expiry is decided from expiresAt.
      const info = await c.getKey(key.keyId);
      expect(Date.parse(info!.expiresAt)).toBeLessThan(sim.clock.now().getTime());
    } finally {
      sim.clock.advanceDays(-2);
    }
  });
});
