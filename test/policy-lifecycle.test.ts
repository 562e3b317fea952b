/**
 * The shipped policy pack in a stack's lifecycle, through the lifecycle harness: the pack runs as
 * `pulumi up --policy-pack node_modules/pulumi-qwilt-api-keys/policy-pack` runs it (its own
 * process, its folder as working directory, @pulumi/policy's real Analyzer service), and the
 * harness calls it where the engine calls analyzers: after Check, before the resource's step. A
 * mandatory violation fails a preview at its end and stops an up before any key is made.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callCounts } from "./lifecycle/harness/api-calls.js";
import type { RunResult } from "./lifecycle/harness/run-program.js";
import type { HarnessStack } from "./lifecycle/harness/stack.js";
import { Scenario } from "./lifecycle/scenario";

/** The pack's version as the CLI reports it: its package.json's. */
const PACK_VERSION: string = JSON.parse(
  readFileSync(join(__dirname, "..", "policy-pack", "package.json"), "utf8"),
).version;

const KEYS = "/api/1/api-keys";
const MAX_VALIDITY = "qwilt-api-key-max-validity";
const TOO_LONG =
  'ApiKey "deployer" is valid for 365 days (validForDays: 365), longer than the 90 days allowed. Set validForDays to 90 or less.';

let s: Scenario;
let stack: HarnessStack;
const run = (label: string, op: (stack: HarnessStack) => Promise<RunResult & { output: string }>) =>
  s.step(label, () => op(stack));
const violations = (r: RunResult) =>
  (r.policyViolations ?? []).map((v) => [v.name, v.policyName, v.enforcementLevel, v.message.split("\n").pop()]);

beforeAll(async () => {
  s = await Scenario.open("09-policy-pack", { driver: "harness" });
  stack = s.stack as HarnessStack;
  stack.policyPacks = [{ path: join(s.projectDir, "node_modules/pulumi-qwilt-api-keys/policy-pack") }];
});
afterAll(() => s?.close());

describe("the shipped policy pack, run by the harness as `--policy-pack` runs it", { timeout: 120_000 }, () => {
  it("preview: reports the mandatory violation, shows every step, and fails", async () => {
    const preview = await run("preview (violation)", (st) => st.preview());
    expect(preview.ok).toBe(false);
    expect(preview.errors).toEqual([`deployer: mandatory policy violation: ${MAX_VALIDITY}: ${TOO_LONG}`]);
    expect(violations(preview)).toEqual([["deployer", MAX_VALIDITY, "mandatory", TOO_LONG]]);
    // Every resource was checked, then analyzed; the CI secret too (another type: left alone).
    const calls = preview.calls!.map((c) => `${c.method} ${c.name}`);
    for (const name of ["deployer", "reporting", "deployer-ci"])
      expect(calls.filter((c) => c.endsWith(` ${name}`))).toEqual([`Check ${name}`, `Analyze ${name}`]);
    expect(preview.steps!.map((st) => [st.op, st.name]).sort()).toEqual([
      ["create", "deployer"],
      ["create", "deployer-ci"],
      ["create", "reporting"],
    ]);
    expect(preview.output).toContain(`policy qwilt-api-keys@v${PACK_VERSION} ${MAX_VALIDITY} [mandatory] deployer:`);
  });

  it("up: stops at the violation, before any key is made", async () => {
    const up = await run("up (violation)", (st) => st.up());
    expect(up.ok).toBe(false);
    expect(up.errors).toEqual([`deployer: analyze failed: mandatory policy violation: ${MAX_VALIDITY}: ${TOO_LONG}`]);
    expect(up.calls!.map((c) => `${c.method} ${c.name}`)).toEqual(["Check deployer", "Analyze deployer"]);
    expect(up.steps!.map((st) => [st.op, st.name, Boolean(st.error)])).toEqual([["analyze", "deployer", true]]);
    // Not one API call, no key in Qwilt, nothing in the state.
    expect(up.api).toEqual([]);
    expect(s.sim.liveKeys().map((k) => k.name)).toEqual(["bootstrap"]);
    expect(await s.resources()).toEqual([]);
    expect(s.ciSecret()).toBeUndefined();
  });

  it("up with the key fixed: every key is made, and no policy objects", async () => {
    stack.config.validForDays = "60";
    const up = await run("up (fixed)", (st) => st.up());
    Scenario.expectOk(up);
    expect(up.policyViolations).toEqual([]);
    expect(callCounts(up.api)).toMatchObject({ [`POST ${KEYS} 201`]: 2 });
    expect(
      s
        .liveKeys()
        .map((k) => [k.name.replace(/-[0-9a-f]{7}$/, ""), k.ttl])
        .sort(),
    ).toEqual([
      ["deployer", 60],
      ["reporting", 90],
    ]);
    expect(s.ciSecret()?.keyId).toBe((await s.resource("deployer")).outputs.keyId);
  });

  it("--policy-pack-config: a stricter maximum at advisory level reports the keys and lets the up through", async () => {
    const file = join(s.projectDir, "policy-config.json");
    writeFileSync(file, JSON.stringify({ [MAX_VALIDITY]: { enforcementLevel: "advisory", maxValidForDays: 30 } }));
    stack.policyPacks = [{ ...stack.policyPacks[0]!, config: file }];
    const up = await run("up (advisory config)", (st) => st.up());
    Scenario.expectOk(up);
    expect(violations(up)).toEqual([
      [
        "deployer",
        MAX_VALIDITY,
        "advisory",
        'ApiKey "deployer" is valid for 60 days (validForDays: 60), longer than the 30 days allowed. Set validForDays to 30 or less.',
      ],
      [
        "reporting",
        MAX_VALIDITY,
        "advisory",
        'ApiKey "reporting" is valid for 90 days (validForDays: 90), longer than the 30 days allowed. Set validForDays to 30 or less.',
      ],
    ]);
    // Nothing changed: no step but "same", no API call.
    expect(up.steps!.map((st) => st.op)).toEqual(["same", "same", "same"]);
    expect(up.api).toEqual([]);
  });

  it("--policy-pack-config with a misspelt setting, which the engine's validation lets through: the up stops at the first resource, before any step", async () => {
    const file = join(s.projectDir, "policy-config.json");
    writeFileSync(file, JSON.stringify({ [MAX_VALIDITY]: { maxValidDays: 30 } }));
    stack.config.validForDays = "30";
    const up = await run("up (misspelt config)", (st) => st.up());
    expect(up.ok).toBe(false);
    expect(up.errors).toEqual([
      expect.stringContaining(
        `deployer: analyze failed: 2 UNKNOWN: Error validating resource with policy '${MAX_VALIDITY}' from policy pack 'qwilt-api-keys@v${PACK_VERSION}':\nPolicyConfigError: policy ${MAX_VALIDITY}: config has an unknown key "maxValidDays": its keys are maxValidForDays (and enforcementLevel)`,
      ),
    ]);
    expect(up.calls!.map((c) => `${c.method} ${c.name}`)).toEqual(["Check deployer", "Analyze deployer"]);
    expect(up.steps!.map((st) => [st.op, st.name, Boolean(st.error)])).toEqual([["analyze", "deployer", true]]);
    expect(up.api).toEqual([]);
    expect(
      s
        .liveKeys()
        .map((k) => k.ttl)
        .sort(),
    ).toEqual([60, 90]);
  });
});
