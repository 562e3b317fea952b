/**
 * Validation of the create body (POST /api/1/api-keys). Each violation names the field and
 * what is allowed, so a client's error message can show it to a person.
 */
import { isOneOf, isText, isWholeNumber, violations, violationText, type FieldRule } from "../field-rules";
import {
  API_PERMISSIONS,
  MAX_DESCRIPTION_LENGTH,
  MAX_NAME_LENGTH,
  MAX_TTL_DAYS,
  MIN_TTL_DAYS,
  type ApiPermission,
  type CreateKeyRequest,
} from "../qwilt-api";

const RULES: readonly FieldRule[] = [
  {
    field: "name",
    allowed: `a non-empty string of at most ${MAX_NAME_LENGTH} characters`,
    valid: isText(MAX_NAME_LENGTH),
  },
  {
    field: "description",
    allowed: `a string of at most ${MAX_DESCRIPTION_LENGTH} characters`,
    // null is taken as "no description": clients that serialize an absent field as null are common.
    valid: (v) => v === null || (typeof v === "string" && v.length <= MAX_DESCRIPTION_LENGTH),
  },
  {
    field: "ttl",
    allowed: `a whole number from ${MIN_TTL_DAYS} to ${MAX_TTL_DAYS}`,
    valid: isWholeNumber(MIN_TTL_DAYS, MAX_TTL_DAYS),
  },
  { field: "permission", allowed: `one of ${API_PERMISSIONS.join(", ")}`, valid: isOneOf(API_PERMISSIONS) },
];
const REQUIRED = ["name", "ttl", "permission"];

export type Validation = { ok: true; value: CreateKeyRequest } | { ok: false; errors: string[] };

export function validateCreate(body: Record<string, unknown>): Validation {
  const errors = violations(RULES, body, REQUIRED).map(violationText);
  if (errors.length > 0) return { ok: false, errors };
  const { name, description, ttl, permission } = body;
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
