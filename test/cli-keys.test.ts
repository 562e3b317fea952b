/**
 * `qwilt-keys` (the real bin of the packed package, in a child process) against the simulator, reading the
 * states of real lifecycles run through the lifecycle harness: one stack whose replacement's revoke failed
 * (a `delete: true` key), one whose first `pulumi up` was interrupted during Create (a pending operation),
 * one left without its scheduled `pulumi up` for days. The states reach it as `pulumi stack export` files,
 * standard input, a DIY backend folder (.json and .json.gz) and a local Pulumi Cloud API. Previous keys
 * (overlapDays) are added to two states by hand: the provider does not write them yet.
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { startSimulator, type Simulator } from "../sdk/simulator";
import { EMPTY_HOME, expectNoSecrets, qwiltKeysBin, runCli, type CliRun } from "./helpers/qwilt-keys-bin";
import { makePackedProject, removeProject } from "./helpers/packed-project";
import { startPulumiCloudApi, type PulumiCloudApi } from "./helpers/pulumi-cloud-api";
import type { PendingOperation } from "./lifecycle/harness/pending-operations.js";
import { installProgram } from "./lifecycle/harness/project.js";
import { stackExport, writeDiyBackend } from "./lifecycle/harness/pulumi-state-shapes.js";
import { HarnessStack } from "./lifecycle/harness/stack.js";
import type { StackState, StateResource } from "./lifecycle/harness/state-file.js";
import { reveal, secret } from "./lifecycle/harness/wire.js";

const DAY = 24 * 60 * 60 * 1000;
const KEYS = "/api/1/api-keys";
const PROGRAM = join(__dirname, "fixtures", "cli-keys-program");
const API_KEY_TYPE = "pulumi-nodejs:dynamic/qwilt:ApiKey";
const PULUMI_TOKEN = "pul-0123456789abcdef0123456789abcdef01234567";

type State = StackState & { pendingOperations?: PendingOperation[] };
type ListedKey = {
  keyId: string;
  name: string;
  permission: string;
  daysLeft: number;
  status: string;
  management: string;
  stack?: string;
  urn?: string;
};
type Finding = {
  level: string;
  code: string;
  keyId?: string;
  name?: string;
  stack?: string;
  urn?: string;
  message: string;
};

let sim: Simulator;
let cloud: PulumiCloudApi;
let projectDir: string;
let work: string;
const states: Record<"prod" | "staging" | "legacy", State> = {} as never;
/** Every key, token and password of the run: none may be printed. */
const secrets: string[] = [PULUMI_TOKEN];
const ui: Record<string, string> = {};
/** keyIds of the states' keys. */
const ids: Record<string, string> = {};
let exportFile: (stack: keyof typeof states) => string;
/** The URN of the key whose create was interrupted. */
let stagingUrn: string;

/** The environment the CLI runs with: the simulator's URLs and key, its clock, the Pulumi Cloud API. */
function env(extra: Record<string, string | undefined> = {}) {
  return {
    QWILT_USERS_URL: sim.url,
    QWILT_LOGIN_URL: sim.url,
    QWILT_API_KEY: sim.bootstrapKey,
    QWILT_CLOCK_OFFSET_MS: String(sim.clock.now().getTime() - Date.now()),
    PULUMI_BACKEND_URL: cloud.url,
    PULUMI_ACCESS_TOKEN: PULUMI_TOKEN,
    ...extra,
  };
}

async function cli(
  args: string[],
  o: { env?: Record<string, string | undefined>; stdin?: string } = {},
): Promise<CliRun> {
  const run = await runCli(args, { env: env(o.env), ...(o.stdin !== undefined ? { stdin: o.stdin } : {}) });
  expectNoSecrets(run, secrets);
  return run;
}

const json = <T>(run: CliRun): T => JSON.parse(run.stdout) as T;
const apiKeyOf = (state: State, name: string, o: { replaced?: boolean } = {}) =>
  state.resources.find((r) => r.type === API_KEY_TYPE && r.urn.endsWith(`::${name}`) && !!r.delete === !!o.replaced)!;
const keyIdOf = (r: StateResource) => String(reveal(r.outputs.keyId));

