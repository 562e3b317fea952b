/**
 * A node:http server on 127.0.0.1, port 0, for the client tests: answers a queue of scripted
 * responses (or a handler's), and records every request and how many connections were opened.
 */
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo, Socket } from "node:net";

export interface ScriptedResponse {
  status?: number;
  headers?: Record<string, string | string[]>;
  /** A string is sent as is; anything else as JSON. */
  body?: unknown;
  /** Wait this long before answering. */
  delayMs?: number;
  /** Destroy the socket instead of answering (after reading the request). */
  reset?: boolean;
  /** Never answer. */
  hang?: boolean;
}

export interface RecordedRequest {
  method: string;
  /** Path with query string. */
  url: string;
  /** Path without query string. */
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: string;
}

export type Handler = (req: RecordedRequest) => ScriptedResponse | undefined;

export interface ScriptedServer {
  url: string;
  port: number;
  requests: RecordedRequest[];
  readonly connections: number;
  /** Connections open now (a client that closed its pool has none). */
  readonly openConnections: number;
  /** Queue responses, answered in order. */
  reply(...responses: ScriptedResponse[]): void;
  /** Answer with this handler; a handler returning undefined falls back to the queue. */
  handle(handler: Handler): void;
  /** Forget queued responses, the handler, the recorded requests and the connection count (between tests). */
  reset(): void;
  close(): Promise<void>;
}

/** `port` 0 (default) picks a free one; a given port brings a closed server back where it was. */
export async function startScriptedServer(handler?: Handler, port = 0): Promise<ScriptedServer> {
  const queue: ScriptedResponse[] = [];
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();
  let current = handler;
  let connections = 0;

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const full = new URL(req.url ?? "/", "http://x");
      const recorded: RecordedRequest = {
        method: req.method ?? "",
        url: req.url ?? "",
        path: full.pathname,
        query: full.searchParams,
        headers: req.headers,
        body: Buffer.concat(chunks).toString("utf8"),
      };
      requests.push(recorded);
      const answer = current?.(recorded) ??
        queue.shift() ?? {
          status: 599,
          body: { message: `scripted server: no response queued for ${recorded.method} ${recorded.url}` },
        };
      const send = () => {
        if (answer.hang) return;
        if (answer.reset) {
          req.socket.destroy();
          return;
        }
        const body =
          answer.body === undefined ? "" : typeof answer.body === "string" ? answer.body : JSON.stringify(answer.body);
        const headers: Record<string, string | string[]> = { ...answer.headers };
        if (answer.body !== undefined && typeof answer.body !== "string" && !hasHeader(headers, "content-type")) {
          headers["content-type"] = "application/json";
        }
        res.writeHead(answer.status ?? 200, headers);
        res.end(body);
      };
      if (answer.delayMs) setTimeout(send, answer.delayMs);
      else send();
    });
  });
  server.on("connection", (socket: Socket) => {
    connections++;
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  const bound = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${bound}`,
    port: bound,
    requests,
    get connections() {
      return connections;
    },
    get openConnections() {
      return sockets.size;
    },
    reply: (...responses) => {
      queue.push(...responses);
    },
    handle: (h) => {
      current = h;
    },
    reset: () => {
      queue.length = 0;
      requests.length = 0;
      current = undefined;
      connections = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

function hasHeader(headers: Record<string, unknown>, name: string): boolean {
  return Object.keys(headers).some((k) => k.toLowerCase() === name);
}

/** A WireKey as Qwilt answers it (create response when `apiToken` is given). */
export function wireKey(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: "ci-key",
    description: "for CI",
    ttl: 180,
    permission: "MediaEditor",
    keyId: "17",
    ownerId: "org-1",
    createdBy: "admin@example.com",
    createdAt: "2025-01-07T15:37:36.228Z",
    expireAt: "2025-07-06T15:37:36.228Z",
    ...overrides,
  };
}

/** A fake JWT (three base64url segments), as Qwilt keys and tokens are. */
export function fakeJwt(subject: string): string {
  const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString("base64url");
  return `${b64({ alg: "RS256", typ: "JWT" })}.${b64({ sub: subject, iat: 1736264256 })}.${Buffer.from(`signature-of-${subject}-0123456789`).toString("base64url")}`;
}
