// Keys in two Qwilt organizations from one stack: a monitoring tool that reads both
// production and staging gets a viewer key in each.
//
// An API key works only in the organization it was made in, so keys with `orgId` are made by
// logging in with a username and password (qwilt:username / qwilt:password, or
// QWILT_USERNAME / QWILT_PASSWORD); the user must belong to both organizations.
import * as pulumi from "@pulumi/pulumi";
import { ApiKey } from "pulumi-qwilt-api-keys";

const config = new pulumi.Config();
const organizations = {
  production: config.require("productionOrgId"),
  staging: config.require("stagingOrgId"),
};

const keys = Object.entries(organizations).map(
  ([env, orgId]) =>
    [
      env,
      new ApiKey(`monitoring-${env}`, {
        permission: "viewer",
        validForDays: 180,
        orgId, // made in this organization; changing it replaces the key
        description: `Monitoring reads the ${env} organization`,
      }),
    ] as const,
);

/** One secret key per organization. */
export const monitoringKeys = Object.fromEntries(keys.map(([env, k]) => [env, k.key]));
/** Where each key works (Qwilt's ownerId) and when it expires. */
export const monitoringKeyInfo = Object.fromEntries(
  keys.map(([env, k]) => [env, { organization: k.organization, keyId: k.keyId, expiresAt: k.expiresAt }]),
);
