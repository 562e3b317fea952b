/** What every route handler works with. */
import type { SimulatedClock } from "./clock";
import type { Store } from "./store";

export interface SimContext {
  store: Store;
  clock: SimulatedClock;
  propagationDelayMs: number;
  tokenLifetimeMs: number;
  uniqueNames: boolean;
}

/** A handler's answer plus the organization it acted in (for the request log). */
export interface Handled {
  reply: import("./reply").Reply;
  orgId?: string;
}
