// @ts-check
/**
 * A harness stack's state in the shapes Pulumi itself writes (pulumi/pulumi sdk/go/common/apitype/core.go):
 * `pulumi stack export` output `{"version": 3, "deployment": DeploymentV3}`, and a DIY backend's checkpoint
 * `{"version": 3, "checkpoint": {"stack", "latest": DeploymentV3}}` at `.pulumi/stacks/<project>/<stack>.json`
 * (or `.json.gz`). Resources become ResourceV3 under the root stack with the default pulumi-nodejs provider;
 * pending operations become OperationV2; secrets become SecretV1 with real ciphertext (AES-256-GCM under a
 * key thrown away at once, so nothing can read them: no reader of a state needs its secrets).
 */
"use strict";
const { createCipheriv, randomBytes, randomUUID } = require("node:crypto");
const { mkdirSync, writeFileSync } = require("node:fs");
const { dirname, join } = require("node:path");
const { gzipSync } = require("node:zlib");
const { isSecret, SECRET_SIG, SIG_KEY } = require("./wire");

/**
 * @typedef {import("./state-file").StackState & { pendingOperations?: import("./pending-operations").PendingOperation[] }} HarnessState
 * @typedef {{ project: string, stack: string }} StackName
 */

const KEY = randomBytes(32);

/** SecretV1: `v1:<nonce>:<ciphertext>`, as the passphrase secrets provider writes it. @param {unknown} value */
function encrypt(value) {
  const nonce = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", KEY, nonce);
  const text = Buffer.concat([cipher.update(JSON.stringify(value), "utf8"), cipher.final(), cipher.getAuthTag()]);
  return { [SIG_KEY]: SECRET_SIG, ciphertext: `v1:${nonce.toString("base64")}:${text.toString("base64")}` };
}

/** Property values with every secret encrypted. @param {any} v @returns {any} */
function sealed(v) {
  if (isSecret(v)) return encrypt(/** @type {{ value: unknown }} */ (v).value);
  if (Array.isArray(v)) return v.map(sealed);
  if (v !== null && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, sealed(x)]));
  return v;
}

/**
 * DeploymentV3 of a harness state.
 * @param {HarnessState} state @param {StackName} name @param {Date} [time]
 */
function deploymentOf(state, { project, stack }, time = new Date()) {
  const at = time.toISOString();
  const root = `urn:pulumi:${stack}::${project}::pulumi:pulumi:Stack::${project}-${stack}`;
  const providerUrn = `urn:pulumi:${stack}::${project}::pulumi:providers:pulumi-nodejs::default`;
  const provider = `${providerUrn}::${randomUUID()}`;
  /** @param {{ urn: string, type: string, id?: string, inputs?: any, outputs?: any, dependencies?: string[], additionalSecretOutputs?: string[], initErrors?: string[], delete?: boolean }} r */
  const resource = (r) => ({
    urn: r.urn,
    custom: true,
    ...(r.delete ? { delete: true } : {}),
    ...(r.id ? { id: r.id } : {}),
    type: r.type,
    ...(r.inputs ? { inputs: sealed(r.inputs) } : {}),
    ...(r.outputs ? { outputs: sealed(r.outputs) } : {}),
    parent: root,
    ...(r.dependencies?.length ? { dependencies: r.dependencies } : {}),
    ...(r.initErrors?.length ? { initErrors: r.initErrors } : {}),
    provider,
    ...(r.additionalSecretOutputs?.length ? { additionalSecretOutputs: r.additionalSecretOutputs } : {}),
    created: at,
    modified: at,
  });
  return {
    manifest: { time: at, magic: randomBytes(32).toString("hex"), version: "v3.248.0" },
    secrets_providers: {
      type: "passphrase",
      state: { salt: `v1:${randomBytes(8).toString("base64")}:${randomBytes(24).toString("base64")}` },
    },
    resources: [
      {
        urn: root,
        custom: false,
        type: "pulumi:pulumi:Stack",
        outputs: sealed(state.outputs),
        created: at,
        modified: at,
      },
      {
        urn: providerUrn,
        custom: true,
        id: provider.split("::").pop(),
        type: "pulumi:providers:pulumi-nodejs",
        created: at,
        modified: at,
      },
      ...state.resources.map(resource),
    ],
    ...(state.pendingOperations?.length
      ? {
          pending_operations: state.pendingOperations.map((op) => ({ resource: resource(op.resource), type: op.type })),
        }
      : {}),
  };
}

/** What `pulumi stack export` prints. @param {HarnessState} state @param {StackName} name */
function stackExport(state, name) {
  return { version: 3, deployment: deploymentOf(state, name) };
}

/** A DIY backend checkpoint (the organization of a DIY backend is always "organization"). @param {HarnessState} state @param {StackName} name */
function checkpoint(state, name) {
  return {
    version: 3,
    checkpoint: { stack: `organization/${name.project}/${name.stack}`, latest: deploymentOf(state, name) },
  };
}

/**
 * A DIY backend folder (what `pulumi login file://<dir>` uses) holding these stacks, each as
 * `.pulumi/stacks/<project>/<stack>.json`, or `.json.gz` with `gzip`, beside a `.bak` of it as the backend keeps.
 * @param {string} dir @param {Array<StackName & { state: HarnessState, gzip?: boolean }>} stacks
 */
function writeDiyBackend(dir, stacks) {
  mkdirSync(join(dir, ".pulumi"), { recursive: true });
  writeFileSync(join(dir, ".pulumi", "meta.yaml"), "version: 1\n");
  for (const s of stacks) {
    const file = join(dir, ".pulumi", "stacks", s.project, `${s.stack}.json${s.gzip ? ".gz" : ""}`);
    mkdirSync(dirname(file), { recursive: true });
    const text = JSON.stringify(checkpoint(s.state, s));
    const bytes = s.gzip ? gzipSync(text) : Buffer.from(text);
    writeFileSync(file, bytes);
    writeFileSync(`${file}.bak`, bytes);
  }
}

module.exports = { deploymentOf, stackExport, checkpoint, writeDiyBackend };
