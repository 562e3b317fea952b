/** What plugin tests look at in a simulator: the live keys and the writes it answered. */
import type { Simulator } from "../../sdk/simulator";

/** The keyIds of the live keys, except the bootstrap key the tests authenticate with. */
export const liveKeyIds = (sim: Simulator): string[] =>
  sim
    .liveKeys()
    .filter((k) => k.name !== "bootstrap")
    .map((k) => k.keyId)
    .sort();

/** The writes since request number `from`: `POST /api/1/api-keys 201`, with the fault injected, if any. */
export const writesSince = (sim: Simulator, from: number): string[] =>
  sim.requests
    .slice(from)
    .filter((r) => r.method !== "GET")
    .map((r) => `${r.method} ${r.path} ${r.status}${r.fault ? ` ${r.fault}` : ""}`);
