import { describeError } from "../provider/error-advice";
import { describe, expect, it } from "vitest";
import { AuthenticationError, ConfigurationError, InternalServerError, QwiltClient, QwiltError } from "../sdk";
import { RENEWAL_RETRY_MS } from "../sdk/client/login-session";
import { LOGIN_TOKEN_LIFETIME_MS } from "../sdk/qwilt-api";
import { useScriptedClient } from "./helpers/client-fixture";
import { fakeJwt, type RecordedRequest, type ScriptedResponse } from "./helpers/scripted-server";

const USER = "admin@example.com";
const PASSWORD = "correct horse battery";
const BASIC = `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString("base64")}`;
const CREDENTIALS = { username: USER, password: PASSWORD };

const { server, client, track, failure } = useScriptedClient({
  credentials: CREDENTIALS,
  retryBaseDelayMs: 1,
  retryMaxDelayMs: 5,
});

/** A login that hands out token-1, token-2, ... and an API that accepts only the tokens it handed out and still likes. */
function qwiltLike(
  opts: { loginAnswer?: (req: RecordedRequest, n: number) => ScriptedResponse | undefined; refused?: Set<string> } = {},
) {
  const issued: string[] = [];
  server.handle((req) => {
    if (req.path === "/login") {
      const custom = opts.loginAnswer?.(req, issued.length);
      if (custom) return custom;
      if (req.headers.authorization !== BASIC) return { status: 401, body: { message: "Bad credentials" } };
      const token = fakeJwt(`token-${issued.length + 1}-${req.query.get("orgId") ?? "default"}`);
      issued.push(token);
      return {
        status: 302,
        headers: {
          location: "/elsewhere",
          "set-cookie": [
            "JSESSIONID=abc; Path=/; HttpOnly",
            `${"cqloudLoginToken"}=${token}; Path=/; Secure; HttpOnly`,
            "other=1",
          ],
        },
        body: "Found",
      };
    }
    if (req.path === "/elsewhere") return { status: 500, body: "the redirect must not be followed" };
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1];
    if (!token || !issued.includes(token) || opts.refused?.has(token))
      return { status: 401, body: { message: "Invalid token" } };
    return { status: 200, body: [] };
  });
  return issued;
}

const logins = () => server.requests.filter((r) => r.path === "/login");
const apiCalls = () => server.requests.filter((r) => r.path.startsWith("/api/"));

