/**
 * overlapDays through Pulumi's real dynamic-provider plugin, call by call as the engine makes them: a key
 * rotated in place keeps its resource id and its old key as the previous key, which works until
 * previousRevokeAt and is then revoked by an update; delete revokes both; refresh drops a previous key gone
 * out of band, and keeps tracking it when the current one is gone; every failure after Qwilt changed
 * reports the new state, so the simulator's live keys always equal the keys the state names.
 */
import { request } from "undici";
import { afterEach, describe, expect, it } from "vitest";
import { KEY_LIST_TTL_MS } from "../provider/key-list-cache";
import { UNKNOWN } from "../provider/unknown";
import { PluginCallError, urnOf } from "./helpers/plugin";
import { usePluginFixture } from "./helpers/plugin-fixture";
import { liveKeyIds, writesSince } from "./helpers/sim-views";

type Props = Record<string, any>;
const DAY = 86_400_000;
const KEYS = "/api/1/api-keys";
const AUTO_NAME = (resource: string) => new RegExp(`^${resource}-[0-9a-f]{7}$`);

// The plugin prints its warnings on stderr (no engine listens here), which arrives on its own time: polled for.
const { sim, plugin, args } = usePluginFixture();
// Each test starts with no key but the bootstrap key, whatever the one before left.
afterEach(() => {
  for (const k of sim.liveKeys()) if (k.name !== "bootstrap") sim.revokeKey(k.orgId, k.keyId);
});

/** One ApiKey as the engine holds it (inputs, outputs, init errors), driven through `pulumi up`s of new args. */
class Resource {
  initErrors: string[] = [];
  private constructor(
    readonly name: string,
    readonly id: string,
    public inputs: Props,
    public outs: Props,
  ) {}

  static async create(name: string, a: Props): Promise<Resource> {
    const checked = await plugin.check(urnOf(name), {}, args(name, a));
    expect(checked.failures).toEqual([]);
    const made = await plugin.create(urnOf(name), checked.inputs);
    return new Resource(name, made.id, checked.inputs, made.properties);
  }

  /**
   * One `pulumi up` of `a`: check (olds = the inputs held), diff; an update when the diff says so without a
   * replacement, or when the resource has init errors. An update's init failure keeps the new outputs, the
   * old inputs and the reasons (updateActions.OnResourceStepPost); any other failure keeps everything.
   */
  async up(a: Props): Promise<{ changes: string; replaces: string[]; updated: boolean }> {
    const checked = await plugin.check(urnOf(this.name), this.inputs, args(this.name, a));
    expect(checked.failures).toEqual([]);
    const diff = await plugin.diff(urnOf(this.name), this.id, this.outs, checked.inputs);
    if (diff.replaces.length > 0 || (diff.changes !== "some" && this.initErrors.length === 0))
      return { ...diff, updated: false };
    try {
      this.outs = (await plugin.update(urnOf(this.name), this.id, this.outs, checked.inputs)).properties;
      this.inputs = checked.inputs;
      this.initErrors = [];
    } catch (e) {
      if (e instanceof PluginCallError && e.initFailure) {
        expect(e.initFailure.id).toBe(this.id);
        this.outs = e.initFailure.properties;
        this.initErrors = e.initFailure.reasons;
      }
      throw e;
    }
    return { ...diff, updated: true };
  }

  /** The keyIds the state names: the current key and the previous one. */
  tracked(): string[] {
    return [this.outs.keyId, this.outs.previousKeyId].filter((k) => k !== undefined).sort();
  }
}

const liveIds = () => liveKeyIds(sim);
const writes = (from: number) => writesSince(sim, from);
/** What a consumer holding `key` gets from Qwilt. */
async function statusWith(key: string): Promise<number> {
  const res = await request(`${sim.url}${KEYS}`, { headers: { "x-api-key": key } });
  await res.body.dump();
  return res.statusCode;
}
const caught = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (e: PluginCallError) => e,
  );
const PREVIOUS = ["previousKeyId", "previousName", "previousKey", "previousExpiresAt", "previousRevokeAt"];

