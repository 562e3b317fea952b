/** Durations and dates in plain words for messages: "in 3 days", "2 days ago", "2025-02-06". */
import { DAY_MS } from "../../sdk/qwilt-api";

const days = (n: number) => `${n} day${n === 1 ? "" : "s"}`;

/** "in 3 days", "in less than a day" (`ms` ahead). */
export function inTime(ms: number): string {
  return ms < DAY_MS ? "in less than a day" : `in ${days(Math.floor(ms / DAY_MS))}`;
}

/** "3 days ago", "less than a day ago" (`ms` past). */
export function agoTime(ms: number): string {
  return ms < DAY_MS ? "less than a day ago" : `${days(Math.floor(ms / DAY_MS))} ago`;
}

/** `2025-02-06` (UTC). */
export function dateOf(iso: string): string {
  // Qwilt's and the states' times are UTC already: the date is the first ten characters.
  if (/^\d{4}-\d{2}-\d{2}T.*Z$/.test(iso)) return iso.slice(0, 10);
  const t = Date.parse(iso);
  return Number.isNaN(t) ? iso : new Date(t).toISOString().slice(0, 10);
}

/** Days left for a table cell: "12 days", "<1 day", "expired 3 days ago". */
export function daysLeftText(msLeft: number): string {
  if (msLeft <= 0) return `expired ${agoTime(-msLeft)}`;
  return msLeft < DAY_MS ? "<1 day" : days(Math.floor(msLeft / DAY_MS));
}
