import { describe, expect, it } from "vitest";
import { ConfigurationError, InternalServerError, ResponseValidationError } from "../sdk";
import { KEY, useScriptedClient } from "./helpers/client-fixture";
import { wireKey } from "./helpers/scripted-server";

const { server, client, failure } = useScriptedClient((url) => ({
  usersUrl: `${url}/`,
  retryBaseDelayMs: 1,
  retryMaxDelayMs: 5,
}));

const info = {
  keyId: "17",
  name: "ci-key",
  description: "for CI",
  ttlDays: 180,
  permission: "editor",
  organization: "org-1",
  createdBy: "admin@example.com",
  createdAt: "2025-01-07T15:37:36.228Z",
  expiresAt: "2025-07-06T15:37:36.228Z",
};

describe("create, list, get, revoke", () => {
  it("createKey posts the documented body and maps the answer", async () => {
    server.reply({ status: 201, body: wireKey({ apiToken: "the-new-key-abcdef" }) });
    const created = await client().createKey({
      name: "ci-key",
      description: "for CI",
      ttlDays: 180,
      permission: "editor",
    });
    expect(created).toEqual({ ...info, key: "the-new-key-abcdef" });
    const req = server.requests[0]!;
    expect(`${req.method} ${req.url}`).toBe("POST /api/1/api-keys");
    expect(JSON.parse(req.body)).toEqual({
      name: "ci-key",
      description: "for CI",
      ttl: 180,
      permission: "MediaEditor",
    });
    expect(req.headers["content-type"]).toBe("application/json");
    expect(req.headers["x-api-key"]).toBe(KEY);
    expect(req.headers.authorization).toBeUndefined();
    expect(req.headers["user-agent"]).toMatch(/^pulumi-qwilt-api-keys\/\d+\.\d+\.\d+\S* node\/v\d+/);
  });

  it("a viewer key without description", async () => {
    server.reply({
      status: 200,
      body: wireKey({ permission: "MediaViewer", description: null, keyId: 18, apiToken: "tok-123456" }),
    });
    const created = await client().createKey({ name: "ci-key", ttlDays: 1, permission: "viewer" });
    expect(JSON.parse(server.requests[0]!.body)).toEqual({ name: "ci-key", ttl: 1, permission: "MediaViewer" });
    expect(created.permission).toBe("viewer");
    expect(created.keyId).toBe("18");
    expect("description" in created).toBe(false);
  });

  it("listKeys maps every key, passes unknown permissions through and tolerates extra fields", async () => {
    server.reply({ body: [wireKey(), wireKey({ keyId: "18", permission: "MediaAdmin", newField: { x: 1 } })] });
    const keys = await client().listKeys();
    expect(keys).toEqual([info, { ...info, keyId: "18", permission: "MediaAdmin" }]);
    expect(server.requests[0]!.url).toBe("/api/1/api-keys");
  });

  it("getKey: the key, or undefined on 404", async () => {
    server.reply({ body: wireKey() }, { status: 404, body: { message: "no such key" } });
    const c = client();
    await expect(c.getKey("17")).resolves.toEqual(info);
    await expect(c.getKey("a/b")).resolves.toBeUndefined();
    expect(server.requests.map((r) => r.url)).toEqual(["/api/1/api-keys/17", "/api/1/api-keys/a%2Fb"]);
  });

  it("revokeKey: true on 200/204, false on 404", async () => {
    server.reply({ status: 204 }, { status: 200, body: "revoked" }, { status: 404 });
    const c = client();
    await expect(c.revokeKey("17")).resolves.toBe(true);
    await expect(c.revokeKey("17")).resolves.toBe(true);
    await expect(c.revokeKey("17")).resolves.toBe(false);
    expect(server.requests.map((r) => `${r.method} ${r.url}`)).toEqual(Array(3).fill("DELETE /api/1/api-keys/17"));
  });

  it("reuses one connection for sequential calls", async () => {
    server.handle(() => ({ body: [] }));
    const c = client();
    for (let i = 0; i < 5; i++) await c.listKeys();
    expect(server.connections).toBe(1);
  });

  it("a closed client sends nothing more", async () => {
    server.handle(() => ({ body: [] }));
    const c = client();
    await c.listKeys();
    await c.close();
    await expect(c.listKeys()).rejects.toThrow("GET /api/1/api-keys: the client is closed");
    // Its own stable code, which the error family declares for it, not "unexpected_status".
    await expect(c.listKeys()).rejects.toMatchObject({ code: "client_closed", retryable: false });
    expect(server.requests).toHaveLength(1);
  });

  it("checks the create input before sending anything", async () => {
    const c = client();
    const cases: [unknown, string][] = [
      [{ name: "", ttlDays: 1, permission: "viewer" }, "createKey: name must be a non-empty string"],
      [
        { name: "x".repeat(129), ttlDays: 1, permission: "viewer" },
        "createKey: name must be at most 128 characters (got 129)",
      ],
      [
        { name: "n", ttlDays: 0, permission: "viewer" },
        "createKey: ttlDays must be a whole number of days from 1 to 365 (got 0)",
      ],
      [
        { name: "n", ttlDays: 366, permission: "viewer" },
        "createKey: ttlDays must be a whole number of days from 1 to 365 (got 366)",
      ],
      [
        { name: "n", ttlDays: 1.5, permission: "viewer" },
        "createKey: ttlDays must be a whole number of days from 1 to 365 (got 1.5)",
      ],
      [
        { name: "n", ttlDays: 1, permission: "MediaEditor" },
        'createKey: permission must be one of viewer, editor (got "MediaEditor")',
      ],
      [
        { name: "n", ttlDays: 1, permission: "viewer", description: "d".repeat(1025) },
        "createKey: description must be at most 1024 characters (got 1025)",
      ],
    ];
    for (const [input, message] of cases) {
      const err = await failure(c.createKey(input as never));
      expect(err).toBeInstanceOf(ConfigurationError);
      expect(err.message).toBe(message);
    }
    expect(server.requests).toHaveLength(0);
  });
});

