import { execFileSync } from "node:child_process";
import { join } from "node:path";

/**
 * The `__provider` text Pulumi stores in every ApiKey's state, made by Pulumi's own closure
 * serializer in a separate process (so the package loads as a user's program loads it).
 * `env` lets a test put credentials in the environment to prove none is captured.
 */
export function serializedProvider(projectDir: string, env: NodeJS.ProcessEnv = {}): string {
  const out = execFileSync(process.execPath, [join(__dirname, "../fixtures/print-serialized-provider.js")], {
    cwd: projectDir,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    encoding: "utf8",
  });
  const line = out.split("\n").find((l) => l.startsWith("{"));
  if (!line) throw new Error(`no provider printed: ${out}`);
  return JSON.parse(line).apiKey;
}
