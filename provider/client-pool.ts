import { QwiltClient } from "../sdk/client/qwilt-client";
import type { QwiltClientOptions } from "../sdk/client/types";
import { missingCredentialsError, type ProviderConfig } from "./config";

/** Picks the client for a key: the API key for its own organization, username/password for `orgId`. */
export class ClientPool {
  readonly #byKey?: QwiltClient;
  readonly #byLogin?: QwiltClient;

  constructor(config: ProviderConfig, extra: Partial<QwiltClientOptions> = {}) {
    const common = { ...extra, usersUrl: config.usersUrl, loginUrl: config.loginUrl };
    // Constructing a client validates its URLs, so bad configuration surfaces at `check`.
    if (config.apiKey) this.#byKey = new QwiltClient({ ...common, credentials: { apiKey: config.apiKey } });
    if (config.username && config.password) {
      this.#byLogin = new QwiltClient({ ...common, credentials: { username: config.username, password: config.password, orgId: config.orgId } });
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
