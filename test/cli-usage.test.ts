/**
 * `qwilt-keys` (the packed package's bin, in a child process) meeting bad input and configuration: every
 * mistake names the flag, variable or file and exits 2 with nothing on standard output; help and --version;
 * credentials and organizations from the environment; `doctor`; hostile key names kept out of terminals and
 * workflow logs. States here are written by hand in Pulumi's shapes; test/cli-keys.test.ts reads real ones.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as zlib from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSimulator, type Simulator } from "../sdk/simulator";
import { expectNoSecrets, runCli, type CliRun } from "./helpers/qwilt-keys-bin";
import { checkpoint, stackExport } from "./lifecycle/harness/pulumi-state-shapes.js";

let sim: Simulator;
let dir: string;
const OTHER_USER = { email: "ops@example.com", password: "correct horse battery staple" };
const secrets: string[] = [];

const env = (extra: Record<string, string | undefined> = {}) => ({
  QWILT_USERS_URL: sim.url,
  QWILT_LOGIN_URL: sim.url,
  QWILT_API_KEY: sim.bootstrapKey,
  ...extra,
});

async function cli(args: string[], extra: Record<string, string | undefined> = {}, stdin?: string): Promise<CliRun> {
  const run = await runCli(args, { env: env(extra), ...(stdin !== undefined ? { stdin } : {}) });
  expectNoSecrets(run, secrets);
  return run;
}

/** Exit 2, nothing on stdout, and a message on stderr that matches. */
async function refused(
  args: string[],
  message: RegExp,
  extra: Record<string, string | undefined> = {},
  stdin?: string,
) {
  const run = await cli(args, extra, stdin);
  expect(run.stdout).toBe("");
  expect(run.stderr).toMatch(message);
  expect(run.code, run.stderr).toBe(2);
  return run;
}

const file = (name: string, content: string | Buffer) => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};

beforeAll(async () => {
  sim = await startSimulator({ organizations: [{ id: "org-1" }, { id: "org-2" }] });
  sim.addUser(["org-1", "org-2"], OTHER_USER.email, OTHER_USER.password);
  const viewer = sim.createKey("org-1", { name: "read-only", permission: "MediaViewer", ttl: 30, active: true });
  const elsewhere = sim.createKey("org-2", { name: "org-2-key", permission: "MediaEditor", ttl: 60, active: true });
  secrets.push(sim.bootstrapKey, sim.user.password, OTHER_USER.password, viewer.apiToken, elsewhere.apiToken);
  dir = mkdtempSync(join(tmpdir(), "qwilt-keys-usage-"));
}, 60_000);

