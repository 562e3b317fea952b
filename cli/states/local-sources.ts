/**
 * `--state` sources on this machine: a file (`pulumi stack export` output, or a checkpoint), standard input
 * (`-`), and a DIY backend folder (its root or its `.pulumi` folder), whose every stack checkpoint is read:
 * `.pulumi/stacks/<project>/<stack>.json` (and `.json.gz` / `.json.zst`), or `.pulumi/stacks/<stack>.json`
 * in the older layout without projects. Backups (`.bak`) and history are not states.
 */
import { readFile, readdir, stat } from "node:fs/promises";
import { basename, join, relative } from "node:path";
import { mapBounded } from "../concurrency";
import { UsageError } from "../errors";
import type { InStream } from "../io";
import { deploymentOf, StateFormatError } from "./deployment";
import { collect, oneStack, type SourceResult, type StackOutcome } from "./source-result";
import { parseStateBytes } from "./state-bytes";

/** Files read at once: enough to keep the disk busy, few enough for any file-descriptor limit. */
const FILE_CONCURRENCY = 32;
const CHECKPOINT = /\.json(\.gz|\.zst)?$/;

export async function readStateFile(path: string, label = path): Promise<SourceResult> {
  const bytes = await readFile(path).catch((error: NodeJS.ErrnoException) => {
    throw new UsageError(label, `--state ${label}: ${fileProblem(error)}`);
  });
  return { stacks: [asUsage(label, () => parse(bytes, label))], failures: [] };
}

export async function readStdin(stdin: InStream): Promise<SourceResult> {
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : (chunk as Buffer));
  return { stacks: [asUsage("-", () => parse(Buffer.concat(chunks), "-"))], failures: [] };
}

/** A folder: a DIY backend's root (holding `.pulumi/`) or its `.pulumi` folder. */
export async function readDiyBackend(dir: string): Promise<SourceResult> {
  const stacksDir = await findStacksDir(dir);
  const files = newestOfEach(await checkpointFiles(stacksDir));
  const outcomes = await mapBounded(files, FILE_CONCURRENCY, async (file): Promise<StackOutcome> => {
    const name = relative(stacksDir, file.path).replace(CHECKPOINT, "");
    try {
      return { stack: parse(await readFile(file.path), name) };
    } catch (error) {
      const reason = error instanceof StateFormatError ? error.message : fileProblem(error as NodeJS.ErrnoException);
      return { failure: { stack: name, reason: `${file.path} ${reason}` } };
    }
  });
  return collect(outcomes);
}

/** Throws StateFormatError. */
function parse(bytes: Buffer, label: string) {
  return oneStack(deploymentOf(parseStateBytes(bytes)), label);
}

function asUsage<T>(label: string, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (error instanceof StateFormatError) throw new UsageError(label, `--state ${label} ${error.message}`);
    throw error;
  }
}

async function findStacksDir(dir: string): Promise<string> {
  const candidates = [
    join(dir, ".pulumi", "stacks"),
    ...(basename(dir) === ".pulumi" ? [join(dir, "stacks")] : []),
    ...(basename(dir) === "stacks" ? [dir] : []),
  ];
  for (const candidate of candidates) {
    if ((await stat(candidate).catch(() => undefined))?.isDirectory()) return candidate;
  }
  throw new UsageError(
    dir,
    `--state ${dir}: a folder, but not a DIY backend: no ${join(dir, ".pulumi", "stacks")} (give the folder you passed to \`pulumi login file://...\`, or its .pulumi folder)`,
  );
}

interface Found {
  path: string;
  mtimeMs: number;
}

async function checkpointFiles(dir: string): Promise<Found[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const found = await Promise.all(
    entries.map(async (entry): Promise<Found[]> => {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) return checkpointFiles(path);
      if (!(entry.isFile() || entry.isSymbolicLink()) || !CHECKPOINT.test(entry.name)) return [];
      const s = await stat(path).catch(() => undefined);
      return s?.isFile() ? [{ path, mtimeMs: s.mtimeMs }] : [];
    }),
  );
  return found.flat();
}

/** The backend removes the old file when its compression changes; should both remain, the newer is the state. */
function newestOfEach(files: Found[]): Found[] {
  const byStack = new Map<string, Found>();
  for (const f of files) {
    const key = f.path.replace(CHECKPOINT, "");
    const seen = byStack.get(key);
    if (!seen || f.mtimeMs > seen.mtimeMs) byStack.set(key, f);
  }
  return [...byStack.values()].sort((a, b) => a.path.localeCompare(b.path));
}

function fileProblem(error: NodeJS.ErrnoException): string {
  switch (error.code) {
    case "ENOENT":
    case "ENOTDIR":
      return "no such file or folder";
    case "EACCES":
    case "EPERM":
      return "permission denied";
    case "EISDIR":
      return "is a folder";
    default:
      return error.code ?? error.message;
  }
}
