/**
 * Answers as values: handlers return a Reply instead of writing to the socket, so the server
 * can still reshape it (schemaViolation) or drop it (loseAnswer) after the real operation.
 */
import { STATUS_CODES, type IncomingMessage, type ServerResponse } from "node:http";

export interface Reply {
  status: number;
  headers?: Record<string, string | string[]>;
  /** A JSON value to serialize. */
  json?: unknown;
  /** A raw body, sent as is (malformed bodies, custom fault bodies). */
  raw?: string;
}

export const json = (status: number, body: unknown, headers?: Record<string, string | string[]>): Reply => ({
  status,
  json: body,
  ...(headers ? { headers } : {}),
});

/** Error bodies are {error, message}; messages never contain a credential. */
export const fail = (status: number, message: string, headers?: Record<string, string | string[]>): Reply =>
  json(status, { error: STATUS_CODES[status] ?? "Error", message }, headers);

export function send(res: ServerResponse, reply: Reply): void {
  if (res.destroyed || res.writableEnded) return; // the simulator closed, or the client went away
  const headers: Record<string, string | string[]> = { ...reply.headers };
  let body: string | undefined;
  if (reply.raw !== undefined) body = reply.raw;
  else if (reply.json !== undefined) {
    body = JSON.stringify(reply.json);
    headers["content-type"] ??= "application/json; charset=utf-8";
  }
  if (body !== undefined && reply.status !== 204 && reply.status !== 304) {
    headers["content-length"] = String(Buffer.byteLength(body));
    res.writeHead(reply.status, headers);
    res.end(body);
  } else {
    res.writeHead(reply.status, headers);
    res.end();
  }
}

/** Limit on request bodies: create bodies are tiny, and a simulator should not buffer without end. */
export const MAX_BODY_BYTES = 1024 * 1024;

export class BodyTooLarge extends Error {}

export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) {
        reject(new BodyTooLarge());
        req.resume();
        return;
      }
      chunks.push(c);
    });
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

/** Parses a JSON object body: undefined when it is not JSON or not an object (400 either way). */
export function parseJsonObject(text: string): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(text);
    return v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
