/**
 * Once per test run: packs the package and installs it into a temporary project that the
 * serialization and plugin tests share (`inject("packedProject")`); `npm test` builds first.
 * At the end, scans what every provider plugin of the run printed for keys and login tokens.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type {} from "vitest";
import type { TestProject } from "vitest/node";
import { makePackedProject, packPackage, REPO } from "./helpers/packed-project";

declare module "vitest" {
  export interface ProvidedContext {
    packedProject: string;
    tarball: string;
  }
}

/** Keys and login tokens (real Qwilt's and the simulator's) are JWTs; nothing a plugin prints may hold one. */
const JWT = /eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]*/;

export default function setup(project: TestProject) {
  // `npm test` builds first; a bare `vitest run` builds only when dist/ is missing.
  if (!existsSync(join(REPO, "dist/index.js"))) execFileSync("npm", ["run", "build"], { cwd: REPO, stdio: "inherit" });
  const packDir = mkdtempSync(join(tmpdir(), "qwilt-pack-"));
  const tarball = packPackage(packDir);
  const dir = makePackedProject(tarball);
  project.provide("packedProject", dir);
  project.provide("tarball", tarball);
  // Test workers (and the programs they run) inherit this: every plugin they start appends its output here.
  const outputs = mkdtempSync(join(tmpdir(), "qwilt-plugin-output-"));
  process.env.QWILT_PLUGIN_OUTPUT_DIR = outputs;
  return () => {
    try {
      const files = readdirSync(outputs);
      const leaks = files.filter((f) => JWT.test(readFileSync(join(outputs, f), "utf8")));
      console.log(
        `secret hygiene: scanned the output of ${files.length} provider plugin processes: ${leaks.length ? `a key or token in ${leaks.join(", ")}` : "no key or token"}`,
      );
      if (leaks.length) {
        process.exitCode = 1; // vitest reports a teardown error but would still exit 0
        throw new Error(`a provider plugin printed a key or token (see ${outputs}/${leaks[0]})`);
      }
      rmSync(outputs, { recursive: true, force: true });
    } finally {
      rmSync(dir, { recursive: true, force: true });
      rmSync(packDir, { recursive: true, force: true });
    }
  };
}
