/**
 * The ApiKey dynamic provider. Thin: validation lives in args.ts, scheduling in schedule.ts,
 * every HTTP detail in the sdk client. One instance serves every ApiKey of a plugin process.
 */
import type * as dynamic from "@pulumi/pulumi/dynamic";
import { ConflictError } from "../sdk/client/errors";
import type { QwiltClient } from "../sdk/client/qwilt-client";
import type { CreatedApiKey, CreateKeyInput, QwiltClientOptions } from "../sdk/client/types";
import { checkArgs, inputsOf, REPLACE_ARGS, UNKNOWN, UPDATE_ARGS } from "./args";
import { ClientPool } from "./client-pool";
import { clockOffsetMs } from "./clock";
import { CONFIG_KEYS, resolveConfig, type ProviderConfig } from "./config";
import { clientErrorOf, notRead, notRevoked } from "./error-advice";
import { keyListCache } from "./key-list-cache";
import { createdOutputs, merged, metadataOutputs, resourceId } from "./outputs";
import { dueReplacement, rotateAtOf } from "./schedule";
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

type Props = Record<string, any>;

export class QwiltApiKeyProvider implements dynamic.ResourceProvider {
  #ready?: Promise<{ config: ProviderConfig; pool: ClientPool }>;
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
    this.#ready = this.#setUp(raw);
    this.#ready.catch(() => undefined); // reported by the method that needs it
  }

  async #setUp(raw: Record<string, unknown>) {
    const config = resolveConfig(raw, this.#options.env ?? process.env);
    for (const w of config.warnings) this.#warn(w);
    return { config, pool: new ClientPool(config, this.#options.clientOptions) };
  }

  /** Without `configure` (older Pulumi, or direct use) the environment alone configures us. */
  #configured() {
    return (this.#ready ??= this.#setUp({}));
  }

  async #client(orgId: unknown): Promise<QwiltClient> {
    const { pool } = await this.#configured();
    return pool.clientFor(typeof orgId === "string" ? orgId : undefined);
  }

  async check(olds: Props, news: Props): Promise<dynamic.CheckResult> {
    const { pool } = await this.#configured();
    return checkArgs(olds ?? {}, news, { canLogIn: pool.canLogIn });
  }

  async diff(_id: string, olds: Props, news: Props): Promise<dynamic.DiffResult> {
    const changed = (k: string) => news[k] === UNKNOWN || !sameValue(olds[k], news[k]);
    const replaces: string[] = REPLACE_ARGS.filter(changed);
    const updates = UPDATE_ARGS.filter(changed);
    // Rotation is time-based: when no argument forces a new key, say which output made it due.
    const due = replaces.length === 0 ? dueReplacement(olds, news.rotateBeforeDays, this.#now()) : undefined;
    if (due) replaces.push(due);
    return { changes: replaces.length > 0 || updates.length > 0, replaces, deleteBeforeReplace: false };
  }

  async create(inputs: Props): Promise<dynamic.CreateResult> {
    const client = await this.#client(inputs.orgId);
    const created = await this.#createOnce(client, {
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
   * A POST whose answer was lost may still have made a key, and its secret is gone with the
   * answer: unknown-outcome.ts finds such keys by their name, revokes them, and tries once more.
   * Never two keys for one resource, never a key nobody tracks.
   */
  async #createOnce(client: QwiltClient, req: CreateKeyInput): Promise<CreatedApiKey> {
    const { pool } = await this.#configured();
    return createSettled(client, req, { now: () => this.#now(), settleMs: pool.timeoutMs });
  }

  /** Dependents get the key only once it works; if it never does in time, Pulumi tracks it as not initialised. */
  async #awaitActivation(client: QwiltClient, id: string, outs: Props): Promise<void> {
    const timeoutMs = (outs.activationTimeoutSeconds ?? 600) * 1000;
    const { active } = await client.waitUntilActive(outs.key, { timeoutMs });
    if (active) return;
    const reason = `key ${id} ("${outs.name}") was created but did not become active within ${outs.activationTimeoutSeconds} s; the next \`pulumi up\` waits for it again`;
    throw Object.assign(new Error(reason), { id, properties: outs, reasons: [reason] });
  }

  async read(id: string, props: Props): Promise<dynamic.ReadResult> {
    let info;
    try {
      const client = await this.#client(props.orgId);
      // A refresh reads every key at once: they share one list of the organization's keys (key-list-cache.ts).
      info = await keyListCache.find(client, String(props.keyId), String(props.name));
    } catch (error) {
      throw notRead(error, String(props.name), id);
    }
    // Gone (revoked, or its id now names another key) or expired: drop it, so the next up makes a new one.
    if (!info || info.name !== props.name || this.#now() >= Date.parse(info.expiresAt)) return {};
    const outs = merged(props, metadataOutputs(info, props.rotateBeforeDays));
    // The API never returns the key again: keep the one we hold.
    return { id, props: outs, inputs: inputsOf(outs) };
  }

  async update(id: string, olds: Props, news: Props): Promise<dynamic.UpdateResult> {
    const outs = merged(olds, news, { rotateAt: rotateAtOf(olds.expiresAt, news.rotateBeforeDays) });
    // Also finishes a create whose activation wait timed out (Pulumi updates such a resource).
    if (news.waitForActivation) await this.#awaitActivation(await this.#client(olds.orgId), id, outs);
    return { outs };
  }

  async delete(id: string, props: Props): Promise<void> {
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
      await revokeSettled(client, info, (await this.#configured()).pool.timeoutMs);
    } catch (error) {
      throw notRevoked(error, String(props.name), id);
    }
  }
}

/**
 * Where key names must be unique, a replacement that keeps a fixed `name` collides with the
 * key it replaces (create-before-delete). Say what to do rather than revoke anything ourselves.
 */
function nameConflict(err: Error, inputs: Props): Error {
  const fixed = !(inputs.__defaults ?? []).includes("name");
  const advice = fixed
    ? "Remove `name` so the provider auto-names keys (a replacement then gets a new name and the old key keeps working until the new one is active), " +
      "choose another name, or set the resource option `deleteBeforeReplace: true` to revoke the old key first (consumers then see a short gap)."
    : "Run `pulumi up` again to draw a new name.";
  return new Error(`${err.message}. A live key named "${inputs.name}" already exists in this organization and Qwilt requires unique names here. ${advice}`);
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
