/** `qwilt-keys probe`: every assumption we make of the Qwilt API, checked against the configured one. */
import { boolFlag, stringFlag } from "../args/flag-values";
import { quote } from "../args/parse-flags";
import type { Command } from "../command";
import { UsageError } from "../errors";
import { paintFor } from "../output/colour";
import { clean } from "../output/sanitize";
import { table } from "../output/table";
import { runProbe, type Leftover, type ProbeResult, type Verdict } from "../probe-checks";
import { connect } from "../qwilt-connection";
import { apiFailure } from "../qwilt-error-words";
import { JSON_FLAG, ORG_FLAG } from "../shared-flags";
import { ACTIVATION_DELAY_MS, ASSUMPTIONS } from "../../sdk/qwilt-api";

const MAX_ACTIVATION_TIMEOUT_S = 3600;

export const command: Command = {
  name: "probe",
  order: 5,
  summary: "check every assumption about the Qwilt API against yours (makes and revokes one key)",
  description: `Checks, one by one, the ${ASSUMPTIONS.length} things pulumi-qwilt-api-keys assumes of Qwilt's api-keys and login
APIs (paths, answers, permissions, what a revoked key answers), each documented by Qwilt or assumed by us, and says
what it saw: confirmed, contradicted, or unknown (not checkable here, or not reached).

It makes at most one key: a viewer key valid one day, named qwilt-keys-probe-<random>, its description saying what
made it; it waits until the key works (Qwilt documents up to 5 minutes), uses it, and revokes it. If the revoke
itself fails, it names the key it left (keyId, name, expiry: within a day). It never prints a key.

When something is contradicted, please send us the --json output (it holds no secret): it says what differs.
Exit 0 when nothing is contradicted, 1 when something is (or the probe could not make its key, or left one),
2 for bad usage or configuration.`,
  flags: [
    JSON_FLAG,
    {
      name: "activation-timeout",
      type: "string",
      value: "seconds",
      help: `how long to wait for the new key to work, and the revoked one to stop (default ${ACTIVATION_DELAY_MS / 1000}; 0: no wait)`,
    },
    ORG_FLAG,
  ],
  examples: ["qwilt-keys probe", "qwilt-keys probe --json > probe.json"],
  async run(args, io) {
    const activationTimeoutMs = secondsFlag(stringFlag(args, "activation-timeout"));
    const connection = connect(io.env, stringFlag(args, "org"));
    for (const w of connection.warnings) io.stderr.write(`qwilt-keys: ${w}\n`);
    const { values } = connection.resolved;
    const { QwiltClient } = require("../../sdk/client/qwilt-client") as typeof import("../../sdk/client/qwilt-client");
    const clientForKey = (apiKey: string) =>
      new QwiltClient({
        credentials: { apiKey },
        usersUrl: values.usersUrl,
        loginUrl: values.loginUrl,
        timeoutMs: values.timeoutMs,
        maxRetries: values.maxRetries,
        secrets: connection.secrets,
      });
    const json = boolFlag(args, "json");
    const progress = (line: string) => io.stderr.write(`qwilt-keys probe: ${clean(line)}\n`);
    progress(
      `checking ${values.usersUrl} with ${connection.credentials === "apiKey" ? "an API key" : `username ${values.username}`}`,
    );

    let result: ProbeResult;
    try {
      result = await runProbe(connection, { activationTimeoutMs, progress, clientForKey });
    } catch (error) {
      const left = (error as { leftover?: Leftover | null }).leftover;
      if (left) io.stderr.write(`qwilt-keys: ${leftoverWords(left)}\n`);
      throw apiFailure(error, "the probe");
    } finally {
      await connection.client.close();
    }

    if (json) io.stdout.write(`${JSON.stringify(result.report, null, 2)}\n`);
    else io.stdout.write(humanReport(result, paintFor(io.stdout, io.env)));
    if (result.stopped) io.stderr.write(`qwilt-keys: ${clean(result.stopped)}\n`);
    if (json && result.report.leftover) io.stderr.write(`qwilt-keys: ${leftoverWords(result.report.leftover)}\n`);
    return result.exitCode;
  },
};

function secondsFlag(raw: string | undefined): number {
  if (raw === undefined) return ACTIVATION_DELAY_MS;
  const n = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || n > MAX_ACTIVATION_TIMEOUT_S) {
    throw new UsageError(
      "--activation-timeout",
      `--activation-timeout must be a whole number of seconds from 0 to ${MAX_ACTIVATION_TIMEOUT_S} (got ${quote(raw)})`,
    );
  }
  return n * 1000;
}

function leftoverWords(left: Leftover): string {
  return (
    `LEFT BEHIND: keyId ${clean(left.keyId)} "${clean(left.name)}" could not be revoked; it is a viewer key and expires within a day (${clean(left.expiresAt)}). ` +
    `Revoke it in Qwilt's web UI, or with \`qwilt-keys revoke ${clean(left.keyId)} --yes\` once that works.`
  );
}

function humanReport(result: ProbeResult, paint: ReturnType<typeof paintFor>): string {
  const { assumptions, leftover } = result.report;
  const colour: Record<Verdict, (s: string) => string> = {
    confirmed: paint.green,
    contradicted: paint.red,
    unknown: paint.dim,
  };
  const out = [
    table(
      ["ASSUMPTION", "SOURCE", "VERDICT", "OBSERVED"],
      assumptions.map((a) => [a.id, a.source, colour[a.verdict](a.verdict), clean(a.observed)]),
    ),
    "",
  ];
  const contradicted = assumptions.filter((a) => a.verdict === "contradicted");
  if (contradicted.length > 0) {
    out.push(paint.bold("Contradicted:"));
    for (const a of contradicted)
      out.push(`  ${a.id} (${a.source}): ${a.statement}`, `    observed: ${clean(a.observed)}`);
    out.push("");
  }
  const count = (v: Verdict) => assumptions.filter((a) => a.verdict === v).length;
  out.push(
    `${assumptions.length} assumptions: ${count("confirmed")} confirmed, ${count("contradicted")} contradicted, ${count("unknown")} unknown.`,
  );
  if (leftover) out.push(paint.red(leftoverWords(leftover)));
  if (contradicted.length > 0) {
    out.push(
      "The API differs from what pulumi-qwilt-api-keys assumes: please open an issue with the output of `qwilt-keys probe --json` (it holds no secret).",
    );
  }
  return `${out.join("\n")}\n`;
}
