// The demo program: a viewer key and an editor key. The keys are secret stack outputs; the
// metadata is plain. `npm run demo` runs it against the bundled simulator.
"use strict";
const pulumi = require("@pulumi/pulumi");
const { ApiKey } = require("pulumi-qwilt-api-keys");

const viewer = new ApiKey("reporting", {
  permission: "viewer",
  validForDays: 90,
  description: "Read-only key for the reporting job",
});

const editor = new ApiKey("deployer", {
  permission: "editor",
  validForDays: 30,
  rotateBeforeDays: 7,
  description: "Key for the CDN configuration pipeline",
});

module.exports = {
  viewerKey: viewer.key, // secret: shown as [secret]
  editorKey: editor.key,
  viewer: pulumi
    .all([viewer.name, viewer.keyId, viewer.expiresAt, viewer.rotateAt])
    .apply(([name, keyId, expiresAt, rotateAt]) => ({ name, keyId, expiresAt, rotateAt })),
  editor: pulumi
    .all([editor.name, editor.keyId, editor.expiresAt, editor.rotateAt])
    .apply(([name, keyId, expiresAt, rotateAt]) => ({ name, keyId, expiresAt, rotateAt })),
};
