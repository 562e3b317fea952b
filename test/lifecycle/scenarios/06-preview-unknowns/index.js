// Scenario 6, preview with unknown inputs: the key's validity and description come from another
// resource, a key policy. In a preview of a new stack the policy does not exist yet, so the key's
// inputs are unknown when it is checked; after the policy changes, they are unknown when it is
// diffed. Preview must not fail and must not call the API.
"use strict";
const path = require("node:path");
const pulumi = require("@pulumi/pulumi");
const { ApiKey } = require("pulumi-qwilt-api-keys");
const { CiSecret } = require("./ci-secret");

/** @param {{ team: string, validForDays: number }} p */
const policyOf = (p) => ({
  team: p.team,
  validForDays: p.validForDays,
  description: `Deploy key of team ${p.team}, valid ${p.validForDays} days`,
});

/** @type {pulumi.dynamic.ResourceProvider} */
const policyProvider = {
  async create(inputs) {
    return { id: inputs.team, outs: policyOf(inputs) };
  },
  async diff(_id, olds, news) {
    return { changes: olds.team !== news.team || olds.validForDays !== news.validForDays };
  },
  async update(_id, _olds, news) {
    return { outs: policyOf(news) };
  },
};

class KeyPolicy extends pulumi.dynamic.Resource {
  /** @param {string} name @param {{ team: string, validForDays: number }} args */
  constructor(name, args) {
    super(policyProvider, name, { ...args, description: undefined }, {}, "policy", "KeyPolicy");
  }
}

const config = new pulumi.Config();
const policy = new KeyPolicy("platform", { team: "platform", validForDays: config.getNumber("validForDays") ?? 30 });
const deployer = new ApiKey("deployer", {
  permission: "editor",
  validForDays: policy.validForDays,
  description: policy.description,
});
new CiSecret("deployer-ci", {
  file: path.join(__dirname, "ci-secrets", "deployer.json"),
  keyId: deployer.keyId,
  key: deployer.key,
});

module.exports = { deployerKeyId: deployer.keyId, deployerDescription: deployer.description };
