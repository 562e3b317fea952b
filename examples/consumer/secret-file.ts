// A small dynamic resource standing in for whatever consumes the key in your stack (a CI
// secret, a Kubernetes Secret, a vault entry): it writes a secret to a local file with mode
// 0600 and rewrites it whenever the secret changes. Its state holds the file's SHA-256, never
// the secret itself.
import * as pulumi from "@pulumi/pulumi";

export interface SecretFileArgs {
  /** Where to write, relative to the Pulumi project directory. */
  path: pulumi.Input<string>;
  /** The text to write. Pass a secret Output: it stays encrypted in the state. */
  content: pulumi.Input<string>;
}

interface Inputs {
  path: string;
  content: string;
}

// Every method `require`s what it uses: Pulumi serializes this object into the state, and a
// captured module would be serialized with it.
const secretFileProvider: pulumi.dynamic.ResourceProvider = {
  async create(inputs: Inputs) {
    return { id: inputs.path, outs: writeSecretFile(inputs) };
  },
  async diff(_id: string, olds: { path: string; sha256: string }, news: Inputs) {
    const replaces = olds.path !== news.path ? ["path"] : [];
    const changed = replaces.length > 0 || olds.sha256 !== sha256Of(news.content);
    return { changes: changed, replaces, deleteBeforeReplace: false };
  },
  async update(_id: string, _olds: unknown, news: Inputs) {
    return { outs: writeSecretFile(news) };
  },
  async delete(_id: string, props: { path: string }) {
    require("node:fs").rmSync(props.path, { force: true });
  },
};

function sha256Of(text: string): string {
  return require("node:crypto").createHash("sha256").update(text).digest("hex");
}

function writeSecretFile({ path, content }: Inputs): { path: string; sha256: string } {
  const fs = require("node:fs");
  // Write beside the file, then rename: a reader never sees half a key.
  const temp = `${path}.${process.pid}.tmp`;
  fs.writeFileSync(temp, `${content}\n`, { mode: 0o600 });
  fs.renameSync(temp, path);
  return { path, sha256: sha256Of(content) };
}

export class SecretFile extends pulumi.dynamic.Resource {
  declare readonly path: pulumi.Output<string>;
  declare readonly sha256: pulumi.Output<string>;

  constructor(name: string, args: SecretFileArgs, opts?: pulumi.CustomResourceOptions) {
    super(secretFileProvider, name, { ...args, sha256: undefined }, opts, "example", "SecretFile");
  }
}
