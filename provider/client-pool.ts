import { DEFAULTS } from "../sdk/client/client-options";
import { ConfigurationError } from "../sdk/client/errors";
import { QwiltClient } from "../sdk/client/qwilt-client";
import type { QwiltClientOptions } from "../sdk/client/types";
import { SETTINGS, type SettingName } from "../sdk/settings";
import { missingCredentialsError, ProviderConfigError, type ProviderConfig } from "./config";

/** The settings behind each client option a user can get wrong, so an error can say where to fix it. */
const OPTION_SETTINGS: Record<string, SettingName> = {
  usersUrl: "usersUrl",
  loginUrl: "loginUrl",
  "credentials.apiKey": "apiKey",
  "credentials.username": "username",
  "credentials.password": "password",
  "credentials.orgId": "orgId",
};

/** Picks the client for a key: the API key for its own organization, username/password for `orgId`. */
export class ClientPool {
  readonly #byKey?: QwiltClient;
  readonly #byLogin?: QwiltClient;
  /** The clients' per-request timeout; also how long a timed-out write is given to land before we look for its effect. */
  readonly timeoutMs: number;

  constructor(config: ProviderConfig, extra: Partial<QwiltClientOptions> = {}) {
    const tuning: Partial<QwiltClientOptions> = {};
    if (config.timeoutMs !== undefined) tuning.timeoutMs = config.timeoutMs;
    if (config.maxRetries !== undefined) tuning.maxRetries = config.maxRetries;
    const common = { ...tuning, ...extra, usersUrl: config.usersUrl, loginUrl: config.loginUrl };
    this.timeoutMs = common.timeoutMs ?? DEFAULTS.timeoutMs;
    // Constructing a client validates its URLs, so bad configuration surfaces at `check`.
    try {
      if (config.apiKey) this.#byKey = new QwiltClient({ ...common, credentials: { apiKey: config.apiKey } });
      if (config.username && config.password) {
        this.#byLogin = new QwiltClient({ ...common, credentials: { username: config.username, password: config.password, orgId: config.orgId } });
      }
    } catch (error) {
      throw error instanceof ConfigurationError ? withSource(error) : error;
    }
  }

  get canLogIn(): boolean {
    return this.#byLogin !== undefined;
  }

  clientFor(orgId?: string): QwiltClient {
    if (orgId) {
      if (!this.#byLogin) throw missingCredentialsError();
      return this.#byLogin.forOrganization(orgId);
    }
    const client = this.#byKey ?? this.#byLogin;
    if (!client) throw missingCredentialsError();
    return client;
  }

  async close(): Promise<void> {
    await Promise.all([this.#byKey?.close(), this.#byLogin?.close()]);
  }
}

/** The client names its option (`usersUrl ...`); a Pulumi user needs the config key or variable that set it. */
function withSource(error: ConfigurationError): ProviderConfigError {
  const setting = error.option === undefined ? undefined : OPTION_SETTINGS[error.option];
  const source = setting && orList([SETTINGS[setting].configKey, ...SETTINGS[setting].env]);
  return new ProviderConfigError(`Qwilt configuration: ${error.message}${source ? ` (set by ${source})` : ""}`, { cause: error });
}

/** `a, b or c`. */
function orList(items: readonly string[]): string {
  return items.length < 2 ? (items[0] ?? "") : `${items.slice(0, -1).join(", ")} or ${items[items.length - 1]}`;
}
