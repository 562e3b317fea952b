#!/usr/bin/env node
// @ts-check
// Keeps the live acceptance suite honest in CI: starts the Qwilt simulator as a process of its own
// (the `qwilt-simulator` bin, with a propagation delay, so activation waits are real), reads the URL
// and bootstrap key it prints, and runs `scripts/test-live.js` with ONLY the variables a user would
// set for Qwilt (every other QWILT_* / QCDN_* variable removed). `npm test` runs it; arguments pass on.
"use strict";
const { spawn } = require("node:child_process");
const { join, resolve } = require("node:path");

const REPO = resolve(__dirname, "..");
/**
 * Longer than an up takes to end after its create, so a create that did not wait is caught using its key;
 * shorter than the provider's second poll (1 s, then 2 s more), so each wait costs 3 s.
 */
const PROPAGATION_DELAY_MS = 2500;
const START_TIMEOUT_MS = 20_000;

/** @param {import("node:child_process").ChildProcess} sim @returns {Promise<{ url: string, apiKey: string }>} */
function announced(sim) {
  return new Promise((done, fail) => {
    let text = "";
    const timer = setTimeout(
      () => fail(new Error(`the simulator did not announce itself within ${START_TIMEOUT_MS} ms`)),
      START_TIMEOUT_MS,
    );
    sim.stdout?.on("data", (chunk) => {
      text += chunk;
      // The line it prints for a shell: `export QWILT_USERS_URL=... QWILT_LOGIN_URL=... QWILT_API_KEY=...`.
      const url = text.match(/listening on (http:\/\/\S+)/)?.[1];
      const apiKey = text.match(/QWILT_API_KEY=(\S+)/)?.[1];
      if (url && apiKey) {
        clearTimeout(timer);
        done({ url, apiKey });
      }
    });
    sim.on("exit", (code) => fail(new Error(`the simulator exited (${code}) before it announced itself`)));
  });
}

async function main() {
  const sim = spawn(
    process.execPath,
    [join(REPO, "dist/sdk/simulator/bin.js"), "--port", "0", "--propagation-delay-ms", String(PROPAGATION_DELAY_MS)],
    {
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  try {
    const { url, apiKey } = await announced(sim);
    console.log(
      `test:live against the simulator at ${url} (its own process, pid ${sim.pid}; propagation delay ${PROPAGATION_DELAY_MS} ms)`,
    );
    /** @type {NodeJS.ProcessEnv} */
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(QWILT|QCDN)_/.test(k)));
    Object.assign(env, { QWILT_LIVE: "1", QWILT_USERS_URL: url, QWILT_LOGIN_URL: url, QWILT_API_KEY: apiKey });
    const child = spawn(process.execPath, [join(__dirname, "test-live.js"), ...process.argv.slice(2)], {
      cwd: REPO,
      env,
      stdio: "inherit",
    });
    return await new Promise((done) => child.on("exit", (code, signal) => done(code ?? (signal ? 1 : 0))));
  } finally {
    sim.kill("SIGTERM");
  }
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(`test:live (simulator): ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
