/**
 * Packs the package once per test run and installs it into a temporary project that the
 * serialization and plugin tests share (`inject("packedProject")`). `npm test` builds first.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import type {} from "vitest";
import { makePackedProject, packPackage, REPO } from "./helpers/packed-project";

declare module "vitest" {
  export interface ProvidedContext {
    packedProject: string;
    tarball: string;
  }
}

export default function setup(project: TestProject) {
  // `npm test` builds first; a bare `vitest run` builds only when dist/ is missing.
  if (!existsSync(join(REPO, "dist/index.js"))) execFileSync("npm", ["run", "build"], { cwd: REPO, stdio: "inherit" });
  const packDir = mkdtempSync(join(tmpdir(), "qwilt-pack-"));
  const tarball = packPackage(packDir);
  const dir = makePackedProject(tarball);
  project.provide("packedProject", dir);
  project.provide("tarball", tarball);
  return () => {
    rmSync(dir, { recursive: true, force: true });
    rmSync(packDir, { recursive: true, force: true });
  };
}
