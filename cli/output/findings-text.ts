/** `qwilt-keys audit` on a terminal, and the one-line summary every format ends with. */
import type { Finding, Level } from "../keys/audit-findings";
import type { Paint } from "./colour";
import { clean } from "./sanitize";
import { table } from "./table";

export interface AuditSummary {
  organization: string | undefined;
  counts: Record<Level, number>;
  keys: number;
  stacksRead?: number;
}

export function findingsTable(findings: readonly Finding[], paint: Paint): string {
  const level = { error: paint.red, warning: paint.yellow, info: paint.dim };
  const rows = findings.map((f) => [
    level[f.level](f.level),
    f.code,
    clean(f.keyId ?? ""),
    clean(f.name ?? ""),
    clean(f.stack ?? ""),
    clean(f.message),
  ]);
  return table(["LEVEL", "CODE", "KEY ID", "NAME", "STACK", "MESSAGE"], rows);
}

/** "org-1: 2 errors, 1 warning, 0 info (14 keys, 3 stacks read)". */
export function auditSummary(s: AuditSummary, paint: Paint): string {
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
  const { error, warning, info } = s.counts;
  const found =
    error + warning + info === 0
      ? paint.green("no findings")
      : [
          error ? paint.red(plural(error, "error")) : plural(0, "error"),
          warning ? paint.yellow(plural(warning, "warning")) : plural(0, "warning"),
          `${info} info`,
        ].join(", ");
  const stacks = s.stacksRead === undefined ? "no --state" : `${plural(s.stacksRead, "stack")} read`;
  return `${s.organization ? `${clean(s.organization)}: ` : ""}${found} (${plural(s.keys, "key")}, ${stacks})`;
}
