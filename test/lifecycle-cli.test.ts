/**
 * Scenarios 1, 3 and 7 with the real Pulumi CLI (`pulumi up` and `pulumi destroy`, local file
 * backend in a temporary folder, credentials from the environment), when `pulumi` is on PATH.
 * The same scenario bodies run through the harness in lifecycle.test.ts.
 */
import { afterAll, describe, it } from "vitest";
import type { SimulatorOptions } from "../sdk/simulator";
import { callTable } from "./lifecycle/harness/api-calls.js";
import { pulumiMissing } from "./lifecycle/pulumi-cli-stack";
import { apiCallLog, Scenario } from "./lifecycle/scenario";
import { destroyTwice, firstUp, replaceOnChange } from "./lifecycle/shared-scenarios";

const missing = pulumiMissing();
if (missing)
  console.log(
    `Lifecycle scenarios with the real Pulumi CLI are skipped: ${missing}. The harness runs them (test/lifecycle.test.ts).`,
  );

/** Every CLI run starts Pulumi's engine, language host and plugin: give a scenario room. */
const CLI_TIMEOUT = 10 * 60_000;

async function scenario(folder: string, body: (s: Scenario) => Promise<unknown>, simulator?: SimulatorOptions) {
  const s = await Scenario.open(folder, { driver: "pulumi", simulator });
  try {
    await body(s);
  } finally {
    await s.close();
  }
}

describe.skipIf(missing !== undefined)("lifecycle with the real Pulumi CLI", () => {
  afterAll(() => {
    if (apiCallLog.length > 0)
      console.log(
        `API calls per scenario step, real Pulumi CLI (* = a write endpoint, > = a step that wrote):\n${callTable(apiCallLog)}`,
      );
  });

  it(
    "1. the first up creates every key, and the consumer holds its key",
    () => scenario("01-first-up", firstUp),
    CLI_TIMEOUT,
  );
  it(
    "3. changing permission or validity replaces the key, new before old",
    () => scenario("03-replace", replaceOnChange, { uniqueNames: true }),
    CLI_TIMEOUT,
  );
  it(
    "7. destroy revokes every key, and a second destroy is harmless",
    () => scenario("07-destroy", (s) => destroyTwice(s)),
    CLI_TIMEOUT,
  );
});
