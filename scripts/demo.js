#!/usr/bin/env node
// `npm run demo`: the bundled Qwilt simulator plus `pulumi up` on the demo project (Pulumi.yaml,
// demo/index.js): create, a no-op second up, a rotation after moving the clock, destroy.
// Without the Pulumi CLI it runs the same lifecycle through Pulumi's real provider plugin with the
// lifecycle harness (test/lifecycle/harness) playing the engine's part, and says so.
"use strict";
const { spawnSync } = require("node:child_process");
const { copyFileSync, mkdtempSync, rmSync, symlinkSync, mkdirSync, lstatSync } = require("node:fs");
const { tmpdir } = require("node:os");
const { join, resolve } = require("node:path");

const REPO = resolve(__dirname, "..");
const { startSimulator } = require(join(REPO, "dist/sdk/simulator"));

const DAY = 24 * 60 * 60 * 1000;
// Bold on a terminal only, never with NO_COLOR (https://no-color.org) or TERM=dumb, as qwilt-keys does (cli/output/colour.ts).
const colour = process.stdout.isTTY === true && !process.env.NO_COLOR && process.env.TERM !== "dumb";
const bold = (s) => (colour ? `\x1b[1m${s}\x1b[22m` : s);
const say = (s) => console.log(`\n${bold(`== ${s}`)}`);

function hasPulumi() {
  return spawnSync("pulumi", ["version"], { stdio: "ignore" }).status === 0;
}

/** The demo program requires the package by name, as a user's program does: link it into node_modules. */
function linkPackage() {
  const link = join(REPO, "node_modules", "pulumi-qwilt-api-keys");
  try {
    lstatSync(link);
  } catch {
    mkdirSync(join(REPO, "node_modules"), { recursive: true });
    symlinkSync("..", link);
  }
}

/** Live keys the demo made (the bootstrap key is the simulator's own). */
function demoKeys(sim) {
  return sim
    .liveKeys()
    .filter((k) => k.name !== "bootstrap")
    .map((k) => `${k.name} (keyId ${k.keyId}, ${k.permission}, expires ${k.expireAt})`);
}

async function main() {
  if (!hasPulumi()) return withoutEngine();
  linkPackage();
  const sim = await startSimulator();
  const home = mkdtempSync(join(tmpdir(), "qwilt-demo-"));
  let offsetMs = 0;
  const env = () => ({
    ...process.env,
    PULUMI_BACKEND_URL: `file://${home}`,
    PULUMI_CONFIG_PASSPHRASE: "demo-passphrase",
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_HOME: join(home, ".pulumi"),
    QWILT_API_KEY: sim.bootstrapKey,
    QWILT_USERS_URL: sim.url,
    QWILT_LOGIN_URL: sim.url,
    QWILT_CLOCK_OFFSET_MS: String(offsetMs),
  });
  const pulumi = (...args) => {
    console.log(`$ pulumi ${args.join(" ")}`);
    const r = spawnSync("pulumi", args, { cwd: REPO, env: env(), stdio: "inherit" });
    if (r.status !== 0) throw new Error(`pulumi ${args[0]} failed (exit ${r.status})`);
  };
  try {
    console.log(`Qwilt simulator on ${sim.url}; Pulumi state in ${home}`);
    pulumi("stack", "init", "demo", "--non-interactive");
    say("pulumi up: creates a viewer key and an editor key");
    pulumi("up", "--yes", "--skip-preview", "--non-interactive");
    say("stack outputs (keys stay [secret])");
    pulumi("stack", "output");
    say("pulumi up again: nothing to do");
    pulumi("up", "--yes", "--non-interactive");
    say("moving the clock 24 days on: the editor key (30 days, rotate 7 before) is due");
    sim.clock.advance(24 * DAY);
    offsetMs += 24 * DAY;
    pulumi("up", "--yes", "--non-interactive");
    console.log(`live keys after rotation:\n  ${demoKeys(sim).join("\n  ")}`);
    say("pulumi destroy");
    pulumi("destroy", "--yes", "--non-interactive");
    const left = demoKeys(sim);
    console.log(left.length === 0 ? "The simulator holds no live demo key." : `Still live: ${left.join(", ")}`);
    pulumi("stack", "rm", "demo", "--yes", "--force", "--non-interactive");
    if (left.length !== 0) process.exitCode = 1;
  } finally {
    await sim.close();
    rmSync(home, { recursive: true, force: true });
  }
}

