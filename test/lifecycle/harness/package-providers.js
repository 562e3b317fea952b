// @ts-check
/**
 * Package providers (github, kubernetes, vault, ...) that the harness cannot start, because their
 * plugins are binaries the Pulumi CLI downloads, played in JavaScript instead: a module the test
 * names (RunSpec.packageProviders) answers Check, Diff, Create, Read, Update and Delete for the
 * types it lists, and this file routes each call by the type in its URN, to that module or to the
 * dynamic-provider plugin. The engine steps through those resources as through dynamic ones; what
 * the real provider would answer (its outputs, which changes replace, delete-before-replace) is the
 * module's to model.
 */
"use strict";

/**
 * @typedef {import("./wire").Props} Props
 * @typedef {import("./plugin-client").PluginProcess} PluginProcess
 * @typedef {import("./plugin-client").DiffResult} DiffResult
 *
 * @typedef {object} PackageProvider one resource type's provider; a missing check accepts the inputs as they are
 * @property {(urn: string, olds: Props, news: Props) => Promise<{ inputs: Props, failures: { property: string, reason: string }[] }>} [check]
 * @property {(urn: string, id: string, olds: Props, news: Props) => Promise<DiffResult>} diff olds are the old outputs, as the engine sends them
 * @property {(urn: string, news: Props) => Promise<{ id: string, properties: Props }>} create
 * @property {(urn: string, id: string, olds: Props, news: Props) => Promise<{ properties: Props }>} update
 * @property {(urn: string, id: string, props: Props) => Promise<void>} delete
 * @property {(urn: string, id: string, props: Props, inputs?: Props) => Promise<{ id: string, properties: Props, inputs: Props }>} [read]
 *
 * @typedef {object} PackageProvidersSpec
 * @property {string} module an absolute path; the module exports `(options) => Record<type token, PackageProvider>`
 * @property {Record<string, unknown>} [options] passed to it (e.g. where it keeps the world it stands for)
 */

/** "urn:pulumi:dev::proj::parent$github:index/actionsSecret:ActionsSecret::name" → the resource's own type. @param {string} urn */
function typeOfUrn(urn) {
  return (urn.split("::")[2] ?? "").split("$").pop() ?? "";
}

/**
 * The plugin, with the calls for the types `spec` serves sent to its module instead; `serves`
 * tells the engine which types those are.
 * @param {PluginProcess} plugin
 * @param {PackageProvidersSpec} [spec]
 * @returns {{ plugin: PluginProcess, serves: (type: string) => boolean }}
 */
function withPackageProviders(plugin, spec) {
  if (!spec) return { plugin, serves: () => false };
  /** @type {Record<string, PackageProvider>} */
  const providers = require(spec.module)(spec.options ?? {});
  const of = (/** @type {string} */ urn) => providers[typeOfUrn(urn)];
  /** @type {PluginProcess} */
  const routed = {
    client: plugin.client,
    output: () => plugin.output(),
    configure: (config) => plugin.configure(config),
    stop: () => plugin.stop(),
    check: async (urn, olds, news) => {
      const p = of(urn);
      if (!p) return plugin.check(urn, olds, news);
      return p.check ? p.check(urn, olds, news) : { inputs: news, failures: [] };
    },
    diff: async (urn, id, olds, news) => of(urn)?.diff(urn, id, olds, news) ?? plugin.diff(urn, id, olds, news),
    create: async (urn, news) => of(urn)?.create(urn, news) ?? plugin.create(urn, news),
    update: async (urn, id, olds, news) => of(urn)?.update(urn, id, olds, news) ?? plugin.update(urn, id, olds, news),
    delete: async (urn, id, props) => of(urn)?.delete(urn, id, props) ?? plugin.delete(urn, id, props),
    read: async (urn, id, props, inputs) => {
      const p = of(urn);
      if (!p) return plugin.read(urn, id, props, inputs);
      if (!p.read) throw new Error(`${typeOfUrn(urn)}: the package provider module ${spec.module} does not read`);
      return p.read(urn, id, props, inputs);
    },
  };
  return { plugin: routed, serves: (type) => type in providers };
}

module.exports = { withPackageProviders, typeOfUrn };
