/**
 * Refresh of many keys: concurrent `read`s in one plugin process share one list of their
 * organization's keys instead of one GET each (500 keys: one call, not 500).
 *
 * Only for reads. A list lives `ttlMs` from the moment it was asked for, so a key revoked
 * before that is seen as gone. A key the list does not show under our name (made after the list
 * was fetched, or its id reused) is confirmed with its own GET, so staleness never drops a live key.
 * Never used to decide a delete: that still asks for the key itself. The list's path is an
 * assumption (docs/qwilt-api.md): if Qwilt refuses it (403, 404), reads fall back to one GET per key.
 */
import { NotFoundError, PermissionDeniedError } from "../sdk/client/errors";
import type { QwiltClient } from "../sdk/client/qwilt-client";
import type { ApiKeyInfo } from "../sdk/client/types";

export const KEY_LIST_TTL_MS = 2000;

interface Entry {
  askedAt: number;
  /** undefined: this client may not list keys; ask for each key instead. */
  keys: Promise<Map<string, ApiKeyInfo> | undefined>;
}

export class KeyListCache {
  /** One entry per client: a client serves one organization. */
  readonly #lists = new WeakMap<QwiltClient, Entry>();
  readonly #ttlMs: number;
  readonly #now: () => number;

  /** `now` is real time (how old the data is), not the provider's rotation clock. */
  constructor(ttlMs = KEY_LIST_TTL_MS, now: () => number = Date.now) {
    this.#ttlMs = ttlMs;
    this.#now = now;
  }

  /** The key `keyId` named `name` as Qwilt shows it, or undefined when it is gone (same answer as getKey, at most `ttlMs` old). */
  async find(client: QwiltClient, keyId: string, name: string): Promise<ApiKeyInfo | undefined> {
    const listed = (await this.#list(client))?.get(keyId);
    if (listed && listed.name === name) return listed;
    return client.getKey(keyId);
  }

  #list(client: QwiltClient): Promise<Map<string, ApiKeyInfo> | undefined> {
    const cached = this.#lists.get(client);
    if (cached && this.#now() - cached.askedAt < this.#ttlMs) return cached.keys;
    const entry: Entry = {
      askedAt: this.#now(),
      keys: client.listKeys().then(
        (keys) => new Map(keys.map((k) => [k.keyId, k])),
        (error: unknown) => {
          if (error instanceof PermissionDeniedError || error instanceof NotFoundError) return undefined;
          throw error;
        },
      ),
    };
    // Any other failure is not kept: the next read asks again.
    entry.keys.catch(() => {
      if (this.#lists.get(client) === entry) this.#lists.delete(client);
    });
    this.#lists.set(client, entry);
    return entry.keys;
  }
}

/** The cache of this plugin process (one per process, like the provider: see provider/index.ts). */
export const keyListCache = new KeyListCache();
