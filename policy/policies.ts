/**
 * The six ApiKey policies. Each judges one rule on the key's inputs (key-inputs.ts) with its
 * config (policy-config.ts) and words a violation with the key, the value, the rule and the fix.
 * Resources of other types are not applicable; unknown values are never a violation.
 */
import type { ResourceValidationPolicy, Severity } from "@pulumi/policy";
import { API_KEY_ARGS } from "../sdk/api-key-args";
import { ACTIVATION_DELAY_MS, MAX_TTL_DAYS, MIN_TTL_DAYS, PERMISSION_NAMES, type Permission } from "../sdk/qwilt-api";
import { API_KEY_TYPE, keyInputs, NOT_KNOWN, type KeyInputs } from "./key-inputs";
import { resolveSettings, type Settings } from "./policy-config";

export const DEFAULT_MAX_VALID_FOR_DAYS = 90;
export const DEFAULT_MIN_ROTATE_BEFORE_DAYS = 7;
export const DEFAULT_ALLOWED_PERMISSIONS: readonly Permission[] = PERMISSION_NAMES;

interface Rule<C> {
  name: string;
  description: string;
  severity: Severity;
  remediationSteps: string;
  settings: Settings;
  /** The violation's message, or undefined when the key keeps the rule (or when what it needs is unknown). */
  judge(key: KeyInputs, config: C): string | undefined;
}

const quoted = (values: readonly string[], joiner = ", ") => values.map((v) => `"${v}"`).join(joiner);

const maxValidity: Rule<{ maxValidForDays: number }> = {
  name: "qwilt-api-key-max-validity",
  description: `Qwilt API keys are valid for at most maxValidForDays days (default ${DEFAULT_MAX_VALID_FOR_DAYS}).`,
  severity: "high",
  remediationSteps: "Lower validForDays to the maximum or less; the key is still rotated before it expires.",
  settings: {
    maxValidForDays: {
      type: "integer",
      minimum: MIN_TTL_DAYS,
      maximum: MAX_TTL_DAYS,
      default: DEFAULT_MAX_VALID_FOR_DAYS,
      description: "The longest validity a key may have, in days.",
    },
  },
  judge({ resource, validForDays }, { maxValidForDays }) {
    if (typeof validForDays !== "number" || validForDays <= maxValidForDays) return undefined;
    return `ApiKey "${resource}" is valid for ${validForDays} days (validForDays: ${validForDays}), longer than the ${maxValidForDays} days allowed. Set validForDays to ${maxValidForDays} or less.`;
  },
};

const rotationWindow: Rule<{ minRotateBeforeDays: number }> = {
  name: "qwilt-api-key-rotation-window",
  description: `Qwilt API keys are replaced at least minRotateBeforeDays days (default ${DEFAULT_MIN_ROTATE_BEFORE_DAYS}) before they expire, so that scheduled pulumi up runs have time to rotate them.`,
  severity: "medium",
  remediationSteps: "Raise rotateBeforeDays to the minimum or more (it must stay below validForDays).",
  settings: {
    minRotateBeforeDays: {
      type: "integer",
      // 0 would let a key run until it has expired: to waive the rule, disable the policy instead.
      minimum: 1,
      maximum: MAX_TTL_DAYS - 1,
      default: DEFAULT_MIN_ROTATE_BEFORE_DAYS,
      description: "How many days before it expires a key must be replaced, at least.",
    },
  },
  judge({ resource, validForDays, rotateBeforeDays }, { minRotateBeforeDays: min }) {
    if (rotateBeforeDays === NOT_KNOWN || rotateBeforeDays === undefined || rotateBeforeDays.days >= min)
      return undefined;
    const { days, isDefault } = rotateBeforeDays;
    const what =
      days === 0
        ? "0 (the key is replaced only once it has expired)"
        : isDefault && typeof validForDays === "number"
          ? `${days}, the default for validForDays ${validForDays} (${API_KEY_ARGS.rotateBeforeDays.default.computed})`
          : `${days}`;
    const alsoValidity =
      typeof validForDays === "number" && validForDays <= min
        ? `, and validForDays above ${min} (rotateBeforeDays must be below it)`
        : "";
    return `ApiKey "${resource}": rotateBeforeDays is ${what}, below the minimum of ${min} days that scheduled pulumi up runs get to replace the key before it expires. Set rotateBeforeDays to ${min} or more${alsoValidity}.`;
  },
};

