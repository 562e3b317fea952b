/**
 * Where Qwilt requires unique key names, create-before-delete must still work: auto-named keys
 * get a fresh name on replacement; a fixed name gets a clear error saying what to do. The same for
 * a rotation in place (overlapDays), whose old key lives on beside the new one as the previous key,
 * and for an expired key, which Qwilt still lists under its name.
 */
import { describe, expect, it } from "vitest";
import { type PluginCallError, urnOf } from "./helpers/plugin";
import { usePluginFixture } from "./helpers/plugin-fixture";

const { sim, plugin, args } = usePluginFixture({
  simulator: { uniqueNames: true },
  argDefaults: { waitForActivation: false },
});

describe("unique key names", () => {
  it("replaces an auto-named key create-before-delete without a collision", async () => {
    const urn = urnOf("auto");
    const first = await plugin.create(
      urn,
      (await plugin.check(urn, {}, args("auto", { permission: "viewer", validForDays: 10 }))).inputs,
    );
    const second = await plugin.create(
      urn,
      (await plugin.check(urn, {}, args("auto", { permission: "editor", validForDays: 10 }))).inputs,
    );
    expect(second.properties.name).not.toBe(first.properties.name);
    await plugin.delete(urn, first.id, first.properties);
    expect(sim.liveKeys().map((k) => k.name)).toContain(second.properties.name);
    await plugin.delete(urn, second.id, second.properties);
  });

  it("explains what to do when a fixed name collides with the key it replaces", async () => {
    const urn = urnOf("fixed");
    const first = await plugin.create(
      urn,
      (await plugin.check(urn, {}, args("fixed", { permission: "viewer", validForDays: 10, name: "ci-deployer" })))
        .inputs,
    );
    const err = await plugin
      .create(
        urn,
        (await plugin.check(urn, {}, args("fixed", { permission: "editor", validForDays: 10, name: "ci-deployer" })))
          .inputs,
      )
      .then(
        () => undefined,
        (e: Error) => e,
      );
    expect(err?.message).toContain("POST /api/1/api-keys: 409 Conflict");
    expect(err?.message).toContain(
      '409 Conflict — an API key named "ci-deployer" already exists in this organization. Qwilt requires unique key names here. Remove `name`',
    );
    expect(err?.message).toContain("deleteBeforeReplace: true");
    // Nothing half-made: only the original key is live under that name.
    expect(
      sim
        .liveKeys()
        .filter((k) => k.name === "ci-deployer")
        .map((k) => k.keyId),
    ).toEqual([first.properties.keyId]);
    // With deleteBeforeReplace the engine deletes first; then the create succeeds.
    await plugin.delete(urn, first.id, first.properties);
    const again = await plugin.create(
      urn,
      (await plugin.check(urn, {}, args("fixed", { permission: "editor", validForDays: 10, name: "ci-deployer" })))
        .inputs,
    );
    expect(again.properties.permission).toBe("editor");
    await plugin.delete(urn, again.id, again.properties);
  });

  it("a lost answer that hid the 409 of a fixed name's replacement: the key it replaces is not taken for a stray", async () => {
    const urn = urnOf("fixed-lost");
    const a = { permission: "viewer", validForDays: 10, name: "ci-lost" };
    const first = await plugin.create(urn, (await plugin.check(urn, {}, args("fixed-lost", a))).inputs);
    const replacement = (await plugin.check(urn, {}, args("fixed-lost", { ...a, description: "new" }))).inputs;
    sim.faults.add({ method: "POST", path: "/api/1/api-keys", loseAnswer: true });
    const from = sim.requests.length;
    const err = await plugin.create(urn, replacement).then(
      () => undefined,
      (e: Error) => e,
    );
    // The first POST was refused (409) but its answer lost; the second POST's 409 says what to do.
    expect(sim.requests.slice(from).map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([
      "GET /api/1/api-keys 200",
      "POST /api/1/api-keys 0",
      "GET /api/1/api-keys 200",
      "POST /api/1/api-keys 409",
      // Who holds the name, for the advice.
      "GET /api/1/api-keys 200",
    ]);
    expect(err?.message).toMatch(/^POST \/api\/1\/api-keys: 409 Conflict/);
    expect(err?.message).toContain("deleteBeforeReplace: true");
    expect(sim.liveKeys().map((k) => k.keyId)).toContain(first.properties.keyId);
    await plugin.delete(urn, first.id, first.properties);
  });

  it("rotates an auto-named key in place (overlapDays): the new key gets a fresh name, both stay live", async () => {
    const urn = urnOf("overlap-auto");
    const a = { permission: "viewer", validForDays: 10, overlapDays: 2 };
    const checked = await plugin.check(urn, {}, args("overlap-auto", a));
    const first = await plugin.create(urn, checked.inputs);
    const news = (await plugin.check(urn, checked.inputs, args("overlap-auto", { ...a, description: "renewed" })))
      .inputs;
    expect(await plugin.diff(urn, first.id, first.properties, news)).toMatchObject({ changes: "some", replaces: [] });
    const { properties: rotated } = await plugin.update(urn, first.id, first.properties, news);
    expect(rotated.name).not.toBe(first.properties.name);
    expect(rotated).toMatchObject({ previousKeyId: first.properties.keyId, previousName: first.properties.name });
    expect(sim.liveKeys().map((k) => k.keyId)).toEqual(expect.arrayContaining([first.properties.keyId, rotated.keyId]));
    await plugin.delete(urn, first.id, rotated);
    expect(sim.liveKeys().map((k) => k.keyId)).not.toEqual(expect.arrayContaining([first.properties.keyId]));
    expect(sim.liveKeys().map((k) => k.keyId)).not.toEqual(expect.arrayContaining([rotated.keyId]));
  });

  it("a fixed name cannot be rotated in place: the error says to drop `name`, and nothing changed", async () => {
    const urn = urnOf("overlap-fixed");
    const a = { permission: "viewer", validForDays: 10, overlapDays: 2, name: "ci-reader" };
    const checked = await plugin.check(urn, {}, args("overlap-fixed", a));
    const first = await plugin.create(urn, checked.inputs);
    const news = (await plugin.check(urn, checked.inputs, args("overlap-fixed", { ...a, description: "renewed" })))
      .inputs;
    const err = await plugin.update(urn, first.id, first.properties, news).then(
      () => undefined,
      (e: PluginCallError) => e,
    );
    expect(err?.initFailure).toBeUndefined();
    expect(err?.message).toMatch(/^POST \/api\/1\/api-keys: 409 Conflict/);
    expect(err?.message).toContain(
      ` — an API key named "ci-reader" already exists in this organization. Qwilt requires unique key names here. ` +
        `This rotation in place (overlapDays: 2) keeps key org-1/${first.properties.keyId} ("ci-reader") working as the previous key, so the new key cannot have its name: ` +
        "remove `name` so the provider auto-names keys (each new key then gets a new name, and both keys work during the overlap).",
    );
    expect(
      sim
        .liveKeys()
        .filter((k) => k.name === "ci-reader")
        .map((k) => k.keyId),
    ).toEqual([first.properties.keyId]);
    await plugin.delete(urn, first.id, first.properties);
  });

  it("an expired key keeps its fixed name: the advice says revoking it first loses nothing (a replacement, a rotation in place)", async () => {
    const DAY = 86_400_000;
    const made: Record<string, any>[] = [];
    // Keys made two days ago for one day: expired now, still listed.
    sim.clock.advance(-2 * DAY);
    try {
      for (const [resource, extra] of [
        ["expired-replaced", {}],
        ["expired-rotated", { overlapDays: 0 }],
      ] as const) {
        const urn = urnOf(resource);
        const a = { permission: "viewer", validForDays: 1, name: resource, ...extra };
        made.push({ urn, a, ...(await plugin.create(urn, (await plugin.check(urn, {}, args(resource, a))).inputs)) });
      }
    } finally {
      sim.clock.advance(2 * DAY);
    }
    const [replaced, rotated] = made as [Record<string, any>, Record<string, any>];
    const held = (m: Record<string, any>) =>
      `key org-1/${m.properties.keyId} ("${m.a.name}"), which expired at ${m.properties.expiresAt}, holds the name: ` +
      "Qwilt still lists an expired key, though it no longer works, so revoking it first loses nothing.";

    // Replaced (create-before-delete): the new key's create is refused.
    expect(await plugin.diff(replaced.urn, replaced.id, replaced.properties, replaced.properties)).toMatchObject({
      replaces: ["expiresAt"],
    });
    const fresh = (await plugin.check(replaced.urn, {}, args("expired-replaced", replaced.a))).inputs;
    const refused = await plugin.create(replaced.urn, fresh).then(
      () => undefined,
      (e: PluginCallError) => e,
    );
    expect(refused?.message).toBe(
      'POST /api/1/api-keys: 409 Conflict — an API key named "expired-replaced" already exists in this organization. ' +
        `Qwilt requires unique key names here. ${held(replaced)} Set the resource option \`deleteBeforeReplace: true\` ` +
        "(the expired key is then revoked before the new one is made), or remove `name` so the provider auto-names keys.",
    );

    // Rotated in place (overlapDays set on the expired key): the same, with what to revoke.
    const urn = rotated.urn;
    const news = (
      await plugin.check(urn, rotated.properties, args("expired-rotated", { ...rotated.a, overlapDays: 1 }))
    ).inputs;
    expect(await plugin.diff(urn, rotated.id, rotated.properties, news)).toMatchObject({ replaces: [] });
    const failed = await plugin.update(urn, rotated.id, rotated.properties, news).then(
      () => undefined,
      (e: PluginCallError) => e,
    );
    expect(failed?.initFailure).toBeUndefined();
    expect(failed?.message).toBe(
      'POST /api/1/api-keys: 409 Conflict — an API key named "expired-rotated" already exists in this organization. ' +
        `Qwilt requires unique key names here. ${held(rotated)} Revoke it (\`qwilt-keys revoke ${rotated.properties.keyId}\`) ` +
        "and run `pulumi up` again, or remove `name` so the provider auto-names keys.",
    );
    for (const m of made) await plugin.delete(m.urn, m.id, m.properties);
  });
});
