// @ts-check
/**
 * Drives Pulumi's real dynamic-provider plugin (`pulumi-resource-pulumi-nodejs`, i.e.
 * @pulumi/pulumi/cmd/dynamic-provider) over gRPC, the way the Pulumi engine does: spawn it in the
 * project folder (so the serialized providers' `require`s resolve there), read its port from
 * stdout, then call Configure, Check, Diff, Create, Read, Update and Delete.
 * test/helpers/plugin.ts re-exports this with its TypeScript types.
 */
"use strict";
const { spawn } = require("node:child_process");
const { appendFileSync } = require("node:fs");
const { join } = require("node:path");
const grpc = require("@grpc/grpc-js");
const { Struct } = require("google-protobuf/google/protobuf/struct_pb");
const provproto = require("@pulumi/pulumi/proto/provider_pb");
const { ResourceProviderClient } = require("@pulumi/pulumi/proto/provider_grpc_pb");
const statusproto = require("@pulumi/pulumi/proto/status_pb");

const TYPE = "pulumi-nodejs:dynamic/qwilt:ApiKey";

/** @param {string} name @param {string} [project] @param {string} [stack] */
const urnOf = (name, project = "qwilt-test-project", stack = "test") =>
  `urn:pulumi:${stack}::${project}::${TYPE}::${name}`;

/**
 * @typedef {Record<string, any>} Props
 * @typedef {{ id: string, properties: Props, reasons: string[] }} InitFailure
 * @typedef {{ property: string, reason: string }} CheckFailure
 * @typedef {{ changes: "none" | "some" | "unknown", replaces: string[], deleteBeforeReplace: boolean }} DiffResult
 *
 * @typedef {object} PluginProcess
 * @property {import("@pulumi/pulumi/proto/provider_grpc_pb").ResourceProviderClient} client
 * @property {() => string} output Everything the plugin printed on stdout and stderr (secret-hygiene tests read it).
 * @property {(config: Record<string, string>) => Promise<void>} configure
 * @property {(urn: string, olds: Props, news: Props) => Promise<{ inputs: Props, failures: CheckFailure[] }>} check
 * @property {(urn: string, id: string, olds: Props, news: Props) => Promise<DiffResult>} diff
 * @property {(urn: string, props: Props) => Promise<{ id: string, properties: Props }>} create
 * @property {(urn: string, id: string, props: Props, inputs?: Props) => Promise<{ id: string, properties: Props, inputs: Props }>} read
 * @property {(urn: string, id: string, olds: Props, news: Props) => Promise<{ properties: Props }>} update
 * @property {(urn: string, id: string, props: Props) => Promise<void>} delete
 * @property {() => Promise<void>} stop
 */

/** A failed call: the plugin's message, plus id/properties when Pulumi would track a half-made resource. */
class PluginCallError extends Error {
  /** @param {string} message @param {number} code @param {InitFailure} [initFailure] */
  constructor(message, code, initFailure) {
    super(message);
    this.code = code;
    this.initFailure = initFailure;
  }
}

/**
 * @typedef {object} SpawnOptions
 * @property {string} [engineAddress] the Engine service the plugin may log to (engine-service.js); default an
 *   address where nothing listens, so the provider falls back to stderr
 * @property {string[]} [flags] what the engine puts before its address (buildPluginArguments: `--logtostderr`,
 *   `-v=9`, `--tracing <endpoint>`)
 */

/**
 * Spawns the plugin in the project folder and resolves once it listens, with a gRPC client for it.
 * Shared with the bench (bench/plugin-driver.js), which times the plugin from `startedAt`.
 * @param {string} projectDir
 * @param {NodeJS.ProcessEnv} [env] the plugin's environment, on top of PATH and HOME
 * @param {SpawnOptions} [o]
 */
async function spawnPlugin(projectDir, env = {}, o = {}) {
  const startedAt = performance.now();
  const entry = join(projectDir, "node_modules/@pulumi/pulumi/cmd/dynamic-provider/index.js");
  // As the engine starts a plugin: flags first, its own address last.
  const child = spawn(process.execPath, [entry, ...(o.flags ?? []), o.engineAddress ?? "127.0.0.1:1"], {
    cwd: projectDir,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const { stdout, stderr } = child;
  let printed = "";
  stderr.on("data", (d) => (printed += d));
  // The test run's global teardown scans what every plugin printed for keys and tokens.
  const outputDir = process.env.QWILT_PLUGIN_OUTPUT_DIR;
  if (outputDir)
    child.once("exit", () => appendFileSync(join(outputDir, `plugin-${process.pid}-${child.pid}.log`), printed));
  const port = await new Promise((resolve, reject) => {
    let out = "";
    /** @param {Buffer} d */
    const onData = (d) => {
      out += d;
      printed += d;
      const line = out.split("\n").find((l) => /^\d+$/.test(l.trim()));
      if (line) {
        stdout.off("data", onData);
        stdout.on("data", (more) => (printed += more));
        resolve(line.trim());
      }
    };
    stdout.on("data", onData);
    child.once("exit", (code) => reject(new Error(`plugin exited (${code}) before listening: ${printed}`)));
  });
  const client = new ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  return {
    startedAt,
    child,
    client,
    /** Everything the plugin printed on stdout and stderr. */
    output: () => printed,
    async stop() {
      client.close();
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once("exit", r));
        child.kill("SIGTERM");
        await exited;
      }
    },
  };
}

