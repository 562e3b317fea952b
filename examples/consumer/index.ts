// The key handed on: to another resource in this stack, and, as a secret stack output, to
// other stacks (see reader/, which reads it through a StackReference).
//
// When the key is rotated, Pulumi makes the new key first, updates every resource that uses
// `key` with it, and revokes the old key last: consumers never hold a revoked key.
import * as pulumi from "@pulumi/pulumi";
import { ApiKey } from "pulumi-qwilt-api-keys";
import { SecretFile } from "./secret-file";

const config = new pulumi.Config();

const purger = new ApiKey("cdn-purger", {
  permission: "editor",
  validForDays: 30,
  description: "Key of the nightly cache purge job",
});

// The consumer: any resource input that takes the key works the same way, e.g.
//   new github.ActionsSecret("qwilt-key", { repository: "site", secretName: "QCDN_API_KEY", value: purger.key });
//   new k8s.core.v1.Secret("qwilt-key", { stringData: { QCDN_API_KEY: purger.key } });
// (../github-actions and ../kubernetes show both in full.)
const keyFile = new SecretFile("purge-job-key", {
  path: config.get("keyFile") ?? "qwilt-api-key.secret",
  content: purger.key,
});

/** Secret, for other stacks: `new pulumi.StackReference("<org>/qwilt-consumer/<stack>").requireOutput("key")`. */
export const key = purger.key;
export const keyId = purger.keyId;
export const expiresAt = purger.expiresAt;
export const rotateAt = purger.rotateAt;
export const keyFilePath = keyFile.path;
