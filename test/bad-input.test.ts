/**
 * Invalid ApiKey arguments, through the real plugin's Check (what `pulumi preview` runs): each is refused
 * before anything is sent to Qwilt, naming the argument and what it may be.
 */
import { describe, expect, it } from "vitest";
import { urnOf } from "./helpers/plugin";
import { usePluginFixture } from "./helpers/plugin-fixture";

const PERMISSION = 'one of "viewer", "editor"';
const DAYS = "a whole number of days from 1 to 365";
const ROTATE = "a whole number of days from 0 to validForDays - 1";
const NAME = "a non-empty string of at most 128 characters";
const DESCRIPTION = "a non-empty string of at most 1024 characters";
const BOOL = "true or false";
const SECONDS = "a whole number of seconds from 1 to 3600";
const KNOWN =
  "the known arguments are permission, validForDays, name, description, orgId, rotateBeforeDays, waitForActivation, activationTimeoutSeconds, revokeOnDelete, overlapDays";
const ORG_NEEDS_LOGIN =
  "orgId needs username/password credentials (qwilt:username and qwilt:password, or QWILT_USERNAME and QWILT_PASSWORD): an API key works only in the organization it was made in; remove orgId to use the API key's organization";

const ok = { permission: "viewer", validForDays: 30 };
const x = (n: number) => "x".repeat(n);

/** [what is wrong, the args, the one failure expected: property and reason]. */
const ROWS: [string, Record<string, unknown>, string, string][] = [
  ["permission missing", { validForDays: 30 }, "permission", `permission is required: ${PERMISSION}`],
  [
    "permission unknown",
    { ...ok, permission: "admin" },
    "permission",
    `permission must be ${PERMISSION} (got "admin")`,
  ],
  ["permission of the wrong type", { ...ok, permission: 1 }, "permission", `permission must be ${PERMISSION} (got 1)`],
  [
    "permission in the wrong case",
    { ...ok, permission: "Viewer" },
    "permission",
    `permission must be ${PERMISSION} (got "Viewer")`,
  ],
  [
    "permission as Qwilt spells it",
    { ...ok, permission: "MediaEditor" },
    "permission",
    `permission must be ${PERMISSION} (got "MediaEditor")`,
  ],
  ["validForDays missing", { permission: "viewer" }, "validForDays", `validForDays is required: ${DAYS}`],
  [
    "validForDays as a string",
    { ...ok, validForDays: "30" },
    "validForDays",
    `validForDays must be ${DAYS} (got "30")`,
  ],
  [
    "validForDays as a boolean",
    { ...ok, validForDays: true },
    "validForDays",
    `validForDays must be ${DAYS} (got true)`,
  ],
  ["validForDays zero", { ...ok, validForDays: 0 }, "validForDays", `validForDays must be ${DAYS} (got 0)`],
  ["validForDays negative", { ...ok, validForDays: -7 }, "validForDays", `validForDays must be ${DAYS} (got -7)`],
  ["validForDays above 365", { ...ok, validForDays: 366 }, "validForDays", `validForDays must be ${DAYS} (got 366)`],
  ["validForDays fractional", { ...ok, validForDays: 1.5 }, "validForDays", `validForDays must be ${DAYS} (got 1.5)`],
  [
    "rotateBeforeDays fractional",
    { ...ok, rotateBeforeDays: 1.5 },
    "rotateBeforeDays",
    `rotateBeforeDays must be ${ROTATE} (got 1.5)`,
  ],
  [
    "rotateBeforeDays negative",
    { ...ok, rotateBeforeDays: -1 },
    "rotateBeforeDays",
    `rotateBeforeDays must be ${ROTATE} (got -1)`,
  ],
  [
    "rotateBeforeDays as a string",
    { ...ok, rotateBeforeDays: "7" },
    "rotateBeforeDays",
    `rotateBeforeDays must be ${ROTATE} (got "7")`,
  ],
  [
    "rotateBeforeDays = validForDays",
    { ...ok, rotateBeforeDays: 30 },
    "rotateBeforeDays",
    "rotateBeforeDays must be a whole number of days from 0 to 29, below validForDays (30) (got 30)",
  ],
  [
    "rotateBeforeDays > validForDays",
    { ...ok, validForDays: 10, rotateBeforeDays: 20 },
    "rotateBeforeDays",
    "rotateBeforeDays must be a whole number of days from 0 to 9, below validForDays (10) (got 20)",
  ],
  ["name empty", { ...ok, name: "" }, "name", `name must be ${NAME} (got "")`],
  ["name only spaces", { ...ok, name: "   " }, "name", `name must be ${NAME} (got "   ")`],
  ["name too long (129)", { ...ok, name: x(129) }, "name", `name must be ${NAME} (got a string of 129 characters)`],
  ["name of the wrong type", { ...ok, name: 42 }, "name", `name must be ${NAME} (got 42)`],
  ["description empty", { ...ok, description: "" }, "description", `description must be ${DESCRIPTION} (got "")`],
  [
    "description too long (1025)",
    { ...ok, description: x(1025) },
    "description",
    `description must be ${DESCRIPTION} (got a string of 1025 characters)`,
  ],
  [
    "description of the wrong type",
    { ...ok, description: 5 },
    "description",
    `description must be ${DESCRIPTION} (got 5)`,
  ],
  [
    "waitForActivation as a string",
    { ...ok, waitForActivation: "yes" },
    "waitForActivation",
    `waitForActivation must be ${BOOL} (got "yes")`,
  ],
  [
    "activationTimeoutSeconds zero",
    { ...ok, activationTimeoutSeconds: 0 },
    "activationTimeoutSeconds",
    `activationTimeoutSeconds must be ${SECONDS} (got 0)`,
  ],
  [
    "activationTimeoutSeconds above 3600",
    { ...ok, activationTimeoutSeconds: 3601 },
    "activationTimeoutSeconds",
    `activationTimeoutSeconds must be ${SECONDS} (got 3601)`,
  ],
  [
    "activationTimeoutSeconds fractional",
    { ...ok, activationTimeoutSeconds: 1.5 },
    "activationTimeoutSeconds",
    `activationTimeoutSeconds must be ${SECONDS} (got 1.5)`,
  ],
  [
    "revokeOnDelete as a string",
    { ...ok, revokeOnDelete: "false" },
    "revokeOnDelete",
    `revokeOnDelete must be ${BOOL} (got "false")`,
  ],
  ["overlapDays negative", { ...ok, overlapDays: -1 }, "overlapDays", `overlapDays must be ${ROTATE} (got -1)`],
  ["overlapDays fractional", { ...ok, overlapDays: 0.5 }, "overlapDays", `overlapDays must be ${ROTATE} (got 0.5)`],
  ["overlapDays as a string", { ...ok, overlapDays: "2" }, "overlapDays", `overlapDays must be ${ROTATE} (got "2")`],
  [
    "overlapDays = validForDays",
    { ...ok, overlapDays: 30 },
    "overlapDays",
    "overlapDays must be a whole number of days from 0 to 29, below validForDays (30) (got 30)",
  ],
  [
    "overlapDays > validForDays",
    { ...ok, validForDays: 7, overlapDays: 10 },
    "overlapDays",
    "overlapDays must be a whole number of days from 0 to 6, below validForDays (7) (got 10)",
  ],
  [
    "overlapDays with revokeOnDelete: false",
    { ...ok, overlapDays: 2, revokeOnDelete: false },
    "overlapDays",
    "overlapDays (2) and revokeOnDelete: false contradict each other: overlapDays keeps the previous key for 2 day(s) after a rotation and then revokes it, " +
      "revokeOnDelete: false never revokes a key; remove revokeOnDelete: false to keep the previous key for a bounded time, or set overlapDays: 0 to let replaced keys run out",
  ],
  ["orgId empty", { ...ok, orgId: "" }, "orgId", 'orgId must be a non-empty organization id (got "")'],
  ["orgId with API-key credentials", { ...ok, orgId: "org-2" }, "orgId", ORG_NEEDS_LOGIN],
  [
    "unknown argument (typo)",
    { ...ok, validDays: 30 },
    "validDays",
    `unknown argument "validDays" (did you mean "validForDays"?); ${KNOWN}`,
  ],
  ["an output passed as an argument", { ...ok, key: "abc" }, "key", `unknown argument "key"; ${KNOWN}`],
];

