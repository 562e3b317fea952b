/**
 * Every setting a front end reads (credentials, URLs, tuning) in one table: where it can be set, in
 * order (a configuration key, then environment variables; first found wins), its default, bounds and
 * whether it is a secret. `resolveSettings` applies the table and says where each value came from.
 * Front ends word the errors (`SettingsError` carries fields, not advice).
 */
import { DEFAULTS } from "./client/client-options";
import { DEFAULT_LOGIN_URL, DEFAULT_USERS_URL } from "./qwilt-api";

export interface SettingSpec {
  /** The key in a configuration map (the provider's stack config). */
  configKey: string;
  /** Environment variables, in the order they are read. */
  env: readonly string[];
  /** A secret is never shown, not even in an error. */
  secret: boolean;
  /** What it is, in a few words. */
  doc: string;
  /** Whole numbers within bounds; absent for text. */
  integer?: { min: number; max: number; unit: string };
  default?: string | number;
}

export const SETTINGS = {
  apiKey: {
    configKey: "qwilt:apiKey",
    env: ["QWILT_API_KEY", "QCDN_API_KEY"],
    secret: true,
    doc: "an API key (works only in the organization it was made in)",
  },
  username: {
    configKey: "qwilt:username",
    env: ["QWILT_USERNAME", "QCDN_USERNAME"],
    secret: false,
    doc: "the user to log in as, with password",
  },
  password: {
    configKey: "qwilt:password",
    env: ["QWILT_PASSWORD", "QCDN_PASSWORD"],
    secret: true,
    doc: "the user's password",
  },
  orgId: {
    configKey: "qwilt:orgId",
    env: ["QWILT_ORG_ID"],
    secret: false,
    doc: "the organization to log in to (username/password only)",
  },
  usersUrl: {
    configKey: "qwilt:usersUrl",
    env: ["QWILT_USERS_URL"],
    secret: false,
    doc: "base URL of the users (api-keys) API",
    default: DEFAULT_USERS_URL,
  },
  loginUrl: {
    configKey: "qwilt:loginUrl",
    env: ["QWILT_LOGIN_URL"],
    secret: false,
    doc: "base URL of the login service",
    default: DEFAULT_LOGIN_URL,
  },
  // A timeout under 100 ms fails every call; one over 10 minutes hangs a deployment.
  timeoutMs: {
    configKey: "qwilt:timeoutMs",
    env: ["QWILT_TIMEOUT_MS"],
    secret: false,
    doc: "per-request timeout",
    integer: { min: 100, max: 600_000, unit: "milliseconds" },
    default: DEFAULTS.timeoutMs,
  },
  maxRetries: {
    configKey: "qwilt:maxRetries",
    env: ["QWILT_MAX_RETRIES"],
    secret: false,
    doc: "retries after a failed request (see sdk/client/retry-policy.ts)",
    integer: { min: 0, max: 10, unit: "retries" },
    default: DEFAULTS.maxRetries,
  },
} as const satisfies Record<string, SettingSpec>;

export type SettingName = keyof typeof SETTINGS;
export const SETTING_NAMES = Object.keys(SETTINGS) as SettingName[];

/** The resolved values: text settings may be unset; those with a default always have a value. */
export interface Settings {
  apiKey?: string;
  username?: string;
  password?: string;
  orgId?: string;
  usersUrl: string;
  loginUrl: string;
  timeoutMs: number;
  maxRetries: number;
}

/** Where a value came from. */
export type SettingSource =
  | { kind: "config"; key: string }
  | { kind: "env"; name: string }
  | { kind: "default" }
  | { kind: "unset" };

export interface ResolvedSettings {
  values: Settings;
  sources: Record<SettingName, SettingSource>;
}

export interface SettingsInput {
  /** A configuration map keyed by `configKey` (values are turned to text); absent: the environment alone. */
  config?: Record<string, unknown>;
  env: NodeJS.ProcessEnv;
}

