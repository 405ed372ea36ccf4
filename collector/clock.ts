import cron from 'node-cron';

/** Time as the collector sees it; tests inject their own. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** Calls `onTick` regularly until stopped. Production uses node-cron; tests drive ticks by hand. */
export interface TickSource {
  start(onTick: () => void): { stop(): void };
}

/** A tick every second from node-cron: the scheduler's resolution. Missed seconds (a busy event
 * loop) are harmless: the scheduler runs whatever slot is due at the next tick. */
export const cronTicks = (expression = '* * * * * *'): TickSource => ({
  start(onTick) {
    const task = cron.schedule(expression, () => onTick(), { noOverlap: false, suppressMissedWarning: true });
    return {
      stop: () => {
        void task.destroy();
      },
    };
  },
});

/** Ticks every `periodMs` from a plain timer, for intervals below a second in tests. */
export const timerTicks = (periodMs: number): TickSource => ({
  start(onTick) {
    const timer = setInterval(onTick, periodMs);
    return { stop: () => clearInterval(timer) };
  },
});
