/**
 * The policy pack as it ships, run the way the Pulumi CLI runs a local pack (its own process,
 * `@pulumi/pulumi/cmd/run-policy-pack` located from the pack folder, that folder as the working
 * directory: test/lifecycle/harness/policy-packs.js) and driven over @pulumi/policy's real
 * Analyzer service as the engine drives it: GetAnalyzerInfo, Configure with the config the engine
 * reconciles (schema defaults, --policy-pack-config file), Analyze. The keys' inputs come from
 * the provider's own Check through Pulumi's real dynamic-provider plugin, as the engine hands
 * checked inputs to analyzers. Also a pack of one's own built on apiKeyPolicies().
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import {
  parsePolicyConfig,
  reconcilePolicyConfig,
  startPolicyPack,
  type AnalyzerInfo,
  type AnalyzerProcess,
  type PolicyConfig,
} from "./lifecycle/harness/policy-packs.js";
import { markSecret, UNKNOWN } from "./lifecycle/harness/wire.js";
import { makePackedProject, PACKAGE_NAME, removeProject, REPO } from "./helpers/packed-project";
import { TYPE, urnOf } from "./helpers/plugin";
import { usePluginFixture } from "./helpers/plugin-fixture";

const STACK = { project: "qwilt-test-project", stack: "test", organization: "organization", dryRun: true };
const POLICIES = {
  maxValidity: "qwilt-api-key-max-validity",
  rotationWindow: "qwilt-api-key-rotation-window",
  editorDescription: "qwilt-api-key-editor-description",
  revokeOnDelete: "qwilt-api-key-revoke-on-delete",
  waitForActivation: "qwilt-api-key-wait-for-activation",
  allowedPermissions: "qwilt-api-key-allowed-permissions",
};
const ALL = Object.values(POLICIES);
const VERSION = JSON.parse(readFileSync(join(REPO, "package.json"), "utf8")).version as string;

const { plugin, args } = usePluginFixture();
let pack: AnalyzerProcess;
let info: AnalyzerInfo;

beforeAll(async () => {
  pack = await startPolicyPack(join(inject("packedProject"), "node_modules", PACKAGE_NAME, "policy-pack"), STACK);
  info = await pack.getAnalyzerInfo();
});
afterAll(() => pack?.stop());

/** Configures the pack as the engine does with this --policy-pack-config file text (none: the defaults). */
async function configure(file = "") {
  const { config, errors } = reconcilePolicyConfig(info, parsePolicyConfig(file));
  expect(errors).toEqual([]);
  await pack.configure(config);
  return config;
}

/** A resource as the engine hands it to an analyzer: checked inputs, top-level `__` keys left out. */
const resource = (name: string, properties: Record<string, unknown>, type = TYPE) => ({
  urn: type === TYPE ? urnOf(name) : `urn:pulumi:test::qwilt-test-project::${type}::${name}`,
  type,
  name,
  properties: Object.fromEntries(Object.entries(properties).filter(([k]) => !k.startsWith("__"))),
});

/** Checks the program's args with the real provider, analyzes the checked inputs; [policy, level, message] of each violation. */
async function analyzeKey(name: string, a: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  const checked = await plugin.check(urnOf(name), {}, args(name, a));
  expect(checked.failures).toEqual([]);
  return analyze(resource(name, { ...checked.inputs, ...extra }));
}

async function analyze(r: ReturnType<typeof resource>) {
  const { diagnostics } = await pack.analyze(r);
  for (const d of diagnostics) {
    expect(d.policyPackName).toBe("qwilt-api-keys");
    expect(d.message.split("\n")[0]).toBe(d.description);
  }
  return diagnostics.map((d) => [d.policyName, d.enforcementLevel, d.message.split("\n").slice(1).join("\n")]);
}

