/**
 * The bench's Pulumi project: the package as `npm pack` ships it, unpacked into node_modules, with
 * our own dependencies linked (no registry needed), made by the lifecycle harness's project.js.
 */
const { execFileSync } = require("node:child_process");
const { mkdtempSync, rmSync } = require("node:fs");
const { tmpdir } = require("node:os");
const { join, resolve } = require("node:path");
// One implementation of "the packed package installed into a project", shared with the tests and the demo.
const project = require("../test/lifecycle/harness/project");

const REPO = resolve(__dirname, "..");

/** Packs dist/ (built by `npm run bench`) and installs it into a new temp project; returns its folder. */
function makeProject() {
  const packDir = mkdtempSync(join(tmpdir(), "qwilt-bench-pack-"));
  const dir = project.makePackedProject(REPO, project.packPackage(REPO, packDir), "qwilt-bench");
  rmSync(packDir, { recursive: true, force: true });
  return dir;
}

/** The serialized providers of ApiKey and of the trivial provider, made by Pulumi's own serializer. */
function serializedProviders(projectDir) {
  // The tests' fixture, with the trivial provider declared beside the ApiKey.
  const fixture = join(REPO, "test/fixtures/print-serialized-provider.js");
  const out = execFileSync(process.execPath, [fixture, `trivial=${join(__dirname, "trivial-provider.js")}`], {
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
