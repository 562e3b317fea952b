/**
 * Turns an error response body into one short line for the error message. Qwilt's error format is
 * undocumented, so this reads the common JSON fields and otherwise shows the text itself, redacted
 * first and then shortened (so a cut can never leave half a secret behind).
 */
import type { Redactor } from "./redact";

export const MAX_API_MESSAGE_LENGTH = 300;

const MESSAGE_FIELDS = ["message", "error", "detail", "error_description", "errorMessage", "title", "description"];

export function extractApiMessage(body: string, redactor: Redactor): string | undefined {
  const text = body.trim();
  if (!text) return undefined;
  let found: string | undefined;
  try {
    found = pickMessage(JSON.parse(text));
  } catch {
    // Not JSON: an HTML error page shows its text, not its markup.
    found = /^</.test(text) ? text.replace(/<(script|style)[\s\S]*?<\/\1>/gi, " ").replace(/<[^>]*>/g, " ") : text;
  }
  const line = redactor.redact((found ?? text).replace(/\s+/g, " ").trim());
  if (!line) return undefined;
  return line.length > MAX_API_MESSAGE_LENGTH ? `${line.slice(0, MAX_API_MESSAGE_LENGTH - 1)}…` : line;
}

function pickMessage(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (!value || typeof value !== "object" || Array.isArray(value)) return undefined;
  const record = value as Record<string, unknown>;
  for (const field of MESSAGE_FIELDS) {
    const v = record[field];
    if (typeof v === "string" && v.trim()) return v;
    // `{ "error": { "message": "..." } }`
    if (v && typeof v === "object" && !Array.isArray(v)) {
      const nested = pickMessage(v);
      if (nested) return nested;
    }
  }
  return undefined;
}
