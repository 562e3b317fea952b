// The live acceptance suite's program (test/live/lifecycle.test.ts): viewer keys valid one day, named
// (auto-named, from the resource name) with the run's prefix `pqak-live-<run id>-`, each description
// saying what made it. Stack config drives the lifecycle: `rotation` is part of the description, so
// changing it replaces the key (a rotation by replacement: no clock to move against a real API);
// `lingering` adds a key with revokeOnDelete: false, which removing it from the program leaves live.
"use strict";
const pulumi = require("@pulumi/pulumi");
const { ApiKey } = require("pulumi-qwilt-api-keys");

const config = new pulumi.Config();
const prefix = config.require("namePrefix");
const about = `made by the live acceptance suite of pulumi-qwilt-api-keys (npm run test:live), run ${config.require("runId")}; revoked when the run ends, expires within a day`;

const main = new ApiKey(`${prefix}main`, {
  permission: "viewer",
  validForDays: 1,
  description: `${about}; rotation ${config.require("rotation")}`,
});

/** @type {Record<string, unknown>} */
const outputs = { mainKeyId: main.keyId, mainName: main.name, mainKey: main.key };
if (config.getBoolean("lingering")) {
  const lingering = new ApiKey(`${prefix}lingering`, {
    permission: "viewer",
    validForDays: 1,
    description: `${about}; revokeOnDelete: false`,
    revokeOnDelete: false,
  });
  outputs.lingeringKeyId = lingering.keyId;
}
module.exports = outputs;
