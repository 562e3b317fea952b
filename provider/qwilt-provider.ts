/**
 * The ApiKey dynamic provider. Thin: validation lives in args.ts, scheduling in schedule.ts, what a
 * deployment does to a key in rotation-plan.ts, the previous key of an overlap in previous-key.ts,
 * every HTTP detail in the sdk client. One instance serves every ApiKey of a plugin process.
 */
import type * as dynamic from "@pulumi/pulumi/dynamic";
import { ConflictError } from "../sdk/client/errors";
import type { QwiltClient } from "../sdk/client/qwilt-client";
import type { ApiKeyInfo, CreatedApiKey, CreateKeyInput, QwiltClientOptions } from "../sdk/client/types";
import { API_KEY_ARGS, type ApiKeyState, type CheckedArgs } from "../sdk/api-key-args";
import { checkArgs, inputsOf } from "./args";
import { isAutoNamed, nextAutoName } from "./auto-name";
import { CredentialClients } from "./credential-clients";
import { clockOffsetMs } from "./clock";
import { CONFIG_KEYS, resolveConfig, type ProviderConfig } from "./config";
import { engineLog, type MessageSink } from "./engine-log";
import {
  adviceFor,
  clientErrorOf,
  describeError,
  notRead,
  notRevoked,
  ProviderError,
  trackedFailure,
} from "./error-advice";
import { keyListCache } from "./key-list-cache";
import {
  createdOutputs,
  keyLabel,
  keyRef,
  metadataOutputs,
  previousLabel,
  promotedPrevious,
  recordedOutputs,
  refreshedPrevious,
  resourceId,
  rotatedOutputs,
} from "./outputs";
import { planWords } from "./plan-words";
import { previousDue, previousOf, withPrevious } from "./previous-key";
import { changes, planFor } from "./rotation-plan";
import type { InPreview } from "./unknown";
import { createSettled, revokeSettled, type SettleOptions } from "./unknown-outcome";

export interface QwiltProviderOptions {
  /** Environment to read credentials from when stack config has none. Default process.env. */
  env?: NodeJS.ProcessEnv;
  /** Clock deciding rotation. Default: now, shifted by QWILT_CLOCK_OFFSET_MS. */
  now?: () => number;
  /** Client settings (timeouts, retries) for tests. */
  clientOptions?: Partial<QwiltClientOptions>;
  /** Where warnings, progress and status lines go. Default: the engine's log service, else stderr (engine-log.ts). */
  log?: MessageSink;
  /** Warnings only, for tests (progress and status lines are dropped); `log` wins. */
  warn?: (message: string) => void;
}

