/**
 * Where Qwilt requires unique key names, create-before-delete must still work: auto-named keys
 * get a fresh name on replacement; a fixed name gets a clear error saying what to do.
 */
import { describe, expect, it } from "vitest";
import { urnOf } from "./helpers/plugin";
import { usePluginFixture } from "./helpers/plugin-fixture";

const { sim, plugin, args } = usePluginFixture({ simulator: { uniqueNames: true }, argDefaults: { waitForActivation: false } });

describe("unique key names", () => {
  it("replaces an auto-named key create-before-delete without a collision", async () => {
    const urn = urnOf("auto");
    const first = await plugin.create(urn, (await plugin.check(urn, {}, args("auto", { permission: "viewer", validForDays: 10 }))).inputs);
    const second = await plugin.create(urn, (await plugin.check(urn, {}, args("auto", { permission: "editor", validForDays: 10 }))).inputs);
    expect(second.properties.name).not.toBe(first.properties.name);
    await plugin.delete(urn, first.id, first.properties);
    expect(sim.liveKeys().map((k) => k.name)).toContain(second.properties.name);
    await plugin.delete(urn, second.id, second.properties);
  });

  it("explains what to do when a fixed name collides with the key it replaces", async () => {
    const urn = urnOf("fixed");
    const first = await plugin.create(urn, (await plugin.check(urn, {}, args("fixed", { permission: "viewer", validForDays: 10, name: "ci-deployer" }))).inputs);
    const err = await plugin
      .create(urn, (await plugin.check(urn, {}, args("fixed", { permission: "editor", validForDays: 10, name: "ci-deployer" }))).inputs)
      .then(() => undefined, (e: Error) => e);
    expect(err?.message).toContain('POST /api/1/api-keys: 409 Conflict');
    expect(err?.message).toContain('A live key named "ci-deployer" already exists in this organization and Qwilt requires unique names here. Remove `name`');
    expect(err?.message).toContain("deleteBeforeReplace: true");
    // Nothing half-made: only the original key is live under that name.
    expect(sim.liveKeys().filter((k) => k.name === "ci-deployer").map((k) => k.keyId)).toEqual([first.properties.keyId]);
    // With deleteBeforeReplace the engine deletes first; then the create succeeds.
    await plugin.delete(urn, first.id, first.properties);
    const again = await plugin.create(urn, (await plugin.check(urn, {}, args("fixed", { permission: "editor", validForDays: 10, name: "ci-deployer" }))).inputs);
    expect(again.properties.permission).toBe("editor");
    await plugin.delete(urn, again.id, again.properties);
  });
});
