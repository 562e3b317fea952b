// @ts-check
/**
 * A stack driven through the lifecycle harness: what `pulumi up`, `preview`, `refresh` and
 * `destroy` do to one project's stack, each run in a child process (run-program.js) with its own
 * provider plugin, the state kept in a JSON file between runs. engine.js says how each run plays
 * the engine, rule by rule, with the engine function it stands for.
 *
 * Where it still differs from a real `pulumi` run (and the engine function or part it stands in for):
 * - No CLI and no service: no backend, no locking, no encryption (secrets are marked in the state,
 *   not encrypted: config.Decrypter, the secrets manager), no stack outputs diff, no summary.
 * - One plugin process per run serves every step. The engine loads one per provider
 *   (Registry.Check for the program's default provider, EnsureProvider for each one in the state);
 *   with the dynamic host each process configures its providers once either way. `pulumi up
 *   --refresh` (a refresh with the saved config, then the program with the current one, in two
 *   processes) is not modelled; nor are `pulumi refresh --run-program` and `pulumi destroy
 *   --run-program` (deploymentExecutor.Execute with RefreshProgram / DestroyProgram).
 * - Only dynamic resources, served by the dynamic-provider plugin, and package resources whose providers a
 *   module named in `packageProviders` plays (package-providers.js; they share the dynamic plugin's
 *   configuration instead of a default provider of their own): no explicit provider resources (an
 *   ApiKey's `provider` option), no invokes, no component providers (Construct).
 * - No protect, retainOnDelete, ignoreChanges, replaceOnChanges, deletedWith, replaceWith, aliases,
 *   import, hooks, targets, excludes, --continue-on-error, --plan (stepGenerator.generateSteps and
 *   continueStepsFromDiff read these from the goal state; README says what they do to keys).
 * - A delete-before-replace does not first delete the resources that depend on the replaced one
 *   (stepGenerator.calculateDependentReplacements).
 * - Pending operations are written as the snapshot manager writes them (pending-operations.js), but
 *   not read back: the next run neither warns about them (deploymentExecutor.printPendingOperationsWarning)
 *   nor keeps them; it drops them at its first save.
 * - Check and Diff of a registration run one at a time, in arrival order, as in the engine without
 *   --parallel-diff (stepGenerator.diff); the random seed of a Check (CheckRequest.RandomSeed) is not
 *   sent: the dynamic host ignores it anyway.
 * - The step lines printed show `[diff: ...]` as the CLI computes it for a provider that sends no
 *   detailed diff (getDiffInfo in pkg/backend/display/rows.go); the Engine service's messages
 *   (engine-service.js) are printed one per line as `<severity>: <resource>: <message>`, status lines
 *   only returned (`diagnostics`), not shown. Plugin stderr is not shown (the CLI shows it as info).
 * - The one read it answers is a StackReference to another harness stack listed in
 *   `stackReferences` (stack-reference.js): its outputs as that stack's state file holds them,
 *   secrets kept secret; the read is not kept in this stack's state. The organization is
 *   "organization", as with a local backend.
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
   * Config keys set as secrets (`pulumi config set --secret`), namespaced; a program's own keys may
   * leave out the project. The state holds them marked secret.
   * @type {string[]}
   */
  secretConfig = ["qwilt:apiKey", "qwilt:password"];
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
   * How many steps a run may run at once, as `--parallel N` (default: the engine's, GOMAXPROCS × 4).
   * @type {number | undefined}
   */
  parallel;
  /**
   * The next run stops right after this plugin call answers, as a killed `pulumi up` would, leaving the
   * operation pending in the state (pending-operations.js); cleared once that run has started.
   * @type {"Create" | "Update" | "Delete" | undefined}
   */
  interruptAfter;

  /**
   * @param {object} o
   * @param {string} o.projectDir a Pulumi project with its node_modules installed
   * @param {Record<string, string>} o.providerConfig the provider's stack config, e.g. qwilt:apiKey, qwilt:usersUrl; kept across runs,
   *   like `config`. Configure receives it with the program's config; refresh and destroy get what the last up saved.
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
      providerConfig: { ...this.providerConfig },
      secretConfig: [...this.secretConfig],
      pluginEnv: { QWILT_CLOCK_OFFSET_MS: String(this.clockOffsetMs) },
      stackReferences: { ...this.stackReferences },
      packageProviders: this.packageProviders,
      policyPacks: this.policyPacks.map((p) => ({ ...p })),
      ...(this.interruptAfter ? { interruptAfter: this.interruptAfter } : {}),
      ...(this.parallel ? { parallel: this.parallel } : {}),
    };
    this.interruptAfter = undefined;
    const child = fork(join(__dirname, "run-program.js"), [], {
      cwd: this.projectDir,
      // A clean environment, as a Pulumi program gets; QWILT_PLUGIN_OUTPUT_DIR lets the test run scan plugin output.
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        ...(process.env.QWILT_PLUGIN_OUTPUT_DIR
          ? { QWILT_PLUGIN_OUTPUT_DIR: process.env.QWILT_PLUGIN_OUTPUT_DIR }
          : {}),
      },
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
