/**
 * The ApiKey resource's arguments and outputs, as one table: each argument's type, bounds, default,
 * whether a change makes a new key (`replace`: Qwilt cannot edit a key) or is only recorded (`update`),
 * and its doc. The resource class, the provider's check and diff, and anything else that lists the
 * arguments derive from here, so adding one is a row here plus the code that uses it.
 * Plain data: loading it costs nothing (the resource class loads it in every program).
 */
import { isBoolean, isOneOf, isText, isWholeNumber, type FieldRule } from "./field-rules";
import {
  MAX_DESCRIPTION_LENGTH,
  MAX_NAME_LENGTH,
  MAX_TTL_DAYS,
  MIN_TTL_DAYS,
  PERMISSION_NAMES,
  type Permission,
} from "./qwilt-api";

/** The arguments' values (the resource class wraps each in its framework's input type). */
export interface ApiKeyArgValues {
  /** `viewer` (get and list endpoints) or `editor` (every endpoint). Required. */
  permission: Permission;
  /** Validity in whole days, 1..365. Required. */
  validForDays: number;
  /** Key name in Qwilt. Default: the resource name plus a random suffix (a replacement gets a new suffix). */
  name?: string;
  description?: string;
  /** Make the key in this organization (logs in with ?orgId=; needs username/password credentials). */
  orgId?: string;
  /** Replace the key this many days before it expires. Default 30, or half of validForDays when shorter; 0 = only once expired. */
  rotateBeforeDays?: number;
  /** Wait after create until the new key is accepted (Qwilt needs up to 5 minutes). Default true. */
  waitForActivation?: boolean;
  /** Give up waiting for activation after this many seconds (1..3600). Default 600. */
  activationTimeoutSeconds?: number;
  /** Revoke the key on delete or replacement. Default true; false leaves it to expire. */
  revokeOnDelete?: boolean;
  /**
   * Days the previous key keeps working after a rotation, 0..validForDays - 1. Default 0: a new key replaces
   * the old one, which is revoked once the new one works. Above 0, a key is rotated in place and the old one
   * stays as the previous key until `previousRevokeAt`; the first `pulumi up` after that revokes it.
   */
  overlapDays?: number;
}

/** What the provider computes for a key (besides the arguments, which are outputs too). */
export interface ApiKeyComputed {
  /** Qwilt's id of the key, unique within its organization only. */
  keyId: string;
  /** The API key itself. Always a secret. */
  key: string;
  /** The organization (Qwilt ownerId) the key works in. */
  organization: string;
  createdBy: string;
  /** ISO-8601 UTC. */
  createdAt: string;
  /** ISO-8601 UTC: the key stops working then. */
  expiresAt: string;
  /** ISO-8601 UTC: the first deployment after this replaces the key. */
  rotateAt: string;
  /**
   * True while the key exists but is not yet known to work (its activation wait timed out or failed):
   * the next `pulumi up` waits for it again. Absent otherwise. Kept across a refresh, which does not wait.
   */
  activationPending?: boolean;
  /** The key a rotation in place (overlapDays > 0) kept working: its keyId. Absent while there is none. */
  previousKeyId?: string;
  previousName?: string;
  /** The previous key itself. Always a secret. */
  previousKey?: string;
  /** ISO-8601 UTC: the previous key's own expiry. */
  previousExpiresAt?: string;
  /** ISO-8601 UTC: the first deployment after this revokes the previous key (the rotation + overlapDays, at most previousExpiresAt). */
  previousRevokeAt?: string;
}

export type ArgName = keyof ApiKeyArgValues;

export interface ArgSpec {
  /** What a value must be, as it follows "must be". */
  allowed: string;
  valid: (value: unknown) => boolean;
  required?: true;
  /** replace: a new key (Qwilt cannot edit one); update: only recorded, the key stays. */
  change: "replace" | "update";
  /** With overlapDays > 0, a change makes the new key in place (an update that keeps the old key as the previous key), not a replacement. */
  rotatesInPlace?: true;
  /** A fixed default; `computed` says in words how one is drawn (in the provider's check). */
  default?: { value: boolean | number } | { computed: string };
}

export const MAX_ACTIVATION_TIMEOUT_SECONDS = 3600;
export const MAX_ORG_ID_LENGTH = 256;

