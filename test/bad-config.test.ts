/**
 * Bad provider configuration, through the real plugin (Configure, then Check or Create as `pulumi up`
 * would): each is refused or warned about with a message that says what to set, and where.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { startSimulator, type Simulator } from "../sdk/simulator";
import { type PluginCallError, startPlugin, urnOf, type PluginProcess } from "./helpers/plugin";
import { serializedProvider } from "./helpers/serialized-provider";

let sim: Simulator;
let provider: string;
const started: PluginProcess[] = [];

beforeAll(async () => {
  sim = await startSimulator();
  sim.addOrganization("org-2");
  sim.addUser("org-2", sim.user.email, sim.user.password);
  provider = serializedProvider(inject("packedProject"));
});
afterAll(async () => {
  for (const p of started) await p.stop();
  await sim?.close();
});

/** A plugin process with this stack config and environment (nothing else of ours leaks in). */
async function pluginWith(config: Record<string, string>, env: NodeJS.ProcessEnv = {}): Promise<PluginProcess> {
  const plugin = await startPlugin(inject("packedProject"), env);
  started.push(plugin);
  await plugin.configure(config);
  return plugin;
}
const urls = () => ({ "qwilt:usersUrl": sim.url, "qwilt:loginUrl": sim.url });
const args = (name: string, extra: Record<string, unknown> = {}) => ({
  permission: "viewer",
  validForDays: 3,
  waitForActivation: false,
  name,
  ...extra,
  __resourceName: name,
  __provider: provider,
});
const failure = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (e: unknown) => e as PluginCallError,
  );

/** Check's inputs, then Create: the two calls of `pulumi up` for a new key. */
async function up(plugin: PluginProcess, name: string, extra: Record<string, unknown> = {}) {
  const { inputs, failures } = await plugin.check(urnOf(name), {}, args(name, extra));
  expect(failures).toEqual([]);
  return plugin.create(urnOf(name), inputs);
}

/** The plugin's stderr arrives on its own pipe: wait (briefly) until a line shows up. */
async function printed(plugin: PluginProcess, text: string): Promise<string> {
  for (let i = 0; i < 50 && !plugin.output().includes(text); i++) await new Promise((r) => setTimeout(r, 20));
  return plugin.output();
}

const KNOWN =
  "qwilt:apiKey, qwilt:username, qwilt:password, qwilt:orgId, qwilt:usersUrl, qwilt:loginUrl, qwilt:timeoutMs, qwilt:maxRetries";

