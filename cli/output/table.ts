/** An aligned table for a terminal: a header row, columns two spaces apart, no borders (as kubectl and gh print). */
import { visibleLength } from "./colour";

export function table(header: string[], rows: string[][], rightAligned: ReadonlySet<number> = new Set()): string {
  const all = [header, ...rows];
  const widths = header.map((_, c) => Math.max(...all.map((r) => visibleLength(r[c] ?? ""))));
  const last = header.length - 1;
  return all
    .map((r) =>
      r
        .map((cell, c) => {
          const pad = " ".repeat(widths[c]! - visibleLength(cell));
          if (rightAligned.has(c)) return pad + cell;
          return c === last ? cell : cell + pad;
        })
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}
