/**
 * The simulator in a process of its own, as a remote API would be: its work does not share an event
 * loop with the bench's driver. Started by startRemoteSimulator(); answers stats requests over IPC.
 */
const { fork } = require("node:child_process");

if (require.main === module) {
  // Child: argv[2] = the project folder (the packed package), argv[3] = simulator options as JSON.
  const { createRequire } = require("node:module");
  const { join } = require("node:path");
  const { startSimulator } = createRequire(join(process.argv[2], "package.json"))("pulumi-qwilt-api-keys/simulator");
  // The bench gone (even by a crash): stop too.
  process.on("disconnect", () => process.exit(0));
  startSimulator(JSON.parse(process.argv[3])).then((sim) => {
    process.on("message", async (msg) => {
      if (msg === "clear") sim.clearRequests();
      if (msg === "close") await sim.close();
      // { seed: [{ name, permission, ttl }] }: keys made out of band (as in the web UI), answered with every key.
      let seeded;
      if (msg?.seed) {
        for (const k of msg.seed) sim.createKey(sim.organizations[0], { ...k, active: true });
        seeded = sim.keys();
      }
      const stats = {
        connectionsOpened: sim.connectionsOpened,
        requests: sim.requests.length,
        ...(seeded ? { keys: seeded } : {}),
      };
      process.send(stats, () => msg === "close" && process.exit(0));
    });
    process.send({ url: sim.url, bootstrapKey: sim.bootstrapKey });
  });
}

/** Starts the simulator in a child process; `stats()` and `clearRequests()` ask it over IPC. */
function startRemoteSimulator(projectDir, options) {
  const child = fork(__filename, [projectDir, JSON.stringify(options)], {
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const next = () =>
    new Promise((resolve, reject) => {
      const onExit = (code) => reject(new Error(`simulator exited (${code})`));
      child.once("exit", onExit);
      child.once("message", (answer) => {
        child.off("exit", onExit);
        resolve(answer);
      });
    });
  const ask = (msg) => {
    const answer = next();
    child.send(msg);
    return answer;
  };
  return next().then(({ url, bootstrapKey }) => ({
    url,
    bootstrapKey,
    /** TCP connections accepted and API requests answered so far. */
    stats: () => ask("stats"),
    clearRequests: () => ask("clear"),
    /** Makes these keys out of band; resolves with every key of the simulator (no tokens). */
    seed: async (keys) => (await ask({ seed: keys })).keys,
    close: () => ask("close"),
  }));
}

module.exports = { startRemoteSimulator };
