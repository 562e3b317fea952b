/**
 * examples/ through whole lifecycles, as users run them: each example is compiled against the
 * packed package's declarations (test/helpers/compile-examples.ts), put in a project of its own that
 * holds the packed package with its Pulumi.yaml pointing `main` at the compiled JavaScript, and driven
 * through the lifecycle harness (test/lifecycle/harness: Pulumi's real dynamic-provider plugin, the
 * mock runtime as the language host) against the Qwilt simulator. Each one: `up` makes the keys the
 * example declares, a second `up` writes nothing, `destroy` revokes every key it made; plus what the
 * example is about (a rotation, a consumer and a StackReference reader, two organizations, a key per
 * configured service). The API calls of every step are printed as a table per example.
 */
import { createHash, randomBytes } from "node:crypto";
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { request } from "undici";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { startSimulator, type SimKey, type SimRequest, type Simulator, type SimulatorOptions } from "../sdk/simulator";
import { addExamples, compile, compiledExampleProject, type Example } from "./helpers/compile-examples";
import { makePackedProject, removeProject } from "./helpers/packed-project";
import { callCounts, callTable, writesOf } from "./lifecycle/harness/api-calls.js";
import type { Step } from "./lifecycle/harness/engine.js";
import { HarnessStack } from "./lifecycle/harness/stack.js";
import type { StackState, StateResource } from "./lifecycle/harness/state-file.js";
import { isSecret, reveal, secret } from "./lifecycle/harness/wire.js";

const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;
const KEYS = "/api/1/api-keys";
const _API_KEY_TYPE = "pulumi-nodejs:dynamic/qwilt:ApiKey";
const SECRET_FILE_TYPE = "pulumi-nodejs:dynamic/example:SecretFile";
const AUTO_NAME = (resource: string) => new RegExp(`^${resource}-[0-9a-f]{7}$`);

type HarnessRun = Awaited<ReturnType<HarnessStack["up"]>>;
type StepRun = HarnessRun & { api: SimRequest[] };

/** [op, resource name] of each step, with what forced a replacement. */
const stepsOf = (run: { steps: Step[] }) =>
  run.steps.map((s) => (s.replaces ? [s.op, s.name, s.replaces] : [s.op, s.name]));
/** The writes of a step, in order: what it changed in Qwilt. */
const writes = (api: SimRequest[]) => writesOf(api).map((r) => `${r.method} ${r.path}`);

function expectOk(run: HarnessRun) {
  expect(run.errors, run.output).toEqual([]);
  expect(run.ok).toBe(true);
}

/** Per example, every step with the API calls it made, printed as a table at the end. */
const apiCallLog = new Map<string, { label: string; requests: SimRequest[] }[]>();

let build: string;

beforeAll(async () => {
  // One compile for the examples this file runs, as `tsc` in a `pulumi new typescript` project with them copied in
  // (examples-consumers.test.ts runs the others).
  build = makePackedProject(inject("tarball"), "qwilt-examples-build");
  addExamples(build, [], ["basic", "rotation", "consumer", "consumer/reader", "multi-org", "per-service", "overlap"]);
  expect(await compile(build, { skipLibCheck: true })).toEqual([]);
});

afterAll(() => {
  if (build) removeProject(build);
  for (const [example, rows] of apiCallLog) {
    console.log(
      `examples/${example}: API calls per step (* = a write endpoint, > = a step that wrote, (1×404) = answered 404 once):\n${callTable(rows)}`,
    );
  }
});

/** An example's stack against a simulator; `secrets` are what no run may print. */
class ExampleStack {
  readonly stack: HarnessStack;
  readonly projectDir: string;

  constructor(
    readonly example: Example,
    readonly sim: Simulator,
    providerConfig: Record<string, string>,
    private readonly secrets: Set<string>,
  ) {
    this.projectDir = compiledExampleProject(inject("tarball"), build, example);
    this.stack = new HarnessStack({
      projectDir: this.projectDir,
      providerConfig: { ...providerConfig, "qwilt:usersUrl": sim.url, "qwilt:loginUrl": sim.url },
    });
  }

