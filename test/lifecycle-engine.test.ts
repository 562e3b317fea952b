/**
 * The points where a real `pulumi up / refresh / destroy` drives the provider differently from a
 * one-step-at-a-time idea of it (test/lifecycle/harness/engine.js says which engine function each
 * stands for): refresh and destroy configure the provider from the config saved at the last up; a
 * refresh diffs what it read; a replaced key left by a failed run is revoked at the end of the next
 * up, once its replacement works; an update that ends in an init failure keeps the old inputs; steps
 * run in parallel. Through the harness, Pulumi's real plugin and the simulator.
 */
import { afterAll, describe, expect, it } from "vitest";
import { callCounts, callTable } from "./lifecycle/harness/api-calls.js";
import type { HarnessStack } from "./lifecycle/harness/stack.js";
import { isSecret, reveal } from "./lifecycle/harness/wire.js";
import { apiCallLog, harnessScenario as scenario, Scenario, stepsOf } from "./lifecycle/scenario";
import { sequence, writes } from "./lifecycle/shared-scenarios";

const DAY = 24 * 60 * 60 * 1000;
const KEYS = "/api/1/api-keys";
const { expectOk } = Scenario;

afterAll(() => {
  console.log(
    `API calls per step (the simulator's log; * = a write endpoint, > = a step that wrote):\n${callTable(apiCallLog)}`,
  );
});

