/**
 * Validates response bodies with the zod schemas of qwilt-api.ts and maps Qwilt's field names to ours.
 * A mismatch names the field paths and what was expected, never the values: a body may hold a token.
 */
import type { z } from "zod";
import { fromApiPermission, type wireSchemas } from "../qwilt-api";
import { ResponseValidationError } from "./errors";
import type { Redactor } from "./redact";
import type { ApiKeyInfo } from "./types";

type Schemas = ReturnType<typeof wireSchemas>;
export type ParsedWireKey = z.output<Schemas["key"]>;

const MAX_ISSUES_SHOWN = 5;

export interface BodyContext {
  method: string;
  path: string;
  status: number;
  redactor: Redactor;
}

/** JSON.parse, with a ResponseValidationError (no body text) when it is not JSON. */
export function parseJsonBody(text: string, ctx: BodyContext): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new ResponseValidationError({
      method: ctx.method,
      path: ctx.path,
      status: ctx.status,
      detail: `unexpected response — the ${ctx.status} answer is not JSON (${text.length} characters)`,
    });
  }
}

export function validateBody<S extends z.ZodType>(schema: S, data: unknown, ctx: BodyContext): z.output<S> {
  const result = schema.safeParse(data);
  if (result.success) return result.data;
  const issues = result.error.issues;
  const shown = issues.slice(0, MAX_ISSUES_SHOWN).map((i) => `${formatPath(i.path)}: ${i.message}`);
  if (issues.length > MAX_ISSUES_SHOWN) shown.push(`and ${issues.length - MAX_ISSUES_SHOWN} more`);
  throw new ResponseValidationError({
    method: ctx.method,
    path: ctx.path,
    status: ctx.status,
    detail: ctx.redactor.redact(
      `unexpected response — ${shown.join("; ")} (the Qwilt API may have changed; please report this)`,
    ),
  });
}

/** `[0].keyId`, `expireAt`, `(body)` for the root. */
export function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return "(body)";
  return path.map((p, i) => (typeof p === "number" ? `[${p}]` : `${i === 0 ? "" : "."}${String(p)}`)).join("");
}

export function toApiKeyInfo(wire: ParsedWireKey): ApiKeyInfo {
  const info: ApiKeyInfo = {
    keyId: wire.keyId,
    name: wire.name,
    ttlDays: wire.ttl,
    permission: fromApiPermission(wire.permission) ?? wire.permission,
    organization: wire.ownerId,
    createdBy: wire.createdBy,
    createdAt: wire.createdAt,
    expiresAt: wire.expireAt,
  };
  if (wire.description !== undefined) info.description = wire.description;
  return info;
}
