/** `qwilt-keys audit`: findings for a nightly job, failing it (exit 1) before anything expires. */
import { appendFile } from "node:fs/promises";
import { boolFlag, choiceFlag, daysFlag, stringFlag } from "../args/flag-values";
import type { Command } from "../command";
import { UsageError } from "../errors";
import { envValue } from "../io";
import { auditFindings, countsOf } from "../keys/audit-findings";
import { keyViews } from "../keys/key-view";
import { paintFor } from "../output/colour";
import { findingsMarkdown } from "../output/findings-markdown";
import { auditSummary, findingsTable } from "../output/findings-text";
import { findingCommands } from "../output/github-commands";
import { JSON_FLAG, ORG_FLAG, STATE_FLAG, WARN_DAYS_FLAG } from "../shared-flags";
import { printNotes, stateNotes, survey } from "../survey";

const FORMATS = ["table", "json", "markdown", "github"] as const;

export const command: Command = {
  name: "audit",
  order: 2,
  summary: "findings for a nightly job: exit 1 when any is an error",
  description: `Checks every key of the organization and prints findings, each with a level and a code:

  expires-soon      a live key expiring within --fail-days (error) or --warn-days (warning)
  expired           a managed key past its expiry (error); an unmanaged one (info)
  rotation-overdue  a managed key past its rotateAt: the scheduled \`pulumi up\` is not running (error)
  previous-overdue  a managed previous key (overlapDays) past its previousRevokeAt (error)
  orphaned          a live key an interrupted \`pulumi up\` left, or a replaced key still to revoke (error)
  unmanaged         with --state, a live key no state manages: editor (warning), viewer (info)
  missing           a state key Qwilt no longer lists; \`pulumi refresh\` drops it (warning)

A previous key and an orphaned key are on their way out: they are not reported as expires-soon.
Exit 1 when there is a finding at error level, 2 when the command could not run or a state could not be
read, 0 otherwise. --format github prints workflow commands (annotations) and appends a Markdown summary to
$GITHUB_STEP_SUMMARY; --format markdown prints that summary (for a pull-request comment).`,
  flags: [
    STATE_FLAG,
    WARN_DAYS_FLAG,
    { name: "fail-days", type: "string", value: "N", help: "a key expiring within N days is an error (default 7)" },
    { name: "format", type: "string", value: "format", help: "table (default), json, markdown or github" },
    { ...JSON_FLAG, help: "the same as --format json" },
    ORG_FLAG,
  ],
  examples: [
    "qwilt-keys audit --state pulumi-cloud://acme --format github",
    "qwilt-keys audit --state ./state-backend --fail-days 14 --json",
  ],
  async run(args, io) {
    const warnDays = daysFlag(args, "warn-days", 30);
    const failDays = daysFlag(args, "fail-days", 7);
    if (failDays > warnDays)
      throw new UsageError("--fail-days", `--fail-days (${failDays}) must not be more than --warn-days (${warnDays})`);
    const format = boolFlag(args, "json") ? "json" : choiceFlag(args, "format", FORMATS, "table");
    if (boolFlag(args, "json") && stringFlag(args, "format") !== undefined && stringFlag(args, "format") !== "json") {
      throw new UsageError(
        "--json",
        `--json means --format json; it cannot go with --format ${stringFlag(args, "format")}`,
      );
    }

    const s = await survey(args, io);
    try {
      const now = io.now();
      const views = keyViews(s.listed, s.matching.matches, now, warnDays);
      const stacksRead = s.stacks?.length;
      const findings = auditFindings(views, s.matching.missing, {
        now,
        warnDays,
        failDays,
        ...(stacksRead !== undefined ? { stacksRead } : {}),
      });
      const counts = countsOf(findings);
      const summary = {
        organization: s.organization,
        counts,
        keys: s.listed.length,
        ...(stacksRead !== undefined ? { stacksRead } : {}),
      };
      printNotes(io, stateNotes(s));
      const paint = paintFor(io.stdout, io.env);
      if (format === "json") {
        io.stdout.write(`${JSON.stringify({ organization: s.organization, findings, counts }, null, 2)}\n`);
      } else if (format === "markdown") {
        io.stdout.write(findingsMarkdown(findings, summary, s.failures));
      } else if (format === "github") {
        for (const line of findingCommands(findings, s.failures)) io.stdout.write(`${line}\n`);
        io.stdout.write(`${auditSummary(summary, paint)}\n`);
        const file = envValue(io.env, "GITHUB_STEP_SUMMARY");
        if (file) {
          await appendFile(file, `${findingsMarkdown(findings, summary, s.failures)}\n`).catch(
            (error: NodeJS.ErrnoException) =>
              io.stderr.write(
                `qwilt-keys: warning: could not append the summary to GITHUB_STEP_SUMMARY (${error.code ?? error.message})\n`,
              ),
          );
        }
      } else {
        io.stdout.write(
          `${findings.length > 0 ? `${findingsTable(findings, paint)}\n\n` : ""}${auditSummary(summary, paint)}\n`,
        );
      }
      if (s.failures.length > 0) return 2;
      return counts.error > 0 ? 1 : 0;
    } finally {
      await s.connection.client.close();
    }
  },
};
