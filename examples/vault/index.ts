// The key in HashiCorp Vault's KV version 2 store, for services that read their credentials from
// Vault (Vault Agent, the Vault CSI provider, External Secrets, `vault kv get`).
//
// Each rotation writes the new key as a new version of the same secret; the versions before it
// stay readable (up to maxVersions) for audit, while readers that ask for the latest version get
// the new key. They get it when they next read, which Vault does not tell them, so the old key
// keeps working a day after each rotation (`overlapDays`): see the README.
import * as pulumi from "@pulumi/pulumi";
import * as vault from "@pulumi/vault";
import { ApiKey } from "pulumi-qwilt-api-keys";

const config = new pulumi.Config();
// A KV version 2 mount: `vault secrets enable -path=secret kv-v2` (a dev server has this one).
const mount = config.get("mount") ?? "secret";
const name = config.get("secretPath") ?? "cdn/qwilt-reporting";

const reportingKey = new ApiKey("cdn-reporting", {
  permission: "viewer",
  validForDays: 90,
  // Vault's readers are all outside this stack and reread on their own schedule: without an
  // overlap each gets 401s from the rotation until its next read. At least their longest
  // refresh interval or restart cycle.
  overlapDays: 1,
  description: `CDN reporting; read from Vault at ${mount}/${name}`,
});

const stored = new vault.kv.SecretV2("qwilt-reporting-key", {
  mount,
  name,
  // jsonStringify of a secret is a secret: Pulumi encrypts this document in the state.
  dataJson: pulumi.jsonStringify({
    QCDN_API_KEY: reportingKey.key,
    keyId: reportingKey.keyId,
    expiresAt: reportingKey.expiresAt,
  }),
  customMetadata: { maxVersions: 10, data: { managedBy: `pulumi ${pulumi.getProject()}/${pulumi.getStack()}` } },
  // `pulumi destroy` removes every version, not just the latest.
  deleteAllVersions: true,
});

/** Where readers find it: `vault kv get -field=QCDN_API_KEY -mount=<mount> <name>`. */
export const vaultPath = stored.path;
export const keyId = reportingKey.keyId;
export const expiresAt = reportingKey.expiresAt;
export const rotateAt = reportingKey.rotateAt;
