/**
 * The Qwilt client a command uses, configured from the environment through the settings table
 * (sdk/settings.ts: the same variables as the provider; an empty variable counts as unset), with every
 * problem worded in flag and variable terms. `--org <id>` (else QWILT_ORG_ID) logs in to that organization
 * with username/password; otherwise an API key is used when one is set.
 */
import type { QwiltClient } from "../sdk/client/qwilt-client";
import { checkBaseUrl, isLoopbackHost } from "../sdk/client/url-policy";
import type { QwiltCredentials } from "../sdk/client/types";
import {
  resolveSettings,
  SETTINGS,
  SettingsError,
  sourceName,
  type ResolvedSettings,
  type SettingName,
} from "../sdk/settings";
import { UsageError } from "./errors";
import { configuredSecrets } from "./secret-guard";

export interface Connection {
  client: QwiltClient;
  resolved: ResolvedSettings;
  credentials: "apiKey" | "login";
  /** The organization asked for (`--org`, else QWILT_ORG_ID with username/password). */
  orgId?: string;
  /** Things the user should know; never a secret. */
  warnings: string[];
  /** Every configured secret (API keys, passwords, the Pulumi token), which every client it makes keeps out of its messages. */
  secrets: string[];
}

/** `QWILT_API_KEY (or QCDN_API_KEY)`. */
export function variablesOf(setting: SettingName): string {
  const [first, ...rest] = SETTINGS[setting].env;
  return rest.length ? `${first} (or ${rest.join(", ")})` : first!;
}

export function resolveCliSettings(env: NodeJS.ProcessEnv): ResolvedSettings {
  try {
    // No configuration map: the command line reads the environment alone.
    return resolveSettings({ env });
  } catch (error) {
    if (!(error instanceof SettingsError)) throw error;
    if (error.reason === "missing") {
      throw new UsageError(
        SETTINGS[error.setting].env[0]!,
        `${variablesOf(error.neededBy!)} is set, so ${variablesOf(error.setting)} is needed too (${error.allowed})`,
      );
    }
    const where = sourceName(error.setting, error.source);
    const got = error.value !== undefined ? ` (got ${JSON.stringify(error.value)})` : "";
    throw new UsageError(where, `${where} must be ${error.allowed}${got}`);
  }
}

/** Checks the settings and the https rule, then builds the client; nothing is sent yet. */
export function connect(env: NodeJS.ProcessEnv, orgFlag: string | undefined): Connection {
  const resolved = resolveCliSettings(env);
  const { values } = resolved;
  const warnings: string[] = [];
  for (const setting of ["usersUrl", "loginUrl"] as const) checkUrl(setting, values[setting], resolved);

  const hasLogin = values.username !== undefined && values.password !== undefined;
  let credentials: QwiltCredentials;
  let orgId: string | undefined;
  if (orgFlag !== undefined) {
    if (!hasLogin) {
      throw new UsageError(
        "--org",
        `--org needs username/password credentials (${variablesOf("username")} and ${variablesOf("password")}): an API key works only in the organization it was made in`,
      );
    }
    orgId = orgFlag.trim();
    credentials = { username: values.username!, password: values.password!, orgId };
  } else if (hasLogin && (values.orgId !== undefined || values.apiKey === undefined)) {
    orgId = values.orgId;
    credentials = { username: values.username!, password: values.password!, ...(orgId ? { orgId } : {}) };
  } else if (values.apiKey !== undefined) {
    if (values.orgId !== undefined && !hasLogin) {
      warnings.push(
        "QWILT_ORG_ID is ignored with an API key: an API key works only in the organization it was made in",
      );
    }
    credentials = { apiKey: values.apiKey };
  } else {
    throw new UsageError(
      "QWILT_API_KEY",
      `no Qwilt credentials: set ${variablesOf("apiKey")} to an API key, or ${variablesOf("username")} and ${variablesOf("password")} to log in (with --org <id> or QWILT_ORG_ID for an organization)`,
    );
  }

  const secrets = configuredSecrets(env);
  const { QwiltClient } = require("../sdk/client/qwilt-client") as typeof import("../sdk/client/qwilt-client");
  const client = new QwiltClient({
    credentials,
    usersUrl: values.usersUrl,
    loginUrl: values.loginUrl,
    timeoutMs: values.timeoutMs,
    maxRetries: values.maxRetries,
    secrets,
  });
  return {
    client,
    resolved,
    credentials: "apiKey" in credentials && credentials.apiKey ? "apiKey" : "login",
    ...(orgId ? { orgId } : {}),
    warnings,
    secrets,
  };
}

/** The https rule in the variable's terms (exit 2), then the client's own checks of a base URL. */
function checkUrl(setting: "usersUrl" | "loginUrl", value: string, resolved: ResolvedSettings): void {
  const where = sourceName(setting, resolved.sources[setting]);
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (url?.protocol === "http:" && !isLoopbackHost(url.hostname)) {
    throw new UsageError(
      where,
      `${where}: https is required except for loopback hosts (127.0.0.0/8, ::1, localhost); got ${url.origin}`,
    );
  }
  try {
    checkBaseUrl(value, setting);
  } catch (error) {
    throw new UsageError(where, `${where} is not a usable base URL: ${(error as Error).message}`);
  }
}
