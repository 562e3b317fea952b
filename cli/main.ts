/**
 * `qwilt-keys <command> [options]`: finds the command, parses its flags, runs it, and turns what it
 * throws into a message on standard error and an exit code (0 done, 1 findings or a failed operation,
 * 2 bad usage or configuration).
 */
import { packageVersion } from "../sdk/client/client-options";
import { redactPatterns } from "../sdk/client/redact";
import { closestName } from "../sdk/closest-name";
import { parseCommandArgs } from "./args/parse-flags";
import { allCommands, findCommand } from "./command-registry";
import { OperationError, UsageError } from "./errors";
import { commandHelp, mainHelp } from "./help";
import type { Io } from "./io";
import { terminalWidth } from "./output/terminal-width";
import { guardOutput } from "./secret-guard";

export async function main(argv: readonly string[], processIo: Io): Promise<number> {
  const io = guardOutput(processIo);
  try {
    return await dispatch(argv, io);
  } catch (error) {
    return report(error, io);
  }
}

async function dispatch(argv: readonly string[], io: Io): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined || first === "--help" || first === "-h") {
    io.stdout.write(mainHelp(allCommands(), terminalWidth(io)));
    return 0;
  }
  if (first === "--version" || first === "-V") {
    io.stdout.write(`qwilt-keys ${packageVersion()}\n`);
    return 0;
  }
  if (first === "help") return help(rest[0], io);
  if (first.startsWith("-")) {
    throw new UsageError(first, `unknown flag ${first}: flags go after the command, as in "qwilt-keys list --json"`, {
      seeAlso: 'Run "qwilt-keys --help" for the commands.',
    });
  }
  const command = findCommand(first);
  if (!command) {
    const suggestion = closestName(
      first,
      allCommands().map((c) => c.name),
    );
    throw new UsageError(first, `unknown command "${first}"${suggestion ? ` (did you mean "${suggestion}"?)` : ""}`, {
      seeAlso: 'Run "qwilt-keys --help" for the commands.',
    });
  }
  // --help wins over anything else on the line (before a `--`), as in git and gh.
  const flags = rest.includes("--") ? rest.slice(0, rest.indexOf("--")) : rest;
  if (flags.includes("--help") || flags.includes("-h")) {
    io.stdout.write(commandHelp(command, terminalWidth(io)));
    return 0;
  }
  const args = parseCommandArgs(command, [...rest]);
  if (args.flags.help) {
    io.stdout.write(commandHelp(command, terminalWidth(io)));
    return 0;
  }
  try {
    return await command.run(args, io);
  } catch (error) {
    // A bad flag value reads like a bad flag: with the same pointer to the command's help.
    if (error instanceof UsageError && !error.seeAlso && error.subject.startsWith("--"))
      throw new UsageError(error.subject, error.message, {
        seeAlso: `Run "qwilt-keys ${command.name} --help" for usage.`,
      });
    throw error;
  }
}

function help(name: string | undefined, io: Io): number {
  if (name === undefined) {
    io.stdout.write(mainHelp(allCommands(), terminalWidth(io)));
    return 0;
  }
  const command = findCommand(name);
  if (!command)
    throw new UsageError(name, `unknown command "${name}"`, { seeAlso: 'Run "qwilt-keys --help" for the commands.' });
  io.stdout.write(commandHelp(command, terminalWidth(io)));
  return 0;
}

function report(error: unknown, io: Io): number {
  // Every message was built without secrets; patterns catch anything that looks like a token all the same, and
  // the stream itself removes every configured secret (cli/secret-guard.ts).
  const say = (text: string) => io.stderr.write(`${redactPatterns(text)}\n`);
  if (error instanceof UsageError) {
    say(`qwilt-keys: ${error.message}`);
    if (error.seeAlso) say(error.seeAlso);
    return error.exitCode;
  }
  if (error instanceof OperationError) {
    say(`qwilt-keys: ${error.message}`);
    return error.exitCode;
  }
  say(`qwilt-keys: unexpected error: ${error instanceof Error ? error.message : String(error)}`);
  if (io.env.QWILT_KEYS_DEBUG && error instanceof Error && error.stack) say(error.stack);
  return 1;
}
