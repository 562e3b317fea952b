/**
 * `qwilt-keys` (the packed package's bin, in a child process) against the simulator, on states written by hand in
 * Pulumi's shapes, for what a state says of its keys: a replaced resource's previous key, an expired previous key,
 * the same stack given through several sources, and whole days in the table and in JSON.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSimulator, type Simulator } from "../sdk/simulator";
import { expectNoSecrets, runCli, type CliRun } from "./helpers/qwilt-keys-bin";
import { stackExport, writeDiyBackend } from "./lifecycle/harness/pulumi-state-shapes.js";

const DAY = 86_400_000;
const TYPE = "pulumi-nodejs:dynamic/qwilt:ApiKey";

type Finding = { level: string; code: string; keyId?: string; stack?: string; urn?: string; message: string };
type ListedKey = { keyId: string; daysLeft: number; status: string; management: string; stack?: string };

let sim: Simulator;
let dir: string;
const secrets: string[] = [];
/** keyIds by the name the test gave each key. */
const ids: Record<string, string> = {};
let prodFile: string;
let backend: string;

const env = () => ({
  QWILT_USERS_URL: sim.url,
  QWILT_LOGIN_URL: sim.url,
  QWILT_API_KEY: sim.bootstrapKey,
  QWILT_CLOCK_OFFSET_MS: String(sim.clock.now().getTime() - Date.now()),
});

/** A user whose only organization has no key at all. */
const LONER = { email: "loner@example.com", password: "loner-password-0123456789" };
const asLoner = { QWILT_API_KEY: undefined, QWILT_USERNAME: LONER.email, QWILT_PASSWORD: LONER.password };

async function cli(args: string[], extra: Record<string, string | undefined> = {}): Promise<CliRun> {
  const run = await runCli(args, { env: { ...env(), ...extra } });
  expectNoSecrets(run, secrets);
  return run;
}

/** An ApiKey resource of stack `dev` of project `svc`, as the provider writes its outputs. */
function apiKey(name: string, outputs: Record<string, unknown>, o: { delete?: boolean } = {}) {
  return {
    urn: `urn:pulumi:dev::svc::${TYPE}::${name}`,
    type: TYPE,
    id: `org-1/${String(outputs.keyId)}`,
    inputs: {},
    outputs: { organization: "org-1", ...outputs },
    dependencies: [],
    additionalSecretOutputs: ["key"],
    ...(o.delete ? { delete: true } : {}),
  };
}

beforeAll(async () => {
  sim = await startSimulator();
  secrets.push(sim.bootstrapKey, sim.user.password, LONER.password);
  sim.addOrganization("org-empty");
  sim.addUser("org-empty", LONER.email, LONER.password);
  dir = mkdtempSync(join(tmpdir(), "qwilt-keys-findings-"));
  const made = (name: string, ttl: number) => {
    const { keyId, apiToken } = sim.createKey("org-1", { name, permission: "MediaEditor", ttl, active: true });
    secrets.push(apiToken);
    ids[name] = keyId;
    return sim.keys().find((k) => k.keyId === keyId)!;
  };
  const madeAt = sim.clock.now().getTime();
  const replacedCurrent = made("replaced-current", 90);
  const replacedPrevious = made("replaced-previous", 90);
  const current = made("current", 90);
  const expiredPrevious = made("expired-previous", 1);
  // Two days and two minutes on: the previous key expired a day and two minutes ago.
  sim.clock.advance(2 * DAY + 2 * 60_000);

  const resources = [
    // Replaced (its replacement's `pulumi up` failed before the delete), while it still had a previous key.
    apiKey(
      "old",
      {
        keyId: replacedCurrent.keyId,
        name: replacedCurrent.name,
        expiresAt: replacedCurrent.expireAt,
        previousKeyId: replacedPrevious.keyId,
        previousName: replacedPrevious.name,
        previousExpiresAt: replacedPrevious.expireAt,
        previousRevokeAt: new Date(madeAt + 10 * DAY).toISOString(),
      },
      { delete: true },
    ),
    // A live resource whose previous key ran out before any `pulumi up` revoked it.
    apiKey("live", {
      keyId: current.keyId,
      name: current.name,
      expiresAt: current.expireAt,
      rotateAt: new Date(madeAt + 60 * DAY).toISOString(),
      previousKeyId: expiredPrevious.keyId,
      previousName: expiredPrevious.name,
      previousExpiresAt: expiredPrevious.expireAt,
      previousRevokeAt: expiredPrevious.expireAt,
    }),
    // A key Qwilt no longer lists.
    apiKey("gone", { keyId: "999", name: "gone-key", expiresAt: new Date(madeAt + 30 * DAY).toISOString() }),
  ];
  const state = { version: 1 as const, outputs: {}, resources };
  prodFile = join(dir, "dev.json");
  writeFileSync(prodFile, JSON.stringify(stackExport(state, { project: "svc", stack: "dev" })));
  backend = join(dir, "backend");
  writeDiyBackend(backend, [
    { project: "svc", stack: "dev", state },
    { project: "svc", stack: "empty", state: { version: 1, outputs: {}, resources: [] } },
  ]);
}, 60_000);

