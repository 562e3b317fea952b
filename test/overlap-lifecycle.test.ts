/**
 * overlapDays as the engine drives it, through the lifecycle harness (Pulumi's real plugin, the engine's
 * rules in test/lifecycle/harness/engine.js) against the simulator: an in-place rotation whose new key
 * does not become active is an update's init failure holding both keys (the old inputs kept, the consumer
 * still on the old key, which works); a refresh drops a previous key revoked out of band, and when the
 * current key is gone keeps tracking the previous one, which the next up renews; destroy revokes both.
 * After every step the simulator's live keys are exactly the keys the state names.
 */
import { request } from "undici";
import { afterAll, describe, expect, it } from "vitest";
import { expectNoSecrets, runCli } from "./helpers/qwilt-keys-bin";
import { callTable } from "./lifecycle/harness/api-calls.js";
import { stackExport } from "./lifecycle/harness/pulumi-state-shapes.js";
import type { StateResource } from "./lifecycle/harness/state-file.js";
import { isSecret, reveal } from "./lifecycle/harness/wire.js";
import { apiCallLog, harnessScenario as scenario, Scenario, stepsOf } from "./lifecycle/scenario";
import { writes } from "./lifecycle/shared-scenarios";

const KEYS = "/api/1/api-keys";
const { expectOk } = Scenario;

afterAll(() => {
  console.log(
    `API calls per step (the simulator's log; * = a write endpoint, > = a step that wrote):\n${callTable(apiCallLog)}`,
  );
});

/** The keyIds a key's state names: its current key and its previous one. */
const tracked = (r: StateResource) => [r.outputs.keyId, r.outputs.previousKeyId].filter((k) => k !== undefined).sort();
const PREVIOUS = ["previousKeyId", "previousName", "previousKey", "previousExpiresAt", "previousRevokeAt"];