beforeAll(async () => {
  sim = await startSimulator();
  cloud = await startPulumiCloudApi({ token: PULUMI_TOKEN, pageSize: 5, exportDelayMs: 40 });
  work = mkdtempSync(join(tmpdir(), "qwilt-keys-"));
  projectDir = makePackedProject(inject("tarball"), "cli-keys");
  installProgram(PROGRAM, projectDir);
  const providerConfig = { "qwilt:apiKey": sim.bootstrapKey, "qwilt:usersUrl": sim.url, "qwilt:loginUrl": sim.url };
  const stack = (name: string, config: Record<string, string> = {}) =>
    Object.assign(new HarnessStack({ projectDir, providerConfig, stack: name }), { config });
  const prod = stack("prod");
  const staging = stack("staging");
  const legacy = stack("legacy", { deployerDays: "10", reportingDays: "5" });

  // staging: the first `pulumi up` is killed once Qwilt has made the deployer key, before the state records it.
  staging.interruptAfter = "Create";
  // One step at a time (`pulumi up --parallel 1`): the engine runs the two creates at once otherwise, and the kill would catch both.
  staging.parallel = 1;
  const [prodUp, stagingUp, legacyUp] = await Promise.allSettled([prod.up(), staging.up(), legacy.up()]);
  expect(prodUp.status === "fulfilled" && prodUp.value.errors).toEqual([]);
  expect(stagingUp.status).toBe("rejected");
  expect(legacyUp.status === "fulfilled" && legacyUp.value.errors).toEqual([]);

  // prod: validForDays 30 → 60 replaces the deployer key, and revoking the old one is refused (403).
  const old = keyIdOf(apiKeyOf(prod.state() as State, "deployer"));
  const fault = sim.faults.add({ method: "DELETE", path: `${KEYS}/${old}`, status: 403, times: Infinity });
  prod.config.deployerDays = "60";
  const replaced = await prod.up();
  expect(replaced.ok).toBe(false);
  expect(replaced.errors).toEqual([expect.stringMatching(/^deployer: delete-replaced failed/)]);
  sim.faults.remove(fault);

  states.prod = prod.state() as State;
  states.staging = staging.state() as State;
  states.legacy = legacy.state() as State;
  expect(states.staging.resources).toEqual([]);
  expect(states.staging.pendingOperations).toEqual([expect.objectContaining({ type: "creating" })]);
  expect(apiKeyOf(states.prod, "deployer", { replaced: true })).toBeDefined();

  ids.prodDeployer = keyIdOf(apiKeyOf(states.prod, "deployer"));
  ids.prodOldDeployer = keyIdOf(apiKeyOf(states.prod, "deployer", { replaced: true }));
  ids.prodReporting = keyIdOf(apiKeyOf(states.prod, "reporting"));
  ids.legacyDeployer = keyIdOf(apiKeyOf(states.legacy, "deployer"));
  ids.legacyReporting = keyIdOf(apiKeyOf(states.legacy, "reporting"));
  // The run stopped at whichever key the engine created first.
  const pending = states.staging.pendingOperations![0]!.resource;
  stagingUrn = pending.urn;
  ids.stagingPending = sim.liveKeys().find((k) => k.name === pending.inputs!.name)!.keyId;

  // Keys made by hand in the web UI, and two that states hold as previous keys (overlapDays).
  const made = (name: string, permission: "MediaEditor" | "MediaViewer", ttl: number) => {
    const k = sim.createKey(sim.user.orgId, { name, permission, ttl, active: true });
    secrets.push(k.apiToken);
    return (ui[name] = k.keyId);
  };
  made("hand-made-editor", "MediaEditor", 180);
  made("hand-made-viewer", "MediaViewer", 180);
  made("expires-in-days", "MediaEditor", 9);
  made("long-expired", "MediaEditor", 1);
  made("deployer-previous", "MediaEditor", 30);
  made("legacy-previous", "MediaEditor", 9);
  // prod's reporting key is revoked out of band: its state still holds it.
  expect(sim.revokeKey(sim.user.orgId, ids.prodReporting)).toBe(true);

  // Six days without a `pulumi up`.
  sim.clock.advance(6 * DAY);
  const now = sim.clock.now().getTime();
  const withPrevious = (r: StateResource, name: string, revokeAt: number) => {
    const k = sim.keys().find((x) => x.name === name)!;
    Object.assign(r.outputs, {
      previousKeyId: k.keyId,
      previousName: k.name,
      previousKey: secret("a previous key, never read"),
      previousExpiresAt: k.expireAt,
      previousRevokeAt: new Date(revokeAt).toISOString(),
    });
  };
  withPrevious(apiKeyOf(states.prod, "deployer"), "deployer-previous", now - DAY);
  withPrevious(apiKeyOf(states.legacy, "deployer"), "legacy-previous", now + DAY);

  secrets.push(sim.bootstrapKey, sim.user.password);
  for (const s of Object.values(states))
    for (const r of s.resources) if (typeof reveal(r.outputs.key) === "string") secrets.push(reveal(r.outputs.key));

  exportFile = (name) => {
    const file = join(work, `${name}.json`);
    writeFileSync(file, JSON.stringify(stackExport(states[name], { project: "cli-keys", stack: name }), null, 2));
    return file;
  };
  writeDiyBackend(join(work, "backend"), [
    { project: "cli-keys", stack: "prod", state: states.prod },
    { project: "cli-keys", stack: "staging", state: states.staging },
    { project: "cli-keys", stack: "legacy", state: states.legacy, gzip: true },
  ]);
  for (const name of ["prod", "staging", "legacy"] as const) {
    cloud.stacks.push({
      org: "acme",
      project: "cli-keys",
      stack: name,
      export: stackExport(states[name], { project: "cli-keys", stack: name }),
    });
  }
  // Stacks without keys, so that the organization takes three pages and more exports than run at once.
  for (let i = 0; i < 9; i++)
    cloud.stacks.push({
      org: "acme",
      project: "website",
      stack: `preview-${i}`,
      export: stackExport({ version: 1, resources: [], outputs: {} }, { project: "website", stack: `preview-${i}` }),
    });
}, 240_000);