afterAll(async () => {
  await sim?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("a state's previous keys", () => {
  it("a replaced resource's previous key is orphaned, not unmanaged: the next `pulumi up` revokes it", async () => {
    const list = await cli(["list", "--json", "--state", prodFile]);
    expect(list.code, list.stderr).toBe(0);
    const keys = JSON.parse(list.stdout).keys as ListedKey[];
    const key = (name: string) => keys.find((k) => k.keyId === ids[name])!;
    expect(key("replaced-previous")).toMatchObject({ management: "orphaned", stack: "svc/dev" });
    expect(key("replaced-current")).toMatchObject({ management: "orphaned", stack: "svc/dev" });

    const audit = JSON.parse((await cli(["audit", "--json", "--state", prodFile])).stdout) as { findings: Finding[] };
    const about = (name: string) => audit.findings.filter((f) => f.keyId === ids[name]);
    expect(about("replaced-previous").map((f) => [f.level, f.code])).toEqual([["error", "orphaned"]]);
    expect(about("replaced-previous")[0]!.message).toMatch(
      /the previous key of a resource marked `delete: true` in its state.*the next `pulumi up` revokes it/,
    );
    expect(about("replaced-current").map((f) => [f.level, f.code])).toEqual([["error", "orphaned"]]);
  });

  it("an expired previous key: the next `pulumi up` revokes it (not replaces), and it is previous-overdue", async () => {
    const run = await cli(["audit", "--json", "--state", prodFile]);
    const findings = (JSON.parse(run.stdout) as { findings: Finding[] }).findings.filter(
      (f) => f.keyId === ids["expired-previous"],
    );
    expect(findings.map((f) => [f.level, f.code])).toEqual([
      ["error", "expired"],
      ["error", "previous-overdue"],
    ]);
    expect(findings[0]!.message).toMatch(
      /^expired 1 day ago \(\d{4}-\d\d-\d\d\) and svc\/dev still holds it as the previous key of urn:pulumi:dev::svc::.*::live: .*the next one revokes it$/,
    );
    expect(findings[0]!.message).not.toContain("replaces");
    expect(findings[1]).toMatchObject({
      stack: "svc/dev",
      urn: `urn:pulumi:dev::svc::${TYPE}::live`,
      message: expect.stringMatching(/previousRevokeAt .*is still listed: the scheduled `pulumi up` of svc\/dev/),
    });
  });
});

describe("the same stack through several sources", () => {
  it("a file given twice, or a DIY backend's root and its .pulumi folder, is one stack: nothing counted twice", async () => {
    type Audit = { findings: Finding[]; counts: Record<string, number> };
    const audit = async (...sources: string[]) =>
      JSON.parse((await cli(["audit", "--json", ...sources.flatMap((s) => ["--state", s])])).stdout) as Audit;
    const file = await audit(prodFile);
    const folder = await audit(backend);
    for (const once of [file, folder])
      expect(once.findings.filter((f) => f.code === "missing").map((f) => f.keyId)).toEqual(["999"]);

    for (const sources of [
      [prodFile, prodFile],
      [backend, join(backend, ".pulumi")],
      [backend, prodFile],
    ]) {
      const args = sources.flatMap((s) => ["--state", s]);
      const once = sources[0] === backend ? folder : file;
      const twice = await audit(...sources);
      expect(twice.findings, sources.join(" ")).toEqual(once.findings);
      expect(twice.counts).toEqual(once.counts);
      const table = await cli(["audit", ...args]);
      const stacks = sources[0] === backend ? 2 : 1;
      expect(table.stdout.trimEnd().split("\n").at(-1)).toMatch(new RegExp(`\\(\\d+ keys, ${stacks} stacks? read\\)$`));
    }
  });
});

describe("whole days", () => {
  it("a key expired a day and two minutes ago: the table says 1 day ago, --json daysLeft -2, and --help says why", async () => {
    const json = JSON.parse((await cli(["list", "--json", "--state", prodFile])).stdout) as { keys: ListedKey[] };
    expect(json.keys.find((k) => k.keyId === ids["expired-previous"])).toMatchObject({
      daysLeft: -2,
      status: "expired",
    });
    const table = (await cli(["list", "--state", prodFile])).stdout.split("\n");
    expect(table.find((l) => l.startsWith(`${ids["expired-previous"]} `))).toMatch(/\bexpired 1 day ago\b/);
    const help = (await cli(["list", "--help"])).stdout.replace(/\s+/g, " ");
    expect(help).toContain(
      "LEFT counts whole days, rounded down: the days left, or for an expired key the days since it expired",
    );
    expect(help).toContain("--json's daysLeft is the days left rounded down, negative once expired");
  });
});

describe("a login to an organization that lists no key", () => {
  it("with state keys to check: exit 2, asking for --org, rather than passing them all as another organization's", async () => {
    for (const args of [
      ["audit", "--json", "--state", prodFile],
      ["list", "--state", prodFile],
    ]) {
      const run = await cli(args, asLoner);
      expect(run.stdout).toBe("");
      expect(run.stderr).toBe(
        "qwilt-keys: Qwilt lists no key in the organization the credentials reach, and does not say which organization that is: the 5 keys the states hold cannot be checked against it; give --org <id>, or set QWILT_ORG_ID\n" +
          `Run "qwilt-keys ${args[0]} --help" for usage.\n`,
      );
      expect(run.code).toBe(2);
    }
    // Named, the organization is known: the states' keys are another organization's, and said so.
    const named = await cli(["audit", "--json", "--state", prodFile, "--org", "org-empty"], asLoner);
    expect(named.code, named.stderr).toBe(0);
    expect(JSON.parse(named.stdout)).toMatchObject({ organization: "org-empty", findings: [] });
    expect(named.stderr).toMatch(/state keys of other organizations were not checked \(org-1: 3\)/);
  });

  it("without state keys: the organization is a string, as the login token names it (login-token-names-org)", async () => {
    const list = await cli(["list", "--json"], asLoner);
    expect(list.code, list.stderr).toBe(0);
    expect(JSON.parse(list.stdout)).toEqual({ organization: "org-empty", keys: [] });
    const audit = await cli(["audit", "--json"], asLoner);
    expect(JSON.parse(audit.stdout)).toEqual({
      organization: "org-empty",
      findings: [],
      counts: { error: 0, warning: 0, info: 0 },
    });
    const doctor = JSON.parse((await cli(["doctor", "--json"], asLoner)).stdout);
    expect(doctor.organization).toBe("org-empty");
    expect(doctor.checks.find((c: { check: string }) => c.check === "list").message).toMatch(
      /listed 0 keys of organization org-empty \(as the login token names it, unverified\)/,
    );
  });
});
