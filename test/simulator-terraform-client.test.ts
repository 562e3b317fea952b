/**
 * The simulator answers as Qwilt's own client expects. Qwilt's Terraform provider
 * (github.com/Qwilt/terraform-provider-qwilt, Go, under qwilt/cdn/client/) is a real client of
 * Qwilt that nobody here wrote; this file replays exactly the requests it makes, through a client
 * that behaves as Go's net/http Client does (test/helpers/go-http-client.ts: redirects FOLLOWED),
 * and judges the answers by that client's own rules:
 *
 * - auth.go `SignIn`: `GET {login}/login` with the username and password ALSO as a JSON body
 *   (`json.Marshal(c.Auth)`), through client.go `doAuthRequest`: `Authorization: Basic ...`, no
 *   Content-Type, the answer must be exactly 302 after Go followed any redirect, and
 *   `res.Cookies()` must hold a non-empty `cqloudLoginToken`. So Qwilt's 302 carries no Location
 *   a client would follow: a 302 pointing anywhere else fails that sign-in.
 * - client.go `doRequest`: every API call carries `Authorization: X-API-KEY <key>` (or
 *   `Bearer <token>` after a sign-in) and `Content-Type: application/json`, even a GET or DELETE
 *   without a body; only 200 and 201 count as success, for a DELETE too.
 *
 * The Go client has no api-keys calls of its own; its `doRequest` is what any call makes, so the
 * api-keys calls below go through it as its sites.go and certificates.go calls do.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { API_KEYS_PATH, apiKeyPath, LOGIN_PATH, LOGIN_TOKEN_COOKIE } from "../sdk/qwilt-api";
import { startSimulator, type Simulator } from "../sdk/simulator";
import { goClientDo, goCookies } from "./helpers/go-http-client";
import { startScriptedServer } from "./helpers/scripted-server";

/** auth.go `SignIn` + client.go `doAuthRequest`, step by step; returns the token or the error it would return. */
async function signIn(
  authEndpoint: string,
  username: string,
  password: string,
): Promise<{ token?: string; error?: string; hops: string[] }> {
  const rb = JSON.stringify({ username, password }); // AuthStruct's json tags
  const res = await goClientDo({
    method: "GET",
    url: `${authEndpoint}${LOGIN_PATH}`,
    headers: { authorization: `Basic ${Buffer.from(`${username}:${password}`).toString("base64")}` },
    body: rb,
  });
  const { hops } = res;
  if (res.status !== 302) return { error: `Authentication failed - status: ${res.status}`, hops };
  const cookies = goCookies(res);
  if (cookies.length === 0) return { error: "No Set-Cookie header found in the response.", hops };
  const token = cookies.find((c) => c.name === LOGIN_TOKEN_COOKIE)?.value ?? "";
  if (!token) return { error: "XApiToken cookie has an empty value.", hops };
  return { token, hops };
}

type Credential = { xApiToken: string } | { token: string };

/** client.go `doRequest`: the body, or the error it would return. */
async function doRequest(
  method: string,
  url: string,
  cred: Credential,
  body?: string,
): Promise<{ status: number; body: string; error?: string }> {
  const res = await goClientDo({
    method,
    url,
    headers: {
      authorization: "xApiToken" in cred ? `X-API-KEY ${cred.xApiToken}` : `Bearer ${cred.token}`,
      "content-type": "application/json",
    },
    ...(body !== undefined ? { body } : {}),
  });
  if (res.status !== 200 && res.status !== 201) {
    const error =
      res.status === 401
        ? `401 Unauthorized. please re-athenticate - status: ${res.status}`
        : `API command failed - status: ${res.status}, body: ${res.body}`;
    return { status: res.status, body: res.body, error };
  }
  return { status: res.status, body: res.body };
}

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator();
});
afterAll(() => sim.close());

