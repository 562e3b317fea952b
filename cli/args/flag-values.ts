/** Typed reads of parsed flags, each refusing a bad value with a UsageError that names the flag and what it accepts. */
import type { ParsedArgs } from "../command";
import { UsageError } from "../errors";
import { quote } from "./parse-flags";

export function boolFlag(args: ParsedArgs, name: string): boolean {
  return args.flags[name] === true;
}

export function stringFlag(args: ParsedArgs, name: string): string | undefined {
  const v = args.flags[name];
  return typeof v === "string" ? v : undefined;
}

export function listFlag(args: ParsedArgs, name: string): string[] {
  const v = args.flags[name];
  return Array.isArray(v) ? v : typeof v === "string" ? [v] : [];
}

/** A whole number of days from `min` to `max`, or `fallback` when the flag is absent. */
export function daysFlag(args: ParsedArgs, name: string, fallback: number, bounds = { min: 0, max: 365 }): number {
  const raw = stringFlag(args, name);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || n < bounds.min || n > bounds.max) {
    throw new UsageError(
      `--${name}`,
      `--${name} must be a whole number of days from ${bounds.min} to ${bounds.max} (got ${quote(raw)})`,
    );
  }
  return n;
}

/** One of `allowed`, or `fallback` when the flag is absent. */
export function choiceFlag<T extends string>(args: ParsedArgs, name: string, allowed: readonly T[], fallback: T): T {
  const raw = stringFlag(args, name);
  if (raw === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(raw)) {
    throw new UsageError(`--${name}`, `--${name} must be one of ${allowed.join(", ")} (got ${quote(raw)})`);
  }
  return raw as T;
}
