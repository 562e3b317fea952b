/**
 * The live acceptance suite's own machinery, run as a user runs it (`node scripts/test-live.js`, what
 * `npm run test:live` calls after building) against a simulator: it skips, saying why, without QWILT_LIVE;
 * the sweeper (`--sweep`) revokes only live-suite keys older than an hour. The suite itself runs in
 * `npm test` against the simulator as its own process (scripts/test-live-simulator.js).
 */
import { spawn } from "node:child_process";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSimulator, type Simulator } from "../sdk/simulator";
import { expectNoSecrets, type CliRun } from "./helpers/qwilt-keys-bin";
import { REPO } from "./helpers/packed-project";

const HOUR = 60 * 60 * 1000;

function testLive(args: string[], env: Record<string, string>): Promise<CliRun> {
  const child = spawn(process.execPath, [join(REPO, "scripts/test-live.js"), ...args], {
    cwd: REPO,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d) => (stdout += d));
  child.stderr.on("data", (d) => (stderr += d));
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator();
});
afterAll(() => sim.close());
const apiEnv = () => ({ QWILT_USERS_URL: sim.url, QWILT_LOGIN_URL: sim.url, QWILT_API_KEY: sim.bootstrapKey });

/** A one-day viewer key of the simulator's organization, made `agoMs` before the simulator's now. */
function keyMadeAgo(name: string, agoMs: number) {
  const now = sim.clock.now();
  sim.clock.set(new Date(now.getTime() - agoMs));
  try {
    return sim.createKey(sim.user.orgId, { name, permission: "MediaViewer", ttl: 1, active: true });
  } finally {
    sim.clock.set(now);
  }
}

describe("npm run test:live", () => {
  it("without QWILT_LIVE=1 it runs nothing, says why and what it needs, and exits 0", async () => {
    const before = sim.requests.length;
    const run = await testLive([], apiEnv());
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("test:live: skipped: QWILT_LIVE is not 1");
    expect(run.stdout).toContain("QWILT_API_KEY");
    expect(sim.requests.length).toBe(before);
  });

  it("with QWILT_LIVE=1 but no credentials it says which variables, and exits 2", async () => {
    const run = await testLive([], { QWILT_LIVE: "1", QWILT_USERS_URL: sim.url });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("no Qwilt credentials");
    expect(run.stderr).toContain("QWILT_API_KEY");
  });

  it("a run that fails half-way still revokes every key it made, and says which", { timeout: 240_000 }, async () => {
    // Its own simulator: the first list (the new key's activation check, without retries) answers 500.
    const failing = await startSimulator();
    try {
      failing.faults.add({ method: "GET", path: "/api/1/api-keys", status: 500 });
      const env = {
        QWILT_LIVE: "1",
        QWILT_LIVE_RUN_ID: "halfway",
        QWILT_MAX_RETRIES: "0",
        QWILT_USERS_URL: failing.url,
        QWILT_LOGIN_URL: failing.url,
        QWILT_API_KEY: failing.bootstrapKey,
      };
      const run = await testLive([], env);
      expect(run.code, run.stdout + run.stderr).toBe(1);
      const made = failing.keys().filter((k) => k.name.startsWith("pqak-live-halfway-"));
      expect(made.map((k) => [k.name.replace(/[0-9a-f]{7}$/, "*"), k.permission, k.ttl])).toEqual([
        ["pqak-live-halfway-main-*", "MediaViewer", 1],
      ]);
      expect(made.every((k) => k.revoked)).toBe(true);
      expect(run.stdout).toContain(`cleanup: revoked keyId ${made[0]!.keyId} "${made[0]!.name}"`);
      expect(run.stdout).toContain("cleanup: 1 revoked, 0 already gone, 0 could not be revoked");
      expect(run.stdout).toMatch(/1 failed.*5 skipped/);
      expectNoSecrets(run, [failing.bootstrapKey]);
    } finally {
      await failing.close();
    }
  });

  it("--sweep revokes pqak-live-* keys older than an hour, and nothing else", async () => {
    const old = keyMadeAgo("pqak-live-oldrun-main-1a2b3c4", 2 * HOUR);
    const oldOther = keyMadeAgo("deployer-1a2b3c4", 2 * HOUR);
    const young = keyMadeAgo("pqak-live-running-main-5d6e7f8", 30 * 60 * 1000);

    const run = await testLive(["--sweep"], { QWILT_LIVE: "1", ...apiEnv() });
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`sweep: revoked keyId ${old.keyId} "pqak-live-oldrun-main-1a2b3c4"`);
    expect(run.stdout).toContain("sweep: 1 revoked, 0 already gone, 0 could not be revoked");
    const live = sim.liveKeys().map((k) => k.keyId);
    expect(live).not.toContain(old.keyId);
    expect(live).toEqual(expect.arrayContaining([oldOther.keyId, young.keyId]));
    expectNoSecrets(run, [sim.bootstrapKey, old.apiToken, young.apiToken, oldOther.apiToken]);
  });

  it("--sweep exits 1 and names the key when a revoke fails", async () => {
    const old = keyMadeAgo("pqak-live-stuck-main-0a0b0c0", 2 * HOUR);
    sim.faults.add({ method: "DELETE", path: `/api/1/api-keys/${old.keyId}`, status: 403 });
    const run = await testLive(["--sweep"], { QWILT_LIVE: "1", ...apiEnv() });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(`sweep: could NOT revoke keyId ${old.keyId} "pqak-live-stuck-main-0a0b0c0"`);
    expect(run.stdout).toContain("0 revoked, 0 already gone, 1 could not be revoked");
    expect(sim.liveKeys().map((k) => k.keyId)).toContain(old.keyId);
  });
});
