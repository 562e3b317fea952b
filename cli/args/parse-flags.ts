/**
 * A command's arguments, read with node:util's parseArgs (its tokens, not its strict mode, so that every
 * mistake becomes a UsageError naming the flag, with a suggestion, rather than parseArgs's own text).
 */
import { parseArgs, type ParseArgsConfig } from "node:util";
import type { Command, FlagSpec, ParsedArgs } from "../command";
import { UsageError } from "../errors";
import { closestName } from "../../sdk/closest-name";

/** Every command takes these. */
export const HELP_FLAG: FlagSpec = { name: "help", short: "h", type: "boolean", help: "show this help" };

export function parseCommandArgs(command: Command, args: string[]): ParsedArgs {
  const specs = [...command.flags, HELP_FLAG];
  const seeAlso = `Run "qwilt-keys ${command.name} --help" for usage.`;
  const options: NonNullable<ParseArgsConfig["options"]> = {};
  for (const f of specs)
    options[f.name] = {
      type: f.type,
      ...(f.short ? { short: f.short } : {}),
      ...(f.multiple ? { multiple: true } : {}),
    };
  const { tokens } = parseArgs({ args, options, strict: false, allowPositionals: true, tokens: true });

  const flags: ParsedArgs["flags"] = {};
  const positionals: string[] = [];
  for (const token of tokens) {
    if (token.kind === "positional") positionals.push(token.value);
    if (token.kind !== "option") continue;
    const spec = specs.find((f) => f.name === token.name);
    if (!spec) {
      const suggestion = closestName(
        token.name,
        specs.map((f) => f.name),
      );
      throw new UsageError(
        token.rawName,
        `unknown flag ${token.rawName} for "qwilt-keys ${command.name}"${suggestion ? ` (did you mean --${suggestion}?)` : ""}`,
        { seeAlso },
      );
    }
    const shown = `--${spec.name}`;
    if (spec.type === "boolean") {
      if (token.value !== undefined)
        throw new UsageError(shown, `${shown} takes no value (got ${token.rawName}=${quote(token.value)})`, {
          seeAlso,
        });
      flags[spec.name] = true;
      continue;
    }
    if (token.value === undefined || token.value === "") {
      throw new UsageError(shown, `${shown} needs a value: ${shown} <${spec.value ?? "value"}>`, { seeAlso });
    }
    if (spec.multiple) {
      flags[spec.name] = [...((flags[spec.name] as string[] | undefined) ?? []), token.value];
    } else {
      if (flags[spec.name] !== undefined)
        throw new UsageError(shown, `${shown} was given twice; give it once`, { seeAlso });
      flags[spec.name] = token.value;
    }
  }

  const p = command.positionals;
  if (!flags.help) {
    if (!p && positionals.length > 0) {
      throw new UsageError(
        positionals[0]!,
        `"qwilt-keys ${command.name}" takes no arguments (got ${quote(positionals[0]!)})`,
        { seeAlso },
      );
    }
    if (p?.required && positionals.length === 0)
      throw new UsageError(p.name, `"qwilt-keys ${command.name}" needs at least one <${p.name}>`, { seeAlso });
    if (p && !p.variadic && positionals.length > 1)
      throw new UsageError(p.name, `"qwilt-keys ${command.name}" takes one <${p.name}>`, { seeAlso });
  }
  return { flags, positionals };
}

/** A value as the user typed it, quoted and shortened for a message. */
export function quote(value: string): string {
  return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
}
