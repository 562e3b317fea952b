/**
 * Scenarios 1, 3 and 7, written once for both drivers (the harness, and the real Pulumi CLI when
 * it is installed): they assert on the simulator, the API calls, the state and the consumer. The
 * harness's test adds what only it reports (steps, plugin calls) on the runs they return.
 */
import { expect } from "vitest";
import { callCounts, writesOf } from "./harness/api-calls.js";
import { secret } from "./harness/wire.js";
import { Scenario } from "./scenario";

const { expectOk } = Scenario;
export const API_KEY_TYPE = "pulumi-nodejs:dynamic/qwilt:ApiKey";
export const CI_SECRET_TYPE = "pulumi-nodejs:dynamic/ci:Secret";
const KEYS = "/api/1/api-keys";

type Api = { method: string; path: string; status: number }[];

/** "POST /api/1/api-keys", ... in the order the simulator saw them. */
export const sequence = (api: Api) => api.map((r) => `${r.method} ${r.path}`);

/** The writes, in order: what a step changed in Qwilt. (Reads are the provider's business; the table shows them.) */
export const writes = (api: Api) => sequence(writesOf(api));

/** Where in the log the new key was first seen to work: a list call answered 200 after the create. */
export function activationIndex(api: Api): number {
  const created = api.findIndex((r) => r.method === "POST" && r.path === KEYS && r.status === 201);
  return api.findIndex((r, i) => i > created && r.method === "GET" && r.path === KEYS && r.status === 200);
}

/** Scenario 1: the first up creates every key; the consumer holds the editor key, as a secret. */
export async function firstUp(s: Scenario) {
  const up = await s.step("up (empty stack)", (stack) => stack.up());
  expectOk(up);
  // Each key: one create, then one call made with the new key to see that it works.
  expect(callCounts(up.api)).toEqual({ [`POST ${KEYS} 201`]: 2, [`GET ${KEYS} 200`]: 2 });

  // In dependency order: the CI secret after its key (the two keys are independent: either order).
  const resources = (await s.resources()).map((r) => [r.type, r.urn.split("::").pop()]);
  expect([...resources].sort()).toEqual([
    [CI_SECRET_TYPE, "deployer-ci"],
    [API_KEY_TYPE, "deployer"],
    [API_KEY_TYPE, "reporting"],
  ]);
  expect(resources.findIndex(([, name]) => name === "deployer-ci")).toBeGreaterThan(
    resources.findIndex(([, name]) => name === "deployer"),
  );
  const reporting = (await s.resource("reporting")).outputs;
  const deployer = await s.resource("deployer");
  expect(reporting.name).toMatch(/^reporting-[0-9a-f]{7}$/);
  expect(deployer.outputs.name).toMatch(/^deployer-[0-9a-f]{7}$/);
  const live = s.liveKeys().map((k) => [k.keyId, k.name, k.permission, k.ttl]);
  expect(live).toHaveLength(2);
  expect(live).toEqual(
    expect.arrayContaining([
      [reporting.keyId, reporting.name, "MediaViewer", 90],
      [deployer.outputs.keyId, deployer.outputs.name, "MediaEditor", 30],
    ]),
  );

  // The key is a secret wherever Pulumi holds it: the key's outputs, the consumer's inputs and
  // outputs, the stack outputs. The consumer holds the editor key and depends on it.
  const key = await s.key("deployer");
  const ci = await s.resource("deployer-ci");
  expect(ci.dependencies).toEqual([deployer.urn]);
  expect(ci.inputs.key).toEqual(secret(key));
  expect(ci.outputs.key).toEqual(secret(key));
  expect((await s.stack.state()).outputs.deployerKey).toEqual(secret(key));
  expect(s.ciSecret()).toEqual({ keyId: deployer.outputs.keyId, key });
  return { up };
}

/**
 * Scenario 3: changing permission, then validity, replaces the key: the new key is made (and works)
 * before the old one is revoked, and the consumer gets the new key. The fixed-name "ops" key, in an
 * organization with unique names, is replaced delete-first (deleteBeforeReplace).
 */
