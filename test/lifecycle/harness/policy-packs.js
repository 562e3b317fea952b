// @ts-check
/**
 * Local policy packs (`pulumi up --policy-pack <dir> [--policy-pack-config <file>]`), run as the
 * Pulumi CLI runs them and driven over @pulumi/policy's real Analyzer gRPC service as the engine
 * drives them. pulumi/pulumi, by the functions each part stands for:
 *
 * - startPolicyPack: `plugin.NewPolicyAnalyzer` (pkg/resource/plugin/analyzer_plugin.go) and the
 *   Node.js language host's `RunPlugin` for kind "analyzer" (sdk/nodejs/cmd/pulumi-language-nodejs).
 *   Nothing is installed in the pack folder: `@pulumi/pulumi/cmd/run-policy-pack` is located from
 *   the folder (`locateModule`, Node's resolution, so it may come from a node_modules above it) and
 *   run with Node as `run-policy-pack <engine address> <pack folder>`, the folder as the working
 *   directory, stack, project, organization, dry-run and stack config in PULUMI_NODEJS_* and
 *   PULUMI_CONFIG; the port it prints is the analyzer's. The host's proxy then forwards
 *   ConfigureStack. (The engine's Handshake goes to that proxy, not to the pack: not sent here.)
 * - loadPolicyConfigFile: `LoadPolicyPackConfigAndEnvironmentsFromFile` (pkg/resource/analyzer/config.go);
 *   ESC `environments` are refused, not resolved.
 * - reconcilePolicyConfig: `ReconcilePolicyPackConfig` (same file): the schema's defaults, then the
 *   pack's initial config, then the file's ("all" first), validated against each policy's schema
 *   with `enforcementLevel` added and without `additionalProperties` (as `convertSchema` does). The
 *   engine validates with gojsonschema, this with zod's JSON Schema reader: the same verdicts for
 *   the keywords policy schemas use, in other words.
 * - PolicyPacks.load: the local-pack part of `loadPolicyPlugins` (pkg/engine/update.go).
 * - PolicyPacks.analyze: the remediate pass and `analyzeAll` of `stepGenerator.generateSteps`
 *   (pkg/resource/deploy/step_generator.go, analyze_snapshot.go `analyzeResource`): the checked
 *   inputs (secrets marked, top-level `__` keys left out), options, and the default provider; a
 *   mandatory (or remediate) diagnostic is a mandatory violation. Differences: packs run one after
 *   another, not in parallel; a remediation that changes inputs is refused (none of the packs
 *   the tests run remediates); the resource's parent is not sent (the harness does not track it);
 *   component resources, the root stack among them, are not analyzed (the engine analyzes them
 *   too; the packs the tests run judge custom resources only); AnalyzeStack is not called at the
 *   end of an up (the packs the tests run have resource policies only). An analyzer's error stops
 *   the run at that resource, as an error of `analyzeAll` does.
 */
"use strict";
const { spawn } = require("node:child_process");
const { appendFileSync, readFileSync } = require("node:fs");
const { createRequire } = require("node:module");
const { join, resolve } = require("node:path");
const grpc = require("@grpc/grpc-js");
const { Struct } = require("google-protobuf/google/protobuf/struct_pb");
const { Empty } = require("google-protobuf/google/protobuf/empty_pb");
const analyzerproto = require("@pulumi/pulumi/proto/analyzer_pb");
const { AnalyzerClient } = require("@pulumi/pulumi/proto/analyzer_grpc_pb");
const { markSecret, secretNames } = require("./wire");

