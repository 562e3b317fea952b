import { defineConfig } from "vitest/config";
import { jsonReport } from "./test/helpers/json-report";

// The live acceptance suite (test/live/), run by scripts/test-live.js: one file, its steps in order,
// against the API the environment names. Kept out of the main run (vitest.config.ts).
export default defineConfig({
  test: {
    include: ["test/live/**/*.test.ts"],
    globalSetup: ["test/global-setup.ts"],
    testTimeout: 12 * 60_000,
    hookTimeout: 180_000,
    maxWorkers: 1,
    ...jsonReport("live"),
  },
});
