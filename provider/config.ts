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

/** Thrown by operations that need the API when no credentials are configured at all. */
export function missingCredentialsError(): ProviderConfigError {
  return new ProviderConfigError(
    "No Qwilt credentials: set an API key with `pulumi config set --secret qwilt:apiKey <key>` or the QWILT_API_KEY environment variable " +
      "(QCDN_API_KEY also works), or a username and password with qwilt:username and `pulumi config set --secret qwilt:password`, " +
      "or QWILT_USERNAME and QWILT_PASSWORD.",
  );
}
