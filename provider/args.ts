/**
 * The ApiKey resource's arguments: names, defaults and validation (run by `check`, so
 * `pulumi preview` reports bad input before anything is created).
 */
import {
  MAX_DESCRIPTION_LENGTH,
  MAX_NAME_LENGTH,
  MAX_TTL_DAYS,
  MIN_TTL_DAYS,
  PERMISSION_NAMES,
  type Permission,
} from "../sdk/qwilt-api";
import { autoName } from "./auto-name";
import { defaultRotateBeforeDays } from "./schedule";

/** Pulumi's placeholder for a value not known during preview. */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export const DEFAULT_ACTIVATION_TIMEOUT_SECONDS = 600;
export const MAX_ACTIVATION_TIMEOUT_SECONDS = 3600;

/** What check fills in for these args when unset (the policy pack applies the same; rotateBeforeDays and name are derived). */
export const FIXED_DEFAULTS = { waitForActivation: true, activationTimeoutSeconds: DEFAULT_ACTIVATION_TIMEOUT_SECONDS, revokeOnDelete: true } as const;

/** Checked inputs, as stored in state. `__defaults` names the args that check filled in (Pulumi's convention). */
export interface ApiKeyInputs {
  permission: Permission;
  validForDays: number;
  name: string;
  description?: string;
  rotateBeforeDays: number;
  waitForActivation: boolean;
  activationTimeoutSeconds: number;
  revokeOnDelete: boolean;
  orgId?: string;
  __defaults: string[];
}

/** Args that define the key itself: Qwilt cannot edit a key, so a change means a new key. */
export const REPLACE_ARGS = ["permission", "validForDays", "name", "description", "orgId"] as const;
/** Args that only steer this provider: a change is recorded in state, the key stays. */
export const UPDATE_ARGS = ["rotateBeforeDays", "waitForActivation", "activationTimeoutSeconds", "revokeOnDelete"] as const;
export const ARG_NAMES: readonly string[] = [...REPLACE_ARGS, ...UPDATE_ARGS];
/** Inputs the ApiKey class adds itself. */
const INTERNAL_INPUTS = ["__provider", "__resourceName", "__defaults"];
/** Every property of the checked inputs (what `read` hands back as inputs). */
export const INPUT_KEYS: readonly string[] = [...ARG_NAMES, "__defaults"];

export interface CheckFailure {
  property: string;
  reason: string;
}

export interface CheckContext {
  /** Whether username/password credentials are configured (orgId needs them). */
  canLogIn: boolean;
}

const isUnknown = (v: unknown) => v === UNKNOWN;
const isSet = (v: unknown) => v !== undefined && v !== null;

/** Shows a bad value briefly; values are never secrets here, but may be long. */
function shown(v: unknown): string {
  // A long string is shown by its length: that is what is wrong with it.
  if (typeof v === "string" && v.length > 38) return `a string of ${v.length} characters`;
  const s = String(JSON.stringify(v) ?? v);
  return s.length > 40 ? `${s.slice(0, 37)}...` : s;
}

type Rule = { property: string; test: (v: unknown) => boolean; allowed: string };

let builtRules: Rule[] | undefined;
/** Built once, at the first check (zod loads then, not at import): building zod schemas costs far more than using them. */
function rules(): Rule[] {
  return (builtRules ??= buildRules());
}

function buildRules(): Rule[] {
  const { z } = require("zod") as typeof import("zod");
  const ok = (schema: import("zod").ZodType) => (v: unknown) => schema.safeParse(v).success;
  return [
    { property: "permission", test: ok(z.enum(PERMISSION_NAMES as [Permission, ...Permission[]])), allowed: `one of ${PERMISSION_NAMES.map((p) => `"${p}"`).join(", ")}` },
    { property: "validForDays", test: ok(z.number().int().min(MIN_TTL_DAYS).max(MAX_TTL_DAYS)), allowed: `a whole number of days from ${MIN_TTL_DAYS} to ${MAX_TTL_DAYS}` },
    { property: "name", test: ok(z.string().trim().min(1).max(MAX_NAME_LENGTH)), allowed: `a non-empty string of at most ${MAX_NAME_LENGTH} characters` },
    { property: "description", test: ok(z.string().trim().min(1).max(MAX_DESCRIPTION_LENGTH)), allowed: `a non-empty string of at most ${MAX_DESCRIPTION_LENGTH} characters` },
    { property: "rotateBeforeDays", test: ok(z.number().int().min(0).max(MAX_TTL_DAYS - 1)), allowed: "a whole number of days from 0 to validForDays - 1" },
    { property: "waitForActivation", test: ok(z.boolean()), allowed: "true or false" },
    { property: "activationTimeoutSeconds", test: ok(z.number().int().min(1).max(MAX_ACTIVATION_TIMEOUT_SECONDS)), allowed: `a whole number of seconds from 1 to ${MAX_ACTIVATION_TIMEOUT_SECONDS}` },
    { property: "revokeOnDelete", test: ok(z.boolean()), allowed: "true or false" },
    { property: "orgId", test: ok(z.string().trim().min(1).max(256)), allowed: "a non-empty organization id" },
  ];
}