afterAll(async () => {
  await sim?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("help and usage", () => {
  it("--help lists every command; each command has its own help; --version", async () => {
    const help = await cli(["--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^qwilt-keys: /);
    expect(help.stdout).toMatch(/Commands:\n {2}list {3}.+\n {2}audit {2}.+\n {2}revoke .+\n {2}doctor .+\n/);
    expect(help.stdout).toContain("Exit codes:");
    expect((await cli([])).stdout).toBe(help.stdout);
    for (const command of ["list", "audit", "revoke", "doctor", "probe"]) {
      const own = await cli([command, "--help"]);
      expect(own.code).toBe(0);
      expect(own.stdout).toMatch(new RegExp(`^Usage: qwilt-keys ${command} `));
      expect(own.stdout).toContain("-h, --help");
      // Options, then Environment, then Examples; wrapped to 100 columns (a pipe), but for the examples.
      const sections = own.stdout.split("\n").filter((l) => /^[A-Z][a-z]+:$/.test(l));
      expect(sections).toEqual([
        ...(command === "revoke" ? ["Arguments:"] : []),
        "Options:",
        "Environment:",
        "Examples:",
      ]);
      const body = own.stdout.slice(0, own.stdout.indexOf("Examples:"));
      for (const line of body.split("\n")) expect(line.length, line).toBeLessThanOrEqual(100);
      // Every variable on its own line, its words in the column the options' are in.
      const column = /^ {2}-h, --help +/.exec(own.stdout.split("\n").find((l) => l.includes("-h, --help"))!)![0].length;
      for (const name of ["QWILT_TIMEOUT_MS", "QWILT_MAX_RETRIES", "NO_COLOR"])
        expect(own.stdout, name).toMatch(new RegExp(`^ {2}${name} {2,}\\S`, "m"));
      const timeout = own.stdout.split("\n").find((l) => l.startsWith("  QWILT_TIMEOUT_MS"))!;
      expect(timeout.slice(column)).toMatch(/^each request's timeout, in milliseconds \(default 30000\)$/);
      // Only the commands that read --state read the Pulumi Cloud's variables.
      const pulumi = own.stdout.split("\n").filter((l) => /^ {2}PULUMI_/.test(l));
      if (command === "doctor" || command === "probe") expect(pulumi).toEqual([]);
      else {
        expect(pulumi.map((l) => l.slice(0, column).trim())).toEqual(["PULUMI_ACCESS_TOKEN", "PULUMI_BACKEND_URL"]);
        for (const l of pulumi) expect(l.charAt(column - 1)).toBe(" ");
        for (const l of pulumi) expect(l.charAt(column)).not.toBe(" ");
      }
      if (command === "audit") {
        expect(own.stdout).toMatch(
          /previous-overdue [\s\S]*\n {2}orphaned [\s\S]*\n {2}unmanaged [\s\S]*\n {2}missing /,
        );
        expect((await cli(["help", command])).stdout).toBe(own.stdout);
        // --help wins over anything else on the line, as in git and gh.
        expect((await cli([command, "--bogus", "-h"])).stdout).toBe(own.stdout);
      }
    }
    // A narrower terminal ($COLUMNS in a pipe): the help wraps to it.
    const narrow = (await cli(["audit", "--help"], { COLUMNS: "72" })).stdout;
    for (const line of narrow.slice(0, narrow.indexOf("Examples:")).split("\n"))
      expect(line.length, line).toBeLessThanOrEqual(72);
    expect(narrow).toMatch(/^Usage: qwilt-keys audit .*\n {18}\[/);
    const version = await cli(["--version"]);
    expect(version.stdout).toMatch(/^qwilt-keys \d+\.\d+\.\d+/);
  });

  it("an unknown command or flag, a missing or repeated value: exit 2, naming it, with a suggestion", async () => {
    await refused(
      ["lsit"],
      /^qwilt-keys: unknown command "lsit" \(did you mean "list"\?\)\nRun "qwilt-keys --help" for the commands\.\n$/,
    );
    await refused(["frobnicate"], /^qwilt-keys: unknown command "frobnicate"\n/);
    await refused(["--json", "list"], /unknown flag --json: flags go after the command/);
    await refused(
      ["list", "--jsno"],
      /^qwilt-keys: unknown flag --jsno for "qwilt-keys list" \(did you mean --json\?\)\nRun "qwilt-keys list --help" for usage\.\n$/,
    );
    await refused(["audit", "--fail-day", "3"], /unknown flag --fail-day .*did you mean --fail-days\?/);
    await refused(["list", "-x"], /unknown flag -x for "qwilt-keys list"/);
    await refused(["list", "--state"], /--state needs a value: --state <source>/);
    await refused(["list", "--json=yes"], /--json takes no value/);
    await refused(["audit", "--format", "json", "--format", "table"], /--format was given twice/);
    await refused(["list", "extra"], /"qwilt-keys list" takes no arguments \(got "extra"\)/);
    await refused(["revoke"], /"qwilt-keys revoke" needs at least one <keyId>/);
    await refused(["revoke", "12; rm -rf /"], /is not a keyId/);
  });

  it("bad values: named, with what is allowed, and the same pointer to the help as a bad flag", async () => {
    await refused(
      ["list", "--warn-days", "abc"],
      /^qwilt-keys: --warn-days must be a whole number of days from 0 to 365 \(got "abc"\)\nRun "qwilt-keys list --help" for usage\.\n$/,
    );
    await refused(["audit", "--format", "yaml"], /\nRun "qwilt-keys audit --help" for usage\.\n$/);
    for (const bad of ["x", "-1", "1.5", "400", ""])
      await refused(
        ["list", "--warn-days", bad],
        bad === "" ? /--warn-days needs a value/ : /--warn-days must be a whole number of days from 0 to 365/,
      );
    await refused(
      ["audit", "--fail-days", "10", "--warn-days", "5"],
      /--fail-days \(10\) must not be more than --warn-days \(5\)/,
    );
    await refused(
      ["audit", "--format", "yaml"],
      /--format must be one of table, json, markdown, github \(got "yaml"\)/,
    );
    await refused(
      ["audit", "--json", "--format", "markdown"],
      /--json means --format json; it cannot go with --format markdown/,
    );
    await refused(
      ["list", "--timeline", "--json"],
      /^qwilt-keys: --timeline draws on a terminal; it cannot go with --json .*\nRun "qwilt-keys list --help" for usage\.\n$/,
    );
  });
});

describe("--state that cannot be read: exit 2, naming it", () => {
  it("a missing file, not JSON, not a state, another version, a folder that is no backend, a bucket URL", async () => {
    await refused(["list", "--state", join(dir, "nope.json")], /--state .*nope\.json: no such file or folder/);
    await refused(
      ["list", "--state", join(file("plain.txt", "x"), "below")],
      /--state .*plain\.txt\/below: no such file or folder/,
    );
    await refused(
      ["list", "--state", file("not-json.json", "{ this is not JSON")],
      /--state .*not-json\.json is not valid JSON$/m,
    );
    await refused(["list", "--state", file("empty.json", "")], /--state .*empty\.json is empty/);
    await refused(
      ["list", "--state", file("other.json", JSON.stringify({ stacks: [] }))],
      /is not a Pulumi state: it has neither "deployment" .* nor "checkpoint"/,
    );
    const v2 = { version: 2, deployment: { manifest: {}, resources: [] } };
    await refused(
      ["list", "--state", file("v2.json", JSON.stringify(v2))],
      /is a state of version 2; qwilt-keys reads versions 3 and 4/,
    );
    await refused(["list", "--state", "-"], /--state - is empty/, {}, "");
    await refused(["list", "--state", "-", "--state", "-"], /--state - \(standard input\) was given twice/);
    mkdirSync(join(dir, "not-a-backend"), { recursive: true });
    await refused(
      ["list", "--state", join(dir, "not-a-backend")],
      /a folder, but not a DIY backend: no .*not-a-backend\/\.pulumi\/stacks/,
    );
    await refused(
      ["list", "--state", "s3://my-bucket/state"],
      /backends in cloud buckets are not read directly; run `pulumi stack export/,
    );
    await refused(["list", "--state", "pulumi-cloud://"], /expected pulumi-cloud:\/\/<organization>/);
    await refused(
      ["audit", "--state", "pulumi-cloud://acme"],
      /--state pulumi-cloud:\/\/acme needs a Pulumi Cloud access token/,
      { PULUMI_ACCESS_TOKEN: "" },
    );
    await refused(
      ["audit", "--state", "pulumi-cloud://acme"],
      /PULUMI_BACKEND_URL: https is required except for loopback hosts/,
      { PULUMI_BACKEND_URL: "http://pulumi.example.com", PULUMI_ACCESS_TOKEN: "pul-x" },
    );
  });

  it("a DIY backend with one bad checkpoint: the others are read, the bad one is named, exit 2; .bak files are not states", async () => {
    const root = join(dir, "diy");
    const stacks = join(root, ".pulumi", "stacks", "svc");
    mkdirSync(stacks, { recursive: true });
    const empty = (stack: string) =>
      JSON.stringify(checkpoint({ version: 1, resources: [], outputs: {} }, { project: "svc", stack }));
    writeFileSync(join(stacks, "good.json"), empty("good"));
    writeFileSync(join(stacks, "good.json.bak"), "not JSON: a backup is not read");
    writeFileSync(join(stacks, "zipped.json.gz"), zlib.gzipSync(empty("zipped")));
    writeFileSync(join(stacks, "broken.json"), "{");
    const run = await cli(["list", "--json", "--state", root]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/1 stack could not be read.*\n {2}svc\/broken: .*broken\.json is not valid JSON\n/);
    expect(JSON.parse(run.stdout).keys.every((k: { management: string }) => k.management === "unmanaged")).toBe(true);

    // zstd checkpoints (newer Pulumi): read where this Node can decompress them, else named as unreadable.
    rmSync(join(stacks, "broken.json"));
    const zstd = (zlib as { zstdCompressSync?: (b: Buffer) => Buffer }).zstdCompressSync;
    writeFileSync(
      join(stacks, "squeezed.json.zst"),
      zstd ? zstd(Buffer.from(empty("squeezed"))) : Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0, 0, 0, 0]),
    );
    const withZstd = await cli(["list", "--json", "--state", root]);
    if (zstd) expect(withZstd.code, withZstd.stderr).toBe(0);
    else expect(withZstd.stderr).toMatch(/svc\/squeezed: .*is zstd-compressed, which needs Node 22\.15 or later/);
  });
});

describe("configuration from the environment", () => {
  it("no credentials, half a login, a bad number, plain http to another host, --org with an API key: exit 2 naming the variable", async () => {
    sim.clearRequests();
    await refused(
      ["list"],
      /no Qwilt credentials: set QWILT_API_KEY \(or QCDN_API_KEY\) to an API key, or QWILT_USERNAME .* and QWILT_PASSWORD/,
      { QWILT_API_KEY: undefined },
    );
    // An empty variable counts as unset.
    await refused(["list"], /no Qwilt credentials/, { QWILT_API_KEY: "", QCDN_API_KEY: "  " });
    await refused(
      ["list"],
      /QWILT_USERNAME \(or QCDN_USERNAME\) is set, so QWILT_PASSWORD \(or QCDN_PASSWORD\) is needed too/,
      { QWILT_API_KEY: undefined, QWILT_USERNAME: "ops@example.com" },
    );
    await refused(
      ["list"],
      /QWILT_TIMEOUT_MS must be a whole number of milliseconds from 100 to 600000 \(got "soon"\)/,
      { QWILT_TIMEOUT_MS: "soon" },
    );
    await refused(["list"], /QWILT_MAX_RETRIES must be a whole number of retries from 0 to 10/, {
      QWILT_MAX_RETRIES: "99",
    });
    await refused(
      ["audit"],
      /^qwilt-keys: QWILT_USERS_URL: https is required except for loopback hosts \(127\.0\.0\.0\/8, ::1, localhost\); got http:\/\/users\.example\.com\n$/,
      { QWILT_USERS_URL: "http://users.example.com" },
    );
    await refused(["revoke", "7", "--yes"], /QWILT_LOGIN_URL: https is required/, {
      QWILT_LOGIN_URL: "http://10.0.0.8:8080",
    });
    await refused(
      ["list", "--org", "org-2"],
      /--org needs username\/password credentials \(QWILT_USERNAME .* and QWILT_PASSWORD .*\): an API key works only in the organization it was made in/,
    );
    expect(sim.requests).toEqual([]);
  });

  it("a refused API key: exit 1, in variable terms, never printing it", async () => {
    const wrong = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJub2JvZHkifQ.c2lnbmF0dXJlLW9mLWEtd3Jvbmcta2V5";
    secrets.push(wrong);
    const run = await cli(["list"], { QWILT_API_KEY: wrong });
    expect(run.code).toBe(1);
    expect(run.stdout).toBe("");
    expect(run.stderr).toMatch(
      /^qwilt-keys: listing the organization's keys failed: GET \/api\/1\/api-keys: 401 Unauthorized — unknown API key \(check QWILT_API_KEY \(or QCDN_API_KEY\);.*`qwilt-keys doctor`/,
    );
    expect(run.stderr).not.toMatch(/qwilt:apiKey|pulumi config/);
  });

  it("QCDN_API_KEY works; username/password with --org (or QWILT_ORG_ID) lists that organization", async () => {
    const qcdn = await cli(["list", "--json"], { QWILT_API_KEY: undefined, QCDN_API_KEY: sim.bootstrapKey });
    expect(JSON.parse(qcdn.stdout).organization).toBe("org-1");
    const login = { QWILT_API_KEY: undefined, QWILT_USERNAME: OTHER_USER.email, QWILT_PASSWORD: OTHER_USER.password };
    const viaFlag = await cli(["list", "--json", "--org", "org-2"], login);
    expect(viaFlag.code, viaFlag.stderr).toBe(0);
    expect(JSON.parse(viaFlag.stdout)).toMatchObject({
      organization: "org-2",
      keys: [{ name: "org-2-key", management: "unknown" }],
    });
    const viaEnv = await cli(["list", "--json"], { ...login, QWILT_ORG_ID: "org-2" });
    expect(JSON.parse(viaEnv.stdout).organization).toBe("org-2");
    const notMember = await cli(["list"], { ...login, QWILT_ORG_ID: "org-9" });
    expect(notMember.code).toBe(1);
    expect(notMember.stderr).toMatch(/GET \/login: 403 Forbidden .*organization org-9; check --org \/ QWILT_ORG_ID/);
    // QWILT_ORG_ID with an API key alone is ignored, and said so.
    const ignored = await cli(["list", "--json"], { QWILT_ORG_ID: "org-2" });
    expect(ignored.stderr).toMatch(/warning: QWILT_ORG_ID is ignored with an API key/);
    expect(JSON.parse(ignored.stdout).organization).toBe("org-1");
  });

  it("audit exits 0 when nothing is at error level; state keys of another organization are set aside, and said so", async () => {
    const state = {
      version: 1 as const,
      outputs: {},
      resources: [
        {
          urn: "urn:pulumi:dev::svc::pulumi-nodejs:dynamic/qwilt:ApiKey::elsewhere",
          type: "pulumi-nodejs:dynamic/qwilt:ApiKey",
          id: "org-2/1",
          inputs: {},
          outputs: {
            keyId: "1",
            name: "org-2-key",
            organization: "org-2",
            expiresAt: new Date(Date.now() + 9 * 86_400_000).toISOString(),
          },
          dependencies: [],
          additionalSecretOutputs: ["key"],
        },
      ],
    };
    const run = await cli([
      "audit",
      "--json",
      "--fail-days",
      "0",
      "--warn-days",
      "0",
      "--state",
      file("other-org.json", JSON.stringify(stackExport(state, { project: "svc", stack: "dev" }))),
    ]);
    expect(run.stderr).toMatch(/note: state keys of other organizations were not checked \(org-2: 1\); use --org/);
    const out = JSON.parse(run.stdout);
    expect(out.findings.map((f: { code: string; level: string }) => [f.code, f.level]).sort()).toEqual([
      ["unmanaged", "info"],
      ["unmanaged", "warning"],
    ]);
    expect(out.counts).toEqual({ error: 0, warning: 1, info: 1 });
    expect(run.code).toBe(0);
  });
});

describe("matching by organization, keyId and name", () => {
  it("a keyId reused under another name is not the state's key: the listed key is unmanaged, the state's is missing", async () => {
    const key = (name: string, keyId: string) => ({
      urn: `urn:pulumi:dev::svc::pulumi-nodejs:dynamic/qwilt:ApiKey::${name}`,
      type: "pulumi-nodejs:dynamic/qwilt:ApiKey",
      id: `org-1/${keyId}`,
      inputs: {},
      outputs: { keyId, name, organization: "org-1", expiresAt: new Date(Date.now() + 90 * 86_400_000).toISOString() },
      dependencies: [],
      additionalSecretOutputs: ["key"],
    });
    // keyId 1 is the simulator's bootstrap key, named "bootstrap"; 2 is "read-only".
    const state = { version: 1 as const, outputs: {}, resources: [key("old-deployer", "1"), key("read-only", "2")] };
    const run = await cli([
      "list",
      "--json",
      "--state",
      file("reused.json", JSON.stringify(stackExport(state, { project: "svc", stack: "dev" }))),
    ]);
    const keys = JSON.parse(run.stdout).keys as { keyId: string; management: string }[];
    expect(Object.fromEntries(keys.map((k) => [k.keyId, k.management]))).toMatchObject({
      "1": "unmanaged",
      "2": "managed",
    });
    const audit = JSON.parse((await cli(["audit", "--json", "--state", join(dir, "reused.json")])).stdout);
    expect(audit.findings.filter((f: { code: string }) => f.code === "missing")).toEqual([
      {
        level: "warning",
        code: "missing",
        keyId: "1",
        name: "old-deployer",
        stack: "svc/dev",
        urn: "urn:pulumi:dev::svc::pulumi-nodejs:dynamic/qwilt:ApiKey::old-deployer",
        message: expect.stringContaining("Qwilt no longer lists it"),
      },
    ]);
  });
});

describe("qwilt-keys doctor", () => {
  it("says where each setting came from, whether the credentials work and may write, their expiry, the clock", async () => {
    const run = await cli(["doctor", "--json"], { QWILT_TIMEOUT_MS: "5000" });
    expect(run.code, run.stderr).toBe(0);
    const r = JSON.parse(run.stdout);
    expect(Object.keys(r)).toEqual(["settings", "checks", "organization", "ok"]);
    expect(r.ok).toBe(true);
    expect(r.organization).toBe("org-1");
    const setting = (name: string) => r.settings.find((s: { setting: string }) => s.setting === name);
    expect(setting("apiKey")).toEqual({ setting: "apiKey", source: "QWILT_API_KEY", value: null, secret: true });
    expect(setting("timeoutMs")).toEqual({
      setting: "timeoutMs",
      source: "QWILT_TIMEOUT_MS",
      value: 5000,
      secret: false,
    });
    expect(setting("maxRetries")).toMatchObject({ source: "default", value: 4 });
    expect(setting("usersUrl")).toMatchObject({ source: "QWILT_USERS_URL", value: sim.url });
    const check = (name: string) => r.checks.find((c: { check: string }) => c.check === name);
    expect(r.checks.map((c: { check: string }) => c.check)).toEqual([
      "settings",
      "https",
      "credentials",
      "list",
      "permission",
      "expiry",
      "clock",
    ]);
    expect(check("https").message).toMatch(/plain http, allowed for a loopback host only/);
    expect(check("permission")).toMatchObject({
      status: "ok",
      message: expect.stringMatching(/an editor key \(key 1 "bootstrap"\): may create and revoke keys/),
    });
    expect(check("expiry")).toMatchObject({ status: "ok", message: expect.stringMatching(/expires in 36[45] days/) });
    expect(check("clock")).toMatchObject({ status: "ok", message: "within a second of the API's clock" });

    const table = await cli(["doctor"]);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^Settings\nSETTING +VALUE +FROM\napiKey +set \(secret\) +QWILT_API_KEY\n/);
    expect(table.stdout.trimEnd().split("\n").at(-1)).toBe("The credentials work for organization org-1.");
  });

  it("a login may write (a revoke of a keyId no key has answers 404); a Viewer key may not; nothing is revoked", async () => {
    const before = sim.liveKeys().length;
    const login = await cli(["doctor", "--json", "--org", "org-2"], {
      QWILT_API_KEY: undefined,
      QWILT_USERNAME: OTHER_USER.email,
      QWILT_PASSWORD: OTHER_USER.password,
    });
    const r = JSON.parse(login.stdout);
    expect(r.checks.find((c: { check: string }) => c.check === "login").status).toBe("ok");
    expect(r.checks.find((c: { check: string }) => c.check === "permission")).toMatchObject({
      status: "ok",
      message: expect.stringMatching(/may create and revoke keys \(revoking the keyId .* answered 404, not 403\)/),
    });
    expect(r.settings.find((s: { setting: string }) => s.setting === "password")).toEqual({
      setting: "password",
      source: "QWILT_PASSWORD",
      value: null,
      secret: true,
    });
    expect(r.organization).toBe("org-2");

    const viewerKey = sim.createKey("org-1", {
      name: "doctor-viewer",
      permission: "MediaViewer",
      ttl: 10,
      active: true,
    }).apiToken;
    secrets.push(viewerKey);
    const viewer = JSON.parse((await cli(["doctor", "--json"], { QWILT_API_KEY: viewerKey })).stdout);
    expect(viewer.ok).toBe(true);
    expect(viewer.checks.find((c: { check: string }) => c.check === "permission")).toMatchObject({
      status: "warn",
      message: expect.stringMatching(/^a viewer key .*may only read/),
    });
    expect(viewer.checks.find((c: { check: string }) => c.check === "expiry")).toMatchObject({
      status: "warn",
      message: expect.stringMatching(/expires in 9 days/),
    });
    expect(sim.liveKeys().length).toBe(before + 1);
  });

  it("shows what it can when the configuration is unusable (exit 2) or the API refuses (exit 1)", async () => {
    const http = await cli(["doctor"], { QWILT_USERS_URL: "http://users.example.com" });
    expect(http.code).toBe(2);
    expect(http.stdout).toMatch(/usersUrl +http:\/\/users\.example\.com +QWILT_USERS_URL/);
    expect(http.stdout).toMatch(/https +fail +QWILT_USERS_URL: https is required/);
    const none = await cli(["doctor", "--json"], { QWILT_API_KEY: undefined });
    expect(none.code).toBe(2);
    expect(JSON.parse(none.stdout).checks.at(-1)).toMatchObject({ check: "credentials", status: "fail" });
    const wrong = await cli(["doctor"], { QWILT_API_KEY: "not-a-real-key-at-all" });
    expect(wrong.code).toBe(1);
    expect(wrong.stdout).toMatch(/list +fail +GET \/api\/1\/api-keys: 401 Unauthorized/);
    // doctor's own hints do not send the reader to doctor.
    expect(wrong.stdout).toMatch(/check QWILT_API_KEY/);
    expect(wrong.stdout).not.toContain("qwilt-keys doctor");
    expect(wrong.stdout).not.toContain("not-a-real-key-at-all");
    const badLogin = await cli(["doctor"], {
      QWILT_API_KEY: undefined,
      QWILT_USERNAME: OTHER_USER.email,
      QWILT_PASSWORD: "wrong password",
    });
    expect(badLogin.code).toBe(1);
    expect(badLogin.stdout).toMatch(/login +fail +GET \/login: 401 Unauthorized/);
    expect(badLogin.stdout).not.toContain("wrong password");
    const userInUrl = await cli(["doctor", "--json"], { QWILT_LOGIN_URL: "https://me:hunter22@login.example.com" });
    expect(userInUrl.stdout).not.toContain("hunter22");
    expect(userInUrl.code).toBe(2);
  });
});

describe("list's table and timeline", () => {
  it("the timeline: today's column shows in every row, column 0 too; a one-day key keeps both ends; ◆ only inside", async () => {
    const { keyId, apiToken } = sim.createKey("org-1", {
      name: "one-day",
      permission: "MediaViewer",
      ttl: 1,
      active: true,
    });
    secrets.push(apiToken);
    try {
      const made = sim.keys().find((k) => k.keyId === keyId)!;
      const state = {
        version: 1 as const,
        outputs: {},
        resources: [
          {
            urn: "urn:pulumi:dev::svc::pulumi-nodejs:dynamic/qwilt:ApiKey::short",
            type: "pulumi-nodejs:dynamic/qwilt:ApiKey",
            id: `org-1/${keyId}`,
            inputs: {},
            // Its rotateAt half a day in: on a year-long axis, the same column as both its ends.
            outputs: {
              keyId,
              name: "one-day",
              organization: "org-1",
              expiresAt: made.expireAt,
              rotateAt: new Date(Date.parse(made.createdAt) + 43_200_000).toISOString(),
            },
            dependencies: [],
            additionalSecretOutputs: ["key"],
          },
        ],
      };
      const source = file("short.json", JSON.stringify(stackExport(state, { project: "svc", stack: "dev" })));
      const run = await cli(["list", "--timeline", "--state", source], { COLUMNS: "100" });
      expect(run.code, run.stderr).toBe(0);
      const lines = run.stdout.split("\n");
      // Every key here was made within seconds of now, the axis's start: today is column 0.
      const today = lines[1]!.indexOf("▼");
      const rows = lines.slice(2, lines.indexOf(""));
      expect(rows.length).toBeGreaterThanOrEqual(2);
      for (const row of rows) expect(row.charAt(today), row).toBe("┼");
      const short = rows.find((l) => l.startsWith(`${keyId} `))!;
      expect(short.slice(today, today + 2)).toBe("┼┤");
      expect(short).not.toContain("◆");
      const bootstrap = rows.find((l) => l.startsWith("1 "))!;
      expect(bootstrap.slice(today)).toMatch(/^┼─+┤ /);

      // The table: a STACK column with --state, none without (it would be empty).
      const withState = (await cli(["list", "--state", source])).stdout.split("\n");
      expect(withState[0]).toMatch(/^KEY ID +NAME +PERMISSION +EXPIRES +LEFT +STATUS +MANAGEMENT +STACK$/);
      expect(withState.find((l) => l.startsWith(`${keyId} `))).toMatch(/ managed +svc\/dev$/);
      const bare = (await cli(["list"])).stdout.split("\n");
      expect(bare[0]).toMatch(/^KEY ID +NAME +PERMISSION +EXPIRES +LEFT +STATUS +MANAGEMENT$/);
      expect(bare.find((l) => l.startsWith(`${keyId} `))).toMatch(/ unknown$/);
    } finally {
      sim.revokeKey("org-1", keyId);
    }
  });
});

describe("qwilt-keys revoke's output", () => {
  it("one line per keyId, in the order given, the keyIds in a column; no 'unknown' management without --state", async () => {
    // keyId 2 is "read-only"; 9999 and 12345 are no key.
    const run = await cli(["revoke", "9999", "2", "12345"]);
    expect(run.code).toBe(1);
    expect(run.stdout.split("\n").filter(Boolean)).toEqual([
      "gone     9999   not listed in organization org-1: unknown or already revoked",
      expect.stringMatching(
        /^kept {5}2 {6}"read-only" \(viewer, expires \d{4}-\d\d-\d\d\): not revoked; without a terminal, give --yes to revoke$/,
      ),
      "gone     12345  not listed in organization org-1: unknown or already revoked",
    ]);
  });

  it("a state that cannot be read: 'nothing revoked' first, then the stacks, exit 2", async () => {
    const root = join(dir, "diy-broken");
    mkdirSync(join(root, ".pulumi", "stacks", "svc"), { recursive: true });
    writeFileSync(join(root, ".pulumi", "stacks", "svc", "broken.json"), "{");
    const run = await cli(["revoke", "2", "--yes", "--state", root]);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toMatch(
      /^qwilt-keys: nothing revoked: 1 stack could not be read, so which keys it manages is unknown:\n {2}svc\/broken: .*broken\.json is not valid JSON\n$/,
    );
    expect(sim.liveKeys().some((k) => k.keyId === "2")).toBe(true);
  });
});

describe("key names are anyone's to choose", () => {
  it("control characters never reach a terminal, a workflow command or Markdown", async () => {
    const hostile = "evil\n::error title=pwned::owned\x1b[31m|<b>x</b>";
    const k = sim.createKey("org-1", { name: hostile, permission: "MediaEditor", ttl: 2, active: true });
    secrets.push(k.apiToken);
    try {
      const table = await cli(["list"]);
      expect(table.stdout).not.toContain("\x1b");
      expect(table.stdout).toContain("evil\ufffd::error title=pwned::owned\ufffd[31m|<b>x</b>");
      const gh = await cli(["audit", "--format", "github"]);
      expect(gh.stdout.split("\n").filter((l) => l.startsWith("::error"))).toEqual([
        expect.stringMatching(
          new RegExp(
            `^::error title=qwilt-keys expires-soon key ${k.keyId}::"evil\ufffd::error title=pwned::owned\ufffd\\[31m`,
          ),
        ),
      ]);
      expect(gh.stdout).not.toMatch(/^::error title=pwned/m);
      const md = await cli(["audit", "--format", "markdown"]);
      // The heading names the organization; the summary under it does not again.
      expect(md.stdout).toMatch(
        /^### qwilt-keys audit: org-1\n\n\d+ errors?, \d+ warnings?, \d+ info \(\d+ keys, no --state\)\n/,
      );
      expect(md.stdout).toContain("evil\ufffd::error title=pwned::owned\ufffd\\[31m\\|\\<b\\>x\\</b\\>");
    } finally {
      sim.revokeKey("org-1", k.keyId);
    }
  });
});