/** How often the activation wait says how long it has waited (a status line, replaced each time). */
const STATUS_EVERY_MS = 5000;

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

  #messages?: MessageSink;

  /** The engine's log (the CLI shows warnings as warnings), or what the options say. */
  #log(): MessageSink {
    const { log, warn } = this.#options;
    return (this.#messages ??= log ?? (warn ? warningsOnly(warn) : engineLog()));
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
    await Promise.all(config.warnings.map((w) => this.#log().warn(w)));
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

  /** `olds` may lack outputs (a hand-edited state, or one an older version wrote): a missing one never makes a change by itself. */
  async diff(_id: string, olds: Partial<ApiKeyState>, news: InPreview<CheckedArgs>): Promise<dynamic.DiffResult> {
    const now = this.#now();
    const plan = planFor(olds, news, now);
    // What happens to the key and when, in words: the CLI shows no detailed diff for a dynamic resource.
    for (const words of planWords(olds, news, plan, now)) await this.#log().warn(words);
    // A key not yet known to work: the update waits for it (a refresh keeps the mark, the engine's init errors it drops).
    const pending = olds.activationPending === true;
    return { changes: changes(plan) || pending, replaces: plan.replaces, deleteBeforeReplace: false };
  }

  async create(inputs: CheckedArgs): Promise<dynamic.CreateResult<ApiKeyState>> {
    const client = await this.#client(inputs.orgId);
    const created = await this.#createOneKey(
      client,
      {
        name: inputs.name,
        description: inputs.description,
        ttlDays: inputs.validForDays,
        permission: inputs.permission,
      },
      { drawnName: isAutoNamed(inputs) },
    ).catch(async (err) => {
      throw clientErrorOf(err) instanceof ConflictError ? await this.#nameConflict(client, err as Error, inputs) : err;
    });
    const outs = createdOutputs(inputs, created);
    const id = resourceId(created);
    // From here on the key exists: whatever fails, Pulumi must track it (#awaitActivation throws init failures only).
    return { id, outs: inputs.waitForActivation ? await this.#awaitActivation(client, id, outs) : outs };
  }

  /**
   * Makes one key. A POST whose answer was lost may still have made a key, and its secret is gone with
   * the answer: unknown-outcome.ts finds such keys by their name, revokes them, and POSTs once more.
   * Never two keys for one resource, never a key nobody tracks, never a key someone else holds revoked.
   */
  async #createOneKey(
    client: QwiltClient,
    req: CreateKeyInput,
    settle: Omit<SettleOptions, "settleMs">,
  ): Promise<CreatedApiKey> {
    const { clients } = await this.#configured();
    return createSettled(client, req, { ...settle, settleMs: clients.settleMs });
  }

  /**
   * Dependents get the key only once it works. Any failure is an init failure (id, properties, reasons):
   * the key exists, Pulumi keeps tracking it, marked `activationPending`, and the next `pulumi up` waits again.
   * Returns the outputs without the mark.
   */
  async #awaitActivation(client: QwiltClient, id: string, outs: ApiKeyState): Promise<ApiKeyState> {
    const seconds = outs.activationTimeoutSeconds ?? API_KEY_ARGS.activationTimeoutSeconds.default.value;
    const log = this.#log();
    const started = performance.now();
    const waited = () => Math.round((performance.now() - started) / 1000);
    const status = setInterval(
      () => log.status(`waiting for ${keyLabel(outs)} to become active: ${waited()} s of at most ${seconds} s`),
      STATUS_EVERY_MS,
    );
    status.unref();
    let active: boolean;
    try {
      ({ active } = await client.waitUntilActive(outs.key, { timeoutMs: seconds * 1000 }));
    } catch (error) {
      throw notActivated(
        id,
        outs,
        `seeing whether it works failed: ${describeError(error)}`,
        adviceFor(error, "run `pulumi up` again"),
        error,
      );
    } finally {
      clearInterval(status);
    }
    if (!active) throw notActivated(id, outs, `did not become active within ${seconds} s`);
    if (waited() * 1000 >= STATUS_EVERY_MS) await log.info(`${keyLabel(outs)} is active, after ${waited()} s`);
    const { activationPending: _, ...done } = outs;
    return done;
  }

  async read(id: string, props?: ApiKeyState): Promise<dynamic.ReadResult<ApiKeyState>> {
    // The engine always sends the state it holds; without it there is nothing to look up, and no reason to drop the key.
    if (!props) throw new ProviderError(`Could not read key ${id}: the engine sent no state for it`);
    const stored = previousOf(props);
    let info: ApiKeyInfo | undefined;
    let previousInfo: ApiKeyInfo | undefined;
    try {
      const client = await this.#client(props.orgId);
      // A refresh reads every key at once: they share one list of the organization's keys (key-list-cache.ts).
      [info, previousInfo] = await Promise.all([
        keyListCache.find(client, String(props.keyId), String(props.name)),
        stored ? keyListCache.find(client, stored.keyId, stored.name) : undefined,
      ]);
    } catch (error) {
      throw notRead(error, String(props.name), keyRef(id, props));
    }
    const now = this.#now();
    // Gone (revoked, or its id now names another key) or expired: no longer a key anyone can use.
    const live = (k: ApiKeyInfo | undefined, name: string): k is ApiKeyInfo =>
      k !== undefined && k.name === name && now < Date.parse(k.expiresAt);
    const previous = stored && live(previousInfo, stored.name) ? refreshedPrevious(stored, previousInfo) : undefined;

    if (live(info, String(props.name))) {
      if (stored && !previous) {
        await this.#log().warn(
          `the previous ${previousLabel(props, stored)} is gone from Qwilt (revoked or expired): Pulumi stops tracking it; ${keyLabel(props)} stays`,
        );
      }
      const outs = withPrevious({ ...props, ...metadataOutputs(info, props.rotateBeforeDays) }, previous);
      // The API never returns the key again: keep the one we hold. (Pulumi's typings give `inputs` the outputs' type.)
      return { id, props: outs, inputs: inputsOf(outs) as ApiKeyState };
    }
    // Both gone: drop the resource, so the next up makes a new key.
    if (!previous) return {};
    // The current key is gone but the previous one still works: keep tracking that one as the current key, so
    // nothing live goes untracked and consumers still holding it keep working; its schedule, or the arguments it
    // no longer matches, make the next `pulumi up` rotate it. (A refresh, which may be a preview, revokes nothing.)
    const outs = promotedPrevious(props, previous, previousInfo!);
    await this.#log().warn(
      `${keyLabel(props)} is gone from Qwilt (revoked or expired), but its previous ${previousLabel(props, stored!)} still works until ${previous.expiresAt}: ` +
        `Pulumi now tracks that one as the current key (keyId ${previous.keyId}); the next \`pulumi up\` makes a new key when its rotateAt (${outs.rotateAt}) has passed or its arguments no longer match`,
    );
    return { id, props: outs, inputs: inputsOf(outs) as ApiKeyState };
  }

  /**
   * Records the settings that only steer the provider, and does what the plan says (rotation-plan.ts): with
   * overlapDays > 0, revokes the previous key when it is due or when a rotation needs its place, then rotates
   * the key in place (a new key made and waited for, the old one kept as the previous key). Once Qwilt or the
   * state has changed, a failure carries the new state (an init failure: id and properties), so Pulumi tracks
   * every live key; before that, it leaves the state as it was, to retry.
   */
  async update(id: string, olds: ApiKeyState, news: CheckedArgs): Promise<dynamic.UpdateResult<ApiKeyState>> {
    const now = this.#now();
    const plan = planFor(olds, news, now);
    let outs = recordedOutputs(olds, news);
    const client = await this.#client(olds.orgId);
    let changed = false;
    const failed = (error: unknown) => (changed ? trackedFailure(id, outs, error) : error);

    // At most one previous key: a rotation while one is live revokes it first (nothing is made until it is gone).
    if (plan.revokesPrevious?.why === "room") {
      const { key: previous } = plan.revokesPrevious;
      try {
        await this.#revokeIfLive(client, previous);
      } catch (error) {
        const cause = notRevoked(error, previous.name, keyRef(id, olds, previous.keyId), "previous key");
        throw failed(
          new ProviderError(
            `${cause.message} ${keyLabel(olds)} is rotated only once it is gone (a key keeps at most one previous key).`,
            { cause: error },
          ),
        );
      }
      outs = withPrevious(outs, undefined);
      changed = true;
    }

    const rotated = plan.rotates.length > 0;
    if (rotated) {
      const autoNamed = isAutoNamed(news);
      // The two live keys never share an auto-name (the lost-answer cleanup finds keys by name). From a fixed name,
      // check drew a fresh auto-name from the resource name: that one, never one derived from the fixed name.
      const name = autoNamed && isAutoNamed(olds) && olds.name ? nextAutoName(olds.name) : news.name;
      const made = await this.#createOneKey(
        client,
        { name, description: news.description, ttlDays: news.validForDays, permission: news.permission },
        { drawnName: autoNamed, keep: new Set([String(olds.keyId)]) },
      ).catch(async (err) => {
        const conflict =
          clientErrorOf(err) instanceof ConflictError &&
          (await this.#nameConflict(client, err as Error, { ...news, name }, olds.name === name ? olds : undefined));
        throw failed(conflict || err);
      });
      outs = rotatedOutputs(outs, news, name, made);
      changed = true;
    }

    // Dependents get the key only once it works: a new key, or one whose wait failed before (activationPending; an
    // update with nothing to change is the engine finishing an init failure). A key that has worked is not waited for
    // again: one revoked out of band would hold a settings-only update for the whole timeout, then read as pending.
    // Never revokes the previous key before the current one is known to work.
    const finishing = olds.activationPending === true || !changes(plan);
    if (news.waitForActivation && (rotated || finishing)) {
      outs = await this.#awaitActivation(client, id, outs);
      changed ||= olds.activationPending === true;
    } else if (outs.activationPending !== undefined) {
      // Not waited for, by request: no longer pending either.
      delete outs.activationPending;
      changed = true;
    }

    // The previous key's time is up, or the old key of this rotation had already expired (or overlapDays cut it short).
    const previous = previousOf(outs);
    if (previous && previousDue(previous, now)) {
      try {
        await this.#revokeIfLive(client, previous);
        outs = withPrevious(outs, undefined);
      } catch (error) {
        const cause = notRevoked(error, previous.name, keyRef(id, outs, previous.keyId), "previous key");
        // The new key is in place and handed on: keep the old one in state, and let the next `pulumi up` revoke it.
        if (rotated) await this.#log().warn(`${cause.message} The next \`pulumi up\` revokes it.`);
        else throw failed(cause);
      }
    }
    return { outs };
  }

  /** A 409 in words; which keys hold the name (an expired one, say) is looked up for the advice, on the way out. */
  async #nameConflict(
    client: QwiltClient,
    err: Error,
    inputs: CheckedArgs,
    rotating?: Partial<ApiKeyState>,
  ): Promise<Error> {
    const holders = isAutoNamed(inputs)
      ? undefined
      : (await client.listKeys().catch(() => undefined))?.filter((k) => k.name === inputs.name);
    return nameConflict(err, inputs, { now: this.#now(), holders, rotating });
  }

  /** Revokes the current key and the previous one, if any (each found by its keyId: the resource id may name an older key). */
  async delete(id: string, props: ApiKeyState): Promise<void> {
    const previous = previousOf(props);
    if (props.revokeOnDelete === false) {
      const also = previous
        ? `, nor is its previous ${previousLabel(props, previous)}, which expires at ${previous.expiresAt}`
        : "";
      await this.#log().warn(
        `key "${props.name}" (${keyRef(id, props)}) is not revoked (revokeOnDelete: false); it keeps working until it expires at ${props.expiresAt}${also}`,
      );
      return;
    }
    const failures: Error[] = [];
    let client: QwiltClient | undefined;
    try {
      client = await this.#client(props.orgId);
      await this.#revokeIfLive(client, { keyId: String(props.keyId), name: String(props.name) });
    } catch (error) {
      failures.push(notRevoked(error, String(props.name), keyRef(id, props)));
    }
    if (previous && client) {
      try {
        await this.#revokeIfLive(client, previous);
      } catch (error) {
        failures.push(notRevoked(error, previous.name, keyRef(id, props, previous.keyId), "previous key"));
      }
    }
    // The engine drops the resource only when this returns; a key revoked already is found gone next time.
    if (failures.length === 1) throw failures[0];
    if (failures.length > 1) throw new ProviderError(failures.map((f) => f.message).join(" "), { cause: failures[0] });
  }

  /** Revokes key `keyId` if it is still the one named `name`: keyIds are small numbers, so never a key we did not make. */
  async #revokeIfLive(client: QwiltClient, key: { keyId: string; name: string }): Promise<void> {
    const info = await client.getKey(key.keyId);
    if (!info || info.name !== key.name) return;
    // Confirmed gone, or an error.
    await revokeSettled(client, info, (await this.#configured()).clients.settleMs);
  }
}

/** A key that has the name a new key wants: the key a replacement replaces, another's, or one expired. */
type NameHolder = Pick<ApiKeyInfo, "keyId" | "name" | "expiresAt"> & { organization?: string };

/**
 * Where key names must be unique, a new key that keeps a fixed `name` collides with the key it follows: the
 * key it replaces (create-before-delete), or the one a rotation in place keeps as the previous key (`rotating`).
 * Qwilt lists an expired key until it is cleaned up, so an expired key holds its name too; revoking that one
 * first loses nothing. Say what to do rather than revoke anything ourselves.
 */
function nameConflict(
  err: Error,
  inputs: CheckedArgs,
  o: { now: number; holders?: readonly NameHolder[]; rotating?: Partial<ApiKeyState> },
): Error {
  // Qwilt's own answer may say already that the name is taken.
  const taken = clientErrorOf(err)?.apiMessage?.includes(inputs.name)
    ? ""
    : `, and a key named "${inputs.name}" exists`;
  const head = `${err.message}. Qwilt requires unique key names here${taken}.`;
  if (isAutoNamed(inputs)) return new ProviderError(`${head} Run \`pulumi up\` again to draw a new name.`);
  const rotating = o.rotating && { ...o.rotating, keyId: String(o.rotating.keyId), name: inputs.name };
  const holders: readonly NameHolder[] =
    o.holders ?? (rotating ? [{ ...rotating, expiresAt: String(rotating.expiresAt) }] : []);
  const expired = holders.length > 0 && holders.every((h) => Date.parse(h.expiresAt) <= o.now);
  let advice: string;
  if (expired) {
    const held =
      `${holders.map((h) => `${keyLabel(h)}, which expired at ${h.expiresAt},`).join(" and ")} ${holders.length === 1 ? "holds" : "hold"} the name: ` +
      "Qwilt still lists an expired key, though it no longer works, so revoking it first loses nothing.";
    advice = rotating
      ? `${held} Revoke it (\`qwilt-keys revoke ${rotating.keyId}\`) and run \`pulumi up\` again, or remove \`name\` so the provider auto-names keys.`
      : `${held} Set the resource option \`deleteBeforeReplace: true\` (the expired key is then revoked before the new one is made), or remove \`name\` so the provider auto-names keys.`;
  } else if (rotating) {
    advice =
      `This rotation in place (overlapDays: ${inputs.overlapDays}) keeps ${keyLabel(rotating)} working as the previous key, so the new key cannot have its name: ` +
      "remove `name` so the provider auto-names keys (each new key then gets a new name, and both keys work during the overlap).";
  } else {
    advice =
      "Remove `name` so the provider auto-names keys (a replacement then gets a new name and the old key keeps working until the new one is active), " +
      "choose another name, or set the resource option `deleteBeforeReplace: true` to revoke the old key first (consumers then see a short gap).";
  }
  return new ProviderError(`${head} ${advice}`);
}

/**
 * The init failure of a key that exists but is not known to work. The host passes `id`, `properties` and
 * `reasons` on to the engine (ErrorResourceInitFailed), which keeps the resource and updates it next time.
 * The message names the key by its keyId: after a rotation in place, the resource `id` names an older key.
 */
function notActivated(id: string, outs: ApiKeyState, why: string, advice = "", cause?: unknown): ProviderError {
  const message =
    `${keyLabel(outs)} was created but ${why}. Pulumi keeps tracking the key (activationPending); ` +
    `the next \`pulumi up\` waits for it again before handing it on${advice ? `. ${advice}` : "."}`;
  return Object.assign(new ProviderError(message, cause === undefined ? undefined : { cause }), {
    id,
    properties: { ...outs, activationPending: true },
    reasons: [message],
  });
}

/** Warnings to a function, for tests; progress and status lines dropped. */
function warningsOnly(warn: (message: string) => void): MessageSink {
  return { warn: async (m) => warn(m), info: async () => undefined, status: () => undefined };
}

/** The whole stack config, when the host hands it over; else the keys we know. */
function rawConfigOf(config: dynamic.Config): Record<string, unknown> {
  const raw = (config as unknown as { rawConfig?: Record<string, unknown> }).rawConfig;
  if (raw && typeof raw === "object") return raw;
  return Object.fromEntries(CONFIG_KEYS.map((k) => [k, config.get(k)]).filter(([, v]) => v !== undefined));
}
