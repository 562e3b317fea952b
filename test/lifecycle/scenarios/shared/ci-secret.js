// The consumer of an API key in the scenario programs: a "CI secret", the key written into a JSON
// file (the stand-in for a CI system's secret store) so rotation can be seen reaching it. A dynamic
// resource: Pulumi serializes its provider by value into the state. It takes the key as an input,
// a secret one, so Pulumi keeps the key secret in this resource's inputs and outputs too.
"use strict";
const pulumi = require("@pulumi/pulumi");

/** @param {{ file: string, keyId: string, key: string }} secret */
function store(secret) {
  const fs = require("node:fs");
  const path = require("node:path");
  fs.mkdirSync(path.dirname(secret.file), { recursive: true });
  fs.writeFileSync(secret.file, `${JSON.stringify({ keyId: secret.keyId, key: secret.key })}\n`, { mode: 0o600 });
}

/** @type {pulumi.dynamic.ResourceProvider} */
const provider = {
  async diff(_id, olds, news) {
    const changed = ["file", "keyId", "key"].filter((k) => olds[k] !== news[k]);
    return { changes: changed.length > 0, replaces: changed.includes("file") ? ["file"] : [] };
  },
  async create(inputs) {
    store(inputs);
    return { id: inputs.file, outs: { file: inputs.file, keyId: inputs.keyId, key: inputs.key } };
  },
  async update(_id, _olds, news) {
    store(news);
    return { outs: { file: news.file, keyId: news.keyId, key: news.key } };
  },
  async read(id, props) {
    // Gone from the store: refresh drops it and the next up writes it again.
    return require("node:fs").existsSync(props.file) ? { id, props } : {};
  },
  async delete(_id, props) {
    require("node:fs").rmSync(props.file, { force: true });
  },
};

class CiSecret extends pulumi.dynamic.Resource {
  /**
   * @param {string} name
   * @param {{ file: pulumi.Input<string>, keyId: pulumi.Input<string>, key: pulumi.Input<string> }} args
   * @param {pulumi.CustomResourceOptions} [opts]
   */
  constructor(name, args, opts) {
    super(provider, name, args, opts, "ci", "Secret");
  }
}

module.exports = { CiSecret };
