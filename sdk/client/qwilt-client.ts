/**
 * The Qwilt api-keys client: create, list, get and revoke keys, and check whether a key works yet.
 * Authenticates with an API key (`X-API-KEY`) or with username/password (login token, renewed as needed).
 * Credentials live only in private fields, so inspecting or serializing a client shows none of them.
 */
import {
  API_KEY_HEADER,
  API_KEYS_PATH,
  apiKeyPath,
  credentialClaims,
  MAX_DESCRIPTION_LENGTH,
  MAX_NAME_LENGTH,
  MAX_TTL_DAYS,
  MIN_TTL_DAYS,
  PERMISSION_NAMES,
  toApiPermission,
  wireSchemas,
  type CreateKeyRequest,
} from "../qwilt-api";
import { isOneOf, isText, isWholeNumber, violations, violationText, type FieldRule } from "../field-rules";
import { headerSafe, resolveOptions, type ResolvedOptions } from "./client-options";
import { AuthenticationError, ConfigurationError, NotFoundError, PermissionDeniedError } from "./errors";
import { HttpTransport, type HttpMethod, type TransportRequest, type TransportResponse } from "./http-transport";
import { LoginSession } from "./login-session";
import { pollUntil, type PollOptions, type PollResult } from "./poll-until";
import { Redactor } from "./redact";
import type { ApiKeyInfo, CreatedApiKey, CreateKeyInput, QwiltClientOptions } from "./types";
import { parseJsonBody, toApiKeyInfo, validateBody, type BodyContext } from "./wire-mapping";

export type WaitUntilActiveOptions = PollOptions;
export type WaitUntilActiveResult = PollResult;

/** What a client and the clients of its other organizations share: one connection pool, one set of secrets. */
interface Shared {
  transport: HttpTransport;
  redactor: Redactor;
  root: QwiltClient;
}
/** Not exported: only forOrganization can hand a client its parent's shared parts. */
const SHARED = Symbol("shared");
type InternalOptions = QwiltClientOptions & { [SHARED]?: Shared };

export class QwiltClient {
  /** Base URL of the users (api-keys) API, without trailing slash. */
  readonly usersUrl: string;
  /** Base URL of the login service, without trailing slash. */
  readonly loginUrl: string;
  /** The organization this client logs in to (`credentials.orgId`), when one was given. */
  declare readonly loginOrganization?: string;

  readonly #options: ResolvedOptions;
  readonly #shared: Shared;
  readonly #session: LoginSession | undefined;
  readonly #orgClients = new Map<string, QwiltClient>();

