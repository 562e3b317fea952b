// Scenario 10, many independent keys: the engine runs their steps in parallel, so the creates, the
// activation waits, the refresh's reads and the destroy's revokes overlap. With username/password
// the keys share one login; a refresh reads them from one list of the organization's keys; in an
// organization that wants unique names, the auto-names never collide.
"use strict";
const pulumi = require("@pulumi/pulumi");
const { ApiKey } = require("pulumi-qwilt-api-keys");

const count = new pulumi.Config().getNumber("count") ?? 6;
const keys = Array.from(
  { length: count },
  (_, i) => new ApiKey(`svc-${i}`, { permission: i % 2 ? "editor" : "viewer", validForDays: 30 }),
);

module.exports = { keyIds: keys.map((k) => k.keyId) };
