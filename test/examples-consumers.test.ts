/**
 * The examples that hand the key to what users run — github-actions, kubernetes, vault, esc —
 * through whole lifecycles: compiled against the packed package, the ApiKey driven as users run it
 * (the lifecycle harness with Pulumi's real dynamic-provider plugin, against the Qwilt simulator),
 * the GitHub, Kubernetes and Vault resources answered by test/fixtures/consumer-providers.js in
 * place of their providers' plugins, which cannot be fetched here. For each: `up` hands the key to
 * the consumer, which holds it as a secret (in its inputs and its outputs) while no plain copy is
 * anywhere in the state; the first `up` past rotateAt hands the consumer the new key before the old
 * one is revoked; `destroy` removes both. A Kubernetes rollout that fails during a rotation keeps
 * the old key and Secret through later ups until one completes. The ESC environment is opened
 * against the stack's state.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { request } from "undici";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { startSimulator, type Simulator } from "../sdk/simulator";
import { addExamples, compile, compiledExampleProject, type Example } from "./helpers/compile-examples";
import { openedStacks, openEnvironment, parseEnvironment } from "./helpers/esc-open";
import { makePackedProject, REPO, removeProject } from "./helpers/packed-project";
import { writesOf } from "./lifecycle/harness/api-calls.js";
import { HarnessStack } from "./lifecycle/harness/stack.js";
import type { StateResource } from "./lifecycle/harness/state-file.js";
import { isSecret, reveal } from "./lifecycle/harness/wire.js";

const DAY = 24 * 60 * 60 * 1000;
const KEYS = "/api/1/api-keys";
const API_KEY = "pulumi-nodejs:dynamic/qwilt:ApiKey";
const PROVIDERS = join(REPO, "test/fixtures/consumer-providers.js");
const yaml = createRequire(require.resolve("@pulumi/pulumi"))("js-yaml") as { load(text: string): any };

type Run = Awaited<ReturnType<HarnessStack["up"]>>;

/** What the systems the fixture plays hold (test/fixtures/consumer-providers.js). */
interface World {
  github: Record<string, { value: string; writes: number }>;
  kubernetes: Record<string, any>;
  rollouts: Record<
    string,
    {
      revision: number;
      annotations: Record<string, string>;
      pods: { container: string; env: Record<string, string> }[];
    }[]
  >;
  vault: Record<string, { versions: { version: number; data: Record<string, string> }[] }>;
  githubEnvironments?: string[];
}

let build: string;

beforeAll(async () => {
  build = makePackedProject(inject("tarball"), "qwilt-consumer-examples-build");
  addExamples(build, [], ["github-actions", "kubernetes", "vault", "esc"]);
  expect(await compile(build, { skipLibCheck: true })).toEqual([]);
});

afterAll(() => {
  if (build) removeProject(build);
});

/**
 * Every place in a wire-form value where `text` appears outside a secret: a copy the engine would
 * not encrypt. Paths like `resources[2].outputs.metadata.annotations.x`.
 */
function plainCopies(value: unknown, text: string, path = ""): string[] {
  if (isSecret(value)) return [];
  if (typeof value === "string") return value.includes(text) ? [path] : [];
  if (Array.isArray(value)) return value.flatMap((v, i) => plainCopies(v, text, `${path}[${i}]`));
  if (value && typeof value === "object")
    return Object.entries(value).flatMap(([k, v]) => plainCopies(v, text, path ? `${path}.${k}` : k));
  return [];
}

/** One example's stack with the consumers' providers played, against a simulator of its own. */
class ConsumerStack {
  readonly stack: HarnessStack;
  readonly projectDir: string;
  private readonly worldDir = mkdtempSync(join(tmpdir(), "qwilt-consumer-world-"));
  /** Every key and credential seen so far: no run may print one. */
  private readonly secrets: Set<string>;

