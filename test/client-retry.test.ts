import { describe, expect, it } from "vitest";
import { ApiConnectionError, ApiTimeoutError, BadRequestError, InternalServerError, RateLimitError } from "../sdk";
import { parseRetryAfter, retryDelayMs } from "../sdk/client/retry-policy";
import { useScriptedClient } from "./helpers/client-fixture";
import { startScriptedServer, wireKey } from "./helpers/scripted-server";

const { server, client, failure } = useScriptedClient({ retryBaseDelayMs: 5, retryMaxDelayMs: 50 });
const created = wireKey({ apiToken: "new-secret-token-123456" });
const createInput = { name: "ci-key", ttlDays: 180, permission: "editor" } as const;

describe("GET and DELETE", () => {
  it("retry 429 and 500/502/503/504, then succeed", async () => {
    server.reply(
      { status: 429 },
      { status: 500 },
      { status: 502 },
      { status: 503 },
      { status: 504, body: "x" },
      { body: [] },
    );
    const c = client({ maxRetries: 5 });
    await expect(c.listKeys()).resolves.toEqual([]);
    expect(server.requests).toHaveLength(6);
  });

  it("give up after maxRetries with the last error", async () => {
    server.reply({ status: 503 }, { status: 503 }, { status: 503, body: { message: "still down" } });
    const err = await failure(client({ maxRetries: 2 }).listKeys());
    expect(err).toBeInstanceOf(InternalServerError);
    expect(err.message).toBe("GET /api/1/api-keys: 503 Service Unavailable — still down");
    expect(server.requests).toHaveLength(3);
  });

  it("default maxRetries is 4 (5 attempts)", async () => {
    server.handle(() => ({ status: 500 }));
    await failure(client().listKeys());
    expect(server.requests).toHaveLength(5);
  });

  it("do not retry other 4xx or 501", async () => {
    server.reply({ status: 400 });
    expect(await failure(client().listKeys())).toBeInstanceOf(BadRequestError);
    server.reply({ status: 501 });
    await failure(client().listKeys());
    expect(server.requests).toHaveLength(2);
  });

  it("retry a connection reset and a timeout", async () => {
    server.reply({ reset: true }, { hang: true }, { body: [] });
    await expect(client({ timeoutMs: 100 }).listKeys()).resolves.toEqual([]);
    expect(server.requests).toHaveLength(3);
  });

  it("timeouts on every attempt end in ApiTimeoutError", async () => {
    server.handle(() => ({ hang: true }));
    const err = await failure(client({ timeoutMs: 50, maxRetries: 2 }).listKeys());
    expect(err).toBeInstanceOf(ApiTimeoutError);
    expect(server.requests).toHaveLength(3);
  });

  it("DELETE is retried on 502 and a reset", async () => {
    server.reply({ status: 502 }, { reset: true }, { status: 204 });
    await expect(client().revokeKey("17")).resolves.toBe(true);
    expect(server.requests.map((r) => r.method)).toEqual(["DELETE", "DELETE", "DELETE"]);
  });

  it("honour Retry-After: 0 (no wait) and Retry-After: 1 (one second)", async () => {
    server.reply({ status: 429, headers: { "retry-after": "0" } }, { body: [] });
    // A huge base delay shows that the server's 0 wins over the backoff.
    let t = performance.now();
    await client({ retryBaseDelayMs: 20_000, retryMaxDelayMs: 30_000 }).listKeys();
    expect(performance.now() - t).toBeLessThan(1_000);

    server.reply({ status: 503, headers: { "retry-after": "1" } }, { body: [] });
    t = performance.now();
    await client({ retryMaxDelayMs: 5_000 }).listKeys();
    expect(performance.now() - t).toBeGreaterThanOrEqual(950);
  });

  it("caps Retry-After at retryMaxDelayMs", async () => {
    server.reply({ status: 429, headers: { "retry-after": "3600" } }, { body: [] });
    const t = performance.now();
    await client({ retryMaxDelayMs: 30 }).listKeys();
    expect(performance.now() - t).toBeLessThan(1_000);
  });
});