export async function replaceOnChange(s: Scenario) {
  const first = await s.step("up (empty stack)", (stack) => stack.up());
  expectOk(first);
  const ops = await s.resource("ops");

  const replacedBy = async (label: string, config: Record<string, string>) => {
    const old = await s.resource("deployer");
    const oldKey = await s.key("deployer");
    Object.assign(s.stack.config, config);
    const up = await s.step(label, (stack) => stack.up());
    expectOk(up);
    const now = await s.resource("deployer");
    // The new key is made and seen to work before the old one is revoked.
    expect(writes(up.api)).toEqual([`POST ${KEYS}`, `DELETE ${KEYS}/${old.outputs.keyId}`]);
    expect(activationIndex(up.api)).toBeGreaterThan(0);
    expect(activationIndex(up.api)).toBeLessThan(sequence(up.api).indexOf(`DELETE ${KEYS}/${old.outputs.keyId}`));
    expect(now.outputs.keyId).not.toBe(old.outputs.keyId);
    // A fresh auto-name: old and new never share one.
    expect(now.outputs.name).toMatch(/^deployer-[0-9a-f]{7}$/);
    expect(now.outputs.name).not.toBe(old.outputs.name);
    const key = await s.key("deployer");
    expect(key).not.toBe(oldKey);
    expect(s.ciSecret()).toEqual({ keyId: now.outputs.keyId, key });
    expect(s.sim.keys().find((k) => k.keyId === old.outputs.keyId)?.revoked).toBe(true);
    return { up, now };
  };

  const toViewer = await replacedBy("up: permission editor → viewer", { permission: "viewer" });
  expect(s.liveKeys().map((k) => [k.name, k.permission, k.ttl])).toEqual([
    [ops.outputs.name, "MediaViewer", 30],
    [toViewer.now.outputs.name, "MediaViewer", 30],
  ]);
  const longer = await replacedBy("up: validForDays 30 → 60", { validForDays: "60" });
  expect(s.liveKeys().map((k) => [k.name, k.permission, k.ttl])).toEqual([
    [ops.outputs.name, "MediaViewer", 30],
    [longer.now.outputs.name, "MediaViewer", 60],
  ]);
  expect(await s.resource("ops")).toEqual(ops); // untouched all along

  s.stack.config.opsValidForDays = "60";
  const opsUp = await s.step("up: ops validForDays 30 → 60 (deleteBeforeReplace)", (stack) => stack.up());
  expectOk(opsUp);
  const opsNow = await s.resource("ops");
  // Old key revoked first, so the new one can take its name.
  expect(writes(opsUp.api)).toEqual([`DELETE ${KEYS}/${ops.outputs.keyId}`, `POST ${KEYS}`]);
  expect(opsNow.outputs).toMatchObject({ name: "ops-pipeline", validForDays: 60 });
  expect(opsNow.outputs.keyId).not.toBe(ops.outputs.keyId);
  expect(s.liveKeys().map((k) => [k.keyId, k.name, k.ttl])).toEqual([
    [longer.now.outputs.keyId, longer.now.outputs.name, 60],
    [opsNow.outputs.keyId, "ops-pipeline", 60],
  ]);
  return { first, toViewer: toViewer.up, longer: longer.up, opsUp };
}

/** Scenario 7: destroy deletes the consumer, then revokes both keys; a second destroy is harmless. */
export async function destroyTwice(s: Scenario, beforeDestroy: () => void = () => {}) {
  const up = await s.step("up (empty stack)", (stack) => stack.up());
  expectOk(up);
  const deployer = (await s.resource("deployer")).outputs.keyId;
  const reporting = (await s.resource("reporting")).outputs.keyId;
  expect(s.ciSecret()).toBeDefined();

  beforeDestroy();
  const destroy = await s.step("destroy", (stack) => stack.destroy());
  expectOk(destroy);
  // Both keys revoked (the CI secret, deleted before its key, calls no API).
  expect(writes(destroy.api).sort()).toEqual([`DELETE ${KEYS}/${deployer}`, `DELETE ${KEYS}/${reporting}`].sort());
  expect(s.liveKeys()).toEqual([]);
  expect(s.ciSecret()).toBeUndefined();
  expect(await s.resources()).toEqual([]);

  const again = await s.step("destroy again", (stack) => stack.destroy());
  expectOk(again);
  expect(again.api).toEqual([]);
  expect(await s.resources()).toEqual([]);
  return { up, destroy, again, deployer, reporting };
}
