import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { Redactor, redactPatterns } from "../sdk/client/redact";
import { useScriptedClient } from "./helpers/client-fixture";
import { fakeJwt, startScriptedServer, wireKey } from "./helpers/scripted-server";

const KEY = fakeJwt("the-client-api-key");
const USER = "admin@example.com";
const PASSWORD = "pa55word-very-secret";
const BASIC_B64 = Buffer.from(`${USER}:${PASSWORD}`).toString("base64");
const LOGIN_TOKEN = "opaque-login-token-9f8e7d6c";
const CREATED = "created-key-opaque-5a4b3c2d1e";
const OTHER_JWT = fakeJwt("someone-else");

const { server, client: keyClient, failure } = useScriptedClient({ credentials: { apiKey: KEY }, maxRetries: 0 });
const loginClient = (password = PASSWORD) => keyClient({ credentials: { username: USER, password } });

/** Every way an error can be shown: none may hold a secret. */
function shown(err: unknown): string {
  return [String(err), (err as Error).stack, inspect(err, { depth: 10, showHidden: true }), JSON.stringify(err)].join(
    "\n",
  );
}

const SECRETS = [KEY, PASSWORD, BASIC_B64, LOGIN_TOKEN, CREATED, OTHER_JWT];
function expectNoSecrets(text: string): void {
  for (const s of SECRETS) expect(text).not.toContain(s);
  // Not even a recognizable piece of one.
  expect(text).not.toContain(KEY.split(".")[1]!);
}

/** An API that echoes the request's credentials back in its error body, as badly written servers do. */
function echoServer(status: number) {
  server.handle((req) => ({
    status,
    body: {
      message: `denied for key ${req.headers["x-api-key"] ?? ""} auth ${req.headers.authorization ?? ""} body ${req.body}`,
    },
  }));
}

describe("secrets never reach an error", () => {
  it("the API key echoed by the server", async () => {
    echoServer(401);
    const err = await failure(keyClient().listKeys());
    expectNoSecrets(shown(err));
    expect(err.message).toContain("denied for key [REDACTED]");
  });

  it("the password and Basic header echoed by /login", async () => {
    server.handle((req) => ({ status: 401, body: `bad login ${req.headers.authorization} for ${USER}:${PASSWORD}` }));
    const err = await failure(loginClient().listKeys());
    expectNoSecrets(shown(err));
    expect(err.message).toContain("bad login Basic [REDACTED]");
  });

  it("the login token echoed by the API", async () => {
    server.handle((req) =>
      req.path === "/login"
        ? { status: 302, headers: { "set-cookie": `cqloudLoginToken=${LOGIN_TOKEN}` } }
        : { status: 500, body: `token ${req.headers.authorization?.slice("Bearer ".length)} is odd` },
    );
    const err = await failure(loginClient().listKeys());
    expectNoSecrets(shown(err));
    expect(err.message).toBe("GET /api/1/api-keys: 500 Internal Server Error — token [REDACTED] is odd");
  });

  it("a key this client created, echoed later", async () => {
    server.reply(
      { status: 201, body: wireKey({ apiToken: CREATED }) },
      { status: 500, body: { message: `key ${CREATED} broke` } },
    );
    const c = keyClient();
    const created = await c.createKey({ name: "ci", ttlDays: 1, permission: "viewer" });
    expect(created.key).toBe(CREATED);
    const err = await failure(c.listKeys());
    expectNoSecrets(shown(err));
  });

  it("a key checked with isKeyActive, echoed back", async () => {
    echoServer(500);
    const err = await failure(keyClient().isKeyActive(CREATED));
    expectNoSecrets(shown(err));
  });

  it("unknown JWTs, bearer tokens and apiToken fields in a body", async () => {
    server.reply({
      status: 400,
      body: `{"error":"bad","apiToken":"abc-opaque-000111","other":"${OTHER_JWT}","h":"Bearer zzzzzzzzzz"}`,
    });
    const err = await failure(keyClient().listKeys());
    expect(err.message).toBe("GET /api/1/api-keys: 400 Bad Request — bad");
    server.reply({
      status: 400,
      body: `apiToken: "abc-opaque-000111" other ${OTHER_JWT} X-API-KEY: yyyyyyyyyy Bearer zzzzzzzzzz`,
    });
    const err2 = await failure(keyClient().listKeys());
    expect(err2.message).toBe(
      'GET /api/1/api-keys: 400 Bad Request — apiToken: "[REDACTED]" other [REDACTED] X-API-KEY: [REDACTED] Bearer [REDACTED]',
    );
  });

  it("a create answer with a malformed body holding a token: validation names paths only", async () => {
    server.reply({
      status: 201,
      body: { ...wireKey({ apiToken: CREATED }), ttl: CREATED, keyId: { secret: CREATED } },
    });
    const err = await failure(keyClient().createKey({ name: "ci", ttlDays: 1, permission: "viewer" }));
    expectNoSecrets(shown(err));
    expect(err.message).toContain("ttl: Invalid input: expected number, received string");
  });

  it("errors keep no request headers or bodies", async () => {
    echoServer(403);
    const err = await failure(keyClient().createKey({ name: "ci", ttlDays: 1, permission: "viewer" }));
    const props = Object.getOwnPropertyNames(err);
    expect(props).not.toContain("headers");
    expect(props).not.toContain("request");
    expect(props).not.toContain("body");
    expect(props).not.toContain("response");
  });

  it("secrets of the same configuration given in `secrets` (another credential), echoed by the server", async () => {
    server.handle(() => ({ status: 401, body: { message: `no; the password is ${PASSWORD}, the other ${CREATED}` } }));
    const err = await failure(keyClient({ secrets: [PASSWORD, CREATED] }).listKeys());
    expectNoSecrets(shown(err));
    expect(err.message).toContain("no; the password is [REDACTED], the other [REDACTED]");
  });

  it("connection errors and their cause", async () => {
    const dead = await startScriptedServer();
    await dead.close();
    const err = await failure(keyClient({ usersUrl: dead.url }).listKeys());
    expectNoSecrets(shown(err));
  });
});

