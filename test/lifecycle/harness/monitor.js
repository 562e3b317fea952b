// @ts-check
/**
 * The resource monitor a program talks to under Pulumi's mock runtime, wired to the harness's
 * engine instead of to mocks: RegisterResource hands the engine the request as the real engine
 * receives it (wire-form inputs with secrets and unknowns, dependencies, additionalSecretOutputs,
 * deleteBeforeReplace), and answers with the engine's id and outputs. Pulumi's MockMonitor still
 * makes URNs and serves getResource. ReadResource answers StackReferences only (stack-reference.js).
 */
"use strict";
const { dirname } = require("node:path");
const { createRequire } = require("node:module");
const { LOCAL_ORGANIZATION, readStackReference, STACK_REFERENCE } = require("./stack-reference");

const ROOT_STACK = "pulumi:pulumi:Stack";

/**
 * Installs the monitor. `projectRequire` must resolve from the project, so that the program and
 * the monitor share one @pulumi/pulumi.
 * @param {NodeJS.Require} projectRequire
 * @param {import("./engine").Engine} engine
 * @param {{ project: string, stack: string, preview: boolean, stackReferences: Record<string, string> }} o
 */
async function installMonitor(projectRequire, engine, o) {
  const pulumi = projectRequire("@pulumi/pulumi");
  const pulumiRequire = createRequire(projectRequire.resolve("@pulumi/pulumi"));
  /** @type {new (mocks: object) => any} */
  const MockMonitor = pulumiRequire("./runtime/mocks").MockMonitor;
  const settings = pulumiRequire("./runtime/settings");
  const resproto = pulumiRequire("./proto/resource_pb");
  const { Struct } = createRequire(dirname(pulumiRequire.resolve("./proto/resource_pb")) + "/")(
    "google-protobuf/google/protobuf/struct_pb",
  );

  class EngineMonitor extends MockMonitor {
    /** Like the engine: the root stack's children carry no parent type in their URN. @param {string} parent @param {string} type @param {string} name */
    newUrn(parent, type, name) {
      return super.newUrn(parent && parent.split("::")[2] === ROOT_STACK ? "" : parent, type, name);
    }

    /** @param {any} req @param {(err: unknown, res?: unknown) => void} callback */
    async registerResource(req, callback) {
      try {
        const urn = this.newUrn(req.getParent(), req.getType(), req.getName());
        const { id, outputs } = await engine.register({
          urn,
          type: req.getType(),
          custom: req.getCustom(),
          inputs: req.getObject()?.toJavaScript() ?? {},
          dependencies: req.getDependenciesList(),
          additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
          deleteBeforeReplace: req.getDeletebeforereplace(),
        });
        this.resources.set(urn, { urn, id: id || null, state: outputs });
        const res = new resproto.RegisterResourceResponse();
        res.setUrn(urn);
        res.setId(id);
        res.setObject(Struct.fromJavaScript(outputs));
        callback(null, res);
      } catch (err) {
        callback(err);
      }
    }

    /** StackReferences, from the referenced stack's state; nothing else is read. @param {any} req @param {(err: unknown, res?: unknown) => void} callback */
    async readResource(req, callback) {
      try {
        if (req.getType() !== STACK_REFERENCE)
          throw new Error(`${req.getType()} ${req.getName()}: the lifecycle harness reads only StackReferences`);
        const urn = this.newUrn(req.getParent(), req.getType(), req.getName());
        const state = readStackReference(req.getId(), o.stackReferences);
        this.resources.set(urn, { urn, id: req.getId(), state });
        const res = new resproto.ReadResourceResponse();
        res.setUrn(urn);
        res.setProperties(Struct.fromJavaScript(state));
        callback(null, res);
      } catch (err) {
        callback(err);
      }
    }

    /** @param {any} req @param {(err: unknown, res?: unknown) => void} callback */
    registerResourceOutputs(req, callback) {
      engine.registerOutputs(req.getUrn(), req.getOutputs()?.toJavaScript() ?? {});
      super.registerResourceOutputs(req, callback);
    }
  }

  const refuse = () => {
    throw new Error("the lifecycle harness does not model invokes");
  };
  // setMocks sets the runtime's feature flags; then our monitor takes the mock one's place.
  await pulumi.runtime.setMocks(
    { newResource: refuse, call: refuse },
    o.project,
    o.stack,
    o.preview,
    LOCAL_ORGANIZATION,
  );
  settings.setMockOptions(
    new EngineMonitor({ newResource: refuse, call: refuse }),
    o.project,
    o.stack,
    o.preview,
    LOCAL_ORGANIZATION,
  );
  return { pulumi, settings };
}

module.exports = { installMonitor, ROOT_STACK };
