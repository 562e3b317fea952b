/**
 * Drives Pulumi's real dynamic-provider plugin (`pulumi-resource-pulumi-nodejs`, i.e.
 * @pulumi/pulumi/cmd/dynamic-provider) over gRPC, the way the Pulumi engine does during
 * `pulumi up`: spawn it in the project folder, read its port from stdout, then call
 * Configure, Check, Diff, Create, Read, Update and Delete.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import * as grpc from "@grpc/grpc-js";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import * as provproto from "@pulumi/pulumi/proto/provider_pb";
import { ResourceProviderClient } from "@pulumi/pulumi/proto/provider_grpc_pb";
import * as statusproto from "@pulumi/pulumi/proto/status_pb";

export const TYPE = "pulumi-nodejs:dynamic/qwilt:ApiKey";
export const urnOf = (name: string, project = "qwilt-test-project", stack = "test") => `urn:pulumi:${stack}::${project}::${TYPE}::${name}`;

type Props = Record<string, any>;

/** A failed call: the plugin's message, plus id/properties when Pulumi would track a half-made resource. */
export class PluginCallError extends Error {
  constructor(message: string, readonly code: number, readonly initFailure?: { id: string; properties: Props; reasons: string[] }) {
    super(message);
  }
}

export interface PluginProcess {
  client: ResourceProviderClient;
  /** Everything the plugin printed on stdout and stderr (secret-hygiene tests read it). */
  output(): string;
  configure(config: Record<string, string>): Promise<void>;
  check(urn: string, olds: Props, news: Props): Promise<{ inputs: Props; failures: { property: string; reason: string }[] }>;
  diff(urn: string, id: string, olds: Props, news: Props): Promise<{ changes: "none" | "some" | "unknown"; replaces: string[]; deleteBeforeReplace: boolean }>;
  create(urn: string, props: Props): Promise<{ id: string; properties: Props }>;
  read(urn: string, id: string, props: Props, inputs?: Props): Promise<{ id: string; properties: Props; inputs: Props }>;
  update(urn: string, id: string, olds: Props, news: Props): Promise<{ properties: Props }>;
  delete(urn: string, id: string, props: Props): Promise<void>;
  stop(): Promise<void>;
}

export async function startPlugin(projectDir: string, env: NodeJS.ProcessEnv = {}): Promise<PluginProcess> {
  const entry = join(projectDir, "node_modules/@pulumi/pulumi/cmd/dynamic-provider/index.js");
  // The engine passes its own address; the plugin only needs one to be given.
  const child: ChildProcess = spawn(process.execPath, [entry, "127.0.0.1:1"], {
    cwd: projectDir,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let printed = "";
  child.stderr!.on("data", (d) => (printed += d));
  const port = await new Promise<string>((resolve, reject) => {
    let out = "";
    const onData = (d: Buffer) => {
      out += d;
      printed += d;
      const line = out.split("\n").find((l) => /^\d+$/.test(l.trim()));
      if (line) {
        child.stdout!.off("data", onData);
        child.stdout!.on("data", (more) => (printed += more));
        resolve(line.trim());
      }
    };
    child.stdout!.on("data", onData);
    child.once("exit", (code) => reject(new Error(`plugin exited (${code}) before listening: ${printed}`)));
  });
  const client = new ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  const call = <Req, Res>(method: string, req: Req): Promise<Res> =>
    new Promise((resolve, reject) => {
      (client as any)[method](req, (err: grpc.ServiceError | null, res: Res) => (err ? reject(toError(err)) : resolve(res)));
    });
  const struct = (o: Props) => Struct.fromJavaScript(o);

  return {
    client,
    output: () => printed,
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
      const res = await call<provproto.CheckRequest, provproto.CheckResponse>("check", req);
      return {
        inputs: res.getInputs()?.toJavaScript() ?? {},
        failures: res.getFailuresList().map((f) => ({ property: f.getProperty(), reason: f.getReason() })),
      };
    },
    async diff(urn, id, olds, news) {
      const req = new provproto.DiffRequest();
      req.setUrn(urn);
      req.setId(id);
      req.setOlds(struct(olds));
      req.setNews(struct(news));
      const res = await call<provproto.DiffRequest, provproto.DiffResponse>("diff", req);
      const C = provproto.DiffResponse.DiffChanges;
      const changes = res.getChanges() === C.DIFF_SOME ? "some" : res.getChanges() === C.DIFF_NONE ? "none" : "unknown";
      return { changes, replaces: res.getReplacesList(), deleteBeforeReplace: res.getDeletebeforereplace() };
    },
    async create(urn, props) {
      const req = new provproto.CreateRequest();
      req.setUrn(urn);
      req.setProperties(struct(props));
      const res = await call<provproto.CreateRequest, provproto.CreateResponse>("create", req);
      return { id: res.getId(), properties: res.getProperties()?.toJavaScript() ?? {} };
    },
    async read(urn, id, props, inputs) {
      const req = new provproto.ReadRequest();
      req.setUrn(urn);
      req.setId(id);
      req.setProperties(struct(props));
      if (inputs) req.setInputs(struct(inputs));
      const res = await call<provproto.ReadRequest, provproto.ReadResponse>("read", req);
      return { id: res.getId(), properties: res.getProperties()?.toJavaScript() ?? {}, inputs: res.getInputs()?.toJavaScript() ?? {} };
    },
    async update(urn, id, olds, news) {
      const req = new provproto.UpdateRequest();
      req.setUrn(urn);
      req.setId(id);
      req.setOlds(struct(olds));
      req.setNews(struct(news));
      const res = await call<provproto.UpdateRequest, provproto.UpdateResponse>("update", req);
      return { properties: res.getProperties()?.toJavaScript() ?? {} };
    },
    async delete(urn, id, props) {
      const req = new provproto.DeleteRequest();
      req.setUrn(urn);
      req.setId(id);
      req.setProperties(struct(props));
      await call("delete", req);
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

/** Unpacks ErrorResourceInitFailed from grpc-status-details-bin, as the engine does. */
function toError(err: grpc.ServiceError): PluginCallError {
  const details = err.metadata?.get("grpc-status-details-bin")?.[0];
  if (details) {
    const status = statusproto.Status.deserializeBinary(new Uint8Array(details as Buffer));
    for (const any of status.getDetailsList()) {
      if (any.getTypeName() === "pulumirpc.ErrorResourceInitFailed") {
        const f = provproto.ErrorResourceInitFailed.deserializeBinary(any.getValue_asU8());
        return new PluginCallError(err.details, err.code, { id: f.getId(), properties: f.getProperties()?.toJavaScript() ?? {}, reasons: f.getReasonsList() });
      }
    }
  }
  return new PluginCallError(err.details, err.code);
}
