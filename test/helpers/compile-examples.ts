/**
 * examples/ compiled as a user's `pulumi new typescript` project compiles them: copied into a
 * project that has the packed package installed, type-checked against its published declarations
 * with the template's compiler options (this repository's tsc), and emitted as CommonJS to
 * bin/examples/<example>/. Shared by the packaging test (run under mocks) and the examples'
 * lifecycle test (run through the harness, which runs JavaScript only).
 */
import { execFile } from "node:child_process";
import { copyFileSync, cpSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { makePackedProject, REPO } from "./packed-project";

const TSC = join(REPO, "node_modules/typescript/bin/tsc");
const EXAMPLES_DIR = join(REPO, "examples");

/** Every example, each a Pulumi project of its own. */
export const EXAMPLES = [
  "basic",
  "rotation",
  "consumer",
  "consumer/reader",
  "multi-org",
  "per-service",
  "github-actions",
  "kubernetes",
  "vault",
  "esc",
  "overlap",
] as const;
export type Example = (typeof EXAMPLES)[number];

/** The compiler options `pulumi new typescript` writes. */
export const PULUMI_NEW_TS_OPTIONS = {
  strict: true,
  outDir: "bin",
  target: "es2020",
  module: "commonjs",
  moduleResolution: "node",
  sourceMap: true,
  experimentalDecorators: true,
  pretty: true,
  noFallthroughCasesInSwitch: true,
  noImplicitReturns: true,
  forceConsistentCasingInFileNames: true,
};

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command with only PATH and HOME from this environment (plus `env`); never rejects. */
export function run(cmd: string, args: string[], cwd: string, env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      cmd,
      args,
      { cwd, env: { PATH: process.env.PATH!, HOME: process.env.HOME!, ...env }, encoding: "utf8", timeout: 120_000 },
      (error, stdout, stderr) =>
        resolve({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr }),
    );
  });
}

/**
 * Copies examples/ into `<project>/examples` (without node_modules, bin, or the repository's own
 * examples/tsconfig.json, whose `paths` point at the sources) and writes the project's tsconfig.json:
 * the template's options, `files` plus the `examples` to compile (default: every one; a test that
 * runs a few compiles only those, as the Kubernetes types alone take seconds). `rootDir` is pinned so
 * the output lands in bin/examples/<example>/ whatever `files` holds; it changes nothing in type-checking.
 */
export function addExamples(project: string, files: string[] = [], examples: readonly Example[] = EXAMPLES): void {
  cpSync(EXAMPLES_DIR, join(project, "examples"), {
    recursive: true,
    filter: (src) => !/[/\\](node_modules|bin)$/.test(src) && relative(EXAMPLES_DIR, src) !== "tsconfig.json",
  });
  // tsc refuses an empty `files` list, so it is left out when there is nothing but the examples.
  const tsconfig = {
    compilerOptions: { ...PULUMI_NEW_TS_OPTIONS, rootDir: "." },
    ...(files.length > 0 ? { files } : {}),
    include: examples.map((e) => `examples/${e}/*.ts`),
  };
  writeFileSync(join(project, "tsconfig.json"), JSON.stringify(tsconfig, null, 4));
}

/**
 * Compiles a project; returns tsc's errors, one per line (`file(line,col): error TS...`), with
 * project-relative paths. `skipLibCheck` still checks the project's code against every declaration
 * it uses, only not the declaration files themselves (the packaging test checks those): a third of
 * the time, for a test that needs the JavaScript.
 */
export async function compile(
  project: string,
  o: { tsconfig?: string; skipLibCheck?: boolean } = {},
): Promise<string[]> {
  const args = [
    TSC,
    "-p",
    o.tsconfig ?? "tsconfig.json",
    "--pretty",
    "false",
    ...(o.skipLibCheck ? ["--skipLibCheck"] : []),
  ];
  const r = await run(process.execPath, args, project);
  return r.stdout.split("\n").filter((l) => / error TS\d+/.test(l));
}

/** Where an example's compiled JavaScript is, in a project `addExamples` and `compile` made. */
export function compiledExample(project: string, example: Example): string {
  return join(project, "bin", "examples", example);
}

/**
 * One example's project: the packed package installed, the example's program compiled in `build`
 * (by `addExamples` and `compile`) copied to bin/, and the example's own Pulumi.yaml with
 * `main: bin/`, as for a precompiled TypeScript program (the lifecycle harness runs JavaScript only).
 */
export function compiledExampleProject(tarball: string, build: string, example: Example): string {
  const dir = makePackedProject(tarball, `example-${example.replace("/", "-")}`);
  const compiled = compiledExample(build, example);
  mkdirSync(join(dir, "bin"));
  for (const f of readdirSync(compiled)) {
    if (statSync(join(compiled, f)).isFile()) copyFileSync(join(compiled, f), join(dir, "bin", f));
  }
  const pulumiYaml = readFileSync(join(REPO, "examples", example, "Pulumi.yaml"), "utf8");
  writeFileSync(join(dir, "Pulumi.yaml"), `${pulumiYaml.trimEnd()}\nmain: bin/\n`);
  return dir;
}
