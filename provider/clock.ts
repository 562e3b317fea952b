/**
 * The provider's clock, which decides when a key is due for rotation.
 *
 * `QWILT_CLOCK_OFFSET_MS` shifts it, for rehearsing rotation against the simulator after moving
 * the simulator's clock by the same amount (the demo and the lifecycle tests do this). Never set
 * it against the real Qwilt: keys would rotate early or late.
 *
 * Milliseconds to add to Date.now(). The provider reads it once: each process.env read costs microseconds.
 */
export function clockOffsetMs(env: NodeJS.ProcessEnv = process.env): number {
  const offset = Number(env.QWILT_CLOCK_OFFSET_MS ?? 0);
  return Number.isFinite(offset) ? offset : 0;
}