describe("overlapDays through the plugin", () => {
  it("a change of description rotates in place: same id, new key, the old one kept until previousRevokeAt; a second rotation revokes it first; overlapDays 0 revokes the previous key", async () => {
    const r = await Resource.create("inplace", {
      permission: "viewer",
      validForDays: 30,
      description: "one",
      overlapDays: 2,
    });
    const first = r.outs;
    expect(first).not.toHaveProperty("previousKeyId");
    expect(await r.up({ permission: "viewer", validForDays: 30, description: "one", overlapDays: 2 })).toMatchObject({
      changes: "none",
      updated: false,
    });

    let from = sim.requests.length;
    expect(await r.up({ permission: "viewer", validForDays: 30, description: "two", overlapDays: 2 })).toEqual({
      changes: "some",
      replaces: [],
      deleteBeforeReplace: false,
      updated: true,
    });
    expect(writes(from)).toEqual([`POST ${KEYS} 201`]);
    const second = r.outs;
    expect(second.keyId).not.toBe(first.keyId);
    expect(second.name).toMatch(AUTO_NAME("inplace"));
    expect(second.name).not.toBe(first.name);
    expect(second).toMatchObject({
      description: "two",
      organization: first.organization,
      previousKeyId: first.keyId,
      previousName: first.name,
      previousKey: first.key,
      previousExpiresAt: first.expiresAt,
      previousRevokeAt: new Date(Date.parse(second.createdAt) + 2 * DAY).toISOString(),
    });
    expect(r.id).toBe(`${first.organization}/${first.keyId}`);
    expect(liveIds()).toEqual(r.tracked());
    // Both keys work: consumers that have not picked up the new one yet keep going.
    expect([await statusWith(first.key), await statusWith(second.key)]).toEqual([200, 200]);
    // diff said what would happen, naming the key by its keyId.
    await expect
      .poll(() => plugin.output())
      .toContain(
        `key ${first.organization}/${first.keyId} ("${first.name}") must be renewed (Qwilt cannot edit a key): description changed: \`pulumi up\` rotates it in place (a new key is made and waited for until it works; this one keeps working as the previous key until about `,
      );
    // The engine's inputs keep the first auto-name (an update cannot change them): no change for that.
    expect(r.inputs.name).toBe(first.name);
    expect(await r.up({ permission: "viewer", validForDays: 30, description: "two", overlapDays: 2 })).toMatchObject({
      changes: "none",
    });

    // A second rotation while the previous key is live: at most one previous key, so it is revoked first.
    from = sim.requests.length;
    await r.up({ permission: "editor", validForDays: 30, description: "two", overlapDays: 2 });
    expect(writes(from)).toEqual([`DELETE ${KEYS}/${first.keyId} 200`, `POST ${KEYS} 201`]);
    expect(r.outs).toMatchObject({ permission: "editor", previousKeyId: second.keyId, previousKey: second.key });
    expect(liveIds()).toEqual(r.tracked());
    expect(await statusWith(first.key)).toBe(401);
    await expect
      .poll(() => plugin.output())
      .toContain(
        `previous key ${first.organization}/${first.keyId} ("${first.name}") is revoked before key ${first.organization}/${second.keyId} ("${second.name}") is rotated`,
      );

    // overlapDays 0: previousRevokeAt moves to the rotation itself, so the update revokes the previous key; no new key.
    const third = r.outs;
    from = sim.requests.length;
    expect(await r.up({ permission: "editor", validForDays: 30, description: "two", overlapDays: 0 })).toMatchObject({
      changes: "some",
      replaces: [],
      updated: true,
    });
    expect(writes(from)).toEqual([`DELETE ${KEYS}/${second.keyId} 200`]);
    for (const k of PREVIOUS) expect(r.outs).not.toHaveProperty(k);
    expect(r.outs).toMatchObject({ keyId: third.keyId, key: third.key, overlapDays: 0 });
    expect(liveIds()).toEqual([third.keyId]);

    // Without overlap, a change replaces the key again.
    expect(await r.up({ permission: "viewer", validForDays: 30, description: "two", overlapDays: 0 })).toMatchObject({
      replaces: ["permission"],
    });
    await plugin.delete(urnOf(r.name), r.id, r.outs);
    expect(liveIds()).toEqual([]);
  });

  it("delete revokes the current key and the previous one; orgId still replaces; the previous key is revoked once previousRevokeAt has passed", async () => {
    const a = { permission: "viewer", validForDays: 30, overlapDays: 3 };
    const r = await Resource.create("both", a);
    await r.up({ ...a, description: "renewed" });
    expect(r.tracked()).toHaveLength(2);
    // The engine would replace: diff alone.
    const moved = await plugin.diff(urnOf(r.name), r.id, r.outs, {
      ...r.inputs,
      description: "renewed",
      orgId: "org-2",
    });
    expect(moved).toMatchObject({ changes: "some", replaces: ["orgId"] });

    // Three days on (the state's dates moved back, as if made three days ago): the next up revokes the previous key.
    const back = (iso: string) => new Date(Date.parse(iso) - 3 * DAY).toISOString();
    const later = { ...r.outs, createdAt: back(r.outs.createdAt), previousRevokeAt: back(r.outs.previousRevokeAt) };
    expect(await plugin.diff(urnOf(r.name), r.id, r.outs, { ...r.inputs, description: "renewed" })).toMatchObject({
      changes: "none",
    });
    expect(await plugin.diff(urnOf(r.name), r.id, later, { ...r.inputs, description: "renewed" })).toMatchObject({
      changes: "some",
      replaces: [],
    });
    await expect
      .poll(() => plugin.output())
      .toContain(
        `previous key org-1/${r.outs.previousKeyId} ("${r.outs.previousName}") is revoked by \`pulumi up\`: its previousRevokeAt ${later.previousRevokeAt} has passed`,
      );

    const from = sim.requests.length;
    await plugin.delete(urnOf(r.name), r.id, r.outs);
    expect(writes(from).sort()).toEqual(
      [`DELETE ${KEYS}/${r.outs.keyId} 200`, `DELETE ${KEYS}/${r.outs.previousKeyId} 200`].sort(),
    );
    expect(liveIds()).toEqual([]);
    // Deleting again (a destroy replayed) finds both gone.
    await plugin.delete(urnOf(r.name), r.id, r.outs);
  });

  it("refresh: a previous key revoked out of band is dropped, the resource kept; a current key gone while the previous works: that one is tracked, and the next up renews it", async () => {
    const a = { permission: "viewer", validForDays: 30, description: "v1", overlapDays: 2 };
    const r = await Resource.create("refreshed", a);
    await r.up({ ...a, description: "v2" });
    const { keyId, previousKeyId, previousKey } = r.outs;

    sim.revokeKey("org-1", previousKeyId);
    let read = await plugin.read(urnOf(r.name), r.id, r.outs);
    expect(read.id).toBe(r.id);
    expect(read.properties).toMatchObject({ keyId, key: r.outs.key, description: "v2" });
    for (const k of PREVIOUS) expect(read.properties).not.toHaveProperty(k);
    await expect
      .poll(() => plugin.output())
      .toContain(
        `the previous key org-1/${previousKeyId} ("${r.outs.previousName}") is gone from Qwilt (revoked or expired): Pulumi stops tracking it`,
      );

    // The current key revoked, the previous one live: the previous one is tracked as the current key.
    await r.up({ ...a, description: "v3" });
    const held = r.outs;
    sim.revokeKey("org-1", held.keyId);
    read = await plugin.read(urnOf(r.name), r.id, held);
    expect(read.id).toBe(r.id);
    expect(read.properties).toMatchObject({
      keyId: held.previousKeyId,
      key: held.previousKey,
      name: held.previousName,
      description: "v2",
      expiresAt: held.previousExpiresAt,
    });
    for (const k of PREVIOUS) expect(read.properties).not.toHaveProperty(k);
    expect(read.inputs).toMatchObject({ description: "v2", name: held.previousName });
    expect(liveIds()).toEqual([held.previousKeyId]);
    await expect
      .poll(() => plugin.output())
      .toContain(
        `key org-1/${held.keyId} ("${held.name}") is gone from Qwilt (revoked or expired), but its previous key org-1/${held.previousKeyId}`,
      );
    expect(await statusWith(read.properties.key)).toBe(200);
    // The refreshed state no longer matches the program (description v3): the next up rotates it in place.
    Object.assign(r, { inputs: read.inputs, outs: read.properties });
    expect(await r.up({ ...a, description: "v3" })).toMatchObject({ changes: "some", replaces: [], updated: true });
    expect(r.outs).toMatchObject({ description: "v3", previousKeyId: held.previousKeyId });
    expect(liveIds()).toEqual(r.tracked());

    // Both gone: the resource is dropped. (Past the plugin's shared key list of the last read: key-list-cache.ts.)
    await new Promise((resolve) => setTimeout(resolve, KEY_LIST_TTL_MS + 100));
    sim.revokeKey("org-1", r.outs.keyId);
    sim.revokeKey("org-1", r.outs.previousKeyId);
    expect((await plugin.read(urnOf(r.name), r.id, r.outs)).id).toBe("");
    expect(previousKey).not.toBe(r.outs.key);
  });

  it("a state written before overlapDays existed keeps working; adding overlapDays records it without a new key", async () => {
    const a = { permission: "viewer", validForDays: 30 };
    const r = await Resource.create("legacy", a);
    // As 0.1 wrote it: no overlapDays, no previous key.
    const strip = (p: Props) => {
      const { overlapDays: _, ...rest } = p;
      return { ...rest, __defaults: (p.__defaults as string[]).filter((d) => d !== "overlapDays") };
    };
    r.inputs = strip(r.inputs);
    r.outs = strip(r.outs);
    const first = r.outs;
    expect(await r.up(a)).toMatchObject({ changes: "none" });
    const read = await plugin.read(urnOf(r.name), r.id, r.outs);
    expect(read.properties).toMatchObject({ keyId: first.keyId, key: first.key });

    const from = sim.requests.length;
    expect(await r.up({ ...a, overlapDays: 2 })).toMatchObject({ changes: "some", replaces: [], updated: true });
    // No new key, nothing revoked, no call at all: the key has worked since its create, so it is not waited for again.
    expect(sim.requests.slice(from)).toEqual([]);
    expect(r.outs).toMatchObject({ keyId: first.keyId, key: first.key, overlapDays: 2 });
    for (const k of PREVIOUS) expect(r.outs).not.toHaveProperty(k);
    await r.up({ ...a, overlapDays: 2, description: "now rotated in place" });
    expect(r.outs).toMatchObject({ previousKeyId: first.keyId, previousKey: first.key });
    await plugin.delete(urnOf(r.name), r.id, r.outs);
    expect(liveIds()).toEqual([]);
  });
});

