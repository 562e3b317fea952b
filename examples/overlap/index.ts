// A key that other stacks (and people, and systems this stack does not manage) read: after each rotation
// the previous key keeps working for `overlapDays`, so a consumer that picks up the new key later (a stack
// reading it through a StackReference, such as ../consumer/reader, whose `pulumi up` runs the next day)
// never holds a revoked key. The first `pulumi up` after `previousRevokeAt` revokes the previous key.
import * as pulumi from "@pulumi/pulumi";
import { ApiKey } from "pulumi-qwilt-api-keys";

const config = new pulumi.Config();
const validForDays = config.getNumber("validForDays", { min: 1, max: 365 }) ?? 30;
const rotateBeforeDays = config.getNumber("rotateBeforeDays", { min: 0, max: validForDays - 1 }) ?? 7;
// Two days: readers that run nightly pick up the new key with a night to spare.
const overlapDays = config.getNumber("overlapDays", { min: 0, max: validForDays - 1 }) ?? 2;

const shared = new ApiKey("shared-reporting", {
  permission: "viewer",
  validForDays,
  rotateBeforeDays,
  overlapDays,
  description: "Reporting key read by other stacks; the previous key works for a while after each rotation",
});

/** The current key (secret): readers pick it up with `new pulumi.StackReference(...).requireOutput("key")`. */
export const key = shared.key;
export const keyId = shared.keyId;
export const expiresAt = shared.expiresAt;
export const rotateAt = shared.rotateAt;
/** While a previous key still works: its keyId, and when the first `pulumi up` after that revokes it. */
export const previousKeyId = shared.previousKeyId;
export const previousRevokeAt = shared.previousRevokeAt;
