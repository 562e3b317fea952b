/**
 * Provider configuration: credentials and URLs from stack config (`qwilt:*`), else from the
 * environment, first found wins (design.md's table). Credentials never enter args, outputs or
 * the serialized provider: they are read here, inside the plugin process.
 */
import { DEFAULT_LOGIN_URL, DEFAULT_USERS_URL } from "../sdk/qwilt-api";

export interface ProviderConfig {
  apiKey?: string;
  username?: string;
  password?: string;
  orgId?: string;
  usersUrl: string;
  loginUrl: string;
  /** Tuning: per-request timeout of the Qwilt client in ms (client default 30 000). */
  timeoutMs?: number;
  /** Tuning: retries after a failed request (client default 4; see sdk/client/retry-policy.ts). */
  maxRetries?: number;
  /** Things the user should know (ignored or unknown settings); never holds a secret. */
  warnings: string[];
}

/** Each setting: its stack config key, then the environment variables, in order. */
const SOURCES = {
  apiKey: ["qwilt:apiKey", "QWILT_API_KEY", "QCDN_API_KEY"],
  username: ["qwilt:username", "QWILT_USERNAME", "QCDN_USERNAME"],
  password: ["qwilt:password", "QWILT_PASSWORD", "QCDN_PASSWORD"],
  orgId: ["qwilt:orgId", "QWILT_ORG_ID"],
  usersUrl: ["qwilt:usersUrl", "QWILT_USERS_URL"],
  loginUrl: ["qwilt:loginUrl", "QWILT_LOGIN_URL"],
  timeoutMs: ["qwilt:timeoutMs", "QWILT_TIMEOUT_MS"],
  maxRetries: ["qwilt:maxRetries", "QWILT_MAX_RETRIES"],
} as const;

/** Bounds of the tuning knobs: a timeout shorter than 100 ms fails every call, a longer one than 10 minutes hangs `pulumi up`. */
const TUNING = {
  timeoutMs: { min: 100, max: 600_000, unit: "milliseconds" },
  maxRetries: { min: 0, max: 10, unit: "retries" },
} as const;
export const CONFIG_KEYS: readonly string[] = Object.values(SOURCES).map((s) => s[0]);

export class ProviderConfigError extends Error {
  override name = "ProviderConfigError";
}

function text(v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  const s = (typeof v === "string" ? v : String(v)).trim();
  return s === "" ? undefined : s;
}

/** `config` is the stack config map (keys like `qwilt:apiKey`), secrets already decrypted. */
export function resolveConfig(config: Record<string, unknown>, env: NodeJS.ProcessEnv = process.env): ProviderConfig {
  const pick = (key: keyof typeof SOURCES) => {
    const [configKey, ...envVars] = SOURCES[key];
    return text(config[configKey]) ?? envVars.map((e) => text(env[e])).find((v) => v !== undefined);
  };
  const warnings: string[] = [];
  const unknown = Object.keys(config).filter((k) => k.startsWith("qwilt:") && !CONFIG_KEYS.includes(k));
  if (unknown.length > 0) {
    warnings.push(`unknown configuration ${unknown.join(", ")} ignored; the known keys are ${CONFIG_KEYS.join(", ")}`);
  }

  const resolved: ProviderConfig = {
    apiKey: pick("apiKey"),
    username: pick("username"),
    password: pick("password"),
    orgId: pick("orgId"),
    usersUrl: pick("usersUrl") ?? DEFAULT_USERS_URL,
    loginUrl: pick("loginUrl") ?? DEFAULT_LOGIN_URL,
    warnings,
  };
  for (const knob of ["timeoutMs", "maxRetries"] as const) {
    const value = pick(knob);
    if (value !== undefined) resolved[knob] = tuning(knob, value);
  }
  if ((resolved.username === undefined) !== (resolved.password === undefined)) {
    const missing = resolved.username === undefined ? "username (qwilt:username or QWILT_USERNAME)" : "password (qwilt:password or QWILT_PASSWORD)";
    throw new ProviderConfigError(`Qwilt credentials are incomplete: a ${missing} is needed as well`);
  }
  if (resolved.apiKey && resolved.username) {
    warnings.push("both an API key and a username/password are configured: the API key is used for keys without orgId, username/password for keys with orgId");
  }
  if (resolved.apiKey && !resolved.username && resolved.orgId) {
    warnings.push("qwilt:orgId / QWILT_ORG_ID is ignored with API-key credentials: an API key works only in the organization it was made in");
  }
  return resolved;
}

/** A tuning knob's text as a whole number within its bounds, or an error naming both places it can be set. */
function tuning(knob: keyof typeof TUNING, value: string): number {
  const { min, max, unit } = TUNING[knob];
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < min || n > max) {
    const [configKey, envVar] = SOURCES[knob];
    throw new ProviderConfigError(`${configKey} / ${envVar} must be a whole number of ${unit} from ${min} to ${max} (got ${JSON.stringify(value.slice(0, 20))})`);
  }
  return n;
}

/** Thrown by operations that need the API when no credentials are configured at all. */
export function missingCredentialsError(): ProviderConfigError {
  return new ProviderConfigError(
    "No Qwilt credentials: set an API key with `pulumi config set --secret qwilt:apiKey <key>` or the QWILT_API_KEY environment variable " +
      "(QCDN_API_KEY also works), or a username and password with qwilt:username and `pulumi config set --secret qwilt:password`, " +
      "or QWILT_USERNAME and QWILT_PASSWORD.",
  );
}
