/** Flags that several commands take, written once so they read the same in every command's help. */
import type { FlagSpec } from "./command";

export const STATE_FLAG: FlagSpec = {
  name: "state",
  type: "string",
  multiple: true,
  value: "source",
  help: "which keys Pulumi manages (repeatable): a `pulumi stack export` file, - for standard input, a DIY backend folder, or pulumi-cloud://<organization>",
};

export const ORG_FLAG: FlagSpec = {
  name: "org",
  type: "string",
  value: "id",
  help: "the Qwilt organization to log in to (username/password credentials; default QWILT_ORG_ID, else the user's first)",
};

export const JSON_FLAG: FlagSpec = {
  name: "json",
  type: "boolean",
  help: "print JSON for scripts (shape in the README)",
};

export const WARN_DAYS_FLAG: FlagSpec = {
  name: "warn-days",
  type: "string",
  value: "N",
  help: "a key expiring within N days is expiring (default 30)",
};
