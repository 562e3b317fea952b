/**
 * The measurements, against a simulator in its own process (sim-process.js). Creates are compared side
 * by side: every side is opened and warmed up, then their timed batches alternate (A B, B A, ...), so a
 * machine that slows down or speeds up meanwhile (2 shared cores) favours neither side. A side is ours
 * or the trivial provider through the plugin, or raw POSTs.
 */
const {
  decodeCheck,
  decodeCreate,
  decodeReadId,
  prepareCheck,
  prepareCreate,
  prepareRead,
  startPlugin,
  urnOf,
} = require("./plugin-driver");
const { inParallel, median } = require("./stats");

/** The engine's default --parallel. */
const PARALLEL = 16;
/** Resources made before timing starts on each side, so the JIT has seen every path once or twice. */
const WARM_UP = 3 * PARALLEL;
const API_KEY_TYPE = "pulumi-nodejs:dynamic/qwilt:ApiKey";
const TRIVIAL_TYPE = "pulumi-nodejs:dynamic:Resource";

/** Both plugins get the simulator in their environment (the trivial provider reads it there); ours also gets stack config. */
const pluginEnv = (sim) => ({ QWILT_USERS_URL: sim.url, QWILT_LOGIN_URL: sim.url, QWILT_API_KEY: sim.bootstrapKey });
const stackConfig = (sim) => ({
  "qwilt:apiKey": sim.bootstrapKey,
  "qwilt:usersUrl": sim.url,
  "qwilt:loginUrl": sim.url,
});

let serial = 0;

/** A new resource's URN and the program's args for it, as the engine sends them to Check. */
function newResource(kind, providers) {
  const name = `bench-${++serial}`;
  return kind === "ours"
    ? {
        urn: urnOf(API_KEY_TYPE, name),
        news: {
          permission: "viewer",
          validForDays: 30,
          waitForActivation: false,
          __resourceName: name,
          __provider: providers.apiKey,
        },
      }
    : { urn: urnOf(TRIVIAL_TYPE, name), news: { name, __provider: providers.trivial } };
}

/** A new resource as the engine runs it: Check, then Create with the checked inputs. */
async function engineCreate(plugin, kind, providers) {
  const { urn, news } = newResource(kind, providers);
  const created = await plugin.create(urn, await plugin.check(urn, {}, news));
  return { urn, ...created };
}

async function configuredPlugin(projectDir, sim) {
  const plugin = await startPlugin(projectDir, pluginEnv(sim));
  try {
    await plugin.configure(stackConfig(sim));
  } catch (error) {
    await plugin.stop();
    throw error;
  }
  return plugin;
}

/** Sends prepared requests PARALLEL at a time; the answers' bytes and the wall time. */
async function timedSends(plugin, method, requests) {
  const answers = new Array(requests.length);
  const started = performance.now();
  await inParallel(requests.length, PARALLEL, async (i) => (answers[i] = await plugin.send(method, requests[i])));
  return { answers, ms: performance.now() - started };
}

/**
 * Creates of `kind` ("ours" or "trivial") through a plugin of their own. `prepare(n)` runs n Checks
 * (timed) and serializes the Creates; `run(i, j)` sends prepared Creates i..j-1 and returns the wall time.
 */
async function pluginSide({ projectDir, providers, sim, kind }) {
  const plugin = await configuredPlugin(projectDir, sim);
  let creates = [];
  let cpuMs = 0;
  let failed = 0;
  return {
    warmUp: () => inParallel(WARM_UP, PARALLEL, () => engineCreate(plugin, kind, providers)),
    async prepare(count) {
      const resources = Array.from({ length: count }, () => newResource(kind, providers));
      const checks = await timedSends(
        plugin,
        "check",
        resources.map((r) => prepareCheck(r.urn, {}, r.news)),
      );
      creates = resources.map((r, i) => prepareCreate(r.urn, decodeCheck(checks.answers[i])));
      return { checksPerSecond: count / (checks.ms / 1000) };
    },
    async run(from, to) {
      const cpuBefore = plugin.cpuMs();
      const { answers, ms } = await timedSends(plugin, "create", creates.slice(from, to));
      cpuMs += plugin.cpuMs() - cpuBefore;
      failed += answers.filter((a) => !decodeCreate(a).id).length;
      return ms;
    },
    result: () => ({ cpuMsPerCreate: cpuMs / creates.length, failed }),
    close: () => plugin.stop(),
    output: () => plugin.output(),
  };
}

