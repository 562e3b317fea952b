// @ts-check
/**
 * Pending operations, as the engine's snapshot manager keeps them (pulumi/pulumi pkg/backend/snapshot.go:
 * BeginMutation records the operation in the snapshot before a step calls the provider, End removes it
 * when the call answers, successful or not). A run killed in between leaves the operation in the state:
 * that is how Pulumi records an interrupted `pulumi up`, and what `qwilt-keys` reads as orphaned work.
 *
 * The state file gains `pendingOperations` ({type, resource}); the engine (engine.js) does not read it,
 * and its next save drops it, as the next `pulumi up` does. With `interruptAfter`, the run stops right
 * after that plugin call answered, as a `pulumi up` killed then would: the provider did its work, the
 * state never learned of it. Where it differs: a pending operation's inputs are plain (the plugin is called
 * with revealed values), so an interrupted run of a resource with secret inputs would leave them unmarked.
 */
"use strict";
const { loadState, saveState } = require("./state-file");

/**
 * @typedef {import("./state-file").StackState} StackState
 * @typedef {import("./plugin-client").PluginProcess} PluginProcess
 * @typedef {{ type: "creating" | "updating" | "deleting", resource: { urn: string, type: string, id?: string, inputs?: Record<string, any>, outputs?: Record<string, any> } }} PendingOperation
 */

/** "urn:pulumi:dev::proj::parent$pulumi-nodejs:dynamic/qwilt:ApiKey::name" → the resource's own type. @param {string} urn */
const typeOfUrn = (urn) => (urn.split("::")[2] ?? "").split("$").pop() ?? "";

class PendingOperations {
  /** @type {PendingOperation[]} */
  #pending = [];
  /** @type {StackState | undefined} the engine's last save */
  #last;

  /** @param {string} stateFile @param {"Create" | "Update" | "Delete"} [interruptAfter] */
  constructor(stateFile, interruptAfter) {
    this.stateFile = stateFile;
    this.interruptAfter = interruptAfter;
  }

  /** The engine's save: its snapshot plus the operations in flight. @param {StackState} state */
  save(state) {
    this.#last = state;
    this.#write();
  }

  /**
   * The plugin, with Create, Update and Delete journaled.
   * @param {PluginProcess} plugin @returns {PluginProcess}
   */
  wrap(plugin) {
    /** @type {<T>(method: "Create" | "Update" | "Delete", op: PendingOperation, call: () => Promise<T>) => Promise<T>} */
    const journaled = async (method, op, call) => {
      this.#pending.push(op);
      this.#write();
      let answer;
      try {
        answer = await call();
      } catch (error) {
        this.#end(op);
        throw error;
      }
      if (this.interruptAfter === method) await this.#stop(plugin);
      this.#end(op);
      return answer;
    };
    return {
      ...plugin,
      create: (urn, props) =>
        journaled("Create", { type: "creating", resource: { urn, type: typeOfUrn(urn), inputs: props } }, () =>
          plugin.create(urn, props),
        ),
      update: (urn, id, olds, news) =>
        journaled(
          "Update",
          { type: "updating", resource: { urn, type: typeOfUrn(urn), id, inputs: news, outputs: olds } },
          () => plugin.update(urn, id, olds, news),
        ),
      delete: (urn, id, props) =>
        journaled("Delete", { type: "deleting", resource: { urn, type: typeOfUrn(urn), id, outputs: props } }, () =>
          plugin.delete(urn, id, props),
        ),
    };
  }

  /** @param {PendingOperation} op */
  #end(op) {
    this.#pending = this.#pending.filter((p) => p !== op);
    this.#write();
  }

  #write() {
    const state = this.#last ?? loadState(this.stateFile);
    const { pendingOperations: _, ...rest } = /** @type {StackState & { pendingOperations?: unknown }} */ (state);
    saveState(
      this.stateFile,
      /** @type {StackState} */ (this.#pending.length > 0 ? { ...rest, pendingOperations: this.#pending } : rest),
    );
  }

  /** Ends the run as a kill would: the plugin stops, the process exits, nothing more is saved. @param {PluginProcess} plugin */
  async #stop(plugin) {
    await plugin.stop();
    console.log(`    (interrupted after ${this.interruptAfter}, as a killed \`pulumi up\` would be)`);
    process.exit(130);
  }
}

module.exports = { PendingOperations };
