/**
 * Messages for the person running Pulumi, sent where the CLI shows them for what they are: the engine's
 * `Engine.Log` gRPC service. Warnings arrive as warnings, progress as info, and a status line (ephemeral)
 * replaces the previous one instead of piling up. Plugin stderr, by contrast, reaches the user as plain
 * text under the stack, whatever it says.
 *
 * The engine hands every plugin its address as the last argument, after any flags such as `--logflow` or
 * `--tracing <endpoint>` (pulumi/pulumi's buildPluginArguments). Where no engine answers there (the
 * provider used directly, a host without it), messages go to stderr instead; status lines are dropped
 * there, as they would only pile up. gRPC loads at the first message, not with the provider.
 */
import { dirname } from "node:path";
import { redactPatterns } from "../sdk/client/redact";

export type LogSeverity = "info" | "warning";

export interface LogOptions {
  /** The resource the message is about: the CLI shows it under that resource. */
  urn?: string;
}

export interface MessageSink {
  /** Something the user should act on or know about (a key left to expire, ignored config, a rotation that is due). */
  warn(message: string, o?: LogOptions): Promise<void>;
  /** Progress (an activation wait begins). */
  info(message: string, o?: LogOptions): Promise<void>;
  /** A status line that replaces the previous one (how long an activation wait has taken). Not awaited. */
  status(message: string, o?: LogOptions): void;
}

/** How long the engine may take to acknowledge one message before we give up on it. */
const DELIVERY_TIMEOUT_MS = 5000;
/** `host:port` or `[v6]:port`, as the engine's address argument is. */
const ADDRESS = /^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\]):\d{1,5}$/;

/** The engine's address, if this process was started as a Pulumi plugin. */
export function engineAddress(argv: readonly string[] = process.argv): string | undefined {
  const last = argv.length > 2 ? argv[argv.length - 1] : undefined;
  return last !== undefined && ADDRESS.test(last) ? last : undefined;
}

interface EngineClient {
  log(req: unknown, options: { deadline: number }, callback: (err: Error | null) => void): void;
  close(): void;
}

type Wire = {
  client: EngineClient;
  request: (severity: LogSeverity, message: string, urn: string, ephemeral: boolean) => unknown;
};

/** Engine.Log when an engine answers, else stderr. Messages are delivered in order; secrets are redacted. */
export class EngineLog implements MessageSink {
  readonly #address: string | undefined;
  readonly #stderr: (line: string) => void;
  #wire?: Wire;
  /** Set once the engine failed to answer: from then on, stderr. */
  #unreachable = false;
  #queue: Promise<void> = Promise.resolve();

  constructor(
    address: string | undefined = engineAddress(),
    stderr: (line: string) => void = (line) => void process.stderr.write(`${line}\n`),
  ) {
    this.#address = address;
    this.#stderr = stderr;
  }

  warn(message: string, o: LogOptions = {}): Promise<void> {
    return this.#send("warning", message, o, false);
  }

  info(message: string, o: LogOptions = {}): Promise<void> {
    return this.#send("info", message, o, false);
  }

  status(message: string, o: LogOptions = {}): void {
    void this.#send("info", message, o, true);
  }

  #send(severity: LogSeverity, message: string, o: LogOptions, ephemeral: boolean): Promise<void> {
    // Belt and braces: our messages never hold a secret, and a pattern that looks like one goes anyway.
    const text = redactPatterns(message);
    const sent = this.#queue.then(() => this.#deliver(severity, text, o.urn ?? "", ephemeral));
    this.#queue = sent;
    return sent;
  }

  async #deliver(severity: LogSeverity, text: string, urn: string, ephemeral: boolean): Promise<void> {
    if (this.#address && !this.#unreachable) {
      try {
        const wire = (this.#wire ??= connect(this.#address));
        await new Promise<void>((resolve, reject) =>
          wire.client.log(
            wire.request(severity, text, urn, ephemeral),
            { deadline: Date.now() + DELIVERY_TIMEOUT_MS },
            (err) => (err ? reject(err) : resolve()),
          ),
        );
        return;
      } catch {
        this.#unreachable = true;
        this.#wire?.client.close();
      }
    }
    if (ephemeral) return;
    this.#stderr(severity === "warning" ? `warning: qwilt: ${text}` : `qwilt: ${text}`);
  }
}

/** The Engine client, from the @pulumi/pulumi the host runs (and the @grpc/grpc-js it uses). */
function connect(address: string): Wire {
  const servicesPath = require.resolve("@pulumi/pulumi/proto/engine_grpc_pb");
  const grpc = require(
    require.resolve("@grpc/grpc-js", { paths: [dirname(servicesPath)] }),
  ) as typeof import("@grpc/grpc-js");
  const { EngineClient } = require(servicesPath) as {
    EngineClient: new (address: string, creds: unknown) => EngineClient;
  };
  const pb = require("@pulumi/pulumi/proto/engine_pb") as typeof import("@pulumi/pulumi/proto/engine_pb");
  const SEVERITY = { info: pb.LogSeverity.INFO, warning: pb.LogSeverity.WARNING };
  const client = new EngineClient(address, grpc.credentials.createInsecure());
  return {
    client,
    request(severity, message, urn, ephemeral) {
      const req = new pb.LogRequest();
      req.setSeverity(SEVERITY[severity]);
      req.setMessage(message);
      req.setUrn(urn);
      req.setEphemeral(ephemeral);
      return req;
    },
  };
}

let shared: EngineLog | undefined;

/** This process's log: one connection to the engine, one order of messages. */
export function engineLog(): EngineLog {
  return (shared ??= new EngineLog());
}