describe("overlapDays: failures leave every live key tracked", () => {
  it("the new key never becomes active in time: an init failure carrying both keys; the next up waits again and finishes", async () => {
    const a = { permission: "viewer", validForDays: 30, overlapDays: 2, activationTimeoutSeconds: 1 };
    const r = await Resource.create("slow", a);
    const old = r.outs;
    // The new key's check (a list call made with it) is refused: the key is not active yet.
    sim.faults.add({ method: "GET", path: KEYS, status: 401, times: Infinity });
    const failed = await caught(r.up({ ...a, description: "renewed" }));
    sim.faults.clear();
    expect(failed?.initFailure).toBeDefined();
    const made = r.outs;
    expect(made).toMatchObject({
      activationPending: true,
      description: "renewed",
      previousKeyId: old.keyId,
      previousKey: old.key,
    });
    expect(made.keyId).not.toBe(old.keyId);
    expect(failed!.message).toContain(
      `key org-1/${made.keyId} ("${made.name}") was created but did not become active within 1 s`,
    );
    expect(r.inputs.description).toBeUndefined(); // the old inputs
    expect(liveIds()).toEqual(r.tracked());

    const from = sim.requests.length;
    await r.up({ ...a, description: "renewed" });
    expect(writes(from)).toEqual([]);
    expect(r.outs).not.toHaveProperty("activationPending");
    expect(r.outs).toMatchObject({ keyId: made.keyId, previousKeyId: old.keyId });
    expect(liveIds()).toEqual(r.tracked());
    await plugin.delete(urnOf(r.name), r.id, r.outs);
  });

  it("the new key's create fails for good: an error, the state as it was, no key left behind", async () => {
    const a = { permission: "viewer", validForDays: 30, overlapDays: 2 };
    const r = await Resource.create("refused", a);
    const before = r.outs;
    sim.faults.add({ method: "POST", path: KEYS, status: 403, times: Infinity });
    const failed = await caught(r.up({ ...a, description: "renewed" }));
    sim.faults.clear();
    expect(failed?.initFailure).toBeUndefined();
    expect(failed?.message).toMatch(/^POST \/api\/1\/api-keys: 403 Forbidden/);
    expect(r.outs).toEqual(before);
    expect(liveIds()).toEqual(r.tracked());
    await plugin.delete(urnOf(r.name), r.id, r.outs);
  });

  it("a lost answer to the new key's create (fixed name): the cleanup revokes what that create made, never the key that becomes the previous key", async () => {
    const a = { permission: "viewer", validForDays: 30, overlapDays: 2, name: "fixed-name" };
    const r = await Resource.create("fixed", a);
    const old = r.outs;
    sim.faults.add({ method: "POST", path: KEYS, loseAnswer: true });
    await r.up({ ...a, description: "renewed" });
    const strays = sim.keys().filter((k) => k.name === "fixed-name" && k.revoked);
    expect(strays).toHaveLength(1);
    expect(r.outs).toMatchObject({ name: "fixed-name", previousKeyId: old.keyId, previousName: "fixed-name" });
    expect([old.keyId, r.outs.keyId]).not.toContain(strays[0]!.keyId);
    expect(liveIds()).toEqual(r.tracked());
    expect(await statusWith(old.key)).toBe(200);
    await plugin.delete(urnOf(r.name), r.id, r.outs);
    expect(liveIds()).toEqual([]);
  });

  it("the previous key's revoke fails: kept in state, and revoked by the next up; to make room, the rotation waits for it", async () => {
    const a = { permission: "viewer", validForDays: 30, overlapDays: 2 };
    const r = await Resource.create("stuck", a);
    await r.up({ ...a, description: "renewed" });
    const held = r.outs;

    const mark = sim.requests.length;
    sim.faults.add({ method: "DELETE", path: `${KEYS}/*`, status: 403, times: Infinity });
    const due = await caught(r.up({ ...a, description: "renewed", overlapDays: 0 }));
    const room = await caught(r.up({ ...a, description: "renewed again" }));
    sim.faults.clear();
    expect(due?.initFailure).toBeUndefined();
    expect(due?.message).toMatch(
      new RegExp(
        `^Could not revoke previous key "${held.previousName}" \\(org-1/${held.previousKeyId}\\): DELETE /api/1/api-keys/${held.previousKeyId}: 403 Forbidden`,
      ),
    );
    expect(due?.message).toContain("Pulumi keeps tracking it.");
    expect(room?.message).toContain(
      `key org-1/${held.keyId} ("${held.name}") is rotated only once it is gone (a key keeps at most one previous key).`,
    );
    expect(sim.requests.slice(mark).filter((q) => q.method === "POST")).toEqual([]);
    expect(r.outs).toEqual(held);
    expect(liveIds()).toEqual(r.tracked());

    const from = sim.requests.length;
    await r.up({ ...a, description: "renewed", overlapDays: 0 });
    expect(writes(from)).toEqual([`DELETE ${KEYS}/${held.previousKeyId} 200`]);
    expect(liveIds()).toEqual([held.keyId]);
    await plugin.delete(urnOf(r.name), r.id, r.outs);
  });
});