export const API_KEY_ARGS = {
  permission: {
    allowed: `one of ${PERMISSION_NAMES.map((p) => `"${p}"`).join(", ")}`,
    valid: isOneOf(PERMISSION_NAMES),
    required: true,
    change: "replace",
    rotatesInPlace: true,
  },
  validForDays: {
    allowed: `a whole number of days from ${MIN_TTL_DAYS} to ${MAX_TTL_DAYS}`,
    valid: isWholeNumber(MIN_TTL_DAYS, MAX_TTL_DAYS),
    required: true,
    change: "replace",
    rotatesInPlace: true,
  },
  name: {
    allowed: `a non-empty string of at most ${MAX_NAME_LENGTH} characters`,
    valid: isText(MAX_NAME_LENGTH, { trimmed: true }),
    change: "replace",
    rotatesInPlace: true,
    default: { computed: "the resource name plus a random suffix" },
  },
  description: {
    allowed: `a non-empty string of at most ${MAX_DESCRIPTION_LENGTH} characters`,
    valid: isText(MAX_DESCRIPTION_LENGTH, { trimmed: true }),
    change: "replace",
    rotatesInPlace: true,
  },
  // The key moves to another organization: always a replacement, whatever overlapDays says.
  orgId: {
    allowed: "a non-empty organization id",
    valid: isText(MAX_ORG_ID_LENGTH, { trimmed: true }),
    change: "replace",
  },
  rotateBeforeDays: {
    allowed: "a whole number of days from 0 to validForDays - 1",
    valid: isWholeNumber(0, MAX_TTL_DAYS - 1),
    change: "update",
    default: { computed: "30, or half of validForDays when shorter" },
  },
  waitForActivation: { allowed: "true or false", valid: isBoolean, change: "update", default: { value: true } },
  activationTimeoutSeconds: {
    allowed: `a whole number of seconds from 1 to ${MAX_ACTIVATION_TIMEOUT_SECONDS}`,
    valid: isWholeNumber(1, MAX_ACTIVATION_TIMEOUT_SECONDS),
    change: "update",
    default: { value: 600 },
  },
  revokeOnDelete: { allowed: "true or false", valid: isBoolean, change: "update", default: { value: true } },
  overlapDays: {
    allowed: "a whole number of days from 0 to validForDays - 1",
    valid: isWholeNumber(0, MAX_TTL_DAYS - 1),
    change: "update",
    default: { value: 0 },
  },
} as const satisfies { [K in ArgName]-?: ArgSpec };

/** Outputs the provider computes, and which are secret. */
export const API_KEY_COMPUTED = {
  keyId: { secret: false },
  key: { secret: true },
  organization: { secret: false },
  createdBy: { secret: false },
  createdAt: { secret: false },
  expiresAt: { secret: false },
  rotateAt: { secret: false },
  activationPending: { secret: false },
  previousKeyId: { secret: false },
  previousName: { secret: false },
  previousKey: { secret: true },
  previousExpiresAt: { secret: false },
  previousRevokeAt: { secret: false },
} as const satisfies { [K in keyof ApiKeyComputed]-?: { secret: boolean } };

type ArgsWith<C extends ArgSpec["change"]> = {
  [K in ArgName]: (typeof API_KEY_ARGS)[K]["change"] extends C ? K : never;
}[ArgName];
/** Args with a default: check always fills them in. */
export type DefaultedArg = {
  [K in ArgName]: (typeof API_KEY_ARGS)[K] extends { default: unknown } ? K : never;
}[ArgName];

const names = <K extends string>(o: Record<K, unknown>) => Object.keys(o) as K[];
const argsWhere = (test: (spec: ArgSpec) => boolean) => ARG_NAMES.filter((k) => test(API_KEY_ARGS[k]));

export const ARG_NAMES: readonly ArgName[] = names(API_KEY_ARGS);
/** Args that define the key itself: a change means a new key. */
export const REPLACE_ARGS = argsWhere((s) => s.change === "replace") as readonly ArgsWith<"replace">[];
/** Args whose change, with overlapDays > 0, rotates the key in place instead of replacing it. */
export const IN_PLACE_ARGS = argsWhere((s) => s.rotatesInPlace === true);
/** Args that only steer the provider: a change is recorded, the key stays. */
export const UPDATE_ARGS = argsWhere((s) => s.change === "update") as readonly ArgsWith<"update">[];
export const REQUIRED_ARGS = argsWhere((s) => s.required === true);
export const COMPUTED_NAMES: readonly (keyof ApiKeyComputed)[] = names(API_KEY_COMPUTED);
export const SECRET_OUTPUTS = COMPUTED_NAMES.filter((k) => API_KEY_COMPUTED[k].secret);

/** The rule of each argument, for field-rules.ts. */
export const ARG_RULES: readonly FieldRule[] = ARG_NAMES.map((field) => ({ field, ...API_KEY_ARGS[field] }));

/** The arguments after check: defaults filled in, and `__defaults` naming the ones check filled in. */
export type CheckedArgs = Omit<ApiKeyArgValues, DefaultedArg> &
  Required<Pick<ApiKeyArgValues, DefaultedArg>> & { __defaults: string[] };

/** A key's state: its checked arguments and what the provider computed. */
export type ApiKeyState = CheckedArgs & ApiKeyComputed;
