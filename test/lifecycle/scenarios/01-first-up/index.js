// Scenario 1, first up: a viewer key, an editor key, and a CI secret that holds the editor key.
// `pulumi up` on an empty stack creates all three; the CI secret holds the editor key, as a secret.
"use strict";
const path = require("node:path");
const { ApiKey } = require("pulumi-qwilt-api-keys");
const { CiSecret } = require("./ci-secret");

const reporting = new ApiKey("reporting", {
  permission: "viewer",
  validForDays: 90,
  description: "Read-only key for the reporting job",
});
const deployer = new ApiKey("deployer", { permission: "editor", validForDays: 30, rotateBeforeDays: 7 });
new CiSecret("deployer-ci", {
  file: path.join(__dirname, "ci-secrets", "deployer.json"),
  keyId: deployer.keyId,
  key: deployer.key,
});

module.exports = { deployerKey: deployer.key, deployerKeyId: deployer.keyId, reportingKeyId: reporting.keyId };
