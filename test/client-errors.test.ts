import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import {
  ApiConnectionError,
  ApiTimeoutError,
  AuthenticationError,
  BadRequestError,
  ConflictError,
  InternalServerError,
  NotFoundError,
  PermissionDeniedError,
  QwiltError,
  RateLimitError,
  UnprocessableEntityError,
} from "../sdk";
import { describeError } from "../provider/error-advice";
import { useScriptedClient } from "./helpers/client-fixture";
import { startScriptedServer } from "./helpers/scripted-server";

const { server, client, failure } = useScriptedClient({ maxRetries: 0 });

const createInput = { name: "ci", ttlDays: 30, permission: "editor" } as const;

describe("error family keyed on status, with exact messages", () => {
  it.each([
    [
      400,
      { message: "ttl must be between 1 and 365" },
      "post",
      BadRequestError,
      "POST /api/1/api-keys: 400 Bad Request — ttl must be between 1 and 365",
    ],
    [
      401,
      { error: "Invalid API key" },
      "list",
      AuthenticationError,
      "GET /api/1/api-keys: 401 Unauthorized — Invalid API key (check the API key; a new key needs up to 5 minutes to become active, and an expired or revoked key never works again)",
    ],
    [
      403,
      { message: "Insufficient permissions" },
      "post",
      PermissionDeniedError,
      "POST /api/1/api-keys: 403 Forbidden — Insufficient permissions (a Viewer key cannot create or revoke keys; use an Editor key or username/password)",
    ],
    [403, { message: "nope" }, "list", PermissionDeniedError, "GET /api/1/api-keys: 403 Forbidden — nope"],
    [404, { detail: "no such route" }, "list", NotFoundError, "GET /api/1/api-keys: 404 Not Found — no such route"],
    [409, { message: "name taken" }, "post", ConflictError, "POST /api/1/api-keys: 409 Conflict — name taken"],
    [
      422,
      { detail: "permission is invalid" },
      "post",
      UnprocessableEntityError,
      "POST /api/1/api-keys: 422 Unprocessable Entity — permission is invalid",
    ],
    [429, { message: "slow down" }, "list", RateLimitError, "GET /api/1/api-keys: 429 Too Many Requests — slow down"],
    [
      500,
      { error: { message: "boom" } },
      "list",
      InternalServerError,
      "GET /api/1/api-keys: 500 Internal Server Error — boom",
    ],
    [503, "", "list", InternalServerError, "GET /api/1/api-keys: 503 Service Unavailable"],
    [405, "not here", "list", QwiltError, "GET /api/1/api-keys: 405 Method Not Allowed — not here"],
  ] as const)("%i → %s", async (status, body, call, cls, message) => {
    server.reply({ status, body });
    const c = client();
    const err = await failure(call === "post" ? c.createKey(createInput) : c.listKeys());
    expect(err).toBeInstanceOf(cls);
    expect(err).toBeInstanceOf(QwiltError);
    expect(err.constructor).toBe(cls);
    expect(err.name).toBe(cls.name);
    expect(err.message).toBe(message);
    expect(err.status).toBe(status);
    expect(err.method).toBe(call === "post" ? "POST" : "GET");
    expect(err.path).toBe("/api/1/api-keys");
  });

  it("the provider words the hints for a Pulumi user; the client's own words name no front end's settings", async () => {
    server.reply({ status: 401, body: { error: "Invalid API key" } });
    const err = await failure(client().listKeys());
    expect(err).toMatchObject({
      code: "authentication_failed",
      hint: "check-api-key",
      detail: "401 Unauthorized — Invalid API key",
    });
    expect(describeError(err)).toBe(
      "GET /api/1/api-keys: 401 Unauthorized — Invalid API key (check qwilt:apiKey / QWILT_API_KEY; a new key needs up to 5 minutes to become active, and an expired or revoked key never works again)",
    );
    expect(err.message).not.toMatch(/qwilt:|QWILT_|pulumi/i);
  });

  it("flags which errors are worth retrying", async () => {
    const c = client();
    for (const [status, retryable] of [
      [429, true],
      [500, true],
      [502, true],
      [503, true],
      [504, true],
      [501, false],
      [400, false],
      [401, false],
    ] as const) {
      server.reply({ status });
      expect((await failure(c.listKeys())).retryable, String(status)).toBe(retryable);
    }
  });

  it("shows a plain-text body shortened to 300 characters, and an HTML page as text", async () => {
    server.reply({ status: 502, body: "x".repeat(1000) });
    const err = await failure(client().listKeys());
    expect(err.apiMessage).toHaveLength(300);
    expect(err.apiMessage!.endsWith("…")).toBe(true);
    expect(err.message).toBe(`GET /api/1/api-keys: 502 Bad Gateway — ${"x".repeat(299)}…`);

    server.reply({
      status: 502,
      body: "<html><head><style>p{}</style></head><body><h1>Bad   gateway</h1>\n<p>upstream down</p></body></html>",
    });
    expect((await failure(client().listKeys())).message).toBe(
      "GET /api/1/api-keys: 502 Bad Gateway — Bad gateway upstream down",
    );
  });

  it("names the key path, without query string", async () => {
    server.reply({ status: 500, body: { message: "db down" } });
    const err = await failure(client().getKey("17"));
    expect(err.message).toBe("GET /api/1/api-keys/17: 500 Internal Server Error — db down");
    expect(err.path).toBe("/api/1/api-keys/17");
  });

  it("a 403 on revoke carries the Viewer hint; a 5xx on revoke says the outcome is unknown", async () => {
    server.reply({ status: 403, body: { message: "forbidden" } });
    expect((await failure(client().revokeKey("5"))).message).toBe(
      "DELETE /api/1/api-keys/5: 403 Forbidden — forbidden (a Viewer key cannot create or revoke keys; use an Editor key or username/password)",
    );
    server.reply({ status: 500 });
    const err = await failure(client().revokeKey("5"));
    expect(err.outcomeUnknown).toBe(true);
    expect(err.message).toBe(
      "DELETE /api/1/api-keys/5: 500 Internal Server Error (the key may have been revoked; revoking it again answers 404)",
    );
  });

  it("a redirect is an error naming where it pointed (never its query), not a success: a revoke sent to a login page did not revoke", async () => {
    const c = client({ maxRetries: 2 });
    const sso = "https://sso.example.com/authorize?session=eyJhbGciOiJSUzI1NiJ9.c2Vzc2lvbi1vZi1zb21lb25l.c2lnbmF0dXJl";
    server.reply({ status: 302, headers: { location: sso } });
    const revoke = await failure(c.revokeKey("5"));
    expect(revoke).toBeInstanceOf(QwiltError);
    expect(revoke.status).toBe(302);
    expect(revoke.retryable).toBe(false);
    expect(revoke.outcomeUnknown).toBe(true);
    expect(revoke.message).toBe(
      "DELETE /api/1/api-keys/5: 302 Found — redirected to https://sso.example.com/authorize; this client does not follow redirects; the key may have been revoked; revoking it again answers 404",
    );
    server.reply({ status: 301, headers: { location: "https://users.example.com/api/1/api-keys" } });
    const list = await failure(c.listKeys());
    expect(list.message).toBe(
      "GET /api/1/api-keys: 301 Moved Permanently — redirected to https://users.example.com/api/1/api-keys; this client does not follow redirects",
    );
    // A 307 asks for the POST to be sent elsewhere: nothing was created here.
    server.reply({ status: 307 });
    const create = await failure(c.createKey(createInput));
    expect(create.outcomeUnknown).toBe(false);
    expect(create.message).toBe(
      "POST /api/1/api-keys: 307 Temporary Redirect — a redirect without a Location; this client does not follow redirects",
    );
    // None is retried or followed.
    expect(server.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      "DELETE /api/1/api-keys/5",
      "GET /api/1/api-keys",
      "POST /api/1/api-keys",
    ]);
  });

  it("connection refused → ApiConnectionError", async () => {
    const dead = await startScriptedServer();
    await dead.close();
    const c = client({ usersUrl: dead.url });
    const err = await failure(c.listKeys());
    expect(err).toBeInstanceOf(ApiConnectionError);
    expect(err.message).toBe(`GET /api/1/api-keys: connection failed — ECONNREFUSED 127.0.0.1:${dead.port}`);
    expect(err.retryable).toBe(true);
    expect(err.status).toBeUndefined();
  });

  it("no answer in time → ApiTimeoutError", async () => {
    server.reply({ hang: true });
    const err = await failure(client({ timeoutMs: 100 }).listKeys());
    expect(err).toBeInstanceOf(ApiTimeoutError);
    expect(err.message).toBe("GET /api/1/api-keys: no answer within 100 ms");
    expect(err.retryable).toBe(true);
  });

  it("a timeout while the body streams is a timeout too", async () => {
    // Headers at once, then the body never ends.
    const { createServer } = await import("node:http");
    const s = createServer((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.write("[");
    });
    await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
    const port = (s.address() as { port: number }).port;
    try {
      const err = await failure(client({ usersUrl: `http://127.0.0.1:${port}`, timeoutMs: 100 }).listKeys());
      expect(err).toBeInstanceOf(ApiTimeoutError);
    } finally {
      s.closeAllConnections();
      s.close();
    }
  });

  it("the timeout bounds the whole answer: a body that trickles in never outlasts it", async () => {
    // A byte every 20 ms: no single wait is long, so only a deadline on the whole attempt ends it.
    const { createServer } = await import("node:http");
    const timers = new Set<NodeJS.Timeout>();
    const s = createServer((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      const t = setInterval(() => res.write(" "), 20);
      timers.add(t);
      res.on("close", () => clearInterval(t));
    });
    await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
    const port = (s.address() as { port: number }).port;
    try {
      const started = Date.now();
      const err = await failure(client({ usersUrl: `http://127.0.0.1:${port}`, timeoutMs: 150 }).listKeys());
      expect(err).toBeInstanceOf(ApiTimeoutError);
      expect(err.message).toBe("GET /api/1/api-keys: no answer within 150 ms");
      expect(Date.now() - started).toBeLessThan(1000);
    } finally {
      for (const t of timers) clearInterval(t);
      s.closeAllConnections();
      s.close();
    }
  }, 5_000);

  it("a caller's signal ends a request in flight at once, with the signal's reason", async () => {
    server.reply({ hang: true });
    const reason = new Error("deployment cancelled");
    const controller = new AbortController();
    setTimeout(() => controller.abort(reason), 50);
    const started = Date.now();
    // waitUntilActive's first probe is a request; the signal reaches the transport with it.
    await expect(
      client({ timeoutMs: 10_000 }).waitUntilActive("a-new-key-value", {
        timeoutMs: 10_000,
        signal: controller.signal,
      }),
    ).rejects.toBe(reason);
    expect(Date.now() - started).toBeLessThan(2000);
  }, 5_000);

  it("errors serialize to their useful fields and inspect without request details", async () => {
    server.reply({ status: 409, body: { message: "name taken" } });
    const err = await failure(client().createKey(createInput));
    expect(JSON.parse(JSON.stringify(err))).toEqual({
      name: "ConflictError",
      code: "conflict",
      message: "POST /api/1/api-keys: 409 Conflict — name taken",
      detail: "409 Conflict — name taken",
      keyName: "ci",
      method: "POST",
      path: "/api/1/api-keys",
      status: 409,
      apiMessage: "name taken",
      outcomeUnknown: false,
      retryable: false,
    });
    expect(Object.keys(err).sort()).toEqual([
      "apiMessage",
      "code",
      "detail",
      "keyName",
      "method",
      "name",
      "outcomeUnknown",
      "path",
      "retryable",
      "status",
    ]);
    expect(inspect(err)).not.toMatch(/headers|x-api-key|"ttl"/i);
  });
});
