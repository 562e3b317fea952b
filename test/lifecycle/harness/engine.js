// @ts-check
/**
 * The Pulumi engine's decisions for one stack, made against a provider plugin:
 *
 * - up / preview: each registered resource is checked (olds = its inputs in the state), then
 *   created if new, else diffed against its old outputs. Diff "none" → same (no call), "some" → Update,
 *   replaces → a replacement: Check again with no olds (auto-names draw afresh), Create, hand the new
 *   outputs on, and delete the old one at the end of the run, after the program has registered
 *   everything; or, delete-before-replace, Delete first. A resource whose create or update failed
 *   with an init failure stays in the state and is updated by the next up, even with no diff.
 *   Resources in the state but not in the program are deleted at the end, in reverse dependency
 *   order. Preview makes the same Check and Diff calls (with unknowns) and no Create, Update or Delete.
 * - Policy packs (policy-packs.js), when the run has any, analyze each resource's checked inputs
 *   before its step; a mandatory violation fails that step in an up, and a preview at its end.
 * - refresh: Read for every resource; an empty id drops it from the state.
 * - destroy: Delete for every resource, in reverse dependency order.
 *
 * Steps run one at a time (the engine runs independent ones in parallel), and after a failed step
 * no new step starts (the engine's default, without --continue-on-error): replaced resources then
 * stay in the state marked `delete`, and the next up deletes them first.
 */
"use strict";
const { markSecret, reveal, secretNames, unknownNames } = require("./wire");

/**
 * @typedef {import("./wire").Props} Props
 * @typedef {import("./state-file").StateResource} StateResource
 * @typedef {import("./state-file").StackState} StackState
 * @typedef {import("./plugin-client").PluginProcess} PluginProcess
 *
 * @typedef {"create" | "update" | "same" | "create-replacement" | "delete-replaced" | "delete" | "refresh" | "refresh-gone" | "check" | "analyze"} StepOp
 * @typedef {object} Step
 * @property {StepOp} op
 * @property {string} name the resource's name (the last part of its URN)
 * @property {string} urn
 * @property {string[]} [replaces] the properties that made it a replacement
 * @property {boolean} [deleteBeforeReplace]
 * @property {string} [error] the step failed with this message
 *
 * @typedef {object} PluginCall
 * @property {string} method Check, Diff, Create, Read, Update or Delete (or Analyze: the policy packs)
 * @property {string} name
 * @property {string[]} [unknowns] top-level inputs sent as unknown (previews)
 *
 * @typedef {object} Registration what the program asked for (RegisterResource), in wire form
 * @property {string} urn
 * @property {string} type
 * @property {boolean} custom
 * @property {Props} inputs
 * @property {string[]} dependencies
 * @property {string[]} additionalSecretOutputs
 * @property {boolean} deleteBeforeReplace
 */

/** The plugin that serves these types: Pulumi's dynamic-provider plugin. */
const DYNAMIC = /^pulumi-nodejs:dynamic[:/]/;

class Engine {
  /** @type {StateResource[]} the state as loaded (and, for refresh and destroy, as changed) */
  #base;
  /** @type {StateResource[]} resources this run registered, in the order their steps finished */
  #done = [];
  /** @type {Set<StateResource>} base entries superseded by a done one, or deleted */
  #consumed = new Set();
  /** @type {Set<string>} URNs the program registered */
  #registered = new Set();
  /** @type {Props} the stack outputs in the state */
  #outputs;
  /** @type {Props | undefined} the stack outputs the program registered in this run */
  #stackOutputs;
  /** @type {Set<StateResource>} resources replaced in this run, to delete at the end */
  #replaced = new Set();
  /** @type {Promise<unknown>} */
  #queue = Promise.resolve();
  #plugin;
  #save;
  #preview;
  #log;
  #policies;
  /** @type {string[]} mandatory policy violations a preview saw: it fails once it has shown every step */
  #policyFailures = [];
  #serves;