/**
 * The same lifecycle through the lifecycle harness (test/lifecycle/harness): the demo program runs
 * in a project holding the packed package, under Pulumi's mock runtime, and every key goes to
 * Pulumi's real provider plugin over gRPC. The harness plays the engine's part.
 */
async function withoutEngine() {
  const { HarnessStack } = require(join(REPO, "test/lifecycle/harness/stack"));
  const { makePackedProject, packPackage } = require(join(REPO, "test/lifecycle/harness/project"));
  const { summarizeCalls, writesOf } = require(join(REPO, "test/lifecycle/harness/api-calls"));
  console.log(
    `${bold("Pulumi CLI not found: running the demo through the lifecycle harness (Pulumi's real provider plugin, without the Pulumi engine).")}\n` +
      "Install the CLI (https://www.pulumi.com/docs/install/) to run it with `pulumi up` itself.",
  );
  const packDir = mkdtempSync(join(tmpdir(), "qwilt-demo-pack-"));
  const project = makePackedProject(REPO, packPackage(REPO, packDir), "qwilt-api-keys-demo");
  copyFileSync(join(REPO, "Pulumi.yaml"), join(project, "Pulumi.yaml")); // main: demo/index.js
  mkdirSync(join(project, "demo"));
  copyFileSync(join(REPO, "demo/index.js"), join(project, "demo/index.js"));
  const sim = await startSimulator();
  const stack = new HarnessStack({
    projectDir: project,
    providerConfig: { "qwilt:apiKey": sim.bootstrapKey, "qwilt:usersUrl": sim.url, "qwilt:loginUrl": sim.url },
    echo: (text) => process.stdout.write(text),
  });
  /** Runs one step, shows the API calls it made, and fails the demo when the step did not do what it should. */
  const step = async (title, op, want) => {
    say(title);
    const from = sim.requests.length;
    const run = await stack[op]();
    const calls = sim.requests.slice(from);
    console.log(`  API calls: ${summarizeCalls(calls)}`);
    if (!run.ok) throw new Error(`${op} failed:\n  ${run.errors.join("\n  ")}`);
    // Sorted: the two keys do not depend on each other, so their steps may come in either order.
    const ops = run.steps.map((s) => `${s.op} ${s.name}`).sort();
    const wanted = [...want.steps].sort();
    if (JSON.stringify(ops) !== JSON.stringify(wanted))
      throw new Error(`${op} did ${JSON.stringify(ops)}, expected ${JSON.stringify(wanted)}`);
    if (writesOf(calls).length !== want.writes)
      throw new Error(`${op} made ${writesOf(calls).length} API writes, expected ${want.writes}`);
    return run;
  };
  try {
    console.log(`Qwilt simulator on ${sim.url}; the project (the packed package installed) is ${project}`);
    const up = await step("up: creates a viewer key and an editor key", "up", {
      steps: ["create reporting", "create deployer"],
      writes: 2,
    });
    say("stack outputs (keys stay [secret])");
    for (const [k, v] of Object.entries(up.outputs))
      console.log(`  ${k}: ${typeof v === "string" ? v : JSON.stringify(v)}`);
    await step("up again: nothing to do", "up", { steps: ["same reporting", "same deployer"], writes: 0 });
    sim.clock.advance(24 * DAY);
    stack.clockOffsetMs += 24 * DAY;
    await step("moving the clock 24 days on: the editor key (30 days, rotate 7 before) is due; up rotates it", "up", {
      steps: ["same reporting", "create-replacement deployer", "delete-replaced deployer"],
      writes: 2,
    });
    console.log(`live keys after rotation:\n  ${demoKeys(sim).join("\n  ")}`);
    await step("destroy", "destroy", { steps: ["delete deployer", "delete reporting"], writes: 2 });
    const left = demoKeys(sim);
    if (left.length !== 0) throw new Error(`still live after destroy: ${left.join(", ")}`);
    console.log("The simulator holds no live demo key.");
    say("done: create, no-op, rotation and destroy, through Pulumi's real provider plugin (without the Pulumi engine)");
  } finally {
    await sim.close();
    rmSync(project, { recursive: true, force: true });
    rmSync(packDir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err.message);
  process.exit(1);
});
