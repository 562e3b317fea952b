/**
 * GitHub Actions workflow commands (`::error title=...::message`), escaped as the runner expects
 * (actions/toolkit packages/core/src/command.ts), so no key name can end a line and start a command.
 */
import type { Finding } from "../keys/audit-findings";
import type { StackFailure } from "../states/source-result";
import { clean } from "./sanitize";

const COMMAND = { error: "error", warning: "warning", info: "notice" } as const;

const escapeData = (s: string) => s.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
const escapeProperty = (s: string) => escapeData(s).replace(/:/g, "%3A").replace(/,/g, "%2C");

export function workflowCommand(level: keyof typeof COMMAND, title: string, message: string): string {
  return `::${COMMAND[level]} title=${escapeProperty(clean(title))}::${escapeData(clean(message))}`;
}

export function findingCommands(findings: readonly Finding[], failures: readonly StackFailure[]): string[] {
  return [
    ...findings.map((f) => {
      const key = f.keyId !== undefined ? ` key ${f.keyId}` : "";
      const what = [f.name !== undefined ? `"${f.name}"` : undefined, f.stack].filter(Boolean).join(" in ");
      return workflowCommand(f.level, `qwilt-keys ${f.code}${key}`, `${what ? `${what}: ` : ""}${f.message}`);
    }),
    ...failures.map((f) =>
      workflowCommand("error", "qwilt-keys: a state could not be read", `${f.stack}: ${f.reason}`),
    ),
  ];
}
