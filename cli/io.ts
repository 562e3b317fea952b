/**
 * What a command touches of the outside world, in one object: the streams, the environment and the
 * clock. bin.ts hands it the process's; nothing else reads process.* directly.
 */
import { Redactor } from "../sdk/client/redact";

export interface OutStream {
  write(text: string): unknown;
  isTTY?: boolean;
  /** Terminal width, when a terminal. */
  columns?: number;
}

export interface InStream extends NodeJS.ReadableStream {
  isTTY?: boolean;
}

export interface Io {
  stdout: OutStream;
  stderr: OutStream;
  stdin: InStream;
  env: NodeJS.ProcessEnv;
  /** Milliseconds since the epoch. */
  now(): number;
  /** Every secret met so far; nothing printed holds one (cli/secret-guard.ts). */
  secrets: Redactor;
}

/**
 * The process's streams and environment. `QWILT_CLOCK_OFFSET_MS` moves the clock, as it does the
 * provider's (provider/clock.ts), for rehearsing against the simulator after moving its clock; never
 * set it against the real Qwilt.
 */
export function processIo(): Io {
  const offset = Number(process.env.QWILT_CLOCK_OFFSET_MS || 0);
  const shift = Number.isFinite(offset) ? offset : 0;
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    env: process.env,
    now: () => Date.now() + shift,
    secrets: new Redactor(),
  };
}

/** An environment variable, or undefined when unset or empty (an empty variable counts as unset). */
export function envValue(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value.trim() === "" ? undefined : value;
}
