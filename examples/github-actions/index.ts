// The key as the GitHub Actions secret QCDN_API_KEY, the variable Qwilt's Terraform provider
// reads: a repository secret, or, with `environment` set, a secret of that deployment
// environment (whose protection rules then decide which jobs see it). qwilt-terraform.yml is a
// workflow that uses it.
//
// On rotation one `pulumi up` makes the new key, waits until Qwilt accepts it, writes it into
// the secret (an update in place: GitHub keeps one value per secret name), and revokes the old
// key last. Workflow jobs that start after that run get the new key.
import * as github from "@pulumi/github";
import * as pulumi from "@pulumi/pulumi";
import { ApiKey } from "pulumi-qwilt-api-keys";

const config = new pulumi.Config();
// The repository's name, without its owner: the provider's `github:owner` names that.
const repository = config.require("repository");
// A deployment environment of that repository (it must exist), e.g. "production".
const environment = config.get("environment");

const terraformKey = new ApiKey("cdn-terraform", {
  permission: "editor",
  validForDays: 90,
  description: `Terraform of the Qwilt CDN, run by GitHub Actions in ${repository}`,
});

// `value` is encrypted for GitHub by the provider and kept secret in this stack's state.
const secret = environment
  ? new github.ActionsEnvironmentSecret("qcdn-api-key", {
      repository,
      environment,
      secretName: "QCDN_API_KEY",
      value: terraformKey.key,
    })
  : new github.ActionsSecret("qcdn-api-key", { repository, secretName: "QCDN_API_KEY", value: terraformKey.key });

// No `key` output: the secret is the only copy outside Qwilt and this stack's state.
export const secretName = secret.secretName;
export const keyId = terraformKey.keyId;
export const expiresAt = terraformKey.expiresAt;
export const rotateAt = terraformKey.rotateAt;
