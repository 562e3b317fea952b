/**
 * The ApiKey resource class: the only file of sdk/ that imports Pulumi.
 */
import { relative } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import type { Permission } from "./qwilt-api";

export interface ApiKeyArgs {
  /** `viewer` (get and list endpoints) or `editor` (every endpoint). Required. */
  permission: pulumi.Input<Permission>;
  /** Validity in whole days, 1..365. Required. */
  validForDays: pulumi.Input<number>;
  /** Key name in Qwilt. Default: the resource name plus a random suffix (a replacement gets a new suffix). */
  name?: pulumi.Input<string>;
  description?: pulumi.Input<string>;
  /** Replace the key this many days before it expires. Default 30, or half of validForDays when shorter; 0 = only once expired. */
  rotateBeforeDays?: pulumi.Input<number>;
  /** Wait after create until the new key is accepted (Qwilt needs up to 5 minutes). Default true. */
  waitForActivation?: pulumi.Input<boolean>;
  /** Give up waiting for activation after this many seconds (1..3600). Default 600. */
  activationTimeoutSeconds?: pulumi.Input<number>;
  /** Revoke the key on delete or replacement. Default true; false leaves it to expire. */
  revokeOnDelete?: pulumi.Input<boolean>;
  /** Make the key in this organization (logs in with ?orgId=; needs username/password credentials). */
  orgId?: pulumi.Input<string>;
}

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

/** Outputs computed by the provider (declared so Pulumi fills them in). */
const OUTPUT_NAMES = ["keyId", "key", "organization", "createdBy", "createdAt", "expiresAt", "rotateAt"] as const;
/** Args the provider may default (`name`, `rotateBeforeDays`...): a prop must exist for its output to exist, even when not passed. */
const ARG_OUTPUT_NAMES = ["permission", "validForDays", "name", "description", "rotateBeforeDays", "waitForActivation", "activationTimeoutSeconds", "revokeOnDelete", "orgId"] as const;

/**
 * A Qwilt CDN API key. Create makes it, delete revokes it, any change to the key's own
 * arguments replaces it, and once `rotateAt` has passed the next `pulumi up` replaces it
 * (the new key is made, and active, before the old one is revoked). `key` is always secret.
 */
export class ApiKey extends pulumi.dynamic.Resource {
  declare readonly permission: pulumi.Output<Permission>;
  declare readonly validForDays: pulumi.Output<number>;
  declare readonly name: pulumi.Output<string>;
  declare readonly description: pulumi.Output<string | undefined>;
  declare readonly rotateBeforeDays: pulumi.Output<number>;
  declare readonly waitForActivation: pulumi.Output<boolean>;
  declare readonly activationTimeoutSeconds: pulumi.Output<number>;
  declare readonly revokeOnDelete: pulumi.Output<boolean>;
  declare readonly orgId: pulumi.Output<string | undefined>;
  /** Qwilt's id of the key, unique within its organization only. */
  declare readonly keyId: pulumi.Output<string>;
  /** The API key itself. Always a secret. */
  declare readonly key: pulumi.Output<string>;
  /** The organization (Qwilt ownerId) the key works in. */
  declare readonly organization: pulumi.Output<string>;
  declare readonly createdBy: pulumi.Output<string>;
  /** ISO-8601 UTC. */
  declare readonly createdAt: pulumi.Output<string>;
  /** ISO-8601 UTC: the key stops working then. */
  declare readonly expiresAt: pulumi.Output<string>;
  /** ISO-8601 UTC: the first `pulumi up` after this replaces the key. */
  declare readonly rotateAt: pulumi.Output<string>;

  constructor(name: string, args: ApiKeyArgs, opts?: pulumi.CustomResourceOptions) {
    const props: Record<string, unknown> = { ...args, __resourceName: name };
    for (const out of ARG_OUTPUT_NAMES) if (!(out in props)) props[out] = undefined;
    for (const out of OUTPUT_NAMES) props[out] = undefined;
    const secret: pulumi.CustomResourceOptions = { additionalSecretOutputs: ["key"] };
    super(resourceProvider(), name, props, pulumi.mergeOptions(opts, secret), "qwilt", "ApiKey");
  }
}
