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

/**
 * The clients of the configured credentials, and which one serves a key: the API key for keys of its own
 * organization, username/password for keys with `orgId`.
 */
export class CredentialClients {
  readonly #byKey?: QwiltClient;
  readonly #byLogin?: QwiltClient;
  /**
   * How long a write that timed out is given to land before we look for its effect: the clients' own
   * per-request timeout, so the server has had twice as long as we waited for it.
   */
  readonly settleMs: number;

  constructor(config: ProviderConfig, extra: Partial<QwiltClientOptions> = {}) {
    const common = {
      timeoutMs: config.timeoutMs,
      maxRetries: config.maxRetries,
      ...extra,
      usersUrl: config.usersUrl,
      loginUrl: config.loginUrl,
      // Each client keeps both credentials out of its messages: an API error may echo either.
      secrets: [config.apiKey, config.password].filter((s): s is string => typeof s === "string"),
    };
    this.settleMs = common.timeoutMs ?? config.timeoutMs;
    // Constructing a client validates its URLs, so bad configuration surfaces at `check`.
    try {
      if (config.apiKey) this.#byKey = new QwiltClient({ ...common, credentials: { apiKey: config.apiKey } });
      if (config.username && config.password) {
        this.#byLogin = new QwiltClient({
          ...common,
          credentials: { username: config.username, password: config.password, orgId: config.orgId },
        });
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
  return new ProviderConfigError(`Qwilt configuration: ${error.message}${source ? ` (set by ${source})` : ""}`, {
    cause: error,
  });
}

/** `a, b or c`. */
function orList(items: readonly string[]): string {
  return items.length < 2 ? (items[0] ?? "") : `${items.slice(0, -1).join(", ")} or ${items[items.length - 1]}`;
}
