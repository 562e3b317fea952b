/**
 * An ApiKey's inputs as a policy sees them. The engine checks a resource before it analyzes it
 * (pulumi/pulumi pkg/resource/deploy/step_generator.go), so an analyzer gets the provider's
 * checked inputs with its defaults filled in, less the top-level `__` keys (`__provider`,
 * `__defaults`). Where a default is missing all the same (inputs that never went through check),
 * the provider's own default applies, from the provider's own code. A value not known during
 * preview reads as NOT_KNOWN, which no policy counts as a violation: the `up` that follows
 * analyzes the resource again with the value known.
 */
import { FIXED_DEFAULTS, UNKNOWN } from "../provider/args";
import { defaultRotateBeforeDays } from "../provider/schedule";
import { MAX_TTL_DAYS, MIN_TTL_DAYS, PERMISSION_NAMES, type Permission } from "../sdk/qwilt-api";

/** The type token of an ApiKey: sdk/api-key.ts registers it as the dynamic resource `qwilt:ApiKey`. */
export const API_KEY_TYPE = "pulumi-nodejs:dynamic/qwilt:ApiKey";

/** A value unknown during preview. */
export const NOT_KNOWN: unique symbol = Symbol("not known during preview");
export type Known<T> = T | typeof NOT_KNOWN;

/**
 * The inputs the policies judge. A value check would refuse (a string for validForDays, say) is
 * undefined here: check reports it, so no policy reports it a second time.
 */
export interface KeyInputs {
  /** The resource's name (the last part of its URN), which messages name the key by. */
  resource: string;
  permission: Known<Permission | undefined>;
  validForDays: Known<number | undefined>;
  /** The description, trimmed; undefined when unset or blank. */
  description: Known<string | undefined>;
  /** As given, else the provider's default for validForDays; `isDefault` when it is that default. */
  rotateBeforeDays: Known<{ days: number; isDefault: boolean } | undefined>;
  waitForActivation: Known<boolean | undefined>;
  revokeOnDelete: Known<boolean | undefined>;
}

/** @pulumi/policy hands policies a proxy that throws an error carrying this field when an unknown value is read. */
function isUnknownValueError(err: unknown): boolean {
  return err instanceof Error && typeof (err as { unknownTypeSentinel?: unknown }).unknownTypeSentinel === "string";
}

/** One top-level input, NOT_KNOWN when unknown (through @pulumi/policy's proxy, or as the engine's sentinel in a plain object). */
function read(props: Record<string, unknown>, key: string): unknown {
  let value: unknown;
  try {
    value = props[key];
  } catch (err) {
    if (isUnknownValueError(err)) return NOT_KNOWN;
    throw err;
  }
  return value === UNKNOWN ? NOT_KNOWN : value;
}

const wholeDays = (v: unknown, min: number, max: number): number | undefined =>
  typeof v === "number" && Number.isInteger(v) && v >= min && v <= max ? v : undefined;
const bool = (v: unknown, fallback: boolean): boolean | undefined =>
  v === undefined || v === null ? fallback : typeof v === "boolean" ? v : undefined;
const known = <T>(v: unknown, as: (v: unknown) => T): Known<T> => (v === NOT_KNOWN ? NOT_KNOWN : as(v));

export function keyInputs(resource: string, props: Record<string, unknown>): KeyInputs {
  const validForDays = known(read(props, "validForDays"), (v) => wholeDays(v, MIN_TTL_DAYS, MAX_TTL_DAYS));
  const rotate = read(props, "rotateBeforeDays");
  const defaultDays = typeof validForDays === "number" ? defaultRotateBeforeDays(validForDays) : undefined;
  let rotateBeforeDays: KeyInputs["rotateBeforeDays"];
  if (rotate === NOT_KNOWN || (rotate == null && validForDays === NOT_KNOWN)) rotateBeforeDays = NOT_KNOWN;
  else {
    const days = rotate == null ? defaultDays : wholeDays(rotate, 0, MAX_TTL_DAYS - 1);
    rotateBeforeDays = days === undefined ? undefined : { days, isDefault: days === defaultDays };
  }

  return {
    resource,
    permission: known(read(props, "permission"), (v) => PERMISSION_NAMES.find((p) => p === v)),
    validForDays,
    description: known(read(props, "description"), (v) =>
      typeof v === "string" && v.trim() !== "" ? v.trim() : undefined,
    ),
    rotateBeforeDays,
    waitForActivation: known(read(props, "waitForActivation"), (v) => bool(v, FIXED_DEFAULTS.waitForActivation)),
    revokeOnDelete: known(read(props, "revokeOnDelete"), (v) => bool(v, FIXED_DEFAULTS.revokeOnDelete)),
  };
}