  /** Runs one step, records its API calls (under the example's table), and checks that it printed no secret. */
  async step(label: string, run: (stack: HarnessStack) => Promise<HarnessRun>): Promise<StepRun> {
    const from = this.sim.requests.length;
    this.collectKeys();
    const result = await run(this.stack);
    this.collectKeys();
    const api = this.sim.requests.slice(from);
    const table = this.example.split("/")[0]!;
    if (!apiCallLog.has(table)) apiCallLog.set(table, []);
    apiCallLog.get(table)!.push({ label: `${this.example}: ${label}`, requests: api });
    for (const s of this.secrets)
      expect(result.output.includes(s), `${this.example}: ${label} printed a secret`).toBe(false);
    return Object.assign(result, { api });
  }

  /** Every key the state holds joins the secrets no later run may print. */
  private collectKeys() {
    if (!existsSync(this.stack.stateFile)) return;
    for (const r of this.state().resources)
      if (typeof reveal(r.outputs.key) === "string") this.secrets.add(reveal(r.outputs.key));
  }

  state(): StackState {
    return this.stack.state();
  }

  /** The resource named so (the last part of its URN); fails when the state has none. */
  resource(name: string): StateResource {
    const found = this.state().resources.filter((r) => r.urn.endsWith(`::${name}`) && !r.delete);
    expect(found.map((r) => r.urn.split("::").pop())).toEqual([name]);
    return found[0]!;
  }

  /** An ApiKey's key, which the state must hold as a secret. */
  key(name: string): string {
    const { outputs } = this.resource(name);
    expect(isSecret(outputs.key)).toBe(true);
    return reveal(outputs.key);
  }

  /** Moves the simulator's clock and the provider's by the same amount. */
  advanceClock(ms: number) {
    this.sim.clock.advance(ms);
    this.stack.clockOffsetMs += ms;
  }

  /** A second up: every resource the same, no API call at all, the state untouched. */
  async upAgainChangesNothing() {
    const before = readFileSync(this.stack.stateFile, "utf8");
    const again = await this.step("up again", (s) => s.up());
    expectOk(again);
    expect(again.api).toEqual([]);
    expect(again.steps.every((s) => s.op === "same")).toBe(true);
    expect(readFileSync(this.stack.stateFile, "utf8")).toBe(before);
    return again;
  }

  /** Destroy revokes exactly these keys; then the simulator holds no live key but its bootstrap key. */
  async destroyRevokes(keyIds: string[]) {
    const destroy = await this.step("destroy", (s) => s.destroy());
    expectOk(destroy);
    expect(writes(destroy.api).sort()).toEqual(keyIds.map((id) => `DELETE ${KEYS}/${id}`).sort());
    expect(this.sim.liveKeys().map((k) => k.name)).toEqual(["bootstrap"]);
    expect(this.state().resources).toEqual([]);
    expect(this.state().outputs).toEqual({});
    return destroy;
  }

  close() {
    removeProject(this.projectDir);
  }
}

/**
 * Starts a simulator, runs the body, which opens the example's stack(s) with `open` (default
 * credential: the bootstrap key), and always cleans up. No run may print the simulator's
 * credentials or any key a stack holds.
 */
async function withSimulator(
  o: SimulatorOptions,
  body: (sim: Simulator, open: (e: Example, providerConfig?: Record<string, string>) => ExampleStack) => Promise<void>,
) {
  const sim = await startSimulator(o);
  const secrets = new Set([sim.bootstrapKey, sim.user.password]);
  const stacks: ExampleStack[] = [];
  const open = (example: Example, providerConfig: Record<string, string> = { "qwilt:apiKey": sim.bootstrapKey }) => {
    const s = new ExampleStack(example, sim, providerConfig, secrets);
    stacks.push(s);
    return s;
  };
  try {
    await body(sim, open);
  } finally {
    for (const s of stacks) s.close();
    await sim.close();
  }
}

/** The simulator's view of a key the stack made, from its outputs. */
function simKey(
  o: Record<string, any>,
  permission: "MediaViewer" | "MediaEditor",
  createdBy = "admin@example.com",
): SimKey {
  return {
    orgId: o.organization,
    keyId: o.keyId,
    name: o.name,
    description: o.description,
    ttl: o.validForDays,
    permission,
    createdBy,
    createdAt: o.createdAt,
    expireAt: o.expiresAt,
    revoked: false,
    activeAt: expect.any(String),
  };
}

