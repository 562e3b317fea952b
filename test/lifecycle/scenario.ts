/**
 * One lifecycle scenario: a simulator of its own, a project holding the packed package (as a user's
 * project holds it) with the scenario's program copied in, and a stack driven through the harness
 * or the real Pulumi CLI. Every step's API calls (the simulator's log) go to `apiCallLog`, which the
 * test files print as a table.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, inject } from "vitest";
import {
  startSimulator,
  type SimKey,
  type SimRequest,
  type Simulator,
  type SimulatorOptions,
} from "../../sdk/simulator";
import { makePackedProject, removeProject } from "../helpers/packed-project";
import type { PluginCall, ProviderOp, Step } from "./harness/engine.js";
import type { LogEntry } from "./harness/engine-service.js";
import { installProgram } from "./harness/project.js";
import { HarnessStack } from "./harness/stack.js";
import type { StackState, StateResource } from "./harness/state-file.js";
import { isSecret, reveal } from "./harness/wire.js";
import { PulumiCliStack } from "./pulumi-cli-stack";

export const SCENARIOS_DIR = join(__dirname, "scenarios");

/** What a run answers, through either driver (only the harness knows its steps and plugin calls). */
export interface Run {
  ok: boolean;
  errors: string[];
  output: string;
  steps?: Step[];
  calls?: PluginCall[];
  /** The default provider's steps (harness only; the CLI does not show them). */
  providerSteps?: ProviderOp[];
  /** What the plugin logged through the engine's Log service (harness only). */
  diagnostics?: LogEntry[];
  /** The stack outputs after the run, secrets as "[secret]" (harness only). */
  outputs?: Record<string, unknown>;
}

/** `pulumi up` & co., through the harness or the real CLI. */
export interface LifecycleStack {
  readonly driver: "harness" | "pulumi";
  /** The program's config, kept across runs (`pulumi config set`). */
  config: Record<string, string>;
  /** The provider's clock offset (QWILT_CLOCK_OFFSET_MS), to agree with the simulator's. */
  clockOffsetMs: number;
  up(): Promise<Run>;
  preview(): Promise<Run>;
  refresh(): Promise<Run>;
  destroy(): Promise<Run>;
  state(): StackState | Promise<StackState>;
}

/** Every step of every scenario of this test file, in order, with the API calls it made. */
export const apiCallLog: { label: string; requests: SimRequest[] }[] = [];

export class Scenario {
  private constructor(
    readonly name: string,
    readonly sim: Simulator,
    readonly projectDir: string,
    readonly stack: LifecycleStack,
  ) {}

  /** `folder` names a program under scenarios/; `label` names the scenario in the table (default: the folder). */
  /** `credentials` replaces the simulator's bootstrap API key, e.g. with its user's username and password (harness only). */
  static async open(
    folder: string,
    o: {
      driver?: "harness" | "pulumi";
      simulator?: SimulatorOptions;
      label?: string;
      credentials?: (sim: Simulator) => Record<string, string>;
    } = {},
  ): Promise<Scenario> {
    const sim = await startSimulator(o.simulator);
    const projectDir = makePackedProject(inject("tarball"), `lifecycle-${folder}`);
    installProgram(join(SCENARIOS_DIR, "shared"), projectDir);
    installProgram(join(SCENARIOS_DIR, folder), projectDir);
    const stack =
      o.driver === "pulumi"
        ? new PulumiCliStack(projectDir, {
            QWILT_API_KEY: sim.bootstrapKey,
            QWILT_USERS_URL: sim.url,
            QWILT_LOGIN_URL: sim.url,
          })
        : new HarnessStack({
            projectDir,
            providerConfig: {
              ...(o.credentials?.(sim) ?? { "qwilt:apiKey": sim.bootstrapKey }),
              "qwilt:usersUrl": sim.url,
              "qwilt:loginUrl": sim.url,
            },
          });
    return new Scenario(o.label ?? folder, sim, projectDir, stack);
  }

