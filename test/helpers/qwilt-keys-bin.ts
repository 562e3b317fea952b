/**
 * Runs the real `qwilt-keys` bin of the packed package (the file package.json's `bin` names, as npm would
 * link it) in a child process with a clean environment: only PATH, a HOME of its own, and what the test gives.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, inject } from "vitest";

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

let bin: string | undefined;
/** The bin's path inside the packed package, read from its package.json. */
export function qwiltKeysBin(): string {
  if (bin) return bin;
  const pkgDir = join(inject("packedProject"), "node_modules", "pulumi-qwilt-api-keys");
  const pkg = JSON.parse(readFileSync(join(pkgDir, "package.json"), "utf8")) as { bin: Record<string, string> };
  return (bin = join(pkgDir, pkg.bin["qwilt-keys"]!));
}

/** A HOME with no Pulumi login in it, so the developer's own never leaks into a test. */
export const EMPTY_HOME = mkdtempSync(join(tmpdir(), "qwilt-keys-home-"));

export function runCli(
  args: string[],
  o: { env?: Record<string, string | undefined>; stdin?: string | Buffer } = {},
): Promise<CliRun> {
  const env: Record<string, string> = { PATH: process.env.PATH ?? "", HOME: EMPTY_HOME };
  for (const [k, v] of Object.entries(o.env ?? {})) if (v !== undefined) env[k] = v;
  const child = spawn(process.execPath, [qwiltKeysBin(), ...args], { env, stdio: ["pipe", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d) => (stdout += d));
  child.stderr.on("data", (d) => (stderr += d));
  child.stdin.end(o.stdin ?? "");
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/** The run printed none of these secrets (keys, tokens, passwords), on either stream. */
export function expectNoSecrets(run: CliRun, secrets: readonly string[]): void {
  for (const secret of secrets) {
    expect(run.stdout.includes(secret), "a secret on stdout").toBe(false);
    expect(run.stderr.includes(secret), "a secret on stderr").toBe(false);
  }
  // Keys and login tokens are JWTs: none may appear at all.
  expect(`${run.stdout}${run.stderr}`).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\./);
}
