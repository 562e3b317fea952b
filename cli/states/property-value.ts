/**
 * Plain values out of the property values of a Pulumi state. A secret is `{<sig>: <secret sig>,
 * "ciphertext": ...}` (encrypted; the command line never needs to decrypt one) or, in an export made with
 * `--show-secrets`, `{..., "plaintext": "<JSON>"}`; newer engines may wrap a value in an output value
 * `{<sig>: <output sig>, "value": ...}`. Signatures: pulumi/pulumi sdk/go/common/resource/sig.
 */
const SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
const OUTPUT_SIG = "d0e6a833031e9bbcd3f4e8bde6ca49a4";

/** The value itself, or undefined when it is an encrypted secret, an unknown, or not plain data. */
export function plainValue(value: unknown): unknown {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return value;
  const v = value as Record<string, unknown>;
  const sig = v[SIG_KEY];
  if (sig === undefined) return value;
  if (sig === OUTPUT_SIG) return plainValue(v.value);
  if (sig === SECRET_SIG && typeof v.plaintext === "string") {
    try {
      return plainValue(JSON.parse(v.plaintext));
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/** A non-empty string property, or undefined. */
export function textOf(props: Record<string, unknown> | undefined, name: string): string | undefined {
  const v = plainValue(props?.[name]);
  if (typeof v === "number") return String(v);
  return typeof v === "string" && v !== "" ? v : undefined;
}

/** True when the property is there but its value cannot be read (an encrypted secret). */
export function isHidden(props: Record<string, unknown> | undefined, name: string): boolean {
  return props?.[name] !== undefined && plainValue(props[name]) === undefined;
}