  /** Runs one step, records the API calls it made, and returns the run with them. */
  async step<R extends Run>(
    label: string,
    run: (stack: LifecycleStack) => Promise<R>,
  ): Promise<R & { api: SimRequest[] }> {
    const from = this.sim.requests.length;
    const result = await run(this.stack);
    const api = this.sim.requests.slice(from);
    apiCallLog.push({ label: `${this.name}: ${label}`, requests: api });
    // Whatever happened, no key was printed.
    for (const r of await this.resources()) {
      if (typeof reveal(r.outputs.key) === "string")
        expect(result.output.includes(reveal(r.outputs.key)), `${label} printed a key`).toBe(false);
    }
    return Object.assign(result, { api });
  }

  /** A run that must succeed; its errors and output explain why it did not. */
  static expectOk(run: Run) {
    expect(run.errors, run.output).toEqual([]);
    expect(run.ok).toBe(true);
  }

  /** The harness's state file (the real CLI keeps its state in its backend). */
  get stateFile(): string {
    if (!(this.stack instanceof HarnessStack)) throw new Error("only the harness keeps a state file");
    return this.stack.stateFile;
  }

  /**
   * New keys are not active until the returned function is called: the check a new key makes (listing
   * the keys with it) answers 401, as while Qwilt propagates a key. Timing-proof, unlike a propagation
   * delay on a busy machine. Only for runs that list keys just to check a new one (not refresh).
   */
  holdActivation(): () => void {
    const id = this.sim.faults.add({ method: "GET", path: "/api/1/api-keys", status: 401, times: Infinity });
    return () => void this.sim.faults.remove(id);
  }

  /** Moves the simulator's clock and the provider's by the same amount. */
  advanceClock(ms: number) {
    this.sim.clock.advance(ms);
    this.stack.clockOffsetMs += ms;
  }

  async resources(): Promise<StateResource[]> {
    return (await this.stack.state()).resources;
  }

  /** The resource named so (the last part of its URN); fails when the state has none. */
  async resource(name: string): Promise<StateResource> {
    const found = (await this.resources()).filter((r) => r.urn.endsWith(`::${name}`) && !r.delete);
    expect(found.map((r) => r.urn.split("::").pop())).toEqual([name]);
    return found[0]!;
  }

  /** An ApiKey's key, which must be held as a secret in the state. */
  async key(name: string): Promise<string> {
    const { outputs } = await this.resource(name);
    expect(isSecret(outputs.key)).toBe(true);
    return reveal(outputs.key);
  }

  /** What the CI secret (the consumer) holds, or undefined when it holds nothing. */
  ciSecret(): { keyId: string; key: string } | undefined {
    const file = join(this.projectDir, "ci-secrets", "deployer.json");
    return existsSync(file) ? JSON.parse(readFileSync(file, "utf8")) : undefined;
  }

  /** Live keys other than the simulator's own bootstrap key. */
  liveKeys(): SimKey[] {
    return this.sim.liveKeys().filter((k) => k.name !== "bootstrap");
  }

  async close() {
    if (this.stack instanceof PulumiCliStack) this.stack.close();
    await this.sim.close();
    removeProject(this.projectDir);
  }
}

/** Opens a scenario through the harness, runs the body, and always cleans up. */
export async function harnessScenario(
  folder: string,
  body: (s: Scenario) => Promise<void>,
  o: Omit<Parameters<typeof Scenario.open>[1] & {}, "driver"> = {},
) {
  const s = await Scenario.open(folder, { driver: "harness", ...o });
  try {
    await body(s);
  } finally {
    await s.close();
  }
}

/**
 * [op, resource name] of each step, with what forced a replacement. With `names`, only those
 * resources' steps: the order of steps is fixed along dependencies only, so resources that do not
 * depend on each other are asserted apart.
 */
export const stepsOf = (run: { steps?: Step[] }, names?: string[]) =>
  run
    .steps!.filter((s) => !names || names.includes(s.name))
    .map((s) => (s.replaces ? [s.op, s.name, s.replaces] : [s.op, s.name]));
