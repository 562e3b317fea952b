import { createServer, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiConnectionError, InternalServerError, QwiltClient, ResponseValidationError } from "../sdk";
import { MAX_RESPONSE_BYTES } from "../sdk/client/http-transport";
import { failure } from "./helpers/client-fixture";
import { wireKey } from "./helpers/scripted-server";

/**
 * Answers too big to hold (a body that never ends, a success answer past the limit, an error page past it)
 * and answers cut off mid-body. A server of its own because the scripted server answers whole bodies only.
 */
let server: Server;
let url: string;
const seen: string[] = [];
let endlessStopped: Promise<void> = Promise.resolve();

/** Writes 64 KiB chunks as fast as the client reads, until the client hangs up. */
function endless(res: ServerResponse, status: number): void {
  let stopped!: () => void;
  endlessStopped = new Promise((resolve) => (stopped = resolve));
  res.writeHead(status, { "content-type": "application/json" });
  res.write("[");
  const chunk = Buffer.alloc(64 * 1024, " ");
  const pump = () => {
    while (!res.destroyed && res.write(chunk)) {
      /* keep writing until the socket pushes back */
    }
  };
  res.on("drain", pump);
  res.on("close", stopped);
  pump();
}

beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    let sent = "";
    req.on("data", (c: Buffer) => {
      sent += c.toString();
    });
    req.on("end", () => {
      if (req.url === "/api/1/api-keys/cut" || sent.includes('"name":"cut"')) {
        // Headers and half the promised body, then the connection breaks.
        res.writeHead(200, { "content-type": "application/json", "content-length": "4000" });
        res.write(`{"keyId":"9","apiToken":"cut-answer-token-0123456789","pad":"${"y".repeat(1000)}`);
        setTimeout(() => req.socket.destroy(), 10);
        return;
      }
      if (req.method === "GET" && req.url === "/api/1/api-keys") return endless(res, 200);
      if (req.url === "/api/1/api-keys/bom") {
        res.writeHead(200, { "content-type": "application/json" });
        return res.end(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(JSON.stringify(wireKey()))]));
      }
      if (req.method === "POST") {
        const body = JSON.stringify({
          ...wireKey({ apiToken: "giant-answer-token-0123456789" }),
          pad: "x".repeat(MAX_RESPONSE_BYTES),
        });
        res.writeHead(201, { "content-type": "application/json" });
        return res.end(body);
      }
      if (req.url === "/api/1/api-keys/500") {
        res.writeHead(500, { "content-type": "text/plain" });
        return res.end(`database on fire ${"!".repeat(MAX_RESPONSE_BYTES)}`);
      }
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify(wireKey()));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const client = (extra = {}) =>
  new QwiltClient({
    credentials: { apiKey: "test-api-key-0123456789" },
    usersUrl: url,
    loginUrl: url,
    retryBaseDelayMs: 1,
    retryMaxDelayMs: 5,
    ...extra,
  });

describe("answers too big to hold", () => {
  it("a body that never ends stops at the limit, long before the timeout, is not retried, and the client goes on", async () => {
    seen.length = 0;
    const c = client({ timeoutMs: 60_000 });
    try {
      const err = await failure(c.listKeys());
      expect(err).toBeInstanceOf(ResponseValidationError);
      expect(err.message).toBe(
        "GET /api/1/api-keys: unexpected response — the 200 answer is larger than 16 MiB; stopped reading it",
      );
      expect(err.status).toBe(200);
      expect(err.outcomeUnknown).toBeUndefined();
      expect(seen).toEqual(["GET /api/1/api-keys"]);
      // The server saw the client hang up.
      await endlessStopped;
      expect((await c.getKey("17"))?.keyId).toBe("17");
    } finally {
      await c.close();
    }
  });

  it("a create whose 2xx answer is too big may have made its key: ResponseValidationError with the create hint, never the key", async () => {
    const c = client();
    try {
      const err = await failure(c.createKey({ name: "ci-key", ttlDays: 30, permission: "editor" }));
      expect(err).toBeInstanceOf(ResponseValidationError);
      expect(err.outcomeUnknown).toBe(true);
      expect(err.hint).toBe("create-may-have-happened");
      expect(err.message).toBe(
        'POST /api/1/api-keys: unexpected response — the 201 answer is larger than 16 MiB; stopped reading it; the key may have been created: look for a key named "ci-key" before creating it again',
      );
      expect(JSON.stringify(err)).not.toContain("giant-answer-token");
    } finally {
      await c.close();
    }
  });

  it("an error answer that big is still the status's error, its text cut short", async () => {
    const c = client({ maxRetries: 0 });
    try {
      const err = await failure(c.getKey("500"));
      expect(err).toBeInstanceOf(InternalServerError);
      expect(err.apiMessage).toMatch(/^database on fire !+…$/);
      expect(err.apiMessage!.length).toBe(300);
    } finally {
      await c.close();
    }
  });
});

describe("answers read in full", () => {
  it("a JSON answer that starts with a UTF-8 byte order mark is read as JSON", async () => {
    const c = client();
    try {
      expect((await c.getKey("bom"))?.name).toBe("ci-key");
    } finally {
      await c.close();
    }
  });
});

describe("a connection that breaks mid-body", () => {
  it("a GET is tried again; a create is not, and says its key may exist", async () => {
    const c = client({ maxRetries: 2 });
    try {
      seen.length = 0;
      const get = await failure(c.getKey("cut"));
      expect(get.message).toBe("GET /api/1/api-keys/cut: connection failed — other side closed (UND_ERR_SOCKET)");
      expect(seen).toEqual(Array(3).fill("GET /api/1/api-keys/cut"));
      seen.length = 0;
      const post = await failure(c.createKey({ name: "cut", ttlDays: 1, permission: "viewer" }));
      expect(post).toBeInstanceOf(ApiConnectionError);
      expect(post.outcomeUnknown).toBe(true);
      expect(post.hint).toBe("create-may-have-happened");
      expect(seen).toEqual(["POST /api/1/api-keys"]);
      expect(JSON.stringify(post)).not.toContain("cut-answer-token");
    } finally {
      await c.close();
    }
  });
});
