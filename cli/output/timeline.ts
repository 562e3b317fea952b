/**
 * `qwilt-keys list --timeline`: each key's validity as a bar on one time axis shared by all keys, so
 * overlapping keys and the next expiry are seen at a glance.
 *
 *   ├ made   ◆ rotateAt (a previous key: when it is revoked)   ┤ expires   ┊ today
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
    const from = col(Date.parse(v.key.createdAt));
    const to = col(Date.parse(v.key.expiresAt));
    const paintBar = status[v.status];
    for (let i = from; i <= to; i++) cells[i] = paintBar(i === today ? "┼" : "─");
    cells[from] = paintBar("├");
    cells[to] = paintBar("┤");
    const mark = v.match.stateKey?.role === "previous" ? v.match.stateKey.revokeAt : v.match.stateKey?.rotateAt;
    if (mark !== undefined && !Number.isNaN(Date.parse(mark))) cells[col(Date.parse(mark))] = paint.cyan("◆");
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