describe("overlapDays as the engine drives it (harness)", { timeout: 240_000 }, () => {
  it("a rotation in place that fails activation, refreshes that find a key gone, destroy: every live key tracked throughout", () =>
    scenario("11-overlap", async (s) => {
      const liveMatchesState = async () =>
        expect(
          s
            .liveKeys()
            .map((k) => k.keyId)
            .sort(),
        ).toEqual(tracked(await s.resource("deployer")));
      const works = async (key: string) => {
        const res = await request(`${s.sim.url}${KEYS}`, { headers: { "x-api-key": key } });
        await res.body.dump();
        return res.statusCode;
      };

      expectOk(await s.step("up (empty stack)", (st) => st.up()));
      const a = (await s.resource("deployer")).outputs;

      // A new description renews the key in place; Qwilt does not accept the new key within 1 s.
      Object.assign(s.stack.config, {
        description: "Deploys the CDN configuration (v2)",
        activationTimeoutSeconds: "1",
      });
      const notActive = s.sim.faults.add({ method: "GET", path: KEYS, status: 401, times: Infinity });
      const failed = await s.step("up: description changed, the new key not active within 1 s", (st) => st.up());
      expect(failed.ok).toBe(false);
      expect(stepsOf(failed)).toEqual([["update", "deployer"]]);
      const half = await s.resource("deployer");
      const b = half.outputs;
      expect(failed.errors).toEqual([`deployer: update failed: ${half.initErrors![0]}`]);
      expect(half.initErrors).toEqual([
        expect.stringMatching(
          new RegExp(
            `^key org-1/${b.keyId} \\("deployer-[0-9a-f]{7}"\\) was created but did not become active within 1 s`,
          ),
        ),
      ]);
      expect(b).toMatchObject({
        activationPending: true,
        description: "Deploys the CDN configuration (v2)",
        previousKeyId: a.keyId,
        previousName: a.name,
      });
      expect(isSecret(b.previousKey)).toBe(true);
      expect(reveal(b.previousKey)).toBe(reveal(a.key));
      expect(half.id).toBe(`org-1/${a.keyId}`);
      // The engine keeps the old inputs (what was really applied), and the consumer the old key, which still works.
      expect(half.inputs.description).toBe("Deploys the CDN configuration");
      expect(s.ciSecret()!.keyId).toBe(a.keyId);
      s.sim.faults.remove(notActive);
      expect(await works(reveal(a.key))).toBe(200);
      await liveMatchesState();

      // A person revokes the old key; the new one works by now. The refresh drops the previous key, keeps the rest.
      s.sim.revokeKey("org-1", a.keyId);
      const refresh = await s.step("old key revoked in Qwilt, refresh", (st) => st.refresh());
      expectOk(refresh);
      const refreshed = await s.resource("deployer");
      for (const k of PREVIOUS) expect(refreshed.outputs).not.toHaveProperty(k);
      expect(refreshed.outputs).toMatchObject({ keyId: b.keyId, activationPending: true });
      expect(refreshed.initErrors).toBeUndefined();
      expect(refresh.diagnostics).toContainEqual(
        expect.objectContaining({
          severity: "warning",
          message: `the previous key org-1/${a.keyId} ("${a.name}") is gone from Qwilt (revoked or expired): Pulumi stops tracking it; key org-1/${b.keyId} ("${b.name}") stays`,
        }),
      );
      await liveMatchesState();

      // The next up finishes the pending activation and only then hands the new key on.
      const finish = await s.step("up: the new key works by now", (st) => st.up());
      expectOk(finish);
      expect(stepsOf(finish)).toEqual([
        ["update", "deployer"],
        ["update", "deployer-ci"],
      ]);
      expect(writes(finish.api)).toEqual([]);
      expect((await s.resource("deployer")).outputs).not.toHaveProperty("activationPending");
      expect(s.ciSecret()).toEqual({ keyId: b.keyId, key: await s.key("deployer") });

      // Rotated again; then the current key is revoked out of band while the previous one still works.
      s.stack.config.description = "Deploys the CDN configuration (v3)";
      const rotate = await s.step("up: description v3", (st) => st.up());
      expectOk(rotate);
      expect(writes(rotate.api)).toEqual([`POST ${KEYS}`]);
      const c = (await s.resource("deployer")).outputs;
      expect(c).toMatchObject({ previousKeyId: b.keyId });
      expect(s.ciSecret()!.keyId).toBe(c.keyId);
      s.sim.revokeKey("org-1", c.keyId);
      const gone = await s.step("current key revoked in Qwilt, refresh", (st) => st.refresh());
      expectOk(gone);
      // Tracked as the current key now, with its own description: the refresh's diff already says it will change.
      expect(stepsOf(gone)).toContainEqual(["refresh-changed", "deployer"]);
      const promoted = await s.resource("deployer");
      expect(promoted.outputs).toMatchObject({
        keyId: b.keyId,
        name: b.name,
        description: "Deploys the CDN configuration (v2)",
      });
      expect(reveal(promoted.outputs.key)).toBe(reveal(b.key));
      expect(promoted.id).toBe(`org-1/${a.keyId}`);
      expect(gone.diagnostics).toContainEqual(
        expect.objectContaining({
          severity: "warning",
          message: expect.stringContaining(`key org-1/${c.keyId} ("${c.name}") is gone from Qwilt`),
        }),
      );
      await liveMatchesState();

      const renew = await s.step("up after the refresh", (st) => st.up());
      expectOk(renew);
      expect(stepsOf(renew)).toEqual([
        ["update", "deployer"],
        ["update", "deployer-ci"],
      ]);
      expect(writes(renew.api)).toEqual([`POST ${KEYS}`]);
      const d = (await s.resource("deployer")).outputs;
      expect(d).toMatchObject({ description: "Deploys the CDN configuration (v3)", previousKeyId: b.keyId });
      expect(s.ciSecret()).toEqual({ keyId: d.keyId, key: await s.key("deployer") });
      expect(renew.outputs).toEqual({ keyId: d.keyId, previousKeyId: b.keyId, previousKey: "[secret]" });
      await liveMatchesState();

      // `qwilt-keys` (the real bin), given the state as `pulumi stack export` prints it, counts both keys as managed.
      const exported = JSON.stringify(
        stackExport(await s.stack.state(), { project: "lifecycle-11-overlap", stack: "dev" }),
      );
      const env = { QWILT_API_KEY: s.sim.bootstrapKey, QWILT_USERS_URL: s.sim.url, QWILT_LOGIN_URL: s.sim.url };
      const list = await runCli(["list", "--json", "--state", "-"], { env, stdin: exported });
      expect(list.code, list.stderr).toBe(0);
      expectNoSecrets(list, [reveal(d.key), reveal(b.key), s.sim.bootstrapKey]);
      const listed = (JSON.parse(list.stdout) as { keys: { keyId: string; management: string; stack?: string }[] })
        .keys;
      expect(
        listed
          .filter((k) => [b.keyId, d.keyId].includes(k.keyId))
          .map((k) => [k.keyId, k.management, k.stack])
          .sort(),
      ).toEqual(
        [
          [b.keyId, "managed", "lifecycle-11-overlap/dev"],
          [d.keyId, "managed", "lifecycle-11-overlap/dev"],
        ].sort(),
      );

      const destroy = await s.step("destroy", (st) => st.destroy());
      expectOk(destroy);
      expect(writes(destroy.api).sort()).toEqual([`DELETE ${KEYS}/${b.keyId}`, `DELETE ${KEYS}/${d.keyId}`].sort());
      expect(s.liveKeys()).toEqual([]);
      expect(await s.resources()).toEqual([]);
    }));
});
