/**
 * The ApiKey provider through Pulumi's real dynamic-provider plugin over gRPC, against the
 * simulator, with the package packed and installed as a user installs it: what `pulumi up`,
 * `refresh` and `destroy` do, call by call.
 */
import { UNKNOWN } from "../provider/unknown";
import { describe, expect, inject, it } from "vitest";
import { startSimulator } from "../sdk/simulator";
import { PluginCallError, startPlugin, urnOf } from "./helpers/plugin";
import { REPO } from "./helpers/packed-project";
import { apiKeyConfig, usePluginFixture } from "./helpers/plugin-fixture";
import { serializedProvider } from "./helpers/serialized-provider";

const DAY = 24 * 60 * 60 * 1000;
// Credentials in the serializing program's environment: none may end up in __provider.
const { sim, plugin, provider, args } = usePluginFixture({
  providerEnv: (s) => ({ QWILT_API_KEY: s.bootstrapKey, QWILT_PASSWORD: s.user.password }),
});

describe("serialized provider", () => {
  it("is small and holds no credential", () => {
    console.log(`__provider is ${Buffer.byteLength(provider())} bytes`);
    expect(Buffer.byteLength(provider())).toBeLessThanOrEqual(2048);
    expect(provider()).not.toContain(sim.bootstrapKey);
    expect(provider()).not.toContain(sim.user.password);
    // Installed the usual way, the stored provider is one `require` of the entry points.
    expect(provider()).toContain('require("pulumi-qwilt-api-keys/dist/provider/entry-points.js")');
  });
});