  constructor(options: QwiltClientOptions) {
    const resolved = resolveOptions(options);
    this.#options = resolved;
    this.usersUrl = resolved.usersUrl;
    this.loginUrl = resolved.loginUrl;
    const redactor = (options as InternalOptions)[SHARED]?.redactor ?? new Redactor();
    if (Array.isArray(options.secrets))
      for (const secret of options.secrets) if (typeof secret === "string") redactor.add(secret);
    this.#shared = (options as InternalOptions)[SHARED] ?? {
      redactor,
      root: this,
      transport: new HttpTransport({
        timeoutMs: resolved.timeoutMs,
        maxRetries: resolved.maxRetries,
        retryBaseDelayMs: resolved.retryBaseDelayMs,
        retryMaxDelayMs: resolved.retryMaxDelayMs,
        userAgent: resolved.userAgent,
        redactor,
      }),
    };
    // Built now rather than with the first answer: loading zod while a deployment's first create was under
    // way raised the provider plugin's peak memory by 14 MB (bench/README.md).
    wireSchemas();
    const creds = resolved.credentials;
    if (creds.kind === "apiKey") {
      redactor.add(creds.apiKey);
      this.#session = undefined;
    } else {
      if (creds.orgId !== undefined) {
        Object.defineProperty(this, "loginOrganization", { value: creds.orgId, enumerable: true });
      }
      this.#session = new LoginSession({
        transport: this.#shared.transport,
        redactor,
        loginUrl: resolved.loginUrl,
        username: creds.username,
        password: creds.password,
        orgId: creds.orgId,
        renewMarginMs: resolved.loginRenewMarginMs,
        now: resolved.now,
      });
    }
  }

  /** Creates a key. The answer holds the key itself, which Qwilt returns only this once. */
  async createKey(input: CreateKeyInput): Promise<CreatedApiKey> {
    const body = createRequestBody(input);
    const res = await this.#call({
      method: "POST",
      path: API_KEYS_PATH,
      json: body,
      unknownOutcomeHint: "create-may-have-happened",
      about: { keyName: body.name },
    });
    const ctx = this.#bodyContext("POST", API_KEYS_PATH, res);
    const data = parseJsonBody(res.text, ctx);
    // Remember the new key as a secret before validating, so not even a validation error can show it.
    const token = (data as { apiToken?: unknown } | null)?.apiToken;
    if (typeof token === "string") this.#shared.redactor.add(token);
    const wire = validateBody(wireSchemas().createdKey, data, ctx);
    return { ...toApiKeyInfo(wire), key: wire.apiToken };
  }

  /** Every key of the organization (created by any of its users), expired ones included. */
  async listKeys(): Promise<ApiKeyInfo[]> {
    const res = await this.#call({ method: "GET", path: API_KEYS_PATH });
    const ctx = this.#bodyContext("GET", API_KEYS_PATH, res);
    return validateBody(wireSchemas().keyList, parseJsonBody(res.text, ctx), ctx).map(toApiKeyInfo);
  }

  /** One key, or undefined when Qwilt does not know it (never created, or revoked). */
  async getKey(keyId: string): Promise<ApiKeyInfo | undefined> {
    const path = apiKeyPath(checkKeyId(keyId, "getKey"));
    let res: TransportResponse;
    try {
      res = await this.#call({ method: "GET", path });
    } catch (error) {
      if (error instanceof NotFoundError) return undefined;
      throw error;
    }
    const ctx = this.#bodyContext("GET", path, res);
    return toApiKeyInfo(validateBody(wireSchemas().key, parseJsonBody(res.text, ctx), ctx));
  }

  /** Revokes a key for good. False when Qwilt answers 404 (unknown or already revoked). */
  async revokeKey(keyId: string): Promise<boolean> {
    const path = apiKeyPath(checkKeyId(keyId, "revokeKey"));
    try {
      // Any 2xx body is fine (documented as 200 or 204 with any body), so none is validated.
      await this.#call({
        method: "DELETE",
        path,
        unknownOutcomeHint: "revoke-may-have-happened",
      });
      return true;
    } catch (error) {
      if (error instanceof NotFoundError) return false;
      throw error;
    }
  }

  /**
   * Whether `key` works yet: one list call authenticated with that key. 401 → false (not active yet,
   * expired or revoked); 2xx or 403 → true (the key authenticated, it just may not list). No re-login, no 401 retry.
   */
  async isKeyActive(key: string, options: { signal?: AbortSignal } = {}): Promise<boolean> {
    const apiKey = headerSafe("key", key);
    this.#shared.redactor.add(apiKey);
    let res: TransportResponse;
    try {
      res = await this.#shared.transport.send({
        method: "GET",
        baseUrl: this.usersUrl,
        path: API_KEYS_PATH,
        headers: { [API_KEY_HEADER]: apiKey },
        signal: options.signal,
      });
    } catch (error) {
      if (error instanceof AuthenticationError) return false;
      if (error instanceof PermissionDeniedError) return true;
      throw error;
    }
    const ctx = this.#bodyContext("GET", API_KEYS_PATH, res);
    validateBody(wireSchemas().keyList, parseJsonBody(res.text, ctx), ctx);
    return true;
  }

  /**
   * Polls isKeyActive until the key works or `timeoutMs` runs out (Qwilt: up to five minutes), waiting
   * `pollIntervalMs` (default 1 s) between checks, doubling to at most 15 s.
   */
  async waitUntilActive(key: string, options: WaitUntilActiveOptions): Promise<WaitUntilActiveResult> {
    const { signal } = options;
    return pollUntil(() => this.isKeyActive(key, { signal }), options);
  }

  /**
   * The organization this client's login token names in its payload, unverified and assumed
   * [login-token-names-org]: undefined with an API key, or when the token names none. Logs in if need be.
   * Qwilt documents no way to learn which organization a login without `orgId` went to; this is a hint for
   * showing it, not a fact to decide on.
   */
  async loginTokenOrganization(): Promise<string | undefined> {
    if (!this.#session) return undefined;
    return credentialClaims(await this.#session.token()).organization;
  }

  /**
   * A client for another organization, logging in with `?orgId=`. Needs username/password credentials
   * (an API key works only in its own organization). Shares this client's connections; one per orgId.
   */
  forOrganization(orgId: string): QwiltClient {
    const creds = this.#options.credentials;
    if (typeof orgId !== "string" || !orgId.trim()) {
      throw new ConfigurationError("forOrganization: orgId must be a non-empty string");
    }
    const id = orgId.trim();
    if (creds.kind !== "login") {
      throw new ConfigurationError(
        `forOrganization(${JSON.stringify(id)}): orgId needs username/password credentials; an API key is valid only in the organization it was created in`,
      );
    }
    if (creds.orgId === id) return this;
    const root = this.#shared.root;
    if (root !== this) return root.forOrganization(id);
    let client = this.#orgClients.get(id);
    if (!client) {
      const options: InternalOptions = {
        credentials: { username: creds.username, password: creds.password, orgId: id },
        usersUrl: this.usersUrl,
        loginUrl: this.loginUrl,
        timeoutMs: this.#options.timeoutMs,
        maxRetries: this.#options.maxRetries,
        retryBaseDelayMs: this.#options.retryBaseDelayMs,
        retryMaxDelayMs: this.#options.retryMaxDelayMs,
        userAgent: this.#options.userAgent,
        loginRenewMarginMs: this.#options.loginRenewMarginMs,
        now: this.#options.now,
        [SHARED]: this.#shared,
      };
      client = new QwiltClient(options);
      this.#orgClients.set(id, client);
    }
    return client;
  }

  /**
   * Closes the connection pool. On a client from forOrganization this does nothing: the pool is its
   * parent's, and closing the parent closes it for all of them.
   */
  async close(): Promise<void> {
    if (this.#shared.root === this) await this.#shared.transport.close();
  }

  /** Sends a request to the users API with this client's credentials; on a 401 with a login token, logs in again once. */
  async #call(req: Omit<TransportRequest, "baseUrl" | "headers" | "hint">): Promise<TransportResponse> {
    const session = this.#session;
    const creds = this.#options.credentials;
    const writes = req.method !== "GET";
    for (let relogin = 0; ; relogin++) {
      let headers: Record<string, string>;
      let token: string | undefined;
      if (session) {
        token = await session.token();
        headers = { authorization: `Bearer ${token}` };
      } else {
        headers = { [API_KEY_HEADER]: (creds as { apiKey: string }).apiKey };
      }
      try {
        return await this.#shared.transport.send({
          ...req,
          baseUrl: this.usersUrl,
          headers,
          hint: (status: number) => {
            if (status === 401) return session ? "login-token-refused" : "check-api-key";
            if (status === 403 && writes) return session ? "user-cannot-write" : "viewer-key-cannot-write";
            return undefined;
          },
        });
      } catch (error) {
        // The token may have been revoked or expired early: one new login, one more try.
        if (error instanceof AuthenticationError && session && token && relogin === 0) {
          session.invalidate(token);
          continue;
        }
        throw error;
      }
    }
  }

  #bodyContext(method: HttpMethod, path: string, res: TransportResponse): BodyContext {
    return { method, path, status: res.status, redactor: this.#shared.redactor };
  }
}