describe("the shipped pack, started as the CLI starts a local pack", () => {
  it("describes itself: name, the version of its package.json (its working directory), six mandatory policies with config schemas", () => {
    expect(JSON.parse(readFileSync(join(REPO, "policy-pack/package.json"), "utf8")).version).toBe(VERSION);
    expect(info).toMatchObject({ name: "qwilt-api-keys", version: VERSION, supportsConfig: true, initialConfig: {} });
    expect(info.policies.map((p) => [p.name, p.enforcementLevel])).toEqual(
      [...ALL].sort().map((n) => [n, "mandatory"]),
    );
    const schema = (name: string) => info.policies.find((p) => p.name === name)!.configSchema;
    expect(schema(POLICIES.maxValidity)).toEqual({
      properties: {
        maxValidForDays: {
          type: "integer",
          minimum: 1,
          maximum: 365,
          default: 90,
          description: "The longest validity a key may have, in days.",
        },
      },
      required: [],
    });
    expect(schema(POLICIES.rotationWindow)!.properties.minRotateBeforeDays).toMatchObject({
      type: "integer",
      minimum: 1,
      maximum: 364,
      default: 7,
    });
    expect(schema(POLICIES.allowedPermissions)!.properties.allowedPermissions).toMatchObject({
      type: "array",
      items: { type: "string", enum: ["viewer", "editor"] },
      minItems: 1,
      uniqueItems: true,
      default: ["viewer", "editor"],
    });
    for (const name of [POLICIES.editorDescription, POLICIES.revokeOnDelete, POLICIES.waitForActivation])
      expect(schema(name)).toEqual({ properties: {}, required: [] });
  });

  it("gets the schema defaults from the engine, and passes keys that keep every rule", async () => {
    expect(await configure()).toEqual({
      [POLICIES.maxValidity]: { enforcementLevel: "mandatory", properties: { maxValidForDays: 90 } },
      [POLICIES.rotationWindow]: { enforcementLevel: "mandatory", properties: { minRotateBeforeDays: 7 } },
      [POLICIES.editorDescription]: { enforcementLevel: "mandatory", properties: {} },
      [POLICIES.revokeOnDelete]: { enforcementLevel: "mandatory", properties: {} },
      [POLICIES.waitForActivation]: { enforcementLevel: "mandatory", properties: {} },
      [POLICIES.allowedPermissions]: {
        enforcementLevel: "mandatory",
        properties: { allowedPermissions: ["viewer", "editor"] },
      },
    });
    expect(await analyzeKey("reporting", { permission: "viewer", validForDays: 90 })).toEqual([]);
    expect(
      await analyzeKey("deployer", {
        permission: "editor",
        validForDays: 30,
        rotateBeforeDays: 7,
        description: "CDN deployer (team web)",
      }),
    ).toEqual([]);
    // 14 days: the default lead time is half of it, 7, the minimum.
    expect(
      await analyzeKey("short", {
        permission: "viewer",
        validForDays: 14,
        waitForActivation: true,
        revokeOnDelete: true,
      }),
    ).toEqual([]);
  });

  it("reports each broken rule with the key, the value, the rule and the fix", async () => {
    expect(await analyzeKey("yearly", { permission: "viewer", validForDays: 365 })).toEqual([
      [
        POLICIES.maxValidity,
        "mandatory",
        'ApiKey "yearly" is valid for 365 days (validForDays: 365), longer than the 90 days allowed. Set validForDays to 90 or less.',
      ],
    ]);
    expect(await analyzeKey("late", { permission: "viewer", validForDays: 30, rotateBeforeDays: 2 })).toEqual([
      [
        POLICIES.rotationWindow,
        "mandatory",
        'ApiKey "late": rotateBeforeDays is 2, below the minimum of 7 days that scheduled pulumi up runs get to replace the key before it expires. Set rotateBeforeDays to 7 or more.',
      ],
    ]);
    expect(await analyzeKey("never", { permission: "viewer", validForDays: 30, rotateBeforeDays: 0 })).toEqual([
      [
        POLICIES.rotationWindow,
        "mandatory",
        'ApiKey "never": rotateBeforeDays is 0 (the key is replaced only once it has expired), below the minimum of 7 days that scheduled pulumi up runs get to replace the key before it expires. Set rotateBeforeDays to 7 or more.',
      ],
    ]);
    // The provider's default lead time (half of 10 days), filled in by check.
    expect(await analyzeKey("tenday", { permission: "viewer", validForDays: 10 })).toEqual([
      [
        POLICIES.rotationWindow,
        "mandatory",
        'ApiKey "tenday": rotateBeforeDays is 5, the default for validForDays 10 (30, or half of validForDays when shorter), below the minimum of 7 days that scheduled pulumi up runs get to replace the key before it expires. Set rotateBeforeDays to 7 or more.',
      ],
    ]);
    expect((await analyzeKey("weekly", { permission: "viewer", validForDays: 7, rotateBeforeDays: 6 }))[0]![2]).toMatch(
      /Set rotateBeforeDays to 7 or more, and validForDays above 7 \(rotateBeforeDays must be below it\)\.$/,
    );
    expect(await analyzeKey("anon-editor", { permission: "editor", validForDays: 30 })).toEqual([
      [
        POLICIES.editorDescription,
        "mandatory",
        'ApiKey "anon-editor" has permission "editor" (every endpoint) but no description. Set description to what the key is for and who owns it, or use permission "viewer" if it only reads.',
      ],
    ]);
    expect(await analyzeKey("kept", { permission: "viewer", validForDays: 60, revokeOnDelete: false })).toEqual([
      [
        POLICIES.revokeOnDelete,
        "mandatory",
        'ApiKey "kept" sets revokeOnDelete: false, so a replaced or deleted key keeps working until it expires (up to 60 days). Remove revokeOnDelete (it defaults to true) so the key is revoked when it is replaced or deleted.',
      ],
    ]);
    expect(await analyzeKey("hasty", { permission: "viewer", validForDays: 60, waitForActivation: false })).toEqual([
      [
        POLICIES.waitForActivation,
        "mandatory",
        'ApiKey "hasty" sets waitForActivation: false, so its consumers may get a new key before Qwilt accepts it (up to 5 minutes after it is made), and on a rotation the old key may be revoked first. Remove waitForActivation (it defaults to true).',
      ],
    ]);
    // Every rule at once, one violation each.
    const all = await analyzeKey("everything", {
      permission: "editor",
      validForDays: 365,
      rotateBeforeDays: 1,
      revokeOnDelete: false,
      waitForActivation: false,
    });
    expect(all.map(([policy]) => policy)).toEqual([
      POLICIES.maxValidity,
      POLICIES.rotationWindow,
      POLICIES.editorDescription,
      POLICIES.revokeOnDelete,
      POLICIES.waitForActivation,
    ]);
  });

  it("never counts a value unknown during preview as a violation, nor says it could not run", async () => {
    // Unknown validity and lead time (check passes the unknown on), permission, description, flags.
    const unknowns = {
      permission: UNKNOWN,
      validForDays: UNKNOWN,
      description: UNKNOWN,
      revokeOnDelete: UNKNOWN,
      waitForActivation: UNKNOWN,
    };
    const checked = await plugin.check(urnOf("later"), {}, args("later", unknowns));
    expect(checked.inputs.rotateBeforeDays).toBe(UNKNOWN);
    expect(await analyze(resource("later", checked.inputs))).toEqual([]);
    expect(await analyzeKey("later-editor", { permission: "editor", validForDays: 30, description: UNKNOWN })).toEqual(
      [],
    );
    expect(
      await analyzeKey("later-lead", { permission: "viewer", validForDays: 30, rotateBeforeDays: UNKNOWN }),
    ).toEqual([]);
    // What is known is still judged.
    expect((await analyzeKey("later-long", { permission: UNKNOWN, validForDays: 200 })).map(([p]) => p)).toEqual([
      POLICIES.maxValidity,
    ]);
  });

  it("reads inputs given as secrets (the engine marks them in the checked inputs) as their values", async () => {
    const secretly = async (name: string, a: Record<string, unknown>, secrets: string[]) => {
      const checked = await plugin.check(urnOf(name), {}, args(name, a));
      expect(checked.failures).toEqual([]);
      return analyze(resource(name, markSecret(checked.inputs, secrets)));
    };
    const flags = ["permission", "validForDays", "rotateBeforeDays", "revokeOnDelete", "waitForActivation"];
    const bad = { permission: "editor", validForDays: 365, rotateBeforeDays: 2, revokeOnDelete: false };
    expect((await secretly("hidden", { ...bad, waitForActivation: false }, flags)).map(([p]) => p)).toEqual([
      POLICIES.maxValidity,
      POLICIES.rotationWindow,
      POLICIES.editorDescription,
      POLICIES.revokeOnDelete,
      POLICIES.waitForActivation,
    ]);
    // A secret description counts as one; a secret value not known yet is unknown.
    expect(
      await secretly("hidden-ok", { permission: "editor", validForDays: 30, description: "Purge job" }, [
        ...flags,
        "description",
      ]),
    ).toEqual([]);
    expect(
      await secretly("hidden-later", { permission: "editor", validForDays: UNKNOWN, description: UNKNOWN }, [
        "validForDays",
        "description",
        "rotateBeforeDays",
      ]),
    ).toEqual([]);
  });

  it("applies the provider's defaults to inputs that never went through check", async () => {
    expect(await analyze(resource("raw", { permission: "editor", validForDays: 8, description: "Purge job" }))).toEqual(
      [
        [
          POLICIES.rotationWindow,
          "mandatory",
          'ApiKey "raw": rotateBeforeDays is 4, the default for validForDays 8 (30, or half of validForDays when shorter), below the minimum of 7 days that scheduled pulumi up runs get to replace the key before it expires. Set rotateBeforeDays to 7 or more.',
        ],
      ],
    );
    expect(await analyze(resource("raw-ok", { permission: "viewer", validForDays: 30 }))).toEqual([]);
  });

  it("judges a key that keeps its previous key (overlapDays) by the same rules, and ignores inputs it does not know", async () => {
    expect(
      await analyzeKey(
        "overlap",
        { permission: "viewer", validForDays: 30, overlapDays: 3 },
        { somethingElse: { deep: [1] } },
      ),
    ).toEqual([]);
    expect(
      (await analyzeKey("overlap-long", { permission: "viewer", validForDays: 120, overlapDays: 3 })).map(([p]) => p),
    ).toEqual([POLICIES.maxValidity]);
  });

  it("leaves resources of other types alone: not applicable, whatever their inputs", async () => {
    const { diagnostics, notApplicable } = await pack.analyze(
      resource("bucket", { validForDays: 365, revokeOnDelete: false, permission: "admin" }, "aws:s3/bucket:Bucket"),
    );
    expect(diagnostics).toEqual([]);
    expect(notApplicable).toEqual(
      ALL.map((policyName) => ({ policyName, reason: `Policy only applies to resources of type '${TYPE}'` })),
    );
  });

  it('takes user config from a --policy-pack-config file: levels, "all", settings', async () => {
    await configure(
      JSON.stringify({
        all: "advisory",
        [POLICIES.maxValidity]: { enforcementLevel: "mandatory", maxValidForDays: 30 },
        [POLICIES.allowedPermissions]: { allowedPermissions: ["viewer"] },
        [POLICIES.waitForActivation]: "disabled",
      }),
    );
    expect(
      await analyzeKey("ops", {
        permission: "editor",
        validForDays: 60,
        description: "Ops automation",
        waitForActivation: false,
      }),
    ).toEqual([
      [
        POLICIES.maxValidity,
        "mandatory",
        'ApiKey "ops" is valid for 60 days (validForDays: 60), longer than the 30 days allowed. Set validForDays to 30 or less.',
      ],
      [
        POLICIES.allowedPermissions,
        "advisory",
        'ApiKey "ops" has permission "editor", which is not allowed here (allowed: "viewer"). Use permission "viewer", or have "editor" added to the allowedPermissions of this policy.',
      ],
    ]);
    expect(await analyzeKey("ops-viewer", { permission: "viewer", validForDays: 30 })).toEqual([]);
    await configure();
  });

  it('takes "remediate" as @pulumi/policy does for policies that do not remediate: they remediate nothing and report as mandatory', async () => {
    await configure(JSON.stringify({ all: "remediate" }));
    const checked = await plugin.check(urnOf("fixme"), {}, args("fixme", { permission: "viewer", validForDays: 200 }));
    const r = resource("fixme", checked.inputs);
    expect((await pack.remediate(r)).remediations).toEqual([]);
    expect(await analyze(r)).toEqual([
      [
        POLICIES.maxValidity,
        "mandatory",
        'ApiKey "fixme" is valid for 200 days (validForDays: 200), longer than the 90 days allowed. Set validForDays to 90 or less.',
      ],
    ]);
    await configure();
  });

  it("config the engine refuses before anything runs: minRotateBeforeDays 0, a permission that does not exist, a maximum above 365", () => {
    const errors = (file: object) => reconcilePolicyConfig(info, parsePolicyConfig(JSON.stringify(file))).errors;
    expect(errors({ [POLICIES.rotationWindow]: { minRotateBeforeDays: 0 } })).toEqual([
      expect.stringMatching(/^qwilt-api-key-rotation-window: minRotateBeforeDays: /),
    ]);
    expect(errors({ [POLICIES.allowedPermissions]: { allowedPermissions: ["admin"] } })).toEqual([
      expect.stringMatching(/^qwilt-api-key-allowed-permissions: allowedPermissions\.0: /),
    ]);
    expect(errors({ [POLICIES.allowedPermissions]: { allowedPermissions: [] } })).toHaveLength(1);
    expect(errors({ [POLICIES.maxValidity]: { maxValidForDays: 400 } })).toEqual([
      expect.stringMatching(/^qwilt-api-key-max-validity: maxValidForDays: /),
    ]);
    expect(errors({ [POLICIES.maxValidity]: { maxValidForDays: 30.5 } })).toHaveLength(1);
    expect(() => parsePolicyConfig(JSON.stringify({ [POLICIES.maxValidity]: "strict" }))).toThrow(
      /"strict" is not a valid enforcement level/,
    );
  });

  it("config that reaches it all the same (a misspelt key, which the engine lets through; 0 sent unvalidated) fails the Analyze call of any resource, naming policy, key and allowed values", async () => {
    const defaults = reconcilePolicyConfig(info).config;
    const withConfig = async (name: string, properties: Record<string, unknown>) => {
      // The engine's validation ignores unknown keys: this file passes it.
      const { config, errors } = reconcilePolicyConfig(info, { [name]: { properties } });
      await pack.configure(
        errors.length === 0 ? config : { ...defaults, [name]: { ...(defaults[name] as PolicyConfig), properties } },
      );
      return analyzeKey("any", { permission: "viewer", validForDays: 30 }).then(
        () => "no error",
        (err: Error) => err.message,
      );
    };
    expect(await withConfig(POLICIES.maxValidity, { maxValidDays: 30 })).toContain(
      'policy qwilt-api-key-max-validity: config has an unknown key "maxValidDays": its keys are maxValidForDays (and enforcementLevel)',
    );
    // Whatever the resource's type: the run stops at the first resource analyzed, before anything is made.
    await expect(pack.analyze(resource("bucket", {}, "aws:s3/bucket:Bucket"))).rejects.toThrow(
      'policy qwilt-api-key-max-validity: config has an unknown key "maxValidDays"',
    );
    expect(await withConfig(POLICIES.revokeOnDelete, { allow: true })).toContain(
      'policy qwilt-api-key-revoke-on-delete: config has an unknown key "allow": it takes none (and enforcementLevel)',
    );
    expect(await withConfig(POLICIES.rotationWindow, { minRotateBeforeDays: 0 })).toContain(
      "policy qwilt-api-key-rotation-window: config minRotateBeforeDays must be a whole number from 1 to 364 (got 0)",
    );
    expect(await withConfig(POLICIES.allowedPermissions, { allowedPermissions: ["viewer", "viewer"] })).toContain(
      'config allowedPermissions must be a list of at least 1 of "viewer", "editor", each at most once (got ["viewer","viewer"])',
    );
    await pack.configure(defaults);
    expect(await analyzeKey("any", { permission: "viewer", validForDays: 30 })).toEqual([]);
  });
});

