/**
 * Provider configuration: the settings of sdk/settings.ts, read from stack config (`qwilt:*`), else
 * from the environment, and their errors worded for a Pulumi user. Credentials never enter args,
 * outputs or the serialized provider: they are read here, inside the plugin process.
 */
import { resolveSettings, SETTINGS, SettingsError, type SettingName, type Settings } from "../sdk/settings";

export interface ProviderConfig extends Settings {
  /** Things the user should know (ignored or unknown settings); never holds a secret. */
  warnings: string[];
}

export const CONFIG_KEYS: readonly string[] = Object.values(SETTINGS).map((s) => s.configKey);

export class ProviderConfigError extends Error {
  override name = "ProviderConfigError";
}

/** `config` is the stack config map (keys like `qwilt:apiKey`), secrets already decrypted. */
export function resolveConfig(config: Record<string, unknown>, env: NodeJS.ProcessEnv = process.env): ProviderConfig {
  let values: Settings;
  try {
    ({ values } = resolveSettings({ config, env }));
  } catch (error) {
    throw error instanceof SettingsError ? new ProviderConfigError(settingsMessage(error), { cause: error }) : error;
  }
  const warnings: string[] = [];
  const unknown = Object.keys(config).filter((k) => k.startsWith("qwilt:") && !CONFIG_KEYS.includes(k));
  if (unknown.length > 0) {
    warnings.push(`unknown configuration ${unknown.join(", ")} ignored; the known keys are ${CONFIG_KEYS.join(", ")}`);
  }
  if (values.apiKey && values.username) {
    warnings.push(
      "both an API key and a username/password are configured: the API key is used for keys without orgId, username/password for keys with orgId",
    );
  }
  if (values.apiKey && !values.username && values.orgId) {
    warnings.push(
      `${settingPlaces("orgId")} is ignored with API-key credentials: an API key works only in the organization it was made in`,
    );
  }
  return { ...values, warnings };
}

/** `qwilt:orgId / QWILT_ORG_ID`: where a Pulumi user sets a setting (its stack config key, then the first variable). */
export function settingPlaces(setting: SettingName, separator = " / "): string {
  const { configKey, env } = SETTINGS[setting];
  return `${configKey}${separator}${env[0]}`;
}

/** A SettingsError in stack-config terms (never the value of a secret: the error does not hold it). */
function settingsMessage(error: SettingsError): string {
  if (error.reason === "missing") {
    return `Qwilt credentials are incomplete: a ${error.setting} (${settingPlaces(error.setting, " or ")}) is needed as well`;
  }
  const got = error.value !== undefined ? ` (got ${JSON.stringify(error.value)})` : "";
  return `${settingPlaces(error.setting)} must be ${error.allowed}${got}`;
}

/** Thrown by operations that need the API when no credentials are configured at all. */
export function missingCredentialsError(): ProviderConfigError {
  return new ProviderConfigError(
    "No Qwilt credentials: set an API key with `pulumi config set --secret qwilt:apiKey <key>` or the QWILT_API_KEY environment variable " +
      "(QCDN_API_KEY also works), or a username and password with qwilt:username and `pulumi config set --secret qwilt:password`, " +
      "or QWILT_USERNAME and QWILT_PASSWORD.",
  );
}
