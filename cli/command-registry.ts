/**
 * The commands: every module in cli/commands/ that exports `command`. Adding a command is adding its file.
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import type { Command } from "./command";

let commands: Command[] | undefined;

export function allCommands(): Command[] {
  if (commands) return commands;
  const dir = join(__dirname, "commands");
  const found: Command[] = [];
  for (const file of readdirSync(dir).sort()) {
    if (!/\.(js|ts)$/.test(file) || file.endsWith(".d.ts")) continue;
    const command = (require(join(dir, file)) as { command?: Command }).command;
    if (command) found.push(command);
  }
  return (commands = found.sort((a, b) => a.order - b.order || a.name.localeCompare(b.name)));
}

export function findCommand(name: string): Command | undefined {
  return allCommands().find((c) => c.name === name);
}
