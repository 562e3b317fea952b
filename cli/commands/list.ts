/** `qwilt-keys list`: every key of the organization, who manages it, when it expires. */
import { boolFlag, daysFlag } from "../args/flag-values";
import type { Command } from "../command";
import { UsageError } from "../errors";
import { keyViews, listedKeyJson } from "../keys/key-view";
import { paintFor } from "../output/colour";
import { keyTable, listSummary } from "../output/key-table";
import { timeline } from "../output/timeline";
import { terminalWidth } from "../output/terminal-width";
import { JSON_FLAG, ORG_FLAG, STATE_FLAG, WARN_DAYS_FLAG } from "../shared-flags";
import { printNotes, stateNotes, survey } from "../survey";

export const command: Command = {
  name: "list",
  order: 1,
  summary: "every key of the organization: who manages it, what expires when",
  description: `Lists every API key of the Qwilt organization (made by any of its users), soonest expiry first,
with its days left and status (active, expiring within --warn-days, expired). With --state, each key is
matched to the stacks that manage it (by organization, keyId and name): managed, unmanaged (no state
holds it), or orphaned (an interrupted \`pulumi up\` left it, or a replaced key still waits to be revoked).
Without --state, management is unknown.

LEFT counts whole days, rounded down: the days left, or for an expired key the days since it expired
("expired 1 day ago": one to two days ago). --json's daysLeft is the days left rounded down, negative once
expired: -2 for that same key.

--timeline draws each key's validity as a bar on one time axis (made, rotateAt, expiry, today), so
overlapping keys and the next expiry are seen at a glance.`,
  flags: [
    STATE_FLAG,
    WARN_DAYS_FLAG,
    { name: "timeline", type: "boolean", help: "draw each key's validity on a shared time axis" },
    JSON_FLAG,
    ORG_FLAG,
  ],
  examples: [
    "qwilt-keys list",
    "qwilt-keys list --state pulumi-cloud://acme --timeline",
    "pulumi stack export | qwilt-keys list --state - --json | jq '.keys[] | select(.management != \"managed\")'",
  ],
  async run(args, io) {
    const warnDays = daysFlag(args, "warn-days", 30);
    const json = boolFlag(args, "json");
    if (json && boolFlag(args, "timeline")) {
      throw new UsageError(
        "--timeline",
        "--timeline draws on a terminal; it cannot go with --json (whose keys hold every date it draws)",
      );
    }
    const s = await survey(args, io);
    try {
      const views = keyViews(s.listed, s.matching.matches, io.now(), warnDays);
      printNotes(io, stateNotes(s));
      if (json) {
        io.stdout.write(
          `${JSON.stringify({ organization: s.organization, keys: views.map(listedKeyJson) }, null, 2)}\n`,
        );
      } else {
        const paint = paintFor(io.stdout, io.env);
        const body = boolFlag(args, "timeline")
          ? timeline(views, io.now(), terminalWidth(io), paint)
          : keyTable(views, paint);
        const summary = listSummary(
          views,
          { organization: s.organization, warnDays, ...(s.stacks ? { stacksRead: s.stacks.length } : {}) },
          paint,
        );
        io.stdout.write(`${views.length > 0 ? `${body}\n\n` : ""}${summary}\n`);
      }
      return s.failures.length > 0 ? 2 : 0;
    } finally {
      await s.connection.client.close();
    }
  },
};
