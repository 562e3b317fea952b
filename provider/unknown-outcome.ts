/**
 * Writes whose answer never came (timeout, reset, 5xx, a success answer we could not read) may still
 * have happened. These functions find out by looking, so a provider that holds credentials never leaves
 * a key nobody tracks and never forgets one it made.
 *
 * Why a key made by a lost create is revoked, not adopted: Qwilt returns the key itself (`apiToken`) only
 * in the create answer, and that answer is what was lost. Pulumi could record the key's id, but never
 * hand the key to anyone, so the resource would be useless; and with an auto-name, the next `pulumi up`
 * draws a new name, so the stray would never be found again. Revoking it and creating again is the only
 * outcome that leaves one usable key per resource.
 *
 * Which keys are the lost create's: those with its name that no one else holds. An auto-name is drawn at
 * random for the create, so every key with it is the create's. A fixed name may already be another key's:
 * the one this resource replaces (create-before-delete), another resource's or another stack's. So the keys
 * with a fixed name are listed before the first POST, and only keys absent from that list are the create's:
 * one GET more per fixed-name create, paid every time because a lost answer cannot be foreseen (auto-names,
 * the default, pay nothing). No clock is compared: Qwilt's createdAt and ours may disagree by any amount. What stays open: another
 * stack (another process) making a key with the same fixed name between that list and ours.
 */
import { sleep } from "../sdk/client/sleep";
import type { QwiltClient } from "../sdk/client/qwilt-client";
import type { ApiKeyInfo, CreatedApiKey, CreateKeyInput } from "../sdk/client/types";
import { apiKeyPath } from "../sdk/qwilt-api";
import {
  adviceFor,
  assumptionNote,
  describeError,
  mayHaveTakenEffect,
  ProviderError,
  timedOut,
  worded,
} from "./error-advice";

export interface SettleOptions {
  /**
   * How long a timed-out request is given to land before we look for its effect: the client's
   * timeout, so the server has had twice as long as we waited for it.
   */
  settleMs: number;
  /** Whether `req.name` was drawn at random for this create (an auto-name), so that no other key has it. */
  drawnName: boolean;
  /**
   * keyIds never to revoke as strays: the resource's own live keys (a rotation in place makes its new key
   * while the current one lives on as the previous key, under the same name when `name` is fixed).
   */
  keep?: ReadonlySet<string>;
}

/**
 * Keys whose create answer this process received (`organization/keyId`): each is held by the resource that
 * made it. Two resources with one fixed name can be created at the same time (the engine runs steps in
 * parallel), and one's key can then appear between the other's two lists.
 */
const answered = new Set<string>();
const refOf = (k: { organization: string; keyId: string }) => `${k.organization}/${k.keyId}`;

/**
 * Creates a key; when the answer is lost, finds what the attempt made by its name, revokes it and tries once
 * more. Ends with exactly one new key, or an error and no key of its own left behind; never touches a key
 * it did not make.
 */
export async function createSettled(
  client: QwiltClient,
  req: CreateKeyInput,
  options: SettleOptions,
): Promise<CreatedApiKey> {
  // Nothing is POSTed yet: a failure here made nothing.
  const before = options.drawnName
    ? []
    : await keysNamed(client, req.name).catch((error) => {
        throw nothingCreated(error);
      });
  const existed = new Set(before.map(refOf));
  const isStray = (k: ApiKeyInfo) =>
    k.name === req.name && !existed.has(refOf(k)) && !options.keep?.has(k.keyId) && !answered.has(refOf(k));
  let revoked = 0;
  for (let attempt = 1; ; attempt++) {
    try {
      const made = await client.createKey(req);
      answered.add(refOf(made));
      return made;
    } catch (error) {
      if (!mayHaveTakenEffect(error)) throw nothingCreated(error);
      if (timedOut(error)) await sleep(options.settleMs);
      revoked += await revokeStrays(client, req.name, isStray, before, error);
      if (attempt >= 2) {
        const found =
          revoked > 0
            ? `Qwilt had made ${revoked} key(s) named "${req.name}" all the same; they were found by name and revoked (a key comes only in the answer that was lost, so it cannot be used)`
            : `No new key named "${req.name}" was made`;
        throw new ProviderError(
          `Creating key "${req.name}" failed twice without a clear answer (last: ${describeError(error, { outcome: false })}). ${found}, so these attempts leave no key behind${untouched(before)}. ${
            adviceFor(error, "run `pulumi up` again") || "Run `pulumi up` again."
          }`,
          { cause: error },
        );
      }
    }
  }
}

