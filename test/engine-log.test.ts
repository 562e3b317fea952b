/**
 * What the user reads, through Pulumi's real dynamic-provider plugin: warnings and progress reach a
 * stand-in for the engine's own gRPC service (`Engine.Log`, test/lifecycle/harness/engine-service.js),
 * whose address the plugin gets as its last argument after the flags the engine puts first; and our
 * errors leave the plugin printed once, without a JavaScript call stack. (Without an engine, warnings
 * go to stderr: test/bad-config.test.ts reads them there.)
 */
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { startSimulator, type Simulator } from "../sdk/simulator";
import { startEngineService, type LogEntry } from "./lifecycle/harness/engine-service.js";
import { PluginCallError, startPlugin, urnOf, type PluginProcess } from "./helpers/plugin";
import { apiKeyConfig } from "./helpers/plugin-fixture";
import { serializedProvider } from "./helpers/serialized-provider";

const DAY = 24 * 60 * 60 * 1000;
/** The flags the engine puts before its address (buildPluginArguments: --logflow with -v, and --tracing). */
const ENGINE_FLAGS = ["--logtostderr", "-v=9", "--tracing", "127.0.0.1:9"];

let sim: Simulator;
let engine: Awaited<ReturnType<typeof startEngineService>>;
let plugin: PluginProcess;
let provider: string;

beforeAll(async () => {
  // Keys take 6 s to become active: long enough for a status line.
  sim = await startSimulator({ propagationDelayMs: 6000 });
  engine = await startEngineService();
  provider = serializedProvider(inject("packedProject"));
  plugin = await startPlugin(inject("packedProject"), {}, { engineAddress: engine.address, flags: ENGINE_FLAGS });
  await plugin.configure({ ...apiKeyConfig(sim), "qwilt:region": "eu" });
});
afterAll(async () => {
  await plugin?.stop();
  await engine?.close();
  await sim?.close();
});

const args = (name: string, a: Record<string, unknown>) => ({ ...a, __resourceName: name, __provider: provider });
const since = (n: number) => engine.logs.slice(n);
const plain = (logs: LogEntry[]) => logs.filter((l) => !l.ephemeral).map((l) => [l.severity, l.message]);

describe("Engine.Log: the plugin's messages reach the engine with their severity", () => {
  it("ignored config, the activation wait (status lines, then info) and a key left to expire", async () => {
    const urn = urnOf("logged");
    const checked = await plugin.check(
      urn,
      {},
      args("logged", { permission: "viewer", validForDays: 7, revokeOnDelete: false }),
    );
    expect(checked.failures).toEqual([]);
    expect(plain(engine.logs)).toEqual([
      ["warning", expect.stringMatching(/^unknown configuration qwilt:region ignored; the known keys are /)],
    ]);

    const from = engine.logs.length;
    const { id, properties } = await plugin.create(urn, checked.inputs);
    const wait = since(from);
    const status = wait.filter((l) => l.ephemeral);
    expect(status.length).toBeGreaterThanOrEqual(1);
    expect(status[0]).toEqual({
      severity: "info",
      ephemeral: true,
      urn: "",
      message: `waiting for key ${id} ("${properties.name}") to become active: 5 s of at most 600 s`,
    });
    expect(plain(wait)).toEqual([
      ["info", expect.stringMatching(new RegExp(`^key ${id} \\("${properties.name}"\\) is active, after [5-9] s$`))],
    ]);

    const before = engine.logs.length;
    await plugin.delete(urn, id, properties);
    expect(plain(since(before))).toEqual([
      [
        "warning",
        `key "${properties.name}" (${id}) is not revoked (revokeOnDelete: false); it keeps working until it expires at ${properties.expiresAt}`,
      ],
    ]);
    expect(sim.liveKeys().map((k) => k.keyId)).toContain(properties.keyId);
    sim.revokeKey(properties.organization, properties.keyId);
  });

  it("a rotation that is due: a warning naming the key, its rotateAt and expiresAt, and what the next up does", async () => {
    const urn = urnOf("due");
    const checked = await plugin.check(
      urn,
      {},
      args("due", { permission: "editor", validForDays: 10, rotateBeforeDays: 3, waitForActivation: false }),
    );
    const { id, properties } = await plugin.create(urn, checked.inputs);
    // The same state 8 days on (rotateAt passed), then 11 days on (expired): the dates shifted back instead.
    const shifted = (days: number) => ({
      ...properties,
      expiresAt: new Date(Date.parse(properties.expiresAt) - days * DAY).toISOString(),
    });
    const key = `key ${properties.organization}/${properties.keyId} ("${properties.name}")`;

    let from = engine.logs.length;
    const rotate = shifted(8);
    expect(await plugin.diff(urn, id, rotate, checked.inputs)).toMatchObject({
      changes: "some",
      replaces: ["rotateAt"],
    });
    const rotateAt = new Date(Date.parse(rotate.expiresAt) - 3 * DAY).toISOString();
    expect(plain(since(from))).toEqual([
      [
        "warning",
        `${key} is due for rotation: its rotateAt ${rotateAt} has passed (it expires at ${rotate.expiresAt}): \`pulumi up\` replaces it (a new key is made, then this one is revoked)`,
      ],
    ]);

    from = engine.logs.length;
    const expired = shifted(11);
    expect(await plugin.diff(urn, id, expired, checked.inputs)).toMatchObject({
      changes: "some",
      replaces: ["expiresAt"],
    });
    expect(plain(since(from))).toEqual([
      [
        "warning",
        `${key} expired at ${expired.expiresAt} and no longer works: \`pulumi up\` replaces it (a new key is made, then this one is revoked)`,
      ],
    ]);
    await plugin.delete(urn, id, properties);
  });

  it("sent to the engine, none of it went to stderr, and none of it holds a key", () => {
    expect(plugin.output()).not.toMatch(/warning: qwilt:|qwilt: key /);
    const all = engine.logs.map((l) => l.message).join("\n");
    expect(all).not.toContain(sim.bootstrapKey);
    expect(all).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}\./);
  });
});

