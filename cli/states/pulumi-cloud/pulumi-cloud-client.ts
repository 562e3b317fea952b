/**
 * The two Pulumi Cloud REST API calls qwilt-keys makes (https://www.pulumi.com/docs/reference/cloud-rest-api/):
 * `GET /api/user/stacks?organization=<org>` page by page (`continuationToken`), and
 * `GET /api/stacks/<org>/<project>/<stack>/export`. Sent through the same transport as the Qwilt client
 * (retries on 429/5xx with backoff, a timeout per attempt, the token redacted from every message).
 */
import { QwiltError } from "../../../sdk/client/errors";
import { HttpTransport, type TransportResponse } from "../../../sdk/client/http-transport";
import { Redactor } from "../../../sdk/client/redact";
import type { PulumiLogin } from "./pulumi-login";

export interface CloudStack {
  orgName: string;
  projectName: string;
  stackName: string;
}

const MAX_PAGES = 10_000;

/** The most of a Pulumi Cloud answer read (a stack export). */
export const PULUMI_CLOUD_MAX_RESPONSE_BYTES = 512 * 1024 * 1024;

export class PulumiCloudClient {
  readonly #transport: HttpTransport;
  readonly #login: PulumiLogin;

  constructor(
    login: PulumiLogin,
    options: { timeoutMs?: number; maxRetries?: number; userAgent: string; secrets?: readonly string[] },
  ) {
    const redactor = new Redactor();
    redactor.add(login.token);
    for (const secret of options.secrets ?? []) redactor.add(secret);
    this.#login = login;
    this.#transport = new HttpTransport({
      timeoutMs: options.timeoutMs ?? 30_000,
      maxRetries: options.maxRetries ?? 3,
      retryBaseDelayMs: 500,
      retryMaxDelayMs: 10_000,
      userAgent: options.userAgent,
      redactor,
      // A stack export holds every resource of the stack: far beyond a Qwilt answer. This is near the
      // longest string V8 can hold (2^29 characters), which a JSON parse of the export needs anyway.
      maxResponseBytes: PULUMI_CLOUD_MAX_RESPONSE_BYTES,
    });
  }

  /** Every stack of the organization the token may see, following `continuationToken` to the last page. */
  async listStacks(organization: string): Promise<CloudStack[]> {
    const stacks: CloudStack[] = [];
    const seen = new Set<string>();
    let token: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const body = await this.#getJson("/api/user/stacks", { organization, continuationToken: token });
      const list = (body as { stacks?: unknown } | null)?.stacks;
      if (!Array.isArray(list)) throw new Error('GET /api/user/stacks: unexpected answer (no "stacks" list)');
      for (const s of list) {
        const { orgName, projectName, stackName } = (s ?? {}) as Record<string, unknown>;
        if (typeof orgName === "string" && typeof projectName === "string" && typeof stackName === "string")
          stacks.push({ orgName, projectName, stackName });
      }
      const next = (body as { continuationToken?: unknown }).continuationToken;
      if (typeof next !== "string" || next === "") return stacks;
      if (seen.has(next)) throw new Error("GET /api/user/stacks: the same continuationToken came back twice");
      seen.add(next);
      token = next;
    }
    throw new Error(`GET /api/user/stacks: more than ${MAX_PAGES} pages`);
  }

  /** The stack's state, as `pulumi stack export` prints it. */
  exportStack(s: CloudStack): Promise<unknown> {
    const path = `/api/stacks/${[s.orgName, s.projectName, s.stackName].map(encodeURIComponent).join("/")}/export`;
    return this.#getJson(path);
  }

  close(): Promise<void> {
    return this.#transport.close();
  }

  async #getJson(path: string, query?: Record<string, string | undefined>): Promise<unknown> {
    let res: TransportResponse;
    try {
      res = await this.#transport.send({
        method: "GET",
        baseUrl: this.#login.apiUrl,
        path,
        query,
        headers: {
          authorization: `token ${this.#login.token}`,
          accept: "application/vnd.pulumi+8",
          "content-type": "application/json",
        },
      });
    } catch (error) {
      throw error instanceof QwiltError
        ? new Error(`${error.describe()}${this.#advice(error.status)}`, { cause: error })
        : error;
    }
    try {
      return JSON.parse(res.text);
    } catch {
      throw new Error(`GET ${path}: the ${res.status} answer is not JSON`);
    }
  }

  #advice(status: number | undefined): string {
    if (status === 401)
      return ` (the Pulumi access token from ${this.#login.tokenSource} was refused: set PULUMI_ACCESS_TOKEN or run \`pulumi login\`)`;
    if (status === 403 || status === 404)
      return " (check the organization's name, and that the token's user may read its stacks)";
    return "";
  }
}
