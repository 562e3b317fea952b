// Scenario 7, destroy: two keys and the CI secret holding one. `pulumi destroy` deletes the CI
// secret, then revokes both keys; a second destroy has nothing to do, and a destroy replayed from
// the state before the first (a destroy that stopped before saving) finds the keys gone and
// revokes nothing.
"use strict";
const path = require("node:path");
const { ApiKey } = require("pulumi-qwilt-api-keys");
const { CiSecret } = require("./ci-secret");

const reporting = new ApiKey("reporting", { permission: "viewer", validForDays: 90 });
const deployer = new ApiKey("deployer", { permission: "editor", validForDays: 30 });
new CiSecret("deployer-ci", {
  file: path.join(__dirname, "ci-secrets", "deployer.json"),
  keyId: deployer.keyId,
  key: deployer.key,
});

module.exports = { deployerKeyId: deployer.keyId, reportingKeyId: reporting.keyId };
