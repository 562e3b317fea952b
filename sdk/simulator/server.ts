/**
 * The node:http server: reads the request, applies faults, routes, logs, delays, answers.
 * Faults apply before credentials are checked, except schemaViolation and loseAnswer, which
 * need the real operation to happen first.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { readCredential } from "./auth";
import type { SimContext } from "./context";
import { CONTROL_PREFIX, handleControl } from "./control-routes";
import { faultKind, violateSchema, type Faults } from "./faults";
import { BodyTooLarge, fail, readBody, send, type Reply } from "./reply";
import { route } from "./router";
import type { FaultKind, FaultRule, SimRequest } from "./types";

/** Not valid JSON, but plausible: the start of a key object cut short. */
export const MALFORMED_BODY = '{"keyId": "1", "name": ';

export interface ServerDeps {
  ctx: SimContext;
  faults: Faults;
  requests: SimRequest[];
  responseDelayMs: number;
}

export class SimServer {
  readonly server: Server;
  connectionsOpened = 0;
  private readonly timers = new Set<NodeJS.Timeout>();
  private closing?: Promise<void>;

  constructor(private readonly deps: ServerDeps) {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((e: unknown) => {
        // A bug or a failed state-file write: answer 500 rather than hang the client.
        this.log(req.method ?? "GET", pathOf(req), 500, "none");
        send(res, fail(500, `simulator error: ${(e as Error)?.message ?? String(e)}`));
      });
    });
    this.server.on("connection", () => {
      this.connectionsOpened += 1;
    });
  }

  listen(port: number, host: string): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(port, host, () => {
        this.server.off("error", reject);
        resolve((this.server.address() as AddressInfo).port);
      });
    });
  }

  /** Closes the listener and destroys every socket, so tests end promptly; pending delays are dropped. */
  close(): Promise<void> {
    this.closing ??= new Promise<void>((resolve) => {
      for (const t of this.timers) clearTimeout(t);
      this.timers.clear();
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
    return this.closing;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = (req.method ?? "GET").toUpperCase();
    const { path, query } = splitUrl(req.url);
    const isControl = path.startsWith(CONTROL_PREFIX);
    const auth = readCredential(req.headers).kind;

    let body: string;
    try {
      body = await readBody(req);
    } catch (e) {
      if (!(e instanceof BodyTooLarge)) throw e;
      if (!isControl) this.log(method, path, 413, auth);
      send(res, fail(413, "request body too large"));
      return;
    }
    if (isControl) {
      send(res, handleControl(this.deps.ctx, method, path, body));
      return;
    }

    const rule = this.deps.faults.take(method, path);
    const kind = rule && faultKind(rule);
    const fault = kind ? { fault: kind } : {};
    if (rule?.delayMs) await this.sleep(rule.delayMs);

    if (kind === "reset") {
      this.log(method, path, 0, auth, fault);
      await this.sleep(this.deps.responseDelayMs);
      drop(req);
      return;
    }

    let reply: Reply;
    let orgId: string | undefined;
    if (kind === "status") reply = statusReply(rule!);
    else if (kind === "malformedBody")
      reply = { status: 200, headers: { "content-type": "application/json" }, raw: MALFORMED_BODY };
    else {
      const handled = route(this.deps.ctx, { method, path, query, headers: req.headers, body });
      reply = handled.reply;
      orgId = handled.orgId;
    }
    const org = orgId !== undefined ? { orgId } : {};

    if (kind === "schemaViolation" && reply.status < 300 && reply.json !== undefined) {
      reply = { ...reply, json: violateSchema(reply.json) };
    }
    if (kind === "loseAnswer") {
      // The operation happened (a key may now exist); the client just never hears of it.
      this.log(method, path, 0, auth, { ...org, ...fault });
      await this.sleep(this.deps.responseDelayMs);
      drop(req);
      return;
    }
    this.log(method, path, reply.status, auth, { ...org, ...fault });
    await this.sleep(this.deps.responseDelayMs);
    send(res, reply);
  }

  private log(
    method: string,
    path: string,
    status: number,
    auth: SimRequest["auth"],
    extra: { orgId?: string; fault?: FaultKind } = {},
  ): void {
    this.deps.requests.push({ method, path, status, auth, ...extra, at: new Date().toISOString() });
  }

  private sleep(ms: number): Promise<void> {
    if (!(ms > 0)) return Promise.resolve();
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.timers.delete(t);
        resolve();
      }, ms);
      this.timers.add(t);
    });
  }
}

/** What a 429 fault without `retryAfterSeconds` asks a client to wait. */
const DEFAULT_RETRY_AFTER_SECONDS = 1;

function statusReply(rule: FaultRule): Reply {
  const status = rule.status!;
  const headers: Record<string, string> = {};
  // Qwilt's 429 comes with Retry-After in seconds (sdk/qwilt-api.ts, rate-limit-retry-after): so does ours.
  const retryAfter = rule.retryAfterSeconds ?? (status === 429 ? DEFAULT_RETRY_AFTER_SECONDS : undefined);
  if (retryAfter !== undefined) headers["retry-after"] = String(retryAfter);
  if (rule.body === undefined) return fail(status, "injected fault", headers);
  headers["content-type"] = looksLikeJson(rule.body) ? "application/json" : "text/plain; charset=utf-8";
  return { status, headers, raw: rule.body };
}

function looksLikeJson(s: string): boolean {
  try {
    JSON.parse(s);
    return true;
  } catch {
    return false;
  }
}

/** Destroys the connection without an answer (a TCP reset where the platform allows). */
function drop(req: IncomingMessage): void {
  const socket = req.socket;
  if (typeof socket.resetAndDestroy === "function") socket.resetAndDestroy();
  else socket.destroy();
}

/** Path and query, split by hand: `new URL` would read a path like "//x" as a host. */
function splitUrl(raw: string | undefined): { path: string; query: URLSearchParams } {
  const url = raw ?? "/";
  const q = url.indexOf("?");
  return q < 0
    ? { path: url, query: new URLSearchParams() }
    : { path: url.slice(0, q), query: new URLSearchParams(url.slice(q + 1)) };
}

function pathOf(req: IncomingMessage): string {
  return splitUrl(req.url).path;
}
