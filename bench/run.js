/**
 * `npm run bench`: what hundreds of ApiKeys cost, through Pulumi's real dynamic-provider plugin,
 * against the simulator on loopback, and what `qwilt-keys audit` costs for 5,000 keys and 200 stacks
 * (audit-ratio.js). Runs every measurement BENCH_RUNS times (default 5), then prints
 * the report (report.js) whose last line is the `bench:` summary. See bench/README.md.
 */
const { existsSync } = require("node:fs");
const { join } = require("node:path");
const { REPO, makeProject, removeProject, serializedProviders } = require("./project");
const { startRemoteSimulator } = require("./sim-process");
const { auditRatio } = require("./audit-ratio");
const { coldStart, compareCreates, pairedRatio, pluginSide, rawSide, refreshAtScale } = require("./measure");
const { printReport } = require("./report");
const { median } = require("./stats");

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const CREATES = 200;
const REFRESH_KEYS = 500;
const LATENCY_MS = 50;
/** Timed batches per side: 25 creates each on loopback; 50 with latency, where a batch's last round of 16 runs part-empty. */
const BATCHES = 8;
const LATENCY_BATCHES = 4;
/** Cold starts per side and run, alternating which goes first. */
const COLD_PAIRS = 3;

async function main() {
  if (!existsSync(join(REPO, "dist/index.js")))
    throw new Error("dist/ is missing: run `npm run bench`, which builds first");
  const phaseMs = {};
  const timed = async (phase, fn) => {
    const started = performance.now();
    try {
      return await fn();
    } finally {
      phaseMs[phase] = (phaseMs[phase] ?? 0) + (performance.now() - started);
    }
  };

  const projectDir = await timed("pack and install", () => makeProject());
  try {
    const providers = await timed("serialize providers", () => serializedProviders(projectDir));
    const onSimulator = async (options, fn) => {
      const sim = await startRemoteSimulator(projectDir, options);
      try {
        return await fn(sim);
      } finally {
        await sim.close();
      }
    };

    const runs = [];
    for (let r = 0; r < RUNS; r++) {
      // Alternate which side goes first from run to run too.
      const inOrder = async (sim, openers, batches) =>
        r % 2 === 0
          ? compareCreates(sim, CREATES, openers, batches)
          : (await compareCreates(sim, CREATES, [...openers].reverse(), batches)).reverse();
      const coldPair = async (first, a, b) => (first ? [await a(), await b()] : [await b(), await a()].reverse());
      const run = {};
      await timed(`create ${CREATES} (loopback)`, () =>
        onSimulator({}, async (sim) => {
          const args = { projectDir, providers, sim };
          [run.ours, run.trivial] = await inOrder(
            sim,
            [() => pluginSide({ ...args, kind: "ours" }), () => pluginSide({ ...args, kind: "trivial" })],
            BATCHES,
          );
        }),
      );
      await timed(`create ${CREATES} (${LATENCY_MS} ms latency)`, () =>
        onSimulator({ responseDelayMs: LATENCY_MS }, async (sim) => {
          const args = { projectDir, providers, sim };
          [run.oursSlow, run.trivialSlow, run.raw] = await inOrder(
            sim,
            [
              () => pluginSide({ ...args, kind: "ours" }),
              () => pluginSide({ ...args, kind: "trivial" }),
              () => rawSide(args),
            ],
            LATENCY_BATCHES,
          );
        }),
      );
      await timed(`refresh ${REFRESH_KEYS}`, () =>
        onSimulator(
          {},
          async (sim) => (run.refresh = await refreshAtScale({ projectDir, providers, sim, count: REFRESH_KEYS })),
        ),
      );
      await timed("audit 5000 keys", () =>
        onSimulator({}, async (sim) => (run.audit = await auditRatio({ projectDir, providers, sim }))),
      );
      await timed("cold start", () =>
        onSimulator({}, async (sim) => {
          const args = { projectDir, providers, sim };
          run.cold = [];
          for (let p = 0; p < COLD_PAIRS; p++) {
            const [ours, trivial] = await coldPair(
              (r + p) % 2 === 0,
              () => coldStart({ ...args, kind: "ours" }),
              () => coldStart({ ...args, kind: "trivial" }),
            );
            run.cold.push({ ours, trivial, ratio: ours.ms / trivial.ms });
          }
        }),
      );
      run.createRatio = pairedRatio(run.ours, run.trivial);
      run.latencyEfficiency = pairedRatio(run.oursSlow, run.raw);
      run.coldStartRatio = median(run.cold.map((c) => c.ratio));
      runs.push(run);
      process.stderr.write(`run ${r + 1}/${RUNS} done\n`);
    }

    printReport({ runs, providers, phaseMs, creates: CREATES, refreshKeys: REFRESH_KEYS, latencyMs: LATENCY_MS });
  } finally {
    removeProject(projectDir);
  }
}

main().catch((error) => {
  console.error(`bench failed: ${error.stack ?? error}`);
  process.exitCode = 1;
});
