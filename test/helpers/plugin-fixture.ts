/**
 * The plugin tests' shared scaffolding: a simulator and Pulumi's real dynamic-provider plugin
 * configured for it with the simulator's API key (both for the whole file), the serialized provider,
 * and `args(name, a)`: a resource's args as the engine sends them.
 */
import { afterAll, beforeAll, inject } from "vitest";
import { startSimulator, type Simulator, type SimulatorOptions } from "../../sdk/simulator";
import { lateBound } from "./late-bound";
import { startPlugin, type PluginProcess } from "./plugin";
import { serializedProvider } from "./serialized-provider";

/** Stack config that points the provider at a simulator, with its bootstrap API key. */
export function apiKeyConfig(sim: Simulator): Record<string, string> {
  return { "qwilt:apiKey": sim.bootstrapKey, "qwilt:usersUrl": sim.url, "qwilt:loginUrl": sim.url };
}

export interface PluginFixtureOptions {
  simulator?: SimulatorOptions;
  /** Environment of the program that serializes the provider (a test puts credentials there to prove none is captured). */
  providerEnv?: (sim: Simulator) => NodeJS.ProcessEnv;
  /** Args every resource starts from; its own args win. */
  argDefaults?: Record<string, unknown>;
}

/** Registers the hooks; `sim` and `plugin` are usable from the first test on, `provider()` returns the `__provider` text. */
export function usePluginFixture(options: PluginFixtureOptions = {}) {
  let sim: Simulator | undefined;
  let plugin: PluginProcess | undefined;
  let provider: string | undefined;

  beforeAll(async () => {
    sim = await startSimulator(options.simulator);
    provider = serializedProvider(inject("packedProject"), options.providerEnv?.(sim));
    plugin = await startPlugin(inject("packedProject"));
    await plugin.configure(apiKeyConfig(sim));
  });
  afterAll(async () => {
    await plugin?.stop();
    await sim?.close();
  });

  const serialized = (): string => {
    if (provider === undefined)
      throw new Error("the serialized provider is not made yet: use it inside a test or a hook");
    return provider;
  };
  return {
    sim: lateBound("the simulator", () => sim),
    plugin: lateBound("the plugin", () => plugin),
    provider: serialized,
    /** What the engine sends: the program's args plus the serialized provider. */
    args: (name: string, a: Record<string, unknown>) => ({
      ...options.argDefaults,
      ...a,
      __resourceName: name,
      __provider: serialized(),
    }),
  };
}