/**
 * @typedef {"advisory" | "mandatory" | "remediate" | "disabled"} EnforcementLevel
 * @typedef {{ enforcementLevel: EnforcementLevel, properties: Record<string, unknown> }} PolicyConfig
 * @typedef {{ name: string, description: string, enforcementLevel: EnforcementLevel, severity: string, configSchema?: { properties: Record<string, any>, required: string[] } }} PolicyInfo
 * @typedef {{ name: string, version: string, supportsConfig: boolean, description: string, policies: PolicyInfo[], initialConfig: Record<string, Partial<PolicyConfig>> }} AnalyzerInfo
 * @typedef {{ policyName: string, policyPackName: string, policyPackVersion: string, description: string, message: string, enforcementLevel: EnforcementLevel, urn: string, severity: string }} Diagnostic
 * @typedef {{ policyName: string, reason: string }} NotApplicable
 * @typedef {{ urn: string, type: string, name: string, properties: Record<string, any>, options?: { deleteBeforeReplace?: boolean, additionalSecretOutputs?: string[] }, provider?: { urn: string, type: string, name: string, properties: Record<string, any> } }} AnalyzerResource
 *
 * @typedef {object} StackInfo what the engine tells a policy pack about the stack (ConfigureStack, PULUMI_NODEJS_*)
 * @property {string} project
 * @property {string} stack
 * @property {string} organization
 * @property {boolean} dryRun
 * @property {Record<string, string>} [config] the stack config, "<namespace>:<key>" → value
 *
 * @typedef {object} AnalyzerProcess
 * @property {string} dir the pack folder
 * @property {() => string} output everything the pack printed
 * @property {() => Promise<AnalyzerInfo>} getAnalyzerInfo
 * @property {(config: Record<string, PolicyConfig>) => Promise<void>} configure
 * @property {(r: AnalyzerResource) => Promise<{ diagnostics: Diagnostic[], notApplicable: NotApplicable[] }>} analyze
 * @property {(r: AnalyzerResource) => Promise<{ remediations: { policyName: string, properties?: Record<string, any>, diagnostic: string }[] }>} remediate
 * @property {() => Promise<void>} stop
 */

const LEVELS = /** @type {const} */ (["advisory", "mandatory", "disabled", "remediate"]); // pulumirpc.EnforcementLevel order
const SEVERITIES = ["", "low", "medium", "high", "critical"]; // pulumirpc.PolicySeverity order

/** Reads the first line a plugin prints that is a port number. @param {import("node:child_process").ChildProcess} child @param {() => string} printed */
function portOf(child, printed) {
  return new Promise((resolvePort, reject) => {
    let out = "";
    /** @param {Buffer} d */
    const onData = (d) => {
      out += d;
      const line = out.split("\n").find((l) => /^\d+$/.test(l.trim()));
      if (line) {
        child.stdout?.off("data", onData);
        resolvePort(line.trim());
      }
    };
    child.stdout?.on("data", onData);
    child.once("exit", (code) => reject(new Error(`policy pack exited (${code}) before listening: ${printed()}`)));
  });
}

/**
 * Starts the policy pack in `packDir` as the CLI does, and connects to its Analyzer service.
 * @param {string} packDir
 * @param {StackInfo} stack
 * @param {{ engineAddress?: string }} [o] the engine's address (the pack gets it as its first argument)
 * @returns {Promise<AnalyzerProcess>}
 */
