// @ts-check
/**
 * The stack's state between runs: one JSON file, as the engine keeps a checkpoint. Values are in
 * wire form, so secrets are marked (not encrypted: this is a test harness). Saved after every
 * step, atomically, so a run that stops half-way leaves what it did.
 */
"use strict";
const { existsSync, mkdirSync, readFileSync } = require("node:fs");
const { dirname, join } = require("node:path");
// The simulator's atomic write, as built (tests and the demo build dist/ first; typed from its source).
/** @type {typeof import("../../../sdk/simulator/state-file")} */
const { writeFileAtomic } = require(join(__dirname, "../../../dist/sdk/simulator/state-file"));

/**
 * @typedef {import("./wire").Props} Props
 *
 * @typedef {object} StateResource
 * @property {string} urn
 * @property {string} type
 * @property {string} id
 * @property {Props} inputs what Check returned, secrets marked
 * @property {Props} outputs what the provider returned, secrets marked
 * @property {string[]} dependencies URNs this resource depends on
 * @property {string[]} additionalSecretOutputs from the resource options
 * @property {string[]} [initErrors] made but not initialised: the next up updates it
 * @property {boolean} [delete] replaced, waiting to be deleted (a run that failed before it could)
 *
 * @typedef {object} StackState
 * @property {1} version
 * @property {StateResource[]} resources in dependency order: a resource follows what it depends on
 * @property {Props} outputs the stack outputs, wire form
 */

/** @returns {StackState} */
function emptyState() {
  return { version: 1, resources: [], outputs: {} };
}

/** @param {string} file @returns {StackState} */
function loadState(file) {
  if (!existsSync(file)) return emptyState();
  const state = JSON.parse(readFileSync(file, "utf8"));
  if (state.version !== 1) throw new Error(`${file}: not a harness state file (version ${state.version})`);
  return state;
}

/** @param {string} file @param {StackState} state */
function saveState(file, state) {
  mkdirSync(dirname(file), { recursive: true });
  writeFileAtomic(file, `${JSON.stringify(state, null, 2)}\n`);
}

module.exports = { emptyState, loadState, saveState };
