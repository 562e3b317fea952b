import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client, request } from "undici";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { API_KEYS_PATH, DAY_MS, LOGIN_TOKEN_COOKIE, MAX_DESCRIPTION_LENGTH, MAX_NAME_LENGTH } from "../sdk/qwilt-api";
import { startSimulator, type Simulator, type SimulatorOptions } from "../sdk/simulator";

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: any;
}

async function call(
  sim: Simulator,
  method: string,
  path: string,
  opts: { headers?: Record<string, string>; body?: unknown } = {},
): Promise<Answer> {
  const body =
    opts.body === undefined ? undefined : typeof opts.body === "string" ? opts.body : JSON.stringify(opts.body);
  const res = await request(sim.url + path, {
    method: method as "GET",
    headers: { ...(body !== undefined ? { "content-type": "application/json" } : {}), ...opts.headers },
    ...(body !== undefined ? { body } : {}),
  });
  const text = await res.body.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.statusCode, headers: res.headers, text, json };
}

const keyAuth = (key: string) => ({ "x-api-key": key });
const basic = (user: string, password: string) => ({
  authorization: `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`,
});
const createBody = (over: Record<string, unknown> = {}) => ({
  name: "ci",
  ttl: 30,
  permission: "MediaEditor",
  ...over,
});

async function login(sim: Simulator, orgId?: string, user = sim.user): Promise<string> {
  const r = await call(sim, "GET", `/login${orgId ? `?orgId=${encodeURIComponent(orgId)}` : ""}`, {
    headers: basic(user.email, user.password),
  });
  expect(r.status).toBe(302);
  const cookie = ([] as string[]).concat(r.headers["set-cookie"] ?? [])[0]!;
  return cookie.slice(`${LOGIN_TOKEN_COOKIE}=`.length, cookie.indexOf(";"));
}

function decodeJwtPart(token: string, i: number): any {
  return JSON.parse(Buffer.from(token.split(".")[i]!, "base64url").toString("utf8"));
}

/** One simulator per test when a test needs special options; closed after each. */
const started: Simulator[] = [];
async function fresh(options: SimulatorOptions = {}): Promise<Simulator> {
  const sim = await startSimulator(options);
  started.push(sim);
  return sim;
}
afterEach(async () => {
  await Promise.all(started.splice(0).map((s) => s.close()));
});

