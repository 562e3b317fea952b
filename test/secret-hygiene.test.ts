/**
 * No secret ever shows: a whole lifecycle plus failures (faults, bad configuration holding a password, a
 * wrong password, a revoked key) through the real plugin, gathering everything the plugin printed, every
 * error message, `__provider` and every non-secret output, then looking in all of it for every key the
 * simulator ever issued (read from its state file), every login token, every password and the bootstrap key.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { startSimulator, type Simulator } from "../sdk/simulator";
import { startPlugin, urnOf, type PluginProcess } from "./helpers/plugin";
import { serializedProvider } from "./helpers/serialized-provider";

type Props = Record<string, any>;

const WRONG_PASSWORD = "Wr0ng-Passw0rd-for-hygiene";
const URL_PASSWORD = "url-embedded-s3cret";
const TYPO_VALUE = "typo-key-value-s3cret";
const SPACED_KEY = "not a header safe key s3cret";

let dir: string;
let stateFile: string;
let sim: Simulator;
const plugins: PluginProcess[] = [];
/** Everything a user or a log could see. */
const seen: string[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "qwilt-hygiene-"));
  stateFile = join(dir, "sim-state.json");
  sim = await startSimulator({ stateFile });
  sim.addOrganization("org-2");
  sim.addUser("org-2", sim.user.email, sim.user.password);
});
afterAll(async () => {
  for (const p of plugins) await p.stop();
  await sim?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function pluginWith(
  config: Record<string, string>,
  env: NodeJS.ProcessEnv = { QWILT_TIMEOUT_MS: "2000", QWILT_MAX_RETRIES: "1" },
) {
  const plugin = await startPlugin(inject("packedProject"), env);
  plugins.push(plugin);
  await plugin.configure(config);
  return plugin;
}

/** Runs a call; its error message (if any) and its non-secret result are seen. */
async function observe<T>(call: Promise<T>): Promise<T | undefined> {
  try {
    const result = await call;
    seen.push(JSON.stringify(withoutKey(result)));
    return result;
  } catch (e) {
    seen.push((e as Error).message);
    const init = (e as { initFailure?: { properties: Props; reasons: string[] } }).initFailure;
    if (init) seen.push(JSON.stringify(withoutKey(init.properties)), ...init.reasons);
    return undefined;
  }
}

/** `key` is the one secret output (Pulumi encrypts it); everything else is shown in plain text. */
function withoutKey(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutKey);
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([k]) => k !== "key")
        .map(([k, v]) => [k, withoutKey(v)]),
    );
  }
  return value;
}

