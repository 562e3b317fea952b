/**
 * Each policy's config. The engine fills in the schema's defaults and validates what users set
 * before it calls Configure (pulumi/pulumi pkg/resource/analyzer/config.go), but it drops
 * `additionalProperties`: a misspelt key would pass, and the policy would quietly enforce its
 * default. So each policy checks its config again, unknown keys included, and applies the
 * defaults itself when no Configure came.
 */

/** The kinds of setting these policies take: the JSON schema each sends the engine. */
export type Setting =
  | { type: "integer"; minimum: number; maximum: number; default: number; description: string }
  | {
      type: "array";
      items: { type: "string"; enum: string[] };
      minItems: number;
      uniqueItems: true;
      default: string[];
      description: string;
    };

export type Settings = Record<string, Setting>;

/** A config value the policy cannot use: which policy, which key, why. Thrown, it fails the Analyze call, so the run stops with it. */
export class PolicyConfigError extends Error {
  override readonly name = "PolicyConfigError";
  constructor(
    readonly policy: string,
    readonly key: string,
    readonly reason: string,
  ) {
    super(`policy ${policy}: config ${reason}`);
  }
}

/** What a setting allows, in words. */
export function allowedValues(s: Setting): string {
  if (s.type === "integer") return `a whole number from ${s.minimum} to ${s.maximum}`;
  return `a list of at least ${s.minItems} of ${s.items.enum.map((v) => `"${v}"`).join(", ")}, each at most once`;
}

function fits(s: Setting, v: unknown): boolean {
  if (s.type === "integer") return typeof v === "number" && Number.isInteger(v) && v >= s.minimum && v <= s.maximum;
  return (
    Array.isArray(v) &&
    v.length >= s.minItems &&
    new Set(v).size === v.length &&
    v.every((x) => s.items.enum.includes(x))
  );
}

/** The config a policy runs with: what Configure gave (`given`, without enforcementLevel), the schema's defaults for the rest. */
export function resolveSettings<T>(policy: string, settings: Settings, given: Record<string, unknown>): T {
  const known = Object.keys(settings);
  for (const key of Object.keys(given)) {
    if (!known.includes(key)) {
      const takes = known.length > 0 ? `its keys are ${known.join(", ")}` : "it takes none";
      throw new PolicyConfigError(policy, key, `has an unknown key "${key}": ${takes} (and enforcementLevel)`);
    }
  }
  const resolved: Record<string, unknown> = {};
  for (const [key, s] of Object.entries(settings)) {
    const v = given[key] ?? s.default;
    if (!fits(s, v))
      throw new PolicyConfigError(policy, key, `${key} must be ${allowedValues(s)} (got ${JSON.stringify(v)})`);
    resolved[key] = v;
  }
  return resolved as T;
}
