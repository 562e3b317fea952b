/**
 * The README's first command, `npm run demo` (after the build `npm test` has done): it must keep
 * working, end with no live demo key, and print no key.
 */
import { execFile } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { REPO } from "./helpers/packed-project";

describe("npm run demo", () => {
  it("creates, leaves alone, rotates and destroys the demo keys, printing none", async () => {
    const { code, out } = await new Promise<{ code: number; out: string }>((resolve) => {
      execFile(
        process.execPath,
        [join(REPO, "scripts/demo.js")],
        { cwd: REPO, timeout: 150_000 },
        (err, stdout, stderr) =>
          resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, out: stdout + stderr }),
      );
    });
    expect(out).toContain("The simulator holds no live demo key.");
    expect(code).toBe(0);
    expect(out).toMatch(/viewerKey:?\s+\[secret\]/);
    // Keys and tokens are JWT-shaped: none may be printed.
    expect(out).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}\./);
    // Into a pipe: no terminal escapes (bold is for a terminal only).
    expect(out).not.toContain("\x1b[");
  }, 180_000);
});