async function startPolicyPack(packDir, stack, o = {}) {
  const dir = resolve(packDir);
  const project = readFileSync(join(dir, "PulumiPolicy.yaml"), "utf8");
  const runtime = project.match(/^runtime:\s*(?:\n\s+name:\s*)?(\S+)/m)?.[1];
  if (runtime !== "nodejs")
    throw new Error(`${dir}/PulumiPolicy.yaml: runtime ${runtime}: the harness runs nodejs policy packs only`);
  let runner;
  try {
    runner = createRequire(join(dir, "PulumiPolicy.yaml")).resolve("@pulumi/pulumi/cmd/run-policy-pack");
  } catch {
    throw new Error(`It looks like the Pulumi SDK has not been installed. Have you run npm install in ${dir}?`);
  }
  /** @type {NodeJS.ProcessEnv} */
  const env = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    PULUMI_NODEJS_ORGANIZATION: stack.organization,
    PULUMI_NODEJS_PROJECT: stack.project,
    PULUMI_NODEJS_STACK: stack.stack,
    PULUMI_NODEJS_DRY_RUN: String(stack.dryRun),
    ...(stack.config ? { PULUMI_CONFIG: JSON.stringify(stack.config) } : {}),
  };
  const child = spawn(process.execPath, [runner, o.engineAddress ?? "127.0.0.1:1", dir], {
    cwd: dir,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let printed = "";
  child.stdout.on("data", (d) => (printed += d));
  child.stderr.on("data", (d) => (printed += d));
  // The test run's global teardown scans what every plugin printed for keys and tokens.
  const outputDir = process.env.QWILT_PLUGIN_OUTPUT_DIR;
  if (outputDir)
    child.once("exit", () => appendFileSync(join(outputDir, `policy-pack-${process.pid}-${child.pid}.log`), printed));
  const port = await portOf(child, () => printed);
  const client = new AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());

  /** @type {(method: string, req: unknown) => Promise<any>} */
  const call = (method, req) =>
    new Promise((res, rej) =>
      /** @type {any} */ (client)[method](
        req,
        (/** @type {grpc.ServiceError | null} */ err, /** @type {unknown} */ r) => (err ? rej(err) : res(r)),
      ),
    );
  /** @param {Struct | undefined} s @returns {Record<string, any>} */
  const js = (s) => /** @type {Record<string, any>} */ (s?.toJavaScript() ?? {});

  const stackReq = new analyzerproto.AnalyzerStackConfigureRequest();
  stackReq.setProject(stack.project);
  stackReq.setStack(stack.stack);
  stackReq.setOrganization(stack.organization);
  stackReq.setDryRun(stack.dryRun);
  for (const [k, v] of Object.entries(stack.config ?? {})) stackReq.getConfigMap().set(k, v);
  await call("configureStack", stackReq).catch((/** @type {grpc.ServiceError} */ err) => {
    if (err.code !== grpc.status.UNIMPLEMENTED) throw err;
  });

  /** @param {AnalyzerResource} r */
  const request = (r) => {
    const req = new analyzerproto.AnalyzeRequest();
    req.setUrn(r.urn);
    req.setType(r.type);
    req.setName(r.name);
    req.setProperties(Struct.fromJavaScript(r.properties));
    const opts = new analyzerproto.AnalyzerResourceOptions();
    opts.setDeletebeforereplace(r.options?.deleteBeforeReplace ?? false);
    opts.setDeletebeforereplacedefined(r.options?.deleteBeforeReplace !== undefined);
    opts.setAdditionalsecretoutputsList(r.options?.additionalSecretOutputs ?? []);
    req.setOptions(opts);
    if (r.provider) {
      const prov = new analyzerproto.AnalyzerProviderResource();
      prov.setUrn(r.provider.urn);
      prov.setType(r.provider.type);
      prov.setName(r.provider.name);
      prov.setProperties(Struct.fromJavaScript(r.provider.properties));
      req.setProvider(prov);
    }
    return req;
  };

  return {
    dir,
    output: () => printed,
    async getAnalyzerInfo() {
      /** @type {analyzerproto.AnalyzerInfo} */
      const res = await call("getAnalyzerInfo", new Empty());
      /** @type {AnalyzerInfo["initialConfig"]} */
      const initialConfig = {};
      res.getInitialconfigMap().forEach(
        (c, k) =>
          (initialConfig[k] = {
            enforcementLevel: LEVELS[c.getEnforcementlevel()],
            properties: js(c.getProperties()),
          }),
      );
      return {
        name: res.getName(),
        version: res.getVersion(),
        supportsConfig: res.getSupportsconfig(),
        description: res.getDescription(),
        policies: res
          .getPoliciesList()
          .map((p) => {
            const schema = p.getConfigschema();
            return {
              name: p.getName(),
              description: p.getDescription(),
              enforcementLevel: LEVELS[p.getEnforcementlevel()] ?? "advisory",
              severity: SEVERITIES[p.getSeverity()] ?? "",
              ...(schema
                ? { configSchema: { properties: js(schema.getProperties()), required: schema.getRequiredList() } }
                : {}),
            };
          })
          .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
        initialConfig,
      };
    },
    async configure(config) {
      const req = new analyzerproto.ConfigureAnalyzerRequest();
      for (const [name, c] of Object.entries(config)) {
        // As the engine's analyzer.Configure: a level left empty (config for a policy the pack lacks) is refused.
        if (!LEVELS.includes(/** @type {any} */ (c.enforcementLevel)))
          throw new Error(`invalid enforcement level "${c.enforcementLevel}" (config for "${name}")`);
        const pc = new analyzerproto.PolicyConfig();
        pc.setEnforcementlevel(LEVELS.indexOf(/** @type {any} */ (c.enforcementLevel)));
        pc.setProperties(Struct.fromJavaScript(/** @type {any} */ (c.properties ?? {})));
        req.getPolicyconfigMap().set(name, pc);
      }
      await call("configure", req);
    },
    async analyze(r) {
      /** @type {analyzerproto.AnalyzeResponse} */
      const res = await call("analyze", request(r));
      return {
        diagnostics: res.getDiagnosticsList().map((d) => ({
          policyName: d.getPolicyname(),
          policyPackName: d.getPolicypackname(),
          policyPackVersion: d.getPolicypackversion(),
          description: d.getDescription(),
          message: d.getMessage(),
          enforcementLevel: LEVELS[d.getEnforcementlevel()] ?? "advisory",
          urn: d.getUrn(),
          severity: SEVERITIES[d.getSeverity()] ?? "",
        })),
        notApplicable: res
          .getNotApplicableList()
          .map((n) => ({ policyName: n.getPolicyName(), reason: n.getReason() })),
      };
    },
    async remediate(r) {
      /** @type {analyzerproto.RemediateResponse} */
      const res = await call("remediate", request(r));
      return {
        remediations: res.getRemediationsList().map((m) => ({
          policyName: m.getPolicyname(),
          diagnostic: m.getDiagnostic(),
          ...(m.getProperties() ? { properties: js(m.getProperties()) } : {}),
        })),
      };
    },
    async stop() {
      client.close();
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once("exit", r));
        child.kill("SIGTERM");
        await exited;
      }
    },
  };
}

