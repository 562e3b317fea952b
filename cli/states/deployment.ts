/**
 * The parts of a Pulumi state that say which keys a stack manages, from either shape a state comes in:
 * `pulumi stack export` (and the Pulumi Cloud export API) `{"version": 3, "deployment": {...}}`, or a DIY
 * backend checkpoint `{"version": 3, "checkpoint": {"stack": ..., "latest": {...}}}`. Version 4 is the
 * same deployment with feature flags, which newer engines write when a stack uses such a feature
 * (pulumi/pulumi sdk/go/common/apitype/core.go); both are read. Anything else is refused, not guessed at.
 */
export interface StateResource {
  urn: string;
  type: string;
  id?: string;
  /** Replaced, waiting to be deleted by the next `pulumi up`. */
  delete?: boolean;
  inputs?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
}

/** An operation the engine had begun and not finished when it stopped (`creating`, `updating`, `deleting`, ...). */
export interface PendingOperation {
  type: string;
  resource: StateResource;
}

export interface Deployment {
  resources: StateResource[];
  pendingOperations: PendingOperation[];
}

/** The state is not one qwilt-keys can read; `reason` says why, for a person. */
export class StateFormatError extends Error {
  override readonly name = "StateFormatError";
}

const VERSIONS = [3, 4];

export function deploymentOf(json: unknown): Deployment {
  if (json === null || typeof json !== "object" || Array.isArray(json)) {
    throw new StateFormatError(
      "is not a Pulumi state: expected a JSON object from `pulumi stack export` or a DIY backend checkpoint",
    );
  }
  const top = json as Record<string, unknown>;
  const body = top.deployment ?? top.checkpoint;
  if (body === undefined) {
    throw new StateFormatError(
      'is not a Pulumi state: it has neither "deployment" (`pulumi stack export`) nor "checkpoint" (a DIY backend file)',
    );
  }
  if (typeof top.version !== "number" || !VERSIONS.includes(top.version)) {
    throw new StateFormatError(
      `is a state of version ${JSON.stringify(top.version)}; qwilt-keys reads versions 3 and 4 (Pulumi 3.x): export it again with a current Pulumi CLI`,
    );
  }
  if (body === null || typeof body !== "object")
    throw new StateFormatError(
      `has a "${top.deployment !== undefined ? "deployment" : "checkpoint"}" that is not an object`,
    );
  // A checkpoint's deployment is its `latest` (absent for a stack that was never deployed).
  const deployment = (top.deployment !== undefined ? body : (body as Record<string, unknown>).latest) as
    | Record<string, unknown>
    | undefined
    | null;
  if (deployment === undefined || deployment === null) return { resources: [], pendingOperations: [] };
  if (typeof deployment !== "object") throw new StateFormatError('has a "latest" deployment that is not an object');
  return {
    resources: listOf(deployment.resources, "resources")
      .map(resourceOf)
      .filter((r) => r !== undefined),
    pendingOperations: listOf(deployment.pending_operations, "pending_operations")
      .map((op) => {
        const o = op as Record<string, unknown> | null;
        const resource = resourceOf(o?.resource);
        return resource && typeof o?.type === "string" ? { type: o.type, resource } : undefined;
      })
      .filter((op) => op !== undefined),
  };
}

function listOf(value: unknown, field: string): unknown[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new StateFormatError(`has "${field}" that is not a list`);
  return value;
}

/** A resource entry, or undefined when it lacks what every entry has (a URN and a type). */
function resourceOf(value: unknown): StateResource | undefined {
  if (value === null || typeof value !== "object") return undefined;
  const r = value as Record<string, unknown>;
  if (typeof r.urn !== "string" || typeof r.type !== "string") return undefined;
  const props = (p: unknown) =>
    p !== null && typeof p === "object" && !Array.isArray(p) ? (p as Record<string, unknown>) : undefined;
  return {
    urn: r.urn,
    type: r.type,
    ...(typeof r.id === "string" ? { id: r.id } : {}),
    ...(r.delete === true ? { delete: true } : {}),
    ...(props(r.inputs) ? { inputs: props(r.inputs) } : {}),
    ...(props(r.outputs) ? { outputs: props(r.outputs) } : {}),
  };
}
