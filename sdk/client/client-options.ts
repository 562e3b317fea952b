/**
 * QwiltClientOptions with their defaults filled in and checked, so a bad option fails at construction
 * with a ConfigurationError naming it, not on the first request.
 */
import { DEFAULT_LOGIN_URL, DEFAULT_USERS_URL } from "../qwilt-api";
import { ConfigurationError } from "./errors";
import type { QwiltClientOptions, QwiltCredentials } from "./types";
import { checkBaseUrl } from "./url-policy";

export const DEFAULTS = {
  timeoutMs: 30_000,
  maxRetries: 4,
  retryBaseDelayMs: 500,
  retryMaxDelayMs: 30_000,
  loginRenewMarginMs: 5 * 60_000,
} as const;

export type ResolvedCredentials =
  | { kind: "apiKey"; apiKey: string }
  | { kind: "login"; username: string; password: string; orgId?: string };

export interface ResolvedOptions {
  credentials: ResolvedCredentials;
  usersUrl: string;
  loginUrl: string;
  timeoutMs: number;
  maxRetries: number;
  retryBaseDelayMs: number;
  retryMaxDelayMs: number;
  userAgent: string;
  loginRenewMarginMs: number;
  now: () => number;
}

export function resolveOptions(options: QwiltClientOptions): ResolvedOptions {
  if (!options || typeof options !== "object") throw new ConfigurationError("QwiltClient needs an options object");
  return {
    credentials: resolveCredentials(options.credentials),
    usersUrl: checkBaseUrl(options.usersUrl ?? DEFAULT_USERS_URL, "usersUrl"),
    loginUrl: checkBaseUrl(options.loginUrl ?? DEFAULT_LOGIN_URL, "loginUrl"),
    timeoutMs: number("timeoutMs", options.timeoutMs, DEFAULTS.timeoutMs, 1),
    maxRetries: number("maxRetries", options.maxRetries, DEFAULTS.maxRetries, 0, true),
    retryBaseDelayMs: number("retryBaseDelayMs", options.retryBaseDelayMs, DEFAULTS.retryBaseDelayMs, 0),
    retryMaxDelayMs: number("retryMaxDelayMs", options.retryMaxDelayMs, DEFAULTS.retryMaxDelayMs, 0),
    userAgent: options.userAgent ?? defaultUserAgent(),
    loginRenewMarginMs: number("loginRenewMarginMs", options.loginRenewMarginMs, DEFAULTS.loginRenewMarginMs, 0),
    now: options.now ?? Date.now,
  };
}

function resolveCredentials(credentials: QwiltCredentials | undefined): ResolvedCredentials {
  if (!credentials || typeof credentials !== "object") {
    throw new ConfigurationError("credentials is required: { apiKey } or { username, password, orgId? }");
  }
  const { apiKey, username, password, orgId } = credentials as Partial<Record<string, unknown>>;
  if (apiKey !== undefined) {
    if (username !== undefined || password !== undefined) {
      throw new ConfigurationError("credentials: give either apiKey or username/password, not both");
    }
    if (orgId !== undefined) {
      throw new ConfigurationError(
        "credentials.orgId needs username/password: an API key is valid only in its own organization",
        {
          option: "credentials.orgId",
        },
      );
    }
    return { kind: "apiKey", apiKey: headerSafe("credentials.apiKey", apiKey) };
  }
  const atUsername = { option: "credentials.username" };
  const atPassword = { option: "credentials.password" };
  if (username === undefined && password === undefined) {
    throw new ConfigurationError("credentials needs apiKey, or username and password");
  }
  if (typeof username !== "string" || !username.trim())
    throw new ConfigurationError("credentials.username must be a non-empty string", atUsername);
  if (typeof password !== "string" || !password)
    throw new ConfigurationError("credentials.password must be a non-empty string", atPassword);
  if (username.includes(":"))
    throw new ConfigurationError("credentials.username must not contain ':' (HTTP Basic auth)", atUsername);
  if (orgId !== undefined && (typeof orgId !== "string" || !orgId.trim())) {
    throw new ConfigurationError("credentials.orgId must be a non-empty string when given", {
      option: "credentials.orgId",
    });
  }
  return {
    kind: "login",
    username: username.trim(),
    password,
    ...(orgId !== undefined ? { orgId: (orgId as string).trim() } : {}),
  };
}

/**
 * A key goes into a header: reject what a header cannot carry (never echoing the value). Surrounding
 * whitespace is dropped: a key read from a file or pasted into config often ends in a newline.
 */
export function headerSafe(name: string, value: unknown): string {
  const option = { option: name };
  if (typeof value !== "string" || !value.trim())
    throw new ConfigurationError(`${name} must be a non-empty string`, option);
  const trimmed = value.trim();
  if (!/^[\x21-\x7e]+$/.test(trimmed)) {
    throw new ConfigurationError(
      `${name} contains spaces, control or non-ASCII characters; an API key has none`,
      option,
    );
  }
  return trimmed;
}

function number(name: string, value: number | undefined, fallback: number, min: number, integer = false): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isFinite(value) || value < min || (integer && !Number.isInteger(value))) {
    throw new ConfigurationError(`${name} must be a${integer ? " whole" : ""} number ≥ ${min} (got ${String(value)})`, {
      option: name,
    });
  }
  return value;
}

let userAgent: string | undefined;
/** `pulumi-qwilt-api-keys/<version> node/<version>`; read once, lazily. */
export function defaultUserAgent(): string {
  return (userAgent ??= `pulumi-qwilt-api-keys/${packageVersion()} node/${process.version}`);
}

/**
 * The package root is two levels above sdk/client/*.ts but three above dist/sdk/client/*.js,
 * so look in both places and accept only our own package.json.
 */
export function packageVersion(): string {
  for (const candidate of ["../../package.json", "../../../package.json"]) {
    try {
      const pkg = require(candidate) as { name?: string; version?: string };
      if (pkg.name === "pulumi-qwilt-api-keys" && pkg.version) return pkg.version;
    } catch {
      // not there: try the next
    }
  }
  return "unknown";
}