/**
 * A `--policy-pack-config` file: per policy an enforcement level, or an object of settings that
 * may hold `enforcementLevel`; "all" sets every policy's level.
 * @param {string} text
 * @returns {Record<string, Partial<PolicyConfig>>}
 */
function parsePolicyConfig(text) {
  if (text.trim() === "") return {};
  const given = JSON.parse(text);
  if ("environments" in given)
    throw new Error("the lifecycle harness does not resolve ESC environments in a policy pack config");
  /** @type {Record<string, Partial<PolicyConfig>>} */
  const config = {};
  for (const [name, value] of Object.entries(given)) {
    if (typeof value === "string") {
      if (!LEVELS.includes(/** @type {any} */ (value)))
        throw new Error(`parsing enforcement level for "${name}": "${value}" is not a valid enforcement level`);
      config[name] = { enforcementLevel: /** @type {EnforcementLevel} */ (value) };
    } else if (value && typeof value === "object" && !Array.isArray(value)) {
      const { enforcementLevel, ...properties } = /** @type {Record<string, unknown>} */ (value);
      if (enforcementLevel !== undefined && !LEVELS.includes(/** @type {any} */ (enforcementLevel))) {
        throw new Error(
          `parsing enforcement level for "${name}": ${JSON.stringify(enforcementLevel)} is not a valid enforcement level`,
        );
      }
      const c = {
        ...(enforcementLevel ? { enforcementLevel: /** @type {EnforcementLevel} */ (enforcementLevel) } : {}),
        ...(Object.keys(properties).length ? { properties } : {}),
      };
      if (Object.keys(c).length > 0) config[name] = c;
    } else {
      throw new Error(`parsing "${name}": ${JSON.stringify(value)} is not a valid value; must be a string or object`);
    }
  }
  return config;
}

