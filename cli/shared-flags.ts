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

/** Where the connection and state flags are explained, at the end of every command's help. */
export const ENVIRONMENT_HELP = `Environment:
  QWILT_API_KEY, QCDN_API_KEY        an API key (its own organization only)
  QWILT_USERNAME, QWILT_PASSWORD     or a user to log in as (QCDN_USERNAME, QCDN_PASSWORD also work)
  QWILT_ORG_ID                       the organization to log in to (like --org)
  QWILT_USERS_URL, QWILT_LOGIN_URL   the API's addresses (https, except for a loopback host)
  QWILT_TIMEOUT_MS, QWILT_MAX_RETRIES
  PULUMI_ACCESS_TOKEN, PULUMI_BACKEND_URL   for --state pulumi-cloud://<organization> (else \`pulumi login\`'s)
  NO_COLOR                           no colour, even on a terminal
An empty variable counts as unset.`;
