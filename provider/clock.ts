/**
 * The provider's clock, which decides when a key is due for rotation.
 *
 * `QWILT_CLOCK_OFFSET_MS` shifts it, for rehearsing rotation against the simulator after moving
 * the simulator's clock by the same amount (the demo and the lifecycle tests do this). Never set
 * it against the real Qwilt: keys would rotate early or late.
 */
export function providerNow(env: NodeJS.ProcessEnv = process.env): number {
  const offset = Number(env.QWILT_CLOCK_OFFSET_MS ?? 0);
  return Date.now() + (Number.isFinite(offset) ? offset : 0);
}