describe("clients never show their credentials", () => {
  it("with an API key", async () => {
    server.handle(() => ({ body: [] }));
    const c = keyClient();
    await c.listKeys();
    for (const text of [inspect(c, { depth: 10, showHidden: true }), JSON.stringify(c), String(Object.entries(c))])
      expectNoSecrets(text);
  });

  it("with username/password, after login, and for another organization", async () => {
    server.handle((req) =>
      req.path === "/login"
        ? { status: 302, headers: { "set-cookie": `cqloudLoginToken=${LOGIN_TOKEN}` } }
        : { body: [] },
    );
    const c = loginClient();
    await c.listKeys();
    const other = c.forOrganization("org-2");
    for (const text of [
      inspect(c, { depth: 10, showHidden: true }),
      JSON.stringify(c),
      inspect(other, { depth: 10 }),
      JSON.stringify(other),
    ]) {
      expectNoSecrets(text);
      expect(text).not.toContain(USER);
    }
  });
});

describe("redactor", () => {
  it("removes known secrets, longest first, and their URL-encoded form", () => {
    const r = new Redactor();
    r.add("abcd");
    r.add("abcd efgh/ij");
    r.add("ab"); // too short to replace literally
    expect(r.redact("x abcd efgh/ij y abcd z ab")).toBe("x [REDACTED] y [REDACTED] z ab");
    expect(r.redact("q=abcd%20efgh%2Fij")).toBe("q=[REDACTED]");
    expect(JSON.stringify({ r })).toBe('{"r":"Redactor"}');
  });

  it("removes a secret echoed inside a JSON string or an HTML page", () => {
    const r = new Redactor();
    const password = `p&ss"w<o>rd'\\x`;
    r.add(password);
    // As an API would echo it: in a JSON error body, in an HTML error page (two usual escapings).
    const json = JSON.stringify({ message: `bad password ${password}` });
    const html = `<p>bad password p&amp;ss&quot;w&lt;o&gt;rd&#39;\\x</p> <p>p&amp;ss&#34;w&lt;o&gt;rd&#x27;\\x</p>`;
    expect(r.redactKnown(password)).toBe("[REDACTED]");
    expect(r.redactKnown(json)).toBe('{"message":"bad password [REDACTED]"}');
    expect(r.redactKnown(html)).toBe("<p>bad password [REDACTED]</p> <p>[REDACTED]</p>");
  });

  it("leaves prose alone", () => {
    const prose = [
      "the username/password were rejected; check qwilt:username / qwilt:password or QWILT_USERNAME / QWILT_PASSWORD",
      "check qwilt:apiKey / QWILT_API_KEY; a new key needs up to 5 minutes",
      "basic plan, no bearer",
      "apiToken: Invalid input: expected string, received undefined",
      "GET https://users.cqloud.com/api/1/api-keys",
    ];
    for (const p of prose) expect(redactPatterns(p)).toBe(p);
  });

  it("removes tokens it does not know", () => {
    expect(redactPatterns(`Authorization: Bearer ${OTHER_JWT}`)).toBe("Authorization: Bearer [REDACTED]");
    expect(redactPatterns("authorization: X-API-KEY abcdefghij")).toBe("authorization: X-API-KEY [REDACTED]");
    expect(redactPatterns('{"x-api-key":"abcdefghij"}')).toBe('{"x-api-key":"[REDACTED]"}');
    expect(redactPatterns("Set-Cookie: cqloudLoginToken=abcdef; Path=/")).toBe(
      "Set-Cookie: cqloudLoginToken=[REDACTED]; Path=/",
    );
    expect(redactPatterns(`token ${OTHER_JWT}.`)).toBe("token [REDACTED].");
  });
});
