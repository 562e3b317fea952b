/** Small helpers: run with a concurrency limit, medians, fixed-width table. */

/** Calls `fn(i)` for i in 0..count-1 with at most `limit` in flight (as the engine's --parallel does). */
async function inParallel(count, limit, fn) {
  let next = 0;
  const worker = async () => {
    while (next < count) await fn(next++);
  };
  await Promise.all(Array.from({ length: Math.min(limit, count) }, worker));
}

function median(values) {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** Rows of cells, left column left-aligned, the others right-aligned. */
function table(rows) {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => String(r[c]).length)));
  return rows
    .map((r) =>
      r.map((cell, c) => (c === 0 ? String(cell).padEnd(widths[c]) : String(cell).padStart(widths[c]))).join("  "),
    )
    .join("\n");
}

const fixed = (n, digits = 2) => (Number.isFinite(n) ? n.toFixed(digits) : "n/a");

module.exports = { inParallel, median, table, fixed };