/** @param {string} file */
function loadPolicyConfigFile(file) {
  return parsePolicyConfig(readFileSync(file, "utf8"));
}

/**
 * The config the engine sends Configure: defaults, then `initial`, then `given`, validated.
 * @param {AnalyzerInfo} info
 * @param {Record<string, Partial<PolicyConfig>>} [given] e.g. a --policy-pack-config file's
 * @returns {{ config: Record<string, PolicyConfig>, errors: string[] }}
 */
function reconcilePolicyConfig(info, given = {}) {
  /** @type {Record<string, PolicyConfig>} */
  let config = {};
  for (const p of info.policies) {
    /** @type {Record<string, unknown>} */
    const properties = {};
    for (const [k, s] of Object.entries(p.configSchema?.properties ?? {}))
      if ("default" in s) properties[k] = s.default;
    config[p.name] = { enforcementLevel: p.enforcementLevel, properties };
  }
  for (const layer of [info.initialConfig, given]) config = applyConfig(config, layer);

  const { z } = require("zod");
  /** @type {string[]} */
  const errors = [];
  for (const p of info.policies) {
    if (!p.configSchema) continue;
    const properties = { ...p.configSchema.properties, enforcementLevel: { type: "string", enum: [...LEVELS] } };
    const schema = z.fromJSONSchema(
      /** @type {any} */ ({
        type: "object",
        properties,
        ...(p.configSchema.required.length ? { required: p.configSchema.required } : {}),
      }),
    );
    const result = schema.safeParse(config[p.name]?.properties ?? {});
    for (const issue of result.success ? [] : result.error.issues)
      errors.push(`${p.name}: ${issue.path.join(".") || "(root)"}: ${issue.message}`);
  }
  return { config, errors };
}

/** @param {Record<string, PolicyConfig>} config @param {Record<string, Partial<PolicyConfig>>} layer */
function applyConfig(config, layer) {
  const out = { ...config };
  const all = layer.all?.enforcementLevel;
  if (all) for (const k of Object.keys(out)) out[k] = { ...out[k], enforcementLevel: all };
  for (const [name, c] of Object.entries(layer)) {
    const prev = out[name] ?? { enforcementLevel: /** @type {EnforcementLevel} */ (""), properties: {} };
    out[name] = {
      enforcementLevel: c.enforcementLevel ?? prev.enforcementLevel,
      properties: { ...prev.properties, ...c.properties },
    };
  }
  return out;
}

/** The packs of one run, as the engine holds its analyzers. */
class PolicyPacks {
  /** @type {{ pack: AnalyzerProcess, info: AnalyzerInfo }[]} */
  #analyzers;
  #log;
  /** Every diagnostic the packs reported, as the engine's policy-violation events. @type {(Diagnostic & { name: string })[]} */
  violations = [];

  /** @param {{ pack: AnalyzerProcess, info: AnalyzerInfo }[]} analyzers @param {(line: string) => void} log */
  constructor(analyzers, log) {
    this.#analyzers = analyzers;
    this.#log = log;
  }

