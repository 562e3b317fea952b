/**
 * `qwilt-keys probe`: the real bin of the packed package, in a child process, against the simulator (which
 * follows every assumption), against the simulator made to differ (revoke answering 405, the list not where we
 * assume it), and against a tiny scripted server whose /login is not Qwilt's. It makes at most one key and
 * revokes it, names the key it could not revoke, and never prints a key.
 */
import { afterEach, describe, expect, it } from "vitest";
import { ASSUMPTIONS } from "../sdk/qwilt-api";
import { startSimulator, type SimKey, type Simulator, type SimulatorOptions } from "../sdk/simulator";
import { expectNoSecrets, runCli, type CliRun } from "./helpers/qwilt-keys-bin";
import { startScriptedServer } from "./helpers/scripted-server";

type Row = { id: string; statement: string; source: string; verdict: string; observed: string };
type Report = { assumptions: Row[]; leftover: null | { keyId: string; name: string; expiresAt: string } };

const CONTRACT_IDS = [
  "create",
  "list-path",
  "get-path",
  "viewer-permission",
  "revoke-path",
  "revoked-get-404",
  "revoked-not-listed",
  "login-302-cookie",
];
const PROBE_NAME = /^qwilt-keys-probe-[0-9a-f]{8}$/;

let sims: Simulator[] = [];
afterEach(async () => {
  await Promise.all(sims.map((s) => s.close()));
  sims = [];
});
async function simulator(o: SimulatorOptions = {}) {
  const sim = await startSimulator(o);
  sims.push(sim);
  return sim;
}
const keyEnv = (sim: Simulator) => ({
  QWILT_USERS_URL: sim.url,
  QWILT_LOGIN_URL: sim.url,
  QWILT_API_KEY: sim.bootstrapKey,
});
const probeKeys = (sim: Simulator): SimKey[] => sim.keys().filter((k) => PROBE_NAME.test(k.name));

async function probeJson(
  env: Record<string, string>,
  extra: string[] = [],
): Promise<{ run: CliRun; report: Report; verdicts: Record<string, string> }> {
  const run = await runCli(["probe", "--json", "--activation-timeout", "10", ...extra], { env });
  const report = JSON.parse(run.stdout) as Report;
  return { run, report, verdicts: Object.fromEntries(report.assumptions.map((a) => [a.id, a.verdict])) };
}

describe("qwilt-keys probe against the simulator", () => {
  it("--json: every assumption of sdk/qwilt-api.ts, one row each, in the contract's shape; one key made and revoked; exit 0", async () => {
    const sim = await simulator({ propagationDelayMs: 300 });
    const { run, report, verdicts } = await probeJson(keyEnv(sim));
    expect(run.code, run.stderr).toBe(0);
    expect(Object.keys(report)).toEqual(["assumptions", "leftover"]);
    expect(report.leftover).toBeNull();
    expect(report.assumptions.map((a) => a.id)).toEqual(ASSUMPTIONS.map((a) => a.id));
    for (const row of report.assumptions) {
      expect(Object.keys(row)).toEqual(["id", "statement", "source", "verdict", "observed"]);
      expect(["documented", "assumed"]).toContain(row.source);
      expect(["confirmed", "contradicted", "unknown"]).toContain(row.verdict);
      expect(row.observed.length).toBeGreaterThan(0);
    }
    expect(report.assumptions.find((a) => a.id === "revoke-path")).toMatchObject({
      source: "assumed",
      statement: expect.stringContaining("DELETE /api/1/api-keys/{keyId}"),
    });
    for (const id of CONTRACT_IDS.filter((i) => i !== "login-302-cookie")) expect(verdicts[id], id).toBe("confirmed");
    expect(verdicts).toMatchObject({
      "activation-5-minutes": "confirmed",
      "viewer-reads": "confirmed",
      "viewer-cannot-write": "confirmed",
      "wrong-key-401": "confirmed",
      "key-is-jwt": "confirmed",
    });
    expect(verdicts["login-302-cookie"]).toBe("unknown"); // an API key: no login to check
    expect(Object.values(verdicts)).not.toContain("contradicted");

    // At most one key: a viewer key for one day, saying what made it, revoked.
    const made = probeKeys(sim);
    expect(made).toHaveLength(1);
    expect(made[0]).toMatchObject({
      permission: "MediaViewer",
      ttl: 1,
      revoked: true,
      description: expect.stringContaining("qwilt-keys probe"),
    });
    expect(run.stderr).toContain(`"${made[0]!.name}"`);
    expectNoSecrets(run, [sim.bootstrapKey]);
  });

  it("with username/password it checks the login too", async () => {
    const sim = await simulator();
    const { run, verdicts } = await probeJson({
      QWILT_USERS_URL: sim.url,
      QWILT_LOGIN_URL: sim.url,
      QWILT_USERNAME: sim.user.email,
      QWILT_PASSWORD: sim.user.password,
    });
    expect(run.code, run.stderr).toBe(0);
    expect(verdicts).toMatchObject({
      "login-302-cookie": "confirmed",
      "login-bearer": "confirmed",
      "login-token-names-org": "confirmed",
      "api-key-header": "confirmed",
    });
    expectNoSecrets(run, [sim.user.password, sim.bootstrapKey]);
  });

  it("the table for a person: a row per assumption and a summary", async () => {
    const sim = await simulator();
    const run = await runCli(["probe", "--activation-timeout", "10"], { env: keyEnv(sim) });
    expect(run.code, run.stderr).toBe(0);
    const lines = run.stdout.split("\n");
    expect(lines[0]).toMatch(/^ASSUMPTION\s+SOURCE\s+VERDICT\s+OBSERVED$/);
    for (const a of ASSUMPTIONS) expect(lines.some((l) => l.startsWith(`${a.id} `))).toBe(true);
    expect(run.stdout).toMatch(
      new RegExp(`${ASSUMPTIONS.length} assumptions: \\d+ confirmed, 0 contradicted, \\d+ unknown\\.`),
    );
    expect(run.stdout).not.toContain("LEFT BEHIND");
  });

  it("bad usage exits 2 and names the flag", async () => {
    const sim = await simulator();
    const run = await runCli(["probe", "--activation-timeout", "soon"], { env: keyEnv(sim) });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("--activation-timeout must be a whole number of seconds from 0 to 3600");
    expect(sim.requests).toEqual([]);
  });
});

