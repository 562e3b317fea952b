/**
 * The live acceptance suite (`npm run test:live`, like a Terraform provider's TF_ACC tests): one
 * stack's whole lifecycle through Pulumi's real provider plugin (the lifecycle harness plays the
 * engine), against whatever API the environment names: QWILT_LIVE=1 and the provider's own variables
 * (QWILT_API_KEY, or QWILT_USERNAME/QWILT_PASSWORD with QWILT_ORG_ID; QWILT_USERS_URL, QWILT_LOGIN_URL).
 * Nothing here knows it may be talking to the simulator: no clock to move, no control routes; a person's
 * out-of-band revoke is a revoke through the sdk client. CI runs it against the simulator started as its
 * own process (scripts/test-live-simulator.js).
 *
 * Every key is a viewer key valid one day, named `pqak-live-<run id>-...`, its description saying what
 * made it. Whatever happens, afterAll revokes every key with this run's prefix and says which; keys a
 * run could not revoke expire within a day, and `npm run test:live -- --sweep` revokes those older than
 * an hour.
 */
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { QwiltClient } from "../../sdk/client/qwilt-client";
import type { ApiKeyInfo } from "../../sdk/client/types";
import { makePackedProject, removeProject } from "../helpers/packed-project";
import type { Step } from "../lifecycle/harness/engine.js";
import { installProgram } from "../lifecycle/harness/project.js";
import { HarnessStack } from "../lifecycle/harness/stack.js";
import { isSecret, reveal } from "../lifecycle/harness/wire.js";
import { LIVE_PREFIX, liveConnection, newRunId, providerConfig, revokeWhere } from "./live-api.js";

const LIVE = process.env.QWILT_LIVE === "1";
const DAY_MS = 24 * 60 * 60 * 1000;
// Qwilt documents up to five minutes for a new key to work: a step that waits for one needs room.
const STEP_TIMEOUT_MS = 12 * 60 * 1000;

const runId = process.env.QWILT_LIVE_RUN_ID || newRunId();
const prefix = `${LIVE_PREFIX}${runId}-`;
const ofThisRun = (k: { name: string }) => k.name.startsWith(prefix);

let client: QwiltClient;
let stack: HarnessStack;
let projectDir: string | undefined;
/** The first step that failed: later steps build on it, so they are skipped rather than failed again. */
let broken: string | undefined;

type Run = Awaited<ReturnType<HarnessStack["up"]>>;
const say = (line: string) => console.log(`[live ${runId}] ${line}`);
const ops = (run: Run) => (run.steps as Step[]).map((s) => [s.op, s.name.slice(prefix.length)]);

function expectOk(run: Run) {
  expect(run.errors, run.output).toEqual([]);
  expect(run.ok).toBe(true);
}

/** The state's ApiKey of that program name (`main`, `lingering`), or undefined. */
function resource(name: string) {
  return stack.state().resources.find((r) => r.urn.endsWith(`::${prefix}${name}`) && !r.delete);
}
function keyOf(name: string): string {
  const r = resource(name)!;
  expect(isSecret(r.outputs.key)).toBe(true);
  return reveal(r.outputs.key);
}
async function listed(keyId: string): Promise<ApiKeyInfo | undefined> {
  return (await client.listKeys()).find((k) => k.keyId === keyId);
}

/** A step of the lifecycle; no key it made may appear in what the run printed. */
function step(name: string, body: () => Promise<void>) {
  it(name, { timeout: STEP_TIMEOUT_MS }, async (ctx) => {
    if (broken) ctx.skip(`an earlier step failed: ${broken}`);
    try {
      await body();
    } catch (error) {
      broken = name;
      throw error;
    }
  });
}

async function up(): Promise<Run> {
  const run = await stack.up();
  for (const r of stack.state().resources) {
    if (isSecret(r.outputs.key))
      expect(run.output.includes(reveal(r.outputs.key)), "the run printed a key").toBe(false);
  }
  return run;
}

