/**
 * Drives Pulumi's real dynamic-provider plugin (`pulumi-resource-pulumi-nodejs`) over gRPC as the
 * engine does: spawn it in the project folder, read its port, then Configure, Check, Create, Read.
 * Timed phases send requests serialized beforehand (`prepare*` and `send`), so they measure the
 * plugin rather than this process building protobufs. Also reports the plugin's CPU time and peak
 * memory, read from /proc (Linux).
 */
const { execFileSync, spawn } = require("node:child_process");
const { readFileSync } = require("node:fs");
const { join } = require("node:path");
const grpc = require("@grpc/grpc-js");
const { Struct } = require("google-protobuf/google/protobuf/struct_pb");
const provproto = require("@pulumi/pulumi/proto/provider_pb");
const { ResourceProviderClient, ResourceProviderService } = require("@pulumi/pulumi/proto/provider_grpc_pb");

const urnOf = (type, name) => `urn:pulumi:bench::qwilt-bench::${type}::${name}`;
/** /proc/<pid>/<name>, or undefined where there is no /proc (not Linux). */
function procFile(pid, name) {
  try {
    return readFileSync(`/proc/${pid}/${name}`, "utf8");
  } catch {
    return undefined;
  }
}

/** Clock ticks per second of /proc/<pid>/stat times. */
let ticks;
const clockTicks = () => (ticks ??= Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" })) || 100);

/** Starts the plugin; resolves once it listens. `startedAt` is taken just before the spawn. */
async function startPlugin(projectDir, env) {
  const startedAt = performance.now();
  const entry = join(projectDir, "node_modules/@pulumi/pulumi/cmd/dynamic-provider/index.js");
  const child = spawn(process.execPath, [entry, "127.0.0.1:1"], {
    cwd: projectDir,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let printed = "";
  child.stderr.on("data", (d) => (printed += d));
  const port = await new Promise((resolve, reject) => {
    let out = "";
    const onData = (d) => {
      out += d;
      const line = out.split("\n").find((l) => /^\d+$/.test(l.trim()));
      if (line) {
        child.stdout.off("data", onData);
        child.stdout.on("data", (more) => (printed += more));
        resolve(line.trim());
      }
    };
    child.stdout.on("data", onData);
    child.once("exit", (code) => reject(new Error(`plugin exited (${code}) before listening: ${printed}`)));
  });
  const client = new ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  const struct = (o) => Struct.fromJavaScript(o);
  const asIs = (bytes) => bytes;

  return {
    startedAt,
    pid: child.pid,
    output: () => printed,
    async configure(config) {
      const req = new provproto.ConfigureRequest();
      req.setArgs(struct(config));
      for (const [k, v] of Object.entries(config)) req.getVariablesMap().set(k, v);
      await new Promise((resolve, reject) => client.configure(req, (err) => (err ? reject(new Error(`configure: ${err.details}`)) : resolve())));
    },
    async check(urn, olds, news) {
      return decodeCheck(await this.send("check", prepareCheck(urn, olds, news)));
    },
    async create(urn, props) {
      return decodeCreate(await this.send("create", prepareCreate(urn, props)));
    },
    /** Sends a prepared request; resolves with the response's bytes. */
    send(method, bytes) {
      return new Promise((resolve, reject) =>
        client.makeUnaryRequest(ResourceProviderService[method].path, asIs, asIs, bytes, (err, res) => (err ? reject(new Error(`${method}: ${err.details || err.message}`)) : resolve(res))),
      );
    },
    /** User + system CPU time of the plugin so far, in ms. */
    cpuMs() {
      const stat = procFile(child.pid, "stat");
      if (!stat) return NaN;
      const fields = stat.split(") ")[1].split(" ");
      return ((Number(fields[11]) + Number(fields[12])) * 1000) / clockTicks(); // utime + stime
    },
    /** Peak resident memory of the plugin so far (VmHWM), in MB. */
    peakRssMb() {
      const m = /VmHWM:\s+(\d+) kB/.exec(procFile(child.pid, "status") ?? "");
      return m ? Number(m[1]) / 1024 : NaN;
    },
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

function prepareCheck(urn, olds, news) {
  const req = new provproto.CheckRequest();
  req.setUrn(urn);
  req.setOlds(Struct.fromJavaScript(olds));
  req.setNews(Struct.fromJavaScript(news));
  return Buffer.from(req.serializeBinary());
}

/** The checked inputs; throws on check failures. */
function decodeCheck(bytes) {
  const res = provproto.CheckResponse.deserializeBinary(new Uint8Array(bytes));
  const failures = res.getFailuresList().map((f) => `${f.getProperty()}: ${f.getReason()}`);
  if (failures.length) throw new Error(`check failed: ${failures.join("; ")}`);
  return res.getInputs().toJavaScript();
}

function prepareCreate(urn, props) {
  const req = new provproto.CreateRequest();
  req.setUrn(urn);
  req.setProperties(Struct.fromJavaScript(props));
  return Buffer.from(req.serializeBinary());
}

function decodeCreate(bytes) {
  const res = provproto.CreateResponse.deserializeBinary(new Uint8Array(bytes));
  return { id: res.getId(), properties: res.getProperties().toJavaScript() };
}

function prepareRead(urn, id, props) {
  const req = new provproto.ReadRequest();
  req.setUrn(urn);
  req.setId(id);
  req.setProperties(Struct.fromJavaScript(props));
  return Buffer.from(req.serializeBinary());
}

/** The id a Read answered: empty when the resource is gone. */
const decodeReadId = (bytes) => provproto.ReadResponse.deserializeBinary(new Uint8Array(bytes)).getId();

module.exports = { startPlugin, urnOf, prepareCheck, decodeCheck, prepareCreate, decodeCreate, prepareRead, decodeReadId };