  constructor(
    readonly example: Example,
    readonly sim: Simulator,
  ) {
    this.projectDir = compiledExampleProject(inject("tarball"), build, example);
    this.stack = new HarnessStack({
      projectDir: this.projectDir,
      providerConfig: { "qwilt:apiKey": sim.bootstrapKey, "qwilt:usersUrl": sim.url, "qwilt:loginUrl": sim.url },
    });
    this.stack.packageProviders = { module: PROVIDERS, options: { worldFile: join(this.worldDir, "world.json") } };
    this.secrets = new Set([sim.bootstrapKey, sim.user.password]);
  }

  /** Runs `op`; it must succeed unless `failing`. */
  async run(op: "up" | "preview" | "destroy", failing = false): Promise<Run & { writes: string[] }> {
    const from = this.sim.requests.length;
    const result = await this.stack[op]();
    if (failing) expect(result.ok, result.output).toBe(false);
    else expect(result.errors, result.output).toEqual([]);
    for (const r of this.stack.state().resources) if (r.type === API_KEY) this.secrets.add(reveal(r.outputs.key));
    for (const s of this.secrets)
      expect(result.output.includes(s), `${this.example}: ${op} printed a secret`).toBe(false);
    return Object.assign(result, {
      writes: writesOf(this.sim.requests.slice(from)).map((r) => `${r.method} ${r.path}`),
    });
  }

  world(): World {
    return JSON.parse(readFileSync(join(this.worldDir, "world.json"), "utf8"));
  }

  /** Changes what the systems hold outside Pulumi (a GitHub environment made in its web UI, say). */
  changeWorld(fn: (w: World) => void) {
    const w = this.world();
    fn(w);
    writeFileSync(join(this.worldDir, "world.json"), JSON.stringify(w));
  }

  /** The live (not replaced) resource of this type and name. */
  resource(type: string, name: string): StateResource {
    const found = this.stack
      .state()
      .resources.filter((r) => r.type === type && r.urn.endsWith(`::${name}`) && !r.delete);
    expect(found).toHaveLength(1);
    return found[0]!;
  }

  /** The ApiKey's key, which the state holds as a secret. */
  key(name: string): string {
    const { outputs } = this.resource(API_KEY, name);
    expect(isSecret(outputs.key)).toBe(true);
    return reveal(outputs.key);
  }

  /** The key is nowhere in the state but inside secrets (which the engine encrypts). */
  expectNoPlainCopy(key: string) {
    expect(plainCopies(this.stack.state(), key)).toEqual([]);
  }

  /** Moves the simulator's clock and the provider's by the same amount. */
  advanceDays(days: number) {
    this.sim.clock.advance(days * DAY);
    this.stack.clockOffsetMs += days * DAY;
  }

  close() {
    removeProject(this.projectDir);
    rmSync(this.worldDir, { recursive: true, force: true });
  }
}

async function withStack(example: Example, body: (e: ConsumerStack, sim: Simulator) => Promise<void>) {
  const sim = await startSimulator({});
  const e = new ConsumerStack(example, sim);
  try {
    await body(e, sim);
  } finally {
    e.close();
    await sim.close();
  }
}

/** [op, type, name] of each step, with what forced a replacement. */
const stepsOf = (run: Run) =>
  run.steps.map((s) => [s.op, s.urn.split("::")[2]!.split("$").pop(), s.name, ...(s.replaces ? [s.replaces] : [])]);
/** The secret's value at a wire-form property, failing unless it is a secret. */
const secretValue = (v: unknown) => {
  expect(isSecret(v)).toBe(true);
  return reveal(v);
};

const ACTIONS_SECRET = "github:index/actionsSecret:ActionsSecret";
const ENVIRONMENT_SECRET = "github:index/actionsEnvironmentSecret:ActionsEnvironmentSecret";
const K8S_SECRET = "kubernetes:core/v1:Secret";
const DEPLOYMENT = "kubernetes:apps/v1:Deployment";
const KV_SECRET = "vault:kv/secretV2:SecretV2";

