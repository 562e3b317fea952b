#!/usr/bin/env node
/**
 * `qwilt-simulator`: runs the Qwilt simulator until SIGINT/SIGTERM and prints what a client
 * needs. It prints the bootstrap Editor key on purpose: it is a key of this local simulator,
 * worthless anywhere else, and the demo and the README need it.
 */
import { parseArgs } from "node:util";
import { startSimulator } from "./index";

const HELP = `Usage: qwilt-simulator [options]

A local simulator of Qwilt's api-keys (users) and login APIs, on one origin.

Options:
  --port <n>                    port to listen on (default 0: a free port)
  --host <addr>                 address to listen on (default 127.0.0.1)
  --state <file>                keep state in this JSON file (loaded at start, saved on every change)
  --propagation-delay-ms <ms>   a new key answers 401 for this long (default 0)
  --unique-names                creating a key whose name a live key has answers 409
  --help                        show this help
`;

function numberFlag(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) {
    process.stderr.write(`qwilt-simulator: --${name} must be a number >= 0\n`);
    process.exit(2);
  }
  return n;
}

/** The command line's flags; bad usage exits 2 with the help. */
function parseFlags() {
  try {
    return parseArgs({
      options: {
        port: { type: "string" },
        host: { type: "string" },
        state: { type: "string" },
        "propagation-delay-ms": { type: "string" },
        "unique-names": { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
    }).values;
  } catch (e) {
    process.stderr.write(`qwilt-simulator: ${(e as Error).message}\n\n${HELP}`);
    process.exit(2);
  }
}

async function main(): Promise<void> {
  const values = parseFlags();
  if (values.help) {
    process.stdout.write(HELP);
    return;
  }
  const port = numberFlag("port", values.port);
  const propagationDelayMs = numberFlag("propagation-delay-ms", values["propagation-delay-ms"]);
  const sim = await startSimulator({
    ...(values.host !== undefined ? { host: values.host } : {}),
    ...(port !== undefined ? { port } : {}),
    ...(values.state !== undefined ? { stateFile: values.state } : {}),
    ...(propagationDelayMs !== undefined ? { propagationDelayMs } : {}),
    uniqueNames: values["unique-names"] ?? false,
  });

  process.stdout.write(
    [
      `Qwilt simulator listening on ${sim.url}`,
      `  organization:  ${sim.user.orgId}`,
      `  user:          ${sim.user.email}`,
      `  password:      ${sim.user.password}`,
      `  bootstrap Editor API key (local simulator key):`,
      `    ${sim.bootstrapKey}`,
      ...(values.state ? [`  state file:    ${values.state}`] : []),
      ``,
      `Paste into your shell:`,
      `export QWILT_USERS_URL=${sim.url} QWILT_LOGIN_URL=${sim.url} QWILT_API_KEY=${sim.bootstrapKey}`,
      ``,
      `Press Ctrl-C to stop.`,
      ``,
    ].join("\n"),
  );

  const stop = (): void => {
    sim.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

main().catch((e: unknown) => {
  process.stderr.write(`qwilt-simulator: ${(e as Error)?.message ?? String(e)}\n`);
  process.exit(1);
});
