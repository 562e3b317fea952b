/**
 * The bench's Pulumi project: the package as `npm pack` ships it, unpacked into node_modules, with
 * our own dependencies linked (no registry needed), like test/helpers/packed-project.ts.
 */
const { execFileSync } = require("node:child_process");
const { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } = require("node:fs");
const { tmpdir } = require("node:os");
const { join, resolve } = require("node:path");

const REPO = resolve(__dirname, "..");
const PACKAGE_NAME = "pulumi-qwilt-api-keys";

/** Packs dist/ (built by `npm run bench`) and installs it into a new temp project; returns its folder. */
function makeProject() {
  const dir = mkdtempSync(join(tmpdir(), "qwilt-bench-"));
  const out = execFileSync("npm", ["pack", "--silent", "--pack-destination", dir], { cwd: REPO, encoding: "utf8" });
  const tarball = join(dir, out.trim().split("\n").pop());
  writeFileSync(join(dir, "Pulumi.yaml"), "name: qwilt-bench\nruntime: nodejs\n");
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "qwilt-bench", private: true, dependencies: { [PACKAGE_NAME]: `file:${tarball}` } }));
  const own = join(dir, "node_modules", PACKAGE_NAME);
  mkdirSync(own, { recursive: true });
  execFileSync("tar", ["-xzf", tarball, "-C", own, "--strip-components=1"]);
  for (const entry of readdirSync(join(REPO, "node_modules"))) {
    if (entry === PACKAGE_NAME || entry.startsWith(".")) continue;
    symlinkSync(join(REPO, "node_modules", entry), join(dir, "node_modules", entry));
  }
  return dir;
}

/** The serialized providers of ApiKey and of the trivial provider, made by Pulumi's own serializer. */
function serializedProviders(projectDir) {
  const out = execFileSync(process.execPath, [join(__dirname, "print-providers.js")], {
    cwd: projectDir,
    env: { PATH: process.env.PATH, HOME: process.env.HOME },
    encoding: "utf8",
  });
  const line = out.split("\n").find((l) => l.startsWith("{"));
  if (!line) throw new Error(`no providers printed: ${out}`);
  return JSON.parse(line);
}

function removeProject(dir) {
  rmSync(dir, { recursive: true, force: true });
}

module.exports = { REPO, makeProject, serializedProviders, removeProject };
