#!/usr/bin/env node
// Sums vitest JSON reports into the one line CI ends with: `N passed, N failed[, N skipped]`.
// Arguments: `<report folder>:<exit status of the command that ran>`, one per `npm test`; each folder
// holds a JSON report per vitest run of it (TEST_REPORT_DIR, test/helpers/json-report.ts). A command
// that failed without a failed test (typecheck, lint, build, a file that did not load, the secret scan
// at teardown, no report at all) counts as one failure, named on a line before the sum. Exits 1 when
// anything failed.
"use strict";
const { existsSync, readdirSync, readFileSync } = require("node:fs");
const { join } = require("node:path");

let passed = 0;
let failed = 0;
let skipped = 0;
for (const arg of process.argv.slice(2)) {
  const at = arg.lastIndexOf(":");
  const dir = arg.slice(0, at);
  const status = Number(arg.slice(at + 1));
  const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith(".json")) : [];
  let failedHere = 0;
  let unsuccessful = false;
  for (const f of files) {
    const report = JSON.parse(readFileSync(join(dir, f), "utf8"));
    passed += report.numPassedTests;
    skipped += report.numPendingTests + report.numTodoTests;
    failedHere += report.numFailedTests;
    unsuccessful ||= !report.success;
  }
  failed += failedHere;
  if ((status !== 0 || unsuccessful) && failedHere === 0) {
    failed += 1;
    console.log(
      `${dir}: the run failed outside its tests (exit status ${status}; reports: ${files.join(", ") || "none"})`,
    );
  }
}
console.log(`${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ""}`);
process.exitCode = failed > 0 ? 1 : 0;