describe("simulator: defaults and authentication", () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator();
  });
  afterAll(() => sim.close());

  it("starts on loopback with one organization, one user and an active Editor bootstrap key", async () => {
    expect(sim.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(sim.organizations).toEqual(["org-1"]);
    expect(sim.user.email).toBe("admin@example.com");
    expect(sim.user.orgId).toBe("org-1");
    expect(sim.user.password.length).toBeGreaterThanOrEqual(12);
    const parts = sim.bootstrapKey.split(".");
    expect(parts).toHaveLength(3);
    expect(decodeJwtPart(sim.bootstrapKey, 0)).toEqual({ alg: "RS256", typ: "JWT" });
    expect(decodeJwtPart(sim.bootstrapKey, 1)).not.toHaveProperty("exp");
    expect(Buffer.from(parts[2]!, "base64url").length).toBe(64);
    const [boot] = sim.keys("org-1");
    expect(boot).toMatchObject({
      orgId: "org-1",
      keyId: "1",
      permission: "MediaEditor",
      ttl: 365,
      revoked: false,
      createdBy: "admin@example.com",
    });
    expect(boot).not.toHaveProperty("token");
    expect(Date.parse(boot!.activeAt)).toBeLessThanOrEqual(Date.now());
  });

  it("accepts X-API-KEY and Authorization: X-API-KEY (any case)", async () => {
    for (const headers of [
      keyAuth(sim.bootstrapKey),
      { authorization: `X-API-KEY ${sim.bootstrapKey}` },
      { authorization: `x-api-key ${sim.bootstrapKey}` },
    ]) {
      const r = await call(sim, "GET", API_KEYS_PATH, { headers });
      expect(r.status).toBe(200);
      expect(Array.isArray(r.json)).toBe(true);
      expect(r.json[0]).toMatchObject({ keyId: "1", ownerId: "org-1", name: "bootstrap", permission: "MediaEditor" });
      expect(r.json[0]).not.toHaveProperty("apiToken");
    }
  });

  it("answers 401 with a JSON body, never echoing the credential", async () => {
    const none = await call(sim, "GET", API_KEYS_PATH);
    expect(none.status).toBe(401);
    expect(none.json).toEqual({
      error: "Unauthorized",
      message: "missing credentials: send X-API-KEY or Authorization: Bearer",
    });
    const bogus = "eyJhbGciOiJSUzI1NiJ9.eyJ4IjoxfQ.bogus-signature";
    const unknown = await call(sim, "GET", API_KEYS_PATH, { headers: keyAuth(bogus) });
    expect(unknown.status).toBe(401);
    expect(unknown.json).toEqual({ error: "Unauthorized", message: "unknown API key" });
    expect(unknown.text).not.toContain(bogus);
    const bearer = await call(sim, "GET", API_KEYS_PATH, { headers: { authorization: `Bearer ${bogus}` } });
    expect(bearer.json).toEqual({ error: "Unauthorized", message: "unknown login token" });
    const basicOnApi = await call(sim, "GET", API_KEYS_PATH, { headers: basic(sim.user.email, sim.user.password) });
    expect(basicOnApi.status).toBe(401);
    expect(basicOnApi.text).not.toContain(sim.user.password);
  });

  it("creates a key (201) with every documented field, and the key then works", async () => {
    const before = sim.clock.now().getTime();
    const r = await call(sim, "POST", API_KEYS_PATH, {
      headers: keyAuth(sim.bootstrapKey),
      body: createBody({ name: "deploy", description: "CI", ttl: 180 }),
    });
    expect(r.status).toBe(201);
    expect(Object.keys(r.json).sort()).toEqual([
      "apiToken",
      "createdAt",
      "createdBy",
      "description",
      "expireAt",
      "keyId",
      "name",
      "ownerId",
      "permission",
      "ttl",
    ]);
    expect(r.json).toMatchObject({
      name: "deploy",
      description: "CI",
      ttl: 180,
      permission: "MediaEditor",
      ownerId: "org-1",
      createdBy: "admin@example.com",
    });
    expect(r.json.keyId).toBe("2");
    expect(r.json.createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(Date.parse(r.json.createdAt)).toBeGreaterThanOrEqual(before);
    expect(Date.parse(r.json.expireAt) - Date.parse(r.json.createdAt)).toBe(180 * DAY_MS);
    expect(r.json.expireAt).toMatch(/\.\d{3}Z$/);
    expect(r.json.apiToken).not.toBe(sim.bootstrapKey);

    const got = await call(sim, "GET", `${API_KEYS_PATH}/2`, { headers: keyAuth(r.json.apiToken) });
    expect(got.status).toBe(200);
    const { apiToken: _t, ...withoutToken } = r.json;
    expect(got.json).toEqual(withoutToken);
    expect(got.text).not.toContain(r.json.apiToken);
  });

  it("omits description when none was given", async () => {
    const r = await call(sim, "POST", API_KEYS_PATH, {
      headers: keyAuth(sim.bootstrapKey),
      body: createBody({ name: "nodesc" }),
    });
    expect(r.status).toBe(201);
    expect(r.json).not.toHaveProperty("description");
  });

  it("logs in with 302 + cookie; the bearer token acts as the user (scheme case-insensitive)", async () => {
    const r = await call(sim, "GET", "/login", { headers: basic(sim.user.email, sim.user.password) });
    expect(r.status).toBe(302);
    // Nothing to follow: Qwilt's own client follows redirects and still sees this 302 (simulator-terraform-client.test.ts).
    expect(r.headers.location).toBeUndefined();
    const cookie = ([] as string[]).concat(r.headers["set-cookie"] ?? []);
    expect(cookie).toHaveLength(1);
    expect(cookie[0]).toMatch(
      new RegExp(`^${LOGIN_TOKEN_COOKIE}=[\\w-]+\\.[\\w-]+\\.[\\w-]+; Path=/; HttpOnly; Secure; SameSite=Lax$`),
    );
    const token = await login(sim);
    expect(decodeJwtPart(token, 1)).not.toHaveProperty("exp");
    const created = await call(sim, "POST", API_KEYS_PATH, {
      headers: { authorization: `BEARER ${token}` },
      body: createBody({ name: "by-user" }),
    });
    expect(created.status).toBe(201);
    expect(created.json.createdBy).toBe("admin@example.com");
    // A key made with a key records the creator of the key used.
    const byKey = await call(sim, "POST", API_KEYS_PATH, {
      headers: keyAuth(created.json.apiToken),
      body: createBody({ name: "by-key" }),
    });
    expect(byKey.json.createdBy).toBe("admin@example.com");
  });

  it("refuses wrong or missing login credentials with 401", async () => {
    const wrong = await call(sim, "GET", "/login", { headers: basic(sim.user.email, "nope") });
    expect(wrong.status).toBe(401);
    expect(wrong.json).toEqual({ error: "Unauthorized", message: "wrong username or password" });
    expect(wrong.headers["set-cookie"]).toBeUndefined();
    const unknownUser = await call(sim, "GET", "/login", { headers: basic("who@example.com", sim.user.password) });
    expect(unknownUser.status).toBe(401);
    const missing = await call(sim, "GET", "/login");
    expect(missing.status).toBe(401);
    expect(missing.json).toEqual({ error: "Unauthorized", message: "missing credentials: send HTTP Basic auth" });
    expect(missing.headers["www-authenticate"]).toMatch(/^Basic /);
  });

  it("routes: unknown path 404 JSON, wrong method 405 with Allow", async () => {
    const nf = await call(sim, "GET", "/api/2/things?x=1");
    expect(nf.status).toBe(404);
    expect(nf.json).toEqual({ error: "Not Found", message: "no route for GET /api/2/things" });
    const nested = await call(sim, "GET", `${API_KEYS_PATH}/1/extra`, { headers: keyAuth(sim.bootstrapKey) });
    expect(nested.status).toBe(404);
    const put = await call(sim, "PUT", `${API_KEYS_PATH}/1`);
    expect(put.status).toBe(405);
    expect(put.headers.allow).toBe("GET, DELETE");
    expect(put.json.error).toBe("Method Not Allowed");
    const del = await call(sim, "DELETE", API_KEYS_PATH);
    expect(del.status).toBe(405);
    expect(del.headers.allow).toBe("GET, POST");
    const postLogin = await call(sim, "POST", "/login");
    expect(postLogin.status).toBe(405);
    expect(postLogin.headers.allow).toBe("GET");
  });

  it("validates the create body: 400 for malformed JSON, 422 naming the field", async () => {
    const h = keyAuth(sim.bootstrapKey);
    const bad = await call(sim, "POST", API_KEYS_PATH, { headers: h, body: "{not json" });
    expect(bad.status).toBe(400);
    expect(bad.json).toEqual({ error: "Bad Request", message: "request body must be a JSON object" });
    const arr = await call(sim, "POST", API_KEYS_PATH, { headers: h, body: "[]" });
    expect(arr.status).toBe(400);
    const cases: [Record<string, unknown>, string][] = [
      [{ ttl: 0 }, "ttl must be a whole number from 1 to 365"],
      [{ ttl: 366 }, "ttl must be a whole number from 1 to 365"],
      [{ ttl: 1.5 }, "ttl must be a whole number from 1 to 365"],
      [{ ttl: "30" }, "ttl must be a whole number from 1 to 365"],
      [{ name: "" }, `name must be a non-empty string of at most ${MAX_NAME_LENGTH} characters`],
      [
        { name: "x".repeat(MAX_NAME_LENGTH + 1) },
        `name must be a non-empty string of at most ${MAX_NAME_LENGTH} characters`,
      ],
      [
        { description: "d".repeat(MAX_DESCRIPTION_LENGTH + 1) },
        `description must be a string of at most ${MAX_DESCRIPTION_LENGTH} characters`,
      ],
      [{ description: 5 }, `description must be a string of at most ${MAX_DESCRIPTION_LENGTH} characters`],
      [{ permission: "editor" }, "permission must be one of MediaViewer, MediaEditor"],
    ];
    for (const [over, message] of cases) {
      const r = await call(sim, "POST", API_KEYS_PATH, { headers: h, body: createBody(over) });
      expect(r.status, JSON.stringify(over)).toBe(422);
      expect(r.json).toEqual({ error: "Unprocessable Entity", message });
    }
    const two = await call(sim, "POST", API_KEYS_PATH, { headers: h, body: { name: "x" } });
    expect(two.json.message).toBe(
      "ttl must be a whole number from 1 to 365; permission must be one of MediaViewer, MediaEditor",
    );
    const boundary = await call(sim, "POST", API_KEYS_PATH, {
      headers: h,
      body: createBody({ ttl: 365, name: "x".repeat(MAX_NAME_LENGTH) }),
    });
    expect(boundary.status).toBe(201);
  });

  it("a Viewer key may GET but gets 403 on POST and DELETE", async () => {
    const v = await call(sim, "POST", API_KEYS_PATH, {
      headers: keyAuth(sim.bootstrapKey),
      body: createBody({ name: "viewer", permission: "MediaViewer" }),
    });
    expect(v.json.permission).toBe("MediaViewer");
    const h = keyAuth(v.json.apiToken);
    expect((await call(sim, "GET", API_KEYS_PATH, { headers: h })).status).toBe(200);
    expect((await call(sim, "GET", `${API_KEYS_PATH}/1`, { headers: h })).status).toBe(200);
    const post = await call(sim, "POST", API_KEYS_PATH, { headers: h, body: createBody() });
    expect(post.status).toBe(403);
    expect(post.json).toEqual({ error: "Forbidden", message: "a MediaViewer key may only call GET endpoints" });
    const del = await call(sim, "DELETE", `${API_KEYS_PATH}/1`, { headers: h });
    expect(del.status).toBe(403);
    expect(sim.keys("org-1").find((k) => k.keyId === "1")!.revoked).toBe(false);
  });

  it("logs every request without credentials or query", async () => {
    sim.clearRequests();
    await call(sim, "GET", `${API_KEYS_PATH}?page=2`, { headers: keyAuth(sim.bootstrapKey) });
    await call(sim, "GET", "/login?orgId=org-1", { headers: basic(sim.user.email, sim.user.password) });
    await call(sim, "GET", API_KEYS_PATH);
    await call(sim, "GET", "/_simulator/state");
    expect(sim.requests.map(({ at: _at, ...r }) => r)).toEqual([
      { method: "GET", path: API_KEYS_PATH, status: 200, auth: "api-key", orgId: "org-1" },
      { method: "GET", path: "/login", status: 302, auth: "basic", orgId: "org-1" },
      { method: "GET", path: API_KEYS_PATH, status: 401, auth: "none" },
    ]);
    const logged = JSON.stringify(sim.requests);
    expect(logged).not.toContain(sim.bootstrapKey);
    expect(logged).not.toContain(sim.user.password);
    expect(Number.isNaN(Date.parse(sim.requests[0]!.at))).toBe(false);
  });
});

