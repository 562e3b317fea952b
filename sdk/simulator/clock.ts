/**
 * The simulated clock: real time plus an offset. Keys expire and login tokens lapse by this
 * clock, so a test can jump a year ahead without waiting. The offset (not an absolute time)
 * is what the state file keeps, so the clock keeps ticking across restarts.
 */
import { DAY_MS } from "../qwilt-api";
import type { SimClock } from "./types";

export class SimulatedClock implements SimClock {
  constructor(
    private offsetMs = 0,
    /** Called after every change, so the state file follows. */
    private readonly onChange: () => void = () => {},
  ) {}

  get offset(): number {
    return this.offsetMs;
  }

  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }

  advance(ms: number): void {
    if (!Number.isFinite(ms)) throw new RangeError("clock.advance: ms must be a finite number");
    this.offsetMs += ms;
    this.onChange();
  }

  advanceDays(days: number): void {
    if (!Number.isFinite(days)) throw new RangeError("clock.advanceDays: days must be a finite number");
    this.advance(days * DAY_MS);
  }

  set(d: Date): void {
    const t = d.getTime();
    if (Number.isNaN(t)) throw new RangeError("clock.set: invalid date");
    this.offsetMs = t - Date.now();
    this.onChange();
  }
}
