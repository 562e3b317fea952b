/**
 * `qwilt-keys --help` and `qwilt-keys <command> --help`: usage, what it does, Arguments, Options, Environment
 * and Examples, in that order, wrapped to the terminal (at most 100 columns, as man pages and gh keep it).
 */
import { HELP_FLAG } from "./args/parse-flags";
import type { Command, FlagSpec } from "./command";
import { SETTINGS } from "../sdk/settings";

export const EXIT_CODES = `Exit codes:
  0  done; no finding at error level
  1  a finding at error level (audit), an assumption contradicted (probe), or a refused or failed operation
  2  bad usage or configuration (unknown command or flag, a bad value, no credentials, plain http to a non-loopback host, a state that cannot be read)`;

/** Help is wrapped to the terminal, but never wider than this nor narrower than MIN_WIDTH. */
export const MAX_WIDTH = 100;
const MIN_WIDTH = 60;

export function helpWidth(columns: number | undefined): number {
  return Math.max(MIN_WIDTH, Math.min(MAX_WIDTH, columns ?? MAX_WIDTH));
}

export function mainHelp(commands: readonly Command[], columns = MAX_WIDTH): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  const text = `qwilt-keys: every Qwilt API key of an organization, who manages it, and what expires when.

Usage: qwilt-keys <command> [options]

Commands:
${commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join("\n")}

Run "qwilt-keys <command> --help" for a command's options, "qwilt-keys --version" for the version.

${EXIT_CODES}
`;
  return wrapText(text, helpWidth(columns));
}

export function usageLine(c: Command): string {
  return usageParts(c).join(" ");
}

/** `qwilt-keys`, the command, its argument and each flag: the parts a usage line is never broken within. */
function usageParts(c: Command): string[] {
  const flags = c.flags.map((f) => {
    const value = f.type === "string" ? ` <${f.value ?? "value"}>` : "";
    return `[--${f.name}${value}]${f.multiple ? "..." : ""}`;
  });
  const p = c.positionals;
  const positional = p ? (p.required ? `<${p.name}>` : `[<${p.name}>]`) + (p.variadic ? "..." : "") : "";
  return ["qwilt-keys", c.name, positional, ...flags].filter(Boolean);
}

/** The variables a command reads: every command the Qwilt ones; those with --state the Pulumi Cloud ones too. */
function environmentRows(c: Command): [string, string][] {
  const rows: [string, string][] = [
    ["QWILT_API_KEY, QCDN_API_KEY", "an API key (its own organization only)"],
    ["QWILT_USERNAME, QWILT_PASSWORD", "or a user to log in as (QCDN_USERNAME, QCDN_PASSWORD also work)"],
    ["QWILT_ORG_ID", "the organization to log in to (like --org)"],
    ["QWILT_USERS_URL, QWILT_LOGIN_URL", "the API's addresses (https, except for a loopback host)"],
    ["QWILT_TIMEOUT_MS", `each request's timeout, in milliseconds (default ${SETTINGS.timeoutMs.default})`],
    ["QWILT_MAX_RETRIES", `retries after a passing failure (default ${SETTINGS.maxRetries.default})`],
  ];
  if (c.flags.some((f) => f.name === "state")) {
    rows.push(
      ["PULUMI_ACCESS_TOKEN", "for pulumi-cloud://<organization> states (else `pulumi login`'s)"],
      ["PULUMI_BACKEND_URL", "the Pulumi Cloud to read (default https://api.pulumi.com)"],
    );
  }
  rows.push(["NO_COLOR", "no colour, even on a terminal"]);
  return rows;
}

export function commandHelp(c: Command, columns = MAX_WIDTH): string {
  const width = helpWidth(columns);
  const flag = (f: FlagSpec) =>
    `${f.short ? `-${f.short}, ` : "    "}--${f.name}${f.type === "string" ? ` <${f.value ?? "value"}>` : ""}`;
  const flags = [...c.flags, HELP_FLAG];
  const environment = environmentRows(c);
  // One column for every section, so Arguments, Options and Environment line up.
  const column = Math.max(...flags.map((f) => flag(f).length), ...environment.map(([names]) => names.length));
  const row = (left: string, text: string) => hanging(`  ${left.padEnd(column)}  `, text, width);
  const lines = [
    hanging("Usage: ", usageParts(c), width, "Usage: qwilt-keys ".length),
    "",
    `${c.summary.charAt(0).toUpperCase()}${c.summary.slice(1)}.`,
    "",
    wrapText(c.description.trimEnd(), width),
    "",
  ];
  if (c.positionals) lines.push("Arguments:", row(`<${c.positionals.name}>`, c.positionals.help), "");
  lines.push("Options:", ...flags.map((f) => row(flag(f), f.help)), "");
  lines.push(
    "Environment:",
    ...environment.map(([names, text]) => row(names, text)),
    "An empty variable counts as unset.",
    "",
  );
  if (c.examples?.length) lines.push("Examples:", ...c.examples.map((e) => `  ${e}`), "");
  return `${lines.join("\n")}\n`;
}

/**
 * Text wrapped to `width`: a paragraph (lines that start without a space) is reflowed; an indented
 * `name  text` line (a list) keeps its name and hangs its text under the text; other lines are kept.
 */
export function wrapText(text: string, width: number): string {
  const out: string[] = [];
  let paragraph: string[] = [];
  const flush = () => {
    if (paragraph.length) out.push(hanging("", paragraph.join(" "), width));
    paragraph = [];
  };
  for (const line of text.split("\n")) {
    if (line.trim() === "") {
      flush();
      out.push("");
    } else if (!line.startsWith(" ")) paragraph.push(line.trim());
    else {
      flush();
      const item = /^(\s+\S+(?: \S+)*?\s{2,})(\S.*)$/.exec(line);
      out.push(item ? hanging(item[1]!, item[2]!, width) : line);
    }
  }
  flush();
  return out.join("\n");
}

/**
 * `prefix` then `text` wrapped to `width` between words (or between the parts given), its later lines indented to
 * `indent` (default: under the text).
 */
function hanging(prefix: string, text: string | string[], width: number, indent = prefix.length): string {
  const lines: string[] = [];
  let line = prefix;
  let empty = true;
  for (const word of typeof text === "string" ? text.split(/\s+/).filter(Boolean) : text) {
    if (!empty && line.length + 1 + word.length > width) {
      lines.push(line);
      line = " ".repeat(indent);
      empty = true;
    }
    line += empty ? word : ` ${word}`;
    empty = false;
  }
  lines.push(line);
  return lines.join("\n");
}