describe("the activation wait of an update", () => {
  const calls = (from: number) => sim.requests.slice(from).map((q) => `${q.method} ${q.path} ${q.status}`);

  it("a settings-only update does not wait, even for a key revoked out of band; lowering overlapDays still revokes the due previous key", async () => {
    // A short timeout: were the update to wait for a revoked key, it would fail in 2 s rather than hang for 300.
    const a = { permission: "viewer", validForDays: 30, overlapDays: 2, activationTimeoutSeconds: 2 };
    const r = await Resource.create("settled", a);
    await r.up({ ...a, description: "two" });
    const rotated = r.outs;
    sim.revokeKey("org-1", rotated.keyId);

    let from = sim.requests.length;
    expect(await r.up({ ...a, description: "two", rotateBeforeDays: 3 })).toMatchObject({ updated: true });
    expect(calls(from)).toEqual([]);
    expect(r.outs).not.toHaveProperty("activationPending");
    expect(r.outs).toMatchObject({ keyId: rotated.keyId, rotateBeforeDays: 3, previousKeyId: rotated.previousKeyId });

    // overlapDays 0 makes the previous key due: revoked, though the current key no longer answers.
    from = sim.requests.length;
    await r.up({ ...a, description: "two", rotateBeforeDays: 3, overlapDays: 0 });
    expect(writes(from)).toEqual([`DELETE ${KEYS}/${rotated.previousKeyId} 200`]);
    for (const k of PREVIOUS) expect(r.outs).not.toHaveProperty(k);
    expect(r.outs).not.toHaveProperty("activationPending");
    expect(liveIds()).toEqual([]);
  });

  it("an update that finishes an earlier failure waits for the key: marked activationPending, or an init failure without the mark", async () => {
    const a = { permission: "viewer", validForDays: 30 };
    const r = await Resource.create("finish", a);
    const made = r.outs;

    // Marked (this version's init failure, kept across a refresh): a settings change waits too, and drops the mark.
    r.outs = { ...made, activationPending: true };
    let from = sim.requests.length;
    expect(await r.up({ ...a, rotateBeforeDays: 5 })).toMatchObject({ updated: true });
    expect(calls(from)).toEqual([`GET ${KEYS} 200`]);
    expect(r.outs).not.toHaveProperty("activationPending");

    // Not marked (the engine updates a resource with init errors though nothing changed): it waits.
    r.initErrors = ["key was created but did not become active"];
    from = sim.requests.length;
    expect(await r.up({ ...a, rotateBeforeDays: 5 })).toMatchObject({ changes: "none", updated: true });
    expect(calls(from)).toEqual([`GET ${KEYS} 200`]);
    expect(r.outs).toMatchObject({ keyId: made.keyId, key: made.key });
    await plugin.delete(urnOf(r.name), r.id, r.outs);
  });
});

