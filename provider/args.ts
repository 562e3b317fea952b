/**
 * `check` of the ApiKey resource: the rules of sdk/api-key-args.ts applied to what a program passed,
 * defaults filled in, and every problem worded with the field and the allowed values (`check` runs
 * in `pulumi preview`, so bad input is reported before anything is created).
 */
import {
  API_KEY_ARGS,
  ARG_NAMES,
  ARG_RULES,
  REQUIRED_ARGS,
  type ApiKeyState,
  type ArgSpec,
  type CheckedArgs,
} from "../sdk/api-key-args";
import type { CheckFailure } from "@pulumi/pulumi/dynamic";
import { closestName } from "../sdk/closest-name";
import { violations } from "../sdk/field-rules";
import { autoName } from "./auto-name";
import { isUnknown, UNKNOWN } from "./unknown";
import { defaultRotateBeforeDays } from "./schedule";

/** What check fills in for these args when unset, from the argument table (the policy pack applies the same). */
export const FIXED_DEFAULTS = Object.fromEntries(
  ARG_NAMES.flatMap((k) => {
    const fallback = (API_KEY_ARGS[k] as ArgSpec).default;
    return fallback && "value" in fallback ? [[k, fallback.value]] : [];
  }),
) as { waitForActivation: boolean; activationTimeoutSeconds: number; revokeOnDelete: boolean; overlapDays: number };
export { UNKNOWN };

/** Inputs the ApiKey class adds itself. */
const INTERNAL_INPUTS = ["__provider", "__resourceName", "__defaults"];
/** Every property of the checked inputs (what `read` hands back as inputs). */
const INPUT_KEYS: readonly string[] = [...ARG_NAMES, "__defaults"];

export interface CheckContext {
  /** Whether username/password credentials are configured (orgId needs them). */
  canLogIn: boolean;
}

const isSet = (v: unknown) => v !== undefined && v !== null;

/** Shows a bad value briefly; values are never secrets here, but may be long. */
function shown(v: unknown): string {
  // A long string is shown by its length: that is what is wrong with it.
  if (typeof v === "string" && v.length > 38) return `a string of ${v.length} characters`;
  const s = String(JSON.stringify(v) ?? v);
  return s.length > 40 ? `${s.slice(0, 37)}...` : s;
}

/**
 * Validates `news` and fills in defaults. `olds` are the previous checked inputs (empty on
 * create, and on a replacement, when the engine asks again so a fresh auto-name is drawn).
 */
export function checkArgs(
  olds: Partial<CheckedArgs>,
  news: Record<string, unknown>,
  ctx: CheckContext,
): { inputs: CheckedArgs; failures: CheckFailure[] } {
  const failures: CheckFailure[] = [];
  const fail = (property: string, reason: string) => failures.push({ property, reason });

  for (const key of Object.keys(news)) {
    if (!(ARG_NAMES as readonly string[]).includes(key) && !INTERNAL_INPUTS.includes(key)) {
      const near = closestName(key, ARG_NAMES);
      fail(
        key,
        `unknown argument "${key}"${near ? ` (did you mean "${near}"?)` : ""}; the known arguments are ${ARG_NAMES.join(", ")}`,
      );
    }
  }
  for (const required of REQUIRED_ARGS) {
    if (!isSet(news[required])) fail(required, `${required} is required: ${API_KEY_ARGS[required].allowed}`);
  }
  // Unknown values (preview) and absent ones are left for later.
  const known = Object.fromEntries(
    ARG_NAMES.filter((k) => isSet(news[k]) && !isUnknown(news[k])).map((k) => [k, news[k]]),
  );
  for (const v of violations(ARG_RULES, known))
    fail(v.field, `${v.field} must be ${v.allowed} (got ${shown(v.value)})`);

  const defaults: string[] = [];
  const inputs: Record<string, unknown> = {};
  for (const key of ARG_NAMES) if (isSet(news[key])) inputs[key] = news[key];

  const days = inputs.validForDays;
  const daysKnown = typeof days === "number" && !failures.some((f) => f.property === "validForDays");
  if (inputs.rotateBeforeDays === undefined) {
    if (daysKnown) {
      inputs.rotateBeforeDays = defaultRotateBeforeDays(days);
      defaults.push("rotateBeforeDays");
    } else if (isUnknown(days)) {
      inputs.rotateBeforeDays = UNKNOWN;
      defaults.push("rotateBeforeDays");
    }
  } else if (daysKnown && typeof inputs.rotateBeforeDays === "number" && inputs.rotateBeforeDays >= days) {
    fail(
      "rotateBeforeDays",
      `rotateBeforeDays must be a whole number of days from 0 to ${days - 1}, below validForDays (${days}) (got ${inputs.rotateBeforeDays})`,
    );
  }

  const overlap = inputs.overlapDays;
  if (
    daysKnown &&
    typeof overlap === "number" &&
    overlap >= days &&
    !failures.some((f) => f.property === "overlapDays")
  ) {
    fail(
      "overlapDays",
      `overlapDays must be a whole number of days from 0 to ${days - 1}, below validForDays (${days}) (got ${overlap})`,
    );
  }
  // Both known (a preview may not know them yet): they contradict each other.
  if (
    typeof overlap === "number" &&
    overlap > 0 &&
    inputs.revokeOnDelete === false &&
    !failures.some((f) => f.property === "overlapDays")
  ) {
    fail(
      "overlapDays",
      `overlapDays (${overlap}) and revokeOnDelete: false contradict each other: overlapDays keeps the previous key for ${overlap} day(s) after a rotation and then revokes it, ` +
        "revokeOnDelete: false never revokes a key; remove revokeOnDelete: false to keep the previous key for a bounded time, or set overlapDays: 0 to let replaced keys run out",
    );
  }

  if (inputs.name === undefined) {
    // Keep an auto-name across updates; a replacement re-checks without olds and draws a new one,
    // so the new key never collides with the old one during create-before-delete.
    const keepOld = typeof olds.name === "string" && Array.isArray(olds.__defaults) && olds.__defaults.includes("name");
    inputs.name = keepOld ? olds.name : autoName(String(news.__resourceName ?? "apikey"));
    defaults.push("name");
  }
  for (const key of ARG_NAMES) {
    const fallback = (API_KEY_ARGS[key] as ArgSpec).default;
    if (inputs[key] === undefined && fallback && "value" in fallback) {
      inputs[key] = fallback.value;
      defaults.push(key);
    }
  }

  // An orgId that is itself invalid was reported above; the credentials are a second, separate problem.
  if (
    isSet(inputs.orgId) &&
    !isUnknown(inputs.orgId) &&
    !ctx.canLogIn &&
    !failures.some((f) => f.property === "orgId")
  ) {
    fail(
      "orgId",
      "orgId needs username/password credentials (qwilt:username and qwilt:password, or QWILT_USERNAME and QWILT_PASSWORD): an API key works only in the organization it was made in; remove orgId to use the API key's organization",
    );
  }
  inputs.__defaults = defaults;
  // With failures, the engine stops here; without, every rule above holds.
  return { inputs: inputs as unknown as CheckedArgs, failures };
}

/** The checked inputs held in a resource's outputs (what `read` returns as inputs after a refresh). */
export function inputsOf(props: ApiKeyState): CheckedArgs {
  const inputs: Record<string, unknown> = {};
  for (const key of INPUT_KEYS)
    if (isSet(props[key as keyof ApiKeyState])) inputs[key] = props[key as keyof ApiKeyState];
  return inputs as unknown as CheckedArgs;
}