const editorDescription: Rule<object> = {
  name: "qwilt-api-key-editor-description",
  description: "Qwilt API keys with editor permission (every endpoint) state their purpose in a description.",
  severity: "medium",
  remediationSteps: "Set description to what the key is for and who owns it, or use permission viewer.",
  settings: {},
  judge({ resource, permission, description }) {
    if (permission !== "editor" || description !== undefined) return undefined;
    return `ApiKey "${resource}" has permission "editor" (every endpoint) but no description. Set description to what the key is for and who owns it, or use permission "viewer" if it only reads.`;
  },
};

const revokeOnDelete: Rule<object> = {
  name: "qwilt-api-key-revoke-on-delete",
  description: "Qwilt API keys are revoked when they are replaced or deleted (revokeOnDelete is not false).",
  severity: "high",
  remediationSteps: "Remove revokeOnDelete: false (the default is true).",
  settings: {},
  judge({ resource, revokeOnDelete, validForDays }) {
    if (revokeOnDelete !== false) return undefined;
    const upTo = typeof validForDays === "number" ? ` (up to ${validForDays} days)` : "";
    return `ApiKey "${resource}" sets revokeOnDelete: false, so a replaced or deleted key keeps working until it expires${upTo}. Remove revokeOnDelete (it defaults to true) so the key is revoked when it is replaced or deleted.`;
  },
};

const waitForActivation: Rule<object> = {
  name: "qwilt-api-key-wait-for-activation",
  description: "New Qwilt API keys are handed on only once Qwilt accepts them (waitForActivation is not false).",
  severity: "low",
  remediationSteps: "Remove waitForActivation: false (the default is true).",
  settings: {},
  judge({ resource, waitForActivation }) {
    if (waitForActivation !== false) return undefined;
    return `ApiKey "${resource}" sets waitForActivation: false, so its consumers may get a new key before Qwilt accepts it (up to ${ACTIVATION_DELAY_MS / 60_000} minutes after it is made), and on a rotation the old key may be revoked first. Remove waitForActivation (it defaults to true).`;
  },
};

const allowedPermissions: Rule<{ allowedPermissions: Permission[] }> = {
  name: "qwilt-api-key-allowed-permissions",
  description: `Qwilt API keys have one of the allowedPermissions (default ${quoted(DEFAULT_ALLOWED_PERMISSIONS, " and ")}).`,
  severity: "high",
  remediationSteps: "Use one of the allowed permissions, or have the policy's allowedPermissions changed.",
  settings: {
    allowedPermissions: {
      type: "array",
      items: { type: "string", enum: [...PERMISSION_NAMES] },
      minItems: 1,
      uniqueItems: true,
      default: [...DEFAULT_ALLOWED_PERMISSIONS],
      description: "The permissions a key may have.",
    },
  },
  judge({ resource, permission }, { allowedPermissions: allowed }) {
    if (permission === NOT_KNOWN || permission === undefined || allowed.includes(permission)) return undefined;
    return `ApiKey "${resource}" has permission "${permission}", which is not allowed here (allowed: ${quoted(allowed)}). Use permission ${quoted(allowed, " or ")}, or have "${permission}" added to the allowedPermissions of this policy.`;
  },
};

const RULES = [
  maxValidity,
  rotationWindow,
  editorDescription,
  revokeOnDelete,
  waitForActivation,
  allowedPermissions,
  // biome-ignore lint/suspicious/noExplicitAny: one list of rules whose configs differ
] as Rule<any>[];

/** The policies' names, in the order apiKeyPolicies() returns them. */
export const API_KEY_POLICY_NAMES = RULES.map((r) => r.name);

function toPolicy<C>(rule: Rule<C>): ResourceValidationPolicy {
  return {
    name: rule.name,
    description: rule.description,
    severity: rule.severity,
    remediationSteps: rule.remediationSteps,
    configSchema: { properties: rule.settings },
    validateResource: (args, reportViolation) => {
      // The config first, whatever the type: a bad one then stops the run at the first resource
      // analyzed, before anything is made, as the engine's own config validation would.
      const config = resolveSettings<C>(rule.name, rule.settings, args.getConfig());
      if (args.type !== API_KEY_TYPE) {
        // Older @pulumi/policy versions have no notApplicable: the policy then just passes.
        args.notApplicable?.(`Policy only applies to resources of type '${API_KEY_TYPE}'`);
        return;
      }
      const message = rule.judge(keyInputs(args.name, args.props), config);
      if (message) reportViolation(message);
    },
  };
}

/**
 * The ApiKey policies, for a policy pack of one's own: `new PolicyPack(name, { policies:
 * [...apiKeyPolicies(), ...yours] })`. They set no enforcement level, so the pack's (or the
 * config's) applies. A fresh array of fresh objects on every call.
 */
export function apiKeyPolicies(): ResourceValidationPolicy[] {
  return RULES.map(toPolicy);
}