describe("POST (create) is retried only on 429 and when it was never sent", () => {
  it("retries 429 (nothing was created)", async () => {
    server.reply({ status: 429, headers: { "retry-after": "0" } }, { status: 429 }, { status: 201, body: created });
    const key = await client().createKey(createInput);
    expect(key.key).toBe("new-secret-token-123456");
    expect(server.requests).toHaveLength(3);
  });

  it("a 429 to the end is a RateLimitError whose outcome is known", async () => {
    server.handle(() => ({ status: 429, headers: { "retry-after": "0" } }));
    const err = await failure(client({ maxRetries: 2 }).createKey(createInput));
    expect(err).toBeInstanceOf(RateLimitError);
    expect(err.outcomeUnknown).toBe(false);
    expect(server.requests).toHaveLength(3);
  });

  it("does not retry a 500, and says the key may exist", async () => {
    server.reply({ status: 500, body: { message: "oops" } }, { status: 201, body: created });
    const err = await failure(client().createKey(createInput));
    expect(err).toBeInstanceOf(InternalServerError);
    expect(err.outcomeUnknown).toBe(true);
    expect(err.message).toBe(
      'POST /api/1/api-keys: 500 Internal Server Error — oops (the key may have been created: look for a key named "ci-key" before creating it again)',
    );
    expect(server.requests).toHaveLength(1);
  });

  it("does not retry a timeout: outcomeUnknown", async () => {
    server.reply({ hang: true }, { status: 201, body: created });
    const err = await failure(client({ timeoutMs: 100 }).createKey(createInput));
    expect(err).toBeInstanceOf(ApiTimeoutError);
    expect(err.outcomeUnknown).toBe(true);
    expect(err.message).toBe(
      'POST /api/1/api-keys: no answer within 100 ms (the key may have been created: look for a key named "ci-key" before creating it again)',
    );
    expect(server.requests).toHaveLength(1);
  });

  it("does not retry a reset after sending: outcomeUnknown", async () => {
    server.reply({ reset: true });
    const err = await failure(client().createKey(createInput));
    expect(err).toBeInstanceOf(ApiConnectionError);
    expect(err.outcomeUnknown).toBe(true);
    expect(err.message).toMatch(
      /^POST \/api\/1\/api-keys: connection failed — other side closed \(UND_ERR_SOCKET\) \(the key may have been created/,
    );
    expect(server.requests).toHaveLength(1);
  });

  it("a refused connection never sent the request: outcome known", async () => {
    const dead = await startScriptedServer();
    await dead.close();
    const err = await failure(client({ usersUrl: dead.url }).createKey(createInput));
    expect(err).toBeInstanceOf(ApiConnectionError);
    expect(err.outcomeUnknown).toBe(false);
    expect(err.message).toBe(`POST /api/1/api-keys: connection failed — ECONNREFUSED 127.0.0.1:${dead.port}`);
  });

  it("a refused connection is retried (the server never saw it): a restarting API gets exactly one create", async () => {
    const dead = await startScriptedServer();
    const port = dead.port;
    await dead.close();
    // Up to 40 retries, 0-20 ms apart: refused until the server listens again on the same port 100 ms later.
    const c = client({
      usersUrl: `http://127.0.0.1:${port}`,
      maxRetries: 40,
      retryBaseDelayMs: 20,
      retryMaxDelayMs: 20,
    });
    const made = c.createKey(createInput);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const back = await startScriptedServer(undefined, port);
    try {
      back.reply({ status: 201, body: created });
      expect((await made).keyId).toBe("17");
      expect(back.requests.map((r) => r.method)).toEqual(["POST"]);
    } finally {
      await c.close();
      await back.close();
    }
  });
});

describe("retry policy function", () => {
  const settings = { maxRetries: 4, retryBaseDelayMs: 100, retryMaxDelayMs: 1_000 };
  const status = (s: number, headers: Record<string, string> = {}) => ({ kind: "status" as const, status: s, headers });

  it("exponential backoff with full jitter, capped", () => {
    expect(retryDelayMs("GET", status(503), 0, settings, () => 0.999)).toBe(99);
    expect(retryDelayMs("GET", status(503), 2, settings, () => 0.999)).toBe(399);
    expect(retryDelayMs("GET", status(503), 3, settings, () => 0.999)).toBe(799);
    expect(retryDelayMs("GET", status(503), 3, { ...settings, retryMaxDelayMs: 500 }, () => 0.999)).toBe(499);
    expect(retryDelayMs("GET", status(503), 1, settings, () => 0)).toBe(0);
    expect(retryDelayMs("GET", status(503), 4, settings)).toBeUndefined();
  });

  it("which failures, for which methods", () => {
    expect(retryDelayMs("POST", status(429), 0, settings)).toBeDefined();
    expect(retryDelayMs("POST", status(503), 0, settings)).toBeUndefined();
    expect(retryDelayMs("POST", { kind: "timeout" }, 0, settings)).toBeUndefined();
    expect(retryDelayMs("POST", { kind: "connection", retryable: true }, 0, settings)).toBeUndefined();
    expect(retryDelayMs("POST", { kind: "connection", retryable: true, sent: true }, 0, settings)).toBeUndefined();
    expect(retryDelayMs("POST", { kind: "connection", retryable: true, sent: false }, 0, settings)).toBeDefined();
    expect(retryDelayMs("POST", { kind: "connection", retryable: false, sent: false }, 0, settings)).toBeUndefined();
    expect(retryDelayMs("DELETE", { kind: "timeout" }, 0, settings)).toBeDefined();
    expect(retryDelayMs("GET", { kind: "connection", retryable: true }, 0, settings)).toBeDefined();
    expect(retryDelayMs("GET", { kind: "connection", retryable: false }, 0, settings)).toBeUndefined();
    expect(retryDelayMs("GET", status(401), 0, settings)).toBeUndefined();
    expect(retryDelayMs("GET", status(501), 0, settings)).toBeUndefined();
  });

  it("Retry-After in seconds or as an HTTP date, capped", () => {
    const now = () => Date.parse("2025-01-01T00:00:00Z");
    expect(parseRetryAfter({ "retry-after": "2" })).toBe(2_000);
    expect(parseRetryAfter({ "retry-after": "Wed, 01 Jan 2025 00:00:03 GMT" }, now)).toBe(3_000);
    expect(parseRetryAfter({ "retry-after": "Tue, 31 Dec 2024 00:00:00 GMT" }, now)).toBe(0);
    expect(parseRetryAfter({ "retry-after": "soon" })).toBeUndefined();
    expect(parseRetryAfter({ "retry-after": "Sun Nov  6 08:49:37 1994" }, now)).toBe(0); // asctime form
    // Neither seconds nor a date: the backoff applies, not "no wait" (Date.parse reads "-1" as 2001).
    expect(parseRetryAfter({ "retry-after": "-1" }, now)).toBeUndefined();
    expect(retryDelayMs("GET", status(429, { "retry-after": "-1" }), 3, settings, () => 0.5)).toBe(400);
    expect(parseRetryAfter({ "retry-after-ms": "250" })).toBe(250);
    expect(parseRetryAfter({})).toBeUndefined();
    expect(retryDelayMs("GET", status(429, { "retry-after": "0" }), 0, settings)).toBe(0);
    expect(retryDelayMs("GET", status(429, { "retry-after": "60" }), 0, settings)).toBe(1_000);
  });
});
