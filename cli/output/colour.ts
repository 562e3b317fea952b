/**
 * Colour for a terminal only: on when the stream is a TTY, off with NO_COLOR set to anything
 * (https://no-color.org) or TERM=dumb, and never in files, pipes or CI logs.
 */
import type { OutStream } from "../io";

export interface Paint {
  red(s: string): string;
  yellow(s: string): string;
  green(s: string): string;
  cyan(s: string): string;
  dim(s: string): string;
  bold(s: string): string;
}

const sgr = (open: number, close: number) => (s: string) => `\x1b[${open}m${s}\x1b[${close}m`;
const COLOURS: Paint = {
  red: sgr(31, 39),
  yellow: sgr(33, 39),
  green: sgr(32, 39),
  cyan: sgr(36, 39),
  dim: sgr(2, 22),
  bold: sgr(1, 22),
};
const plain = (s: string) => s;
export const NO_PAINT: Paint = { red: plain, yellow: plain, green: plain, cyan: plain, dim: plain, bold: plain };

export function colourEnabled(stream: OutStream, env: NodeJS.ProcessEnv): boolean {
  return stream.isTTY === true && !env.NO_COLOR && env.TERM !== "dumb";
}

export function paintFor(stream: OutStream, env: NodeJS.ProcessEnv): Paint {
  return colourEnabled(stream, env) ? COLOURS : NO_PAINT;
}

/** Width on screen, ignoring colour codes. */
export function visibleLength(s: string): number {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: ESC starts the colour codes this removes
  return s.replace(/\x1b\[[0-9;]*m/g, "").length;
}
