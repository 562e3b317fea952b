/** `check` and `diff` of the provider, called directly: validation, defaults, auto-naming, rotation. */
import { describe, expect, it } from "vitest";
import { checkArgs } from "../provider/args";
import { UNKNOWN } from "../provider/unknown";
import { QwiltApiKeyProvider } from "../provider/qwilt-provider";
import { defaultRotateBeforeDays } from "../provider/schedule";

const DAY = 86_400_000;
const base = { permission: "viewer", validForDays: 90, __resourceName: "svc" };
const check = (news: Record<string, unknown>, olds: Record<string, unknown> = {}, canLogIn = false) =>
  checkArgs(olds, news, { canLogIn });

describe("check: defaults", () => {
  it("fills defaults and lists them in __defaults", () => {
    const { inputs, failures } = check(base);
    expect(failures).toEqual([]);
    expect(inputs).toMatchObject({
      permission: "viewer",
      validForDays: 90,
      rotateBeforeDays: 30,
      waitForActivation: true,
      activationTimeoutSeconds: 600,
      revokeOnDelete: true,
      overlapDays: 0,
    });
    expect(inputs.name).toMatch(/^svc-[0-9a-f]{7}$/);
    expect(inputs.__defaults.sort()).toEqual([
      "activationTimeoutSeconds",
      "name",
      "overlapDays",
      "revokeOnDelete",
      "rotateBeforeDays",
      "waitForActivation",
    ]);
    expect(inputs).not.toHaveProperty("__resourceName");
  });

  it("rotates at half the validity when that is shorter than 30 days", () => {
    expect([1, 2, 30, 59, 60, 61, 365].map(defaultRotateBeforeDays)).toEqual([0, 1, 15, 29, 30, 30, 30]);
  });

  it("keeps an auto-name across runs and draws a new one without olds (a replacement)", () => {
    const first = check(base).inputs;
    expect(check(base, first).inputs.name).toBe(first.name);
    expect(check(base, {}).inputs.name).not.toBe(first.name);
    // An explicit name is used as given, and an old explicit name is not kept once removed.
    const named = check({ ...base, name: "fixed" }).inputs;
    expect(named.name).toBe("fixed");
    expect(named.__defaults).not.toContain("name");
    expect(check(base, named).inputs.name).toMatch(/^svc-/);
  });

  it("keeps auto-names within the length limit", () => {
    expect(check({ ...base, __resourceName: "x".repeat(300) }).inputs.name).toHaveLength(128);
  });
});

describe("check: failures", () => {
  const reasons = (news: Record<string, unknown>, canLogIn = false) => check(news, {}, canLogIn).failures;

  it("names the field and the allowed values", () => {
    expect(reasons({ ...base, rotateBeforeDays: 90 })).toEqual([
      {
        property: "rotateBeforeDays",
        reason: "rotateBeforeDays must be a whole number of days from 0 to 89, below validForDays (90) (got 90)",
      },
    ]);
    expect(reasons({ __resourceName: "x" })).toEqual([
      { property: "permission", reason: 'permission is required: one of "viewer", "editor"' },
      { property: "validForDays", reason: "validForDays is required: a whole number of days from 1 to 365" },
    ]);
    expect(reasons({ ...base, revokeOnDelte: false })[0]!.reason).toMatch(
      /^unknown argument "revokeOnDelte" \(did you mean "revokeOnDelete"\?\); the known/,
    );
    expect(reasons({ ...base, Permission: "viewer" })[0]!.reason).toMatch(
      /^unknown argument "Permission" \(did you mean "permission"\?\)/,
    );
    expect(reasons({ ...base, colour: "red" })).toEqual([
      {
        property: "colour",
        reason: expect.stringContaining(
          'unknown argument "colour"; the known arguments are permission, validForDays, name',
        ),
      },
    ]);
    expect(reasons({ ...base, orgId: "org-2" })[0]).toMatchObject({
      property: "orgId",
      reason: expect.stringContaining("orgId needs username/password credentials"),
    });
    expect(reasons({ ...base, orgId: "org-2" }, true)).toEqual([]);
  });

  it("lets unknown values (preview) through", () => {
    expect(
      reasons({ permission: UNKNOWN, validForDays: UNKNOWN, name: UNKNOWN, orgId: UNKNOWN, __resourceName: "x" }),
    ).toEqual([]);
    expect(check({ ...base, validForDays: UNKNOWN }).inputs.rotateBeforeDays).toBe(UNKNOWN);
  });
});

describe("diff", () => {
  const now = Date.parse("2026-06-01T00:00:00.000Z");
  const provider = new QwiltApiKeyProvider({ now: () => now, env: {} });
  const inputs = check(base).inputs;
  const outs = (expiresInDays: number) => {
    const expiresAt = new Date(now + expiresInDays * DAY).toISOString();
    return {
      ...inputs,
      keyId: "1",
      key: "k",
      expiresAt,
      rotateAt: new Date(now + (expiresInDays - 30) * DAY).toISOString(),
    };
  };

  it("sees no change for the same inputs", async () => {
    expect(await provider.diff("o/1", outs(60), inputs)).toEqual({
      changes: false,
      replaces: [],
      deleteBeforeReplace: false,
    });
  });
  it("replaces on a change to the key's own arguments, and on unknown values", async () => {
    expect((await provider.diff("o/1", outs(60), { ...inputs, permission: "editor" })).replaces).toEqual([
      "permission",
    ]);
    expect((await provider.diff("o/1", outs(60), { ...inputs, description: "d", orgId: "x" })).replaces).toEqual([
      "description",
      "orgId",
    ]);
    expect((await provider.diff("o/1", outs(60), { ...inputs, validForDays: UNKNOWN })).replaces).toEqual([
      "validForDays",
    ]);
  });
  it("updates in place for provider-only settings", async () => {
    expect(await provider.diff("o/1", outs(60), { ...inputs, revokeOnDelete: false })).toEqual({
      changes: true,
      replaces: [],
      deleteBeforeReplace: false,
    });
  });
  it("replaces once rotateAt has passed, naming rotateAt, and expiresAt once expired", async () => {
    expect((await provider.diff("o/1", outs(30), inputs)).replaces).toEqual(["rotateAt"]);
    expect((await provider.diff("o/1", outs(29), inputs)).replaces).toEqual(["rotateAt"]);
    expect((await provider.diff("o/1", outs(0), inputs)).replaces).toEqual(["expiresAt"]);
    // A longer lead time set now makes the key due at once.
    expect((await provider.diff("o/1", outs(40), { ...inputs, rotateBeforeDays: 45 })).replaces).toEqual(["rotateAt"]);
  });
});
