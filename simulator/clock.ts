import type { SimClock } from './contracts.ts';

/** Simulated time that runs `speed` times faster than the wall clock from `startMs` on. */
export function createSimClock(options: { startMs: number; speed: number; wallClock?: () => number }): SimClock & { toWall(simulatedMs: number): number; toSimulated(wallMs: number): number } {
  const wall = options.wallClock ?? Date.now;
  const wallStart = wall();
  const { startMs, speed } = options;
  if (!(speed > 0)) throw new Error(`simulation speed must be positive; got ${speed}`);
  return {
    speed,
    now: () => startMs + (wall() - wallStart) * speed,
    toWall: (simulatedMs) => wallStart + (simulatedMs - startMs) / speed,
    toSimulated: (wallMs) => startMs + (wallMs - wallStart) * speed,
  };
}
