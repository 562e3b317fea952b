/** `qwilt-keys --help` and `qwilt-keys <command> --help`. */
import { HELP_FLAG } from "./args/parse-flags";
import type { Command, FlagSpec } from "./command";

export const EXIT_CODES = `Exit codes:
  0  done; no finding at error level
  1  a finding at error level (audit), or a refused or failed operation
  2  bad usage or configuration (unknown command or flag, a bad value, no credentials, plain http to a
     non-loopback host, a state that cannot be read)`;

export function mainHelp(commands: readonly Command[]): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return `qwilt-keys: every Qwilt API key of an organization, who manages it, and what expires when.

Usage: qwilt-keys <command> [options]

Commands:
${commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join("\n")}

Run "qwilt-keys <command> --help" for a command's options, "qwilt-keys --version" for the version.

${EXIT_CODES}
`;
}

export function usageLine(c: Command): string {
  const flags = c.flags.map((f) => {
    const value = f.type === "string" ? ` <${f.value ?? "value"}>` : "";
    return `[--${f.name}${value}]${f.multiple ? "..." : ""}`;
  });
  const p = c.positionals;
  const positional = p ? (p.required ? `<${p.name}>` : `[<${p.name}>]`) + (p.variadic ? "..." : "") : "";
  return ["qwilt-keys", c.name, positional, ...flags].filter(Boolean).join(" ");
}

export function commandHelp(c: Command): string {
  const flag = (f: FlagSpec) =>
    `${f.short ? `-${f.short}, ` : "    "}--${f.name}${f.type === "string" ? ` <${f.value ?? "value"}>` : ""}`;
  const flags = [...c.flags, HELP_FLAG];
  const width = Math.max(...flags.map((f) => flag(f).length));
  const lines = [
    `Usage: ${usageLine(c)}`,
    "",
    `${c.summary.charAt(0).toUpperCase()}${c.summary.slice(1)}.`,
    "",
    c.description.trimEnd(),
    "",
  ];
  if (c.positionals)
    lines.push("Arguments:", `  ${`<${c.positionals.name}>`.padEnd(width)}  ${c.positionals.help}`, "");
  lines.push("Options:", ...flags.map((f) => `  ${flag(f).padEnd(width)}  ${f.help}`), "");
  if (c.examples?.length) lines.push("Examples:", ...c.examples.map((e) => `  ${e}`), "");
  return `${lines.join("\n")}\n`;
}
