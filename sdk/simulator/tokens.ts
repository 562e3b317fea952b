/**
 * Keys and login tokens shaped like Qwilt's: JWTs (RS256 header). The payload has no `exp`,
 * because whether Qwilt's carry one is unknown and clients must not rely on it. The
 * "signature" is random bytes: nothing verifies it, and it makes tokens unguessable.
 */
import { randomBytes } from "node:crypto";

const b64url = (s: string): string => Buffer.from(s, "utf8").toString("base64url");

export function makeJwt(payload: Record<string, unknown>): string {
  const header = b64url(JSON.stringify({ alg: "RS256", typ: "JWT" }));
  const body = b64url(JSON.stringify({ ...payload, jti: randomBytes(16).toString("hex") }));
  return `${header}.${body}.${randomBytes(64).toString("base64url")}`;
}

/** A readable password for generated users (not a secret anyone relies on: it is a local simulator). */
export function generatePassword(): string {
  return randomBytes(12).toString("base64url");
}
