/**
 * `--state pulumi-cloud://<organization>`: every stack of a Pulumi Cloud organization, exported a few at a
 * time. A stack whose export fails is reported (the command then exits 2); the others are still read.
 */
import { mapBounded } from "../../concurrency";
import { UsageError } from "../../errors";
import type { Io } from "../../io";
import { configuredSecrets } from "../../secret-guard";
import { deploymentOf, StateFormatError } from "../deployment";
import { stackKeys } from "../state-keys";
import { collect, type SourceResult, type StackOutcome } from "../source-result";
import { PulumiCloudClient } from "./pulumi-cloud-client";
import { pulumiLogin } from "./pulumi-login";

/** Exports in flight at once: quick for hundreds of stacks, gentle on the service. */
export const EXPORT_CONCURRENCY = 8;

export async function readPulumiCloud(organization: string, io: Io, userAgent: string): Promise<SourceResult> {
  const source = `pulumi-cloud://${organization}`;
  const login = pulumiLogin(io.env, source);
  // The token of `pulumi login` is a secret the environment did not name: from now on nothing printed holds it.
  io.secrets.add(login.token);
  const client = new PulumiCloudClient(login, { userAgent, secrets: configuredSecrets(io.env) });
  try {
    const stacks = await client.listStacks(organization).catch((error: unknown) => {
      throw new UsageError(source, `--state ${source}: could not list the organization's stacks: ${messageOf(error)}`);
    });
    const outcomes = await mapBounded(stacks, EXPORT_CONCURRENCY, async (s): Promise<StackOutcome> => {
      const name = `${s.orgName}/${s.projectName}/${s.stackName}`;
      try {
        return { stack: stackKeys(name, deploymentOf(await client.exportStack(s)), s.orgName) };
      } catch (error) {
        return {
          failure: {
            stack: name,
            reason: error instanceof StateFormatError ? `its export ${error.message}` : messageOf(error),
          },
        };
      }
    });
    return collect(outcomes);
  } finally {
    await client.close();
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
