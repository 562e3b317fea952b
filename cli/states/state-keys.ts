/**
 * The keys a stack's state manages, and the work it left unfinished, read from its ApiKey resources:
 * each resource's key (`keyId`, `name`, `organization`, ...), its previous key while an overlap lasts
 * (`previousKeyId`, ...), replaced resources still waiting to be revoked (`delete: true`) and pending
 * operations (an interrupted `pulumi up`). No secret is read: none is needed.
 */
import type { Deployment, StateResource } from "./deployment";
import { isHidden, textOf } from "./property-value";

/** The type token of `new ApiKey(...)` (a dynamic resource of module "qwilt"). */
export const API_KEY_TYPE = "pulumi-nodejs:dynamic/qwilt:ApiKey";

export interface StateKey {
  /** `<project>/<stack>`, or `<org>/<project>/<stack>` when the source knows the Pulumi organization. */
  stack: string;
  urn: string;
  /**
   * `current`: the key the resource holds; `previous`: its previous key, kept for an overlap; `replaced`: a key
   * of a resource marked for deletion (`delete: true`), its current or its previous one: the next `pulumi up`
   * revokes both.
   */
  role: "current" | "previous" | "replaced";
  /** A previous key (`previousKeyId`), of a live resource or of a replaced one. */
  previous?: true;
  organization?: string;
  keyId?: string;
  name?: string;
  expiresAt?: string;
  /** current keys: when the next `pulumi up` rotates the key. */
  rotateAt?: string;
  /** previous keys: when the next `pulumi up` revokes it. */
  revokeAt?: string;
}

/** A resource an interrupted `pulumi up` was working on: what it names (a pending create knows only the name). */
export interface PendingKey {
  stack: string;
  urn: string;
  /** The engine's operation: `creating`, `updating`, `deleting`, ... */
  operation: string;
  name?: string;
  organization?: string;
  keyId?: string;
}

export interface StackKeys {
  /** The stack as its source names it. */
  stack: string;
  keys: StateKey[];
  pending: PendingKey[];
  /** URNs of ApiKeys whose keyId, name or organization is a secret: they cannot be matched. */
  unreadable: string[];
}

/** `urn:pulumi:<stack>::<project>::<type>::<name>` → `<project>/<stack>` (prefixed with the Pulumi organization when known). */
export function stackOfUrn(urn: string, pulumiOrg?: string): string {
  const [stack = "", project = ""] = urn.replace(/^urn:pulumi:/, "").split("::");
  return [pulumiOrg, project, stack].filter(Boolean).join("/");
}

export function stackKeys(stack: string, deployment: Deployment, pulumiOrg?: string): StackKeys {
  const keys: StateKey[] = [];
  const unreadable: string[] = [];
  for (const r of deployment.resources) {
    if (r.type !== API_KEY_TYPE) continue;
    const out = r.outputs;
    if (["keyId", "name", "organization"].some((f) => isHidden(out, f))) {
      unreadable.push(r.urn);
      continue;
    }
    const stack = stackOfUrn(r.urn, pulumiOrg);
    const organization = textOf(out, "organization");
    keys.push(
      defined({
        stack,
        urn: r.urn,
        role: r.delete ? "replaced" : "current",
        organization,
        keyId: textOf(out, "keyId"),
        name: textOf(out, "name"),
        expiresAt: textOf(out, "expiresAt"),
        rotateAt: textOf(out, "rotateAt"),
      }),
    );
    const previousKeyId = textOf(out, "previousKeyId");
    if (previousKeyId !== undefined) {
      keys.push(
        defined({
          stack,
          urn: r.urn,
          role: r.delete ? "replaced" : "previous",
          previous: true,
          organization,
          keyId: previousKeyId,
          name: textOf(out, "previousName"),
          expiresAt: textOf(out, "previousExpiresAt"),
          revokeAt: textOf(out, "previousRevokeAt"),
        }),
      );
    }
  }
  const pending = deployment.pendingOperations
    .filter((op) => op.resource.type === API_KEY_TYPE)
    .map((op) => pendingKey(op.type, op.resource, pulumiOrg));
  return { stack, keys, pending, unreadable };
}

function pendingKey(operation: string, r: StateResource, pulumiOrg?: string): PendingKey {
  return {
    stack: stackOfUrn(r.urn, pulumiOrg),
    urn: r.urn,
    operation,
    // A pending create has only its checked inputs (the auto-name is drawn at check); later operations have outputs too.
    ...defined({
      name: textOf(r.outputs, "name") ?? textOf(r.inputs, "name"),
      organization: textOf(r.outputs, "organization") ?? textOf(r.inputs, "orgId"),
      keyId: textOf(r.outputs, "keyId"),
    }),
  };
}

/** `o` without its undefined properties (deleted in place: thousands of keys pass here). */
function defined<T extends object>(o: T): T {
  for (const k in o) if (o[k] === undefined) delete o[k];
  return o;
}
