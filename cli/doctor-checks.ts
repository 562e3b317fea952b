/**
 * What `qwilt-keys doctor` finds out, one check at a time: where each setting came from, the https rule,
 * the credentials and (for username/password) the login, the organization, whether the credentials may
 * create and revoke keys, when the credential itself expires, and the clock against the API's `Date`.
 * Nothing is created or revoked; no secret is shown.
 */
import { PermissionDeniedError, QwiltError } from "../sdk/client/errors";
import type { ApiKeyInfo } from "../sdk/client/types";
import { credentialClaims, LOGIN_PATH, LOGIN_TOKEN_LIFETIME_MS, NO_SUCH_KEY_ID } from "../sdk/qwilt-api";
import { SETTING_NAMES, SETTINGS, type ResolvedSettings, type SettingSource } from "../sdk/settings";
import { UsageError } from "./errors";
import type { Io } from "./io";
import { dateOf, inTime } from "./keys/time-words";
import { describeApiError } from "./qwilt-error-words";
import { connect, resolveCliSettings, type Connection } from "./qwilt-connection";

export type CheckStatus = "ok" | "warn" | "fail" | "unknown";

export interface Check {
  check: "settings" | "https" | "credentials" | "login" | "list" | "permission" | "expiry" | "clock";
  status: CheckStatus;
  message: string;
}

export interface SettingRow {
  setting: string;
  /** The variable it came from, `default`, or `unset`. */
  source: string;
  /** The value; null for a secret (shown as set or unset only) and for an unset setting. */
  value: string | number | null;
  secret: boolean;
}

export interface DoctorReport {
  settings: SettingRow[];
  checks: Check[];
  organization: string | null;
  /** Whether the credentials work (the API listed the organization's keys). */
  ok: boolean;
  /** 0: they work; 1: the API refused or failed; 2: the configuration is unusable. */
  exitCode: 0 | 1 | 2;
}

const MAX_SKEW_MS = 60_000;

export async function runDoctor(io: Io, orgFlag: string | undefined): Promise<DoctorReport> {
  const checks: Check[] = [];
  const add = (check: Check["check"], status: CheckStatus, message: string) => checks.push({ check, status, message });
  const report = (settings: SettingRow[], organization: string | null, exitCode: 0 | 1 | 2): DoctorReport => ({
    settings,
    checks,
    organization,
    ok: exitCode === 0,
    exitCode,
  });

  let resolved: ResolvedSettings;
  try {
    resolved = resolveCliSettings(io.env);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    add("settings", "fail", error.message);
    return report([], null, 2);
  }
  const settings = settingRows(resolved);
  add(
    "settings",
    "ok",
    `read from the environment (${settings.filter((s) => s.source !== "default" && s.source !== "unset").length} set, the rest defaults)`,
  );
  const httpNotes = (["usersUrl", "loginUrl"] as const).map((s) => `${s} ${resolved.values[s]}`);

  let connection: Connection;
  try {
    connection = connect(io.env, orgFlag);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    const urlVariables: readonly string[] = [...SETTINGS.usersUrl.env, ...SETTINGS.loginUrl.env];
    add(urlVariables.includes(error.subject) ? "https" : "credentials", "fail", error.message);
    return report(settings, null, 2);
  }
  const plainHttp = httpNotes.filter((n) => n.includes(" http://"));
  add(
    "https",
    "ok",
    plainHttp.length ? `${plainHttp.join(", ")}: plain http, allowed for a loopback host only` : "https for both URLs",
  );
  for (const w of connection.warnings) add("credentials", "warn", w);
  add(
    "credentials",
    "ok",
    connection.credentials === "apiKey"
      ? `an API key, from ${sourceText(resolved.sources.apiKey)}`
      : `username ${resolved.values.username} (${sourceText(resolved.sources.username)}), logging in to ${connection.orgId ? `organization ${connection.orgId}` : "the user's first organization"}`,
  );

  const client = connection.client;
  try {
    let listed: ApiKeyInfo[];
    try {
      listed = await client.listKeys();
    } catch (error) {
      if (!(error instanceof QwiltError)) throw error;
      if (connection.credentials === "login" && error.path === LOGIN_PATH)
        add("login", "fail", describeApiError(error, true));
      else {
        if (connection.credentials === "login") add("login", "ok", "logged in");
        add("list", "fail", describeApiError(error, true));
      }
      return report(settings, connection.orgId ?? null, 1);
    }
    if (connection.credentials === "login")
      add(
        "login",
        "ok",
        `logged in; a login token lives ${LOGIN_TOKEN_LIFETIME_MS / 60_000} minutes and is renewed as needed`,
      );
    const owners = [...new Set(listed.map((k) => k.organization))];
    let organization = connection.orgId ?? (owners.length === 1 ? owners[0]! : null);
    // No key listed and no --org: only the login token's claim can name it (assumed: login-token-names-org).
    const named = organization === null ? await client.loginTokenOrganization().catch(() => undefined) : undefined;
    if (named !== undefined) organization = named;
    add(
      "list",
      "ok",
      `the credentials work: the API listed ${listed.length} key${listed.length === 1 ? "" : "s"}${organization ? ` of organization ${organization}` : ""}${named !== undefined ? " (as the login token names it, unverified)" : ""}`,
    );

    const own = connection.credentials === "apiKey" ? ownKey(resolved.values.apiKey!, listed) : undefined;
    await permissionCheck(connection, own, add);
    expiryCheck(connection, resolved.values.apiKey, own, io.now(), add);
    await clockCheck(resolved.values.usersUrl, io, add);
    return report(settings, organization, 0);
  } finally {
    await client.close();
  }
}

