// Scenario 2, no change: the program of scenario 1. A second `pulumi up` finds nothing to do:
// Check and Diff only, no API write (the provider's diff needs no API call at all).
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

module.exports = { deployerKeyId: deployer.keyId, reportingKeyId: reporting.keyId };
