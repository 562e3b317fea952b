import { defineConfig } from "vitest/config";
import { jsonReport } from "./test/helpers/json-report";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // The live acceptance suite has its own run (vitest.live.config.ts, scripts/test-live.js).
    exclude: ["test/live/**", "node_modules/**"],
    globalSetup: ["test/global-setup.ts"],
    // Plugin tests spawn Pulumi's real provider plugin and pack the package: give them room.
    testTimeout: 60_000,
    hookTimeout: 180_000,
    // 2 cores here: two workers keep the plugin tests from starving each other.
    maxWorkers: 2,
    ...jsonReport("main"),
  },
});