  /**
   * Starts and configures every pack; a config that does not validate fails the run before the program.
   * @param {{ path: string, config?: string }[]} packs as given by --policy-pack and --policy-pack-config
   * @param {StackInfo} stack
   * @param {(line: string) => void} [log]
   */
  static async load(packs, stack, log = () => {}) {
    const started = await Promise.allSettled(packs.map((p) => startPolicyPack(p.path, stack)));
    const running = started.flatMap((s) => (s.status === "fulfilled" ? [s.value] : []));
    /** @type {{ pack: AnalyzerProcess, info: AnalyzerInfo }[]} */
    const analyzers = [];
    try {
      for (const s of started) if (s.status === "rejected") throw s.reason;
      for (const [i, pack] of running.entries()) {
        const path = packs[i]?.path;
        const configFile = packs[i]?.config;
        const info = await pack.getAnalyzerInfo();
        analyzers.push({ pack, info });
        if (!info.supportsConfig) {
          if (configFile) throw new Error(`policy pack "${info.name}" at "${path}" does not support config`);
          continue;
        }
        const { config, errors } = reconcilePolicyConfig(info, configFile ? loadPolicyConfigFile(configFile) : {});
        if (errors.length > 0)
          throw new Error(
            errors
              .sort()
              .map((e) => `validating policy config: ${info.name} ${info.version}  ${e}`)
              .join("\n"),
          );
        await pack.configure(config);
      }
      return new PolicyPacks(analyzers, log);
    } catch (err) {
      await Promise.all(running.map((p) => p.stop()));
      throw err;
    }
  }

  /**
   * Remediate, then Analyze, on a resource's checked inputs; returns the mandatory violations' messages.
   * @param {import("./engine").Registration} r
   * @param {Record<string, any>} checked the provider's checked inputs (plain values)
   * @returns {Promise<string[]>}
   */
  async analyze(r, checked) {
    const [, stack, project, name] = /** @type {string[]} */ (
      r.urn.match(/^urn:pulumi:([^:]+)::([^:]+)::.+::([^:]*)$/) ?? []
    );
    const inputs = markSecret(checked, secretNames(r.inputs));
    /** @type {AnalyzerResource} */
    const resource = {
      urn: r.urn,
      type: r.type,
      name: name ?? r.urn,
      properties: inputs,
      options: { deleteBeforeReplace: r.deleteBeforeReplace, additionalSecretOutputs: r.additionalSecretOutputs },
      provider: {
        urn: `urn:pulumi:${stack}::${project}::pulumi:providers:pulumi-nodejs::default`,
        type: "pulumi:providers:pulumi-nodejs",
        name: "default",
        properties: {},
      },
    };
    for (const { pack } of this.#analyzers) {
      const { remediations } = await pack.remediate(resource);
      if (remediations.some((m) => m.properties))
        throw new Error(
          `${resource.name}: a policy remediated its inputs; the lifecycle harness does not model remediations`,
        );
    }
    // Analyze leaves out the top-level internal keys (__provider, __defaults); Remediate gets them.
    const properties = Object.fromEntries(Object.entries(inputs).filter(([k]) => !k.startsWith("__")));
    /** @type {string[]} */
    const mandatory = [];
    for (const { pack } of this.#analyzers) {
      const { diagnostics } = await pack.analyze({ ...resource, properties });
      for (const d of diagnostics) {
        const level = d.enforcementLevel === "remediate" ? "mandatory" : d.enforcementLevel;
        this.violations.push({ ...d, enforcementLevel: level, urn: d.urn || r.urn, name: resource.name });
        this.#log(
          `${level === "mandatory" ? "✗" : "!"} policy ${d.policyPackName}@v${d.policyPackVersion} ${d.policyName} [${level}] ${resource.name}: ${d.message.replace(/\n/g, " ")}`,
        );
        if (level === "mandatory") mandatory.push(`${d.policyName}: ${d.message.split("\n").pop()}`);
      }
    }
    return mandatory;
  }

  /** Everything the packs printed. */
  output() {
    return this.#analyzers.map((a) => a.pack.output()).join("");
  }

  async close() {
    await Promise.all(this.#analyzers.map((a) => a.pack.stop()));
  }
}

module.exports = { startPolicyPack, parsePolicyConfig, loadPolicyConfigFile, reconcilePolicyConfig, PolicyPacks };
