// One viewer API key. `pulumi up` makes it, `pulumi destroy` revokes it, and the key itself
// is a secret stack output: `pulumi stack output key` shows [secret].
import { ApiKey } from "pulumi-qwilt-api-keys";

const reporting = new ApiKey("reporting", {
  permission: "viewer", // get and list endpoints only
  validForDays: 90, // rotated by the first `pulumi up` 30 days before it expires (the default)
  description: "Read-only key for the CDN reporting job",
});

/** The key itself. Secret: read it with `pulumi stack output key --show-secrets`. */
export const key = reporting.key;
/** The key's name in Qwilt: the resource name plus a random suffix, e.g. reporting-3f9a2c1. */
export const name = reporting.name;
export const keyId = reporting.keyId;
export const organization = reporting.organization;
export const expiresAt = reporting.expiresAt;
/** The first `pulumi up` after this time replaces the key. */
export const rotateAt = reporting.rotateAt;
