// The policy pack of pulumi-qwilt-api-keys, ready to run where the package is installed:
//   pulumi preview --policy-pack node_modules/pulumi-qwilt-api-keys/policy-pack
// The Pulumi CLI installs nothing for a local pack: it starts Node.js in this folder, so every
// `require` here resolves from the project's node_modules, which must hold @pulumi/policy
// (npm install --save-dev @pulumi/policy). @pulumi/policy reads the pack's version from the
// package.json in the working directory, this folder's. Every policy is mandatory unless its
// config says otherwise (--policy-pack-config, or a Pulumi Cloud policy group).
"use strict";
const { PolicyPack } = require("@pulumi/policy");
const { apiKeyPolicies } = require("pulumi-qwilt-api-keys/policy");

new PolicyPack("qwilt-api-keys", {
  description:
    "Rules for Qwilt CDN API keys declared with pulumi-qwilt-api-keys: validity, rotation window, permissions, revocation.",
  enforcementLevel: "mandatory",
  policies: apiKeyPolicies(),
});