describe("secret hygiene across a whole lifecycle and its failures", () => {
  it("no key, password or token appears in plugin output, errors, __provider or non-secret outputs", async () => {
    const project = inject("packedProject");
    // Credentials in the environment of the serializing program: none may be captured.
    const provider = serializedProvider(project, {
      QWILT_API_KEY: sim.bootstrapKey,
      QWILT_USERNAME: sim.user.email,
      QWILT_PASSWORD: sim.user.password,
    });
    seen.push(provider);
    const args = (name: string, extra: Props = {}) => ({
      permission: "editor",
      validForDays: 30,
      ...extra,
      __resourceName: name,
      __provider: provider,
    });
    const urls = { "qwilt:usersUrl": sim.url, "qwilt:loginUrl": sim.url };

    // Both credentials configured (a warning), and an unknown key holding a secret.
    const main = await pluginWith({
      ...urls,
      "qwilt:apiKey": sim.bootstrapKey,
      "qwilt:username": sim.user.email,
      "qwilt:password": sim.user.password,
      "qwilt:apikey": TYPO_VALUE,
    });

    // Lifecycle: check, create (waiting for activation), diff, read, update, replace, delete.
    const urn = urnOf("life");
    const checked = (await observe(main.check(urn, {}, args("life"))))!;
    const created = (await observe(main.create(urn, checked.inputs)))!;
    expect(created.properties.key).toEqual(expect.any(String));
    await observe(main.diff(urn, created.id, created.properties, checked.inputs));
    await observe(main.read(urn, created.id, created.properties));
    const news = (await observe(main.check(urn, checked.inputs, args("life", { rotateBeforeDays: 5 }))))!.inputs;
    const updated = (await observe(main.update(urn, created.id, created.properties, news)))!;
    const fresh = (await observe(main.check(urn, {}, args("life", { validForDays: 60 }))))!;
    const replacement = (await observe(main.create(urn, fresh.inputs)))!;
    await observe(main.delete(urn, created.id, updated.properties));

    // With orgId: username/password, a login token.
    const orgUrn = urnOf("org2");
    const orgChecked = (await observe(
      main.check(orgUrn, {}, args("org2", { orgId: "org-2", waitForActivation: false })),
    ))!;
    const orgKey = (await observe(main.create(orgUrn, orgChecked.inputs)))!;

    // Faults: a lost create answer (a key made and lost, then revoked), a schema-violating answer that carries
    // a key, a create that fails for good, a garbled read, a delete Qwilt keeps refusing, a refused token.
    const faulted = async (rule: Parameters<Simulator["faults"]["add"]>[0], call: () => Promise<unknown>) => {
      sim.faults.add(rule);
      await observe(call());
      sim.faults.clear();
    };
    const make = async (name: string, extra: Props = {}) =>
      main.create(
        urnOf(name),
        (await main.check(urnOf(name), {}, args(name, { waitForActivation: false, ...extra }))).inputs,
      );
    await faulted({ method: "POST", path: "/api/1/api-keys", loseAnswer: true }, () => make("lost"));
    await faulted({ method: "POST", path: "/api/1/api-keys", schemaViolation: true, times: Infinity }, () =>
      make("schema"),
    );
    await faulted({ method: "POST", path: "/api/1/api-keys", status: 500, times: Infinity }, () => make("failing"));
    await faulted({ method: "GET", path: "/api/1/api-keys*", malformedBody: true, times: Infinity }, () =>
      main.read(urnOf("life"), replacement.id, replacement.properties),
    );
    await faulted(
      { method: "DELETE", path: "/api/1/api-keys/*", status: 429, retryAfterSeconds: 0, times: Infinity },
      () => main.delete(urnOf("life"), replacement.id, replacement.properties),
    );
    await faulted(
      { method: "POST", path: "/api/1/api-keys", status: 401, body: '{"message":"token refused"}', times: Infinity },
      () => make("refused", { orgId: "org-2" }),
    );
    // An answer to the API-key client that echoes the configured password (each client knows both credentials).
    const echo = JSON.stringify({ message: `refused; the configured password is ${sim.user.password}` });
    const echoed = await (async () => {
      sim.faults.add({ method: "POST", path: "/api/1/api-keys", status: 401, body: echo, times: Infinity });
      try {
        return await make("echo").then(
          () => "",
          (e: Error) => e.message,
        );
      } finally {
        sim.faults.clear();
      }
    })();
    seen.push(echoed);
    expect(echoed).toMatch(/401 Unauthorized — refused; the configured password is \[REDACTED\]/);
    await observe(main.delete(orgUrn, orgKey.id, orgKey.properties));

    // A key revoked by its own destroy, then used as the provider's credential: 401.
    await observe(main.delete(urn, replacement.id, replacement.properties));
    const revokedKey = replacement.properties.key as string;
    const withRevoked = await pluginWith({ ...urls, "qwilt:apiKey": revokedKey });
    await observe(withRevoked.create(urnOf("r"), (await withRevoked.check(urnOf("r"), {}, args("r"))).inputs));

    // A wrong password, twice.
    const wrong = await pluginWith({ ...urls, "qwilt:username": sim.user.email, "qwilt:password": WRONG_PASSWORD });
    for (const n of ["w1", "w2"])
      await observe(wrong.create(urnOf(n), (await wrong.check(urnOf(n), {}, args(n))).inputs));

    // Bad configuration that holds secrets: a password in a URL, a key that cannot be a header.
    const inUrl = await pluginWith({
      "qwilt:usersUrl": `https://admin:${URL_PASSWORD}@users.example.com`,
      "qwilt:password": sim.user.password,
      "qwilt:username": sim.user.email,
    });
    await observe(inUrl.check(urnOf("u"), {}, args("u")));
    const spaced = await pluginWith({ ...urls, "qwilt:apiKey": SPACED_KEY });
    await observe(spaced.check(urnOf("s"), {}, args("s")));

    // Let the last stderr lines arrive, then gather what every plugin printed.
    await new Promise((r) => setTimeout(r, 200));
    for (const p of plugins) seen.push(p.output());

    // Every secret there is: from the simulator's state file (it keeps tokens; its API never shows them again).
    const state = JSON.parse(readFileSync(stateFile, "utf8")) as {
      keys: { token: string; name: string }[];
      sessions: { token: string }[];
      users: { password: string }[];
    };
    const basic = Buffer.from(`${sim.user.email}:${sim.user.password}`).toString("base64");
    const wrongBasic = Buffer.from(`${sim.user.email}:${WRONG_PASSWORD}`).toString("base64");
    const secrets = [
      ...state.keys.map((k) => ({ what: `key "${k.name}"`, value: k.token })),
      ...state.sessions.map((s, i) => ({ what: `login token ${i + 1}`, value: s.token })),
      ...state.users.map((u) => ({ what: "a user's password", value: u.password })),
      { what: "the bootstrap key", value: sim.bootstrapKey },
      { what: "the wrong password", value: WRONG_PASSWORD },
      { what: "a password in a URL", value: URL_PASSWORD },
      { what: "a mistyped key's value", value: TYPO_VALUE },
      { what: "a key with spaces", value: SPACED_KEY },
      { what: "the Basic auth header", value: basic },
      { what: "the Basic auth header with the wrong password", value: wrongBasic },
    ];
    // Not vacuous: the keys of the lifecycle, the lost and schema-violating creates, and the logins are all there.
    expect(state.keys.filter((k) => k.name.startsWith("lost-")).length).toBe(2);
    expect(state.keys.filter((k) => k.name.startsWith("schema-")).length).toBe(2);
    expect(state.sessions.length).toBe(2); // the org-2 login, and its renewal after the refused token
    expect(state.keys.map((k) => k.token)).toContain(created.properties.key);

    const haystack = seen.join("\n");
    // Not vacuous either: the gathered text holds the errors and warnings this run provoked.
    for (const expected of [
      "unknown configuration qwilt:apikey ignored",
      "both an API key and a username/password are configured",
      'Qwilt had made 2 key(s) named "schema-',
      "GET /login: 401 Unauthorized — wrong username or password",
      "401 Unauthorized — API key revoked (check qwilt:apiKey / QWILT_API_KEY",
      "POST /api/1/api-keys: 401 Unauthorized — token refused",
      "usersUrl must not contain a username or password",
      "credentials.apiKey contains spaces, control or non-ASCII characters",
      "Could not revoke key",
      "Could not read key",
    ]) {
      expect(haystack).toContain(expected);
    }
    const leaks = secrets.filter((s) => s.value.length >= 4 && haystack.includes(s.value)).map((s) => s.what);
    console.log(
      `secret hygiene: ${secrets.length} secrets looked for in ${haystack.length} characters of output, errors, __provider and outputs; leaks: ${leaks.length}`,
    );
    expect(leaks).toEqual([]);
  });
});