/**
 * examples/overlap's key, read by examples/consumer/reader through a StackReference, and used by a consumer
 * outside both stacks (a service configured from the reader's output) that calls Qwilt once an hour on the
 * simulated clock: day 0 both stacks run; the producer's up past rotateAt rotates the key; a day of calls
 * follows before the reader runs again. `counts` is what the consumer got, by status; `readerUp` and
 * `consume` carry on from there.
 */
async function rotateWithReaderADayLate(
  sim: Simulator,
  open: (e: Example) => ExampleStack,
  overlapDays: number,
  o: { preview?: boolean } = {},
) {
  const e = open("overlap");
  Object.assign(e.stack.config, { validForDays: "10", rotateBeforeDays: "3", overlapDays: String(overlapDays) });
  const reader = open("consumer/reader");
  const producerStack = "organization/qwilt-overlap/dev";
  reader.stack.stackReferences = { [producerStack]: e.stack.stateFile };
  reader.stack.config.producerStack = producerStack;
  const label = `overlapDays ${overlapDays}`;

  const counts: Record<number, number> = {};
  let held = "";
  const readerUp = async (when: string) => {
    expectOk(await reader.step(`${label}: reader up (${when})`, (s) => s.up()));
    held = reveal(reader.state().outputs.producerKey);
    return held;
  };
  /** The consumer's calls, one an hour for `hours` hours, with the key the reader handed it last. */
  const consume = async (hours: number) => {
    for (let i = 0; i < hours; i++) {
      e.advanceClock(HOUR);
      const res = await request(`${sim.url}${KEYS}`, { headers: { "x-api-key": held } });
      await res.body.dump();
      counts[res.statusCode] = (counts[res.statusCode] ?? 0) + 1;
    }
  };

  expectOk(await e.step(`${label}: up`, (s) => s.up()));
  const first = e.resource("shared-reporting").outputs;
  expect(first).toMatchObject({ permission: "viewer", validForDays: 10, rotateBeforeDays: 3, overlapDays });
  expect(await readerUp("day 0")).toBe(e.key("shared-reporting"));

  // Day 7 + 1 h: past rotateAt. The producer's nightly up rotates the key; the reader has not run yet.
  await consume(7 * 24 + 1);
  const preview = o.preview ? await e.step(`${label}: preview past rotateAt`, (s) => s.preview()) : undefined;
  const rotate = await e.step(`${label}: up past rotateAt`, (s) => s.up());
  expectOk(rotate);
  const rotated = e.resource("shared-reporting");
  expect(rotated.outputs.keyId).not.toBe(first.keyId);
  expect(e.key("shared-reporting")).not.toBe(held);
  // A day goes by before the reader's next up.
  await consume(24);
  return { e, counts, first, rotated, preview, rotate, readerUp, consume, label };
}

const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** Validity and rotation lead of a key's outputs, in days. */
const days = (o: Record<string, any>) => [
  (Date.parse(o.expiresAt) - Date.parse(o.createdAt)) / DAY,
  (Date.parse(o.expiresAt) - Date.parse(o.rotateAt)) / DAY,
];

