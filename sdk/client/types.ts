import type { Permission } from "../qwilt-api";

/** A key as this package presents it (camelCase, our names; no secret). */
export interface ApiKeyInfo {
  keyId: string;
  name: string;
  description?: string;
  ttlDays: number;
  /** `viewer` / `editor`; an API value we do not know is passed through unchanged. */
  permission: Permission | string;
  /** Qwilt `ownerId`: the organization the key belongs to (a key is valid only there). */
  organization: string;
  createdBy: string;
  /** ISO-8601 UTC. */
  createdAt: string;
  /** ISO-8601 UTC (Qwilt's `expireAt`). */
  expiresAt: string;
}

/** The create answer: the key's metadata plus the key itself, which Qwilt returns only this once. */
export interface CreatedApiKey extends ApiKeyInfo {
  /** The secret API key (Qwilt `apiToken`). Never log it. */
  key: string;
}

export interface CreateKeyInput {
  name: string;
  description?: string;
  /** Whole days, 1..365. */
  ttlDays: number;
  permission: Permission;
}

/** Credentials: an API key, or a username and password (optionally logging in to one organization). */
export type QwiltCredentials =
  | { apiKey: string; username?: undefined; password?: undefined; orgId?: undefined }
  | { apiKey?: undefined; username: string; password: string; orgId?: string };

export interface QwiltClientOptions {
  credentials: QwiltCredentials;
  /** Users (api-keys) API base URL. Default `https://users.cqloud.com`. */
  usersUrl?: string;
  /** Login base URL. Default `https://login.cqloud.com`. */
  loginUrl?: string;
  /** Per-attempt timeout in ms. Default 30 000. */
  timeoutMs?: number;
  /** Retries after the first attempt (GET/DELETE on 429, 5xx, connection errors; POST on 429 and connections that failed before sending). Default 4. */
  maxRetries?: number;
  /** First backoff delay in ms (doubled each retry, with jitter). Default 500. */
  retryBaseDelayMs?: number;
  /** Longest single wait in ms, including a server's Retry-After. Default 30 000. */
  retryMaxDelayMs?: number;
  /** Sent as User-Agent. Default `pulumi-qwilt-api-keys/<version> node/<version>`. */
  userAgent?: string;
  /** Renew a login token this long before its hour runs out. Default 5 minutes. */
  loginRenewMarginMs?: number;
  /** Clock, for tests. Default Date.now. */
  now?: () => number;
  /**
   * Other secrets of the same configuration (another credential, a token of another service) to keep out of this
   * client's error messages, as its own credentials are: an error body may echo any of them.
   */
  secrets?: readonly string[];
}
