/**
 * The ApiKey dynamic provider. Thin: validation lives in args.ts, scheduling in schedule.ts,
 * every HTTP detail in the sdk client. One instance serves every ApiKey of a plugin process.
 */
import type * as dynamic from "@pulumi/pulumi/dynamic";
import { ConflictError } from "../sdk/client/errors";
import type { QwiltClient } from "../sdk/client/qwilt-client";
import type { ApiKeyInfo, CreatedApiKey, CreateKeyInput, QwiltClientOptions } from "../sdk/client/types";
import { API_KEY_ARGS, REPLACE_ARGS, UPDATE_ARGS, type ApiKeyState, type ArgName, type CheckedArgs } from "../sdk/api-key-args";
import { checkArgs, inputsOf } from "./args";
import { CredentialClients } from "./credential-clients";
import { clockOffsetMs } from "./clock";
import { CONFIG_KEYS, resolveConfig, type ProviderConfig } from "./config";
import { clientErrorOf, describeError, notRead, notRevoked, ProviderError } from "./error-advice";
import { keyListCache } from "./key-list-cache";
import { createdOutputs, metadataOutputs, resourceId } from "./outputs";
import { dueReplacement, rotateAtOf } from "./schedule";
import { isUnknown, type InPreview } from "./unknown";
import { createSettled, revokeSettled } from "./unknown-outcome";

export interface QwiltProviderOptions {
  /** Environment to read credentials from when stack config has none. Default process.env. */
  env?: NodeJS.ProcessEnv;
  /** Clock deciding rotation. Default: now, shifted by QWILT_CLOCK_OFFSET_MS. */
  now?: () => number;
  /** Client settings (timeouts, retries) for tests. */
  clientOptions?: Partial<QwiltClientOptions>;
  /** Where warnings go. Default stderr, which Pulumi shows. */
  warn?: (message: string) => void;
}

interface Configured {
  config: ProviderConfig;
  clients: CredentialClients;
}

/** Inputs are the checked arguments (what `check` returns); outputs are a key's whole state. */
export class QwiltApiKeyProvider implements dynamic.ResourceProvider<CheckedArgs, ApiKeyState> {
  #ready?: Promise<Configured>;
  #configuredWith?: string;
  readonly #options: QwiltProviderOptions;

  constructor(options: QwiltProviderOptions = {}) {
    this.#options = options;
  }

  /** Plugin stderr reaches the user's terminal through the Pulumi engine. */
  #warn(message: string): void {
    (this.#options.warn ?? ((m: string) => console.warn(`warning: qwilt: ${m}`)))(message);
  }

  /** Read once: the plugin's environment does not change while it runs. */
  #clockOffsetMs?: number;

