// @ts-check
/**
 * The Pulumi engine's decisions for one stack, made against a provider plugin, as pulumi/pulumi
 * `pkg/resource/deploy` makes them (the function each rule stands for in parentheses):
 *
 * - The default provider. The dynamic plugin is configured like any default provider: it is a
 *   resource of the state (`pulumi:providers:pulumi-nodejs::default`) whose inputs are the whole
 *   stack config, namespaced keys and all (Target.GetPackageConfig passes dynamic providers every
 *   key). up and preview register it before the first dynamic resource, with the current config:
 *   created, or updated when the config differs from the saved one (Registry.Check / Diff; the
 *   dynamic host does not implement DiffConfig, so the values are compared), or the same; either
 *   way Configure gets the current config. refresh and destroy do not run the program: they load
 *   the provider from the state and Configure it with the config saved at the last up
 *   (deployment.EnsureProvider → Registry.Same); a state without one gets the current config
 *   (addDefaultProviders). So does an up that registers no dynamic resource but must delete some.
 * - up / preview (stepGenerator.GenerateSteps, one registration at a time in arrival order): the
 *   resource is checked (olds = its inputs in the state; none when it is new), then diffed against
 *   its old outputs (the dynamic host hands the provider OldOutputs as `olds`; DIFF_UNKNOWN is
 *   settled by comparing inputs: diffResource). No change and no init errors → same; a change, or
 *   init errors without a change → update; replaces → checked again without olds, so defaults such
 *   as an auto-name are drawn afresh (continueStepsFromDiff), then create-before-delete (the
 *   CreateReplacement step marks the old resource `delete`, even when the create ends in an init
 *   failure: CreateStep.Apply) or, with deleteBeforeReplace, the old one deleted first.
 * - Steps run in parallel (stepExecutor; GOMAXPROCS × 4 workers: defaultParallel in
 *   pkg/cmd/pulumi/operations/up.go), a registration's steps as one chain. The first failure
 *   cancels the deployment (stepExecutor.cancelDueToError): steps already running finish, none
 *   starts, no registration is handled after it, no delete runs at the end.
 * - An init failure (ErrorResourceInitFailed: StatusPartialFailure) of a create or update keeps the
 *   resource with its init errors and the new outputs; an update's keeps the OLD inputs
 *   (updateActions.OnResourceStepPost), so the next up diffs against what was really applied.
 * - After the program (performPostSteps → GenerateDeletes, ScheduleDeletes): resources marked
 *   `delete` (replaced in this run, or left by a run that failed) and resources the program no
 *   longer declares are deleted in antichains, dependents first, each antichain in parallel. Not
 *   after a failed step, nor when the program failed: what it did not register is then unknown,
 *   not unwanted.
 * - Policy packs (policy-packs.js), when the run has any, analyze each resource's checked inputs
 *   before its step (stepGenerator.generateSteps); a mandatory violation fails that step in an up,
 *   and a preview at its end.
 * - Preview makes the same Check and Diff calls (with unknowns); Create and Update answer with the
 *   inputs, as the plugin layer does for a provider that does not support previews (the dynamic
 *   host does not); no Delete.
 * - refresh (deploymentExecutor.refresh, RefreshStep.Apply): Read for every resource, in parallel,
 *   going on past failures (the refresh's step executor ignores errors; the refresh still fails).
 *   An empty id drops the resource; otherwise the read's outputs (and inputs, if any) replace the
 *   old ones, its init errors are cleared (the dynamic host cannot return an init failure from
 *   read), and a Diff with olds = the read outputs and news = the old inputs says whether the
 *   resource changed (op `refresh-changed`). Dependencies on dropped resources are removed
 *   (rebuildBaseState).
 * - destroy: every resource deleted in antichains as above, then the default provider.
 * - Default provider steps are not in `steps`, as the CLI does not show them (isInternalStep in
 *   pkg/engine/update.go); `providerSteps` lists them.
 *
 * Where the harness still differs, and what it stands for: stack.js's header.
 */
