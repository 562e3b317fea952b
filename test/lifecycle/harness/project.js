// @ts-check
/**
 * Projects for the harness: a program copied into a project folder, and (for the demo script) a
 * project holding the packed package as a user's project holds it. The tests make their projects
 * with test/helpers/packed-project.ts, a typed wrapper of this file.
 */
"use strict";
const { execFileSync } = require("node:child_process");
const { copyFileSync, mkdirSync, mkdtempSync, readdirSync, statSync, symlinkSync, writeFileSync } = require("node:fs");
const { tmpdir } = require("node:os");
const { join } = require("node:path");

const PACKAGE_NAME = "pulumi-qwilt-api-keys";

/**
 * Copies a program's files (Pulumi.yaml, index.js, ...; not its folders) into a project.
 * @param {string} programDir
 * @param {string} projectDir
 */
function installProgram(programDir, projectDir) {
  for (const f of readdirSync(programDir)) {
    if (statSync(join(programDir, f)).isFile()) copyFileSync(join(programDir, f), join(projectDir, f));
  }
}

/**
 * Packs the package (dist must be built) into `into`; returns the tarball's path.
 * @param {string} repo @param {string} into
 */
function packPackage(repo, into) {
  const out = execFileSync("npm", ["pack", "--silent", "--pack-destination", into], { cwd: repo, encoding: "utf8" });
  return join(into, out.trim().split("\n").pop() ?? "");
}

/**
 * A temporary project with the tarball unpacked into node_modules/pulumi-qwilt-api-keys and the
 * repository's own dependencies linked beside it (no registry needed).
 * @param {string} repo @param {string} tarball @param {string} name
 */
function makePackedProject(repo, tarball, name) {
  const dir = mkdtempSync(join(tmpdir(), "qwilt-project-"));
  writeFileSync(join(dir, "Pulumi.yaml"), `name: ${name}\nruntime: nodejs\n`);
  writeFileSync(
    join(dir, "package.json"),
    JSON.stringify({ name, private: true, dependencies: { [PACKAGE_NAME]: `file:${tarball}` } }, null, 2),
  );
  const own = join(dir, "node_modules", PACKAGE_NAME);
  mkdirSync(own, { recursive: true });
  execFileSync("tar", ["-xzf", tarball, "-C", own, "--strip-components=1"]);
  for (const entry of readdirSync(join(repo, "node_modules"))) {
    if (entry === PACKAGE_NAME || entry.startsWith(".")) continue;
    symlinkSync(join(repo, "node_modules", entry), join(dir, "node_modules", entry));
  }
  return dir;
}

module.exports = { installProgram, packPackage, makePackedProject };