describe("qwilt-keys probe against an API that differs", () => {
  it("revoke answering 405: revoke-path contradicted, the key left named with its expiry, exit 1", async () => {
    const sim = await simulator();
    sim.faults.add({
      method: "DELETE",
      path: /^\/api\/1\/api-keys\/\d+$/,
      status: 405,
      times: Infinity,
      body: '{"message":"Method Not Allowed"}',
    });
    const { run, report, verdicts } = await probeJson(keyEnv(sim));
    expect(run.code).toBe(1);
    expect(verdicts["revoke-path"]).toBe("contradicted");
    expect(report.assumptions.find((a) => a.id === "revoke-path")!.observed).toContain("405");
    const [left] = probeKeys(sim);
    expect(left!.revoked).toBe(false);
    expect(report.leftover).toEqual({ keyId: left!.keyId, name: left!.name, expiresAt: left!.expireAt });
    expect(run.stderr).toContain(`LEFT BEHIND: keyId ${left!.keyId} "${left!.name}" could not be revoked`);
    expect(run.stderr).toContain("expires within a day");
    // What needs a revoke was not reached, and says so.
    expect(verdicts).toMatchObject({
      "revoked-get-404": "unknown",
      "revoked-not-listed": "unknown",
      create: "confirmed",
      "get-path": "confirmed",
    });
    expectNoSecrets(run, [sim.bootstrapKey]);

    // The table says the same, for a person.
    sim.revokeKey(sim.user.orgId, left!.keyId);
    const table = await runCli(["probe", "--activation-timeout", "10"], { env: keyEnv(sim) });
    expect(table.code).toBe(1);
    expect(table.stdout).toMatch(
      /^revoke-path\s+assumed\s+contradicted\s+DELETE \/api\/1\/api-keys\/\d+: 405 Method Not Allowed/m,
    );
    expect(table.stdout).toContain(
      "Contradicted:\n  revoke-path (assumed): DELETE /api/1/api-keys/{keyId} revokes that key for good",
    );
    expect(table.stdout).toMatch(
      /LEFT BEHIND: keyId \d+ "qwilt-keys-probe-[0-9a-f]{8}" could not be revoked; it is a viewer key and expires within a day/,
    );
    expect(table.stdout).toContain("please open an issue with the output of `qwilt-keys probe --json`");
  });

  it("the list not at the assumed path: list-path contradicted, the rest still checked, no key left", async () => {
    const sim = await simulator();
    sim.faults.add({ method: "GET", path: "/api/1/api-keys", status: 404, times: Infinity });
    const { run, report, verdicts } = await probeJson(keyEnv(sim));
    expect(run.code).toBe(1);
    expect(verdicts).toMatchObject({
      "list-path": "contradicted",
      create: "confirmed",
      "get-path": "confirmed",
      "revoke-path": "confirmed",
      "revoked-get-404": "confirmed",
    });
    // Checks that needed the list are unknown, not blamed.
    expect(verdicts).toMatchObject({ "revoked-not-listed": "unknown", "activation-5-minutes": "unknown" });
    expect(report.assumptions.find((a) => a.id === "revoked-not-listed")!.observed).toContain(
      "list-path is what that contradicts",
    );
    expect(report.leftover).toBeNull();
    expect(probeKeys(sim).map((k) => k.revoked)).toEqual([true]);
  });

  it("a login that answers 200 (a web page, not Qwilt's 302): login-302-cookie contradicted, nothing made", async () => {
    const server = await startScriptedServer(() => ({
      status: 200,
      headers: { "content-type": "text/html" },
      body: "<html>sign in</html>",
    }));
    try {
      const { run, verdicts, report } = await probeJson({
        QWILT_USERS_URL: server.url,
        QWILT_LOGIN_URL: server.url,
        QWILT_USERNAME: "someone@example.com",
        QWILT_PASSWORD: "pw-0123456789",
      });
      expect(run.code).toBe(1);
      expect(verdicts["login-302-cookie"]).toBe("contradicted");
      expect(report.assumptions.find((a) => a.id === "login-302-cookie")!.observed).toContain("200");
      expect(run.stderr).toContain("qwilt-keys: the login failed");
      expect(server.requests.map((r) => `${r.method} ${r.path}`)).toEqual(["GET /login"]);
      expectNoSecrets(run, ["pw-0123456789"]);
    } finally {
      await server.close();
    }
  });
});