/**
 * @param {string} projectDir
 * @param {NodeJS.ProcessEnv} [env] the plugin's environment, on top of PATH and HOME
 * @param {SpawnOptions} [o]
 * @returns {Promise<PluginProcess>}
 */
async function startPlugin(projectDir, env = {}, o = {}) {
  const { client, output, stop } = await spawnPlugin(projectDir, env, o);
  /** @type {(method: string, req: unknown) => Promise<any>} */
  const call = (method, req) =>
    new Promise((resolve, reject) => {
      /** @type {any} */ (client)[method](
        req,
        (/** @type {grpc.ServiceError | null} */ err, /** @type {unknown} */ res) =>
          err ? reject(toError(err)) : resolve(res),
      );
    });
  /** @param {Props} o */
  const struct = (o) => Struct.fromJavaScript(o);
  /** @param {Struct | undefined} s @returns {Props} */
  const js = (s) => /** @type {Props} */ (s?.toJavaScript() ?? {});

  return {
    client,
    output,
    async configure(config) {
      const req = new provproto.ConfigureRequest();
      req.setArgs(struct(config));
      for (const [k, v] of Object.entries(config)) req.getVariablesMap().set(k, v);
      await call("configure", req);
    },
    async check(urn, olds, news) {
      const req = new provproto.CheckRequest();
      req.setUrn(urn);
      req.setOlds(struct(olds));
      req.setNews(struct(news));
      /** @type {provproto.CheckResponse} */
      const res = await call("check", req);
      return {
        inputs: js(res.getInputs()),
        failures: res.getFailuresList().map((f) => ({ property: f.getProperty(), reason: f.getReason() })),
      };
    },
    async diff(urn, id, olds, news) {
      const req = new provproto.DiffRequest();
      req.setUrn(urn);
      req.setId(id);
      req.setOlds(struct(olds));
      req.setNews(struct(news));
      /** @type {provproto.DiffResponse} */
      const res = await call("diff", req);
      const C = provproto.DiffResponse.DiffChanges;
      const changes = res.getChanges() === C.DIFF_SOME ? "some" : res.getChanges() === C.DIFF_NONE ? "none" : "unknown";
      return { changes, replaces: res.getReplacesList(), deleteBeforeReplace: res.getDeletebeforereplace() };
    },
    async create(urn, props) {
      const req = new provproto.CreateRequest();
      req.setUrn(urn);
      req.setProperties(struct(props));
      /** @type {provproto.CreateResponse} */
      const res = await call("create", req);
      return { id: res.getId(), properties: js(res.getProperties()) };
    },
    async read(urn, id, props, inputs) {
      const req = new provproto.ReadRequest();
      req.setUrn(urn);
      req.setId(id);
      req.setProperties(struct(props));
      if (inputs) req.setInputs(struct(inputs));
      /** @type {provproto.ReadResponse} */
      const res = await call("read", req);
      return { id: res.getId(), properties: js(res.getProperties()), inputs: js(res.getInputs()) };
    },
    async update(urn, id, olds, news) {
      const req = new provproto.UpdateRequest();
      req.setUrn(urn);
      req.setId(id);
      req.setOlds(struct(olds));
      req.setNews(struct(news));
      /** @type {provproto.UpdateResponse} */
      const res = await call("update", req);
      return { properties: js(res.getProperties()) };
    },
    async delete(urn, id, props) {
      const req = new provproto.DeleteRequest();
      req.setUrn(urn);
      req.setId(id);
      req.setProperties(struct(props));
      await call("delete", req);
    },
    stop,
  };
}

/**
 * Unpacks ErrorResourceInitFailed from grpc-status-details-bin, as the engine does.
 * @param {grpc.ServiceError} err
 */
function toError(err) {
  const details = err.metadata?.get("grpc-status-details-bin")?.[0];
  if (details) {
    const status = statusproto.Status.deserializeBinary(new Uint8Array(/** @type {Buffer} */ (details)));
    for (const any of status.getDetailsList()) {
      if (any.getTypeName() === "pulumirpc.ErrorResourceInitFailed") {
        const f = provproto.ErrorResourceInitFailed.deserializeBinary(any.getValue_asU8());
        return new PluginCallError(err.details, err.code, {
          id: f.getId(),
          properties: /** @type {Props} */ (f.getProperties()?.toJavaScript() ?? {}),
          reasons: f.getReasonsList(),
        });
      }
    }
  }
  return new PluginCallError(err.details, err.code);
}

module.exports = { TYPE, urnOf, PluginCallError, spawnPlugin, startPlugin };