// Each run is two processes that load Pulumi (and here its provider SDKs): room on a busy machine.
describe("consumer examples through the lifecycle harness", { timeout: 120_000 }, () => {
  it("github-actions: the key becomes the secret QCDN_API_KEY, rewritten in place on rotation; the workflow reads it", () =>
    withStack("github-actions", async (e, sim) => {
      e.stack.config.repository = "cdn-config";
      const up = await e.run("up");
      expect(stepsOf(up)).toEqual([
        ["create", API_KEY, "cdn-terraform"],
        ["create", ACTIONS_SECRET, "qcdn-api-key"],
      ]);
      const first = e.key("cdn-terraform");
      const ghSecret = e.resource(ACTIONS_SECRET, "qcdn-api-key");
      expect(ghSecret.id).toBe("cdn-config:QCDN_API_KEY");
      expect(ghSecret.dependencies).toEqual([e.resource(API_KEY, "cdn-terraform").urn]);
      expect(secretValue(ghSecret.inputs.value)).toBe(first);
      expect(secretValue(ghSecret.outputs.value)).toBe(first);
      expect(e.world().github).toEqual({ "cdn-config/QCDN_API_KEY": { value: first, writes: 1 } });
      e.expectNoPlainCopy(first);
      const keyOutputs = e.resource(API_KEY, "cdn-terraform").outputs;
      expect(up.outputs).toEqual({
        secretName: "QCDN_API_KEY",
        keyId: keyOutputs.keyId,
        expiresAt: keyOutputs.expiresAt,
        rotateAt: keyOutputs.rotateAt,
      });

      // The workflow reads the secret this stack writes, into the variable Qwilt's Terraform provider reads.
      const workflow = yaml.load(readFileSync(join(REPO, "examples/github-actions/qwilt-terraform.yml"), "utf8"));
      const envs = Object.values(
        workflow.jobs as Record<string, { steps: { env?: Record<string, string> }[] }>,
      ).flatMap((j) => j.steps.map((s) => s.env ?? {}));
      expect(envs.filter((env) => "QCDN_API_KEY" in env).map((env) => env.QCDN_API_KEY)).toEqual([
        `\${{ secrets.${up.outputs.secretName} }}`,
      ]);

      const again = await e.run("up");
      expect(again.steps.map((s) => s.op)).toEqual(["same", "same"]);
      expect(e.world().github["cdn-config/QCDN_API_KEY"]!.writes).toBe(1);

      // Day 61 of 90: past rotateAt. The new key is made, written over the secret, then the old one revoked.
      e.advanceDays(61);
      const rotate = await e.run("up");
      expect(stepsOf(rotate)).toEqual([
        ["create-replacement", API_KEY, "cdn-terraform", ["rotateAt"]],
        ["update", ACTIONS_SECRET, "qcdn-api-key"],
        ["delete-replaced", API_KEY, "cdn-terraform"],
      ]);
      const second = e.key("cdn-terraform");
      expect(second).not.toBe(first);
      expect(rotate.writes).toEqual([`POST ${KEYS}`, `DELETE ${KEYS}/${keyOutputs.keyId}`]);
      expect(e.world().github).toEqual({ "cdn-config/QCDN_API_KEY": { value: second, writes: 2 } });
      expect(secretValue(e.resource(ACTIONS_SECRET, "qcdn-api-key").outputs.value)).toBe(second);
      e.expectNoPlainCopy(second);

      // An environment secret instead, before the environment exists: GitHub refuses the write, and the run stops
      // before it deletes the repository secret, which keeps the key.
      e.stack.config.environment = "production";
      const missing = await e.run("up", true);
      expect(missing.errors.join("\n")).toContain("environments/production/secrets/public-key: 404 Not Found");
      expect(e.world().github).toEqual({ "cdn-config/QCDN_API_KEY": { value: second, writes: 2 } });

      // Once it exists: a new resource type, so the repository secret is deleted.
      e.changeWorld((w) => (w.githubEnvironments = ["cdn-config/production"]));
      const env = await e.run("up");
      expect(stepsOf(env)).toEqual([
        ["same", API_KEY, "cdn-terraform"],
        ["create", ENVIRONMENT_SECRET, "qcdn-api-key"],
        ["delete", ACTIONS_SECRET, "qcdn-api-key"],
      ]);
      expect(e.world().github).toEqual({
        "cdn-config/environments/production/QCDN_API_KEY": { value: second, writes: 1 },
      });
      expect(secretValue(e.resource(ENVIRONMENT_SECRET, "qcdn-api-key").inputs.value)).toBe(second);
      e.expectNoPlainCopy(second);

      const destroy = await e.run("destroy");
      expect(destroy.writes).toEqual([`DELETE ${KEYS}/${rotate.outputs.keyId}`]);
      expect(e.world().github).toEqual({});
      expect(sim.liveKeys().map((k) => k.name)).toEqual(["bootstrap"]);
    }));

  it("kubernetes: a Secret the Deployment's pods read; a rotation rolls out pods with the new key before the old one is revoked", () =>
    withStack("kubernetes", async (e, sim) => {
      const up = await e.run("up");
      expect(stepsOf(up)).toEqual([
        ["create", API_KEY, "cdn-purger"],
        ["create", K8S_SECRET, "cdn-purger-key"],
        ["create", DEPLOYMENT, "cdn-purger"],
      ]);
      const first = e.key("cdn-purger");
      const firstKeyId = e.resource(API_KEY, "cdn-purger").outputs.keyId;
      const secret = e.resource(K8S_SECRET, "cdn-purger-key");
      const secretName = secret.outputs.metadata.name;
      expect(secretName).toMatch(/^cdn-purger-key-[0-9a-f]{8}$/);
      expect(secretValue(secret.inputs.stringData)).toEqual({ QCDN_API_KEY: first });
      expect(secretValue(secret.outputs.data)).toEqual({ QCDN_API_KEY: Buffer.from(first).toString("base64") });
      // The Deployment names the Secret and carries the keyId; the key itself is not in its state at all.
      const deployment = e.resource(DEPLOYMENT, "cdn-purger");
      expect(JSON.stringify(deployment).includes(first), "the Deployment's state holds the key").toBe(false);
      expect(deployment.dependencies).toEqual(
        expect.arrayContaining([e.resource(API_KEY, "cdn-purger").urn, secret.urn]),
      );
      const deploymentKey = `default/${deployment.outputs.metadata.name}`;
      expect(e.world().rollouts[deploymentKey]).toEqual([
        {
          revision: 1,
          annotations: { "qwilt-api-key/key-id": firstKeyId },
          pods: [{ container: "purger", env: { QCDN_API_KEY: first } }],
        },
      ]);
      e.expectNoPlainCopy(first);
      expect(up.outputs).toMatchObject({
        secretName,
        deploymentName: deployment.outputs.metadata.name,
        keyId: firstKeyId,
      });

      const again = await e.run("up");
      expect(again.steps.map((s) => s.op)).toEqual(["same", "same", "same"]);
      expect(e.world().rollouts[deploymentKey]).toHaveLength(1);

      // Day 16 of 30: past rotateAt (15 days before expiry). The preview shows the plan and changes nothing.
      e.advanceDays(16);
      const before = e.world();
      const preview = await e.run("preview");
      expect(stepsOf(preview)).toEqual([
        ["create-replacement", API_KEY, "cdn-purger", ["rotateAt"]],
        ["create-replacement", K8S_SECRET, "cdn-purger-key", ["stringData"]],
        ["update", DEPLOYMENT, "cdn-purger"],
        ["delete-replaced", K8S_SECRET, "cdn-purger-key"],
        ["delete-replaced", API_KEY, "cdn-purger"],
      ]);
      expect(preview.writes).toEqual([]);
      expect(e.world()).toEqual(before);
      const rotate = await e.run("up");
      expect(stepsOf(rotate)).toEqual([
        ["create-replacement", API_KEY, "cdn-purger", ["rotateAt"]],
        ["create-replacement", K8S_SECRET, "cdn-purger-key", ["stringData"]],
        ["update", DEPLOYMENT, "cdn-purger"],
        ["delete-replaced", K8S_SECRET, "cdn-purger-key"],
        ["delete-replaced", API_KEY, "cdn-purger"],
      ]);
      const second = e.key("cdn-purger");
      const secondKeyId = e.resource(API_KEY, "cdn-purger").outputs.keyId;
      expect(second).not.toBe(first);
      expect(rotate.writes).toEqual([`POST ${KEYS}`, `DELETE ${KEYS}/${firstKeyId}`]);
      const newName = e.resource(K8S_SECRET, "cdn-purger-key").outputs.metadata.name;
      expect(newName).not.toBe(secretName);
      // The rollout (the Deployment update, which the provider waits for) read the new Secret; the old one is gone.
      const world = e.world();
      expect(world.rollouts[deploymentKey]!.at(-1)).toEqual({
        revision: 2,
        annotations: { "qwilt-api-key/key-id": secondKeyId },
        pods: [{ container: "purger", env: { QCDN_API_KEY: second } }],
      });
      expect(Object.keys(world.kubernetes).filter((k) => k.startsWith("Secret/"))).toEqual([
        `Secret/default/${newName}`,
      ]);
      e.expectNoPlainCopy(second);

      await e.run("destroy");
      expect(e.world()).toMatchObject({ kubernetes: {}, rollouts: {} });
      expect(sim.liveKeys().map((k) => k.name)).toEqual(["bootstrap"]);
    }));

  it("kubernetes: a rotation whose rollout fails keeps the old key and Secret, through later ups, until a rollout completes", () =>
    withStack("kubernetes", async (e, sim) => {
      await e.run("up");
      const first = e.key("cdn-purger");
      const k1 = e.resource(API_KEY, "cdn-purger").outputs;
      const oldSecret = e.resource(K8S_SECRET, "cdn-purger-key").outputs.metadata.name;
      const deploymentKey = `default/${e.resource(DEPLOYMENT, "cdn-purger").outputs.metadata.name}`;
      const good = {
        revision: 1,
        annotations: { "qwilt-api-key/key-id": k1.keyId },
        pods: [{ container: "purger", env: { QCDN_API_KEY: first } }],
      };
      const secretsInCluster = () => Object.keys(e.world().kubernetes).filter((k) => k.startsWith("Secret/"));
      const liveKeyIds = () =>
        sim
          .liveKeys()
          .filter((k) => k.name !== "bootstrap")
          .map((k) => k.keyId)
          .sort();

      // Past rotateAt, with an image whose pods never become ready: the new key and Secret are made, the
      // Deployment's rollout fails, and the run stops before any delete. The old pods keep the old key, which works.
      e.advanceDays(16);
      e.stack.config.image = "ghcr.io/example/cdn-purger:crashloop";
      const failed = await e.run("up", true);
      expect(failed.errors.join("\n")).toContain("the rollout did not complete");
      expect(failed.writes).toEqual([`POST ${KEYS}`]);
      const k2 = e.resource(API_KEY, "cdn-purger").outputs;
      expect(liveKeyIds()).toEqual([k1.keyId, k2.keyId].sort());
      expect(secretsInCluster()).toHaveLength(2);
      const rollouts = () => e.world().rollouts[deploymentKey]!;
      expect(rollouts()).toEqual([
        good,
        expect.objectContaining({ revision: 2, pods: [], failed: expect.stringContaining("crashloop") }),
      ]);

      // The next scheduled up, rollout still failing: it tries the rollout again and revokes nothing.
      const again = await e.run("up", true);
      expect(again.writes).toEqual([]);
      expect(liveKeyIds()).toEqual([k1.keyId, k2.keyId].sort());
      expect(rollouts()).toHaveLength(2);

      // Fixed: the rollout completes with the new key, then the old Secret is deleted and the old key revoked.
      delete e.stack.config.image;
      const fixed = await e.run("up");
      expect(stepsOf(fixed)).toEqual([
        ["same", API_KEY, "cdn-purger"],
        ["same", K8S_SECRET, "cdn-purger-key"],
        ["update", DEPLOYMENT, "cdn-purger"],
        ["delete-replaced", K8S_SECRET, "cdn-purger-key"],
        ["delete-replaced", API_KEY, "cdn-purger"],
      ]);
      expect(fixed.writes).toEqual([`DELETE ${KEYS}/${k1.keyId}`]);
      expect(rollouts().at(-1)).toEqual({
        revision: 3,
        annotations: { "qwilt-api-key/key-id": k2.keyId },
        pods: [{ container: "purger", env: { QCDN_API_KEY: e.key("cdn-purger") } }],
      });
      expect(secretsInCluster()).not.toContain(`Secret/default/${oldSecret}`);
      expect(liveKeyIds()).toEqual([k2.keyId]);

      await e.run("destroy");
      expect(sim.liveKeys().map((k) => k.name)).toEqual(["bootstrap"]);
    }));

  it("vault: the key in a KV v2 secret; each rotation is a new version, and the old key works a day more for readers that reread later", () =>
    withStack("vault", async (e, sim) => {
      const up = await e.run("up");
      expect(stepsOf(up)).toEqual([
        ["create", API_KEY, "cdn-reporting"],
        ["create", KV_SECRET, "qwilt-reporting-key"],
      ]);
      const first = e.key("cdn-reporting");
      const k1 = e.resource(API_KEY, "cdn-reporting").outputs;
      const stored = e.resource(KV_SECRET, "qwilt-reporting-key");
      const document = { QCDN_API_KEY: first, keyId: k1.keyId, expiresAt: k1.expiresAt };
      expect(JSON.parse(secretValue(stored.inputs.dataJson))).toEqual(document);
      expect(JSON.parse(secretValue(stored.outputs.dataJson))).toEqual(document);
      expect(stored.outputs.metadata.version).toBe("1");
      expect(e.world().vault).toEqual({ "secret/cdn/qwilt-reporting": { versions: [{ version: 1, data: document }] } });
      expect(up.outputs).toMatchObject({ vaultPath: "secret/data/cdn/qwilt-reporting", keyId: k1.keyId });
      e.expectNoPlainCopy(first);

      const again = await e.run("up");
      expect(again.steps.map((s) => s.op)).toEqual(["same", "same"]);

      // Day 61 of 90: past rotateAt. With overlapDays 1 the key is rotated in place: the new key is written as
      // version 2, and the old one is kept (not revoked) for the readers that have not reread yet.
      e.advanceDays(61);
      const rotate = await e.run("up");
      expect(stepsOf(rotate)).toEqual([
        ["update", API_KEY, "cdn-reporting"],
        ["update", KV_SECRET, "qwilt-reporting-key"],
      ]);
      expect(rotate.writes).toEqual([`POST ${KEYS}`]);
      const second = e.key("cdn-reporting");
      const k2 = e.resource(API_KEY, "cdn-reporting").outputs;
      expect(second).not.toBe(first);
      expect(k2.previousKeyId).toBe(k1.keyId);
      expect(e.resource(KV_SECRET, "qwilt-reporting-key").outputs.metadata.version).toBe("2");
      // The latest version is the new key; the one before it keeps the old key for the record.
      const latest = { QCDN_API_KEY: second, keyId: k2.keyId, expiresAt: k2.expiresAt };
      const versions = [
        { version: 1, data: document },
        { version: 2, data: latest },
      ];
      expect(e.world().vault["secret/cdn/qwilt-reporting"]!.versions).toEqual(versions);
      // A reader still holding version 1 keeps working until previousRevokeAt.
      const works = async (key: string) =>
        (await request(`${sim.url}${KEYS}`, { headers: { "x-api-key": key } })).statusCode;
      expect(await works(first)).toBe(200);
      e.expectNoPlainCopy(second);
      e.expectNoPlainCopy(first);

      // The first up past previousRevokeAt (a day after the rotation) revokes the old key and writes no new version.
      e.advanceDays(1.1);
      const revoke = await e.run("up");
      expect(stepsOf(revoke)).toEqual([
        ["update", API_KEY, "cdn-reporting"],
        ["same", KV_SECRET, "qwilt-reporting-key"],
      ]);
      expect(revoke.writes).toEqual([`DELETE ${KEYS}/${k1.keyId}`]);
      expect(e.world().vault["secret/cdn/qwilt-reporting"]!.versions).toEqual(versions);
      expect(await works(first)).toBe(401);
      expect(await works(second)).toBe(200);

      await e.run("destroy");
      expect(e.world().vault).toEqual({});
      expect(sim.liveKeys().map((k) => k.name)).toEqual(["bootstrap"]);
    }));

  it("esc: the environment opens this stack's secret `key` output; after a rotation the same definition yields the new key", () =>
    withStack("esc", async (e, sim) => {
      const definition = readFileSync(join(REPO, "examples/esc/environment.yaml"), "utf8");
      const project = /^name:\s*(\S+)/m.exec(readFileSync(join(REPO, "examples/esc/Pulumi.yaml"), "utf8"))![1]!;
      // It opens a stack of this example's project.
      const opened = openedStacks(parseEnvironment(definition).values);
      expect(Object.values(opened).map((s) => s.split("/")[0])).toEqual([project]);
      const stackName = Object.values(opened)[0]!;

      const up = await e.run("up");
      expect(stepsOf(up)).toEqual([["create", API_KEY, "cdn-tools"]]);
      const first = e.key("cdn-tools");
      const k1 = e.resource(API_KEY, "cdn-tools").outputs;
      expect(up.outputs).toEqual({ key: "[secret]", keyId: k1.keyId, expiresAt: k1.expiresAt, rotateAt: k1.rotateAt });
      e.expectNoPlainCopy(first);

      const open = () =>
        openEnvironment(definition, { [stackName]: e.stack.state().outputs }) as Record<
          string,
          Record<string, unknown>
        >;
      let env = open();
      expect(secretValue(env.environmentVariables!.QCDN_API_KEY)).toBe(first);
      expect(env.environmentVariables!.QCDN_API_KEY_EXPIRES_AT).toBe(k1.expiresAt);
      expect(secretValue(env.pulumiConfig!.qwiltCdnToolsKey)).toBe(first);
      // Never the provider's own credential, which a stack importing this environment would then use.
      expect(Object.keys(env.pulumiConfig!).filter((k) => k.startsWith("qwilt:"))).toEqual([]);

      // The ESC workflow opens this environment (the one the definition's header says to create) for QCDN_API_KEY.
      const envName = /esc env init (\S+)/.exec(definition)![1];
      const workflow = yaml.load(readFileSync(join(REPO, "examples/esc/esc-workflow.yml"), "utf8"));
      const escSteps = Object.values(
        workflow.jobs as Record<string, { steps: { uses?: string; with?: Record<string, string> }[] }>,
      )
        .flatMap((j) => j.steps)
        .filter((s) => s.uses?.startsWith("pulumi/esc-action@"));
      expect(escSteps.map((s) => [s.with!.environment, s.with!.keys])).toEqual([[envName, "QCDN_API_KEY"]]);

      e.advanceDays(61);
      const rotate = await e.run("up");
      expect(stepsOf(rotate)).toEqual([
        ["create-replacement", API_KEY, "cdn-tools", ["rotateAt"]],
        ["delete-replaced", API_KEY, "cdn-tools"],
      ]);
      const second = e.key("cdn-tools");
      expect(second).not.toBe(first);
      env = open();
      expect(secretValue(env.environmentVariables!.QCDN_API_KEY)).toBe(second);
      expect(secretValue(env.pulumiConfig!.qwiltCdnToolsKey)).toBe(second);

      await e.run("destroy");
      expect(sim.liveKeys().map((k) => k.name)).toEqual(["bootstrap"]);
    }));
});