describe("schema drift", () => {
  it("a missing field names its path", async () => {
    const { keyId: _, ...noId } = wireKey();
    server.reply({ body: [wireKey(), noId] });
    const err = await failure(client().listKeys());
    expect(err).toBeInstanceOf(ResponseValidationError);
    expect(err.message).toBe(
      "GET /api/1/api-keys: unexpected response — [1].keyId: Invalid input (the Qwilt API may have changed; please report this)",
    );
  });

  it("a wrong type names its path and the types, not the value", async () => {
    server.reply({ body: wireKey({ ttl: "180 days", expireAt: "someday-secret" }) });
    const err = await failure(client().getKey("17"));
    expect(err).toBeInstanceOf(ResponseValidationError);
    expect(err.message).toBe(
      "GET /api/1/api-keys/17: unexpected response — ttl: Invalid input: expected number, received string; expireAt: expected an ISO-8601 date (the Qwilt API may have changed; please report this)",
    );
    expect(err.message).not.toContain("someday-secret");
  });

  it("a create answer without apiToken, and a list that is not an array", async () => {
    server.reply({ status: 201, body: wireKey() }, { body: { items: [] } });
    const c = client();
    expect((await failure(c.createKey({ name: "n", ttlDays: 1, permission: "editor" }))).message).toBe(
      "POST /api/1/api-keys: unexpected response — apiToken: Invalid input: expected string, received undefined (the Qwilt API may have changed; please report this)",
    );
    expect((await failure(c.listKeys())).message).toBe(
      "GET /api/1/api-keys: unexpected response — (body): Invalid input: expected array, received object (the Qwilt API may have changed; please report this)",
    );
  });

  it("a body that is not JSON", async () => {
    server.reply({ body: "<html>maintenance</html>" });
    const err = await failure(client().listKeys());
    expect(err).toBeInstanceOf(ResponseValidationError);
    expect(err.message).toBe("GET /api/1/api-keys: unexpected response — the 200 answer is not JSON (24 characters)");
  });
});

describe("isKeyActive and waitUntilActive", () => {
  const NEW_KEY = "new-key-0123456789abcdef";

  it("one list call with that key: 2xx and 403 → true, 401 → false (not retried)", async () => {
    server.reply({ body: [] }, { status: 403 }, { status: 401 });
    const c = client();
    await expect(c.isKeyActive(NEW_KEY)).resolves.toBe(true);
    await expect(c.isKeyActive(NEW_KEY)).resolves.toBe(true);
    await expect(c.isKeyActive(NEW_KEY)).resolves.toBe(false);
    expect(server.requests).toHaveLength(3);
    expect(server.requests.every((r) => r.headers["x-api-key"] === NEW_KEY && r.path === "/api/1/api-keys")).toBe(true);
  });

  it("other errors throw", async () => {
    server.reply({ status: 500 });
    await expect(client({ maxRetries: 0 }).isKeyActive(NEW_KEY)).rejects.toBeInstanceOf(InternalServerError);
  });

  it("waitUntilActive polls until the key works", async () => {
    server.reply({ status: 401 }, { status: 401 }, { body: [] });
    const result = await client().waitUntilActive(NEW_KEY, { timeoutMs: 5_000, pollIntervalMs: 20 });
    expect(result.active).toBe(true);
    expect(result.attempts).toBe(3);
    // 20 ms, then 40 ms
    expect(result.waitedMs).toBeGreaterThanOrEqual(55);
    expect(result.waitedMs).toBeLessThan(2_000);
  });

  it("waitUntilActive gives up at the deadline, checking once more there", async () => {
    server.handle(() => ({ status: 401 }));
    const result = await client().waitUntilActive(NEW_KEY, { timeoutMs: 150, pollIntervalMs: 40 });
    expect(result.active).toBe(false);
    // t=0, 40, 120, 150 (one fewer when a slow check crosses the deadline)
    expect([3, 4]).toContain(result.attempts);
    expect(result.waitedMs).toBeGreaterThanOrEqual(150);
  });

  it("waitUntilActive stops on abort", async () => {
    server.handle(() => ({ status: 401 }));
    const signal = AbortSignal.timeout(60);
    await expect(
      client().waitUntilActive(NEW_KEY, { timeoutMs: 10_000, pollIntervalMs: 20, signal }),
    ).rejects.toMatchObject({ name: "TimeoutError" });
  });
});