"use strict";
const { randomUUID } = require("node:crypto");
const { availableParallelism } = require("node:os");
const { markSecret, reveal, secretNames, unknownNames } = require("./wire");

/**
 * @typedef {import("./wire").Props} Props
 * @typedef {import("./state-file").StateResource} StateResource
 * @typedef {import("./state-file").StateProvider} StateProvider
 * @typedef {import("./state-file").StackState} StackState
 * @typedef {import("./plugin-client").PluginProcess} PluginProcess
 *
 * @typedef {"create" | "update" | "same" | "create-replacement" | "delete-replaced" | "delete" | "refresh" | "refresh-changed" | "refresh-gone" | "check" | "diff" | "analyze"} StepOp
 * @typedef {object} Step
 * @property {StepOp} op
 * @property {string} name the resource's name (the last part of its URN)
 * @property {string} urn
 * @property {string[]} [replaces] the properties that made it a replacement (or, for refresh-changed, would)
 * @property {boolean} [deleteBeforeReplace]
 * @property {string} [diff] what the CLI shows in brackets: the inputs that differ, e.g. "~name" (getDiffInfo)
 * @property {string} [error] the step failed with this message
 *
 * @typedef {"create" | "update" | "same" | "load" | "delete"} ProviderOp "load": configured from the state (refresh, destroy, deletes only)
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
 *
 * @typedef {{ replaces: string[], deleteBeforeReplace: boolean }} Why
 * @typedef {() => Promise<{ id: string, outputs: Props }>} Chain a registration's steps, run by a worker
 */

