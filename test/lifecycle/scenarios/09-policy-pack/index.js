// Scenario 9, a policy pack: the stack runs with the package's own pack (`--policy-pack
// node_modules/pulumi-qwilt-api-keys/policy-pack`). The deployer key's validity comes from stack
// config (365 days unless set), which the pack's max-validity rule (90 days) refuses; the reporting
// key keeps every rule, and the CI secret is of another type, which the pack leaves alone.
"use strict";
const path = require("node:path");
const pulumi = require("@pulumi/pulumi");
const { ApiKey } = require("pulumi-qwilt-api-keys");
const { CiSecret } = require("./ci-secret");

const config = new pulumi.Config();
const deployer = new ApiKey("deployer", {
  permission: "editor",
  validForDays: config.getNumber("validForDays") ?? 365,
  description: "Deploys CDN configuration from CI",
});
// After the deployer (as in a real up, where a failed step stops every step not yet started): so
// a violation of the deployer's stops the up before any key is made.
const reporting = new ApiKey("reporting", { permission: "viewer", validForDays: 90 }, { dependsOn: [deployer] });
new CiSecret("deployer-ci", {
  file: path.join(__dirname, "ci-secrets", "deployer.json"),
  keyId: deployer.keyId,
  key: deployer.key,
});

module.exports = { deployerKeyId: deployer.keyId, reportingKeyId: reporting.keyId };
