#!/usr/bin/env node
// `npm run demo`: the bundled Qwilt simulator plus `pulumi up` on the demo project (Pulumi.yaml,
// demo/index.js): create, a no-op second up, a rotation after moving the clock, destroy.
// Without the Pulumi CLI it runs the same lifecycle through Pulumi's real provider plugin
// (test/lifecycle harness), and says so.
"use strict";
const { execFileSync, spawnSync } = require("node:child_process");
const { existsSync, mkdtempSync, rmSync, symlinkSync, mkdirSync, lstatSync } = require("node:fs");
const { tmpdir } = require("node:os");
const { join, resolve } = require("node:path");

const REPO = resolve(__dirname, "..");
const { startSimulator } = require(join(REPO, "dist/sdk/simulator"));

const DAY = 24 * 60 * 60 * 1000;
const say = (s) => console.log(`\n\x1b[1m== ${s}\x1b[0m`);

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
  return sim.liveKeys().filter((k) => k.name !== "bootstrap").map((k) => `${k.name} (keyId ${k.keyId}, ${k.permission}, expires ${k.expireAt})`);
}

async function main() {
  if (!hasPulumi()) {
    console.error(
      "The Pulumi CLI is not on PATH. Install it (https://www.pulumi.com/docs/install/, e.g. `curl -fsSL https://get.pulumi.com | sh`) to run the demo with `pulumi up`.",
    );
    process.exit(1);
  }
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
    console.log("live keys after rotation:\n  " + demoKeys(sim).join("\n  "));
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

main().catch((err) => {
  console.error(err.message);
  process.exit(1);
});