  /** @type {Step[]} */
  steps = [];
  /** @type {PluginCall[]} */
  calls = [];
  /** @type {string[]} what failed, one message per failure */
  failures = [];

  /**
   * @param {object} o
   * @param {PluginProcess} o.plugin
   * @param {StackState} o.state the state before the run
   * @param {(state: StackState) => void} o.save called after every step that changes the state (never in preview)
   * @param {boolean} [o.preview]
   * @param {(line: string) => void} [o.log]
   * @param {import("./policy-packs").PolicyPacks} [o.policies] the policy packs of the run (--policy-pack)
   * @param {(type: string) => boolean} [o.serves] other types `plugin` serves (package-providers.js)
   */
  constructor(o) {
    this.#plugin = o.plugin;
    this.#base = o.state.resources.slice();
    this.#outputs = o.state.outputs;
    this.#save = o.save;
    this.#preview = o.preview ?? false;
    this.#log = o.log ?? (() => {});
    this.#policies = o.policies;
    this.#serves = o.serves ?? (() => false);
  }

  /** The stack outputs the program registered in this run (wire form). */
  get programOutputs() {
    return this.#stackOutputs ?? {};
  }

  /** @returns {StackState} */
  snapshot() {
    return { version: 1, resources: [...this.#done, ...this.#base.filter((r) => !this.#consumed.has(r))], outputs: this.#outputs };
  }

  /** Before the program runs: deletes what a failed run left marked for deletion. */
  async begin() {
    const leftovers = this.#base.filter((r) => r.delete).reverse();
    for (const r of leftovers) if (!(await this.#delete(r, "delete-replaced"))) return;
  }

  /**
   * RegisterResource: decides and performs the step; answers with the id and the outputs (wire form)
   * the program's resource resolves to.
   * @param {Registration} r
   * @returns {Promise<{ id: string, outputs: Props }>}
   */
  register(r) {
    // Components (and the root stack) are not the provider's business: their inputs are their outputs.
    if (!r.custom) return Promise.resolve({ id: "", outputs: r.inputs });
    if (!DYNAMIC.test(r.type) && !this.#serves(r.type)) {
      return Promise.reject(new Error(`${r.urn}: the harness drives only dynamic resources (pulumi-nodejs:dynamic:*) and the package resources a packageProviders module serves`));
    }
    this.#registered.add(r.urn);
    return this.#serially(() => {
      if (this.failures.length > 0) throw new Error(`${nameOf(r.urn)}: not started: the deployment stopped after an earlier failure`);
      return this.#step(r);
    });
  }

  /** RegisterResourceOutputs: only the root stack's outputs (the program's exports) are kept. @param {string} urn @param {Props} outputs */
  registerOutputs(urn, outputs) {
    if (urn.split("::")[2] === "pulumi:pulumi:Stack") this.#stackOutputs = outputs;
  }

  /**
   * After the program: deletes replaced resources and those the program no longer declares. Not
   * after a failed step, nor when the program itself failed: what it did not register is then
   * unknown, not unwanted.
   * @param {boolean} programOk
   */
  async finish(programOk) {
    await this.#queue;
    if (this.failures.length > 0 || !programOk) return;
    const doomed = this.snapshot().resources.filter((r) => r.delete || this.#replaced.has(r) || !this.#registered.has(r.urn));
    for (const r of doomed.reverse()) if (!(await this.#delete(r, r.delete || this.#replaced.has(r) ? "delete-replaced" : "delete"))) return;
    this.failures.push(...this.#policyFailures);
    if (!this.#preview && this.#stackOutputs) {
      this.#outputs = this.#stackOutputs;
      this.#commit();
    }
  }

  /** Read for every resource; the provider answering with no id drops it. */
  async refresh() {
    for (const old of this.#base.slice()) {
      try {
        const res = await this.#call("Read", old.urn, [], () => this.#plugin.read(old.urn, old.id, reveal(old.outputs), reveal(old.inputs)));
        if (!res.id) {
          this.#consumed.add(old);
          this.#record("refresh-gone", old.urn);
        } else {
          const outputs = markSecret(res.properties, [...secretNames(old.outputs), ...old.additionalSecretOutputs]);
          const inputs = Object.keys(res.inputs).length > 0 ? markSecret(res.inputs, secretNames(old.inputs)) : old.inputs;
          this.#base[this.#base.indexOf(old)] = { ...old, id: res.id, inputs, outputs };
          this.#record("refresh", old.urn);
        }
        this.#commit();
      } catch (err) {
        this.#fail("refresh", old.urn, err);
        return;
      }
    }
  }

  /** Delete for every resource, dependents first. */
  async destroy() {
    for (const r of this.#base.slice().reverse()) if (!(await this.#delete(r, "delete"))) return;
    this.#outputs = {};
    this.#commit();
  }

  /** @template T @param {() => Promise<T>} fn @returns {Promise<T>} */
  #serially(fn) {
    const run = this.#queue.then(fn);
    this.#queue = run.catch(() => undefined);
    return run;
  }

  /** @param {Registration} r */
  async #step(r) {
    const old = this.#base.find((b) => b.urn === r.urn && !b.delete && !this.#consumed.has(b));
    const news = reveal(r.inputs);
    const secretInputs = secretNames(r.inputs);
    const checked = await this.#check(r.urn, old ? reveal(old.inputs) : {}, news);
    await this.#analyze(r, checked);
    if (!old) return this.#create(r, checked, "create");

    const diff = await this.#call("Diff", r.urn, unknownNames(checked).sort(), () => this.#plugin.diff(r.urn, old.id, reveal(old.outputs), checked));
    if (diff.replaces.length > 0) return this.#replace(r, old, news, diff);
    // DIFF_UNKNOWN (a provider without diff): the engine compares the inputs itself.
    const changed = diff.changes === "some" || (diff.changes === "unknown" && JSON.stringify(reveal(old.inputs)) !== JSON.stringify(checked));
    if (changed || old.initErrors) return this.#update(r, old, checked);

    if (!this.#preview) this.#supersede(old, { ...old, inputs: markSecret(checked, secretInputs), dependencies: r.dependencies });
    this.#record("same", r.urn);
    return { id: old.id, outputs: old.outputs };
  }

  /** @param {string} urn @param {Props} olds @param {Props} news */
  async #check(urn, olds, news) {
    const res = await this.#call("Check", urn, unknownNames(news).sort(), () => this.#plugin.check(urn, olds, news));
    if (res.failures.length > 0) {
      const why = res.failures.map((f) => `${f.property}: ${f.reason}`).join("; ");
      throw this.#fail("check", urn, new Error(why));
    }
    return res.inputs;
  }

  /**
   * The policy packs judge the checked inputs before the resource's step (step_generator.go): a
   * mandatory violation stops an up there, before anything is created or changed; a preview goes on.
   * @param {Registration} r @param {Props} checked
   */
  async #analyze(r, checked) {
    const policies = this.#policies;
    if (!policies) return;
    const mandatory = await this.#call("Analyze", r.urn, [], () => policies.analyze(r, checked));
    if (mandatory.length === 0) return;
    const failure = new Error(`mandatory policy violation: ${mandatory.join("; ")}`);
    if (!this.#preview) throw this.#fail("analyze", r.urn, failure);
    this.#policyFailures.push(`${nameOf(r.urn)}: ${failure.message}`);
  }

  /**
   * @param {Registration} r
   * @param {Props} checked
   * @param {"create" | "create-replacement"} op
   * @param {{ replaces: string[], deleteBeforeReplace: boolean }} [why]
   * @param {StateResource} [replacing] the resource this one replaces: marked for deletion once this one exists
   */
  async #create(r, checked, op, why, replacing) {
    const inputs = markSecret(checked, secretNames(r.inputs));
    // A preview Create returns the inputs: every other output is unknown to the program.
    if (this.#preview) return this.#markReplaced(replacing), this.#record(op, r.urn, why), { id: "", outputs: inputs };
    /** @param {string} id @param {Props} properties @param {string[]} [initErrors] @returns {StateResource} */
    const made = (id, properties, initErrors) => ({
      urn: r.urn,
      type: r.type,
      id,
      inputs,
      outputs: markSecret(properties, [...secretNames(r.inputs), ...r.additionalSecretOutputs]),
      dependencies: r.dependencies,
      additionalSecretOutputs: r.additionalSecretOutputs,
      ...(initErrors ? { initErrors } : {}),
    });
    try {
      const res = await this.#call("Create", r.urn, [], () => this.#plugin.create(r.urn, checked));
      const resource = made(res.id, res.properties);
      this.#done.push(resource);
      this.#markReplaced(replacing);
      this.#commit();
      this.#record(op, r.urn, why);
      return { id: resource.id, outputs: resource.outputs };
    } catch (err) {
      const init = /** @type {{ initFailure?: import("./plugin-client").InitFailure }} */ (err).initFailure;
      if (init) {
        this.#done.push(made(init.id, init.properties, init.reasons));
        this.#markReplaced(replacing);
        this.#commit();
      }
      throw this.#fail(op, r.urn, err, why);
    }
  }

  /** @param {Registration} r @param {StateResource} old @param {Props} checked */
  async #update(r, old, checked) {
    const inputs = markSecret(checked, secretNames(r.inputs));
    // A preview Update returns the new inputs: every other output is unknown to the program.
    if (this.#preview) return this.#record("update", r.urn), { id: old.id, outputs: inputs };
    const secretOutputs = [...secretNames(r.inputs), ...r.additionalSecretOutputs];
    /** @param {Props} properties @param {string[]} [initErrors] @returns {StateResource} */
    const updated = (properties, initErrors) => {
      const { initErrors: _, ...rest } = old;
      return { ...rest, inputs, outputs: markSecret(properties, secretOutputs), dependencies: r.dependencies, ...(initErrors ? { initErrors } : {}) };
    };
    try {
      const res = await this.#call("Update", r.urn, [], () => this.#plugin.update(r.urn, old.id, reveal(old.outputs), checked));
      const resource = updated(res.properties);
      this.#supersede(old, resource);
      this.#record("update", r.urn);
      return { id: resource.id, outputs: resource.outputs };
    } catch (err) {
      const init = /** @type {{ initFailure?: import("./plugin-client").InitFailure }} */ (err).initFailure;
      if (init) this.#supersede(old, updated(init.properties, init.reasons));
      throw this.#fail("update", r.urn, err);
    }
  }

  /**
   * @param {Registration} r @param {StateResource} old @param {Props} news
   * @param {{ replaces: string[], deleteBeforeReplace: boolean }} diff
   */
  async #replace(r, old, news, diff) {
    const why = { replaces: diff.replaces, deleteBeforeReplace: diff.deleteBeforeReplace || r.deleteBeforeReplace };
    if (why.deleteBeforeReplace && !(await this.#delete(old, "delete-replaced"))) {
      throw new StepFailure(`${nameOf(r.urn)}: the resource it replaces could not be deleted`);
    }
    // Check again without olds: defaults such as an auto-name are drawn afresh for the new resource.
    const fresh = await this.#check(r.urn, {}, news);
    return this.#create(r, fresh, "create-replacement", why, why.deleteBeforeReplace ? undefined : old);
  }

  /**
   * The new resource exists: the old one is kept, marked for deletion at the end of the run (or at
   * the start of the next up, should this one fail).
   * @param {StateResource} [old]
   */
  #markReplaced(old) {
    if (!old) return;
    this.#replaced.add(old);
    if (!this.#preview) this.#base[this.#base.indexOf(old)] = { ...old, delete: true };
  }

  /**
   * @param {StateResource} r @param {"delete" | "delete-replaced"} op
   * @returns {Promise<boolean>} false when it failed (recorded)
   */
  async #delete(r, op) {
    if (this.#preview) return this.#record(op, r.urn), true;
    try {
      await this.#call("Delete", r.urn, [], () => this.#plugin.delete(r.urn, r.id, reveal(r.outputs)));
    } catch (err) {
      this.#fail(op, r.urn, err);
      return false;
    }
    this.#consumed.add(r);
    this.#commit();
    this.#record(op, r.urn);
    return true;
  }

  /** @param {StateResource} old @param {StateResource} next */
  #supersede(old, next) {
    this.#consumed.add(old);
    this.#done.push(next);
    this.#commit();
  }

  #commit() {
    if (!this.#preview) this.#save(this.snapshot());
  }

  /**
   * @template T
   * @param {string} method @param {string} urn @param {string[]} unknowns @param {() => Promise<T>} fn
   */
  #call(method, urn, unknowns, fn) {
    this.calls.push({ method, name: nameOf(urn), ...(unknowns.length > 0 ? { unknowns } : {}) });
    return fn();
  }

  /** @param {StepOp} op @param {string} urn @param {{ replaces: string[], deleteBeforeReplace: boolean }} [why] */
  #record(op, urn, why) {
    /** @type {Step} */
    const step = { op, name: nameOf(urn), urn, ...(why ? { replaces: why.replaces, deleteBeforeReplace: why.deleteBeforeReplace } : {}) };
    this.steps.push(step);
    this.#log(describe(step, this.#preview));
  }

  /**
   * @param {StepOp} op @param {string} urn @param {unknown} err @param {{ replaces: string[], deleteBeforeReplace: boolean }} [why]
   * @returns {StepFailure}
   */
  #fail(op, urn, err, why) {
    if (err instanceof StepFailure) return err; // recorded where it happened
    const message = `${nameOf(urn)}: ${op} failed: ${err instanceof Error ? err.message : String(err)}`;
    this.failures.push(message);
    /** @type {Step} */
    const step = { op, name: nameOf(urn), urn, error: message, ...(why ? { replaces: why.replaces, deleteBeforeReplace: why.deleteBeforeReplace } : {}) };
    this.steps.push(step);
    this.#log(describe(step, this.#preview));
    return new StepFailure(message);
  }
}

/** A step that failed, already recorded. */
class StepFailure extends Error {}

/** @param {string} urn */
function nameOf(urn) {
  return urn.split("::").pop() ?? urn;
}

/** "pulumi-nodejs:dynamic/qwilt:ApiKey" → "qwilt:ApiKey". @param {string} urn */
function typeOf(urn) {
  const type = (urn.split("::")[2] ?? "").split("$").pop() ?? "";
  return type.replace(DYNAMIC, "") || type;
}

const SYMBOLS = { create: "+", update: "~", same: " ", "create-replacement": "++", "delete-replaced": "--", delete: "-", refresh: "~", "refresh-gone": "-", check: "!", analyze: "!" };

/** One line per step, in the spirit of the CLI's. @param {Step} s @param {boolean} preview */
function describe(s, preview) {
  const what = `${SYMBOLS[s.op]} ${typeOf(s.urn)} ${s.name}`.padEnd(40);
  const why = s.replaces?.length ? ` [diff: ~${s.replaces.join(",~")}]${s.deleteBeforeReplace ? " (delete before replace)" : ""}` : "";
  if (s.error) return `${what} ${s.op} FAILED: ${s.error.slice(s.error.indexOf(" failed: ") + 9)}`;
  return `${what} ${s.op}${preview && s.op !== "same" ? " (preview)" : ""}${why}`;
}

module.exports = { Engine, nameOf };
