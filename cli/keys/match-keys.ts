/**
 * Which listed key each state manages. A state key matches a listed key by organization + keyId + name:
 * keyIds are small numbers per organization, so a reused id under another name is not the same key.
 * A live key that a pending operation names (an interrupted create, by name) or that a state holds only as
 * a replaced key to delete is orphaned. State keys of the listed organization that Qwilt no longer lists
 * are missing.
 */
import type { ApiKeyInfo } from "../../sdk/client/types";
import type { PendingKey, StackKeys, StateKey } from "../states/state-keys";

export type Management = "managed" | "unmanaged" | "orphaned" | "unknown";

export interface KeyMatch {
  management: Management;
  /** managed: the state key (its role says whether it is a resource's current or previous key). */
  stateKey?: StateKey;
  /** orphaned: the pending operation, or the replaced resource, that names it. */
  pending?: PendingKey;
  replaced?: StateKey;
}

export interface Matching {
  /** One per listed key, in the same order. */
  matches: KeyMatch[];
  /** Current and previous state keys of the listed organization that Qwilt does not list. */
  missing: StateKey[];
  /** State keys in organizations other than the listed one, counted by organization. */
  elsewhere: Map<string, number>;
}

const idOf = (organization: string | undefined, keyId: string | undefined) => `${organization}\u0000${keyId}`;

/** `stacks` undefined: no `--state` was given, so management is unknown. */
export function matchKeys(
  listed: readonly ApiKeyInfo[],
  stacks: readonly StackKeys[] | undefined,
  organization: string | undefined,
): Matching {
  if (!stacks) return { matches: listed.map(() => ({ management: "unknown" })), missing: [], elsewhere: new Map() };
  const held = new Map<string, StateKey[]>();
  const replaced = new Map<string, StateKey[]>();
  const pendingByName = new Map<string, PendingKey[]>();
  // A key that two stacks of the same name hold alike (two reads of one stack that differ elsewhere) counts once.
  const seen = new Set<string>();
  const once = (k: StateKey | PendingKey) => {
    const identity = JSON.stringify(k);
    if (seen.has(identity)) return false;
    seen.add(identity);
    return true;
  };
  for (const s of stacks) {
    for (const k of s.keys.filter(once)) {
      const index = k.role === "replaced" ? replaced : held;
      push(index, idOf(k.organization, k.keyId), k);
    }
    for (const p of s.pending.filter(once)) if (p.name !== undefined) push(pendingByName, p.name, p);
  }

  const found = new Set<StateKey>();
  const matches = listed.map((key): KeyMatch => {
    const id = idOf(key.organization, key.keyId);
    // A state key without a name (an old or hand-edited state) matches by organization and keyId.
    const same = (k: StateKey) => k.name === undefined || k.name === key.name;
    const managed = held.get(id)?.filter(same) ?? [];
    for (const k of managed) found.add(k);
    if (managed.length > 0)
      return { management: "managed", stateKey: managed.find((k) => k.role === "current") ?? managed[0] };
    const pending = pendingByName
      .get(key.name)
      ?.find((p) => p.organization === undefined || p.organization === key.organization);
    if (pending) return { management: "orphaned", pending };
    const doomed = replaced.get(id)?.find(same);
    if (doomed) return { management: "orphaned", replaced: doomed };
    return { management: "unmanaged" };
  });

  const listedOrgs = new Set(listed.map((k) => k.organization));
  if (organization) listedOrgs.add(organization);
  const missing: StateKey[] = [];
  const elsewhere = new Map<string, number>();
  for (const keys of held.values()) {
    for (const k of keys) {
      if (k.organization !== undefined && !listedOrgs.has(k.organization))
        elsewhere.set(k.organization, (elsewhere.get(k.organization) ?? 0) + 1);
      else if (!found.has(k) && k.organization !== undefined) missing.push(k);
    }
  }
  return { matches, missing, elsewhere };
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