describe("lifecycle through the plugin", () => {
  it("checks, creates, diffs, reads, replaces and revokes a key", async () => {
    const urn = urnOf("web");
    const news = args("web", { permission: "viewer", validForDays: 30 });
    const checked = await plugin.check(urn, {}, news);
    expect(checked.failures).toEqual([]);
    expect(checked.inputs.name).toMatch(/^web-[0-9a-f]{7}$/);
    expect(checked.inputs).toMatchObject({
      permission: "viewer",
      validForDays: 30,
      rotateBeforeDays: 15,
      waitForActivation: true,
      revokeOnDelete: true,
    });

    const created = await plugin.create(urn, checked.inputs);
    const out = created.properties;
    expect(created.id).toBe(`${out.organization}/${out.keyId}`);
    expect(out.key).toEqual(expect.any(String));
    expect(Date.parse(out.expiresAt) - Date.parse(out.createdAt)).toBe(30 * DAY);
    expect(Date.parse(out.expiresAt) - Date.parse(out.rotateAt)).toBe(15 * DAY);
    expect(sim.liveKeys().map((k) => k.name)).toContain(checked.inputs.name);

    // A second `pulumi up` with nothing changed: check keeps the auto-name, diff sees nothing.
    const again = await plugin.check(urn, checked.inputs, news);
    expect(again.inputs.name).toBe(checked.inputs.name);
    expect(await plugin.diff(urn, created.id, out, again.inputs)).toMatchObject({ changes: "none", replaces: [] });

    // refresh keeps the key, which the API never returns again.
    const read = await plugin.read(urn, created.id, out);
    expect(read.id).toBe(created.id);
    expect(read.properties.key).toBe(out.key);
    expect(read.inputs.name).toBe(checked.inputs.name);

    // Changing validity replaces: the engine re-checks without olds (a fresh name), creates, then deletes the old.
    const changed = args("web", { permission: "viewer", validForDays: 60 });
    const diff = await plugin.diff(urn, created.id, out, (await plugin.check(urn, checked.inputs, changed)).inputs);
    expect(diff).toMatchObject({ changes: "some", replaces: ["validForDays"], deleteBeforeReplace: false });
    const fresh = await plugin.check(urn, {}, changed);
    expect(fresh.inputs.name).not.toBe(checked.inputs.name);
    const replacement = await plugin.create(urn, fresh.inputs);
    expect(sim.liveKeys().map((k) => k.keyId)).toEqual(
      expect.arrayContaining([out.keyId, replacement.properties.keyId]),
    );
    await plugin.delete(urn, created.id, out);
    expect(sim.liveKeys().map((k) => k.keyId)).not.toContain(out.keyId);
    expect(sim.liveKeys().map((k) => k.keyId)).toContain(replacement.properties.keyId);

    // destroy revokes; a second delete (key already gone) is harmless.
    await plugin.delete(urn, replacement.id, replacement.properties);
    await plugin.delete(urn, replacement.id, replacement.properties);
    expect(sim.liveKeys().map((k) => k.keyId)).not.toContain(replacement.properties.keyId);
  });

  it("replaces a key once rotateAt has passed, naming rotateAt, and expiresAt once expired", async () => {
    const urn = urnOf("rotating");
    const checked = await plugin.check(
      urn,
      {},
      args("rotating", { permission: "editor", validForDays: 10, rotateBeforeDays: 3 }),
    );
    const { id, properties } = await plugin.create(urn, checked.inputs);
    const at = (iso: string, deltaMs: number) => ({
      ...properties,
      expiresAt: new Date(Date.parse(iso) - deltaMs).toISOString(),
    });
    // Same state seen 8 days later (rotateAt passed) and 11 days later (expired): shift the dates back instead.
    const rotDue = at(properties.expiresAt, 8 * DAY);
    expect(
      await plugin.diff(
        urn,
        id,
        { ...rotDue, rotateAt: new Date(Date.parse(rotDue.expiresAt) - 3 * DAY).toISOString() },
        checked.inputs,
      ),
    ).toMatchObject({ changes: "some", replaces: ["rotateAt"] });
    expect(await plugin.diff(urn, id, at(properties.expiresAt, 11 * DAY), checked.inputs)).toMatchObject({
      changes: "some",
      replaces: ["expiresAt"],
    });
    await plugin.delete(urn, id, properties);
  });

  it("drops a key revoked out of band on refresh", async () => {
    const urn = urnOf("revoked");
    const checked = await plugin.check(urn, {}, args("revoked", { permission: "viewer", validForDays: 5 }));
    const { id, properties } = await plugin.create(urn, checked.inputs);
    expect(sim.revokeKey(properties.organization, properties.keyId)).toBe(true);
    const read = await plugin.read(urn, id, properties);
    expect(read.id).toBe("");
    await plugin.delete(urn, id, properties); // destroy after that is harmless
  });

  it("changes to provider-only settings update in place and keep the key", async () => {
    const urn = urnOf("settings");
    const checked = await plugin.check(urn, {}, args("settings", { permission: "viewer", validForDays: 90 }));
    const { id, properties } = await plugin.create(urn, checked.inputs);
    const news = (
      await plugin.check(
        urn,
        checked.inputs,
        args("settings", { permission: "viewer", validForDays: 90, rotateBeforeDays: 10, revokeOnDelete: false }),
      )
    ).inputs;
    expect(await plugin.diff(urn, id, properties, news)).toMatchObject({ changes: "some", replaces: [] });
    const updated = await plugin.update(urn, id, properties, news);
    expect(updated.properties).toMatchObject({
      key: properties.key,
      keyId: properties.keyId,
      rotateBeforeDays: 10,
      revokeOnDelete: false,
    });
    expect(Date.parse(updated.properties.expiresAt) - Date.parse(updated.properties.rotateAt)).toBe(10 * DAY);
    // revokeOnDelete: false leaves the key to expire.
    await plugin.delete(urn, id, updated.properties);
    expect(sim.liveKeys().map((k) => k.keyId)).toContain(properties.keyId);
  });

  it("a key stored with the other form of serialized provider (the stubs) stays unchanged and is revoked", async () => {
    // An npm-linked package serializes the stubs; installing it normally later switches to the short form.
    const stubs = serializedProvider(REPO);
    expect(stubs).toContain('require("pulumi-qwilt-api-keys/provider")');
    const urn = urnOf("linked-before");
    const old = { permission: "viewer", validForDays: 30, __resourceName: "linked-before", __provider: stubs };
    const checked = await plugin.check(urn, {}, old);
    const { id, properties } = await plugin.create(urn, checked.inputs);
    expect(properties.__provider).toBe(stubs);
    const news = (
      await plugin.check(urn, properties, args("linked-before", { permission: "viewer", validForDays: 30 }))
    ).inputs;
    expect(news.__provider).toBe(provider());
    expect(await plugin.diff(urn, id, properties, news)).toMatchObject({ changes: "none", replaces: [] });
    expect((await plugin.read(urn, id, properties)).id).toBe(id);
    await plugin.delete(urn, id, properties);
    expect(sim.liveKeys().map((k) => k.keyId)).not.toContain(properties.keyId);
  });

  it("rejects bad input at check, naming the field and the allowed values", async () => {
    const { failures } = await plugin.check(
      urnOf("bad"),
      {},
      args("bad", { permission: "admin", validForDays: 400, rotateBeforeDays: 1.5 }),
    );
    expect(failures).toEqual([
      { property: "permission", reason: 'permission must be one of "viewer", "editor" (got "admin")' },
      { property: "validForDays", reason: "validForDays must be a whole number of days from 1 to 365 (got 400)" },
      {
        property: "rotateBeforeDays",
        reason: "rotateBeforeDays must be a whole number of days from 0 to validForDays - 1 (got 1.5)",
      },
    ]);
    expect(
      (await plugin.check(urnOf("preview"), {}, args("preview", { permission: UNKNOWN, validForDays: UNKNOWN })))
        .failures,
    ).toEqual([]);
  });
});