/** A value that is not allowed, or one that is missing because another setting needs it. */
export class SettingsError extends Error {
  override name = "SettingsError";
  readonly setting: SettingName;
  /** Where the offending value came from (for "missing": where the setting could be given). */
  readonly source: SettingSource;
  readonly reason: "invalid" | "missing";
  /** The offending text, shortened; never set for a secret setting. */
  readonly value?: string;
  /** What is allowed, e.g. "a whole number of milliseconds from 100 to 600000". */
  readonly allowed: string;
  /** For "missing": the setting that needs this one. */
  readonly neededBy?: SettingName;

  constructor(init: {
    setting: SettingName;
    source: SettingSource;
    reason: "invalid" | "missing";
    value?: string;
    allowed: string;
    neededBy?: SettingName;
  }) {
    const where = sourceName(init.setting, init.source);
    super(
      init.reason === "missing"
        ? `${where} is needed with ${init.neededBy}: ${init.allowed}`
        : `${where} must be ${init.allowed}${init.value !== undefined ? ` (got ${JSON.stringify(init.value)})` : ""}`,
    );
    this.setting = init.setting;
    this.source = init.source;
    this.reason = init.reason;
    if (init.value !== undefined) this.value = init.value;
    this.allowed = init.allowed;
    if (init.neededBy !== undefined) this.neededBy = init.neededBy;
  }
}

/** The configuration key or variable a source names; the setting's own name for a default or unset value. */
export function sourceName(setting: SettingName, source: SettingSource): string {
  return source.kind === "config" ? source.key : source.kind === "env" ? source.name : setting;
}

/** What a setting allows, in words: "a whole number of retries from 0 to 10". */
export function allowedValues(setting: SettingName): string {
  const spec: SettingSpec = SETTINGS[setting];
  if (!spec.integer) return "a non-empty value";
  const { min, max, unit } = spec.integer;
  return `a whole number of ${unit} from ${min} to ${max}`;
}

/** Text as a setting sees it: trimmed; empty counts as unset. */
function text(v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  const s = (typeof v === "string" ? v : String(v)).trim();
  return s === "" ? undefined : s;
}

/** The first value given for `setting`, and where; undefined when none is. */
function lookUp(setting: SettingName, input: SettingsInput): { value: string; source: SettingSource } | undefined {
  const spec: SettingSpec = SETTINGS[setting];
  const fromConfig = text(input.config?.[spec.configKey]);
  if (fromConfig !== undefined) return { value: fromConfig, source: { kind: "config", key: spec.configKey } };
  for (const name of spec.env) {
    const fromEnv = text(input.env[name]);
    if (fromEnv !== undefined) return { value: fromEnv, source: { kind: "env", name } };
  }
  return undefined;
}

/**
 * Every setting's value and where it came from. Throws a SettingsError for a number out of its bounds and
 * for half a username/password pair. Credentials may all be unset: the front end decides when that matters.
 */
export function resolveSettings(input: SettingsInput): ResolvedSettings {
  const values: Record<string, string | number | undefined> = {};
  const sources = {} as Record<SettingName, SettingSource>;
  for (const setting of SETTING_NAMES) {
    const spec: SettingSpec = SETTINGS[setting];
    const found = lookUp(setting, input);
    if (!found) {
      values[setting] = spec.default;
      sources[setting] = spec.default === undefined ? { kind: "unset" } : { kind: "default" };
      continue;
    }
    sources[setting] = found.source;
    values[setting] = spec.integer ? wholeNumber(setting, found.value, found.source) : found.value;
  }
  for (const [has, needs] of [
    ["username", "password"],
    ["password", "username"],
  ] as const) {
    if (values[has] !== undefined && values[needs] === undefined) {
      throw new SettingsError({
        setting: needs,
        source: { kind: "unset" },
        reason: "missing",
        allowed: SETTINGS[needs].doc,
        neededBy: has,
      });
    }
  }
  return { values: values as unknown as Settings, sources };
}

function wholeNumber(setting: SettingName, value: string, source: SettingSource): number {
  const { min, max } = (SETTINGS[setting] as SettingSpec).integer!;
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < min || n > max) {
    throw new SettingsError({
      setting,
      source,
      reason: "invalid",
      value: value.slice(0, 20),
      allowed: allowedValues(setting),
    });
  }
  return n;
}