describe("login with username/password", () => {
  it("GETs /login with Basic auth, reads the cookie from the 302, sends Bearer; never follows the redirect", async () => {
    const issued = qwiltLike();
    await client().listKeys();
    expect(server.requests.map((r) => `${r.method} ${r.url}`)).toEqual(["GET /login", "GET /api/1/api-keys"]);
    expect(logins()[0]!.headers.authorization).toBe(BASIC);
    expect(apiCalls()[0]!.headers.authorization).toBe(`Bearer ${issued[0]}`);
    expect(apiCalls()[0]!.headers["x-api-key"]).toBeUndefined();
    expect(server.requests.some((r) => r.path === "/elsewhere")).toBe(false);
  });

  it("sends ?orgId= when an organization is given", async () => {
    qwiltLike();
    await client({ credentials: { ...CREDENTIALS, orgId: "org-7" } }).listKeys();
    expect(logins()[0]!.url).toBe("/login?orgId=org-7");
  });

  it("20 concurrent calls share one login", async () => {
    qwiltLike({ loginAnswer: () => undefined });
    const c = client();
    await Promise.all(Array.from({ length: 20 }, () => c.listKeys()));
    expect(logins()).toHaveLength(1);
    expect(apiCalls()).toHaveLength(20);
  });

  it("renews the token when it is older than its lifetime minus the margin, by the injected clock", async () => {
    const issued = qwiltLike();
    let now = 1_000_000;
    const c = client({ now: () => now, loginRenewMarginMs: 5 * 60_000 });
    await c.listKeys();
    now += LOGIN_TOKEN_LIFETIME_MS - 5 * 60_000 - 1;
    await c.listKeys();
    expect(logins()).toHaveLength(1);
    now += 1;
    await c.listKeys();
    expect(logins()).toHaveLength(2);
    expect(apiCalls()[2]!.headers.authorization).toBe(`Bearer ${issued[1]}`);
  });

  it("keeps using the old token when an early renewal hits an outage", async () => {
    let down = false;
    const issued = qwiltLike({ loginAnswer: () => (down ? { status: 503 } : undefined) });
    let now = 1_000_000;
    const c = client({ now: () => now, maxRetries: 0 });
    await c.listKeys();
    now += LOGIN_TOKEN_LIFETIME_MS - 3 * 60_000; // inside the renewal margin, not yet expired
    down = true;
    await c.listKeys();
    expect(apiCalls()[1]!.headers.authorization).toBe(`Bearer ${issued[0]}`);
    expect(logins()).toHaveLength(2);
    // The next calls within RENEWAL_RETRY_MS do not wait for the failing login again.
    now += RENEWAL_RETRY_MS - 1;
    await c.listKeys();
    expect(logins()).toHaveLength(2);
    now += 1;
    await c.listKeys();
    expect(logins()).toHaveLength(3);
    expect(apiCalls()[3]!.headers.authorization).toBe(`Bearer ${issued[0]}`);
    now += 3 * 60_000 - RENEWAL_RETRY_MS; // now really expired: the outage shows
    await expect(c.listKeys()).rejects.toBeInstanceOf(InternalServerError);
  });

  it("once the login service is back, a renewal that failed is done and forgotten", async () => {
    let down = false;
    const issued = qwiltLike({ loginAnswer: () => (down ? { status: 503 } : undefined) });
    let now = 1_000_000;
    const c = client({ now: () => now, maxRetries: 0 });
    await c.listKeys();
    now += LOGIN_TOKEN_LIFETIME_MS - 4 * RENEWAL_RETRY_MS;
    down = true;
    await c.listKeys();
    down = false;
    now += RENEWAL_RETRY_MS;
    await c.listKeys();
    expect(apiCalls()[2]!.headers.authorization).toBe(`Bearer ${issued[1]}`);
    // A fresh token: no renewal for most of an hour, whatever failed before.
    now += 30 * 60_000;
    await c.listKeys();
    expect(logins()).toHaveLength(3);
  });

  it("logs in again once on a 401 and retries the request", async () => {
    const refused = new Set<string>();
    const issued = qwiltLike({ refused });
    const c = client();
    await c.listKeys();
    refused.add(issued[0]!); // e.g. revoked server-side before its hour was up
    await expect(c.listKeys()).resolves.toEqual([]);
    expect(logins()).toHaveLength(2);
    expect(apiCalls().map((r) => r.headers.authorization)).toEqual([
      `Bearer ${issued[0]}`,
      `Bearer ${issued[0]}`,
      `Bearer ${issued[1]}`,
    ]);
  });

  it("concurrent 401s with the same token lead to one new login", async () => {
    const refused = new Set<string>();
    const issued = qwiltLike({ refused });
    const c = client();
    await c.listKeys();
    refused.add(issued[0]!);
    await Promise.all(Array.from({ length: 10 }, () => c.listKeys()));
    expect(logins()).toHaveLength(2);
  });

  it("a second 401 after a fresh login is an AuthenticationError", async () => {
    server.handle((req) =>
      req.path === "/login"
        ? { status: 302, headers: { "set-cookie": `cqloudLoginToken=${fakeJwt(String(Math.random()))}` } }
        : { status: 401, body: { message: "Invalid token" } },
    );
    const err = await failure(client().listKeys());
    expect(err).toBeInstanceOf(AuthenticationError);
    expect(err.message).toBe(
      "GET /api/1/api-keys: 401 Unauthorized — Invalid token (the API refused a fresh login token; check that the user may manage API keys in this organization)",
    );
    expect(logins()).toHaveLength(2);
    expect(apiCalls()).toHaveLength(2);
  });

  it("a wrong password is one login attempt, then never asked again", async () => {
    qwiltLike();
    const c = track(
      new QwiltClient({
        credentials: { username: USER, password: "wrong password" },
        usersUrl: server.url,
        loginUrl: server.url,
      }),
    );
    const err = await failure(c.listKeys());
    expect(err).toBeInstanceOf(AuthenticationError);
    expect(err.message).toBe(
      "GET /login: 401 Unauthorized — Bad credentials (the username/password were rejected; check them)",
    );
    expect(err).toMatchObject({ code: "authentication_failed", hint: "check-login", status: 401 });
    // As the provider words it for a Pulumi user.
    expect(describeError(err)).toBe(
      "GET /login: 401 Unauthorized — Bad credentials (the username/password were rejected; check qwilt:username / qwilt:password or QWILT_USERNAME / QWILT_PASSWORD)",
    );
    await Promise.all([failure(c.listKeys()), failure(c.createKey({ name: "x", ttlDays: 1, permission: "viewer" }))]);
    expect(logins()).toHaveLength(1);
    expect(apiCalls()).toHaveLength(0);
  });

  it("a 200 from /login is an error explaining the 302 expected", async () => {
    server.handle(() => ({
      status: 200,
      body: "<html>login page</html>",
      headers: { "set-cookie": "cqloudLoginToken=abc123456" },
    }));
    const err = await failure(client().listKeys());
    expect(err.constructor).toBe(QwiltError);
    expect(err.message).toBe(
      "GET /login: answered 200, but a successful login answers 302 with a cqloudLoginToken cookie; check the login URL",
    );
    expect(err).toMatchObject({ code: "unexpected_login_answer", hint: "check-login-url", status: 200 });
    expect(describeError(err)).toBe(
      "GET /login: answered 200, but a successful login answers 302 with a cqloudLoginToken cookie; check qwilt:loginUrl / QWILT_LOGIN_URL",
    );
    expect(apiCalls()).toHaveLength(0);
  });

  it("a 302 without the cookie is an error too", async () => {
    server.handle(() => ({
      status: 302,
      headers: { location: "/sso", "set-cookie": ["a=1", "cqloudLoginToken=; Max-Age=0"] },
    }));
    const err = await failure(client().listKeys());
    expect(err.message).toBe(
      "GET /login: answered 302 without a cqloudLoginToken cookie, but a successful login answers 302 with a cqloudLoginToken cookie; check the login URL",
    );
    expect(describeError(err)).toBe(
      "GET /login: answered 302 without a cqloudLoginToken cookie, but a successful login answers 302 with a cqloudLoginToken cookie; check qwilt:loginUrl / QWILT_LOGIN_URL",
    );
    expect(server.requests.map((r) => r.path)).toEqual(["/login"]);
  });

  it("retries a login on 503 like any GET", async () => {
    let n = 0;
    qwiltLike({ loginAnswer: () => (n++ < 2 ? { status: 503 } : undefined) });
    await client().listKeys();
    expect(logins()).toHaveLength(3);
  });

  it("a login that keeps failing with 5xx is reported, and tried again on the next call", async () => {
    server.handle(() => ({ status: 500, body: { message: "login down" } }));
    const c = client({ maxRetries: 1 });
    const err = await failure(c.listKeys());
    expect(err).toBeInstanceOf(InternalServerError);
    expect(err.message).toBe("GET /login: 500 Internal Server Error — login down");
    await failure(c.listKeys());
    expect(logins()).toHaveLength(4);
  });
});

