// @ts-check
/**
 * A stack driven through the lifecycle harness: what `pulumi up`, `preview`, `refresh` and
 * `destroy` do to one project's stack, each run in a child process (run-program.js) with its own
 * provider plugin, the state kept in a JSON file between runs.
 *
 * What it does not model: the Pulumi CLI and service (no backend, no locking, no encryption:
 * secrets are marked in the state, not encrypted), explicit provider resources and invokes (only
 * dynamic resources, served by the dynamic-provider plugin, and package resources whose providers a
 * module named in `packageProviders` plays: package-providers.js), parallel steps, protect, ignoreChanges,
 * replaceOnChanges, aliases, import, targets, --continue-on-error, deleting the dependents of a
 * delete-before-replace resource, and `pulumi refresh` diffs (refresh just takes what Read says).
 * The one read it answers is a StackReference to another harness stack listed in `stackReferences`
 * (stack-reference.js): its outputs as that stack's state file holds them, secrets kept secret; the
 * read is not kept in this stack's state. The organization is "organization", as with a local backend.
 */
"use strict";
const { fork } = require("node:child_process");
const { join } = require("node:path");
const { loadState } = require("./state-file");

/**
 * @typedef {import("./run-program").RunSpec} RunSpec
 * @typedef {import("./run-program").RunResult & { output: string }} StackRun
 */

class HarnessStack {
  /** @readonly */
  driver = /** @type {const} */ ("harness");
  /** The program's config (keys without the project prefix); kept across runs, as `pulumi config set` does. @type {Record<string, string>} */
  config = {};
  /**
   * How far the provider's clock runs ahead of real time: set it to the simulator clock's offset
   * after moving that clock, so both agree on when keys are due (QWILT_CLOCK_OFFSET_MS).
   */
  clockOffsetMs = 0;
  /**
   * Stacks the program may read through a StackReference: "<organization>/<project>/<stack>" (the
   * organization is "organization") → that stack's state file, e.g. another HarnessStack's `stateFile`.
   * @type {Record<string, string>}
   */
  stackReferences = {};
  /**
   * Local policy packs every up and preview runs, as `--policy-pack <path> [--policy-pack-config <config>]`
   * (policy-packs.js).
   * @type {{ path: string, config?: string }[]}
   */
  policyPacks = [];
  /**
   * Package resources (e.g. github:index/actionsSecret:ActionsSecret) the program declares, answered by a
   * module instead of their providers' plugins (package-providers.js).
   * @type {import("./package-providers").PackageProvidersSpec | undefined}
   */
  packageProviders;
  /**
   * The next run stops right after this plugin call answers, as a killed `pulumi up` would, leaving the
   * operation pending in the state (pending-operations.js); cleared once that run has started.
   * @type {"Create" | "Update" | "Delete" | undefined}
   */
  interruptAfter;

  /**
   * @param {object} o
   * @param {string} o.projectDir a Pulumi project with its node_modules installed
   * @param {Record<string, string>} o.providerConfig what the plugin's Configure receives, e.g. qwilt:apiKey, qwilt:usersUrl
   * @param {string} [o.stack] default "dev"
   * @param {string} [o.stateFile] default <project>/.harness/<stack>.json
   * @param {(text: string) => void} [o.echo] gets everything the runs print, as they print it
   */
  constructor(o) {
    this.projectDir = o.projectDir;
    this.stack = o.stack ?? "dev";
    this.stateFile = o.stateFile ?? join(o.projectDir, ".harness", `${this.stack}.json`);
    this.providerConfig = o.providerConfig;
    this.echo = o.echo;
  }

  up() {
    return this.#run("up");
  }
  preview() {
    return this.#run("preview");
  }
  refresh() {
    return this.#run("refresh");
  }
  destroy() {
    return this.#run("destroy");
  }

  /** The state as saved by the last run. */
  state() {
    return loadState(this.stateFile);
  }

  /** @param {RunSpec["op"]} op @returns {Promise<StackRun>} */
  #run(op) {
    /** @type {RunSpec} */
    const spec = {
      op,
      projectDir: this.projectDir,
      stateFile: this.stateFile,
      stack: this.stack,
      config: { ...this.config },
      providerConfig: this.providerConfig,
      pluginEnv: { QWILT_CLOCK_OFFSET_MS: String(this.clockOffsetMs) },
      stackReferences: { ...this.stackReferences },
      packageProviders: this.packageProviders,
      policyPacks: this.policyPacks.map((p) => ({ ...p })),
      ...(this.interruptAfter ? { interruptAfter: this.interruptAfter } : {}),
    };
    this.interruptAfter = undefined;
    const child = fork(join(__dirname, "run-program.js"), [], {
      cwd: this.projectDir,
      // A clean environment, as a Pulumi program gets; QWILT_PLUGIN_OUTPUT_DIR lets the test run scan plugin output.
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...(process.env.QWILT_PLUGIN_OUTPUT_DIR ? { QWILT_PLUGIN_OUTPUT_DIR: process.env.QWILT_PLUGIN_OUTPUT_DIR } : {}) },
      stdio: ["ignore", "pipe", "pipe", "ipc"],
    });
    let output = "";
    const collect = (/** @type {Buffer} */ d) => {
      output += d;
      this.echo?.(String(d));
    };
    child.stdout?.on("data", collect);
    child.stderr?.on("data", collect);
    return new Promise((resolve, reject) => {
      /** @type {import("./run-program").RunResult | undefined} */
      let result;
      child.on("message", (m) => (result = /** @type {any} */ (m)));
      child.on("error", reject);
      child.on("exit", (code) => {
        if (result) resolve({ ...result, output });
        else reject(new Error(`pulumi ${op} (harness) exited with ${code} and no result:\n${output}`));
      });
      child.send(spec);
    });
  }
}

module.exports = { HarnessStack };
