/**
 * A stack driven by the real Pulumi CLI (local file backend in a temp folder), with the same face
 * as the harness's HarnessStack, so scenarios run through either. Used only when `pulumi` is on PATH.
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { StackState, StateResource } from "./harness/state-file.js";
import { SECRET_SIG, SIG_KEY } from "./harness/wire.js";
import type { LifecycleStack, Run } from "./scenario";

/** Why the real-CLI variant cannot run here, or undefined when it can. */
export function pulumiMissing(): string | undefined {
  const r = spawnSync("pulumi", ["version"], { encoding: "utf8" });
  return r.status === 0 ? undefined : "the Pulumi CLI is not on PATH (https://www.pulumi.com/docs/install/)";
}

export class PulumiCliStack implements LifecycleStack {
  readonly driver = "pulumi";
  config: Record<string, string> = {};
  clockOffsetMs = 0;
  readonly #home = mkdtempSync(join(tmpdir(), "qwilt-pulumi-home-"));
  #created = false;

  /** `env` carries the provider's credentials (QWILT_API_KEY, QWILT_USERS_URL, ...): the plugin inherits the CLI's environment. */
  constructor(
    readonly projectDir: string,
    readonly env: Record<string, string>,
    readonly stack = "dev",
  ) {}

  up() {
    return this.#op(["up", "--yes", "--skip-preview"]);
  }
  preview() {
    return this.#op(["preview"]);
  }
  refresh() {
    return this.#op(["refresh", "--yes", "--skip-preview"]);
  }
  destroy() {
    return this.#op(["destroy", "--yes", "--skip-preview"]);
  }

  /** The state, from `pulumi stack export --show-secrets`, in the harness's form. */
  async state(): Promise<StackState> {
    const r = await this.#pulumi(["stack", "export", "--show-secrets"]);
    if (r.status !== 0) throw new Error(`pulumi stack export failed:\n${r.output}`);
    const resources: any[] = JSON.parse(r.stdout).deployment?.resources ?? [];
    const stack = resources.find((x) => x.type === "pulumi:pulumi:Stack");
    const custom = resources.filter((x) => x.custom && !String(x.type).startsWith("pulumi:providers:"));
    return {
      version: 1,
      resources: custom.map(
        (x): StateResource => ({
          urn: x.urn,
          type: x.type,
          id: x.id,
          inputs: fromExport(x.inputs ?? {}),
          outputs: fromExport(x.outputs ?? {}),
          dependencies: x.dependencies ?? [],
          additionalSecretOutputs: x.additionalSecretOutputs ?? [],
          ...(x.initErrors ? { initErrors: x.initErrors } : {}),
          ...(x.delete ? { delete: true } : {}),
        }),
      ),
      outputs: fromExport(stack?.outputs ?? {}),
    };
  }

  close() {
    rmSync(this.#home, { recursive: true, force: true });
  }

  async #op(args: string[]): Promise<Run> {
    if (!this.#created) {
      await this.#must(["stack", "init", this.stack, "--non-interactive"]);
      this.#created = true;
    }
    for (const [k, v] of Object.entries(this.config)) await this.#must(["config", "set", k, v, "--stack", this.stack]);
    const r = await this.#pulumi([...args, "--stack", this.stack, "--non-interactive"]);
    return {
      ok: r.status === 0,
      errors: r.status === 0 ? [] : [r.output.trim().split("\n").slice(-10).join("\n")],
      output: r.output,
    };
  }

  async #must(args: string[]) {
    const r = await this.#pulumi(args);
    if (r.status !== 0) throw new Error(`pulumi ${args.join(" ")} failed:\n${r.output}`);
  }

  /** Asynchronous on purpose: the simulator answers from this process's event loop. */
  #pulumi(args: string[]): Promise<{ status: number | null; stdout: string; output: string }> {
    const child = spawn("pulumi", args, {
      cwd: this.projectDir,
      env: {
        ...process.env,
        ...this.env,
        PULUMI_BACKEND_URL: `file://${this.#home}`,
        PULUMI_HOME: join(this.#home, ".pulumi"),
        PULUMI_CONFIG_PASSPHRASE: "lifecycle-test",
        PULUMI_SKIP_UPDATE_CHECK: "true",
        QWILT_CLOCK_OFFSET_MS: String(this.clockOffsetMs),
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let output = "";
    child.stdout.on("data", (d) => {
      stdout += d;
      output += d;
    });
    child.stderr.on("data", (d) => (output += d));
    return new Promise((resolve, reject) => {
      child.on("error", reject);
      child.on("close", (status) => resolve({ status, stdout, output }));
    });
  }
}

/** `stack export --show-secrets` writes a secret as {sig, plaintext: JSON}; the harness as {sig, value}. */
function fromExport(v: any): any {
  if (v && typeof v === "object" && v[SIG_KEY] === SECRET_SIG) {
    return { [SIG_KEY]: SECRET_SIG, value: "plaintext" in v ? JSON.parse(v.plaintext) : v.value };
  }
  if (Array.isArray(v)) return v.map(fromExport);
  if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, fromExport(x)]));
  return v;
}
