// @ts-check
/**
 * The simulator's request log, summed up: which API calls a step made, writes first. For test
 * output (a table per scenario step) and the demo (one line per step).
 */
"use strict";

/** @typedef {{ method: string, path: string, status: number }} ApiRequest */

const API_KEYS = "/api/1/api-keys";

/** "GET /api/1/api-keys/17" → "GET /api/1/api-keys/{keyId}". @param {ApiRequest} r */
function endpointOf(r) {
  const path = r.path.startsWith(`${API_KEYS}/`) ? `${API_KEYS}/{keyId}` : r.path;
  return `${r.method} ${path}`;
}

/** @param {string} endpoint */
const isWrite = (endpoint) => !/^(GET|HEAD|OPTIONS) /.test(endpoint);

/**
 * Counts by endpoint and status, e.g. {"POST /api/1/api-keys 201": 2}: exact enough for assertions.
 * @param {ApiRequest[]} requests
 * @returns {Record<string, number>}
 */
function callCounts(requests) {
  /** @type {Record<string, number>} */
  const counts = {};
  for (const r of requests) {
    const k = `${endpointOf(r)} ${r.status}`;
    counts[k] = (counts[k] ?? 0) + 1;
  }
  return counts;
}

/** @param {ApiRequest[]} requests */
function writesOf(requests) {
  return requests.filter((r) => isWrite(endpointOf(r)));
}

/**
 * One line: "2 × POST /api/1/api-keys (write), 2 × GET /api/1/api-keys", or "no API call".
 * @param {ApiRequest[]} requests
 */
function summarizeCalls(requests) {
  if (requests.length === 0) return "no API call";
  const byEndpoint = new Map();
  for (const r of requests) byEndpoint.set(endpointOf(r), (byEndpoint.get(endpointOf(r)) ?? 0) + 1);
  return sortEndpoints([...byEndpoint.keys()])
    .map((e) => `${byEndpoint.get(e)} × ${e}${isWrite(e) ? " (write)" : ""}`)
    .join(", ");
}

/** Writes first, then by path and method. @param {string[]} endpoints */
function sortEndpoints(endpoints) {
  const key = (/** @type {string} */ e) => `${isWrite(e) ? 0 : 1} ${e.split(" ")[1]} ${e.split(" ")[0]}`;
  return endpoints.sort((a, b) => key(a).localeCompare(key(b)));
}

/**
 * A table: one row per step, one column per endpoint, writes marked "*" and counted in the last
 * column; rows that wrote start with ">". Answers other than 2xx are shown next to the count: "2 (1×404)".
 * @param {{ label: string, requests: ApiRequest[] }[]} rows
 * @returns {string}
 */
function callTable(rows) {
  const endpoints = sortEndpoints([...new Set(rows.flatMap((r) => r.requests.map(endpointOf)))]);
  const header = [
    "",
    "step",
    ...endpoints.map((e) => `${e.replace(API_KEYS, "api-keys")}${isWrite(e) ? " *" : ""}`),
    "writes",
  ];
  const body = rows.map((row) => {
    const cells = endpoints.map((e) => {
      const hits = row.requests.filter((r) => endpointOf(r) === e);
      if (hits.length === 0) return "";
      const odd = [...new Set(hits.map((r) => r.status).filter((s) => s < 200 || s > 299))];
      const notes = odd.map((s) => `${hits.filter((r) => r.status === s).length}×${s}`);
      return `${hits.length}${notes.length > 0 ? ` (${notes.join(", ")})` : ""}`;
    });
    const writes = writesOf(row.requests).length;
    return [writes > 0 ? ">" : "", row.label, ...cells, String(writes)];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => r[i].length)));
  const line = (/** @type {string[]} */ cells) =>
    cells
      .map((c, i) => (i <= 1 ? c.padEnd(widths[i]) : c.padStart(widths[i])))
      .join(" | ")
      .trimEnd();
  const rule = widths.map((w) => "-".repeat(w)).join("-+-");
  return [line(header), rule, ...body.map(line)].join("\n");
}

module.exports = { endpointOf, callCounts, writesOf, summarizeCalls, callTable };
