/**
 * Drives Pulumi's real dynamic-provider plugin (`pulumi-resource-pulumi-nodejs`) over gRPC as the
 * engine does: spawn it in the project folder, read its port, then Configure, Check, Create, Read.
 * Timed phases send requests serialized beforehand (`prepare*` and `send`), so they measure the
 * plugin rather than this process building protobufs. Also reports the plugin's CPU time and peak
 * memory, read from /proc (Linux).
 */
const { execFileSync } = require("node:child_process");
const { readFileSync } = require("node:fs");
const { Struct } = require("google-protobuf/google/protobuf/struct_pb");
const provproto = require("@pulumi/pulumi/proto/provider_pb");
const { ResourceProviderService } = require("@pulumi/pulumi/proto/provider_grpc_pb");
const { spawnPlugin } = require("../test/lifecycle/harness/plugin-client");

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

/** Starts the plugin (the tests' harness spawns it); resolves once it listens. `startedAt` is taken just before the spawn. */
async function startPlugin(projectDir, env) {
  const { startedAt, child, client, output, stop } = await spawnPlugin(projectDir, env);
  const struct = (o) => Struct.fromJavaScript(o);
  const asIs = (bytes) => bytes;

  return {
    startedAt,
    pid: child.pid,
    output,
    async configure(config) {
      const req = new provproto.ConfigureRequest();
      req.setArgs(struct(config));
      for (const [k, v] of Object.entries(config)) req.getVariablesMap().set(k, v);
      await new Promise((resolve, reject) =>
        client.configure(req, (err) => (err ? reject(new Error(`configure: ${err.details}`)) : resolve())),
      );
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
        client.makeUnaryRequest(ResourceProviderService[method].path, asIs, asIs, bytes, (err, res) =>
          err ? reject(new Error(`${method}: ${err.details || err.message}`)) : resolve(res),
        ),
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
    stop,
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

module.exports = {
  startPlugin,
  urnOf,
  prepareCheck,
  decodeCheck,
  prepareCreate,
  decodeCreate,
  prepareRead,
  decodeReadId,
};
