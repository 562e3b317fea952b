// Scenario 5, a key revoked outside Pulumi (someone revokes it in Qwilt's web UI): `pulumi up`
// alone does not notice (diff calls no API); `pulumi refresh` drops the key from the state; the
// next `pulumi up` makes a new one and hands it to the CI secret.
"use strict";
const path = require("node:path");
const { ApiKey } = require("pulumi-qwilt-api-keys");
const { CiSecret } = require("./ci-secret");

const deployer = new ApiKey("deployer", { permission: "editor", validForDays: 30 });
new CiSecret("deployer-ci", {
  file: path.join(__dirname, "ci-secrets", "deployer.json"),
  keyId: deployer.keyId,
  key: deployer.key,
});

module.exports = { deployerKeyId: deployer.keyId };