function settingRows(resolved: ResolvedSettings): SettingRow[] {
  return SETTING_NAMES.map((setting) => {
    const secret = SETTINGS[setting].secret;
    const value = resolved.values[setting as keyof typeof resolved.values];
    const source = sourceText(resolved.sources[setting]);
    return { setting, source, value: secret || value === undefined ? null : withoutUserInfo(value), secret };
  });
}

/** A URL that holds a username or password is shown without them. */
function withoutUserInfo(value: string | number): string | number {
  if (typeof value !== "string" || !/^[a-z]+:\/\/[^/]*@/i.test(value)) return value;
  try {
    const url = new URL(value);
    url.username = "";
    url.password = "";
    return `${url.toString()} (a username/password in it not shown)`;
  } catch {
    return "(not shown: looks like it holds a password)";
  }
}

function sourceText(source: SettingSource): string {
  return source.kind === "env" ? source.name : source.kind === "config" ? source.key : source.kind;
}

/** The listed key the API key credential is, when its token names it. */
function ownKey(apiKey: string, listed: readonly ApiKeyInfo[]): ApiKeyInfo | undefined {
  const { keyId } = credentialClaims(apiKey);
  return keyId === undefined ? undefined : listed.find((k) => k.keyId === keyId);
}

type Add = (check: Check["check"], status: CheckStatus, message: string) => void;

async function permissionCheck(connection: Connection, own: ApiKeyInfo | undefined, add: Add): Promise<void> {
  if (own && (own.permission === "editor" || own.permission === "viewer")) {
    const editor = own.permission === "editor";
    add(
      "permission",
      editor ? "ok" : "warn",
      `${editor ? "an" : "a"} ${own.permission} key (key ${own.keyId} "${own.name}"): ${editor ? "may create and revoke keys" : "may only read; making and revoking keys needs an Editor key or username/password"}`,
    );
    return;
  }
  try {
    await connection.client.revokeKey(NO_SUCH_KEY_ID);
    add(
      "permission",
      "ok",
      `may create and revoke keys (revoking the keyId "${NO_SUCH_KEY_ID}", which no key has, answered 404, not 403)`,
    );
  } catch (error) {
    if (error instanceof PermissionDeniedError)
      add(
        "permission",
        "warn",
        "may only read: revoking a key that does not exist answered 403; making and revoking keys needs an Editor key or a user with that right",
      );
    else if (error instanceof QwiltError)
      add("permission", "unknown", `could not tell: ${describeApiError(error, true)}`);
    else throw error;
  }
}

function expiryCheck(
  connection: Connection,
  apiKey: string | undefined,
  own: ApiKeyInfo | undefined,
  now: number,
  add: Add,
): void {
  if (connection.credentials === "login") {
    add("expiry", "ok", "a username/password does not expire as far as Qwilt documents; login tokens are renewed");
    return;
  }
  const expiresAt = own?.expiresAt ?? credentialClaims(apiKey!).expiresAt;
  if (!expiresAt) {
    add(
      "expiry",
      "unknown",
      "Qwilt does not say which key a credential is, nor when it expires; `qwilt-keys list` shows every key's expiry",
    );
    return;
  }
  const left = Date.parse(expiresAt) - now;
  const from = own ? `key ${own.keyId} "${own.name}"` : "its exp claim (unverified)";
  const status: CheckStatus = left <= 0 ? "fail" : left <= 30 * 86_400_000 ? "warn" : "ok";
  add(
    "expiry",
    status,
    `the API key expires ${left <= 0 ? "(expired)" : inTime(left)}, on ${dateOf(expiresAt)} (${from})`,
  );
}

/** The API's `Date` header (one unauthenticated request) against this machine's clock. */
async function clockCheck(usersUrl: string, io: Io, add: Add): Promise<void> {
  const { request } = require("undici") as typeof import("undici");
  try {
    const sent = io.now();
    const res = await request(usersUrl, { method: "GET", headersTimeout: 10_000, bodyTimeout: 10_000 });
    await res.body.dump();
    const received = io.now();
    const date = Date.parse(String(res.headers.date ?? ""));
    if (Number.isNaN(date)) {
      add("clock", "unknown", "the API sent no Date header");
      return;
    }
    // Date has whole seconds: compare with the middle of the round trip, and call anything under a second none.
    const skew = date - (sent + received) / 2;
    const shifted = io.env.QWILT_CLOCK_OFFSET_MS ? " (QWILT_CLOCK_OFFSET_MS shifts this clock)" : "";
    const words =
      Math.abs(skew) < 1500
        ? "within a second of the API's clock"
        : `${(Math.abs(skew) / 1000).toFixed(0)} s ${skew > 0 ? "behind" : "ahead of"} the API's clock`;
    add("clock", Math.abs(skew) > MAX_SKEW_MS ? "warn" : "ok", `${words}${shifted}`);
  } catch (error) {
    add("clock", "unknown", `could not read the API's clock: ${(error as Error).message}`);
  }
}
