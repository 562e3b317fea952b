/**
 * `qwilt-keys` (the packed package's bin, in a child process) never prints a configured secret, whichever
 * credential it uses: an API answer that echoes the API key, the password (of the credential not in use) and
 * the Pulumi access token reaches every command's output redacted. The secrets here are plain strings, not
 * JWTs, so no pattern catches them: only knowing them does.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSimulator, type Simulator } from "../sdk/simulator";
import { runCli, type CliRun } from "./helpers/qwilt-keys-bin";

const API_KEY = "plain-api-key-value-0123456789";
const PASSWORD = "plain password that is long enough";
const QCDN_PASSWORD = "another-password-in-qcdn-variable";
const PULUMI_TOKEN = "pul-plain-token-abcdef0123456789";
const SECRETS = [API_KEY, PASSWORD, QCDN_PASSWORD, PULUMI_TOKEN];

let sim: Simulator;

beforeAll(async () => {
  sim = await startSimulator();
  sim.addUser("org-1", "ops@example.com", PASSWORD);
});
afterAll(async () => {
  await sim?.close();
});

const env = (extra: Record<string, string> = {}) => ({
  QWILT_USERS_URL: sim.url,
  QWILT_LOGIN_URL: sim.url,
  QWILT_API_KEY: API_KEY,
  QWILT_USERNAME: "ops@example.com",
  QWILT_PASSWORD: PASSWORD,
  QCDN_PASSWORD,
  PULUMI_ACCESS_TOKEN: PULUMI_TOKEN,
  QWILT_MAX_RETRIES: "0",
  ...extra,
});

/** Every answer of the api-keys API (and of /login) is a 400 echoing every secret. */
function echoEverySecret(): string {
  return sim.faults.add({
    path: /^\/(api\/1\/api-keys|login)/,
    status: 400,
    times: Infinity,
    body: JSON.stringify({ message: `bad request from ${SECRETS.join(" and ")}` }),
  });
}

function expectRedacted(run: CliRun): void {
  const all = `${run.stdout}\n${run.stderr}`;
  for (const secret of SECRETS) expect(all, `${secret} printed`).not.toContain(secret);
  // The echo reached the output, redacted: the test would see a secret if one were printed.
  expect(all).toContain("bad request from [REDACTED] and [REDACTED] and [REDACTED] and [REDACTED]");
}

describe("configured secrets never reach the output", () => {
  it("list, audit, revoke, doctor and probe, with the API key in use (the password and token echoed too)", async () => {
    const fault = echoEverySecret();
    try {
      for (const args of [
        ["list"],
        ["list", "--json"],
        ["audit", "--format", "github"],
        ["revoke", "5", "--yes"],
        ["doctor"],
        ["doctor", "--json"],
        ["probe", "--json"],
      ]) {
        const run = await runCli(args, { env: env() });
        expect(run.code, args.join(" ")).toBe(1);
        expectRedacted(run);
      }
    } finally {
      sim.faults.remove(fault);
    }
  });

  it("with username/password in use (--org): the API key and the token echoed", async () => {
    const fault = echoEverySecret();
    try {
      for (const args of [
        ["list", "--org", "org-1"],
        ["doctor", "--org", "org-1"],
      ]) {
        const run = await runCli(args, { env: env() });
        expect(run.code, args.join(" ")).toBe(1);
        expectRedacted(run);
      }
    } finally {
      sim.faults.remove(fault);
    }
  });
});