describe("our errors reach the user once, without a call stack", () => {
  it("a failed delete, read and check print one line each: the resource type and the message", async () => {
    const urn = urnOf("failing");
    const checked = await plugin.check(
      urn,
      {},
      args("failing", { permission: "viewer", validForDays: 3, waitForActivation: false }),
    );
    const { id, properties } = await plugin.create(urn, checked.inputs);
    sim.faults.add({ method: "DELETE", path: "/api/1/api-keys/*", status: 500, times: Infinity });
    sim.faults.add({ method: "GET", path: "/api/1/api-keys*", status: 500, times: Infinity });
    const messages: string[] = [];
    const failed = (p: Promise<unknown>) =>
      p.then(
        () => expect.unreachable("the call succeeded"),
        (e: unknown) => {
          expect(e).toBeInstanceOf(PluginCallError);
          messages.push((e as Error).message);
        },
      );
    const printedBefore = plugin.output().length;
    await failed(plugin.read(urn, id, properties));
    await failed(plugin.delete(urn, id, properties));
    // Check fails on a settings problem raised while configuring: a plugin of its own with a bad timeout.
    sim.faults.clear();
    const bad = await startPlugin(inject("packedProject"), {}, { engineAddress: engine.address });
    try {
      await bad.configure({ ...apiKeyConfig(sim), "qwilt:timeoutMs": "5" });
      await failed(bad.check(urn, {}, args("failing", { permission: "viewer", validForDays: 3 })));
      // After the port it listens on: one line.
      expect(bad.output().trim().split("\n").slice(1)).toEqual([`qwilt:ApiKey: ${messages[2]}`]);
    } finally {
      await bad.stop();
    }
    await new Promise((r) => setTimeout(r, 100)); // stderr is a pipe: let the last line arrive
    const printed = plugin.output().slice(printedBefore);
    expect(messages[0]).toMatch(
      /^Could not read key "failing-[0-9a-f]{7}" \(org-1\/\d+\): GET \/api\/1\/api-keys\S*: 500 Internal Server Error/,
    );
    expect(messages[1]).toMatch(/^Could not revoke key "failing-[0-9a-f]{7}" \(org-1\/\d+\): /);
    expect(printed.trim().split("\n")).toEqual([`qwilt:ApiKey: ${messages[0]}`, `qwilt:ApiKey: ${messages[1]}`]);
    expect(printed).not.toMatch(/^\s+at /m);
    await plugin.delete(urn, id, properties);
    expect(sim.liveKeys().map((k) => k.keyId)).not.toContain(properties.keyId);
  });
});
