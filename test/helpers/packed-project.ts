/**
 * A temporary Pulumi project holding this package as a user would install it: the tarball
 * `npm pack` makes, unpacked into node_modules/pulumi-qwilt-api-keys. Its dependencies are the
 * ones our own `npm ci` installed (linked), so tests need no registry and no network.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

export const REPO = resolve(__dirname, "../..");
export const PACKAGE_NAME = "pulumi-qwilt-api-keys";

/** Packs the package (dist must be built) and returns the tarball's path. */
export function packPackage(into: string): string {
  const out = execFileSync("npm", ["pack", "--silent", "--pack-destination", into], { cwd: REPO, encoding: "utf8" });
  return join(into, out.trim().split("\n").pop()!);
}

/** Makes a project folder with the packed package installed; returns its path. */
export function makePackedProject(tarball: string, name = "qwilt-test-project"): string {
  const dir = mkdtempSync(join(tmpdir(), "qwilt-project-"));
  writeFileSync(join(dir, "Pulumi.yaml"), `name: ${name}\nruntime: nodejs\n`);
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name, private: true, dependencies: { [PACKAGE_NAME]: `file:${tarball}` } }, null, 2));
  const modules = join(dir, "node_modules");
  const own = join(modules, PACKAGE_NAME);
  mkdirSync(own, { recursive: true });
  execFileSync("tar", ["-xzf", tarball, "-C", own, "--strip-components=1"]);
  for (const entry of readdirSync(join(REPO, "node_modules"))) {
    if (entry === PACKAGE_NAME || entry.startsWith(".")) continue;
    symlinkSync(join(REPO, "node_modules", entry), join(modules, entry));
  }
  return dir;
}

export function removeProject(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}
