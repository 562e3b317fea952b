/**
 * Where Qwilt requires unique key names, create-before-delete must still work: auto-named keys
 * get a fresh name on replacement; a fixed name gets a clear error saying what to do.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { startSimulator, type Simulator } from "../sdk/simulator";
import { startPlugin, urnOf, type PluginProcess } from "./helpers/plugin";
import { serializedProvider } from "./helpers/serialized-provider";

let sim: Simulator;
let plugin: PluginProcess;
let provider: string;
beforeAll(async () => {
  sim = await startSimulator({ uniqueNames: true });
  provider = serializedProvider(inject("packedProject"));
  plugin = await startPlugin(inject("packedProject"));
  await plugin.configure({ "qwilt:apiKey": sim.bootstrapKey, "qwilt:usersUrl": sim.url, "qwilt:loginUrl": sim.url });
});
afterAll(async () => {
  await plugin?.stop();
  await sim?.close();
});

const args = (name: string, a: Record<string, unknown>) => ({ waitForActivation: false, ...a, __resourceName: name, __provider: provider });

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