/**
 * Validates `news` and fills in defaults. `olds` are the previous checked inputs (empty on
 * create, and on a replacement, when the engine asks again so a fresh auto-name is drawn).
 */
export function checkArgs(olds: Record<string, any>, news: Record<string, any>, ctx: CheckContext): { inputs: Record<string, any>; failures: CheckFailure[] } {
  const failures: CheckFailure[] = [];
  const fail = (property: string, reason: string) => failures.push({ property, reason });

  for (const key of Object.keys(news)) {
    if (!ARG_NAMES.includes(key) && !INTERNAL_INPUTS.includes(key)) {
      const near = closestArg(key);
      fail(key, `unknown argument "${key}"${near ? ` (did you mean "${near}"?)` : ""}; the known arguments are ${ARG_NAMES.join(", ")}`);
    }
  }
  for (const required of ["permission", "validForDays"]) {
    if (!isSet(news[required])) fail(required, `${required} is required: ${rules().find((r) => r.property === required)!.allowed}`);
  }
  for (const rule of rules()) {
    const v = news[rule.property];
    if (!isSet(v) || isUnknown(v)) continue;
    if (!rule.test(v)) fail(rule.property, `${rule.property} must be ${rule.allowed} (got ${shown(v)})`);
  }

  const defaults: string[] = [];
  const inputs: Record<string, any> = {};
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
    fail("rotateBeforeDays", `rotateBeforeDays must be a whole number of days from 0 to ${days - 1}, below validForDays (${days}) (got ${inputs.rotateBeforeDays})`);
  }

  if (inputs.name === undefined) {
    // Keep an auto-name across updates; a replacement re-checks without olds and draws a new one,
    // so the new key never collides with the old one during create-before-delete.
    const keepOld = typeof olds.name === "string" && Array.isArray(olds.__defaults) && olds.__defaults.includes("name");
    inputs.name = keepOld ? olds.name : autoName(String(news.__resourceName ?? "apikey"));
    defaults.push("name");
  }
  for (const [key, value] of Object.entries(FIXED_DEFAULTS)) {
    if (inputs[key] === undefined) {
      inputs[key] = value;
      defaults.push(key);
    }
  }

  // An orgId that is itself invalid was reported above; the credentials are a second, separate problem.
  if (isSet(inputs.orgId) && !isUnknown(inputs.orgId) && !ctx.canLogIn && !failures.some((f) => f.property === "orgId")) {
    fail(
      "orgId",
      "orgId needs username/password credentials (qwilt:username and qwilt:password, or QWILT_USERNAME and QWILT_PASSWORD): an API key works only in the organization it was made in; remove orgId to use the API key's organization",
    );
  }
  inputs.__defaults = defaults;
  return { inputs, failures };
}

/** The checked inputs held in a resource's outputs (what `read` returns as inputs after a refresh). */
export function inputsOf(props: Record<string, any>): Record<string, any> {
  const inputs: Record<string, any> = {};
  for (const key of INPUT_KEYS) if (isSet(props[key])) inputs[key] = props[key];
  return inputs;
}

/** The known argument a misspelt one most likely meant (edit distance at most a third of its length), if any. */
function closestArg(key: string): string | undefined {
  let best: { name: string; distance: number } | undefined;
  for (const name of ARG_NAMES) {
    const distance = editDistance(key.toLowerCase(), name.toLowerCase());
    if (distance <= Math.max(1, Math.floor(name.length / 3)) && (!best || distance < best.distance)) best = { name, distance };
  }
  return best?.name;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length]!;
}