describe.skipIf(!LIVE)(
  `live lifecycle against ${process.env.QWILT_USERS_URL || "the default Qwilt API"} (run ${runId})`,
  () => {
    beforeAll(() => {
      const connection = liveConnection(process.env);
      for (const w of connection.warnings) say(`note: ${w}`);
      client = connection.client;
      projectDir = makePackedProject(inject("tarball"), "qwilt-live-acceptance");
      installProgram(join(__dirname, "program"), projectDir);
      stack = new HarnessStack({
        projectDir,
        stack: `live-${runId}`,
        providerConfig: providerConfig(connection.resolved),
      });
      stack.config = { namePrefix: prefix, runId, rotation: "1" };
      say(`keys of this run are named ${prefix}*`);
    });

    afterAll(async () => {
      // Whatever happened above: no key of this run stays live.
      try {
        if (!client) return;
        const report = await revokeWhere(client, ofThisRun, (line) => say(`cleanup: ${line}`));
        say(
          `cleanup: ${report.revoked.length} revoked, ${report.gone.length} already gone, ${report.failed.length} could not be revoked`,
        );
        if (report.failed.length > 0) {
          throw new Error(
            `live cleanup left ${report.failed.length} key(s): ${report.failed.map((f) => `keyId ${f.key.keyId} "${f.key.name}" (expires ${f.key.expiresAt})`).join(", ")}; ` +
              "they expire within a day; `npm run test:live -- --sweep` revokes them once they are an hour old",
          );
        }
      } finally {
        await client?.close();
        if (projectDir) removeProject(projectDir);
      }
    });

    step("up creates a viewer key for one day and waits until it works", async () => {
      const run = await up();
      expectOk(run);
      expect(ops(run)).toEqual([["create", "main"]]);
      const { outputs } = resource("main")!;
      expect(outputs.name).toMatch(new RegExp(`^${prefix}main-[0-9a-f]{7}$`));
      const info = await listed(outputs.keyId);
      expect(info).toMatchObject({ keyId: outputs.keyId, name: outputs.name, permission: "viewer", ttlDays: 1 });
      expect(Date.parse(info!.expiresAt) - Date.parse(info!.createdAt)).toBe(DAY_MS);
      expect(info!.description).toContain(`run ${runId}`);
      // The up waited for activation: the key works now, at once.
      expect(await client.isKeyActive(keyOf("main"))).toBe(true);
    });

    step("a second up with nothing changed changes nothing", async () => {
      const before = resource("main")!.outputs.keyId;
      const run = await up();
      expectOk(run);
      expect(ops(run)).toEqual([["same", "main"]]);
      expect(resource("main")!.outputs.keyId).toBe(before);
      expect(await listed(before)).toBeDefined();
    });

    step("a changed description replaces the key: the new one works before the old one is revoked", async () => {
      const old = resource("main")!.outputs;
      stack.config.rotation = "2";
      const run = await up();
      expectOk(run);
      expect(ops(run)).toEqual([
        ["create-replacement", "main"],
        ["delete-replaced", "main"],
      ]);
      const now = resource("main")!.outputs;
      expect(now.keyId).not.toBe(old.keyId);
      expect(now.name).not.toBe(old.name);
      expect(now.name.startsWith(`${prefix}main-`)).toBe(true);
      expect(await client.isKeyActive(keyOf("main"))).toBe(true);
      expect(await client.getKey(old.keyId)).toBeUndefined();
      expect(await listed(old.keyId)).toBeUndefined();
    });

    step("a key revoked out of band: refresh drops it, and the next up makes a new one", async () => {
      const revoked = resource("main")!.outputs.keyId;
      expect(await client.revokeKey(revoked)).toBe(true); // as a person would, in the web UI
      const refresh = await stack.refresh();
      expectOk(refresh);
      expect(resource("main")).toBeUndefined();
      const run = await up();
      expectOk(run);
      expect(ops(run)).toEqual([["create", "main"]]);
      const now = resource("main")!.outputs;
      expect(now.keyId).not.toBe(revoked);
      expect(await client.isKeyActive(keyOf("main"))).toBe(true);
    });

    step("revokeOnDelete: false leaves the key live when it leaves the program; the run revokes it", async () => {
      stack.config.lingering = "true";
      const made = await up();
      expectOk(made);
      expect(ops(made)).toEqual([
        ["same", "main"],
        ["create", "lingering"],
      ]);
      const lingering = resource("lingering")!.outputs;
      delete stack.config.lingering;
      const dropped = await up();
      expectOk(dropped);
      expect(ops(dropped)).toEqual([
        ["same", "main"],
        ["delete", "lingering"],
      ]);
      expect(resource("lingering")).toBeUndefined();
      // Pulumi forgot it; Qwilt did not.
      expect(await listed(lingering.keyId)).toMatchObject({ name: lingering.name });
      expect(await client.revokeKey(lingering.keyId)).toBe(true);
      expect(await client.getKey(lingering.keyId)).toBeUndefined();
    });

    step("destroy revokes the key, and nothing of this run is left", async () => {
      const last = resource("main")!.outputs.keyId;
      const run = await stack.destroy();
      expectOk(run);
      expect(ops(run)).toEqual([["delete", "main"]]);
      expect(stack.state().resources).toEqual([]);
      expect(await client.getKey(last)).toBeUndefined();
      expect((await client.listKeys()).filter(ofThisRun)).toEqual([]);
    });
  },
);

if (!LIVE) {
  it.skip("live lifecycle: QWILT_LIVE is not 1 (run `npm run test:live`, which says what it needs)", () => {});
}
