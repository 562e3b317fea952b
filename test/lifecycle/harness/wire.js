// @ts-check
/**
 * Property values in the engine's wire form, the form RegisterResource, the state and stack
 * outputs carry: a secret is `{[SIG_KEY]: SECRET_SIG, value}`, an unknown (previews only) is
 * one sentinel string. The dynamic provider plugin does not accept secrets, so the engine
 * reveals values before calling it and marks the results secret again.
 */
"use strict";

/** @typedef {Record<string, any>} Props */

const SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
/** Pulumi's placeholder for a value not known in a preview, as Pulumi exports it. */
const UNKNOWN = require("@pulumi/pulumi/runtime/rpc").unknownValue;

/** @param {unknown} v @returns {v is {value: unknown}} */
function isSecret(v) {
  return v !== null && typeof v === "object" && /** @type {Props} */ (v)[SIG_KEY] === SECRET_SIG;
}

/** @param {unknown} value */
function secret(value) {
  return isSecret(value) ? value : { [SIG_KEY]: SECRET_SIG, value };
}

/**
 * Plain values, deep: what a provider that does not accept secrets receives.
 * @param {any} v
 * @returns {any}
 */
function reveal(v) {
  if (isSecret(v)) return reveal(v.value);
  if (Array.isArray(v)) return v.map(reveal);
  if (v !== null && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, reveal(x)]));
  return v;
}

/** @param {unknown} v @param {(x: unknown) => boolean} test @returns {boolean} */
function holds(v, test) {
  if (test(v)) return true;
  if (v !== null && typeof v === "object") return Object.values(v).some((x) => holds(x, test));
  return false;
}

/**
 * Top-level property names whose value is or holds a secret.
 * @param {Props} props
 */
function secretNames(props) {
  return Object.keys(props).filter((k) => holds(props[k], isSecret));
}

/**
 * Top-level property names whose value is or holds an unknown.
 * @param {Props} props
 */
function unknownNames(props) {
  return Object.keys(props).filter((k) => holds(props[k], (x) => x === UNKNOWN));
}

/**
 * Marks these top-level properties secret, as the engine does with a provider's results: the
 * names that were secret in the inputs, plus the resource's additionalSecretOutputs.
 * @param {Props} props
 * @param {Iterable<string>} names
 * @returns {Props}
 */
function markSecret(props, names) {
  const out = { ...props };
  for (const k of names) if (k in out && !isSecret(out[k])) out[k] = secret(out[k]);
  return out;
}

/**
 * A value fit to print: secrets as "[secret]", unknowns as "(unknown)".
 * @param {any} v
 * @returns {any}
 */
function mask(v) {
  if (isSecret(v)) return "[secret]";
  if (v === UNKNOWN) return "(unknown)";
  if (Array.isArray(v)) return v.map(mask);
  if (v !== null && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, mask(x)]));
  return v;
}

module.exports = {
  SIG_KEY,
  SECRET_SIG,
  UNKNOWN,
  isSecret,
  secret,
  reveal,
  secretNames,
  unknownNames,
  markSecret,
  mask,
};