/** The plugin that serves these types: Pulumi's dynamic-provider plugin. */
const DYNAMIC = /^pulumi-nodejs:dynamic[:/]/;
/** The step executor's workers (defaultParallel: GOMAXPROCS × 4). */
const WORKERS = availableParallelism() * 4;

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
  /** @type {Set<StateResource>} resources replaced in this run (previews do not mark them in the state) */
  #replaced = new Set();
  /** @type {StateProvider | undefined} the default provider in the state */
  #provider;
  /** @type {Props} the current stack config, wire form (secrets marked) */
  #config;
  #providerUrn;
  /** @type {Promise<void> | undefined} */
  #configured;
  /** @type {Promise<unknown>} the step generator: one registration at a time */
  #generator = Promise.resolve();
  /** @type {Set<Promise<unknown>>} chains not yet finished */
  #running = new Set();
  #workers;
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
  /** @type {ProviderOp[]} the default provider's steps (not shown by the CLI) */
  providerSteps = [];
  /** @type {PluginCall[]} */
  calls = [];
  /** @type {string[]} what failed, one message per failure */
  failures = [];

  /**
   * @param {object} o
   * @param {PluginProcess} o.plugin not configured yet: the engine configures it
   * @param {StackState} o.state the state before the run
   * @param {Props} o.config the stack config as the engine hands it to the dynamic provider: every key namespaced, secrets marked
   * @param {{ project: string, stack: string }} o.target
   * @param {(state: StackState) => void} o.save called after every step that changes the state (never in preview)
   * @param {boolean} [o.preview]
   * @param {(line: string) => void} [o.log]
   * @param {import("./policy-packs").PolicyPacks} [o.policies] the policy packs of the run (--policy-pack)
   * @param {(type: string) => boolean} [o.serves] other types `plugin` serves (package-providers.js)
   * @param {number} [o.parallel] how many steps may run at once (`--parallel`; default GOMAXPROCS × 4)
   */
  constructor(o) {
    this.#plugin = o.plugin;
    this.#base = o.state.resources.slice();
    this.#outputs = o.state.outputs;
    this.#provider = o.state.defaultProvider;
    this.#config = o.config;
    this.#providerUrn = `urn:pulumi:${o.target.stack}::${o.target.project}::pulumi:providers:pulumi-nodejs::default`;
    this.#save = o.save;
    this.#preview = o.preview ?? false;
    this.#log = o.log ?? (() => {});
    this.#policies = o.policies;
    this.#serves = o.serves ?? (() => false);
    this.#workers = new Workers(o.parallel ?? WORKERS);
  }

  /** The stack outputs the program registered in this run (wire form). */
  get programOutputs() {
    return this.#stackOutputs ?? {};
  }

  /** @returns {StackState} */
  snapshot() {
    const resources = [...this.#done, ...this.#base.filter((r) => !this.#consumed.has(r))];
    return {
      version: 1,
      ...(this.#provider ? { defaultProvider: this.#provider } : {}),
      resources,
      outputs: this.#outputs,
    };
  }

  /**
   * RegisterResource: decides the steps (one registration at a time), runs them on a worker, and
   * answers with the id and the outputs (wire form) the program's resource resolves to.
   * @param {Registration} r
   * @returns {Promise<{ id: string, outputs: Props }>}
   */
  register(r) {
    // Components (and the root stack) are not the provider's business: their inputs are their outputs.
    if (!r.custom) return Promise.resolve({ id: "", outputs: r.inputs });
    if (!DYNAMIC.test(r.type) && !this.#serves(r.type)) {
      return Promise.reject(
        new Error(
          `${r.urn}: the harness drives only dynamic resources (pulumi-nodejs:dynamic:*) and the package resources a packageProviders module serves`,
        ),
      );
    }
    this.#registered.add(r.urn);
    const decided = this.#generator.then(() => {
      this.#throwIfCancelled(r.urn);
      return this.#stepsFor(r);
    });
    this.#generator = decided.catch(() => undefined);
    const done = decided.then((chain) => this.#workers.run(() => (this.#throwIfCancelled(r.urn), chain())));
    this.#track(done);
    return done;
  }

  /** RegisterResourceOutputs: only the root stack's outputs (the program's exports) are kept. @param {string} urn @param {Props} outputs */
  registerOutputs(urn, outputs) {
    if (urn.split("::")[2] === "pulumi:pulumi:Stack") this.#stackOutputs = outputs;
  }

  /**
   * After the program: deletes replaced resources, leftovers of failed runs and those the program no
   * longer declares; then the stack outputs. Not after a failed step, nor when the program failed.
   * @param {boolean} programOk
   */
  async finish(programOk) {
    await this.#settled();
    if (this.failures.length > 0 || !programOk) return;
    const doomed = this.snapshot().resources.filter(
      (r) => r.delete || this.#replaced.has(r) || !this.#registered.has(r.urn),
    );
    if (doomed.length > 0) await this.#useProvider("state");
    if (!(await this.#deleteAll(doomed))) return;
    this.failures.push(...this.#policyFailures);
    // A program without dynamic resources no longer needs the default provider.
    if (this.#registered.size === 0 && this.#provider) this.#deleteProvider();
    if (!this.#preview && this.#stackOutputs) {
      this.#outputs = this.#stackOutputs;
      this.#commit();
    }
  }

  /** Read for every resource, in parallel, past failures; the provider answering with no id drops it. */
  async refresh() {
    if (this.#base.length === 0) return;
    await this.#useProvider("state");
    await Promise.all(this.#base.slice().map((old) => this.#workers.run(() => this.#refreshOne(old))));
    // Dependencies on resources the refresh dropped go (rebuildBaseState).
    this.#base = this.#base.filter((r) => !this.#consumed.has(r));
    const left = new Set(this.#base.map((r) => r.urn));
    this.#base = this.#base.map((r) =>
      r.dependencies.every((d) => left.has(d)) ? r : { ...r, dependencies: r.dependencies.filter((d) => left.has(d)) },
    );
    this.#commit();
  }

  /** Delete for every resource, dependents first; then the default provider. */
  async destroy() {
    if (this.#base.length > 0) {
      await this.#useProvider("state");
      if (!(await this.#deleteAll(this.#base.slice()))) return;
    }
    if (this.#provider) this.#deleteProvider();
    this.#outputs = {};
    this.#commit();
  }

  /** @param {string} urn */
  #throwIfCancelled(urn) {
    if (this.failures.length > 0)
      throw new Error(`${nameOf(urn)}: not started: the deployment stopped after an earlier failure`);
  }

  /** @param {Promise<unknown>} p */
  #track(p) {
    const settled = p.catch(() => undefined).finally(() => this.#running.delete(settled));
    this.#running.add(settled);
  }

  /** Waits until every registration so far is decided and every chain has finished. */
  async #settled() {
    while (this.#running.size > 0) await Promise.all([...this.#running]);
  }

  /**
   * Configures the plugin once per run: from the program's registration of the default provider
   * (the current config), or from the state (refresh, destroy, deletes without a registration).
   * @param {"program" | "state"} from
   */
  #useProvider(from) {
    return (this.#configured ??= this.#configureFrom(from));
  }

  /** @param {"program" | "state"} from */
  async #configureFrom(from) {
    const saved = this.#provider;
    if (from === "state" && saved) {
      await this.#plugin.configure(reveal(saved.inputs));
      this.providerSteps.push("load");
      return;
    }
    await this.#plugin.configure(reveal(this.#config));
    /** @type {ProviderOp} */
    const op = !saved ? "create" : sameValue(reveal(saved.inputs), reveal(this.#config)) ? "same" : "update";
    this.providerSteps.push(op);
    if (op === "same" || this.#preview) return;
    this.#provider = { urn: this.#providerUrn, id: saved?.id ?? randomUUID(), inputs: this.#config };
    this.#commit();
  }

  #deleteProvider() {
    this.providerSteps.push("delete");
    if (!this.#preview) this.#provider = undefined;
  }

  /**
   * Check, Diff and, for a replacement, Check again: the step generator's part. Returns the chain
   * of steps to run.
   * @param {Registration} r
   * @returns {Promise<Chain>}
   */
  async #stepsFor(r) {
    await this.#useProvider("program");
    const old = this.#base.find((b) => b.urn === r.urn && !b.delete && !this.#consumed.has(b));
    const news = reveal(r.inputs);
    const checked = await this.#check(r.urn, old ? reveal(old.inputs) : {}, news);
    await this.#analyze(r, checked);
    if (!old) return () => this.#create(r, checked, "create");

    const diff = await this.#call("Diff", r.urn, unknownNames(checked).sort(), () =>
      this.#plugin.diff(r.urn, old.id, reveal(old.outputs), checked),
    ).catch((err) => {
      throw this.#fail("diff", r.urn, err);
    });
    if (diff.replaces.length > 0) {
      const why = { replaces: diff.replaces, deleteBeforeReplace: diff.deleteBeforeReplace || r.deleteBeforeReplace };
      const fresh = await this.#check(r.urn, {}, news);
      return async () => {
        if (why.deleteBeforeReplace && !(await this.#delete(old, "delete-replaced"))) {
          throw new StepFailure(`${nameOf(r.urn)}: the resource it replaces could not be deleted`);
        }
        return this.#create(r, fresh, "create-replacement", why, old);
      };
    }
    const changed = diff.changes === "some" || (diff.changes === "unknown" && !sameValue(reveal(old.inputs), checked));
    if (changed || old.initErrors) return () => this.#update(r, old, checked);
    return async () => {
      if (!this.#preview)
        this.#supersede(old, {
          ...old,
          inputs: markSecret(checked, secretNames(r.inputs)),
          dependencies: r.dependencies,
        });
      this.#record("same", r.urn);
      return { id: old.id, outputs: old.outputs };
    };
  }

  /** @param {string} urn @param {Props} olds @param {Props} news */
  async #check(urn, olds, news) {
    const res = await this.#call("Check", urn, unknownNames(news).sort(), () =>
      this.#plugin.check(urn, olds, news),
    ).catch((err) => {
      throw this.#fail("check", urn, err);
    });
    if (res.failures.length > 0) {
      const why = res.failures.map((f) => `${f.property}: ${f.reason}`).join("; ");
      throw this.#fail("check", urn, new Error(why));
    }
    return res.inputs;
  }

  /**
   * The policy packs judge the checked inputs before the resource's step (step_generator.go): a
   * mandatory violation stops an up there, before anything is created or changed; a preview goes on.
   * An analyzer's error (a policy that throws) stops either, as `analyzeAll`'s error does.
   * @param {Registration} r @param {Props} checked
   */
  async #analyze(r, checked) {
    const policies = this.#policies;
    if (!policies) return;
    const mandatory = await this.#call("Analyze", r.urn, [], () => policies.analyze(r, checked)).catch((err) => {
      throw this.#fail("analyze", r.urn, err);
    });
    if (mandatory.length === 0) return;
    const failure = new Error(`mandatory policy violation: ${mandatory.join("; ")}`);
    if (!this.#preview) throw this.#fail("analyze", r.urn, failure);
    this.#policyFailures.push(`${nameOf(r.urn)}: ${failure.message}`);
  }

  /**
   * @param {Registration} r
   * @param {Props} checked
   * @param {"create" | "create-replacement"} op
   * @param {Why} [why]
   * @param {StateResource} [replacing] the resource this one replaces (create-before-delete: marked for deletion once this one exists)
   */
  async #create(r, checked, op, why, replacing) {
    const inputs = markSecret(checked, secretNames(r.inputs));
    const diff = replacing ? displayDiff(replacing.inputs, inputs) : undefined;
    const pendingDelete = why && !why.deleteBeforeReplace ? replacing : undefined;
    // A preview Create returns the inputs: every other output is unknown to the program.
    if (this.#preview)
      return (this.#markReplaced(pendingDelete), this.#record(op, r.urn, why, diff), { id: "", outputs: inputs });
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
      this.#markReplaced(pendingDelete);
      this.#commit();
      this.#record(op, r.urn, why, diff);
      return { id: resource.id, outputs: resource.outputs };
    } catch (err) {
      const init = /** @type {{ initFailure?: import("./plugin-client").InitFailure }} */ (err).initFailure;
      if (init) {
        this.#done.push(made(init.id, init.properties, init.reasons));
        this.#markReplaced(pendingDelete);
        this.#commit();
      }
      throw this.#fail(op, r.urn, err, why, diff);
    }
  }

  /** @param {Registration} r @param {StateResource} old @param {Props} checked */
  async #update(r, old, checked) {
    const inputs = markSecret(checked, secretNames(r.inputs));
    const diff = displayDiff(old.inputs, inputs);
    // A preview Update returns the new inputs: every other output is unknown to the program.
    if (this.#preview) return (this.#record("update", r.urn, undefined, diff), { id: old.id, outputs: inputs });
    const secretOutputs = [...secretNames(r.inputs), ...r.additionalSecretOutputs];
    /** @param {Props} withInputs @param {Props} properties @param {string[]} [initErrors] @returns {StateResource} */
    const updated = (withInputs, properties, initErrors) => {
      const { initErrors: _, ...rest } = old;
      return {
        ...rest,
        inputs: withInputs,
        outputs: markSecret(properties, secretOutputs),
        dependencies: r.dependencies,
        ...(initErrors ? { initErrors } : {}),
      };
    };
    try {
      const res = await this.#call("Update", r.urn, [], () =>
        this.#plugin.update(r.urn, old.id, reveal(old.outputs), checked),
      );
      const resource = updated(inputs, res.properties);
      this.#supersede(old, resource);
      this.#record("update", r.urn, undefined, diff);
      return { id: resource.id, outputs: resource.outputs };
    } catch (err) {
      const init = /** @type {{ initFailure?: import("./plugin-client").InitFailure }} */ (err).initFailure;
      // The new outputs, the old inputs: the resource was not updated to these inputs.
      if (init) this.#supersede(old, updated(old.inputs, init.properties, init.reasons));
      throw this.#fail("update", r.urn, err, undefined, diff);
    }
  }

  /** @param {StateResource} old */
  async #refreshOne(old) {
    try {
      const res = await this.#call("Read", old.urn, [], () =>
        this.#plugin.read(old.urn, old.id, reveal(old.outputs), reveal(old.inputs)),
      );
      if (!res.id) {
        this.#consumed.add(old);
        this.#commit();
        this.#record("refresh-gone", old.urn);
        return;
      }
      const outputs = markSecret(res.properties, [...secretNames(old.outputs), ...old.additionalSecretOutputs]);
      const inputs = Object.keys(res.inputs).length > 0 ? markSecret(res.inputs, secretNames(old.inputs)) : old.inputs;
      // What the next up would do with the resource as read: olds = the read outputs, news = the inputs in the state.
      const diff = await this.#call("Diff", old.urn, [], () =>
        this.#plugin.diff(old.urn, res.id, reveal(outputs), reveal(old.inputs)),
      );
      const changed =
        diff.changes === "some" || (diff.changes === "unknown" && !sameValue(reveal(inputs), reveal(old.inputs)));
      const { initErrors: _, ...rest } = old;
      this.#base[this.#base.indexOf(old)] = { ...rest, id: res.id, inputs, outputs };
      this.#commit();
      const why =
        diff.replaces.length > 0
          ? { replaces: diff.replaces, deleteBeforeReplace: diff.deleteBeforeReplace }
          : undefined;
      this.#record(changed ? "refresh-changed" : "refresh", old.urn, why);
    } catch (err) {
      this.#fail("refresh", old.urn, err);
    }
  }

  /**
   * The new resource exists: the old one is kept, marked for deletion at the end of the run (or at
   * the end of the next up, should this one fail).
   * @param {StateResource} [old]
   */
  #markReplaced(old) {
    if (!old) return;
    this.#replaced.add(old);
    if (!this.#preview) {
      const marked = { ...old, delete: true };
      this.#base[this.#base.indexOf(old)] = marked;
      this.#replaced.add(marked);
    }
  }

  /**
   * Deletes in antichains (ScheduleDeletes): a resource goes once no resource to delete depends on
   * it; each antichain in parallel; a failure stops the rest.
   * @param {StateResource[]} doomed
   * @returns {Promise<boolean>} false when a delete failed (recorded)
   */
  async #deleteAll(doomed) {
    const condemned = new Set(doomed);
    /** @type {StateResource[][]} */
    const antichains = [];
    while (condemned.size > 0) {
      const urns = new Set([...condemned].map((r) => r.urn));
      let round = [...condemned].filter((r) => !r.dependencies.some((d) => urns.has(d) && d !== r.urn));
      if (round.length === 0) round = [...condemned]; // a cycle cannot happen in a state; never loop
      for (const r of round) condemned.delete(r);
      antichains.push(round);
    }
    for (const antichain of antichains.reverse()) {
      const ok = await Promise.all(
        antichain.map((r) =>
          this.#workers.run(() =>
            this.failures.length > 0
              ? false
              : this.#delete(r, r.delete || this.#replaced.has(r) ? "delete-replaced" : "delete"),
          ),
        ),
      );
      if (ok.includes(false)) return false;
    }
    return true;
  }

  /**
   * @param {StateResource} r @param {"delete" | "delete-replaced"} op
   * @returns {Promise<boolean>} false when it failed (recorded)
   */
  async #delete(r, op) {
    if (this.#preview) return (this.#record(op, r.urn), true);
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

  /** @param {StepOp} op @param {string} urn @param {Why} [why] @param {string} [diff] */
  #record(op, urn, why, diff) {
    /** @type {Step} */
    const step = {
      op,
      name: nameOf(urn),
      urn,
      ...(why ? { replaces: why.replaces, deleteBeforeReplace: why.deleteBeforeReplace } : {}),
      ...(diff ? { diff } : {}),
    };
    this.steps.push(step);
    this.#log(describe(step, this.#preview));
  }

  /**
   * Records a failure; the deployment stops starting steps.
   * @param {StepOp} op @param {string} urn @param {unknown} err @param {Why} [why] @param {string} [diff]
   * @returns {StepFailure}
   */
  #fail(op, urn, err, why, diff) {
    if (err instanceof StepFailure) return err; // recorded where it happened
    const message = `${nameOf(urn)}: ${op} failed: ${err instanceof Error ? err.message : String(err)}`;
    this.failures.push(message);
    /** @type {Step} */
    const step = {
      op,
      name: nameOf(urn),
      urn,
      error: message,
      ...(why ? { replaces: why.replaces, deleteBeforeReplace: why.deleteBeforeReplace } : {}),
      ...(diff ? { diff } : {}),
    };
    this.steps.push(step);
    this.#log(describe(step, this.#preview));
    return new StepFailure(message);
  }
}