  #now(): number {
    if (this.#options.now) return this.#options.now();
    return Date.now() + (this.#clockOffsetMs ??= clockOffsetMs(this.#options.env));
  }

  /**
   * Stack config arrives here (Pulumi ≥ 3.139). The host may call other methods before this
   * resolves, so they all await `#configured()`; errors surface from them, not from here.
   */
  async configure(req: dynamic.ConfigureRequest): Promise<void> {
    const raw = rawConfigOf(req.config);
    // Every distinct `__provider` text in the state (an older package version's, say) configures the
    // shared provider again with the same stack config: keep the clients, their login and connections.
    const same = JSON.stringify(raw);
    if (this.#ready && this.#configuredWith === same) return;
    this.#configuredWith = same;
    const replaced = this.#ready;
    this.#ready = this.#setUp(raw);
    this.#ready.catch(() => undefined); // reported by the method that needs it
    // Clients of a replaced configuration would keep their connections open: close them (requests in flight finish first).
    replaced?.then(({ clients }) => clients.close()).catch(() => undefined);
  }

  async #setUp(raw: Record<string, unknown>): Promise<Configured> {
    const config = resolveConfig(raw, this.#options.env ?? process.env);
    for (const w of config.warnings) this.#warn(w);
    return { config, clients: new CredentialClients(config, this.#options.clientOptions) };
  }

  /** Without `configure` (older Pulumi, or direct use) the environment alone configures us. */
  #configured() {
    return (this.#ready ??= this.#setUp({}));
  }

  async #client(orgId: unknown): Promise<QwiltClient> {
    const { clients } = await this.#configured();
    return clients.clientFor(typeof orgId === "string" ? orgId : undefined);
  }

  /** `news` are what the program passed, unchecked: checkArgs trusts none of their types. */
  async check(
    olds: Partial<CheckedArgs> | undefined,
    news: Record<string, unknown>,
  ): Promise<{ inputs: CheckedArgs; failures: dynamic.CheckFailure[] }> {
    const { clients } = await this.#configured();
    return checkArgs(olds ?? {}, news, { canLogIn: clients.canLogIn });
  }

  /** `olds` may lack outputs (a hand-edited state): a missing one never makes a change by itself. */
  async diff(_id: string, olds: Partial<ApiKeyState>, news: InPreview<CheckedArgs>): Promise<dynamic.DiffResult> {
    const changed = (k: ArgName) => isUnknown(news[k]) || !sameValue(olds[k], news[k]);
    const replaces: string[] = REPLACE_ARGS.filter(changed);
    const updates = UPDATE_ARGS.filter(changed);
    // Rotation is time-based: when no argument forces a new key, say which output made it due.
    const due = replaces.length === 0 ? dueReplacement(olds, news.rotateBeforeDays, this.#now()) : undefined;
    if (due) replaces.push(due);
    return { changes: replaces.length > 0 || updates.length > 0, replaces, deleteBeforeReplace: false };
  }

  async create(inputs: CheckedArgs): Promise<dynamic.CreateResult<ApiKeyState>> {
    const client = await this.#client(inputs.orgId);
    const created = await this.#createOneKey(client, {
      name: inputs.name,
      description: inputs.description,
      ttlDays: inputs.validForDays,
      permission: inputs.permission,
    }).catch((err) => {
      throw clientErrorOf(err) instanceof ConflictError ? nameConflict(err as Error, inputs) : err;
    });
    const outs = createdOutputs(inputs, created);
    const id = resourceId(created);
    if (inputs.waitForActivation) await this.#awaitActivation(client, id, outs);
    return { id, outs };
  }

  /**
   * Makes one key. A POST whose answer was lost may still have made a key, and its secret is gone with
   * the answer: unknown-outcome.ts finds such keys by their name, revokes them, and POSTs once more.
   * Never two keys for one resource, never a key nobody tracks.
   */
  async #createOneKey(client: QwiltClient, req: CreateKeyInput): Promise<CreatedApiKey> {
    const { clients } = await this.#configured();
    return createSettled(client, req, { now: () => this.#now(), settleMs: clients.settleMs });
  }

  /** Dependents get the key only once it works; if it never does in time, Pulumi tracks it as not initialised. */
  async #awaitActivation(client: QwiltClient, id: string, outs: ApiKeyState): Promise<void> {
    const timeoutMs = (outs.activationTimeoutSeconds ?? API_KEY_ARGS.activationTimeoutSeconds.default.value) * 1000;
    let reason: string;
    try {
      const { active } = await client.waitUntilActive(outs.key, { timeoutMs });
      if (active) return;
      reason = `key ${id} ("${outs.name}") was created but did not become active within ${outs.activationTimeoutSeconds} s; the next \`pulumi up\` waits for it again`;
    } catch (error) {
      // The key exists whatever the check ran into (an outage, a list not where we assume it): Pulumi must track it.
      reason = `key ${id} ("${outs.name}") was created, but checking that it works failed: ${describeError(error)}; the next \`pulumi up\` checks again`;
    }
    throw Object.assign(new Error(reason), { id, properties: outs, reasons: [reason] });
  }

  async read(id: string, props?: ApiKeyState): Promise<dynamic.ReadResult<ApiKeyState>> {
    // The engine always sends the state it holds; without it there is nothing to look up, and no reason to drop the key.
    if (!props) throw new ProviderError(`Could not read key ${id}: the engine sent no state for it`);
    let info: ApiKeyInfo | undefined;
    try {
      const client = await this.#client(props.orgId);
      // A refresh reads every key at once: they share one list of the organization's keys (key-list-cache.ts).
      info = await keyListCache.find(client, String(props.keyId), String(props.name));
    } catch (error) {
      throw notRead(error, String(props.name), id);
    }
    // Gone (revoked, or its id now names another key) or expired: drop it, so the next up makes a new one.
    if (!info || info.name !== props.name || this.#now() >= Date.parse(info.expiresAt)) return {};
    const outs: ApiKeyState = { ...props, ...metadataOutputs(info, props.rotateBeforeDays) };
    // The API never returns the key again: keep the one we hold. (Pulumi's typings give `inputs` the outputs' type.)
    return { id, props: outs, inputs: inputsOf(outs) as ApiKeyState };
  }

  async update(id: string, olds: ApiKeyState, news: CheckedArgs): Promise<dynamic.UpdateResult<ApiKeyState>> {
    const outs: ApiKeyState = { ...olds, ...news, rotateAt: rotateAtOf(olds.expiresAt, news.rotateBeforeDays) };
    // Also finishes a create whose activation wait timed out (Pulumi updates such a resource).
    if (news.waitForActivation) await this.#awaitActivation(await this.#client(olds.orgId), id, outs);
    return { outs };
  }

  async delete(id: string, props: ApiKeyState): Promise<void> {
    if (props.revokeOnDelete === false) {
      this.#warn(`key "${props.name}" (${id}) is not revoked (revokeOnDelete: false); it keeps working until it expires at ${props.expiresAt}`);
      return;
    }
    try {
      const client = await this.#client(props.orgId);
      const info = await client.getKey(String(props.keyId));
      // keyIds are small numbers: never revoke a key that is not the one we made.
      if (!info || info.name !== props.name) return;
      // Confirmed gone, or an error: the engine drops the key from state only when this returns.
      await revokeSettled(client, info, (await this.#configured()).clients.settleMs);
    } catch (error) {
      throw notRevoked(error, String(props.name), id);
    }
  }
}

/**
 * Where key names must be unique, a replacement that keeps a fixed `name` collides with the
 * key it replaces (create-before-delete). Say what to do rather than revoke anything ourselves.
 */
function nameConflict(err: Error, inputs: CheckedArgs): Error {
  const fixed = !(inputs.__defaults ?? []).includes("name");
  const advice = fixed
    ? "Remove `name` so the provider auto-names keys (a replacement then gets a new name and the old key keeps working until the new one is active), " +
      "choose another name, or set the resource option `deleteBeforeReplace: true` to revoke the old key first (consumers then see a short gap)."
    : "Run `pulumi up` again to draw a new name.";
  return new ProviderError(`${err.message}. A live key named "${inputs.name}" already exists in this organization and Qwilt requires unique names here. ${advice}`);
}

function sameValue(a: unknown, b: unknown): boolean {
  const norm = (v: unknown) => (v === null || v === "" ? undefined : v);
  return norm(a) === norm(b);
}

/** The whole stack config, when the host hands it over; else the keys we know. */
function rawConfigOf(config: dynamic.Config): Record<string, unknown> {
  const raw = (config as unknown as { rawConfig?: Record<string, unknown> }).rawConfig;
  if (raw && typeof raw === "object") return raw;
  return Object.fromEntries(CONFIG_KEYS.map((k) => [k, config.get(k)]).filter(([, v]) => v !== undefined));
}
