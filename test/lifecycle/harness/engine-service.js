// @ts-check
/**
 * A stand-in for the engine's own gRPC service (`pulumirpc.Engine`, proto/pulumi/engine.proto), the one
 * whose address the engine hands every plugin as its last argument: a real gRPC server on
 * 127.0.0.1:0 that collects what plugins log through `Log`, as the CLI would show it (severity,
 * resource, whether it is a status line). GetRootResource answers the root stack's URN once one is set.
 * What it receives is also written where the test run's secret scan looks (QWILT_PLUGIN_OUTPUT_DIR).
 */
"use strict";
const { appendFileSync } = require("node:fs");
const { join } = require("node:path");
const grpc = require("@grpc/grpc-js");
const { Empty } = require("google-protobuf/google/protobuf/empty_pb");
const { EngineService } = require("@pulumi/pulumi/proto/engine_grpc_pb");
const enginepb = require("@pulumi/pulumi/proto/engine_pb");

/**
 * @typedef {"debug" | "info" | "warning" | "error"} Severity
 * @typedef {{ severity: Severity, message: string, urn: string, ephemeral: boolean }} LogEntry
 */

/** @type {Record<number, Severity>} */
const SEVERITIES = {
  [enginepb.LogSeverity.DEBUG]: "debug",
  [enginepb.LogSeverity.INFO]: "info",
  [enginepb.LogSeverity.WARNING]: "warning",
  [enginepb.LogSeverity.ERROR]: "error",
};

/**
 * Starts the service; `onLog` sees each message as it arrives.
 * @param {{ onLog?: (entry: LogEntry) => void, rootUrn?: string }} [o]
 */
async function startEngineService(o = {}) {
  /** @type {LogEntry[]} */
  const logs = [];
  let rootUrn = o.rootUrn ?? "";
  const unimplemented = (/** @type {any} */ _call, /** @type {grpc.sendUnaryData<any>} */ callback) =>
    callback({ code: grpc.status.UNIMPLEMENTED, details: "not implemented by the harness's engine" });
  const server = new grpc.Server();
  server.addService(EngineService, {
    log(/** @type {grpc.ServerUnaryCall<any, any>} */ call, /** @type {grpc.sendUnaryData<any>} */ callback) {
      const req = call.request;
      const severity = SEVERITIES[req.getSeverity()];
      if (!severity)
        return callback({
          code: grpc.status.INVALID_ARGUMENT,
          details: `Unrecognized logging severity: ${req.getSeverity()}`,
        });
      /** @type {LogEntry} */
      const entry = { severity, message: req.getMessage(), urn: req.getUrn(), ephemeral: req.getEphemeral() };
      logs.push(entry);
      o.onLog?.(entry);
      callback(null, new Empty());
    },
    getRootResource(/** @type {any} */ _call, /** @type {grpc.sendUnaryData<any>} */ callback) {
      const res = new enginepb.GetRootResourceResponse();
      res.setUrn(rootUrn);
      callback(null, res);
    },
    setRootResource(
      /** @type {grpc.ServerUnaryCall<any, any>} */ call,
      /** @type {grpc.sendUnaryData<any>} */ callback,
    ) {
      rootUrn = call.request.getUrn();
      callback(null, new enginepb.SetRootResourceResponse());
    },
    startDebugging: unimplemented,
    requirePulumiVersion: unimplemented,
  });
  const port = await new Promise((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, p) =>
      err ? reject(err) : resolve(p),
    ),
  );
  return {
    address: `127.0.0.1:${port}`,
    /** Every message logged so far. */
    logs,
    /** Stops the server; what it received goes to the secret scan. */
    async close() {
      await new Promise((resolve) => server.tryShutdown(() => resolve(undefined)));
      const outputDir = process.env.QWILT_PLUGIN_OUTPUT_DIR;
      if (outputDir && logs.length > 0)
        appendFileSync(
          join(outputDir, `engine-log-${process.pid}-${port}.log`),
          logs.map((l) => `${l.severity}: ${l.message}\n`).join(""),
        );
    },
  };
}

module.exports = { startEngineService };
