/**
 * Validation of the create body (POST /api/1/api-keys). Each violation names the field and
 * what is allowed, so a client's error message can show it to a person.
 */
import {
  API_PERMISSIONS,
  MAX_DESCRIPTION_LENGTH,
  MAX_NAME_LENGTH,
  MAX_TTL_DAYS,
  MIN_TTL_DAYS,
  type ApiPermission,
  type CreateKeyRequest,
} from "../qwilt-api";

export const VIOLATIONS = {
  name: `name must be a non-empty string of at most ${MAX_NAME_LENGTH} characters`,
  description: `description must be a string of at most ${MAX_DESCRIPTION_LENGTH} characters`,
  ttl: `ttl must be a whole number from ${MIN_TTL_DAYS} to ${MAX_TTL_DAYS}`,
  permission: `permission must be one of ${API_PERMISSIONS.join(", ")}`,
} as const;

export type Validation = { ok: true; value: CreateKeyRequest } | { ok: false; errors: string[] };

export function validateCreate(body: Record<string, unknown>): Validation {
  const errors: string[] = [];
  const { name, description, ttl, permission } = body;
  if (typeof name !== "string" || name.trim() === "" || name.length > MAX_NAME_LENGTH) errors.push(VIOLATIONS.name);
  // null is taken as "no description": clients that serialize an absent field as null are common.
  if (description !== undefined && description !== null && (typeof description !== "string" || description.length > MAX_DESCRIPTION_LENGTH)) {
    errors.push(VIOLATIONS.description);
  }
  if (typeof ttl !== "number" || !Number.isInteger(ttl) || ttl < MIN_TTL_DAYS || ttl > MAX_TTL_DAYS) errors.push(VIOLATIONS.ttl);
  if (typeof permission !== "string" || !(API_PERMISSIONS as string[]).includes(permission)) errors.push(VIOLATIONS.permission);
  if (errors.length > 0) return { ok: false, errors };
  return {
    ok: true,
    value: {
      name: name as string,
      ...(typeof description === "string" ? { description } : {}),
      ttl: ttl as number,
      permission: permission as ApiPermission,
    },
  };
}
