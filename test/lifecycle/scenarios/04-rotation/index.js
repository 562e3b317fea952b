// Scenario 4, rotation: the editor key is valid 30 days and rotates 7 days before expiry; the
// viewer key is valid 90 days (rotating 30 days before). Moving the clock 24 days on makes the
// editor key due: the next up replaces it, naming rotateAt; one whose expiresAt has passed is
// replaced naming expiresAt. The CI secret follows.
"use strict";
const path = require("node:path");
const { ApiKey } = require("pulumi-qwilt-api-keys");
const { CiSecret } = require("./ci-secret");

const reporting = new ApiKey("reporting", { permission: "viewer", validForDays: 90 });
const deployer = new ApiKey("deployer", { permission: "editor", validForDays: 30, rotateBeforeDays: 7 });
new CiSecret("deployer-ci", {
  file: path.join(__dirname, "ci-secrets", "deployer.json"),
  keyId: deployer.keyId,
  key: deployer.key,
});

module.exports = { deployerRotateAt: deployer.rotateAt, reportingRotateAt: reporting.rotateAt };