function checkKeyId(keyId: string, method: string): string {
  if (typeof keyId !== "string" || !keyId.trim())
    throw new ConfigurationError(`${method}: keyId must be a non-empty string`);
  return keyId;
}

/** Each field of a create's input: what is allowed, and how a bad value is shown (a long string by its length). */
const CREATE_RULES: readonly FieldRule[] = [
  { field: "name", allowed: "a non-empty string", valid: isText(Infinity) },
  {
    field: "name",
    allowed: `at most ${MAX_NAME_LENGTH} characters`,
    valid: isText(MAX_NAME_LENGTH),
    got: (v) => String((v as string).length),
  },
  { field: "description", allowed: "a string", valid: (v) => typeof v === "string" },
  {
    field: "description",
    allowed: `at most ${MAX_DESCRIPTION_LENGTH} characters`,
    valid: (v) => typeof v !== "string" || v.length <= MAX_DESCRIPTION_LENGTH,
    got: (v) => String((v as string).length),
  },
  {
    field: "ttlDays",
    allowed: `a whole number of days from ${MIN_TTL_DAYS} to ${MAX_TTL_DAYS}`,
    valid: isWholeNumber(MIN_TTL_DAYS, MAX_TTL_DAYS),
    got: String,
  },
  {
    field: "permission",
    allowed: `one of ${PERMISSION_NAMES.join(", ")}`,
    valid: isOneOf(PERMISSION_NAMES),
    got: (v) => JSON.stringify(v),
  },
];

/** Checks the input before anything is sent, naming the first field at fault; the API's own limits are in qwilt-api.ts. */
function createRequestBody(input: CreateKeyInput): CreateKeyRequest {
  const fail = (message: string) =>
    new ConfigurationError(`createKey: ${message}`, { method: "POST", path: API_KEYS_PATH });
  if (!input || typeof input !== "object") throw fail("input must be an object");
  // A name that is not a string at all fails its first rule only.
  const [first] = violations(CREATE_RULES, { ...input }, ["name", "ttlDays", "permission"]);
  if (first) throw fail(violationText(first));
  const { name, description, ttlDays, permission } = input;
  const body: CreateKeyRequest = { name, ttl: ttlDays, permission: toApiPermission(permission) };
  if (description !== undefined) body.description = description;
  return body;
}