const { sim, plugin, args } = usePluginFixture();

describe("bad input is refused at check, naming the argument and what it may be", () => {
  it(`${ROWS.length} invalid inputs, one failure each`, async () => {
    expect(ROWS.length).toBeGreaterThanOrEqual(25);
    const seen: { property: string; reason: string }[][] = [];
    for (const [label, input] of ROWS) {
      const { failures } = await plugin.check(urnOf("bad"), {}, args("bad", input));
      seen.push(failures);
      if (failures.length !== 1) console.log(`${label}: ${JSON.stringify(failures)}`);
    }
    const width = Math.max(...ROWS.map((r) => r[0].length));
    console.log(
      [
        `Bad input through the plugin's Check (${ROWS.length} rows):`,
        ...ROWS.map(([label], i) => `  ${label.padEnd(width)} → ${seen[i]!.map((f) => f.reason).join(" | ")}`),
      ].join("\n"),
    );
    expect(seen).toEqual(ROWS.map(([, , property, reason]) => [{ property, reason }]));
    // Each reason names its argument first.
    for (const [i, [, , property]] of ROWS.entries())
      expect(
        seen[i]![0]!.reason.startsWith(`${property} `) ||
          seen[i]![0]!.reason.startsWith(`unknown argument "${property}"`),
      ).toBe(true);
    // Nothing reached Qwilt: check never calls the API.
    expect(sim.requests).toEqual([]);
  });

  it("reports every problem of one resource at once", async () => {
    const { failures } = await plugin.check(
      urnOf("many"),
      {},
      args("many", { permission: "owner", validForDays: 0, name: "", colour: "red" }),
    );
    expect(failures.map((f) => f.property)).toEqual(["colour", "permission", "validForDays", "name"]);
  });

  it("accepts the edges of every range", async () => {
    const edges = [
      { permission: "editor", validForDays: 1, rotateBeforeDays: 0 },
      {
        permission: "viewer",
        validForDays: 365,
        rotateBeforeDays: 364,
        name: x(128),
        description: x(1024),
        activationTimeoutSeconds: 3600,
      },
      {
        permission: "viewer",
        validForDays: 2,
        activationTimeoutSeconds: 1,
        waitForActivation: false,
        revokeOnDelete: false,
      },
      { permission: "viewer", validForDays: 2, overlapDays: 1 },
      { permission: "viewer", validForDays: 365, overlapDays: 364, revokeOnDelete: true },
      { permission: "viewer", validForDays: 30, overlapDays: 0, revokeOnDelete: false },
    ];
    for (const edge of edges) {
      expect((await plugin.check(urnOf("edge"), {}, args("edge", edge))).failures).toEqual([]);
    }
  });
});