describe("bad configuration through the plugin", () => {
  it("no credentials: the create says every way to give them", async () => {
    const plugin = await pluginWith(urls());
    const err = await failure(up(plugin, "no-creds"));
    expect(err?.message).toBe(
      "No Qwilt credentials: set an API key with `pulumi config set --secret qwilt:apiKey <key>` or the QWILT_API_KEY environment variable " +
        "(QCDN_API_KEY also works), or a username and password with qwilt:username and `pulumi config set --secret qwilt:password`, " +
        "or QWILT_USERNAME and QWILT_PASSWORD.",
    );
    expect(sim.liveKeys().filter((k) => k.name === "no-creds")).toEqual([]);
  });

  it("half a username/password pair: refused at check, naming what is missing", async () => {
    const plugin = await pluginWith({ ...urls(), "qwilt:username": sim.user.email });
    const err = await failure(plugin.check(urnOf("half"), {}, args("half")));
    expect(err?.message).toBe(
      "Qwilt credentials are incomplete: a password (qwilt:password or QWILT_PASSWORD) is needed as well",
    );
  });

  it("API key and username/password both set: a warning says which wins, and that is what happens", async () => {
    const plugin = await pluginWith({
      ...urls(),
      "qwilt:apiKey": sim.bootstrapKey,
      "qwilt:username": sim.user.email,
      "qwilt:password": sim.user.password,
    });
    sim.clearRequests();
    const own = await up(plugin, "both-own-org");
    expect(await printed(plugin, "both an API key")).toContain(
      "warning: qwilt: both an API key and a username/password are configured: the API key is used for keys without orgId, username/password for keys with orgId",
    );
    // Without orgId: the API key, no login. (A fixed name's keys are listed before its create: provider/unknown-outcome.ts.)
    expect(sim.requests.map((r) => `${r.method} ${r.path} ${r.auth}`)).toEqual([
      "GET /api/1/api-keys api-key",
      "POST /api/1/api-keys api-key",
    ]);
    expect(own.properties.organization).toBe("org-1");
    // With orgId: username/password, logged in to that organization.
    sim.clearRequests();
    const other = await up(plugin, "both-org-2", { orgId: "org-2" });
    expect(sim.requests.map((r) => `${r.method} ${r.path} ${r.auth} ${r.orgId}`)).toEqual([
      "GET /login basic org-2",
      "GET /api/1/api-keys bearer org-2",
      "POST /api/1/api-keys bearer org-2",
    ]);
    expect(other.properties.organization).toBe("org-2");
    for (const made of [own, other]) await plugin.delete(urnOf(made.properties.name), made.id, made.properties);
  });

  it("a malformed URL: refused at check, naming the setting", async () => {
    const plugin = await pluginWith({ "qwilt:usersUrl": "users.cqloud.com", "qwilt:apiKey": sim.bootstrapKey });
    const err = await failure(plugin.check(urnOf("bad-url"), {}, args("bad-url")));
    expect(err?.message).toBe(
      "Qwilt configuration: usersUrl must be an absolute http(s) URL, like https://example.com (set by qwilt:usersUrl or QWILT_USERS_URL)",
    );
  });

  it("plain http to a host that is not loopback: refused at check, before a credential is sent", async () => {
    const plugin = await pluginWith({
      "qwilt:usersUrl": sim.url,
      "qwilt:loginUrl": "http://login.example.com",
      "qwilt:username": sim.user.email,
      "qwilt:password": sim.user.password,
    });
    const err = await failure(plugin.check(urnOf("http"), {}, args("http")));
    expect(err?.message).toBe(
      "Qwilt configuration: loginUrl: https is required except for loopback hosts (127.0.0.0/8, ::1, localhost); got http://login.example.com (set by qwilt:loginUrl or QWILT_LOGIN_URL)",
    );
    // The same from the environment, for the users API.
    const fromEnv = await pluginWith(
      { "qwilt:apiKey": sim.bootstrapKey },
      { QWILT_USERS_URL: "http://users.example.com" },
    );
    expect((await failure(fromEnv.check(urnOf("http"), {}, args("http"))))?.message).toBe(
      "Qwilt configuration: usersUrl: https is required except for loopback hosts (127.0.0.0/8, ::1, localhost); got http://users.example.com (set by qwilt:usersUrl or QWILT_USERS_URL)",
    );
  });

  it("unknown qwilt: keys: a warning names them and the known keys (never their values); the rest works", async () => {
    const typo = "value-of-a-mistyped-key";
    const plugin = await pluginWith({
      ...urls(),
      "qwilt:apiKey": sim.bootstrapKey,
      "qwilt:apikey": typo,
      "qwilt:region": "eu",
      "aws:region": "eu-west-1",
    });
    const made = await up(plugin, "unknown-keys");
    const out = await printed(plugin, "unknown configuration");
    expect(out).toContain(
      `warning: qwilt: unknown configuration qwilt:apikey, qwilt:region ignored; the known keys are ${KNOWN}`,
    );
    expect(out).not.toContain(typo);
    await plugin.delete(urnOf("unknown-keys"), made.id, made.properties);
  });

  it("qwilt:orgId with an API key: a warning that it is ignored, and keys go to the key's own organization", async () => {
    const plugin = await pluginWith({ ...urls(), "qwilt:apiKey": sim.bootstrapKey, "qwilt:orgId": "org-2" });
    const made = await up(plugin, "org-ignored");
    expect(await printed(plugin, "orgId")).toContain(
      "warning: qwilt: qwilt:orgId / QWILT_ORG_ID is ignored with API-key credentials: an API key works only in the organization it was made in",
    );
    expect(made.properties.organization).toBe("org-1");
    await plugin.delete(urnOf("org-ignored"), made.id, made.properties);
  });

  it("tuning knobs out of range: refused at check with the range; in range they apply (a 400 ms timeout fails a slow Qwilt)", async () => {
    const bad = await pluginWith({ ...urls(), "qwilt:apiKey": sim.bootstrapKey, "qwilt:timeoutMs": "fast" });
    expect((await failure(bad.check(urnOf("t"), {}, args("t"))))?.message).toBe(
      'qwilt:timeoutMs / QWILT_TIMEOUT_MS must be a whole number of milliseconds from 100 to 600000 (got "fast")',
    );
    const badEnv = await pluginWith({ ...urls(), "qwilt:apiKey": sim.bootstrapKey }, { QWILT_MAX_RETRIES: "11" });
    expect((await failure(badEnv.check(urnOf("t"), {}, args("t"))))?.message).toBe(
      'qwilt:maxRetries / QWILT_MAX_RETRIES must be a whole number of retries from 0 to 10 (got "11")',
    );

    const tuned = await pluginWith({
      ...urls(),
      "qwilt:apiKey": sim.bootstrapKey,
      "qwilt:timeoutMs": "400",
      "qwilt:maxRetries": "0",
    });
    sim.clearRequests();
    sim.faults.add({ method: "POST", path: "/api/1/api-keys", status: 503, times: Infinity });
    const err = await failure(up(tuned, "tuned"));
    sim.faults.clear();
    expect(err?.message).toMatch(
      /^Creating key "tuned" failed twice without a clear answer \(last: POST \/api\/1\/api-keys: 503 Service Unavailable — injected fault\)/,
    );
    // maxRetries 0: two POSTs (the create and its one retry after finding nothing made), no more.
    expect(
      sim.requests.filter((r) => r.method === "POST" && r.path === "/api/1/api-keys" && r.status === 503),
    ).toHaveLength(2);
    expect(sim.liveKeys().filter((k) => k.name === "tuned")).toEqual([]);
    // A refresh in a fresh plugin lists the organization's keys first (key-list-cache.ts).
    sim.faults.add({ method: "GET", path: "/api/1/api-keys*", delayMs: 1500 });
    const slow = await failure(
      tuned.read(urnOf("r"), "org-1/1", { name: "bootstrap", keyId: "1", rotateBeforeDays: 30, __provider: provider }),
    );
    sim.faults.clear();
    expect(slow?.message).toBe(
      'Could not read key "bootstrap" (org-1/1): GET /api/1/api-keys: no answer within 400 ms. The stack\'s state is unchanged. This looks temporary (Qwilt did not answer in time; qwilt:timeoutMs / QWILT_TIMEOUT_MS sets how long to wait): run the command again.',
    );
  });
});
