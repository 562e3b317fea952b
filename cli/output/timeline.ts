/**
 * `qwilt-keys list --timeline`: each key's validity as a bar on one time axis shared by all keys, so
 * overlapping keys and the next expiry are seen at a glance.
 *
 *   ├ made   ◆ rotateAt (a previous key: when it is revoked)   ┤ expires   ┊ today
 *
 * In a cell where two meet, ◆ wins over today, and today (┼ on a bar) over a bar's ends, so the today column
 * shows in every row, column 0 included. A bar is at least two cells (├┤), so both ends show however short
 * the key lives; ◆ goes strictly inside it, or, when there is no inside, is left out.
 */
import type { KeyView } from "../keys/key-view";
import { dateOf, daysLeftText } from "../keys/time-words";
import { DAY_MS } from "../../sdk/qwilt-api";
import type { Paint } from "./colour";
import { clean } from "./sanitize";

const NAME_WIDTH = 28;
const MIN_BAR = 24;

export function timeline(views: readonly KeyView[], now: number, columns: number, paint: Paint): string {
  if (views.length === 0) return "";
  const idWidth = Math.max(6, ...views.map((v) => clean(v.key.keyId).length));
  const leftWidth = Math.max(...views.map((v) => daysLeftText(v.msLeft).length));
  const barWidth = Math.max(MIN_BAR, columns - idWidth - NAME_WIDTH - leftWidth - 6);
  const times = views
    .flatMap((v) => [Date.parse(v.key.createdAt), Date.parse(v.key.expiresAt)])
    .filter((t) => !Number.isNaN(t));
  const start = Math.min(now, ...times);
  const end = Math.max(now + DAY_MS, ...times);
  const col = (t: number) =>
    Math.min(barWidth - 1, Math.max(0, Math.round(((t - start) / (end - start)) * (barWidth - 1))));
  const today = col(now);

  const status = { active: paint.green, expiring: paint.yellow, expired: paint.red };
  const rows = views.map((v) => {
    const cells = Array.from({ length: barWidth }, (_, i) => (i === today ? paint.dim("┊") : " "));
    let from = col(Date.parse(v.key.createdAt));
    let to = col(Date.parse(v.key.expiresAt));
    // A key shorter than a column: its two cells go towards today's side of it (an expired one ends where it ends).
    if (to <= from) [from, to] = v.msLeft <= 0 || from === barWidth - 1 ? [Math.max(0, to - 1), to] : [from, from + 1];
    if (to === from) to = from + 1;
    const paintBar = status[v.status];
    for (let i = from; i <= to; i++) cells[i] = paintBar("─");
    cells[from] = paintBar("├");
    cells[to] = paintBar("┤");
    if (today >= from && today <= to) cells[today] = paintBar("┼");
    const mark = v.match.stateKey?.role === "previous" ? v.match.stateKey.revokeAt : v.match.stateKey?.rotateAt;
    if (mark !== undefined && !Number.isNaN(Date.parse(mark)) && to - from >= 2)
      cells[Math.min(to - 1, Math.max(from + 1, col(Date.parse(mark))))] = paint.cyan("◆");
    const name = clean(v.key.name);
    const shown = name.length > NAME_WIDTH ? `${name.slice(0, NAME_WIDTH - 1)}…` : name.padEnd(NAME_WIDTH);
    return `${clean(v.key.keyId).padEnd(idWidth)}  ${shown}  ${cells.join("")}  ${daysLeftText(v.msLeft)}`;
  });

  const pad = " ".repeat(idWidth + NAME_WIDTH + 4);
  const first = dateOf(new Date(start).toISOString());
  const last = dateOf(new Date(end).toISOString());
  const dates = `${first}${" ".repeat(Math.max(1, barWidth - first.length - last.length))}${last}`;
  // The ▼ stands over today's column, its label after it, or before it near the right end.
  const label = `today ${dateOf(new Date(now).toISOString())}`;
  const marker =
    today + label.length + 2 <= barWidth
      ? `${" ".repeat(today)}▼ ${label}`
      : `${" ".repeat(Math.max(0, today - label.length - 1))}${label} ▼`;
  const legend = paint.dim(`├ made  ${paint.cyan("◆")} rotateAt (previous key: revoked at)  ┤ expires  ┊ today`);
  return [`${pad}${dates}`, `${pad}${marker}`, ...rows, "", `${pad}${legend}`].join("\n");
}