afterAll(async () => {
  await sim?.close();
  await cloud?.close();
  if (projectDir) removeProject(projectDir);
  if (work) rmSync(work, { recursive: true, force: true });
});

/** `--state` for each of the three stacks' export files. */
const allStates = () => (["prod", "staging", "legacy"] as const).flatMap((stack) => ["--state", exportFile(stack)]);

/** keyId → [management, stack] of a `list --json`. */
const byKey = (keys: ListedKey[]) => Object.fromEntries(keys.map((k) => [k.keyId, [k.management, k.stack]]));

describe("qwilt-keys list", () => {
  it("--json: every key, soonest expiry first, matched to the stacks that manage it", async () => {
    const run = await cli(["list", "--json", ...allStates()]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const out = json<{ organization: string; keys: ListedKey[] }>(run);
    expect(out.organization).toBe("org-1");
    expect(byKey(out.keys)).toEqual({
      "1": ["unmanaged", undefined],
      [ids.prodDeployer!]: ["managed", "cli-keys/prod"],
      [ids.prodOldDeployer!]: ["orphaned", "cli-keys/prod"],
      [ids.stagingPending!]: ["orphaned", "cli-keys/staging"],
      [ids.legacyDeployer!]: ["managed", "cli-keys/legacy"],
      [ids.legacyReporting!]: ["managed", "cli-keys/legacy"],
      [ui["deployer-previous"]!]: ["managed", "cli-keys/prod"],
      [ui["legacy-previous"]!]: ["managed", "cli-keys/legacy"],
      [ui["hand-made-editor"]!]: ["unmanaged", undefined],
      [ui["hand-made-viewer"]!]: ["unmanaged", undefined],
      [ui["expires-in-days"]!]: ["unmanaged", undefined],
      [ui["long-expired"]!]: ["unmanaged", undefined],
    });
    // prod's reporting key was revoked: Qwilt does not list it.
    expect(out.keys.map((k) => k.keyId)).not.toContain(ids.prodReporting);
    const days = out.keys.map((k) => k.daysLeft);
    expect(days).toEqual([...days].sort((a, b) => a - b));
    const key = (id: string) => out.keys.find((k) => k.keyId === id)!;
    expect(key(ui["long-expired"]!)).toMatchObject({ daysLeft: -6, status: "expired", permission: "editor" });
    expect(key(ids.legacyReporting!)).toMatchObject({ daysLeft: -2, status: "expired", permission: "viewer" });
    expect(key(ids.legacyDeployer!)).toMatchObject({
      daysLeft: 3,
      status: "expiring",
      urn: `urn:pulumi:legacy::cli-keys::${API_KEY_TYPE}::deployer`,
    });
    expect(key(ids.prodDeployer!)).toMatchObject({ daysLeft: 53, status: "active" });
    expect(key(ui["hand-made-viewer"]!)).toMatchObject({ permission: "viewer", status: "active" });
    // The contract's field order; a managed key adds its stack and URN.
    const fields = [
      "keyId",
      "name",
      "permission",
      "description",
      "createdBy",
      "createdAt",
      "expiresAt",
      "daysLeft",
      "status",
      "management",
    ];
    expect(Object.keys(key("1"))).toEqual(fields);
    expect(Object.keys(key(ids.prodDeployer!))).toEqual([...fields, "stack", "urn"]);
    expect(key(ui["hand-made-editor"]!).status).toBe("active");
    expect(out.keys.filter((k) => k.status === "expiring").length).toBeGreaterThan(0);

    // Without --state, management is unknown; --warn-days moves what counts as expiring.
    const bare = json<{ keys: ListedKey[] }>(await cli(["list", "--json", "--warn-days", "0"]));
    expect(new Set(bare.keys.map((k) => k.management))).toEqual(new Set(["unknown"]));
    expect(bare.keys.filter((k) => k.status === "expiring")).toEqual([]);
    expect(bare.keys.map((k) => k.keyId).sort()).toEqual(out.keys.map((k) => k.keyId).sort());
  });

  it("reads the same states from standard input, a DIY backend folder (.json, .json.gz) and Pulumi Cloud", async () => {
    const files = await cli(["list", "--json", ...allStates()]);
    const expected = json<{ keys: ListedKey[] }>(files).keys;
    const stdin = readFileSync(exportFile("staging"), "utf8");
    const piped = await cli(
      ["list", "--json", "--state", "-", "--state", exportFile("prod"), "--state", exportFile("legacy")],
      { stdin },
    );
    expect(json<{ keys: ListedKey[] }>(piped).keys).toEqual(expected);

    for (const folder of [join(work, "backend"), join(work, "backend", ".pulumi"), `file://${join(work, "backend")}`]) {
      const diy = await cli(["list", "--json", "--state", folder]);
      expect(diy.code, diy.stderr).toBe(0);
      expect(json<{ keys: ListedKey[] }>(diy).keys).toEqual(expected);
    }

    cloud.server.requests.length = 0;
    const viaCloud = await cli(["list", "--json", "--state", "pulumi-cloud://acme"]);
    expect(viaCloud.code, viaCloud.stderr).toBe(0);
    // The stack names the Pulumi organization when the source knows it.
    expect(json<{ keys: ListedKey[] }>(viaCloud).keys).toEqual(
      expected.map((k) => (k.stack ? { ...k, stack: `acme/${k.stack}` } : k)),
    );
    const lists = cloud.server.requests.filter((r) => r.path === "/api/user/stacks");
    expect(lists.map((r) => [r.query.get("organization"), r.query.get("continuationToken")])).toEqual([
      ["acme", null],
      ["acme", "5"],
      ["acme", "10"],
    ]);
    const exports = cloud.server.requests.filter((r) => r.path.endsWith("/export"));
    expect(exports).toHaveLength(12);
    expect(
      exports.every(
        (r) => r.headers.authorization === `token ${PULUMI_TOKEN}` && r.headers.accept === "application/vnd.pulumi+8",
      ),
    ).toBe(true);
    // Exports run concurrently, and never more than eight at once.
    expect(cloud.maxExportsInFlight).toBeGreaterThan(1);
    expect(cloud.maxExportsInFlight).toBeLessThanOrEqual(8);
  });

  it("Pulumi Cloud: a stack that cannot be read is named, the rest are shown, and the exit is 2", async () => {
    cloud.stacks.push({ org: "acme", project: "payments", stack: "prod", export: {}, failWith: 404 });
    try {
      const run = await cli(["list", "--json", "--state", "pulumi-cloud://acme"]);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain("1 stack could not be read");
      expect(run.stderr).toMatch(
        /acme\/payments\/prod: GET \/api\/stacks\/acme\/payments\/prod\/export: 404 Not Found/,
      );
      expect(json<{ keys: ListedKey[] }>(run).keys.find((k) => k.keyId === ids.prodDeployer)?.management).toBe(
        "managed",
      );
    } finally {
      cloud.stacks.pop();
    }
    // A token the service refuses, or none at all: the source cannot be read (exit 2), nothing is listed.
    const refused = await cli(["list", "--state", "pulumi-cloud://acme"], {
      env: { PULUMI_ACCESS_TOKEN: "pul-wrong-token-0000000000000000000000" },
    });
    expect(refused.code).toBe(2);
    expect(refused.stdout).toBe("");
    expect(refused.stderr).toMatch(
      /--state pulumi-cloud:\/\/acme: could not list the organization's stacks: GET \/api\/user\/stacks: 401 Unauthorized .*PULUMI_ACCESS_TOKEN/,
    );
    expect(refused.stderr).not.toContain("pul-wrong-token");
    const none = await cli(["list", "--state", "pulumi-cloud://acme"], { env: { PULUMI_ACCESS_TOKEN: "" } });
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/needs a Pulumi Cloud access token .*set PULUMI_ACCESS_TOKEN, or run `pulumi login`/);
  });

  it("Pulumi Cloud: without PULUMI_ACCESS_TOKEN, the token of `pulumi login` (credentials.json) is used", async () => {
    const home = join(work, "home");
    mkdirSync(join(home, ".pulumi"), { recursive: true });
    writeFileSync(
      join(home, ".pulumi", "credentials.json"),
      JSON.stringify({ current: cloud.url, accessTokens: { [cloud.url]: PULUMI_TOKEN }, accounts: {} }),
    );
    const run = await cli(["list", "--json", "--state", "pulumi-cloud://acme"], {
      env: { PULUMI_ACCESS_TOKEN: undefined, HOME: home },
    });
    expect(run.code, run.stderr).toBe(0);
    expect(json<{ keys: ListedKey[] }>(run).keys.find((k) => k.keyId === ids.stagingPending)).toMatchObject({
      management: "orphaned",
      stack: "acme/cli-keys/staging",
    });
  });

  it("prints an aligned table and a summary, or the timeline; colour only on a terminal, never with NO_COLOR", async () => {
    const table = await cli(["list", "--state", join(work, "backend")]);
    expect(table.code).toBe(0);
    const lines = table.stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^KEY ID\s+NAME\s+PERMISSION\s+EXPIRES\s+LEFT\s+STATUS\s+MANAGEMENT\s+STACK$/);
    const col = lines[0]!.indexOf("MANAGEMENT");
    const row = (id: string) => lines.find((l) => l.startsWith(`${id} `))!;
    expect(row(ids.legacyDeployer!).slice(col)).toMatch(/^managed\s+cli-keys\/legacy$/);
    expect(row(ids.stagingPending!).slice(col)).toMatch(/^orphaned\s+cli-keys\/staging$/);
    expect(row(ui["long-expired"]!)).toContain("expired 5 days ago");
    expect(row(ids.legacyDeployer!)).toMatch(/\b3 days\s+expiring\b/);
    expect(lines.at(-1)).toMatch(
      /^12 keys in org-1: 2 expired, \d+ expiring within 30 days, 5 managed, 5 unmanaged, 2 orphaned \(3 stacks read\); next expiry in 2 days: key \d+ "expires-in-days"$/,
    );
    expect(table.stdout).not.toContain("\x1b[");

    // A year on one axis: a wide terminal gives each column a day and a half.
    const timeline = await cli(["list", "--timeline", "--state", join(work, "backend")], { env: { COLUMNS: "300" } });
    const rows = timeline.stdout.split("\n");
    expect(rows[1]).toMatch(/▼ today \d{4}-\d{2}-\d{2}/);
    const bar = (id: string) => rows.find((l) => l.startsWith(`${id} `))!;
    // Each bar runs from ├ (made) to ┤ (expiry); ◆ marks rotateAt, or a previous key's revoke time.
    expect(bar(ids.legacyDeployer!)).toMatch(/├─*◆─*┼?─*┤/);
    expect(bar(ui["legacy-previous"]!)).toContain("◆");
    expect(bar(ui["hand-made-editor"]!)).not.toContain("◆");
    // The shared axis: every bar made at the same time starts in the same column.
    expect(bar(ui["hand-made-editor"]!).indexOf("├")).toBe(bar(ui["hand-made-viewer"]!).indexOf("├"));
    expect(bar(ui["long-expired"]!).indexOf("┤")).toBeLessThan(bar(ui["hand-made-editor"]!).indexOf("┤"));

    const onTerminal = (extra: Record<string, string>) =>
      underTerminal(["list", "--state", join(work, "backend")], extra);
    const coloured = await onTerminal({});
    if (coloured === undefined)
      return console.log("skipped the terminal half: no `script` command to give the CLI a terminal");
    expect(coloured).toContain("\x1b[31mexpired\x1b[39m");
    expect(coloured).toContain("\x1b[31morphaned\x1b[39m");
    expect(await onTerminal({ NO_COLOR: "1" })).not.toContain("\x1b[");
  });
});

