// @ts-check
/**
 * StackReference reads, answered as the engine's builtin `pulumi` provider answers them: a program's
 * `new pulumi.StackReference("<organization>/<project>/<stack>")` reaches the monitor as a
 * ReadResource of type `pulumi:pulumi:StackReference` whose id is that name, and gets back
 * `{ name, outputs, secretOutputNames }`, with the referenced stack's outputs as its state holds them
 * (secrets still secret) and the names of those that hold a secret, so `requireOutput("key")` is
 * secret and `requireOutput("expiresAt")` is not. The referenced stacks are other harness stacks,
 * found by name in `HarnessStack.stackReferences`; the read is not kept in the reading stack's state.
 */
"use strict";
const { existsSync } = require("node:fs");
const { loadState } = require("./state-file");
const { secretNames } = require("./wire");

const STACK_REFERENCE = "pulumi:pulumi:StackReference";
/** The organization `pulumi.getOrganization()` answers, as with a local (file) backend. */
const LOCAL_ORGANIZATION = "organization";

/**
 * @param {string} name the referenced stack, "<organization>/<project>/<stack>"
 * @param {Record<string, string>} stateFiles referenced stack name → its harness state file
 * @returns {{ name: string, outputs: import("./wire").Props, secretOutputNames: string[] }}
 */
function readStackReference(name, stateFiles) {
  const file = stateFiles[name];
  if (!file) {
    const known = Object.keys(stateFiles);
    throw new Error(
      `StackReference ${name}: unknown stack (the harness knows ${known.length > 0 ? known.join(", ") : "none: set HarnessStack.stackReferences"})`,
    );
  }
  // A stack that never ran has no outputs, as a new stack has none.
  const { outputs } = existsSync(file) ? loadState(file) : { outputs: {} };
  return { name, outputs, secretOutputNames: secretNames(outputs) };
}

module.exports = { STACK_REFERENCE, LOCAL_ORGANIZATION, readStackReference };
