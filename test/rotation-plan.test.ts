/**
 * What diff and update decide for a key (provider/rotation-plan.ts), and the previous key's times
 * (provider/previous-key.ts), without any process: replace, rotate in place, revoke the previous key,
 * or record a setting, for every reason a key is renewed.
 */
import { describe, expect, it } from "vitest";
import { changes, planFor } from "../provider/rotation-plan";
import { previousRevokeAtOf } from "../provider/previous-key";
import { nextAutoName } from "../provider/auto-name";
import { UNKNOWN } from "../provider/unknown";
import type { ApiKeyState, CheckedArgs } from "../sdk/api-key-args";

const DAY = 86_400_000;
const T0 = Date.parse("2027-01-01T00:00:00.000Z");
const iso = (ms: number) => new Date(ms).toISOString();

const inputs: CheckedArgs = {
  permission: "editor",
  validForDays: 30,
  name: "deployer-1a2b3c4",
  description: "CI",
  rotateBeforeDays: 7,
  waitForActivation: true,
  activationTimeoutSeconds: 600,
  revokeOnDelete: true,
  overlapDays: 2,
  __defaults: ["name", "rotateBeforeDays", "waitForActivation", "activationTimeoutSeconds", "revokeOnDelete"],
};
/** A key made at T0 (30 days, rotated 7 before expiry), made by a rotation that kept key 3 as the previous key. */
const state: ApiKeyState = {
  ...inputs,
  keyId: "4",
  key: "k4",
  organization: "org-1",
  createdBy: "a@example.com",
  createdAt: iso(T0),
  expiresAt: iso(T0 + 30 * DAY),
  rotateAt: iso(T0 + 23 * DAY),
  previousKeyId: "3",
  previousName: "deployer-9f8e7d6",
  previousKey: "k3",
  previousExpiresAt: iso(T0 + 7 * DAY),
  previousRevokeAt: iso(T0 + 2 * DAY),
};
const {
  previousKeyId: _a,
  previousName: _b,
  previousKey: _c,
  previousExpiresAt: _d,
  previousRevokeAt: _e,
  ...noPrevious
} = state;

const plan = (olds: Partial<ApiKeyState>, news: Partial<Record<keyof CheckedArgs, unknown>>, at: number) =>
  planFor(olds, { ...inputs, ...news } as CheckedArgs, at);
const revoked = (p: ReturnType<typeof planFor>) =>
  p.revokesPrevious && [p.revokesPrevious.key.keyId, p.revokesPrevious.why, p.revokesPrevious.key.revokeAt];

