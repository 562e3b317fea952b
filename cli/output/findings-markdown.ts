/**
 * The audit as Markdown: the step summary of `--format github` and the output of `--format markdown`
 * (a pull-request comment). Every cell is escaped, since key names are anyone's to choose.
 */
import type { Finding } from "../keys/audit-findings";
import type { StackFailure } from "../states/source-result";
import { NO_PAINT } from "./colour";
import { auditSummary, type AuditSummary } from "./findings-text";
import { clean } from "./sanitize";

const ICONS = { error: "❌ error", warning: "⚠️ warning", info: "ℹ️ info" };

/** Text as one Markdown table cell: no line breaks, no markup, no HTML. */
export function mdCell(text: string): string {
  return clean(text).replace(/[\\`*_[\]<>|~]/g, (c) => `\\${c}`);
}

export function findingsMarkdown(
  findings: readonly Finding[],
  s: AuditSummary,
  failures: readonly StackFailure[],
): string {
  const lines = [
    `### qwilt-keys audit${s.organization ? `: ${mdCell(s.organization)}` : ""}`,
    "",
    // The heading names the organization already.
    mdCell(auditSummary({ ...s, organization: undefined }, NO_PAINT)),
    "",
  ];
  if (findings.length > 0) {
    lines.push("| level | code | key | name | stack | message |", "|---|---|---|---|---|---|");
    for (const f of findings) {
      lines.push(
        `| ${ICONS[f.level]} | ${f.code} | ${mdCell(f.keyId ?? "")} | ${mdCell(f.name ?? "")} | ${mdCell(f.stack ?? "")} | ${mdCell(f.message)} |`,
      );
    }
    lines.push("");
  }
  if (failures.length > 0) {
    lines.push(
      `**${failures.length} stack${failures.length === 1 ? "" : "s"} could not be read**; keys they manage show as unmanaged:`,
      "",
    );
    for (const f of failures) lines.push(`- ${mdCell(f.stack)}: ${mdCell(f.reason)}`);
    lines.push("");
  }
  return lines.join("\n");
}
