// Scenario 3, replacement: `permission` and `validForDays` come from stack config; changing either
// replaces the key. The new key is made (and active) and handed to the CI secret before the old one
// is revoked. The "ops" key has a fixed name in an organization that wants unique key names, so it
// can only be replaced delete-first: it sets deleteBeforeReplace.
"use strict";
const path = require("node:path");
const pulumi = require("@pulumi/pulumi");
const { ApiKey } = require("pulumi-qwilt-api-keys");
const { CiSecret } = require("./ci-secret");

const config = new pulumi.Config();
const ops = new ApiKey(
  "ops",
  { name: "ops-pipeline", permission: "viewer", validForDays: config.getNumber("opsValidForDays") ?? 30 },
  { deleteBeforeReplace: true },
);

const deployer = new ApiKey("deployer", {
  permission: config.get("permission") ?? "editor",
  validForDays: config.getNumber("validForDays") ?? 30,
});
new CiSecret("deployer-ci", {
  file: path.join(__dirname, "ci-secrets", "deployer.json"),
  keyId: deployer.keyId,
  key: deployer.key,
});

module.exports = { deployerKeyId: deployer.keyId, opsKeyId: ops.keyId };