describe("simulator: organizations, lifecycle and time", () => {
  const orgs: SimulatorOptions["organizations"] = [
    { id: "acme", users: [{ email: "ops@acme.test", password: "pw-acme" }] },
    { id: "globex", users: [{ email: "ops@globex.test", password: "pw-globex" }] },
  ];

  it("keyIds are per organization; a key acts only in its own organization", async () => {
    const sim = await fresh({ organizations: orgs });
    expect(sim.organizations).toEqual(["acme", "globex"]);
    expect(sim.user).toEqual({ email: "ops@acme.test", password: "pw-acme", orgId: "acme" });
    const globexUser = { email: "ops@globex.test", password: "pw-globex", orgId: "globex" };
    const gToken = await login(sim, undefined, globexUser);
    const g = await call(sim, "POST", API_KEYS_PATH, {
      headers: { authorization: `Bearer ${gToken}` },
      body: createBody({ name: "g" }),
    });
    expect(g.json).toMatchObject({ keyId: "1", ownerId: "globex", createdBy: "ops@globex.test" });
    const a = await call(sim, "POST", API_KEYS_PATH, {
      headers: keyAuth(sim.bootstrapKey),
      body: createBody({ name: "a" }),
    });
    expect(a.json).toMatchObject({ keyId: "2", ownerId: "acme" });
    // globex's key "1" is not acme's "1": each org sees its own.
    const fromGlobex = await call(sim, "GET", `${API_KEYS_PATH}/1`, { headers: keyAuth(g.json.apiToken) });
    expect(fromGlobex.json.name).toBe("g");
    const fromAcme = await call(sim, "GET", `${API_KEYS_PATH}/1`, { headers: keyAuth(sim.bootstrapKey) });
    expect(fromAcme.json.name).toBe("bootstrap");
    const list = await call(sim, "GET", API_KEYS_PATH, { headers: keyAuth(g.json.apiToken) });
    expect(list.json.map((k: any) => k.name)).toEqual(["g"]);
    expect(sim.keys().map((k) => `${k.orgId}/${k.keyId}`)).toEqual(["acme/1", "globex/1", "acme/2"]);
  });

  it("login with orgId picks the organization; a non-member gets 403; no orgId means the first", async () => {
    const sim = await fresh({ organizations: orgs });
    sim.addOrganization("initech");
    sim.addUser(["globex", "initech"], "multi@example.com", "pw-multi");
    const multi = { email: "multi@example.com", password: "pw-multi", orgId: "" };
    const first = await login(sim, undefined, multi);
    const inFirst = await call(sim, "POST", API_KEYS_PATH, {
      headers: { authorization: `Bearer ${first}` },
      body: createBody(),
    });
    expect(inFirst.json.ownerId).toBe("globex");
    const second = await login(sim, "initech", multi);
    const inSecond = await call(sim, "POST", API_KEYS_PATH, {
      headers: { authorization: `Bearer ${second}` },
      body: createBody(),
    });
    expect(inSecond.json).toMatchObject({ ownerId: "initech", keyId: "1", createdBy: "multi@example.com" });
    const denied = await call(sim, "GET", "/login?orgId=acme", { headers: basic("multi@example.com", "pw-multi") });
    expect(denied.status).toBe(403);
    expect(denied.json).toEqual({ error: "Forbidden", message: 'user is not a member of organization "acme"' });
    expect(denied.headers["set-cookie"]).toBeUndefined();
    expect(() => sim.addUser("nowhere", "x@example.com", "pw")).toThrow(/unknown organization/);
  });

  it("a login token lapses after tokenLifetimeMs on the simulated clock", async () => {
    const sim = await fresh();
    const token = await login(sim);
    const h = { authorization: `Bearer ${token}` };
    sim.clock.advance(3_600_000 - 1_000);
    expect((await call(sim, "GET", API_KEYS_PATH, { headers: h })).status).toBe(200);
    sim.clock.advance(1_000);
    const r = await call(sim, "GET", API_KEYS_PATH, { headers: h });
    expect(r.status).toBe(401);
    expect(r.json.message).toBe("login token expired");
    const short = await fresh({ tokenLifetimeMs: 10_000 });
    const t2 = await login(short);
    short.clock.advance(10_000);
    expect((await call(short, "GET", API_KEYS_PATH, { headers: { authorization: `Bearer ${t2}` } })).status).toBe(401);
  });

  it("an expired key stays listed (and gettable) but no longer authenticates", async () => {
    const start = new Date("2025-01-07T15:37:36.228Z");
    const sim = await fresh({ startTime: start });
    const r = await call(sim, "POST", API_KEYS_PATH, {
      headers: keyAuth(sim.bootstrapKey),
      body: createBody({ name: "short", ttl: 1 }),
    });
    expect(Date.parse(r.json.createdAt) - start.getTime()).toBeLessThan(5_000);
    expect(sim.clock.now().getTime() - start.getTime()).toBeLessThan(5_000);
    sim.clock.advanceDays(1);
    const expired = await call(sim, "GET", API_KEYS_PATH, { headers: keyAuth(r.json.apiToken) });
    expect(expired.status).toBe(401);
    expect(expired.json.message).toBe("API key expired");
    const list = await call(sim, "GET", API_KEYS_PATH, { headers: keyAuth(sim.bootstrapKey) });
    expect(list.json.map((k: any) => k.keyId)).toEqual(["1", "2"]);
    expect((await call(sim, "GET", `${API_KEYS_PATH}/2`, { headers: keyAuth(sim.bootstrapKey) })).status).toBe(200);
    expect(sim.liveKeys().map((k) => k.keyId)).toEqual(["1"]);
    expect(sim.keys().map((k) => k.keyId)).toEqual(["1", "2"]);
    sim.clock.set(new Date("2030-01-01T00:00:00.000Z"));
    expect(sim.clock.now().toISOString().slice(0, 10)).toBe("2030-01-01");
    expect(sim.liveKeys()).toEqual([]);
  });

  it("revoke answers 200, then 404; a revoked key is gone from list and get and is refused", async () => {
    const sim = await fresh();
    const h = keyAuth(sim.bootstrapKey);
    const k = await call(sim, "POST", API_KEYS_PATH, { headers: h, body: createBody() });
    const del = await call(sim, "DELETE", `${API_KEYS_PATH}/${k.json.keyId}`, { headers: h });
    expect(del.status).toBe(200);
    expect(del.text).toBe("");
    const again = await call(sim, "DELETE", `${API_KEYS_PATH}/${k.json.keyId}`, { headers: h });
    expect(again.status).toBe(404);
    expect(again.json).toEqual({ error: "Not Found", message: "API key not found" });
    expect((await call(sim, "DELETE", `${API_KEYS_PATH}/999`, { headers: h })).status).toBe(404);
    expect((await call(sim, "GET", `${API_KEYS_PATH}/${k.json.keyId}`, { headers: h })).status).toBe(404);
    const list = await call(sim, "GET", API_KEYS_PATH, { headers: h });
    expect(list.json.map((x: any) => x.keyId)).toEqual(["1"]);
    const used = await call(sim, "GET", API_KEYS_PATH, { headers: keyAuth(k.json.apiToken) });
    expect(used.status).toBe(401);
    expect(used.json.message).toBe("API key revoked");
    expect(sim.keys().find((x) => x.keyId === k.json.keyId)!.revoked).toBe(true);
  });

  it("a new key answers 401 during the propagation delay (real time), then works", async () => {
    const sim = await fresh({ propagationDelayMs: 300 });
    const t0 = Date.now();
    const k = await call(sim, "POST", API_KEYS_PATH, { headers: keyAuth(sim.bootstrapKey), body: createBody() });
    expect(k.status).toBe(201);
    const early = await call(sim, "GET", API_KEYS_PATH, { headers: keyAuth(k.json.apiToken) });
    expect(early.status).toBe(401);
    expect(early.json.message).toBe("API key is not active yet");
    const activeAt = Date.parse(sim.keys().find((x) => x.keyId === k.json.keyId)!.activeAt);
    expect(activeAt - t0).toBeGreaterThanOrEqual(300);
    // Moving the simulated clock does not help: propagation runs on real time.
    sim.clock.advance(10 * 60_000);
    expect((await call(sim, "GET", API_KEYS_PATH, { headers: keyAuth(k.json.apiToken) })).status).toBe(401);
    await new Promise((r) => setTimeout(r, Math.max(0, activeAt - Date.now() + 20)));
    expect((await call(sim, "GET", API_KEYS_PATH, { headers: keyAuth(k.json.apiToken) })).status).toBe(200);
  });

  it("uniqueNames: a second live key with the same name is 409; a revoked name is free again", async () => {
    const sim = await fresh({ uniqueNames: true });
    const h = keyAuth(sim.bootstrapKey);
    const a = await call(sim, "POST", API_KEYS_PATH, { headers: h, body: createBody({ name: "dup" }) });
    expect(a.status).toBe(201);
    const b = await call(sim, "POST", API_KEYS_PATH, { headers: h, body: createBody({ name: "dup" }) });
    expect(b.status).toBe(409);
    expect(b.json).toEqual({
      error: "Conflict",
      message: 'an API key named "dup" already exists in this organization',
    });
    await call(sim, "DELETE", `${API_KEYS_PATH}/${a.json.keyId}`, { headers: h });
    expect((await call(sim, "POST", API_KEYS_PATH, { headers: h, body: createBody({ name: "dup" }) })).status).toBe(
      201,
    );
    // Without the option, duplicates are fine.
    const lax = await fresh();
    for (let i = 0; i < 2; i++) {
      expect(
        (
          await call(lax, "POST", API_KEYS_PATH, {
            headers: keyAuth(lax.bootstrapKey),
            body: createBody({ name: "dup" }),
          })
        ).status,
      ).toBe(201);
    }
  });

  it("out-of-band createKey/revokeKey act like the web UI", async () => {
    const sim = await fresh({ propagationDelayMs: 60_000 });
    const now = sim.createKey("org-1", { name: "ui", permission: "MediaViewer", ttl: 7, active: true });
    expect(now.keyId).toBe("2");
    expect((await call(sim, "GET", API_KEYS_PATH, { headers: keyAuth(now.apiToken) })).status).toBe(200);
    const later = sim.createKey("org-1", { name: "ui2", permission: "MediaEditor", ttl: 7, description: "d" });
    expect((await call(sim, "GET", API_KEYS_PATH, { headers: keyAuth(later.apiToken) })).status).toBe(401);
    expect(sim.keys().find((k) => k.keyId === "3")).toMatchObject({
      name: "ui2",
      description: "d",
      createdBy: "admin@example.com",
    });
    expect(() => sim.createKey("org-1", { name: "x", permission: "MediaEditor", ttl: 400 })).toThrow(
      "ttl must be a whole number from 1 to 365",
    );
    expect(() => sim.createKey("nope", { name: "x", permission: "MediaEditor", ttl: 1 })).toThrow(
      /unknown organization/,
    );
    expect(sim.revokeKey("org-1", now.keyId)).toBe(true);
    expect(sim.revokeKey("org-1", now.keyId)).toBe(false);
    expect(sim.revokeKey("org-1", "999")).toBe(false);
    expect((await call(sim, "GET", API_KEYS_PATH, { headers: keyAuth(now.apiToken) })).status).toBe(401);
  });

  it("responseDelayMs delays every answer", async () => {
    const sim = await fresh({ responseDelayMs: 150 });
    const t0 = Date.now();
    const r = await call(sim, "GET", API_KEYS_PATH, { headers: keyAuth(sim.bootstrapKey) });
    expect(r.status).toBe(200);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(140);
  });
});