describe("forOrganization", () => {
  it("logs in with ?orgId=, is cached per organization, and shares the connection pool", async () => {
    qwiltLike();
    const c = client();
    const a = c.forOrganization("org-a");
    expect(c.forOrganization("org-a")).toBe(a);
    expect(a.forOrganization("org-a")).toBe(a);
    const b = a.forOrganization("org-b");
    expect(c.forOrganization("org-b")).toBe(b);
    expect(a.loginOrganization).toBe("org-a");
    await c.listKeys();
    await a.listKeys();
    await b.listKeys();
    await a.listKeys();
    expect(logins().map((r) => r.url)).toEqual(["/login", "/login?orgId=org-a", "/login?orgId=org-b"]);
    expect(server.connections).toBe(1);
    await a.close(); // not the owner: the pool stays open
    await c.listKeys();
  });

  it("needs username/password", () => {
    const c = track(new QwiltClient({ credentials: { apiKey: "test-api-key-0123456789" }, usersUrl: server.url }));
    expect(() => c.forOrganization("org-a")).toThrow(ConfigurationError);
    expect(() => c.forOrganization("org-a")).toThrow(
      'forOrganization("org-a"): orgId needs username/password credentials; an API key is valid only in the organization it was created in',
    );
  });

  it("returns the client itself for its own organization", () => {
    const c = client({ credentials: { ...CREDENTIALS, orgId: "org-a" } });
    expect(c.forOrganization("org-a")).toBe(c);
  });
});
