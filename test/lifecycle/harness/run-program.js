// @ts-check
/**
 * One `pulumi up`, `preview`, `refresh` or `destroy`, in a child process whose cwd is the Pulumi
 * project, so the program's `require("pulumi-qwilt-api-keys")` and `@pulumi/pulumi` resolve
 * exactly as in a user's project. It starts the provider plugin, runs the program under Pulumi's
 * mock runtime with the harness's monitor (up, preview), lets the engine do its part, and answers
 * with a RunResult. The parent (stack.js) sends a RunSpec over the IPC channel.
 */
"use strict";
const { readFileSync } = require("node:fs");
const { createRequire } = require("node:module");
const { join, resolve } = require("node:path");
const { Engine, nameOf } = require("./engine");
const { startEngineService } = require("./engine-service");
const { installMonitor } = require("./monitor");
const { withPackageProviders } = require("./package-providers");
const { PendingOperations } = require("./pending-operations");
const { startPlugin } = require("./plugin-client");
const { PolicyPacks } = require("./policy-packs");
const { loadState } = require("./state-file");
const { markSecret, mask, reveal } = require("./wire");

/**
 * @typedef {"up" | "preview" | "refresh" | "destroy"} Operation
 *
 * @typedef {object} RunSpec
 * @property {Operation} op
 * @property {string} projectDir
 * @property {string} stateFile
 * @property {string} stack
 * @property {Record<string, string>} config the program's config, by key without the project prefix
 * @property {Record<string, string>} providerConfig the provider's config (qwilt:apiKey, ...)
 * @property {string[]} secretConfig config keys set as secrets (`pulumi config set --secret`), namespaced
 * @property {Record<string, string>} pluginEnv the plugin's environment (on top of PATH and HOME)
 * @property {Record<string, string>} stackReferences stacks the program may reference: "<organization>/<project>/<stack>" → state file
 * @property {{ path: string, config?: string }[]} [policyPacks] local policy packs (--policy-pack, --policy-pack-config)
 * @property {import("./package-providers").PackageProvidersSpec} [packageProviders] plays the package resources' providers
 * @property {number} [parallel] how many steps may run at once (`pulumi up --parallel N`)
 * @property {"Create" | "Update" | "Delete"} [interruptAfter] stop after this plugin call answers (pending-operations.js)
 *
 * @typedef {object} RunResult
 * @property {Operation} op
 * @property {boolean} ok
 * @property {import("./engine").Step[]} steps
 * @property {import("./engine").PluginCall[]} calls
 * @property {import("./engine").ProviderOp[]} providerSteps the default provider's steps (the CLI does not show them)
 * @property {string[]} errors
 * @property {Record<string, unknown>} outputs the stack outputs, secrets shown as "[secret]"
 * @property {import("./engine-service").LogEntry[]} diagnostics what the plugin logged through the Engine service
 * @property {import("./policy-packs").PolicyPacks["violations"]} [policyViolations] what the policy packs reported
 */

/** Pulumi.yaml's name and main (the little of it the harness needs). @param {string} dir */
function readProject(dir) {
  const text = readFileSync(join(dir, "Pulumi.yaml"), "utf8");
  const field = (/** @type {string} */ k) => text.match(new RegExp(`^${k}:\\s*(\\S+)\\s*$`, "m"))?.[1];
  const name = field("name");
  if (!name) throw new Error(`${dir}/Pulumi.yaml has no name`);
  return { name, main: resolve(dir, field("main") ?? ".") };
}

/**
 * The stack config as the engine hands it to the dynamic provider (Target.GetPackageConfig): every
 * key, namespaced (a program's own keys under its project's name), secrets marked.
 * @param {RunSpec} spec @param {string} project
 */
function stackConfig(spec, project) {
  /** @type {Record<string, string>} */
  const all = {
    ...Object.fromEntries(Object.entries(spec.config).map(([k, v]) => [k.includes(":") ? k : `${project}:${k}`, v])),
    ...spec.providerConfig,
  };
  return markSecret(all, secretKeys(spec, project));
}

/** @param {RunSpec} spec @param {string} project */
const secretKeys = (spec, project) => spec.secretConfig.map((k) => (k.includes(":") ? k : `${project}:${k}`));