describe("simulator: faults", () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator();
  });
  afterAll(() => sim.close());
  afterEach(() => {
    sim.faults.clear();
    sim.clearRequests();
  });
  const h = () => keyAuth(sim.bootstrapKey);

  it("status faults answer before auth, with Retry-After, for `times` requests", async () => {
    sim.faults.add({ method: "get", path: API_KEYS_PATH, status: 429, retryAfterSeconds: 7, times: 2 });
    const a = await call(sim, "GET", API_KEYS_PATH); // no credentials: the fault still wins
    expect(a.status).toBe(429);
    expect(a.headers["retry-after"]).toBe("7");
    expect(a.json).toEqual({ error: "Too Many Requests", message: "injected fault" });
    expect((await call(sim, "GET", API_KEYS_PATH, { headers: h() })).status).toBe(429);
    expect((await call(sim, "GET", API_KEYS_PATH, { headers: h() })).status).toBe(200);
    expect(sim.requests.map((r) => [r.status, r.fault])).toEqual([
      [429, "status"],
      [429, "status"],
      [200, undefined],
    ]);
    expect(sim.faults.pending).toBe(0);
  });

  it("a 429 always carries Retry-After in seconds (1 unless the rule says); other statuses only when told", async () => {
    sim.faults.add({ path: API_KEYS_PATH, status: 429 });
    sim.faults.add({ path: API_KEYS_PATH, status: 503 });
    sim.faults.add({ path: API_KEYS_PATH, status: 503, retryAfterSeconds: 2 });
    expect((await call(sim, "GET", API_KEYS_PATH)).headers["retry-after"]).toBe("1");
    expect((await call(sim, "GET", API_KEYS_PATH)).headers["retry-after"]).toBeUndefined();
    expect((await call(sim, "GET", API_KEYS_PATH)).headers["retry-after"]).toBe("2");
  });

  it("matches method and path (exact, prefix*, RegExp); custom bodies; Infinity; remove and clear", async () => {
    sim.faults.add({ method: "DELETE", path: `${API_KEYS_PATH}/*`, status: 503, body: "upstream down" });
    expect((await call(sim, "GET", `${API_KEYS_PATH}/1`, { headers: h() })).status).toBe(200);
    const d = await call(sim, "DELETE", `${API_KEYS_PATH}/77`, { headers: h() });
    expect(d.status).toBe(503);
    expect(d.text).toBe("upstream down");
    expect(d.headers["content-type"]).toMatch(/^text\/plain/);
    sim.faults.add({ path: /^\/api\/1\/api-keys\/\d+$/g, status: 502, times: Infinity });
    for (let i = 0; i < 3; i++)
      expect((await call(sim, "GET", `${API_KEYS_PATH}/1`, { headers: h() })).status).toBe(502);
    expect((await call(sim, "GET", API_KEYS_PATH, { headers: h() })).status).toBe(200);
    sim.faults.clear();
    expect((await call(sim, "GET", `${API_KEYS_PATH}/1`, { headers: h() })).status).toBe(200);
    const id = sim.faults.add({ status: 500 });
    expect(sim.faults.remove(id)).toBe(true);
    expect(sim.faults.remove(id)).toBe(false);
    expect((await call(sim, "GET", API_KEYS_PATH, { headers: h() })).status).toBe(200);
    expect(() => sim.faults.add({ status: 500, reset: true })).toThrow(/one action/);
    expect(() => sim.faults.add({})).toThrow(/needs an action/);
  });

  it("reset destroys the socket without an answer, logged as status 0", async () => {
    sim.faults.add({ path: API_KEYS_PATH, reset: true });
    await expect(call(sim, "GET", API_KEYS_PATH, { headers: h() })).rejects.toThrow();
    expect(sim.requests).toHaveLength(1);
    expect(sim.requests[0]).toMatchObject({ status: 0, fault: "reset", auth: "api-key" });
    expect((await call(sim, "GET", API_KEYS_PATH, { headers: h() })).status).toBe(200);
  });

  it("delayMs alone postpones a normal answer", async () => {
    sim.faults.add({ path: API_KEYS_PATH, delayMs: 200 });
    const t0 = Date.now();
    const r = await call(sim, "GET", API_KEYS_PATH, { headers: h() });
    expect(r.status).toBe(200);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(190);
    expect(sim.requests[0]!.fault).toBe("delay");
  });

  it("malformedBody answers 200 with invalid JSON and performs nothing", async () => {
    const before = sim.keys().length;
    sim.faults.add({ method: "POST", path: API_KEYS_PATH, malformedBody: true });
    const r = await call(sim, "POST", API_KEYS_PATH, { headers: h(), body: createBody() });
    expect(r.status).toBe(200);
    expect(() => JSON.parse(r.text)).toThrow();
    expect(sim.keys().length).toBe(before);
  });

  it("schemaViolation performs the operation and answers JSON without keyId", async () => {
    const before = sim.keys().length;
    sim.faults.add({ method: "POST", path: API_KEYS_PATH, schemaViolation: true });
    const r = await call(sim, "POST", API_KEYS_PATH, { headers: h(), body: createBody({ name: "shape" }) });
    expect(r.status).toBe(201);
    expect(r.json).not.toHaveProperty("keyId");
    expect(r.json.name).toBe("shape");
    expect(sim.keys().length).toBe(before + 1);
    sim.faults.add({ method: "GET", path: API_KEYS_PATH, schemaViolation: true });
    const list = await call(sim, "GET", API_KEYS_PATH, { headers: h() });
    expect(list.json.length).toBeGreaterThan(0);
    for (const k of list.json) expect(k).not.toHaveProperty("keyId");
  });

  it("loseAnswer creates the key, then drops the connection", async () => {
    const before = sim.keys().length;
    sim.faults.add({ method: "POST", path: API_KEYS_PATH, loseAnswer: true });
    await expect(
      call(sim, "POST", API_KEYS_PATH, { headers: h(), body: createBody({ name: "lost" }) }),
    ).rejects.toThrow();
    const keys = sim.keys();
    expect(keys.length).toBe(before + 1);
    expect(keys.at(-1)!.name).toBe("lost");
    expect(sim.requests[0]).toMatchObject({ method: "POST", status: 0, fault: "loseAnswer", orgId: "org-1" });
    const list = await call(sim, "GET", API_KEYS_PATH, { headers: h() });
    expect(list.json.some((k: any) => k.name === "lost")).toBe(true);
  });
});