async function keysNamed(client: QwiltClient, name: string): Promise<ApiKeyInfo[]> {
  return (await client.listKeys()).filter((k) => k.name === name);
}

/** `key org-1/2, key org-1/5`. */
const keyList = (keys: readonly ApiKeyInfo[]) => keys.map((k) => `key ${refOf(k)}`).join(", ");

/** `; key org-1/2, which had that name before, is untouched`, or "". */
function untouched(before: readonly ApiKeyInfo[]): string {
  if (before.length === 0) return "";
  return `; ${keyList(before)}, which had that name before, ${before.length === 1 ? "is" : "are"} untouched`;
}

/** The keys an unanswered create made (`isStray`). Revokes them; returns how many. */
async function revokeStrays(
  client: QwiltClient,
  name: string,
  isStray: (k: ApiKeyInfo) => boolean,
  before: readonly ApiKeyInfo[],
  cause: unknown,
): Promise<number> {
  let strays: ApiKeyInfo[];
  try {
    strays = (await client.listKeys()).filter(isStray);
  } catch (listError) {
    const others = before.length > 0 ? ` other than ${keyList(before)} (which had that name before)` : "";
    throw new ProviderError(
      `${describeError(cause, { outcome: false })}. The key may have been created, but listing the organization's keys to find it failed too (${describeError(listError)}). ` +
        `Look for a key named "${name}"${others} in Qwilt and revoke it (Pulumi does not track it), then run \`pulumi up\` again.`,
      { cause },
    );
  }
  for (const stray of strays) {
    try {
      await client.revokeKey(stray.keyId);
    } catch (revokeError) {
      throw new ProviderError(
        `${describeError(cause, { outcome: false })}. Qwilt made key ${stray.keyId} ("${name}") all the same, but revoking it failed (${describeError(revokeError)}). ` +
          `Its secret came only in the lost answer, so Pulumi cannot use it: revoke key ${stray.keyId} in Qwilt, then run \`pulumi up\` again.`,
        { cause },
      );
    }
  }
  return strays.length;
}

/** A create refused for sure (429 after retries, a failed login, ...): nothing was made; say so, and what to do. */
function nothingCreated(error: unknown): Error {
  const advice = adviceFor(error, "run `pulumi up` again");
  if (!advice) return worded(error); // it already says what to do (credentials, rights, name conflict)
  return new ProviderError(`${describeError(error)}. No key was created. ${advice}`, { cause: error });
}

/**
 * Revokes a key and makes sure it is gone. A lost answer is settled by looking the key up; a success
 * answer is checked too (a proxy may answer for a server that never acted), and the revoke sent once more.
 * Throws while the key may still be live, so Pulumi keeps tracking it.
 */
export async function revokeSettled(
  client: QwiltClient,
  key: { keyId: string; name: string },
  settleMs: number,
): Promise<void> {
  const stillLive = async () => (await client.getKey(key.keyId))?.name === key.name;
  for (let attempt = 1; attempt <= 2; attempt++) {
    let revoked: boolean;
    try {
      revoked = await client.revokeKey(key.keyId);
    } catch (error) {
      if (!mayHaveTakenEffect(error)) throw worded(error);
      if (timedOut(error)) await sleep(settleMs);
      if (!(await stillLive())) return;
      throw new ProviderError(`${describeError(error, { outcome: false })}, and the key is still live`, {
        cause: error,
      });
    }
    if (!(await stillLive())) return;
    // 404 ("no such key") for a key the API still answers: the revoke is not where we send it.
    if (!revoked) {
      throw new ProviderError(
        `DELETE ${apiKeyPath(key.keyId)}: 404 Not Found, yet GET still answers the key${assumptionNote("revoke-path")}`,
        { assumption: "revoke-path" },
      );
    }
  }
  // A proxy answering for a server that never acted looks the same as a revoke that leaves keys gettable: no assumption is named.
  throw new Error("Qwilt answered the revoke with success twice, but the key is still live");
}