describe("as the engine drives the provider (harness)", { timeout: 180_000 }, () => {
  it("refresh and destroy use the config saved at the last up; the next up saves the new one", () =>
    scenario(
      "05-revoked-out-of-band",
      async (s) => {
        const stack = s.stack as HarnessStack;
        const first = await s.step("up (empty stack)", (st) => st.up());
        expectOk(first);
        expect(first.providerSteps).toEqual(["create"]);
        const saved = (await s.stack.state()).defaultProvider!;
        expect(saved.urn).toBe(
          "urn:pulumi:dev::lifecycle-05-revoked-out-of-band::pulumi:providers:pulumi-nodejs::default",
        );
        expect(isSecret(saved.inputs["qwilt:apiKey"])).toBe(true);

        // The bootstrap key is replaced: a new one goes into the stack config, the old one is revoked.
        const org = s.sim.user.orgId;
        const old = s.sim.keys().find((k) => k.name === "bootstrap")!;
        const next = s.sim.createKey(org, { name: "bootstrap", permission: "MediaEditor", ttl: 365, active: true });
        expect(s.sim.revokeKey(org, old.keyId)).toBe(true);
        stack.providerConfig["qwilt:apiKey"] = next.apiToken;

        const refresh = await s.step("new qwilt:apiKey, refresh", (st) => st.refresh());
        expect(refresh.ok).toBe(false);
        expect(refresh.providerSteps).toEqual(["load"]);
        expect(refresh.errors).toEqual([
          expect.stringMatching(
            /^deployer: refresh failed: Could not read key "deployer-[0-9a-f]{7}" \(org-1\/\d+\): GET \/api\/1\/api-keys: 401 Unauthorized/,
          ),
        ]);
        expect((await s.resources()).map((r) => r.urn.split("::").pop()).sort()).toEqual(["deployer", "deployer-ci"]);

        // `pulumi up` registers the default provider with the new config and saves it.
        const up = await s.step("up", (st) => st.up());
        expectOk(up);
        expect(up.providerSteps).toEqual(["update"]);
        expect(up.api).toEqual([]);
        expect(reveal((await s.stack.state()).defaultProvider!.inputs["qwilt:apiKey"])).toBe(next.apiToken);
        expect((await s.stack.state()).defaultProvider!.id).toBe(saved.id);

        const again = await s.step("refresh", (st) => st.refresh());
        expectOk(again);
        expect(again.providerSteps).toEqual(["load"]);
        const destroy = await s.step("destroy", (st) => st.destroy());
        expectOk(destroy);
        expect(destroy.providerSteps).toEqual(["load", "delete"]);
        expect(await s.stack.state()).toEqual({ version: 1, resources: [], outputs: {} });
        expect(s.liveKeys().filter((k) => k.keyId !== next.keyId)).toEqual([]);
      },
      { label: "engine: saved config" },
    ));

  it("a refresh also diffs what it read: a key due for rotation is reported as changed; the CLI's [diff: ] of the rotation names only the fresh auto-name", () =>
    scenario(
      "04-rotation",
      async (s) => {
        expectOk(await s.step("up (empty stack)", (st) => st.up()));
        s.advanceClock(24 * DAY);
        const refresh = await s.step("clock +24 d, refresh", (st) => st.refresh());
        expectOk(refresh);
        expect(refresh.diagnostics!.map((d) => d.severity)).toEqual(["warning"]);
        expect(stepsOf(refresh, ["deployer"])).toEqual([["refresh-changed", "deployer", ["rotateAt"]]]);
        expect(stepsOf(refresh, ["reporting", "deployer-ci"]).sort()).toEqual([
          ["refresh", "deployer-ci"],
          ["refresh", "reporting"],
        ]);
        expect(writes(refresh.api)).toEqual([]);

        // Preview and up both say why the key is replaced, naming it and its dates (the CLI shows only [diff: ~name]).
        const deployer = (await s.resource("deployer")).outputs;
        const why = {
          severity: "warning",
          urn: "",
          ephemeral: false,
          message: `key ${deployer.organization}/${deployer.keyId} ("${deployer.name}") is due for rotation: its rotateAt ${deployer.rotateAt} has passed (it expires at ${deployer.expiresAt}): \`pulumi up\` replaces it (a new key is made and waited for until it works, then this one is revoked)`,
        };
        const preview = await s.step("preview", (st) => st.preview());
        expectOk(preview);
        expect(preview.diagnostics).toEqual([why]);
        const up = await s.step("up", (st) => st.up());
        expectOk(up);
        expect(up.diagnostics).toEqual([why]);
        expect(up.output).toContain(`warning: ${why.message}`);
        const rotation = up.steps!.find((st) => st.op === "create-replacement")!;
        expect(rotation).toMatchObject({ name: "deployer", replaces: ["rotateAt"], diff: "~name" });
        expect(up.steps!.find((st) => st.name === "deployer-ci")).toMatchObject({ op: "update", diff: "~key,keyId" });
      },
      { label: "engine: refresh diff" },
    ));

  it("a replaced key left by a failed run is revoked at the end of the next up, after its replacement is active and handed on", () =>
    scenario(
      "08-failed-create",
      async (s) => {
        expectOk(await s.step("up (empty stack)", (st) => st.up()));
        const old = (await s.resource("deployer")).outputs;

        s.stack.config.validForDays = "60";
        s.stack.config.activationTimeoutSeconds = "1";
        const activate = s.holdActivation();
        const failed = await s.step("up: validForDays 30 → 60, new key not active within 1 s", (st) => st.up());
        expect(failed.ok).toBe(false);
        expect(failed.errors).toEqual([
          expect.stringMatching(
            /^deployer: create-replacement failed: key org-1\/\d+ \("deployer-[0-9a-f]{7}"\) was created but did not become active within 1 s/,
          ),
        ]);
        expect(stepsOf(failed)).toEqual([["create-replacement", "deployer", ["validForDays"]]]);
        const made = await s.resource("deployer");
        expect(made.initErrors).toHaveLength(1);
        expect((await s.resources()).filter((r) => r.delete).map((r) => r.outputs.keyId)).toEqual([old.keyId]);
        expect(s.liveKeys().map((k) => k.keyId)).toEqual([old.keyId, made.outputs.keyId]);
        // The consumer still holds the old key, which still works.
        expect(s.ciSecret()!.keyId).toBe(old.keyId);

        activate();
        const up = await s.step("up: the new key is active by now", (st) => st.up());
        expectOk(up);
        expect(stepsOf(up)).toEqual([
          ["update", "deployer"],
          ["update", "deployer-ci"],
          ["delete-replaced", "deployer"],
        ]);
        // Seen to work (the list call made with it), then the old key is revoked.
        expect(writes(up.api)).toEqual([`DELETE ${KEYS}/${old.keyId}`]);
        expect(sequence(up.api).indexOf(`GET ${KEYS}`)).toBeGreaterThanOrEqual(0);
        expect(sequence(up.api).indexOf(`GET ${KEYS}`)).toBeLessThan(
          sequence(up.api).indexOf(`DELETE ${KEYS}/${old.keyId}`),
        );
        expect(s.ciSecret()).toEqual({ keyId: made.outputs.keyId, key: await s.key("deployer") });
        expect(s.liveKeys().map((k) => k.keyId)).toEqual([made.outputs.keyId]);
      },
      { label: "engine: leftover delete" },
    ));

  it("an update that ends in an init failure keeps the old inputs with the new outputs; a refresh clears init errors but not the pending activation, which the next up finishes", () =>
    scenario(
      "08-failed-create",
      async (s) => {
        s.stack.config.activationTimeoutSeconds = "2";
        const activate = s.holdActivation();
        const slow = await s.step("up, key not active within 2 s", (st) => st.up());
        expect(slow.ok).toBe(false);
        const made = await s.resource("deployer");
        expect(made.initErrors).toHaveLength(1);

        s.stack.config.activationTimeoutSeconds = "1";
        const again = await s.step("up, timeout 2 → 1 s, still not active", (st) => st.up());
        expect(again.ok).toBe(false);
        expect(stepsOf(again)).toEqual([["update", "deployer"]]);
        expect(again.steps![0]).toMatchObject({
          diff: "~activationTimeoutSeconds",
          error: expect.stringMatching(/^deployer: update failed: .*did not become active within 1 s/),
        });
        const kept = await s.resource("deployer");
        expect(kept.inputs.activationTimeoutSeconds).toBe(2);
        expect(kept.outputs.activationTimeoutSeconds).toBe(1);
        expect(kept.initErrors).toEqual([expect.stringMatching(/did not become active within 1 s/)]);

        // The refresh reads the keys from their list: the key turns active now, which a refresh does not look at.
        activate();
        const refresh = await s.step("refresh", (st) => st.refresh());
        expectOk(refresh);
        const refreshed = await s.resource("deployer");
        expect(refreshed.initErrors).toBeUndefined();
        // The pending activation survives in the outputs, and the refresh's diff already says the key will change.
        expect(refreshed.outputs.activationPending).toBe(true);
        expect(stepsOf(refresh)).toEqual([["refresh-changed", "deployer"]]);
        expect(s.liveKeys().map((k) => k.keyId)).toEqual([made.outputs.keyId]);

        // So the next up, without init errors to go by, still waits for the key, and only then hands it on.
        const up = await s.step("up after the refresh", (st) => st.up());
        expectOk(up);
        expect(stepsOf(up)).toEqual([
          ["update", "deployer"],
          ["create", "deployer-ci"],
        ]);
        expect(callCounts(up.api)).toEqual({ [`GET ${KEYS} 200`]: 1 });
        const finished = await s.resource("deployer");
        expect(finished.outputs.activationPending).toBeUndefined();
        expect(finished.outputs.keyId).toBe(made.outputs.keyId);
        expect(s.ciSecret()).toEqual({ keyId: made.outputs.keyId, key: await s.key("deployer") });
      },
      { label: "engine: update init failure" },
    ));

  it("independent keys are made, read and revoked in parallel: one login, one shared key list, no name collision", () =>
    scenario(
      "10-parallel",
      async (s) => {
        const up = await s.step("up (empty stack): 6 keys", (st) => st.up());
        expectOk(up);
        expect(stepsOf(up).map(([op]) => op)).toEqual(Array(6).fill("create"));
        expect(up.api.filter((r) => r.path === "/login")).toHaveLength(1);
        // Every answer takes 500 ms: one key after the other, the six creates (each a POST, then a check of the
        // new key) would span at least 5 s; in parallel they arrive within the time of six Checks.
        const posts = up.api.filter((r) => r.method === "POST").map((r) => Date.parse(r.at));
        expect(posts).toHaveLength(6);
        expect(Math.max(...posts) - Math.min(...posts)).toBeLessThan(2500);
        const names = s.liveKeys().map((k) => k.name);
        expect(new Set(names).size).toBe(6);

        const refresh = await s.step("refresh", (st) => st.refresh());
        expectOk(refresh);
        // A new plugin process logs in once; all six reads share one list of the organization's keys.
        expect(callCounts(refresh.api)).toEqual({ "GET /login 302": 1, [`GET ${KEYS} 200`]: 1 });

        const destroy = await s.step("destroy", (st) => st.destroy());
        expectOk(destroy);
        expect(writes(destroy.api)).toHaveLength(6);
        expect(s.liveKeys()).toEqual([]);
      },
      {
        simulator: { uniqueNames: true, responseDelayMs: 500 },
        credentials: (sim) => ({ "qwilt:username": sim.user.email, "qwilt:password": sim.user.password }),
        label: "engine: parallel",
      },
    ));
});
