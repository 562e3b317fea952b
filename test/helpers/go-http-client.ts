/**
 * What Go's `net/http` Client does with one request, for replaying Qwilt's own Go client
 * (Qwilt/terraform-provider-qwilt) against our simulator: the headers Go's Transport adds, the
 * body sent even with a GET, and redirects FOLLOWED as `(*Client).do` follows them
 * (net/http/client.go: `redirectBehavior` picks which statuses and methods; a 3xx without a
 * Location is returned as it is; the default CheckRedirect stops after 10 requests; Authorization
 * and Cookie are not carried to another host). Only undici, which never follows a redirect itself.
 */
import { request } from "undici";

export interface GoRequest {
  method: string;
  url: string;
  headers?: Record<string, string>;
  /** `strings.NewReader(...)`: Go sends it with a Content-Length, whatever the method. */
  body?: string;
}

export interface GoResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  /** Every URL requested, the first one included: more than one means a redirect was followed. */
  hops: string[];
}

const MAX_REQUESTS = 10;

export async function goClientDo(req: GoRequest): Promise<GoResponse> {
  const hops: string[] = [];
  let { method, url, body } = req;
  let headers: Record<string, string> = { ...req.headers };
  for (;;) {
    hops.push(url);
    const res = await request(url, {
      method: method as "GET",
      headers: {
        // Go's Transport: its User-Agent unless one is set, and gzip unless the caller asked otherwise.
        "user-agent": "Go-http-client/1.1",
        "accept-encoding": "gzip",
        ...headers,
        ...(body !== undefined ? { "content-length": String(Buffer.byteLength(body)) } : {}),
      },
      ...(body !== undefined ? { body } : {}),
    });
    const text = await res.body.text();
    const status = res.statusCode;
    const location = res.headers.location;
    const loc = Array.isArray(location) ? location[0] : location;
    const redirect = redirectBehavior(method, status, body !== undefined);
    if (!redirect || !loc) return { status, headers: res.headers, body: text, hops };
    if (hops.length >= MAX_REQUESTS) throw new Error(`Get "${url}": stopped after ${MAX_REQUESTS} redirects`);
    const next = new URL(loc, url);
    if (next.host !== new URL(url).host) {
      const { authorization: _a, cookie: _c, ...kept } = headers;
      headers = kept;
    }
    method = redirect.method;
    if (!redirect.includeBody) body = undefined;
    url = next.href;
  }
}

/** net/http/client.go `redirectBehavior`: undefined when the status is not followed. */
function redirectBehavior(
  method: string,
  status: number,
  hasBody: boolean,
): { method: string; includeBody: boolean } | undefined {
  if (status === 301 || status === 302 || status === 303) {
    return { method: method === "GET" || method === "HEAD" ? method : "GET", includeBody: false };
  }
  // 307/308 resend the body; a body Go cannot rewind (no GetBody) is not followed. strings.Reader has one.
  if (status === 307 || status === 308) return { method, includeBody: hasBody };
  return undefined;
}

/** `(*Response).Cookies()`: name and value of every Set-Cookie line (quotes around a value dropped). */
export function goCookies(res: GoResponse): { name: string; value: string }[] {
  const raw = res.headers["set-cookie"];
  const lines = Array.isArray(raw) ? raw : raw ? [raw] : [];
  return lines.flatMap((line) => {
    const pair = line.split(";", 1)[0]!.trim();
    const eq = pair.indexOf("=");
    if (eq <= 0) return [];
    const value = pair.slice(eq + 1).trim();
    return [
      {
        name: pair.slice(0, eq).trim(),
        value: value.length > 1 && value.startsWith('"') && value.endsWith('"') ? value.slice(1, -1) : value,
      },
    ];
  });
}
