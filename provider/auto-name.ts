import { randomBytes } from "node:crypto";
import { MAX_NAME_LENGTH } from "../sdk/qwilt-api";

/**
 * The resource name plus a random suffix, like Pulumi's own auto-naming, so a replacement
 * key (created before the old one is revoked) never has the old key's name.
 */
export function autoName(resourceName: string): string {
  const suffix = randomBytes(4).toString("hex").slice(0, 7);
  const base = resourceName.slice(0, MAX_NAME_LENGTH - suffix.length - 1);
  return `${base}-${suffix}`;
}

/** A new auto-name for the next key of the resource that `autoNamed` names: the same base, a new suffix. */
export function nextAutoName(autoNamed: string): string {
  return autoName(autoNamed.replace(/-[0-9a-f]{7}$/, ""));
}

/** Whether the key's name was drawn by us (an auto-name), as checked inputs and outputs record it in `__defaults`. */
export const isAutoNamed = (props: { __defaults?: unknown }): boolean =>
  Array.isArray(props.__defaults) && props.__defaults.includes("name");
