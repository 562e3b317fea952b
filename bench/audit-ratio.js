/**
 * `audit_ratio`: how long `qwilt-keys audit` takes for an organization of 5,000 keys whose 200 stacks manage
 * 4,000 of them (a DIY backend, a quarter of the checkpoints gzipped), over the floor: a raw undici GET of
 * the same list plus reading and parsing the same state files (raw-audit.js). Both run as processes of their
 * own, started the same way, so both pay Node's start; pairs alternate which goes first, and the figure is
 * the median of the pairs' ratios. Runs on its own too: `node bench/audit-ratio.js` (dist/ built).
 */
const { execFile } = require("node:child_process");
const { mkdtempSync, rmSync } = require("node:fs");
const { tmpdir } = require("node:os");
const { join } = require("node:path");
const { writeDiyBackend } = require("../test/lifecycle/harness/pulumi-state-shapes");
const { secret } = require("../test/lifecycle/harness/wire");
const { median } = require("./stats");

const KEYS = 5000;
const STACKS = 200;
const PER_STACK = 20;
const PAIRS = 3;
const TYPE = "pulumi-nodejs:dynamic/qwilt:ApiKey";
const DAY = 24 * 60 * 60 * 1000;

/** The organization's keys (made out of band) and the DIY backend whose stacks manage most of them. */
async function prepare({ sim, providers }) {
  const seed = Array.from({ length: KEYS }, (_, i) => ({
    name: `svc-${i}-${((i * 2654435761) % 0xfffffff).toString(16).padStart(7, "0")}`,
    permission: i % 3 === 0 ? "MediaViewer" : "MediaEditor",
    ttl: 30 + (i % 336),
  }));
  const keys = (await sim.seed(seed)).filter((k) => k.name !== "bootstrap");
  const dir = mkdtempSync(join(tmpdir(), "qwilt-bench-backend-"));
  const stacks = Array.from({ length: STACKS }, (_, s) => {
    const project = `service-${s % 40}`;
    const stack = `env-${s}`;
    const resources = keys.slice(s * PER_STACK, (s + 1) * PER_STACK).map((k, i) => {
      const urn = `urn:pulumi:${stack}::${project}::${TYPE}::key-${i}`;
      const args = {
        permission: k.permission === "MediaViewer" ? "viewer" : "editor",
        validForDays: k.ttl,
        name: k.name,
        rotateBeforeDays: 7,
        waitForActivation: true,
        activationTimeoutSeconds: 600,
        revokeOnDelete: true,
        __provider: providers.apiKey,
      };
      const rotateAt = new Date(Date.parse(k.expireAt) - 7 * DAY).toISOString();
      return {
        urn,
        type: TYPE,
        id: `${k.orgId}/${k.keyId}`,
        inputs: { ...args, __defaults: ["rotateBeforeDays"] },
        outputs: {
          ...args,
          keyId: k.keyId,
          key: secret(`not-a-key-${k.keyId}`),
          organization: k.orgId,
          createdBy: k.createdBy,
          createdAt: k.createdAt,
          expiresAt: k.expireAt,
          rotateAt,
        },
        dependencies: [],
        additionalSecretOutputs: ["key"],
      };
    });
    return { project, stack, gzip: s % 4 === 0, state: { version: 1, resources, outputs: {} } };
  });
  writeDiyBackend(dir, stacks);
  return dir;
}

/** Wall time of one process, from spawn to exit. */
function timed(file, args, { cwd, env }) {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [file, ...args], { cwd, env, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      const ms = performance.now() - started;
      // audit exits 1 when it has findings at error level: that is its answer, not a failure.
      if (error && error.code !== 1) reject(new Error(`${file} failed: ${stderr || error.message}`));
      else resolve({ ms, stdout });
    });
  });
}

async function auditRatio({ projectDir, providers, sim }) {
  const backend = await prepare({ sim, providers });
  try {
    const env = {
      PATH: process.env.PATH,
      HOME: backend,
      QWILT_API_KEY: sim.bootstrapKey,
      QWILT_USERS_URL: sim.url,
      QWILT_LOGIN_URL: sim.url,
    };
    const bin = join(projectDir, "node_modules", "pulumi-qwilt-api-keys", "dist", "cli", "bin.js");
    const audit = () => timed(bin, ["audit", "--json", "--state", backend], { cwd: projectDir, env });
    const raw = () => timed(join(__dirname, "raw-audit.js"), [sim.url, backend], { cwd: projectDir, env });
    // Once each before timing: the disk cache and the simulator warm up.
    const first = JSON.parse((await audit()).stdout);
    const managed = first.findings.filter((f) => f.code === "unmanaged").length;
    if (managed !== KEYS - STACKS * PER_STACK + 1)
      throw new Error(`expected ${KEYS - STACKS * PER_STACK + 1} unmanaged keys, the audit found ${managed}`);
    await raw();
    const pairs = [];
    for (let p = 0; p < PAIRS; p++) {
      const [a, r] = p % 2 === 0 ? [await audit(), await raw()] : [await raw(), await audit()].reverse();
      pairs.push({ auditMs: a.ms, rawMs: r.ms, ratio: a.ms / r.ms });
    }
    return {
      keys: KEYS,
      stacks: STACKS,
      auditMs: median(pairs.map((p) => p.auditMs)),
      rawMs: median(pairs.map((p) => p.rawMs)),
      ratio: median(pairs.map((p) => p.ratio)),
    };
  } finally {
    rmSync(backend, { recursive: true, force: true });
  }
}

module.exports = { auditRatio, prepare };

if (require.main === module) {
  const { makeProject, removeProject, serializedProviders } = require("./project");
  const { startRemoteSimulator } = require("./sim-process");
  (async () => {
    const projectDir = makeProject();
    const sim = await startRemoteSimulator(projectDir, {});
    try {
      const r = await auditRatio({ projectDir, providers: serializedProviders(projectDir), sim });
      console.log(
        `audit of ${r.keys} keys and ${r.stacks} stacks: ${r.auditMs.toFixed(0)} ms; raw GET + reading the states: ${r.rawMs.toFixed(0)} ms`,
      );
      console.log(`bench: audit_ratio=${r.ratio.toFixed(2)}`);
    } finally {
      await sim.close();
      removeProject(projectDir);
    }
  })().catch((error) => {
    console.error(`bench failed: ${error.stack ?? error}`);
    process.exitCode = 1;
  });
}
