// A key for tools outside this stack, published through Pulumi ESC. environment.yaml is an ESC
// environment that imports this stack's `key` output with `fn::open::pulumi-stacks`: `esc run`,
// other stacks and GitHub workflows (esc-workflow.yml) read the current key each time they open
// the environment. No copy to update on rotation: the next open reads the new key.
import { ApiKey } from "pulumi-qwilt-api-keys";

const toolsKey = new ApiKey("cdn-tools", {
  permission: "viewer",
  validForDays: 90,
  description: "CDN tools and scripts; handed out through Pulumi ESC",
});

/** Secret: ESC keeps it secret, and `esc env get` shows it as [secret]. */
export const key = toolsKey.key;
export const keyId = toolsKey.keyId;
export const expiresAt = toolsKey.expiresAt;
export const rotateAt = toolsKey.rotateAt;
