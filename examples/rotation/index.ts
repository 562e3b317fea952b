// A short-lived Editor key that is replaced well before it expires. Pulumi acts only when it
// runs, so a scheduled job runs `pulumi up` every night (see nightly-pulumi-up.yml): from
// `rotateAt` on, that run makes a new key, waits until Qwilt accepts it, hands it to every
// resource that uses it, and only then revokes the old one.
import * as pulumi from "@pulumi/pulumi";
import { ApiKey } from "pulumi-qwilt-api-keys";

const config = new pulumi.Config();
// A week of validity, replaced from two days before expiry: a nightly job gets two chances,
// so one failed night never lets the key run out.
const validForDays = config.getNumber("validForDays", { min: 1, max: 365 }) ?? 7;
const rotateBeforeDays = config.getNumber("rotateBeforeDays", { min: 0, max: validForDays - 1 }) ?? 2;

const deployer = new ApiKey("cdn-deployer", {
  permission: "editor",
  validForDays,
  rotateBeforeDays,
  description: "CDN configuration pipeline; replaced by the nightly pulumi up",
});

/** The current key. Secret; after a rotation it is the new key. */
export const key = deployer.key;
export const name = deployer.name;
export const expiresAt = deployer.expiresAt;
/** The nightly run on or after this time replaces the key. */
export const rotateAt = deployer.rotateAt;