describe("overlapDays: names and preview words", () => {
  it("from a fixed name to an auto-name: the new key is named after the resource, not after the old fixed name", async () => {
    const a = { permission: "viewer", validForDays: 30, overlapDays: 2 };
    const r = await Resource.create("renamed", { ...a, name: "fixed-before" });
    const old = r.outs;
    expect(await r.up(a)).toMatchObject({ replaces: [], updated: true });
    expect(r.outs.name).toMatch(AUTO_NAME("renamed"));
    expect(r.outs).toMatchObject({ previousKeyId: old.keyId, previousName: "fixed-before" });
    expect(liveIds()).toEqual(r.tracked());
    await plugin.delete(urnOf(r.name), r.id, r.outs);
  });

  it("a preview with inputs not known yet says what they decide, not more; lowering overlapDays says when the previous key goes", async () => {
    const a = { permission: "viewer", validForDays: 30, overlapDays: 3 };
    const r = await Resource.create("preview", a);
    await r.up({ ...a, description: "two" });
    const outs = r.outs;
    const label = `key ${outs.organization}/${outs.keyId} ("${outs.name}")`;
    const previous = `previous key ${outs.organization}/${outs.previousKeyId} ("${outs.previousName}")`;
    const diffOf = async (news: Props) => {
      const checked = await plugin.check(urnOf(r.name), r.inputs, args(r.name, news));
      return plugin.diff(urnOf(r.name), r.id, r.outs, checked.inputs);
    };

    expect(await diffOf({ ...a, description: UNKNOWN, waitForActivation: UNKNOWN })).toMatchObject({ replaces: [] });
    await expect
      .poll(() => plugin.output())
      .toContain(
        `${previous} is revoked before ${label} is rotated (if it is), though it was to keep working until ${outs.previousRevokeAt}: a key keeps at most one previous key`,
      );
    expect(plugin.output()).toContain(
      `${label} is renewed if description, not known yet, turns out changed (Qwilt cannot edit a key): \`pulumi up\` rotates it in place (a new key is made (and waited for until it works, unless waitForActivation turns out false); `,
    );
    expect(plugin.output()).not.toContain(`${label} must be renewed`);

    // Lowered, not yet due: the previous key's new end, said in the preview.
    const moved = new Date(Date.parse(outs.createdAt) + DAY).toISOString();
    await diffOf({ ...a, description: "two", overlapDays: 1 });
    await expect
      .poll(() => plugin.output())
      .toContain(
        `${previous} now keeps working until ${moved} (overlapDays: 1) instead of ${outs.previousRevokeAt}; the first \`pulumi up\` after that revokes it`,
      );
    // Lowered to 0: due now, and the words say why, with both times.
    await diffOf({ ...a, description: "two", overlapDays: 0 });
    await expect
      .poll(() => plugin.output())
      .toContain(
        `${previous} is revoked by \`pulumi up\`: it was to keep working until ${outs.previousRevokeAt}, but overlapDays 0 ends its overlap at ${new Date(Date.parse(outs.createdAt)).toISOString()}, which has passed`,
      );
    await plugin.delete(urnOf(r.name), r.id, r.outs);
  });
});
