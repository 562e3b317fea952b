/**
 * Reads every `--state` source at once. A source that cannot be read at all (a missing file, not JSON,
 * another state version, no Pulumi token) is a UsageError (exit 2) before any result is shown or anything
 * revoked; a stack inside a folder or an organization that cannot be read is returned as a failure, for the
 * command to report (and exit 2 once it has shown what it could).
 */
import { stat } from "node:fs/promises";
import { homedir } from "node:os";
import { fileURLToPath } from "node:url";
import { UsageError } from "../errors";
import type { Io } from "../io";
import { readDiyBackend, readStateFile, readStdin } from "./local-sources";
import { readPulumiCloud } from "./pulumi-cloud/pulumi-cloud-source";
import type { SourceResult } from "./source-result";

const CLOUD = /^pulumi-cloud:\/\/(.*)$/;

export async function readStates(values: readonly string[], io: Io, userAgent: string): Promise<SourceResult> {
  if (values.filter((v) => v === "-").length > 1)
    throw new UsageError("--state -", "--state - (standard input) was given twice; it can be read once");
  const results = await Promise.all(values.map((v) => readSource(v, io, userAgent)));
  return {
    stacks: distinct(results.flatMap((r) => r.stacks)),
    failures: distinct(results.flatMap((r) => r.failures)),
  };
}

/**
 * The same stack given through several sources (a file twice, a DIY backend's root and its .pulumi folder, an
 * export of a stack that a backend folder also holds) is counted once: a stack read twice with the same name
 * and the same keys is one stack. Two stacks of one name that differ (two backends, an older export) both stay.
 */
function distinct<T>(items: readonly T[]): T[] {
  const seen = new Set<string>();
  return items.filter((item) => {
    const identity = JSON.stringify(item);
    if (seen.has(identity)) return false;
    seen.add(identity);
    return true;
  });
}

async function readSource(value: string, io: Io, userAgent: string): Promise<SourceResult> {
  if (value === "-") return readStdin(io.stdin);
  const cloud = CLOUD.exec(value);
  if (cloud) {
    const org = cloud[1]!.replace(/\/+$/, "");
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(org)) {
      throw new UsageError(
        value,
        `--state ${value}: expected pulumi-cloud://<organization>, the name of a Pulumi Cloud organization`,
      );
    }
    return readPulumiCloud(org, io, userAgent);
  }
  if (/^(s3|gs|azblob|https?):\/\//i.test(value)) {
    throw new UsageError(
      value,
      `--state ${value}: backends in cloud buckets are not read directly; run \`pulumi stack export --stack <stack> > state.json\` with that backend and pass the file`,
    );
  }
  // `pulumi login file://~/state` names a folder under the home folder.
  const path = value.startsWith("file://~")
    ? homedir() + value.slice("file://~".length)
    : value.startsWith("file://")
      ? fileURLToPath(value)
      : value;
  const s = await stat(path).catch(() => undefined);
  if (s?.isDirectory()) return readDiyBackend(path);
  return readStateFile(path, value);
}
