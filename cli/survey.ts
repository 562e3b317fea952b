/**
 * What list, audit and revoke start from: the organization's keys (one list call), the states given
 * with `--state` (read meanwhile), and which state manages which key. Configuration problems and
 * unreadable sources end the command with exit 2 before any result is shown.
 */
import { defaultUserAgent } from "../sdk/client/client-options";
import type { ApiKeyInfo } from "../sdk/client/types";
import { listFlag, stringFlag } from "./args/flag-values";
import type { ParsedArgs } from "./command";
import type { Io } from "./io";
import { matchKeys, type Matching } from "./keys/match-keys";
import { apiFailure } from "./qwilt-error-words";
import { connect, variablesOf, type Connection } from "./qwilt-connection";
import { UsageError } from "./errors";
import { readStates } from "./states/read-states";
import type { SourceResult, StackFailure } from "./states/source-result";
import type { StackKeys } from "./states/state-keys";

export interface Survey {
  connection: Connection;
  /**
   * The Qwilt organization listed: the one asked for, else the one the keys belong to, else (no key listed, no
   * state key to check) the one the login token names.
   */
  organization: string;
  listed: ApiKeyInfo[];
  /** undefined without `--state`. */
  stacks?: StackKeys[];
  failures: StackFailure[];
  matching: Matching;
}

export async function survey(args: ParsedArgs, io: Io): Promise<Survey> {
  const connection = connect(io.env, stringFlag(args, "org"));
  const sources = listFlag(args, "state");
  try {
    const states = sources.length > 0 ? readStates(sources, io, defaultUserAgent()) : undefined;
    const listing = connection.client.listKeys();
    // The states first: a source that cannot be read is a usage error, whatever the API answered.
    listing.catch(() => undefined);
    const read = await states;
    const listed = await listing.catch((error: unknown) => {
      throw apiFailure(error, "listing the organization's keys");
    });
    const owners = [...new Set(listed.map((k) => k.organization))];
    const organization =
      connection.orgId ??
      (owners.length === 1 ? owners[0] : undefined) ??
      (await unlistedOrganization(connection, read));
    return {
      connection,
      organization,
      listed,
      ...(read ? { stacks: read.stacks } : {}),
      failures: read?.failures ?? [],
      matching: matchKeys(listed, read?.stacks, organization),
    };
  } catch (error) {
    await connection.client.close();
    throw error;
  }
}

/**
 * The organization of a login without --org when Qwilt lists no key in it. Qwilt documents no way to tell
 * it, so: with state keys to check, the command stops (exit 2) rather than call them all another
 * organization's and pass; without, the login token's claim names it (assumed, sdk/qwilt-api.ts
 * login-token-names-org), else the command stops too.
 */
async function unlistedOrganization(connection: Connection, read: SourceResult | undefined): Promise<string> {
  const stateKeys = (read?.stacks ?? []).reduce((n, s) => n + s.keys.length + s.pending.length, 0);
  const fix =
    connection.credentials === "login"
      ? "give --org <id>, or set QWILT_ORG_ID"
      : `check that ${variablesOf("apiKey")} is a key of the organization you mean`;
  const why =
    "Qwilt lists no key in the organization the credentials reach, and does not say which organization that is";
  if (stateKeys > 0) {
    throw new UsageError(
      connection.credentials === "login" ? "--org" : "QWILT_API_KEY",
      `${why}: the ${stateKeys} key${stateKeys === 1 ? "" : "s"} the states hold cannot be checked against it; ${fix}`,
    );
  }
  const named = await connection.client.loginTokenOrganization().catch(() => undefined);
  if (named !== undefined) return named;
  throw new UsageError(
    connection.credentials === "login" ? "--org" : "QWILT_API_KEY",
    `${why} (its login token names none); ${fix}`,
  );
}

/** What the user should know about the states read, on standard error (never part of --json). */
export function stateNotes(s: Survey): string[] {
  const notes = s.connection.warnings.map((w) => `warning: ${w}`);
  for (const stack of s.stacks ?? []) {
    for (const urn of stack.unreadable)
      notes.push(`warning: ${urn} holds its keyId, name or organization as a secret: it cannot be matched`);
  }
  if (s.matching.elsewhere.size > 0) {
    const orgs = [...s.matching.elsewhere].map(([org, n]) => `${org}: ${n}`).join(", ");
    notes.push(
      `note: state keys of other organizations were not checked (${orgs}); use --org to list another organization`,
    );
  }
  if (s.failures.length > 0) {
    notes.push(
      `error: ${s.failures.length} stack${s.failures.length === 1 ? "" : "s"} could not be read; keys they manage show as unmanaged:`,
    );
    for (const f of s.failures) notes.push(`  ${f.stack}: ${f.reason}`);
  }
  return notes;
}

/** Notes on standard error: `qwilt-keys: ` before each, except the indented lines that belong to the one above. */
export function printNotes(io: Io, notes: readonly string[]): void {
  for (const note of notes) io.stderr.write(note.startsWith(" ") ? `${note}\n` : `qwilt-keys: ${note}\n`);
}
