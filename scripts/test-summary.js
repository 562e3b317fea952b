#!/usr/bin/env node
// Sums vitest JSON reports into the one line CI ends with: `N passed, N failed[, N skipped]`.
// Arguments: `<report.json>:<exit status of its run>`, one per test run. A run that failed without a
// failed test (typecheck, build, a file that did not load, the secret scan at teardown) or that left
// no report counts as one failure, named on a line before the sum. Exits 1 when anything failed.
"use strict";
const { existsSync, readFileSync } = require("node:fs");

let passed = 0;
let failed = 0;
let skipped = 0;
for (const arg of process.argv.slice(2)) {
  const at = arg.lastIndexOf(":");
  const file = arg.slice(0, at);
  const status = Number(arg.slice(at + 1));
  const report = existsSync(file) ? JSON.parse(readFileSync(file, "utf8")) : undefined;
  const runFailed = report ? report.numFailedTests : 0;
  if (report) {
    passed += report.numPassedTests;
    skipped += report.numPendingTests + report.numTodoTests;
    failed += runFailed;
  }
  if ((status !== 0 || (report && !report.success)) && runFailed === 0) {
    failed += 1;
    console.log(`${file}: the run failed outside its tests (exit status ${status}${report ? "" : ", no report"})`);
  }
}
console.log(`${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ""}`);
process.exitCode = failed > 0 ? 1 : 0;
