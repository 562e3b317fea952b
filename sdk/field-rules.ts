/**
 * One way to check a record field by field, for every place that does: the client before it sends a
 * create, the provider's `check`, the simulator's create. A rule says what is allowed; each caller words
 * the violations for its own readers.
 */

export interface FieldRule {
  field: string;
  /** What is allowed, as it follows "must be": `a whole number of days from 1 to 365`. */
  allowed: string;
  valid: (value: unknown) => boolean;
  /** How to show a bad value, when the caller shows it (`got 129` for a name's length, say). */
  got?: (value: unknown) => string;
}

export interface Violation {
  field: string;
  allowed: string;
  value: unknown;
  /** The bad value as the rule shows it, if it has a way. */
  got?: string;
}

/** The rules `record` breaks, in rule order; a field is checked only when present, unless `required` names it. */
export function violations(
  rules: readonly FieldRule[],
  record: Record<string, unknown>,
  required: readonly string[] = [],
): Violation[] {
  const found: Violation[] = [];
  for (const rule of rules) {
    const value = record[rule.field];
    if (value === undefined && !required.includes(rule.field)) continue;
    if (rule.valid(value)) continue;
    found.push({ field: rule.field, allowed: rule.allowed, value, ...(rule.got ? { got: rule.got(value) } : {}) });
  }
  return found;
}

/** `field must be allowed (got x)`: the usual wording of a violation. */
export function violationText(v: Violation): string {
  return `${v.field} must be ${v.allowed}${v.got !== undefined ? ` (got ${v.got})` : ""}`;
}

export const isWholeNumber = (min: number, max: number) => (v: unknown) =>
  typeof v === "number" && Number.isInteger(v) && v >= min && v <= max;

/** A string with something besides spaces, at most `max` characters (counted without surrounding spaces when `trimmed`). */
export const isText =
  (max: number, options: { trimmed?: boolean } = {}) =>
  (v: unknown) => {
    if (typeof v !== "string" || v.trim() === "") return false;
    return (options.trimmed ? v.trim() : v).length <= max;
  };

export const isOneOf = (values: readonly unknown[]) => (v: unknown) => values.includes(v);

export const isBoolean = (v: unknown) => typeof v === "boolean";
