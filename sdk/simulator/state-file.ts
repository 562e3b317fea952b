/**
 * Reading and writing the state file. Writes go to a temp file then rename, so a crash (or a
 * reader in another process) never sees half a file.
 */
import { existsSync, readFileSync, renameSync, writeFileSync, unlinkSync } from "node:fs";
import { randomBytes } from "node:crypto";
import type { StoreSnapshot } from "./store";

export function loadState(file: string): StoreSnapshot | undefined {
  if (!existsSync(file)) return undefined;
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, "utf8"));
  } catch (e) {
    throw new Error(`simulator state file ${file} is not valid JSON: ${(e as Error).message}`);
  }
  const s = data as Partial<StoreSnapshot> | null;
  if (s?.version !== 1 || !Array.isArray(s.organizations) || !Array.isArray(s.users) || !Array.isArray(s.keys)) {
    throw new Error(`simulator state file ${file} has an unknown format (expected version 1)`);
  }
  return { ...s, sessions: s.sessions ?? [], clockOffsetMs: s.clockOffsetMs ?? 0 } as StoreSnapshot;
}

export function saveState(file: string, snapshot: StoreSnapshot): void {
  writeFileAtomic(file, `${JSON.stringify(snapshot, null, 2)}\n`);
}

/**
 * Writes `text` to a temp file beside `file`, then renames it over `file`: a reader never sees half a file.
 * Owner-only by default (a state may hold keys). Also the lifecycle harness's state writer.
 */
export function writeFileAtomic(file: string, text: string, mode = 0o600): void {
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  try {
    writeFileSync(tmp, text, { mode });
    renameSync(tmp, file);
  } catch (e) {
    try {
      unlinkSync(tmp);
    } catch {
      // the temp file may not exist; the original error is the one worth reporting
    }
    throw e;
  }
}
