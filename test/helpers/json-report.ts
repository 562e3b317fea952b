import { join } from "node:path";

/**
 * With TEST_REPORT_DIR set (.ci/run does), a vitest run also writes a JSON report there, named for the
 * run, so CI can sum every run of `npm test` in one line (scripts/test-summary.js).
 */
export function jsonReport(run: string) {
  const dir = process.env.TEST_REPORT_DIR;
  return dir ? { reporters: ["default", "json"], outputFile: { json: join(dir, `${run}.json`) } } : {};
}
