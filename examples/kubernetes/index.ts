// The key in a Kubernetes Secret, handed to a Deployment's containers as the environment
// variable QCDN_API_KEY.
//
// A container reads its environment once, when it starts, so running pods see a rotated key only
// when they are replaced. The pod template carries the key's keyId in an annotation: a rotation
// changes the template, the Deployment rolls out new pods, and Pulumi waits for that rollout
// before it revokes the old key at the end of the same `pulumi up`.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ApiKey } from "pulumi-qwilt-api-keys";

const config = new pulumi.Config();
const namespace = config.get("namespace") ?? "default";
const image = config.get("image") ?? "ghcr.io/example/cdn-purger:1.4.2";
const labels = { app: "cdn-purger" };

const purgerKey = new ApiKey("cdn-purger", {
  permission: "editor",
  validForDays: 30,
  description: `Cache purge service in the ${namespace} namespace`,
});

// No metadata.name: Pulumi names it cdn-purger-key-<random>. The Kubernetes provider treats a
// Secret's data as immutable, so each rotation makes a new Secret under a new name and deletes the
// old one at the end of the run, after the pods that used it are gone.
const keySecret = new k8s.core.v1.Secret("cdn-purger-key", {
  metadata: { namespace, labels },
  type: "Opaque",
  stringData: { QCDN_API_KEY: purgerKey.key },
});

const purger = new k8s.apps.v1.Deployment("cdn-purger", {
  metadata: { namespace, labels },
  spec: {
    replicas: 2,
    selector: { matchLabels: labels },
    template: {
      metadata: {
        labels,
        // Not the key (annotations are plain text): its id, which changes with every rotation,
        // so the rollout happens even with a fixed Secret name or `enableSecretMutable`.
        annotations: { "qwilt-api-key/key-id": purgerKey.keyId },
      },
      spec: {
        containers: [
          {
            name: "purger",
            image,
            env: [
              {
                name: "QCDN_API_KEY",
                valueFrom: { secretKeyRef: { name: keySecret.metadata.name, key: "QCDN_API_KEY" } },
              },
            ],
          },
        ],
      },
    },
  },
});

export const secretName = keySecret.metadata.name;
export const deploymentName = purger.metadata.name;
export const keyId = purgerKey.keyId;
export const expiresAt = purgerKey.expiresAt;
export const rotateAt = purgerKey.rotateAt;