/** The same creates as raw undici POSTs from this process, PARALLEL in flight, on one keep-alive pool. */
function rawSide({ sim }) {
  const { Agent, request } = require("undici");
  const agent = new Agent();
  const post = async () => {
    const res = await request(`${sim.url}/api/1/api-keys`, {
      dispatcher: agent,
      method: "POST",
      headers: { "content-type": "application/json", "x-api-key": sim.bootstrapKey },
      body: JSON.stringify({ name: `raw-${++serial}`, ttl: 30, permission: "MediaViewer" }),
    });
    await res.body.json();
    if (res.statusCode !== 201) throw new Error(`raw POST answered ${res.statusCode}`);
  };
  return {
    warmUp: () => inParallel(WARM_UP, PARALLEL, post),
    prepare: async () => ({}),
    async run(from, to) {
      const started = performance.now();
      await inParallel(to - from, PARALLEL, post);
      return performance.now() - started;
    },
    result: () => ({}),
    close: () => agent.close(),
    output: () => "",
  };
}

/**
 * `count` creates on each side, in batches whose order alternates (A B C, C B A, ...). Per side: creates
 * per second overall, each batch's wall time, connections the simulator accepted for it (warm-up and
 * batches), and what the side reports (checks/s, plugin CPU). Results come in the order of `openers`.
 */
async function compareCreates(sim, count, openers, batches) {
  const sides = [];
  try {
    for (const open of openers) sides.push(await open());
    // Warm up just before timing: a connection idle for 5 s (a plugin starting meanwhile) is closed by the server.
    const measured = [];
    for (const side of sides) {
      const before = await sim.stats();
      await side.warmUp();
      const prepared = await side.prepare(count);
      measured.push({
        side,
        batchMs: [],
        prepared,
        connections: (await sim.stats()).connectionsOpened - before.connectionsOpened,
      });
    }
    const size = Math.ceil(count / batches);
    for (let b = 0; b < batches; b++) {
      const [from, to] = [b * size, Math.min(count, (b + 1) * size)];
      for (const m of b % 2 === 0 ? measured : [...measured].reverse()) {
        const before = await sim.stats();
        m.batchMs.push(await m.side.run(from, to));
        m.connections += (await sim.stats()).connectionsOpened - before.connectionsOpened;
      }
    }
    return measured.map((m) => {
      const extra = m.side.result();
      if (extra.failed) throw new Error(`${extra.failed} creates answered no id`);
      const ms = m.batchMs.reduce((a, b) => a + b, 0);
      return {
        perSecond: count / (ms / 1000),
        ms,
        batchMs: m.batchMs,
        connections: m.connections,
        ...m.prepared,
        ...extra,
      };
    });
  } catch (error) {
    throw new Error(`${error.message}\nplugin output:\n${sides.map((s) => s.output()).join("\n")}`);
  } finally {
    for (const side of sides) await side.close();
  }
}

/**
 * How fast `a` is relative to `b`: the median, over batches, of b's time over a's for the same batch.
 * The two ran back to back, so a burst of other work on the machine (2 shared cores) skews one
 * pair, which the median sets aside, instead of the total.
 */
function pairedRatio(a, b) {
  return median(a.batchMs.map((ms, i) => b.batchMs[i] / ms));
}

/** Creates `count` keys through one plugin as the engine would, then refreshes them all (PARALLEL Reads at a time), counting HTTP calls. */
async function refreshAtScale({ projectDir, providers, sim, count }) {
  const plugin = await configuredPlugin(projectDir, sim);
  try {
    const created = new Array(count);
    const started = performance.now();
    await inParallel(count, PARALLEL, async (i) => (created[i] = await engineCreate(plugin, "ours", providers)));
    const createMs = performance.now() - started;

    const reads = created.map(({ urn, id, properties }) =>
      prepareRead(urn, id, { ...properties, __provider: providers.apiKey }),
    );
    await sim.clearRequests();
    const refreshed = await timedSends(plugin, "read", reads);
    const calls = (await sim.stats()).requests;
    const gone = refreshed.answers.filter((a, i) => decodeReadId(a) !== created[i].id).length;
    if (gone > 0) throw new Error(`refresh dropped ${gone} live keys`);
    return { createMs, refreshMs: refreshed.ms, calls, peakRssMb: plugin.peakRssMb() };
  } finally {
    await plugin.stop();
  }
}

/** Plugin spawn to first create completed (Configure, Check, Create), as `pulumi up` of one new key. */
async function coldStart({ projectDir, providers, sim, kind }) {
  const plugin = await startPlugin(projectDir, pluginEnv(sim));
  try {
    const listeningMs = performance.now() - plugin.startedAt;
    await plugin.configure(stackConfig(sim));
    await engineCreate(plugin, kind, providers);
    return { ms: performance.now() - plugin.startedAt, listeningMs, peakRssMb: plugin.peakRssMb() };
  } finally {
    await plugin.stop();
  }
}

module.exports = { pluginSide, rawSide, compareCreates, pairedRatio, refreshAtScale, coldStart };
