import type { Deployment } from "./deployment";
import { stackKeys, stackOfUrn, type StackKeys } from "./state-keys";

/** A stack a source could not read, and why (said to the user; the command then exits 2). */
export interface StackFailure {
  stack: string;
  reason: string;
}

/** What one `--state` source gave: the stacks read, and the stacks it found but could not read. */
export interface SourceResult {
  stacks: StackKeys[];
  failures: StackFailure[];
}

/** The stack a deployment belongs to, from its root stack resource's URN (else any URN, else `fallback`). */
export function stackNameOf(deployment: Deployment, fallback: string, pulumiOrg?: string): string {
  const root = deployment.resources.find((r) => r.type === "pulumi:pulumi:Stack") ?? deployment.resources[0];
  return root ? stackOfUrn(root.urn, pulumiOrg) : fallback;
}

export function oneStack(deployment: Deployment, fallback: string, pulumiOrg?: string): StackKeys {
  return stackKeys(stackNameOf(deployment, fallback, pulumiOrg), deployment, pulumiOrg);
}

/** One stack of a folder or an organization: read, or not. */
export type StackOutcome = { stack: StackKeys } | { failure: StackFailure };

export function collect(outcomes: readonly StackOutcome[]): SourceResult {
  const result: SourceResult = { stacks: [], failures: [] };
  for (const o of outcomes) {
    if ("stack" in o) result.stacks.push(o.stack);
    else result.failures.push(o.failure);
  }
  return result;
}
