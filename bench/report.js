/** The bench's report: one row per measure, a column per run, the median, the target; then the `bench:` line. */
const { pairedRatio } = require("./measure");
const { fixed, median, table } = require("./stats");

function printReport({ runs, providers, phaseMs, creates, refreshKeys, latencyMs }) {
  const providerBytes = Buffer.byteLength(providers.apiKey);
  const summary = {
    createRatio: median(runs.map((r) => r.createRatio)),
    latencyEfficiency: median(runs.map((r) => r.latencyEfficiency)),
    refreshCalls: median(runs.map((r) => r.refresh.calls)),
    coldStartRatio: median(runs.map((r) => r.coldStartRatio)),
    auditRatio: median(runs.map((r) => r.audit.ratio)),
  };
  const row = (label, pick, digits, target = "") => {
    const values = runs.map(pick);
    return [label, ...values.map((v) => fixed(v, digits)), fixed(median(values), digits), target];
  };
  const cold = (r, pick) => median(r.cold.map(pick));
  const l = `${latencyMs} ms`;
  console.log(
    `\nApiKey through pulumi-resource-pulumi-nodejs, simulator on loopback; ${creates} creates 16 at a time (waitForActivation off)\n`,
  );
  console.log(
    table([
      ["measure", ...runs.map((_, i) => `run ${i + 1}`), "median", "target"],
      row("serialized provider, bytes", () => providerBytes, 0, "<= 2048"),
      row("  trivial provider's, bytes", () => Buffer.byteLength(providers.trivial), 0),
      row("creates/s, ours (loopback)", (r) => r.ours.perSecond, 0),
      row("creates/s, trivial provider", (r) => r.trivial.perSecond, 0),
      row("create_ratio", (r) => r.createRatio, 2, ">= 0.8"),
      row("plugin CPU ms/create, ours", (r) => r.ours.cpuMsPerCreate, 2),
      row("plugin CPU ms/create, trivial", (r) => r.trivial.cpuMsPerCreate, 2),
      row("checks/s, ours", (r) => r.ours.checksPerSecond, 0),
      row("checks/s, trivial (has no check)", (r) => r.trivial.checksPerSecond, 0),
      row("connections opened, ours", (r) => r.ours.connections, 0),
      row("connections opened, trivial", (r) => r.trivial.connections, 0),
      row(`creates/s, ours (${l} latency)`, (r) => r.oursSlow.perSecond, 0),
      row(`creates/s, trivial (${l})`, (r) => r.trivialSlow.perSecond, 0),
      row(`raw POST/s (${l}; 16/${l} = ${16 / (latencyMs / 1000)})`, (r) => r.raw.perSecond, 0),
      row("latency_efficiency", (r) => r.latencyEfficiency, 2, ">= 0.8"),
      row("  the same for the trivial provider", (r) => pairedRatio(r.trivialSlow, r.raw), 2),
      row(`connections opened, ours (${l})`, (r) => r.oursSlow.connections, 0),
      row(`connections opened, trivial (${l})`, (r) => r.trivialSlow.connections, 0),
      row(`connections opened, raw (${l})`, (r) => r.raw.connections, 0),
      row(`create ${refreshKeys} keys, s`, (r) => r.refresh.createMs / 1000, 2),
      row(`refresh ${refreshKeys} keys, s`, (r) => r.refresh.refreshMs / 1000, 2),
      row("refresh_calls_500", (r) => r.refresh.calls, 0, "<= 10"),
      row(`plugin peak RSS, ${refreshKeys} keys, MB`, (r) => r.refresh.peakRssMb, 0),
      row("plugin peak RSS, 1 key, MB", (r) => cold(r, (c) => c.ours.peakRssMb), 0),
      row("  trivial provider, 1 key, MB", (r) => cold(r, (c) => c.trivial.peakRssMb), 0),
      row("plugin listening, ms", (r) => cold(r, (c) => c.ours.listeningMs), 0),
      row("start to 1st create, ours, ms", (r) => cold(r, (c) => c.ours.ms), 0),
      row("start to 1st create, trivial, ms", (r) => cold(r, (c) => c.trivial.ms), 0),
      row("cold_start_ratio", (r) => r.coldStartRatio, 2, "<= 1.5"),
      row("qwilt-keys audit, 5000 keys / 200 stacks, ms", (r) => r.audit.auditMs, 0),
      row("  raw GET + reading the states, ms", (r) => r.audit.rawMs, 0),
      row("audit_ratio", (r) => r.audit.ratio, 2, "<= 2"),
    ]),
  );
  console.log(
    `\nphase times, s (all runs): ${Object.entries(phaseMs)
      .map(([p, ms]) => `${p} ${fixed(ms / 1000, 1)}`)
      .join(", ")}`,
  );
  console.log(
    `bench: provider_bytes=${providerBytes} create_ratio=${fixed(summary.createRatio)} latency_efficiency=${fixed(summary.latencyEfficiency)} refresh_calls_500=${summary.refreshCalls} cold_start_ratio=${fixed(summary.coldStartRatio)} audit_ratio=${fixed(summary.auditRatio)}`,
  );
}

module.exports = { printReport };