/** @param {RunSpec} spec @returns {Promise<RunResult>} */
async function run(spec) {
  const preview = spec.op === "preview";
  const project = readProject(spec.projectDir);
  /** One line per message, as the CLI shows diagnostics (status lines only in the results). */
  const engineService = await startEngineService({
    onLog: (l) => l.ephemeral || console.log(`    ${l.severity}: ${l.urn ? `${nameOf(l.urn)}: ` : ""}${l.message}`),
  });
  const starting = startPlugin(spec.projectDir, spec.pluginEnv, { engineAddress: engineService.address });
  // The engine loads the policy packs before it runs the program (pkg/engine/update.go).
  const loading =
    (spec.op === "up" || preview) && spec.policyPacks?.length
      ? PolicyPacks.load(spec.policyPacks, stackInfo(spec, preview), (line) => console.log(`    ${line}`))
      : undefined;
  // Loading Pulumi takes about a second: do it while the plugin starts.
  if (spec.op === "up" || preview) createRequire(join(spec.projectDir, "package.json"))("@pulumi/pulumi");
  const [started, loaded] = await Promise.allSettled([starting, loading]);
  if (started.status === "rejected" || loaded.status === "rejected") {
    await Promise.all([
      started.status === "fulfilled" && started.value.stop(),
      loaded.status === "fulfilled" && loaded.value?.close(),
      engineService.close(),
    ]);
    if (started.status === "rejected") throw started.reason;
    // A pack that does not start or whose config does not validate fails the run before the program, as in the CLI.
    const error =
      loaded.status === "rejected" && loaded.reason instanceof Error
        ? loaded.reason.message
        : String(loaded.status === "rejected" && loaded.reason);
    return {
      op: spec.op,
      ok: false,
      steps: [],
      calls: [],
      providerSteps: [],
      errors: [error],
      outputs: {},
      diagnostics: [],
    };
  }
  const served = withPackageProviders(started.value, spec.packageProviders);
  const { serves } = served;
  const journal = new PendingOperations(spec.stateFile, spec.interruptAfter);
  const plugin = journal.wrap(served.plugin);
  const policies = loaded.value;
  try {
    const engine = new Engine({
      policies,
      plugin,
      state: loadState(spec.stateFile),
      config: stackConfig(spec, project.name),
      target: { project: project.name, stack: spec.stack },
      save: (s) => journal.save(s),
      preview,
      log: (line) => console.log(`    ${line}`),
      serves,
      ...(spec.parallel ? { parallel: spec.parallel } : {}),
    });
    /** @type {string[]} */
    let programErrors = [];
    if (spec.op === "up" || preview) {
      programErrors = await runProgram(spec, engine, preview);
      await engine.finish(programErrors.length === 0);
    } else if (spec.op === "refresh") {
      await engine.refresh();
    } else {
      await engine.destroy();
    }
    // A failed step is the error; the program's own errors then only repeat it.
    const errors = engine.failures.length > 0 ? engine.failures : programErrors;
    return {
      op: spec.op,
      ok: errors.length === 0,
      steps: engine.steps,
      calls: engine.calls,
      providerSteps: engine.providerSteps,
      errors,
      outputs: mask(preview ? engine.programOutputs : engine.snapshot().outputs),
      diagnostics: engineService.logs,
      ...(policies ? { policyViolations: policies.violations } : {}),
    };
  } finally {
    await Promise.all([plugin.stop(), policies?.close()]);
    await engineService.close();
  }
}

/** What the engine tells the policy packs about the stack; config keys as the CLI holds them ("<project>:<key>"). @param {RunSpec} spec @param {boolean} preview */
function stackInfo(spec, preview) {
  const project = readProject(spec.projectDir).name;
  const config = Object.fromEntries(
    Object.entries(spec.config).map(([k, v]) => [k.includes(":") ? k : `${project}:${k}`, v]),
  );
  return { project, stack: spec.stack, organization: "organization", dryRun: preview, config };
}

/**
 * Runs the program as Pulumi's language host does, inside a root stack, and waits until every
 * registration is answered.
 * @param {RunSpec} spec @param {Engine} engine @param {boolean} preview
 */
async function runProgram(spec, engine, preview) {
  const project = readProject(spec.projectDir);
  const projectRequire = createRequire(join(spec.projectDir, "package.json"));
  const { pulumi, settings } = await installMonitor(projectRequire, engine, {
    project: project.name,
    stack: spec.stack,
    preview,
    stackReferences: spec.stackReferences,
  });
  // The program sees the whole stack config, as under the CLI; secrets stay secret to `config.requireSecret`.
  pulumi.runtime.setAllConfig(reveal(stackConfig(spec, project.name)), secretKeys(spec, project.name));

  /** @type {string[]} */
  const errors = [];
  const onError = (/** @type {unknown} */ err) => {
    const message = err instanceof Error ? err.message : String(err);
    if (!errors.includes(message)) errors.push(message);
  };
  process.on("unhandledRejection", onError);
  try {
    await pulumi.runtime.runInPulumiStack(async () => {
      const main = projectRequire(project.main);
      return typeof main === "function" ? main() : main;
    });
  } catch (err) {
    onError(err);
  }
  await settings.waitForRPCs();
  await new Promise((r) => setImmediate(r)); // let the last rejections surface
  process.off("unhandledRejection", onError);
  return errors;
}

if (require.main === module) {
  if (!process.send) {
    console.error("run-program.js is started by the lifecycle harness (stack.js), which sends it a RunSpec over IPC.");
    process.exit(2);
  }
  process.once("message", (/** @type {RunSpec} */ spec) => {
    run(spec).then(
      (result) => process.send?.(result, () => process.exit(0)),
      (err) => {
        console.error(err instanceof Error ? err.stack : err);
        process.exit(1);
      },
    );
  });
}

module.exports = { run, readProject };
