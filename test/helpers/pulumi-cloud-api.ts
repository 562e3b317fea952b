/**
 * A local server that answers as the Pulumi Cloud REST API documents it
 * (https://www.pulumi.com/docs/reference/cloud-rest-api/): `GET /api/user/stacks?organization=<org>`, a page
 * at a time with `continuationToken`, and `GET /api/stacks/<org>/<project>/<stack>/export`. Requests need
 * `Authorization: token <token>` (401 otherwise) and `Accept: application/vnd.pulumi+8` (415 otherwise, as
 * the service refuses an API version it does not serve). It counts exports in flight.
 */
import {
  startScriptedServer,
  type RecordedRequest,
  type ScriptedResponse,
  type ScriptedServer,
} from "./scripted-server";

export interface CloudStack {
  org: string;
  project: string;
  stack: string;
  /** What `pulumi stack export` would print. */
  export: unknown;
  /** Answer the export with this status instead. */
  failWith?: number;
}

export interface PulumiCloudApi {
  url: string;
  token: string;
  server: ScriptedServer;
  stacks: CloudStack[];
  /** Most exports answered at the same time. */
  readonly maxExportsInFlight: number;
  close(): Promise<void>;
}

export async function startPulumiCloudApi(o: {
  token: string;
  pageSize: number;
  exportDelayMs?: number;
}): Promise<PulumiCloudApi> {
  const stacks: CloudStack[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const handler = (req: RecordedRequest): ScriptedResponse => {
    if (req.headers.authorization !== `token ${o.token}`)
      return { status: 401, body: { code: 401, message: "Unauthorized: No credentials provided or are invalid." } };
    if (req.headers.accept !== "application/vnd.pulumi+8")
      return { status: 415, body: { code: 415, message: "unsupported API version" } };
    if (req.method === "GET" && req.path === "/api/user/stacks") {
      const org = req.query.get("organization");
      const mine = stacks.filter((s) => org === null || s.org === org);
      const from = Number(req.query.get("continuationToken") ?? 0);
      const page = mine.slice(from, from + o.pageSize);
      const next = from + o.pageSize < mine.length ? String(from + o.pageSize) : undefined;
      return {
        body: {
          stacks: page.map((s) => ({
            orgName: s.org,
            projectName: s.project,
            stackName: s.stack,
            lastUpdate: 1700000000,
            resourceCount: 3,
          })),
          ...(next ? { continuationToken: next } : {}),
        },
      };
    }
    const m = /^\/api\/stacks\/([^/]+)\/([^/]+)\/([^/]+)\/export$/.exec(req.path);
    const found =
      m &&
      stacks.find(
        (s) =>
          s.org === decodeURIComponent(m[1]!) &&
          s.project === decodeURIComponent(m[2]!) &&
          s.stack === decodeURIComponent(m[3]!),
      );
    if (req.method === "GET" && found) {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      const delayMs = o.exportDelayMs ?? 0;
      setTimeout(() => inFlight--, delayMs);
      return found.failWith
        ? { status: found.failWith, delayMs, body: { code: found.failWith, message: "stack export failed" } }
        : { delayMs, body: found.export };
    }
    return { status: 404, body: { code: 404, message: `Not Found: ${req.path}` } };
  };
  const server = await startScriptedServer(handler);
  return {
    url: server.url,
    token: o.token,
    server,
    stacks,
    get maxExportsInFlight() {
      return maxInFlight;
    },
    close: () => server.close(),
  };
}