// Each run is two processes (the program, the plugin) that load Pulumi: give a few runs room on a busy machine.
describe("examples/ through the lifecycle harness", { timeout: 120_000 }, () => {
  it("basic: one viewer key, exported as a secret", () =>
    withSimulator({}, async (sim, open) => {
      const e = open("basic");
      const up = await e.step("up", (s) => s.up());
      expectOk(up);
      expect(stepsOf(up)).toEqual([["create", "reporting"]]);
      expect(callCounts(up.api)).toEqual({ [`POST ${KEYS} 201`]: 1, [`GET ${KEYS} 200`]: 1 });
      const k = e.resource("reporting").outputs;
      expect(k.name).toMatch(AUTO_NAME("reporting"));
      expect(days(k)).toEqual([90, 30]);
      expect(sim.liveKeys().filter((x) => x.name !== "bootstrap")).toEqual([
        simKey({ ...k, description: "Read-only key for the CDN reporting job" }, "MediaViewer"),
      ]);
      expect(up.outputs).toEqual({
        key: "[secret]",
        name: k.name,
        keyId: k.keyId,
        organization: "org-1",
        expiresAt: k.expiresAt,
        rotateAt: k.rotateAt,
      });
      expect(e.state().outputs.key).toEqual(secret(e.key("reporting")));

      await e.upAgainChangesNothing();
      await e.destroyRevokes([k.keyId]);
    }));

  it("rotation: validity and lead time from config; the first up past rotateAt rotates the key", () =>
    withSimulator({}, async (sim, open) => {
      const e = open("rotation");
      Object.assign(e.stack.config, { validForDays: "10", rotateBeforeDays: "3" });
      const up = await e.step("up (validForDays 10, rotateBeforeDays 3)", (s) => s.up());
      expectOk(up);
      expect(stepsOf(up)).toEqual([["create", "cdn-deployer"]]);
      const first = e.resource("cdn-deployer").outputs;
      expect(first).toMatchObject({ permission: "editor", validForDays: 10, rotateBeforeDays: 3 });
      expect(first.name).toMatch(AUTO_NAME("cdn-deployer"));
      expect(days(first)).toEqual([10, 3]);
      const description = "CDN configuration pipeline; replaced by the nightly pulumi up";
      expect(sim.liveKeys().filter((x) => x.name !== "bootstrap")).toEqual([
        simKey({ ...first, description }, "MediaEditor"),
      ]);
      expect(up.outputs).toEqual({
        key: "[secret]",
        name: first.name,
        expiresAt: first.expiresAt,
        rotateAt: first.rotateAt,
      });
      const firstKey = e.key("cdn-deployer");

      // Day 6, a nightly run: rotateAt (day 7) is still ahead.
      e.advanceClock(6 * DAY);
      await e.upAgainChangesNothing();

      // Day 7 + 1 h: past rotateAt. New key first, made to work, then the old one revoked.
      e.advanceClock(DAY + 60 * 60 * 1000);
      const rotate = await e.step("clock past rotateAt, up", (s) => s.up());
      expectOk(rotate);
      expect(stepsOf(rotate)).toEqual([
        ["create-replacement", "cdn-deployer", ["rotateAt"]],
        ["delete-replaced", "cdn-deployer"],
      ]);
      expect(writes(rotate.api)).toEqual([`POST ${KEYS}`, `DELETE ${KEYS}/${first.keyId}`]);
      const now = e.resource("cdn-deployer").outputs;
      expect(now.keyId).not.toBe(first.keyId);
      expect(now.name).toMatch(AUTO_NAME("cdn-deployer"));
      expect(now.name).not.toBe(first.name);
      expect(Date.parse(now.createdAt) - Date.parse(first.createdAt)).toBeGreaterThanOrEqual(7 * DAY);
      expect(days(now)).toEqual([10, 3]);
      expect(e.key("cdn-deployer")).not.toBe(firstKey);
      expect(sim.keys().find((k) => k.keyId === first.keyId)?.revoked).toBe(true);
      expect(sim.liveKeys().filter((x) => x.name !== "bootstrap")).toEqual([
        simKey({ ...now, description }, "MediaEditor"),
      ]);
      expect(rotate.outputs).toEqual({
        key: "[secret]",
        name: now.name,
        expiresAt: now.expiresAt,
        rotateAt: now.rotateAt,
      });
      expect(e.state().outputs.key).toEqual(secret(e.key("cdn-deployer")));

      await e.destroyRevokes([now.keyId]);
    }));

  it("consumer: the key goes to the SecretFile (mode 0600) and out as a secret; consumer/reader reads it through a StackReference", () =>
    withSimulator({}, async (sim, open) => {
      const e = open("consumer");
      const up = await e.step("up", (s) => s.up());
      expectOk(up);
      expect(stepsOf(up)).toEqual([
        ["create", "cdn-purger"],
        ["create", "purge-job-key"],
      ]);
      const k = e.resource("cdn-purger").outputs;
      const key = e.key("cdn-purger");
      expect(k.name).toMatch(AUTO_NAME("cdn-purger"));
      expect(days(k)).toEqual([30, 15]);
      expect(sim.liveKeys().filter((x) => x.name !== "bootstrap")).toEqual([
        simKey({ ...k, description: "Key of the nightly cache purge job" }, "MediaEditor"),
      ]);
      expect(up.outputs).toEqual({
        key: "[secret]",
        keyId: k.keyId,
        expiresAt: k.expiresAt,
        rotateAt: k.rotateAt,
        keyFilePath: "qwilt-api-key.secret",
      });
      expect(e.state().outputs.key).toEqual(secret(key));

      // The consumer got the key as a secret input, and keeps only its hash; the file holds the key, 0600.
      const file = e.resource("purge-job-key");
      expect(file.type).toBe(SECRET_FILE_TYPE);
      expect(file.dependencies).toEqual([e.resource("cdn-purger").urn]);
      expect(file.inputs.content).toEqual(secret(key));
      const sha256 = createHash("sha256").update(key).digest("hex");
      expect(file.outputs).toMatchObject({ path: "qwilt-api-key.secret", sha256 });
      expect(JSON.stringify(file.outputs)).not.toContain(key);
      const keyFile = join(e.projectDir, "qwilt-api-key.secret");
      expect(readFileSync(keyFile, "utf8")).toBe(`${key}\n`);
      expect(statSync(keyFile).mode & 0o777).toBe(0o600);

      // The second stack reads the key through a StackReference: still secret, the rest plain.
      const reader = open("consumer/reader");
      reader.stack.stackReferences = { "organization/qwilt-consumer/dev": e.stack.stateFile };
      const read = await reader.step("up", (s) => s.up());
      expectOk(read);
      expect(read.steps).toEqual([]);
      expect(read.api).toEqual([]);
      // The key was made moments ago, 30 days valid: 29 whole days left.
      expect(read.outputs).toEqual({ producerKey: "[secret]", producerKeyExpiresAt: k.expiresAt, daysLeft: 29 });
      expect(reader.state().outputs.producerKey).toEqual(secret(key));

      await e.upAgainChangesNothing();
      expect(readFileSync(keyFile, "utf8")).toBe(`${key}\n`);

      await e.destroyRevokes([k.keyId]);
      expect(existsSync(keyFile)).toBe(false);
    }));

  it("multi-org: username/password and orgId put a key in each organization", () => {
    const user = { email: "ops@example.com", password: `test-only-${randomBytes(8).toString("hex")}` };
    const organizations = [
      { id: "acme-prod", users: [user] },
      { id: "acme-staging", users: [user] },
    ];
    return withSimulator({ organizations }, async (sim, open) => {
      const e = open("multi-org", { "qwilt:username": user.email, "qwilt:password": user.password });
      Object.assign(e.stack.config, { productionOrgId: "acme-prod", stagingOrgId: "acme-staging" });
      const up = await e.step("up", (s) => s.up());
      expectOk(up);
      expect(stepsOf(up)).toEqual([
        ["create", "monitoring-production"],
        ["create", "monitoring-staging"],
      ]);
      expect(callCounts(up.api)).toEqual({ "GET /login 302": 2, [`POST ${KEYS} 201`]: 2, [`GET ${KEYS} 200`]: 2 });
      const production = e.resource("monitoring-production").outputs;
      const staging = e.resource("monitoring-staging").outputs;
      expect(production).toMatchObject({ orgId: "acme-prod", organization: "acme-prod", createdBy: user.email });
      expect(staging).toMatchObject({ orgId: "acme-staging", organization: "acme-staging", createdBy: user.email });
      expect(production.name).toMatch(AUTO_NAME("monitoring-production"));
      expect(staging.name).toMatch(AUTO_NAME("monitoring-staging"));
      expect([days(production), days(staging)]).toEqual([
        [180, 30],
        [180, 30],
      ]);
      expect(sim.liveKeys("acme-prod").filter((x) => x.name !== "bootstrap")).toEqual([
        simKey(
          { ...production, description: "Monitoring reads the production organization" },
          "MediaViewer",
          user.email,
        ),
      ]);
      expect(sim.liveKeys("acme-staging")).toEqual([
        simKey({ ...staging, description: "Monitoring reads the staging organization" }, "MediaViewer", user.email),
      ]);
      expect(up.outputs).toEqual({
        monitoringKeys: { production: "[secret]", staging: "[secret]" },
        monitoringKeyInfo: {
          production: { organization: "acme-prod", keyId: production.keyId, expiresAt: production.expiresAt },
          staging: { organization: "acme-staging", keyId: staging.keyId, expiresAt: staging.expiresAt },
        },
      });
      expect(e.state().outputs.monitoringKeys).toEqual({
        production: secret(e.key("monitoring-production")),
        staging: secret(e.key("monitoring-staging")),
      });

      await e.upAgainChangesNothing();
      const destroy = await e.destroyRevokes([production.keyId, staging.keyId]);
      // Each revoke in its own organization (key ids are per organization, so both may be "2").
      expect(
        destroy.api
          .filter((r) => r.method === "DELETE")
          .map((r) => r.orgId)
          .sort(),
      ).toEqual(["acme-prod", "acme-staging"]);
    });
  });

  it("per-service: a key per configured service; dropping a service revokes just its key", () =>
    withSimulator({}, async (sim, open) => {
      const e = open("per-service");
      const services = [
        { name: "cache-warmer", permission: "editor", validForDays: 14 },
        { name: "dashboard", permission: "viewer" },
        { name: "log-export", permission: "viewer", validForDays: 365, rotateBeforeDays: 60 },
      ];
      e.stack.config.services = JSON.stringify(services);
      const up = await e.step("up (3 services)", (s) => s.up());
      expectOk(up);
      expect(stepsOf(up)).toEqual([
        ["create", "svc-cache-warmer"],
        ["create", "svc-dashboard"],
        ["create", "svc-log-export"],
      ]);
      const out = (name: string) => e.resource(`svc-${name}`).outputs;
      const [warmer, dashboard, logs] = ["cache-warmer", "dashboard", "log-export"].map(out) as [any, any, any];
      expect([warmer, dashboard, logs].map((o) => [o.permission, ...days(o)])).toEqual([
        ["editor", 14, 7],
        ["viewer", 90, 30],
        ["viewer", 365, 60],
      ]);
      for (const [o, svc] of [
        [warmer, "cache-warmer"],
        [dashboard, "dashboard"],
        [logs, "log-export"],
      ]) {
        expect(o.name).toMatch(AUTO_NAME(`svc-${svc}`));
      }
      expect(sim.liveKeys().filter((x) => x.name !== "bootstrap")).toEqual([
        simKey({ ...warmer, description: "Key of the cache-warmer service (editor)" }, "MediaEditor"),
        simKey({ ...dashboard, description: "Key of the dashboard service (viewer)" }, "MediaViewer"),
        simKey({ ...logs, description: "Key of the log-export service (viewer)" }, "MediaViewer"),
      ]);
      const info = (o: any) => ({
        permission: o.permission,
        keyId: o.keyId,
        expiresAt: o.expiresAt,
        rotateAt: o.rotateAt,
      });
      expect(up.outputs).toEqual({
        serviceKeys: { "cache-warmer": "[secret]", dashboard: "[secret]", "log-export": "[secret]" },
        serviceKeyInfo: { "cache-warmer": info(warmer), dashboard: info(dashboard), "log-export": info(logs) },
      });

      await e.upAgainChangesNothing();

      e.stack.config.services = JSON.stringify(services.filter((s) => s.name !== "dashboard"));
      const drop = await e.step("up (dashboard removed)", (s) => s.up());
      expectOk(drop);
      expect(stepsOf(drop)).toEqual([
        ["same", "svc-cache-warmer"],
        ["same", "svc-log-export"],
        ["delete", "svc-dashboard"],
      ]);
      expect(writes(drop.api)).toEqual([`DELETE ${KEYS}/${dashboard.keyId}`]);
      expect(
        sim
          .liveKeys()
          .filter((x) => x.name !== "bootstrap")
          .map((k) => k.keyId),
      ).toEqual([warmer.keyId, logs.keyId]);
      expect(out("cache-warmer")).toEqual(warmer);
      expect(out("log-export")).toEqual(logs);
      expect(drop.outputs).toEqual({
        serviceKeys: { "cache-warmer": "[secret]", "log-export": "[secret]" },
        serviceKeyInfo: { "cache-warmer": info(warmer), "log-export": info(logs) },
      });

      await e.destroyRevokes([warmer.keyId, logs.keyId]);
    }));
  it("overlap: a stack that reads the key through a StackReference a day after the rotation never holds a revoked key with overlapDays 2; with 0 it does", () =>
    withSimulator({}, async (sim, open) => {
      // The control (overlapDays 0, today's default) against its own simulator, side by side.
      let controlCounts: Record<number, number> = {};
      const control = withSimulator({}, async (controlSim, openControl) => {
        const { counts, rotate, first } = await rotateWithReaderADayLate(controlSim, openControl, 0);
        expect(stepsOf(rotate)).toEqual([
          ["create-replacement", "shared-reporting", ["rotateAt"]],
          ["delete-replaced", "shared-reporting"],
        ]);
        expect(writes(rotate.api)).toEqual([`POST ${KEYS}`, `DELETE ${KEYS}/${first.keyId}`]);
        controlCounts = counts;
      });
      const { e, counts, first, rotated, preview, rotate, readerUp, consume, label } = await rotateWithReaderADayLate(
        sim,
        open,
        2,
        { preview: true },
      );
      const second = rotated.outputs;
      // The reader runs a day late and hands on the new key; past previousRevokeAt (the rotation + 2 days) the producer runs again.
      expect(await readerUp("a day after the rotation")).toBe(e.key("shared-reporting"));
      await consume(25);
      const later = await e.step(`${label}: up past previousRevokeAt`, (s) => s.up());
      expectOk(later);
      await consume(6);
      await control;

      const calls = Object.values(counts).reduce((a, b) => a + b, 0);
      console.log(
        `a consumer outside the stack (configured from a second stack's StackReference, whose up runs a day after the rotation; one call an hour): ` +
          `overlapDays 2: ${JSON.stringify(counts)} over ${calls} calls (day 0 to 6 h after the up past previousRevokeAt); ` +
          `overlapDays 0, the default: ${JSON.stringify(controlCounts)} (day 0 to the reader's up a day after the rotation)`,
      );
      expect(counts[401] ?? 0).toBe(0);
      expect(counts[200]).toBe(calls);
      // The day between the rotation and the reader's up: every call refused.
      expect(controlCounts).toEqual({ 200: 7 * 24 + 1, 401: 24 });

      // The preview said what would happen and when, and changed nothing.
      expectOk(preview!);
      expect(stepsOf(preview!)).toEqual([["update", "shared-reporting"]]);
      expect(preview!.api).toEqual([]);
      const rotateAtPassed = `key org-1/${first.keyId} ("${first.name}") is due for rotation: its rotateAt ${first.rotateAt} has passed (it expires at ${first.expiresAt}): `;
      const inPlace =
        "`pulumi up` rotates it in place (a new key is made and waited for until it works; this one keeps working as the previous key until about ";
      const said = (run: StepRun) => run.diagnostics.filter((d) => d.severity === "warning").map((d) => d.message);
      expect(said(preview!)).toEqual([
        expect.stringMatching(
          new RegExp(
            `^${esc(rotateAtPassed + inPlace)}\\S+ \\(overlapDays: 2\\), and the first \`pulumi up\` after that revokes it\\)$`,
          ),
        ),
      ]);
      // The rotation was an update of the same resource: the new key current, the old one kept as the previous key.
      expect(said(rotate)).toEqual(said(preview!).map(() => expect.stringContaining(rotateAtPassed + inPlace)));
      expect(stepsOf(rotate)).toEqual([["update", "shared-reporting"]]);
      expect(writes(rotate.api)).toEqual([`POST ${KEYS}`]);
      expect(second).toMatchObject({
        previousKeyId: first.keyId,
        previousName: first.name,
        previousExpiresAt: first.expiresAt,
      });
      expect(second.previousRevokeAt).toBe(new Date(Date.parse(second.createdAt) + 2 * DAY).toISOString());
      expect(rotated.id).toBe(`org-1/${first.keyId}`);
      expect(isSecret(rotated.outputs.previousKey)).toBe(true);
      expect(rotate.outputs).toEqual({
        key: "[secret]",
        keyId: second.keyId,
        expiresAt: second.expiresAt,
        rotateAt: second.rotateAt,
        previousKeyId: first.keyId,
        previousRevokeAt: second.previousRevokeAt,
      });
      // The up past previousRevokeAt revokes the previous key, and nothing else.
      expect(stepsOf(later)).toEqual([["update", "shared-reporting"]]);
      expect(writes(later.api)).toEqual([`DELETE ${KEYS}/${first.keyId}`]);
      expect(later.diagnostics).toContainEqual(
        expect.objectContaining({
          severity: "warning",
          message: `previous key org-1/${first.keyId} ("${first.name}") is revoked by \`pulumi up\`: its previousRevokeAt ${second.previousRevokeAt} has passed`,
        }),
      );
      expect(later.outputs).toEqual({
        key: "[secret]",
        keyId: second.keyId,
        expiresAt: second.expiresAt,
        rotateAt: second.rotateAt,
      });
      expect(
        sim
          .liveKeys()
          .filter((x) => x.name !== "bootstrap")
          .map((k) => k.keyId),
      ).toEqual([second.keyId]);
      await e.destroyRevokes([second.keyId]);
    }));
});