describe("rotation plan", () => {
  it("nothing to do: no change", () => {
    const p = plan(state, {}, T0 + DAY);
    expect(p).toEqual({ replaces: [], rotates: [], updates: [] });
    expect(changes(p)).toBe(false);
  });

  it("overlapDays > 0: a changed key argument, rotateAt or expiresAt rotates in place, and the live previous key is revoked to make room", () => {
    expect(plan(state, { description: "CD" }, T0 + DAY)).toMatchObject({
      replaces: [],
      rotates: ["description"],
      updates: [],
    });
    expect(plan(state, { permission: "viewer", validForDays: 60 }, T0 + DAY)).toMatchObject({
      replaces: [],
      rotates: ["permission", "validForDays"],
    });
    expect(plan(state, {}, T0 + 23 * DAY)).toMatchObject({ replaces: [], rotates: ["rotateAt"] });
    expect(plan(state, {}, T0 + 30 * DAY)).toMatchObject({ replaces: [], rotates: ["expiresAt"] });
    expect(revoked(plan(state, { description: "CD" }, T0 + DAY))).toEqual(["3", "room", iso(T0 + 2 * DAY)]);
  });

  it("orgId changed, or overlapDays 0 (also unknown, in a preview): a replacement, as before; the previous key goes with the resource", () => {
    expect(plan(state, { orgId: "org-2" }, T0 + DAY)).toEqual({ replaces: ["orgId"], rotates: [], updates: [] });
    expect(plan(state, { orgId: "org-2", description: "CD" }, T0 + DAY)).toMatchObject({
      replaces: ["description", "orgId"],
      rotates: [],
    });
    expect(plan(noPrevious, { overlapDays: 0, description: "CD" }, T0 + DAY)).toEqual({
      replaces: ["description"],
      rotates: [],
      updates: ["overlapDays"],
    });
    expect(plan(noPrevious, { overlapDays: 0 }, T0 + 23 * DAY)).toEqual({
      replaces: ["rotateAt"],
      rotates: [],
      updates: ["overlapDays"],
    });
    expect(plan(noPrevious, { overlapDays: UNKNOWN, description: "CD" }, T0 + DAY)).toEqual({
      replaces: ["description"],
      rotates: [],
      updates: ["overlapDays"],
    });
  });

  it("the previous key is revoked from previousRevokeAt on, and at once when overlapDays no longer covers it", () => {
    expect(revoked(plan(state, {}, T0 + 2 * DAY - 1))).toBeUndefined();
    expect(revoked(plan(state, {}, T0 + 2 * DAY))).toEqual(["3", "due", iso(T0 + 2 * DAY)]);
    // previousRevokeAt follows overlapDays, from the rotation (the current key's createdAt), as rotateAt follows rotateBeforeDays.
    expect(revoked(plan(state, { overlapDays: 1 }, T0 + DAY))).toEqual(["3", "due", iso(T0 + DAY)]);
    expect(revoked(plan(state, { overlapDays: 0 }, T0 + 1))).toEqual(["3", "due", iso(T0)]);
    // Never after the previous key's own expiry.
    expect(revoked(plan(state, { overlapDays: 20 }, T0 + 7 * DAY))).toEqual(["3", "due", iso(T0 + 7 * DAY)]);
    expect(plan(state, { overlapDays: 5 }, T0 + 3 * DAY)).toEqual({
      replaces: [],
      rotates: [],
      updates: ["overlapDays"],
    });
    // In a preview with overlapDays unknown, the stored time decides.
    expect(revoked(plan(state, { overlapDays: UNKNOWN }, T0 + 2 * DAY))).toEqual(["3", "due", iso(T0 + 2 * DAY)]);
  });

  it("two auto-names are the same argument (a rotation in place renames the key where the inputs cannot follow); a fixed name is compared", () => {
    expect(plan({ ...state, name: "deployer-5e5e5e5" }, {}, T0 + DAY).rotates).toEqual([]);
    expect(
      plan({ ...state, name: "deployer-5e5e5e5" }, { name: "deployer", __defaults: [] }, T0 + DAY).rotates,
    ).toEqual(["name"]);
    expect(plan({ ...state, __defaults: [] }, { name: "deployer-ci" }, T0 + DAY).rotates).toEqual(["name"]);
  });

  it("a state written before overlapDays existed: the missing setting reads as its default, so nothing changes by itself", () => {
    const { overlapDays: _, ...old } = noPrevious;
    expect(plan(old, { overlapDays: 0 }, T0 + DAY)).toEqual({ replaces: [], rotates: [], updates: [] });
    expect(plan(old, { overlapDays: 2 }, T0 + DAY)).toEqual({ replaces: [], rotates: [], updates: ["overlapDays"] });
    expect(plan(old, { overlapDays: 0 }, T0 + 23 * DAY)).toEqual({ replaces: ["rotateAt"], rotates: [], updates: [] });
    // A refresh diffs the read outputs against the inputs the state holds, which such a state lacks too.
    expect(planFor(old, { ...old, overlapDays: undefined } as unknown as CheckedArgs, T0 + DAY)).toEqual({
      replaces: [],
      rotates: [],
      updates: [],
    });
  });
});

describe("previous key times and names", () => {
  it("previousRevokeAt = the rotation + overlapDays, at most the previous key's expiry", () => {
    expect(previousRevokeAtOf(iso(T0), 2, iso(T0 + 7 * DAY))).toBe(iso(T0 + 2 * DAY));
    expect(previousRevokeAtOf(iso(T0), 9, iso(T0 + 7 * DAY))).toBe(iso(T0 + 7 * DAY));
    expect(previousRevokeAtOf(iso(T0), 2, "")).toBe(iso(T0 + 2 * DAY));
  });

  it("the next key of an auto-named resource gets the same base and a new suffix", () => {
    const next = nextAutoName("deployer-1a2b3c4");
    expect(next).toMatch(/^deployer-[0-9a-f]{7}$/);
    expect(next).not.toBe("deployer-1a2b3c4");
    expect(nextAutoName(`${"x".repeat(120)}-1a2b3c4`)).toMatch(new RegExp(`^${"x".repeat(120)}-[0-9a-f]{7}$`));
  });
});
