/**
 * The ApiKey resource class: the only file of sdk/ that imports Pulumi.
 */
import { relative } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import {
  ARG_NAMES,
  COMPUTED_NAMES,
  SECRET_OUTPUTS,
  type ApiKeyArgValues,
  type ApiKeyComputed,
  type CheckedArgs,
} from "./api-key-args";

/** The ApiKey's arguments: each a Pulumi input of the value described in sdk/api-key-args.ts. */
export type ApiKeyArgs = { [K in keyof ApiKeyArgValues]: pulumi.Input<ApiKeyArgValues[K]> };

/** Every output: the arguments (with the defaults check filled in) and what the provider computed. */
type ApiKeyOutputs = {
  readonly [K in keyof (CheckedArgs & ApiKeyComputed) as K extends "__defaults" ? never : K]-?: pulumi.Output<
    (CheckedArgs & ApiKeyComputed)[K]
  >;
};

/** The provider's entry points, by a path the package exports as is (so the `require` Pulumi writes into state always resolves). */
const ENTRY_POINTS = "pulumi-qwilt-api-keys/dist/provider/entry-points.js";

/** Fallback entry points: each `require`s the provider by package name, so the serialized text captures nothing (about 2 KB). */
const stubs: pulumi.dynamic.ResourceProvider = {
  configure: (...a) => require("pulumi-qwilt-api-keys/provider").configure(...a),
  check: (...a) => require("pulumi-qwilt-api-keys/provider").check(...a),
  diff: (...a) => require("pulumi-qwilt-api-keys/provider").diff(...a),
  create: (...a) => require("pulumi-qwilt-api-keys/provider").create(...a),
  read: (...a) => require("pulumi-qwilt-api-keys/provider").read(...a),
  update: (...a) => require("pulumi-qwilt-api-keys/provider").update(...a),
  delete: (...a) => require("pulumi-qwilt-api-keys/provider").delete(...a),
};

let chosen: pulumi.dynamic.ResourceProvider | undefined;

/**
 * The provider object Pulumi serializes into every key's state. Installed the usual way, that is the
 * entry-points module itself, which Pulumi's serializer writes as one `require` of it (under 300 bytes,
 * and less protobuf on every call). The serializer names a module by the path after the first
 * `node_modules` relative to the working directory; where that is not this package (npm link, a pnpm
 * store, this repository), it would copy the module by value instead, so there the stubs serve.
 */
function resourceProvider(): pulumi.dynamic.ResourceProvider {
  if (chosen) return chosen;
  const parts = relative(process.cwd(), require.resolve(ENTRY_POINTS)).split(/[\\/]/);
  const at = parts.indexOf("node_modules");
  const named = at >= 0 && parts[at + 1] === "pulumi-qwilt-api-keys";
  return (chosen = named ? require(ENTRY_POINTS) : stubs);
}

/**
 * A Qwilt CDN API key. Create makes it, delete revokes it, any change to the key's own
 * arguments replaces it, and once `rotateAt` has passed the next `pulumi up` replaces it
 * (the new key is made, and active, before the old one is revoked). `key` is always secret.
 */
// Declares the outputs on the class from the table (Pulumi fills them in; the class never sets them).
export interface ApiKey extends ApiKeyOutputs {}
// biome-ignore lint/suspicious/noUnsafeDeclarationMerging: the interface above only declares the outputs Pulumi assigns
export class ApiKey extends pulumi.dynamic.Resource {
  constructor(name: string, args: ApiKeyArgs, opts?: pulumi.CustomResourceOptions) {
    const props: Record<string, unknown> = { ...args, __resourceName: name };
    // A prop must exist for its output to exist, even for an arg not passed (check may default it).
    for (const arg of ARG_NAMES) if (!(arg in props)) props[arg] = undefined;
    for (const out of COMPUTED_NAMES) props[out] = undefined;
    const secret: pulumi.CustomResourceOptions = { additionalSecretOutputs: [...SECRET_OUTPUTS] };
    super(resourceProvider(), name, props, pulumi.mergeOptions(opts, secret), "qwilt", "ApiKey");
  }
}
