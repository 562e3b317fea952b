/**
 * Whole `pulumi up` / `preview` / `refresh` / `destroy` lifecycles, scenario by scenario, through
 * the lifecycle harness (test/lifecycle/harness): each program in test/lifecycle/scenarios/ runs
 * in a project that holds the packed package, under Pulumi's mock runtime, and every resource goes
 * to Pulumi's real dynamic-provider plugin over gRPC, against the Qwilt simulator. The API calls of
 * every step are printed as a table at the end.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { callCounts, callTable } from "./lifecycle/harness/api-calls.js";
import type { StackState } from "./lifecycle/harness/state-file.js";
import { reveal } from "./lifecycle/harness/wire.js";
import { apiCallLog, harnessScenario as scenario, Scenario, stepsOf } from "./lifecycle/scenario";
import {
  activationIndex,
  destroyTwice,
  firstUp,
  replaceOnChange,
  sequence,
  writes,
} from "./lifecycle/shared-scenarios";

const DAY = 24 * 60 * 60 * 1000;
const KEYS = "/api/1/api-keys";
const { expectOk } = Scenario;
const DEPLOYER = ["deployer", "deployer-ci"];

afterAll(() => {
  console.log(
    `API calls per scenario step (the simulator's log; * = a write endpoint, > = a step that wrote, (1×404) = answered 404 once):\n${callTable(apiCallLog)}`,
  );
});

// Each run is two processes (the program, the plugin) that load Pulumi: a scenario of four runs needs room on a busy machine.
describe("lifecycle through Pulumi's real provider plugin (harness)", { timeout: 180_000 }, () => {
  it("1. the first up creates every key, and the consumer holds its key", () =>
    scenario("01-first-up", async (s) => {
      const { up } = await firstUp(s);
      expect(up.steps).toHaveLength(3);
      expect(stepsOf(up, ["reporting"])).toEqual([["create", "reporting"]]);
      expect(stepsOf(up, DEPLOYER)).toEqual([
        ["create", "deployer"],
        ["create", "deployer-ci"],
      ]);
      expect(up.outputs).toEqual({
        deployerKey: "[secret]",
        deployerKeyId: (await s.resource("deployer")).outputs.keyId,
        reportingKeyId: (await s.resource("reporting")).outputs.keyId,
      });
      expect(up.output).not.toContain(await s.key("deployer"));
    }));

  it("2. a second up with nothing changed makes no API call at all", () =>
    scenario("02-no-change", async (s) => {
      expectOk(await s.step("up (empty stack)", (stack) => stack.up()));
      const before = readFileSync(s.stateFile, "utf8");
      const again = await s.step("up, nothing changed", (stack) => stack.up());
      expectOk(again);
      expect(again.api).toEqual([]);
      expect(again.steps).toHaveLength(3);
      expect(stepsOf(again, ["reporting"])).toEqual([["same", "reporting"]]);
      expect(stepsOf(again, DEPLOYER)).toEqual([
        ["same", "deployer"],
        ["same", "deployer-ci"],
      ]);
      expect(again.calls!.map((c) => c.method)).toEqual(["Check", "Diff", "Check", "Diff", "Check", "Diff"]);
      expect(readFileSync(s.stateFile, "utf8")).toBe(before);
    }));

  it("3. changing permission or validity replaces the key, new before old; deleteBeforeReplace revokes first", () =>
    scenario(
      "03-replace",
      async (s) => {
        const runs = await replaceOnChange(s);
        for (const run of [runs.toViewer, runs.longer]) {
          expect(run.steps).toHaveLength(4);
          expect(stepsOf(run, ["ops"])).toEqual([["same", "ops"]]);
          expect(stepsOf(run, DEPLOYER)).toEqual([
            ["create-replacement", "deployer", [run === runs.toViewer ? "permission" : "validForDays"]],
            ["update", "deployer-ci"],
            ["delete-replaced", "deployer"],
          ]);
        }
        expect(runs.opsUp.steps).toHaveLength(4);
        expect(stepsOf(runs.opsUp, ["ops"])).toEqual([
          ["delete-replaced", "ops"],
          ["create-replacement", "ops", ["validForDays"]],
        ]);
        expect(stepsOf(runs.opsUp, DEPLOYER)).toEqual([
          ["same", "deployer"],
          ["same", "deployer-ci"],
        ]);
      },
      { simulator: { uniqueNames: true } },
    ));

  it("4. past rotateAt the next up rotates the key; past expiresAt it replaces it", () =>
    scenario("04-rotation", async (s) => {
      expectOk(await s.step("up (empty stack)", (stack) => stack.up()));
      const first = await s.resource("deployer");
      const reporting = await s.resource("reporting");

      // 24 days on, the editor key (30 days, rotated 7 before expiry) is due; the viewer key (90 days) is not.
      s.advanceClock(24 * DAY);
      const rotate = await s.step("clock +24 d, up", (stack) => stack.up());
      expectOk(rotate);
      expect(rotate.steps).toHaveLength(4);
      expect(stepsOf(rotate, ["reporting"])).toEqual([["same", "reporting"]]);
      expect(stepsOf(rotate, DEPLOYER)).toEqual([
        ["create-replacement", "deployer", ["rotateAt"]],
        ["update", "deployer-ci"],
        ["delete-replaced", "deployer"],
      ]);
      expect(writes(rotate.api)).toEqual([`POST ${KEYS}`, `DELETE ${KEYS}/${first.outputs.keyId}`]);
      expect(activationIndex(rotate.api)).toBeLessThan(
        sequence(rotate.api).indexOf(`DELETE ${KEYS}/${first.outputs.keyId}`),
      );
      const rotated = await s.resource("deployer");
      expect(rotated.outputs.createdAt).toBe(s.sim.keys().find((k) => k.keyId === rotated.outputs.keyId)!.createdAt);
      expect(Date.parse(rotated.outputs.createdAt) - Date.parse(first.outputs.createdAt)).toBeGreaterThanOrEqual(
        24 * DAY,
      );
      expect(Date.parse(rotated.outputs.expiresAt) - Date.parse(rotated.outputs.rotateAt)).toBe(7 * DAY);
      expect(s.ciSecret()).toEqual({ keyId: rotated.outputs.keyId, key: await s.key("deployer") });
      expect(await s.resource("reporting")).toEqual(reporting);

      // 31 days more (day 55): the rotated key (made on day 24, 30 days) has expired; the viewer key's rotateAt (day 60) is still ahead.
      s.advanceClock(31 * DAY);
      const expired = await s.step("clock +31 d, up", (stack) => stack.up());
      expectOk(expired);
      expect(expired.steps).toHaveLength(4);
      expect(stepsOf(expired, ["reporting"])).toEqual([["same", "reporting"]]);
      expect(stepsOf(expired, DEPLOYER)).toEqual([
        ["create-replacement", "deployer", ["expiresAt"]],
        ["update", "deployer-ci"],
        ["delete-replaced", "deployer"],
      ]);
      const renewed = await s.resource("deployer");
      // The expired key is still listed by Qwilt until cleaned up: it is revoked all the same.
      expect(writes(expired.api)).toEqual([`POST ${KEYS}`, `DELETE ${KEYS}/${rotated.outputs.keyId}`]);
      expect(s.ciSecret()).toEqual({ keyId: renewed.outputs.keyId, key: await s.key("deployer") });
      expect(s.liveKeys().map((k) => k.keyId)).toEqual([reporting.outputs.keyId, renewed.outputs.keyId]);
    }));

  it("5. a key revoked out of band: refresh drops it, the next up makes it again", () =>
    scenario("05-revoked-out-of-band", async (s) => {
      expectOk(await s.step("up (empty stack)", (stack) => stack.up()));
      const revoked = (await s.resource("deployer")).outputs;
      expect(s.sim.revokeKey(revoked.organization, revoked.keyId)).toBe(true);

      // up alone cannot know: Diff calls no API.
      const blind = await s.step("revoked in Qwilt, up", (stack) => stack.up());
      expectOk(blind);
      expect(stepsOf(blind)).toEqual([
        ["same", "deployer"],
        ["same", "deployer-ci"],
      ]);
      expect(blind.api).toEqual([]);

      const refresh = await s.step("refresh", (stack) => stack.refresh());
      expectOk(refresh);
      // Every resource is read at once (deploymentExecutor.refresh): the steps end in either order.
      expect(stepsOf(refresh, ["deployer"])).toEqual([["refresh-gone", "deployer"]]);
      expect(stepsOf(refresh, ["deployer-ci"])).toEqual([["refresh", "deployer-ci"]]);
      expect(writes(refresh.api)).toEqual([]);
      expect((await s.resources()).map((r) => r.urn.split("::").pop())).toEqual(["deployer-ci"]);

      const up = await s.step("up", (stack) => stack.up());
      expectOk(up);
      expect(stepsOf(up)).toEqual([
        ["create", "deployer"],
        ["update", "deployer-ci"],
      ]);
      expect(callCounts(up.api)).toEqual({ [`POST ${KEYS} 201`]: 1, [`GET ${KEYS} 200`]: 1 });
      const made = (await s.resource("deployer")).outputs;
      expect(made.keyId).not.toBe(revoked.keyId);
      expect(s.liveKeys().map((k) => k.keyId)).toEqual([made.keyId]);
      expect(s.ciSecret()).toEqual({ keyId: made.keyId, key: await s.key("deployer") });
    }));

  it("6. preview with unknown inputs (fed from another resource's outputs) checks and diffs, and calls no API", () =>
    scenario("06-preview-unknowns", async (s) => {
      const fresh = await s.step("preview (empty stack)", (stack) => stack.preview());
      expectOk(fresh);
      expect(fresh.api).toEqual([]);
      expect(stepsOf(fresh)).toEqual([
        ["create", "platform"],
        ["create", "deployer"],
        ["create", "deployer-ci"],
      ]);
      // The policy's description is computed by its provider: unknown until it exists.
      expect(fresh.calls).toEqual([
        { method: "Check", name: "platform" },
        { method: "Check", name: "deployer", unknowns: ["description"] },
        { method: "Check", name: "deployer-ci", unknowns: ["key", "keyId"] },
      ]);
      expect(fresh.outputs).toEqual({ deployerKeyId: "(unknown)", deployerDescription: "(unknown)" });
      expect(await s.resources()).toEqual([]);

      expectOk(await s.step("up", (stack) => stack.up()));
      const before = readFileSync(s.stateFile, "utf8");
      const deployer = (await s.resource("deployer")).outputs;
      expect(deployer).toMatchObject({ validForDays: 30, description: "Deploy key of team platform, valid 30 days" });

      s.stack.config.validForDays = "60";
      const changed = await s.step("policy 30 → 60 days, preview", (stack) => stack.preview());
      expectOk(changed);
      expect(changed.api).toEqual([]);
      expect(stepsOf(changed)).toEqual([
        ["update", "platform"],
        ["create-replacement", "deployer", ["validForDays", "description"]],
        ["update", "deployer-ci"],
        ["delete-replaced", "deployer"],
      ]);
      expect(changed.calls).toEqual([
        { method: "Check", name: "platform" },
        { method: "Diff", name: "platform" },
        { method: "Check", name: "deployer", unknowns: ["description"] },
        { method: "Diff", name: "deployer", unknowns: ["description"] },
        { method: "Check", name: "deployer", unknowns: ["description"] },
        { method: "Check", name: "deployer-ci", unknowns: ["key", "keyId"] },
        { method: "Diff", name: "deployer-ci", unknowns: ["key", "keyId"] },
      ]);
      expect(readFileSync(s.stateFile, "utf8")).toBe(before);

      const up = await s.step("policy 30 → 60 days, up", (stack) => stack.up());
      expectOk(up);
      const now = (await s.resource("deployer")).outputs;
      expect(now).toMatchObject({ validForDays: 60, description: "Deploy key of team platform, valid 60 days" });
      expect(s.liveKeys().map((k) => [k.keyId, k.ttl, k.description])).toEqual([
        [now.keyId, 60, "Deploy key of team platform, valid 60 days"],
      ]);
      expect(s.ciSecret()).toEqual({ keyId: now.keyId, key: await s.key("deployer") });
    }));

  it("7. destroy revokes every key; a second destroy, and one replayed from stale state, are harmless", () =>
    scenario("07-destroy", async (s) => {
      // The state as it was before the first destroy, to replay a destroy that never saved.
      let beforeDestroy = "";
      const runs = await destroyTwice(s, () => (beforeDestroy = readFileSync(s.stateFile, "utf8")));
      expect(runs.destroy.steps).toHaveLength(3);
      expect(stepsOf(runs.destroy, ["reporting"])).toEqual([["delete", "reporting"]]);
      expect(stepsOf(runs.destroy, DEPLOYER)).toEqual([
        ["delete", "deployer-ci"],
        ["delete", "deployer"],
      ]);
      expect(stepsOf(runs.again)).toEqual([]);

      writeFileSync(s.stateFile, beforeDestroy);
      const replay = await s.step("destroy replayed from the state before the first", (st) => st.destroy());
      expectOk(replay);
      expect(stepsOf(replay)).toEqual(stepsOf(runs.destroy));
      // Looked up, found gone, nothing revoked.
      expect(writes(replay.api)).toEqual([]);
      expect(sequence(replay.api).sort()).toEqual(
        [`GET ${KEYS}/${runs.deployer}`, `GET ${KEYS}/${runs.reporting}`].sort(),
      );
      expect(replay.api.map((r) => r.status)).toEqual([404, 404]);
      expect(await s.resources()).toEqual([]);
    }));

  it("8. a create refused with 403 leaves nothing behind; the next up makes the key", () =>
    scenario("08-failed-create", async (s) => {
      s.sim.faults.add({ method: "POST", path: KEYS, status: 403 });
      const refused = await s.step("up, Qwilt refuses (403)", (stack) => stack.up());
      expect(refused.ok).toBe(false);
      expect(refused.errors).toHaveLength(1);
      expect(refused.errors[0]).toMatch(/^deployer: create failed: .*403/);
      expect(stepsOf(refused)).toEqual([["create", "deployer"]]);
      expect(refused.steps![0]!.error).toBe(refused.errors[0]);
      expect(callCounts(refused.api)).toEqual({ [`POST ${KEYS} 403`]: 1 });
      expect(await s.resources()).toEqual([]);
      expect(s.liveKeys()).toEqual([]);
      expect(s.ciSecret()).toBeUndefined();

      const up = await s.step("up", (stack) => stack.up());
      expectOk(up);
      expect(stepsOf(up)).toEqual([
        ["create", "deployer"],
        ["create", "deployer-ci"],
      ]);
      const made = (await s.resource("deployer")).outputs;
      expect(s.liveKeys().map((k) => k.keyId)).toEqual([made.keyId]);
      expect(s.ciSecret()).toEqual({ keyId: made.keyId, key: await s.key("deployer") });
    }));

  it("8b. a key made but not active in time is kept (not initialised); the next up finishes it with an update", () =>
    scenario(
      "08-failed-create",
      async (s) => {
        s.stack.config.activationTimeoutSeconds = "1";
        const activate = s.holdActivation();
        const slow = await s.step("up, key not active within 1 s", (stack) => stack.up());
        expect(slow.ok).toBe(false);
        expect(slow.errors).toEqual([
          expect.stringMatching(
            /^deployer: create failed: key org-1\/\d+ \("deployer-[0-9a-f]{7}"\) was created but did not become active within 1 s/,
          ),
        ]);
        const kept = await s.resource("deployer");
        expect(kept.initErrors).toEqual([expect.stringMatching(/did not become active within 1 s/)]);
        expect(s.liveKeys().map((k) => k.keyId)).toEqual([kept.outputs.keyId]);
        expect(s.ciSecret()).toBeUndefined();
        expect((await s.resources()).map((r) => r.urn.split("::").pop())).toEqual(["deployer"]);

        // Once the key works, the next up updates it (no diff, but not initialised) and goes on.
        activate();
        const up = await s.step("up, key active by now", (stack) => stack.up());
        expectOk(up);
        expect(stepsOf(up)).toEqual([
          ["update", "deployer"],
          ["create", "deployer-ci"],
        ]);
        expect(callCounts(up.api)).toEqual({ [`GET ${KEYS} 200`]: 1 });
        const finished = await s.resource("deployer");
        expect(finished.initErrors).toBeUndefined();
        expect(finished.outputs.keyId).toBe(kept.outputs.keyId);
        expect(s.ciSecret()).toEqual({ keyId: kept.outputs.keyId, key: await s.key("deployer") });
      },
      { label: "08b-not-active-in-time" },
    ));

  it("8c. a run that fails after making a replacement keeps the old key marked for deletion; the next up revokes it at its end; a failing program deletes nothing", () =>
    scenario(
      "08-failed-create",
      async (s) => {
        expectOk(await s.step("up (empty stack)", (stack) => stack.up()));
        const old = (await s.resource("deployer")).outputs;
        // The CI secret cannot be written: its file's place is taken by a folder.
        const file = join(s.projectDir, "ci-secrets", "deployer.json");
        rmSync(file);
        mkdirSync(file);

        s.stack.config.validForDays = "60";
        const failed = await s.step("up: validForDays 30 → 60, the CI secret cannot be written", (stack) => stack.up());
        expect(failed.ok).toBe(false);
        expect(failed.errors).toEqual([expect.stringMatching(/^deployer-ci: update failed: .*EISDIR/)]);
        expect(stepsOf(failed)).toEqual([
          ["create-replacement", "deployer", ["validForDays"]],
          ["update", "deployer-ci"],
        ]);
        expect(writes(failed.api)).toEqual([`POST ${KEYS}`]);
        const made = (await s.resource("deployer")).outputs;
        const kept = (await s.resources()).filter((r) => r.delete);
        expect(kept.map((r) => [r.urn.split("::").pop(), r.outputs.keyId])).toEqual([["deployer", old.keyId]]);
        expect(s.liveKeys().map((k) => k.keyId)).toEqual([old.keyId, made.keyId]);

        rmSync(file, { recursive: true });
        const up = await s.step("up: the CI secret can be written again", (stack) => stack.up());
        expectOk(up);
        // The leftover delete runs with the deletes at the end of the up, after its consumer has the new key (GenerateDeletes).
        expect(stepsOf(up)).toEqual([
          ["same", "deployer"],
          ["update", "deployer-ci"],
          ["delete-replaced", "deployer"],
        ]);
        expect(writes(up.api)).toEqual([`DELETE ${KEYS}/${old.keyId}`]);
        expect((await s.resources()).filter((r) => r.delete)).toEqual([]);
        expect(s.liveKeys().map((k) => k.keyId)).toEqual([made.keyId]);
        expect(s.ciSecret()).toEqual({ keyId: made.keyId, key: await s.key("deployer") });

        // A program that throws before declaring the CI secret: the up fails and deletes nothing.
        const before = readFileSync(s.stateFile, "utf8");
        s.stack.config.failHalfWay = "true";
        const halfWay = await s.step("up: the program throws before declaring the CI secret", (stack) => stack.up());
        expect(halfWay.ok).toBe(false);
        expect(halfWay.errors).toEqual(["the program stopped half-way"]);
        expect(stepsOf(halfWay)).toEqual([["same", "deployer"]]);
        expect(halfWay.api).toEqual([]);
        // Nothing changed but the default provider: its inputs are the stack config, now with failHalfWay (Registry.Update).
        const after = await s.stack.state();
        const { defaultProvider: _, ...unchanged } = JSON.parse(before) as StackState;
        expect({ ...after, defaultProvider: undefined }).toEqual({ ...unchanged, defaultProvider: undefined });
        expect(halfWay.providerSteps).toEqual(["update"]);
        expect(reveal(after.defaultProvider!.inputs)).toMatchObject({
          "lifecycle-08-failed-create:failHalfWay": "true",
        });
        expect(s.ciSecret()).toEqual({ keyId: made.keyId, key: await s.key("deployer") });
      },
      { label: "08c-failed-run" },
    ));
});
