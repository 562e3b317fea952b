#!/usr/bin/env node
// @ts-check
// `npm run test:live`: the live acceptance suite (test/live/) against the API the environment names,
// or, with `--sweep`, the sweeper: revokes keys named `pqak-live-*` made more than an hour ago (what
// runs that could not clean up left behind). Both need QWILT_LIVE=1 and the provider's variables;
// without QWILT_LIVE it says so and exits 0. Other arguments go to vitest (`-- -t destroy`).
"use strict";
const { spawn } = require("node:child_process");
const { existsSync } = require("node:fs");
const { join, resolve } = require("node:path");

const REPO = resolve(__dirname, "..");
const NEEDS = `It needs QWILT_LIVE=1 and the same variables as the provider: QWILT_API_KEY (an Editor key), or
QWILT_USERNAME and QWILT_PASSWORD (with QWILT_ORG_ID for one of several organizations); QWILT_USERS_URL and
QWILT_LOGIN_URL default to Qwilt's production URLs. It makes viewer keys valid one day, named pqak-live-<run id>-*,
and revokes them all before it ends.`;

async function main() {
  const args = process.argv.slice(2);
  const sweep = args.includes("--sweep");
  const rest = args.filter((a) => a !== "--sweep");
  if (process.env.QWILT_LIVE !== "1") {
    console.log(`test:live: skipped: QWILT_LIVE is not 1, so no live API is named.\n${NEEDS}`);
    return 0;
  }
  if (!existsSync(join(REPO, "dist/index.js"))) {
    console.error("test:live: dist/ is missing: run `npm run build` first (`npm run test:live` does)");
    return 2;
  }
  const { liveConnection, revokeWhere, isSweepable } = require("../test/live/live-api.js");
  let connection;
  try {
    // Settles the credentials and URLs before anything runs, worded as `qwilt-keys` words them.
    connection = liveConnection(process.env);
  } catch (error) {
    console.error(`test:live: ${error instanceof Error ? error.message : String(error)}\n${NEEDS}`);
    return 2;
  }
  if (!sweep) {
    await connection.client.close();
    const vitest = join(REPO, "node_modules/.bin/vitest");
    const child = spawn(vitest, ["run", "--config", join(REPO, "vitest.live.config.ts"), ...rest], {
      cwd: REPO,
      stdio: "inherit",
    });
    return new Promise((done) => child.on("exit", (code, signal) => done(code ?? (signal ? 1 : 0))));
  }
  try {
    const now = Date.now();
    const report = await revokeWhere(
      connection.client,
      (k) => isSweepable(k, now),
      (line) => console.log(`sweep: ${line}`),
    );
    console.log(
      `sweep: ${report.revoked.length} revoked, ${report.gone.length} already gone, ${report.failed.length} could not be revoked ` +
        "(keys named pqak-live-* made more than an hour ago by this machine's clock)",
    );
    return report.failed.length > 0 ? 1 : 0;
  } finally {
    await connection.client.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(`test:live: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