describe("activation", () => {
  it("waits for a new key to work, and tracks a key that never did (created but not initialised)", async () => {
    const slow = await startSimulator({ propagationDelayMs: 1500 });
    const p = await startPlugin(inject("packedProject"));
    try {
      await p.configure(apiKeyConfig(slow));
      const urn = urnOf("slow");
      const ok = await p.check(urn, {}, args("slow", { permission: "viewer", validForDays: 30 }));
      const started = Date.now();
      const created = await p.create(urn, ok.inputs);
      expect(Date.now() - started).toBeGreaterThanOrEqual(1400);
      expect(slow.requests.filter((r) => r.status === 401).length).toBeGreaterThan(0);

      const short = await p.check(
        urnOf("short"),
        {},
        args("short", { permission: "viewer", validForDays: 30, activationTimeoutSeconds: 1 }),
      );
      const err = await p.create(urnOf("short"), short.inputs).then(
        () => undefined,
        (e) => e,
      );
      expect(err).toBeInstanceOf(PluginCallError);
      expect(err.message).toMatch(/did not become active within 1 s/);
      expect(err.initFailure?.id).toMatch(/\/\d+$/);
      expect(err.initFailure?.properties.key).toEqual(expect.any(String));
      // The next up updates the half-made resource: it waits again and finishes.
      await new Promise((r) => setTimeout(r, 1600));
      const finished = await p.update(urnOf("short"), err.initFailure!.id, err.initFailure!.properties, short.inputs);
      expect(finished.properties.keyId).toBe(err.initFailure!.properties.keyId);
      expect(slow.liveKeys()).toHaveLength(3); // bootstrap + two
      expect(created.properties.key).not.toBe(finished.properties.key);
    } finally {
      await p.stop();
      await slow.close();
    }
  });
});

describe("secrets", () => {
  it("never prints a key or credential", () => {
    const printed = plugin.output();
    expect(printed).not.toContain(sim.bootstrapKey);
    for (const k of sim.keys()) expect(printed).not.toContain(`${k.name}=`);
  });
});
