/**
 * `qwilt-keys revoke <keyId>...`: revokes keys for good, carefully. It asks on a terminal and, without one,
 * needs --yes; a key that a given state manages is refused (naming its stack and URN) unless --force; a key
 * Qwilt does not list is reported as done. Nothing is revoked when a state could not be read.
 */
import { boolFlag } from "../args/flag-values";
import type { Command } from "../command";
import { UsageError } from "../errors";
import type { KeyView } from "../keys/key-view";
import { keyViews } from "../keys/key-view";
import { dateOf } from "../keys/time-words";
import { paintFor } from "../output/colour";
import { clean } from "../output/sanitize";
import { confirm, isInteractive } from "../prompt";
import { describeApiError } from "../qwilt-error-words";
import { ORG_FLAG, STATE_FLAG } from "../shared-flags";
import { printNotes, stateNotes, survey } from "../survey";
import { QwiltError } from "../../sdk/client/errors";

type Outcome = "revoked" | "gone" | "refused" | "failed" | "kept";

export const command: Command = {
  name: "revoke",
  order: 3,
  summary: "revoke keys by keyId, refusing those a state manages",
  description: `Revokes each key for good (Qwilt cannot re-enable a revoked key). On a terminal it asks first;
without one it revokes nothing unless --yes is given. With --state, a key that a state manages is refused,
naming its stack and URN (revoke it with \`pulumi destroy\` or \`pulumi up\`, or give --force); orphaned keys
(left by an interrupted \`pulumi up\`) are what this command is for. A key Qwilt does not list (unknown, or
already revoked) is reported as done. When a state cannot be read, nothing is revoked.

Each key's outcome is printed: revoked, gone (not listed), refused, failed, or kept (not confirmed).
Exit 0 when every key is revoked or gone, 1 otherwise, 2 for bad usage.`,
  positionals: {
    name: "keyId",
    help: "the keys to revoke, by keyId (as `qwilt-keys list` shows them)",
    required: true,
    variadic: true,
  },
  flags: [
    { name: "yes", short: "y", type: "boolean", help: "revoke without asking (needed without a terminal)" },
    { name: "force", type: "boolean", help: "revoke keys that a state manages, too" },
    STATE_FLAG,
    ORG_FLAG,
  ],
  examples: ["qwilt-keys revoke 41 42 --state pulumi-cloud://acme", "qwilt-keys revoke 41 --yes"],
  async run(args, io) {
    const ids = [...new Set(args.positionals.map((id) => id.trim()))];
    const bad = ids.find((id) => !/^[A-Za-z0-9._-]{1,64}$/.test(id));
    if (bad !== undefined)
      throw new UsageError(
        bad,
        `${JSON.stringify(bad.slice(0, 70))} is not a keyId (keyIds look like 17; \`qwilt-keys list\` shows them)`,
      );
    const force = boolFlag(args, "force");

    const s = await survey(args, io);
    try {
      // The stacks that could not be read are named under the verdict, not as the list and audit word them.
      printNotes(io, stateNotes({ ...s, failures: [] }));
      if (s.failures.length > 0) {
        const n = s.failures.length;
        printNotes(io, [
          `nothing revoked: ${n} stack${n === 1 ? "" : "s"} could not be read, so which keys ${n === 1 ? "it manages" : "they manage"} is unknown:`,
          ...s.failures.map((f) => `  ${f.stack}: ${f.reason}`),
        ]);
        return 2;
      }
      const paint = paintFor(io.stdout, io.env);
      const views = new Map(keyViews(s.listed, s.matching.matches, io.now(), 0).map((v) => [v.key.keyId, v]));
      // Each key's outcome, printed once all are known, in the order the keyIds were given.
      const outcomes = new Map<string, { outcome: Outcome; text: string }>();
      const say = (outcome: Outcome, id: string, text: string) => outcomes.set(id, { outcome, text });
      const idWidth = Math.max(...ids.map((id) => clean(id).length));
      const colour = {
        revoked: paint.green,
        gone: paint.dim,
        refused: paint.yellow,
        failed: paint.red,
        kept: paint.yellow,
      };
      const printOutcomes = () => {
        for (const id of ids) {
          const o = outcomes.get(id);
          if (o)
            io.stdout.write(`${colour[o.outcome](o.outcome.padEnd(7))}  ${clean(id).padEnd(idWidth)}  ${o.text}\n`);
        }
      };
      try {
        const todo: KeyView[] = [];
        for (const id of ids) {
          const v = views.get(id);
          if (!v) say("gone", id, `not listed in organization ${s.organization}: unknown or already revoked`);
          else if (v.match.management === "managed" && !force) {
            say(
              "refused",
              id,
              `${describe(v)} is managed by ${clean(v.stack!)} (${clean(v.urn!)}): revoke it through Pulumi, or give --force`,
            );
          } else todo.push(v);
        }

        if (todo.length > 0) {
          let go = boolFlag(args, "yes");
          if (!go && isInteractive(io)) {
            io.stderr.write(
              `About to revoke, for good, in organization ${s.organization}:\n${todo.map((v) => `  ${clean(v.key.keyId).padEnd(idWidth)}  ${describe(v)}\n`).join("")}`,
            );
            go = await confirm(io, `Revoke ${todo.length === 1 ? "this key" : `these ${todo.length} keys`}?`);
          } else if (!go) {
            for (const v of todo)
              say("kept", v.key.keyId, `${describe(v)}: not revoked; without a terminal, give --yes to revoke`);
          }
          if (go) {
            for (const v of todo) {
              try {
                const revoked = await s.connection.client.revokeKey(v.key.keyId);
                const managedNote =
                  v.match.management === "managed"
                    ? `; ${clean(v.stack!)} still holds it: \`pulumi refresh\` drops it`
                    : "";
                say(
                  revoked ? "revoked" : "gone",
                  v.key.keyId,
                  `${describe(v)}${revoked ? "" : ": already revoked"}${managedNote}`,
                );
              } catch (error) {
                if (!(error instanceof QwiltError)) throw error;
                say("failed", v.key.keyId, `${describe(v)}: ${describeApiError(error)}`);
              }
            }
          } else {
            for (const v of todo)
              if (!outcomes.has(v.key.keyId)) say("kept", v.key.keyId, `${describe(v)}: not revoked (not confirmed)`);
          }
        }
      } finally {
        printOutcomes();
      }
      return [...outcomes.values()].every((o) => o.outcome === "revoked" || o.outcome === "gone") ? 0 : 1;
    } finally {
      await s.connection.client.close();
    }
  },
};

/** `"deployer-1a2b" (editor, orphaned, expires 2025-02-06)`; without --state, management is not said (it is unknown). */
function describe(v: KeyView): string {
  const management = v.match.management === "unknown" ? "" : `, ${v.match.management}`;
  return `"${clean(v.key.name)}" (${clean(v.key.permission)}${management}, expires ${dateOf(v.key.expiresAt)})`;
}
