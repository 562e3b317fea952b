/**
 * What a command is: its name, its flags and help, and what it runs. Each file of cli/commands/
 * exports one as `command`; cli/command-registry.ts finds them, so a new command is one new file.
 */
import type { Io } from "./io";

export interface FlagSpec {
  /** Long name without dashes: `warn-days`. */
  name: string;
  /** One-letter alias without the dash: `y`. */
  short?: string;
  type: "boolean" | "string";
  /** May be given more than once (values are collected in order). */
  multiple?: boolean;
  /** The value's name in help: `N`, `source`. */
  value?: string;
  help: string;
}

export interface PositionalSpec {
  /** Its name in help: `keyId`. */
  name: string;
  help: string;
  /** At least one must be given. */
  required?: boolean;
  /** Any number may be given. */
  variadic?: boolean;
}

export interface ParsedArgs {
  /** Flags given, by long name: a boolean, a string, or (for `multiple` flags) the strings in order. */
  flags: Record<string, boolean | string | string[] | undefined>;
  positionals: string[];
}

export interface Command {
  name: string;
  /** One line, for `qwilt-keys --help`. */
  summary: string;
  /** Paragraphs for `qwilt-keys <command> --help`, after the usage line. */
  description: string;
  flags: FlagSpec[];
  positionals?: PositionalSpec;
  examples?: string[];
  /** Where it stands in `qwilt-keys --help` (lower first). */
  order: number;
  /** Resolves with the exit code; throws UsageError (2) or OperationError (1). */
  run(args: ParsedArgs, io: Io): Promise<number>;
}
