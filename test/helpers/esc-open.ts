/**
 * Opens a Pulumi ESC environment definition as ESC would, as far as examples/esc uses the
 * language: `${a.b.c}` references (a whole-string reference keeps the value's type and secrecy; one
 * inside a longer string makes a string, secret if any part is) and `fn::open::pulumi-stacks`,
 * answered with stack outputs the caller gives. Anything else fails loudly, so the example cannot
 * grow a construct this does not check. Values are in the harness's wire form (secrets marked), the
 * form stack outputs have in a harness state.
 */
import { createRequire } from "node:module";
import { isSecret, reveal, secret } from "../lifecycle/harness/wire.js";

// js-yaml is a dependency of @pulumi/pulumi; the YAML the Pulumi CLI reads goes through it too.
const yaml = createRequire(require.resolve("@pulumi/pulumi"))("js-yaml") as { load(text: string): unknown };

export type Outputs = Record<string, unknown>;

/** The definition, parsed. */
export function parseEnvironment(text: string): { values: Record<string, unknown>; imports?: unknown } {
  const doc = yaml.load(text) as { values?: Record<string, unknown>; imports?: unknown } | null;
  if (!doc || typeof doc.values !== "object") throw new Error("an ESC environment definition needs a `values` mapping");
  return { ...doc, values: doc.values };
}

/** Every `stack` that `fn::open::pulumi-stacks` opens in the definition, by its name there. */
export function openedStacks(values: unknown): Record<string, string> {
  const found: Record<string, string> = {};
  const walk = (node: unknown) => {
    if (!node || typeof node !== "object") return;
    const open = (node as Record<string, any>)["fn::open::pulumi-stacks"];
    if (open)
      for (const [name, s] of Object.entries(open.stacks as Record<string, { stack: string }>)) found[name] = s.stack;
    Object.values(node).forEach(walk);
  };
  walk(values);
  return found;
}

/**
 * The environment's values once opened: `stacks` maps "<project>/<stack>" to that stack's outputs
 * (wire form); the result keeps their secrets marked.
 */
export function openEnvironment(text: string, stacks: Record<string, Outputs>): Record<string, unknown> {
  const { values } = parseEnvironment(text);
  const isMapping = (node: unknown): node is Record<string, unknown> =>
    !!node && typeof node === "object" && !Array.isArray(node);
  const isFunction = (node: Record<string, unknown>) => Object.keys(node).some((k) => k.startsWith("fn::"));

  // A path walks the definition while it can, then the value it reached (opened outputs, say).
  const lookup = (path: string): unknown => {
    if (!/^[A-Za-z_][\w-]*(\.[A-Za-z_][\w-]*)*$/.test(path))
      throw new Error(`\${${path}}: only dotted property paths are modelled`);
    let node: unknown = values;
    let inDefinition = true;
    let secretOnTheWay = false;
    for (const part of path.split(".")) {
      if (inDefinition && !(isMapping(node) && !isFunction(node))) {
        node = evaluate(node);
        inDefinition = false;
      }
      if (!inDefinition && isSecret(node)) {
        secretOnTheWay = true;
        node = node.value;
      }
      if (!isMapping(node) || !(part in node)) throw new Error(`\${${path}}: no property ${part}`);
      node = node[part];
    }
    const value = inDefinition ? evaluate(node) : node;
    return secretOnTheWay ? secret(value) : value;
  };

  const interpolate = (text: string): unknown => {
    const whole = /^\$\{([^}]+)\}$/.exec(text);
    if (whole) return lookup(whole[1]!);
    let anySecret = false;
    const out = text.replace(/\$\{([^}]+)\}/g, (_, path: string) => {
      const v = lookup(path);
      if (isSecret(v)) anySecret = true;
      return String(reveal(v));
    });
    return anySecret ? secret(out) : out;
  };

  function evaluate(node: unknown): unknown {
    if (typeof node === "string") return interpolate(node);
    if (Array.isArray(node)) return node.map(evaluate);
    if (!isMapping(node)) return node;
    const fn = Object.keys(node).find((k) => k.startsWith("fn::"));
    if (fn === "fn::open::pulumi-stacks") {
      const opened = (node[fn] as { stacks: Record<string, { stack: string }> }).stacks;
      return Object.fromEntries(
        Object.entries(opened).map(([name, s]) => {
          if (!stacks[s.stack])
            throw new Error(
              `fn::open::pulumi-stacks: stack ${s.stack} is not given (known: ${Object.keys(stacks).join(", ")})`,
            );
          return [name, stacks[s.stack]];
        }),
      );
    }
    if (fn) throw new Error(`${fn}: not modelled`);
    return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, evaluate(v)]));
  }

  return evaluate(values) as Record<string, unknown>;
}
