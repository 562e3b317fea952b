// Scenario 8, a failed create: Qwilt refuses the key (403), so `pulumi up` fails; nothing is left
// half-made, in the state or in Qwilt, and the CI secret is never written. The next up makes both.
// With a short activation timeout, a key that Qwilt made but that is not active yet is kept in the
// state (created, not initialised), and the next up finishes it with an update. And when a run
// fails after a replacement key was made (the CI secret cannot be written), the old key stays in
// the state marked for deletion, and the next up revokes it at its end, once the CI secret has the new key. A program that throws before
// declaring the CI secret fails the up, and deletes nothing.
"use strict";
const path = require("node:path");
const pulumi = require("@pulumi/pulumi");
const { ApiKey } = require("pulumi-qwilt-api-keys");
const { CiSecret } = require("./ci-secret");

const config = new pulumi.Config();
const deployer = new ApiKey("deployer", {
  permission: "editor",
  validForDays: config.getNumber("validForDays") ?? 30,
  activationTimeoutSeconds: config.getNumber("activationTimeoutSeconds") ?? 600,
});
// A program that fails half-way must not be taken to mean "delete what comes after".
if (config.getBoolean("failHalfWay")) throw new Error("the program stopped half-way");
new CiSecret("deployer-ci", {
  file: path.join(__dirname, "ci-secrets", "deployer.json"),
  keyId: deployer.keyId,
  key: deployer.key,
});

module.exports = { deployerKeyId: deployer.keyId };
