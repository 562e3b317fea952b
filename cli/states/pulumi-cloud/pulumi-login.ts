/**
 * Where the Pulumi Cloud API is and which token to send, as the Pulumi CLI decides it: the API base URL
 * from PULUMI_BACKEND_URL when that is an http(s) URL (the console address https://app.pulumi.com means
 * the API at https://api.pulumi.com), else https://api.pulumi.com; the token from PULUMI_ACCESS_TOKEN,
 * else from the CLI's stored login (`$PULUMI_HOME/credentials.json`, by default ~/.pulumi).
 * https only, except to a loopback host, as for the Qwilt URLs.
 */
import { readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { isLoopbackHost } from "../../../sdk/client/url-policy";
import { UsageError } from "../../errors";
import { envValue } from "../../io";

export const DEFAULT_PULUMI_API = "https://api.pulumi.com";
const CONSOLE_URLS: Record<string, string> = { "https://app.pulumi.com": DEFAULT_PULUMI_API };

export interface PulumiLogin {
  apiUrl: string;
  token: string;
  /** Where the token came from: `PULUMI_ACCESS_TOKEN` or the credentials file's path. */
  tokenSource: string;
}

export function pulumiLogin(env: NodeJS.ProcessEnv, source: string): PulumiLogin {
  const apiUrl = apiUrlOf(env);
  const fromEnv = envValue(env, "PULUMI_ACCESS_TOKEN");
  if (fromEnv) return { apiUrl, token: fromEnv.trim(), tokenSource: "PULUMI_ACCESS_TOKEN" };
  const file = join(
    envValue(env, "PULUMI_HOME") ?? join(envValue(env, "HOME") ?? homedir(), ".pulumi"),
    "credentials.json",
  );
  const stored = storedToken(file, apiUrl, envValue(env, "PULUMI_BACKEND_URL"));
  if (stored) return { apiUrl, token: stored, tokenSource: file };
  throw new UsageError(
    "PULUMI_ACCESS_TOKEN",
    `--state ${source} needs a Pulumi Cloud access token for ${apiUrl}: set PULUMI_ACCESS_TOKEN, or run \`pulumi login\` (no token for it in ${file})`,
  );
}

function apiUrlOf(env: NodeJS.ProcessEnv): string {
  const backend = envValue(env, "PULUMI_BACKEND_URL")?.trim();
  if (!backend || !/^https?:\/\//i.test(backend)) return DEFAULT_PULUMI_API;
  let url: URL;
  try {
    url = new URL(backend);
  } catch {
    throw new UsageError(
      "PULUMI_BACKEND_URL",
      `PULUMI_BACKEND_URL is not a valid URL (got ${JSON.stringify(backend.slice(0, 80))})`,
    );
  }
  if (url.username || url.password)
    throw new UsageError("PULUMI_BACKEND_URL", "PULUMI_BACKEND_URL must not contain a username or password");
  if (url.protocol === "http:" && !isLoopbackHost(url.hostname)) {
    throw new UsageError(
      "PULUMI_BACKEND_URL",
      `PULUMI_BACKEND_URL: https is required except for loopback hosts (127.0.0.0/8, ::1, localhost); got ${url.origin}`,
    );
  }
  const base = `${url.origin}${url.pathname.replace(/\/+$/, "")}`;
  return CONSOLE_URLS[base] ?? base;
}

/** The Pulumi CLI keeps `{"accessTokens": {"<api url>": "<token>"}, ...}`, keyed by the URL it logged in to. */
function storedToken(file: string, apiUrl: string, backend: string | undefined): string | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, "utf8"));
  } catch {
    return undefined;
  }
  const tokens = (parsed as { accessTokens?: unknown } | null)?.accessTokens;
  if (!tokens || typeof tokens !== "object") return undefined;
  const t = tokens as Record<string, unknown>;
  for (const key of [
    apiUrl,
    `${apiUrl}/`,
    backend,
    ...Object.keys(CONSOLE_URLS).filter((k) => CONSOLE_URLS[k] === apiUrl),
  ]) {
    const value = key === undefined ? undefined : t[key];
    if (typeof value === "string" && value.trim()) return value.trim();
  }
  return undefined;
}