describe("simulator: state file, control routes, connections, bin", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "qwilt-sim-"));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("keeps organizations, users, keys, counters and the clock across restarts", async () => {
    const stateFile = join(dir, "state.json");
    const first = await fresh({ stateFile });
    const k = await call(first, "POST", API_KEYS_PATH, {
      headers: keyAuth(first.bootstrapKey),
      body: createBody({ name: "kept" }),
    });
    first.clock.advanceDays(10);
    const token = await login(first);
    const { bootstrapKey, user } = first;
    const clockThen = first.clock.now().getTime();
    await first.close();
    expect(readdirSync(dir)).toEqual(["state.json"]); // temp files renamed away
    expect(JSON.parse(readFileSync(stateFile, "utf8")).version).toBe(1);

    const second = await fresh({ stateFile });
    expect(second.bootstrapKey).toBe(bootstrapKey);
    expect(second.user).toEqual(user);
    expect(Math.abs(second.clock.now().getTime() - clockThen)).toBeLessThan(5_000);
    expect(
      (await call(second, "GET", `${API_KEYS_PATH}/${k.json.keyId}`, { headers: keyAuth(k.json.apiToken) })).json.name,
    ).toBe("kept");
    expect((await call(second, "GET", API_KEYS_PATH, { headers: { authorization: `Bearer ${token}` } })).status).toBe(
      200,
    );
    const next = await call(second, "POST", API_KEYS_PATH, { headers: keyAuth(bootstrapKey), body: createBody() });
    expect(next.json.keyId).toBe("3");
    expect(second.revokeKey("org-1", "3")).toBe(true);
    await second.close();
    const third = await fresh({ stateFile });
    expect(third.keys().find((x) => x.keyId === "3")!.revoked).toBe(true);
    // A revoked bootstrap key is replaced at the next start.
    third.revokeKey("org-1", "1");
    await third.close();
    const fourth = await fresh({ stateFile });
    expect(fourth.bootstrapKey).not.toBe(bootstrapKey);
    expect((await call(fourth, "GET", API_KEYS_PATH, { headers: keyAuth(fourth.bootstrapKey) })).status).toBe(200);
  });

  it("control routes: state, clock, revoke; unauthenticated and not logged", async () => {
    const sim = await fresh({ startTime: new Date("2025-01-01T00:00:00.000Z") });
    const k = sim.createKey("org-1", { name: "c", permission: "MediaEditor", ttl: 2 });
    const state = await call(sim, "GET", "/_simulator/state");
    expect(state.status).toBe(200);
    expect(state.json.organizations).toEqual(["org-1"]);
    expect(state.json.now.slice(0, 10)).toBe("2025-01-01");
    expect(state.json.keys.map((x: any) => x.keyId)).toEqual(["1", "2"]);
    expect(state.text).not.toContain(k.apiToken);
    expect(state.text).not.toContain(sim.bootstrapKey);
    const moved = await call(sim, "POST", "/_simulator/clock", { body: { advanceDays: 3 } });
    expect(moved.status).toBe(200);
    expect(moved.json.now.slice(0, 10)).toBe("2025-01-04");
    const after = await call(sim, "GET", "/_simulator/state");
    expect(after.json.liveKeys.map((x: any) => x.keyId)).toEqual(["1"]);
    const set = await call(sim, "POST", "/_simulator/clock", {
      body: { set: "2026-06-01T00:00:00.000Z", advanceMs: 1000 },
    });
    expect(set.json.now.slice(0, 19)).toBe("2026-06-01T00:00:01");
    expect((await call(sim, "POST", "/_simulator/clock", { body: { advanceDays: "x" } })).status).toBe(400);
    const rv = await call(sim, "POST", "/_simulator/revoke", { body: { orgId: "org-1", keyId: "2" } });
    expect(rv.status).toBe(200);
    expect(rv.json).toEqual({ orgId: "org-1", keyId: "2", revoked: true });
    expect((await call(sim, "POST", "/_simulator/revoke", { body: { orgId: "org-1", keyId: "2" } })).status).toBe(404);
    expect((await call(sim, "GET", "/_simulator/clock")).status).toBe(405);
    expect((await call(sim, "GET", "/_simulator/nope")).status).toBe(404);
    expect(sim.requests).toEqual([]);
  });

  it("counts TCP connections: one keep-alive connection serves many requests", async () => {
    const sim = await fresh();
    expect(sim.connectionsOpened).toBe(0);
    const client = new Client(sim.url);
    try {
      for (let i = 0; i < 5; i++) {
        const r = await client.request({ method: "GET", path: API_KEYS_PATH, headers: keyAuth(sim.bootstrapKey) });
        await r.body.text();
        expect(r.statusCode).toBe(200);
      }
      expect(sim.connectionsOpened).toBe(1);
    } finally {
      await client.close();
    }
    const other = new Client(sim.url);
    const r = await other.request({ method: "GET", path: API_KEYS_PATH });
    await r.body.text();
    await other.close();
    expect(sim.connectionsOpened).toBe(2);
  });

  it("close() ends promptly even with an open connection and a pending delay", async () => {
    const sim = await startSimulator();
    sim.faults.add({ delayMs: 60_000 });
    const pending = call(sim, "GET", API_KEYS_PATH).catch((e: Error) => e);
    await new Promise((r) => setTimeout(r, 50));
    const t0 = Date.now();
    await sim.close();
    expect(Date.now() - t0).toBeLessThan(1_000);
    expect(await pending).toBeInstanceOf(Error);
  });
});
