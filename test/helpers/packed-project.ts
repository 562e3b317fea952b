/**
 * A temporary Pulumi project holding this package as a user would install it: the tarball
 * `npm pack` makes, unpacked into node_modules/pulumi-qwilt-api-keys. Its dependencies are the
 * ones our own `npm ci` installed (linked), so tests need no registry and no network.
 * The implementation is plain JavaScript (test/lifecycle/harness/project.js) so that
 * scripts/demo.js can use it too; this file gives it types and the repository's path.
 */
import { rmSync } from "node:fs";
import { resolve } from "node:path";
import * as project from "../lifecycle/harness/project";

export const REPO = resolve(__dirname, "../..");
export const PACKAGE_NAME = "pulumi-qwilt-api-keys";

/** Packs the package (dist must be built) and returns the tarball's path. */
export function packPackage(into: string): string {
  return project.packPackage(REPO, into);
}

/** Makes a project folder with the packed package installed; returns its path. */
export function makePackedProject(tarball: string, name = "qwilt-test-project"): string {
  return project.makePackedProject(REPO, tarball, name);
}

export function removeProject(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}