/** A step that failed, already recorded. */
class StepFailure extends Error {}

/** A fixed number of workers; the rest wait their turn. */
class Workers {
  #free;
  /** @type {(() => void)[]} */
  #waiting = [];
  /** @param {number} n */
  constructor(n) {
    this.#free = n;
  }
  /** @template T @param {() => T | Promise<T>} fn @returns {Promise<T>} */
  async run(fn) {
    if (this.#free > 0) this.#free--;
    else await new Promise((/** @type {(v?: unknown) => void} */ r) => this.#waiting.push(r));
    try {
      return await fn();
    } finally {
      const next = this.#waiting.shift();
      if (next) next();
      else this.#free++;
    }
  }
}

/** @param {unknown} a @param {unknown} b */
function sameValue(a, b) {
  return JSON.stringify(sorted(a)) === JSON.stringify(sorted(b));
}

/** @param {any} v @returns {any} */
function sorted(v) {
  if (Array.isArray(v)) return v.map(sorted);
  if (v !== null && typeof v === "object")
    return Object.fromEntries(
      Object.keys(v)
        .sort()
        .map((k) => [k, sorted(v[k])]),
    );
  return v;
}

/**
 * What the CLI shows in a step's brackets when the provider sends no detailed diff (the dynamic
 * host never does): the top-level inputs that differ between the old and new inputs, internal
 * `__` keys left out, as `+added-deleted~updated` (getDiffInfo, pkg/backend/display/rows.go).
 * @param {Props} olds @param {Props} news @returns {string | undefined}
 */
function displayDiff(olds, news) {
  const keys = [...new Set([...Object.keys(olds), ...Object.keys(news)])].filter((k) => !k.startsWith("__")).sort();
  const adds = keys.filter((k) => !(k in olds));
  const deletes = keys.filter((k) => !(k in news));
  const updates = keys.filter((k) => k in olds && k in news && !sameValue(reveal(olds[k]), reveal(news[k])));
  const text = [
    ["+", adds],
    ["-", deletes],
    ["~", updates],
  ]
    .filter(([, ks]) => ks.length > 0)
    .map(([sign, ks]) => `${sign}${/** @type {string[]} */ (ks).join(",")}`)
    .join("");
  return text || undefined;
}

/** @param {string} urn */
function nameOf(urn) {
  return urn.split("::").pop() ?? urn;
}

/** "pulumi-nodejs:dynamic/qwilt:ApiKey" → "qwilt:ApiKey". @param {string} urn */
function typeOf(urn) {
  const type = (urn.split("::")[2] ?? "").split("$").pop() ?? "";
  return type.replace(DYNAMIC, "") || type;
}

const SYMBOLS = {
  create: "+",
  update: "~",
  same: " ",
  "create-replacement": "++",
  "delete-replaced": "--",
  delete: "-",
  refresh: " ",
  "refresh-changed": "~",
  "refresh-gone": "-",
  check: "!",
  diff: "!",
  analyze: "!",
};

/** One line per step, in the spirit of the CLI's: `[diff: ...]` as it shows it. @param {Step} s @param {boolean} preview */
function describe(s, preview) {
  const what = `${SYMBOLS[s.op]} ${typeOf(s.urn)} ${s.name}`.padEnd(40);
  if (s.error) return `${what} ${s.op} FAILED: ${s.error.slice(s.error.indexOf(" failed: ") + 9)}`;
  const why = `${s.diff ? ` [diff: ${s.diff}]` : ""}${s.deleteBeforeReplace ? " (delete before replace)" : ""}`;
  return `${what} ${s.op}${preview && s.op !== "same" ? " (preview)" : ""}${why}`;
}

module.exports = { Engine, nameOf };
