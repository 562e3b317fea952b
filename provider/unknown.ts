/**
 * Pulumi's placeholder for a value not known during preview: `check` and `diff` see it as this string
 * (docs/dynamic-provider-facts.md). Pulumi exports it; taken from there so there is one definition.
 */
type Rpc = typeof import("@pulumi/pulumi/runtime/rpc");

export const UNKNOWN: Rpc["unknownValue"] = (require("@pulumi/pulumi/runtime/rpc") as Rpc).unknownValue;

/** Values as `diff` may see them in a preview: any of them may be unknown. */
export type InPreview<T> = { [K in keyof T]: T[K] | typeof UNKNOWN };

export const isUnknown = (v: unknown): v is typeof UNKNOWN => v === UNKNOWN;