describe("qwilt-keys audit", () => {
  it("--json: every finding with its level and code; exit 1 with errors", async () => {
    const run = await cli(["audit", "--json", "--state", join(work, "backend")]);
    expect(run.code).toBe(1);
    const out = json<{ organization: string; findings: Finding[]; counts: Record<string, number> }>(run);
    expect(Object.keys(out)).toEqual(["organization", "findings", "counts"]);
    // Errors first, then warnings, then info; within a level, soonest expiry first (two orphans made at the same time may swap).
    const levels = out.findings.map((f) => ["error", "warning", "info"].indexOf(f.level));
    expect(levels).toEqual([...levels].sort());
    const summary = out.findings.map((f) => [f.level, f.code, f.keyId, f.stack]);
    const sorted = (rows: unknown[][]) => rows.map((r) => JSON.stringify(r)).sort();
    expect(sorted(summary)).toEqual(
      sorted([
        ["error", "expired", ids.legacyReporting, "cli-keys/legacy"],
        ["error", "expires-soon", ui["expires-in-days"], undefined],
        ["error", "expires-soon", ids.legacyDeployer, "cli-keys/legacy"],
        ["error", "rotation-overdue", ids.legacyDeployer, "cli-keys/legacy"],
        ["error", "orphaned", ids.prodOldDeployer, "cli-keys/prod"],
        ["error", "orphaned", ids.stagingPending, "cli-keys/staging"],
        ["error", "previous-overdue", ui["deployer-previous"], "cli-keys/prod"],
        ["warning", "unmanaged", ui["expires-in-days"], undefined],
        ["warning", "unmanaged", ui["hand-made-editor"], undefined],
        ["warning", "unmanaged", "1", undefined],
        ["warning", "missing", ids.prodReporting, "cli-keys/prod"],
        ["info", "expired", ui["long-expired"], undefined],
        ["info", "unmanaged", ui["hand-made-viewer"], undefined],
      ]),
    );
    expect(summary.slice(0, 4)).toEqual([
      ["error", "expired", ids.legacyReporting, "cli-keys/legacy"],
      ["error", "expires-soon", ui["expires-in-days"], undefined],
      ["error", "expires-soon", ids.legacyDeployer, "cli-keys/legacy"],
      ["error", "rotation-overdue", ids.legacyDeployer, "cli-keys/legacy"],
    ]);
    expect(out.counts).toEqual({ error: 7, warning: 4, info: 2 });
    const find = (code: string, keyId?: string) =>
      out.findings.find((f) => f.code === code && (!keyId || f.keyId === keyId))!;
    expect(find("rotation-overdue").message).toMatch(
      /was due for rotation 3 days ago .*the scheduled `pulumi up` of cli-keys\/legacy is not running/,
    );
    expect(find("orphaned", ids.stagingPending).message).toMatch(/stopped while creating it/);
    expect(find("orphaned", ids.stagingPending).urn).toBe(stagingUrn);
    expect(stagingUrn).toMatch(new RegExp(`^urn:pulumi:staging::cli-keys::${API_KEY_TYPE}::(deployer|reporting)$`));
    expect(find("orphaned", ids.prodOldDeployer).message).toMatch(/delete: true/);
    expect(find("missing").message).toMatch(/`pulumi refresh` on cli-keys\/prod drops it/);
    expect(find("previous-overdue").urn).toBe(`urn:pulumi:prod::cli-keys::${API_KEY_TYPE}::deployer`);
    // legacy's previous key expires within --fail-days, but its end is planned: no finding.
    expect(out.findings.filter((f) => f.keyId === ui["legacy-previous"])).toEqual([]);

    // The thresholds: with --fail-days 2 the key three days from expiry is only a warning.
    const relaxed = json<{ findings: Finding[] }>(
      await cli(["audit", "--json", "--fail-days", "2", "--warn-days", "10", "--state", join(work, "backend")]),
    );
    expect(relaxed.findings.filter((f) => f.code === "expires-soon").map((f) => [f.level, f.keyId])).toEqual([
      ["warning", ui["expires-in-days"]],
      ["warning", ids.legacyDeployer],
    ]);
    // Without --state: only expiry findings.
    const bare = json<{ findings: Finding[] }>(await cli(["audit", "--json"]));
    expect(new Set(bare.findings.map((f) => f.code))).toEqual(new Set(["expires-soon", "expired"]));
  });

  it("--format github: workflow commands and a step summary; markdown prints the summary; the table ends with a summary line", async () => {
    const summaryFile = join(work, "step-summary.md");
    writeFileSync(summaryFile, "earlier step\n");
    const gh = await cli(["audit", "--format", "github", "--state", join(work, "backend")], {
      env: { GITHUB_STEP_SUMMARY: summaryFile },
    });
    expect(gh.code).toBe(1);
    const commands = gh.stdout.split("\n").filter((l) => l.startsWith("::"));
    expect(commands).toHaveLength(13);
    expect(commands[0]).toMatch(
      new RegExp(
        `^::error title=qwilt-keys expired key ${ids.legacyReporting}::"reporting-[0-9a-f]{7}" in cli-keys/legacy: expired `,
      ),
    );
    expect(commands.filter((c) => c.startsWith("::warning "))).toHaveLength(4);
    expect(commands.filter((c) => c.startsWith("::notice "))).toHaveLength(2);
    expect(gh.stdout.trimEnd().split("\n").at(-1)).toBe("org-1: 7 errors, 4 warnings, 2 info (12 keys, 3 stacks read)");
    const summary = readFileSync(summaryFile, "utf8");
    expect(summary.startsWith("earlier step\n### qwilt-keys audit: org-1\n")).toBe(true);
    expect(summary).toContain("| level | code | key | name | stack | message |");
    expect(summary.match(/^\| ❌ error \|/gm)).toHaveLength(7);

    const md = await cli(["audit", "--format", "markdown", "--state", join(work, "backend")]);
    expect(md.stdout).toBe(summary.slice("earlier step\n".length).replace(/\n$/, ""));

    const table = await cli(["audit", "--state", join(work, "backend"), "--warn-days", "20"]);
    expect(table.stdout.split("\n")[0]).toMatch(/^LEVEL\s+CODE\s+KEY ID\s+NAME\s+STACK\s+MESSAGE$/);
    expect(table.stdout.trimEnd().split("\n").at(-1)).toBe(
      "org-1: 7 errors, 4 warnings, 2 info (12 keys, 3 stacks read)",
    );
  });
  it("examples/rotation/nightly-audit.yml: its audit step, run as written, fails the job with annotations", async () => {
    const workflow = readFileSync(join(__dirname, "..", "examples", "rotation", "nightly-audit.yml"), "utf8");
    const step = /^\s+- run: (npx qwilt-keys audit .*)$/m.exec(workflow)![1]!;
    expect(step).toBe('npx qwilt-keys audit --state "pulumi-cloud://$PULUMI_ORG" --format github');
    const org = /^\s+PULUMI_ORG: (\S+)/m.exec(workflow)![1]!;
    // `npx qwilt-keys` in the user's project runs the package's bin: here, a stand-in npx that does just that.
    const shims = join(work, "shims");
    mkdirSync(shims, { recursive: true });
    writeFileSync(
      join(shims, "npx"),
      `#!/bin/sh\n[ "$1" = qwilt-keys ] || exit 127\nshift\nexec "${process.execPath}" "${qwiltKeysBin()}" "$@"\n`,
      { mode: 0o755 },
    );
    const summaryFile = join(work, "nightly-summary.md");
    const child = spawn("bash", ["-c", step], {
      env: {
        PATH: `${shims}:${process.env.PATH}`,
        HOME: EMPTY_HOME,
        ...env(),
        PULUMI_ORG: org === "my-org" ? "acme" : org,
        GITHUB_STEP_SUMMARY: summaryFile,
      },
    });
    let stdout = "";
    child.stdout.on("data", (d) => (stdout += d));
    const code = await new Promise((resolve) => child.on("close", resolve));
    expect(code).toBe(1);
    expect(stdout.split("\n").filter((l) => l.startsWith("::error "))).toHaveLength(7);
    expect(readFileSync(summaryFile, "utf8")).toContain("### qwilt-keys audit: org-1");
    for (const s of secrets) expect(stdout.includes(s)).toBe(false);
  });
});

