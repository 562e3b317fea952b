// One key per service, from a list in stack config, so adding a service is a config change:
//
//   pulumi config set --path 'services[0].name' purge-job
//   pulumi config set --path 'services[0].permission' editor
//   pulumi config set --path 'services[1].name' dashboard
//   pulumi config set --path 'services[1].permission' viewer
//   pulumi config set --path 'services[1].validForDays' 180
//
// Removing an entry revokes its key; changing its permission or validity replaces the key.
import * as pulumi from "@pulumi/pulumi";
import { ApiKey, type Permission } from "pulumi-qwilt-api-keys";

interface Service {
  /** Becomes the resource name `svc-<name>`, so keep it stable: renaming makes a new key. */
  name: string;
  permission: Permission;
  /** Default 90. */
  validForDays?: number;
  /** Default: 30, or half of validForDays when that is shorter. */
  rotateBeforeDays?: number;
}

const config = new pulumi.Config();
const services = config.getObject<Service[]>("services") ?? [
  { name: "purge-job", permission: "editor", validForDays: 30 },
  { name: "dashboard", permission: "viewer" },
  { name: "log-export", permission: "viewer", validForDays: 365, rotateBeforeDays: 60 },
];
checkServices(services);

const keys = services.map(
  (svc) =>
    [
      svc.name,
      new ApiKey(`svc-${svc.name}`, {
        permission: svc.permission,
        validForDays: svc.validForDays ?? 90,
        rotateBeforeDays: svc.rotateBeforeDays,
        description: `Key of the ${svc.name} service (${svc.permission})`,
      }),
    ] as const,
);

/** Service name → its key (each one secret). */
export const serviceKeys = Object.fromEntries(keys.map(([svc, k]) => [svc, k.key]));
/** Service name → what a person may see: permission, expiry, rotation date. */
export const serviceKeyInfo = Object.fromEntries(
  keys.map(([svc, k]) => [
    svc,
    { permission: k.permission, keyId: k.keyId, expiresAt: k.expiresAt, rotateAt: k.rotateAt },
  ]),
);

/** Fails the preview with a message naming the bad entry, before anything is made. */
function checkServices(list: Service[]): void {
  if (!Array.isArray(list)) throw new Error("config services must be a list of { name, permission, validForDays? }");
  const seen = new Set<string>();
  list.forEach((svc, i) => {
    if (typeof svc?.name !== "string" || !/^[a-z0-9][a-z0-9-]*$/.test(svc.name)) {
      throw new Error(
        `services[${i}].name must be lower-case letters, digits and dashes (got ${JSON.stringify(svc?.name)})`,
      );
    }
    if (seen.has(svc.name)) throw new Error(`services[${i}].name "${svc.name}" is listed twice`);
    seen.add(svc.name);
    if (svc.permission !== "viewer" && svc.permission !== "editor") {
      throw new Error(`services[${i}].permission must be "viewer" or "editor" (got ${JSON.stringify(svc.permission)})`);
    }
  });
}