describe("a policy pack of one's own, built on apiKeyPolicies()", () => {
  let project: string;
  let own: AnalyzerProcess | undefined;
  afterAll(async () => {
    await own?.stop();
    if (project) removeProject(project);
  });

  it("serves the ApiKey policies beside its own, with its own levels and initial config", async () => {
    project = makePackedProject(inject("tarball"), "qwilt-own-pack");
    const dir = join(project, "security-pack");
    mkdirSync(dir);
    writeFileSync(join(dir, "PulumiPolicy.yaml"), "runtime: nodejs\ndescription: Acme's rules\n");
    writeFileSync(
      join(dir, "package.json"),
      JSON.stringify({ name: "acme-security", version: "1.2.3", main: "index.js" }),
    );
    writeFileSync(
      join(dir, "index.js"),
      `const { PolicyPack } = require("@pulumi/policy");
const { apiKeyPolicies, API_KEY_TYPE } = require("pulumi-qwilt-api-keys/policy");
new PolicyPack("acme-security", {
  enforcementLevel: "advisory",
  policies: [
    ...apiKeyPolicies(),
    {
      name: "acme-key-names",
      description: "Qwilt keys are named acme-*.",
      enforcementLevel: "mandatory",
      validateResource: (args, reportViolation) => {
        if (args.type === API_KEY_TYPE && !String(args.props.name).startsWith("acme-")) reportViolation("name it acme-...");
      },
    },
  ],
}, { "qwilt-api-key-max-validity": { enforcementLevel: "mandatory", maxValidForDays: 30 } });
`,
    );
    own = await startPolicyPack(dir, STACK);
    const ownInfo = await own.getAnalyzerInfo();
    expect(ownInfo).toMatchObject({
      name: "acme-security",
      version: "1.2.3",
      initialConfig: { [POLICIES.maxValidity]: { enforcementLevel: "mandatory", properties: { maxValidForDays: 30 } } },
    });
    expect(ownInfo.policies.map((p) => [p.name, p.enforcementLevel])).toEqual(
      [...ALL, "acme-key-names"].sort().map((n) => [n, n === "acme-key-names" ? "mandatory" : "advisory"]),
    );
    const { config, errors } = reconcilePolicyConfig(ownInfo);
    expect(errors).toEqual([]);
    expect(config[POLICIES.maxValidity]).toEqual({
      enforcementLevel: "mandatory",
      properties: { maxValidForDays: 30 },
    });
    await own.configure(config);

    const checked = await plugin.check(
      urnOf("ci"),
      {},
      args("ci", { permission: "editor", validForDays: 60, name: "acme-ci" }),
    );
    const { diagnostics } = await own.analyze(resource("ci", checked.inputs));
    expect(diagnostics.map((d) => [d.policyName, d.enforcementLevel])).toEqual([
      [POLICIES.maxValidity, "mandatory"],
      [POLICIES.editorDescription, "advisory"],
    ]);
  });
});