describe("the simulator, through Qwilt's own (Terraform provider) client", () => {
  it("SignIn: its GET /login with a JSON body, redirects followed, gets 302 and a cqloudLoginToken", async () => {
    const r = await signIn(sim.url, sim.user.email, sim.user.password);
    expect(r.error).toBeUndefined();
    expect(r.hops).toEqual([`${sim.url}${LOGIN_PATH}`]); // nothing was followed
    expect(r.token).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    // The token works as that client then uses it (doRequest's Bearer form).
    const list = await doRequest("GET", `${sim.url}${API_KEYS_PATH}`, { token: r.token! });
    expect(list.error).toBeUndefined();
  });

  it("SignIn with a wrong password fails as that client says it does", async () => {
    const r = await signIn(sim.url, sim.user.email, "not-the-password");
    expect(r).toEqual({ error: "Authentication failed - status: 401", hops: [`${sim.url}${LOGIN_PATH}`] });
  });

  it("doRequest with Authorization: X-API-KEY: list, create, get and revoke all count as success", async () => {
    const cred = { xApiToken: sim.bootstrapKey };
    const list = await doRequest("GET", `${sim.url}${API_KEYS_PATH}`, cred);
    expect(list.error).toBeUndefined();
    expect(Array.isArray(JSON.parse(list.body))).toBe(true);

    const create = await doRequest(
      "POST",
      `${sim.url}${API_KEYS_PATH}`,
      cred,
      JSON.stringify({ name: "tf-client", ttl: 1, permission: "MediaViewer" }),
    );
    expect(create.error).toBeUndefined();
    const created = JSON.parse(create.body);
    expect(created).toMatchObject({ name: "tf-client", ttl: 1, permission: "MediaViewer" });

    const get = await doRequest("GET", `${sim.url}${apiKeyPath(created.keyId)}`, cred);
    expect(get.error).toBeUndefined();
    expect(JSON.parse(get.body).keyId).toBe(created.keyId);

    // Its DELETEs (sites.go DeleteSite, certificates.go ...) succeed only on 200/201: so must revoke.
    const revoke = await doRequest("DELETE", `${sim.url}${apiKeyPath(created.keyId)}`, cred);
    expect(revoke).toMatchObject({ status: 200 });
    expect(revoke.error).toBeUndefined();
    expect((await doRequest("GET", `${sim.url}${apiKeyPath(created.keyId)}`, cred)).status).toBe(404);
  });

  it("doRequest with a key the simulator does not know: the client's 401 wording", async () => {
    const r = await doRequest("GET", `${sim.url}${API_KEYS_PATH}`, { xApiToken: "not-a-key" });
    expect(r.error).toBe("401 Unauthorized. please re-athenticate - status: 401");
  });
});

describe("the replay can fail: a Go client follows a 302 that has a Location", () => {
  it("a login 302 pointing elsewhere is followed, and SignIn fails on what it lands on", async () => {
    // What our simulator used to answer (Location: https://qwilt.com/), kept on loopback here.
    const web = await startScriptedServer((req) =>
      req.path === LOGIN_PATH
        ? { status: 302, headers: { location: "/web-ui", "set-cookie": `${LOGIN_TOKEN_COOKIE}=abc.def.ghi; Path=/` } }
        : { status: 200, body: "<html>web UI</html>" },
    );
    try {
      const r = await signIn(web.url, "user@example.com", "pw");
      expect(r).toEqual({
        error: "Authentication failed - status: 200",
        hops: [`${web.url}${LOGIN_PATH}`, `${web.url}/web-ui`],
      });
      // Go's client sent exactly this: a GET with the JSON body, Basic auth, no Content-Type.
      const first = web.requests[0]!;
      expect(first.method).toBe("GET");
      expect(JSON.parse(first.body)).toEqual({ username: "user@example.com", password: "pw" });
      expect(first.headers.authorization).toMatch(/^Basic /);
      expect(first.headers["content-type"]).toBeUndefined();
      expect(first.headers["user-agent"]).toBe("Go-http-client/1.1");
      // A 302 drops the body on the hop; the same host keeps Authorization.
      expect(web.requests[1]!.body).toBe("");
      expect(web.requests[1]!.headers.authorization).toMatch(/^Basic /);
    } finally {
      await web.close();
    }
  });
});
