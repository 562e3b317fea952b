// Scenario 11, overlap: the deployer key rotates in place (overlapDays 2): a change of its description
// makes a new key in the same resource, and the old one stays as the previous key until previousRevokeAt.
// The CI secret follows the current key. The description and the activation timeout come from config, to
// rotate the key at will and to let the new key's activation wait run out.
"use strict";
const path = require("node:path");
const pulumi = require("@pulumi/pulumi");
const { ApiKey } = require("pulumi-qwilt-api-keys");
const { CiSecret } = require("./ci-secret");

const config = new pulumi.Config();
const deployer = new ApiKey("deployer", {
  permission: "editor",
  validForDays: 30,
  overlapDays: 2,
  description: config.get("description") ?? "Deploys the CDN configuration",
  activationTimeoutSeconds: config.getNumber("activationTimeoutSeconds") ?? 600,
});
new CiSecret("deployer-ci", {
  file: path.join(__dirname, "ci-secrets", "deployer.json"),
  keyId: deployer.keyId,
  key: deployer.key,
});

module.exports = { keyId: deployer.keyId, previousKeyId: deployer.previousKeyId, previousKey: deployer.previousKey };