describe("qwilt-keys revoke", () => {
  it("refuses a managed key (naming its stack and URN), reports an unknown key as done, and needs --yes without a terminal", async () => {
    const backend = join(work, "backend");
    const refused = await cli(["revoke", ids.legacyDeployer!, "--state", backend, "--yes"]);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toMatch(new RegExp(`^refused  ${ids.legacyDeployer}  `));
    expect(refused.stdout).toContain(
      `managed by cli-keys/legacy (urn:pulumi:legacy::cli-keys::${API_KEY_TYPE}::deployer): revoke it through Pulumi, or give --force`,
    );
    expect(sim.liveKeys().some((k) => k.keyId === ids.legacyDeployer)).toBe(true);

    const gone = await cli(["revoke", ids.prodReporting!, "9999", "--state", backend, "--yes"]);
    expect(gone.code).toBe(0);
    expect(
      gone.stdout
        .split("\n")
        .filter(Boolean)
        .map((l) => l.split(/\s+/).slice(0, 2)),
    ).toEqual([
      ["gone", ids.prodReporting],
      ["gone", "9999"],
    ]);

    const kept = await cli(["revoke", ids.stagingPending!, "--state", backend]);
    expect(kept.code).toBe(1);
    expect(kept.stdout).toMatch(/^kept .* without a terminal, give --yes/);
    expect(sim.liveKeys().some((k) => k.keyId === ids.stagingPending)).toBe(true);
  });

  it("revokes nothing when a state cannot be read", async () => {
    cloud.stacks.push({ org: "acme", project: "payments", stack: "prod", export: {}, failWith: 404 });
    try {
      const run = await cli(["revoke", ids.stagingPending!, "--state", "pulumi-cloud://acme", "--yes"]);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain("nothing revoked: 1 stack could not be read");
      expect(run.stdout).toBe("");
    } finally {
      cloud.stacks.pop();
    }
    const missing = await cli(["revoke", ids.stagingPending!, "--state", join(work, "no-such-state.json"), "--yes"]);
    expect(missing.code).toBe(2);
    expect(sim.liveKeys().some((k) => k.keyId === ids.stagingPending)).toBe(true);
    expect(sim.requests.filter((r) => r.method === "DELETE" && r.path === `${KEYS}/${ids.stagingPending}`)).toEqual([]);
  });

  it("on a terminal, asks; revokes the orphans with --yes; --force revokes a managed key", async () => {
    const backend = join(work, "backend");
    const declined = await underTerminal(["revoke", ids.stagingPending!, "--state", backend], {}, "n\n");
    if (declined !== undefined) {
      expect(declined).toContain(`Revoke this key? [y/N]`);
      expect(declined).toMatch(/kept .*not confirmed/);
      expect(sim.liveKeys().some((k) => k.keyId === ids.stagingPending)).toBe(true);
      const accepted = (await underTerminal(["revoke", ids.stagingPending!, "--state", backend], {}, "y\n"))!;
      expect(accepted).toMatch(new RegExp(`revoked.*${ids.stagingPending}`));
    } else console.log("skipped the terminal half: no `script` command to give the CLI a terminal");

    const orphans = await cli(["revoke", ids.stagingPending!, ids.prodOldDeployer!, "--state", backend, "--yes"]);
    expect(orphans.code).toBe(0);
    expect(orphans.stdout).toMatch(
      new RegExp(`^(revoked  ${ids.stagingPending}  .*orphaned|gone     ${ids.stagingPending}  not listed)`, "m"),
    );
    expect(orphans.stdout).toMatch(new RegExp(`^revoked  ${ids.prodOldDeployer}  .*orphaned`, "m"));
    const forced = await cli(["revoke", ui["legacy-previous"]!, "--state", backend, "--yes", "--force"]);
    expect(forced.code).toBe(0);
    expect(forced.stdout).toMatch(/^revoked .*managed.*cli-keys\/legacy still holds it/);
    const live = sim.liveKeys().map((k) => k.keyId);
    for (const id of [ids.stagingPending, ids.prodOldDeployer, ui["legacy-previous"]]) expect(live).not.toContain(id);

    // The orphans are gone from the audit; the revoked previous key is now missing.
    const audit = json<{ findings: Finding[] }>(await cli(["audit", "--json", "--state", backend]));
    expect(audit.findings.filter((f) => f.code === "orphaned")).toEqual([]);
    expect(
      audit.findings
        .filter((f) => f.code === "missing")
        .map((f) => f.keyId)
        .sort(),
    ).toEqual([ids.prodReporting, ui["legacy-previous"]].sort());
  });
});

/**
 * The CLI on a pseudo-terminal (util-linux `script`), `input` typed into it; what the terminal showed, or
 * undefined when there is no `script` here. Asynchronous: the simulator answers from this process.
 */
async function underTerminal(args: string[], extra: Record<string, string>, input = ""): Promise<string | undefined> {
  if (spawnSync("script", ["--version"]).error) return undefined;
  const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  const command = [process.execPath, qwiltKeysBin(), ...args].map(quote).join(" ");
  const child = spawn("script", ["-qec", command, "/dev/null"], {
    env: { PATH: process.env.PATH, HOME: EMPTY_HOME, TERM: "xterm", ...env(extra) },
  });
  let shown = "";
  child.stdout.on("data", (d) => {
    shown += d;
    // Answer once the question is on the screen.
    if (input && shown.includes("[y/N] ")) {
      child.stdin.end(input);
      input = "";
    }
  });
  if (!input) child.stdin.end();
  await new Promise((resolve) => child.on("close", resolve));
  for (const s of secrets) expect(shown.includes(s)).toBe(false);
  return shown;
}
