import { createHash } from 'node:crypto';
import type { Clock, TickSource } from './clock.ts';

/** Something polled on an interval. `batch` groups jobs that may run in one call when they fall
 * due in the same tick (ICMP targets: one fping process for all of them). */
export interface Job {
  key: string;
  intervalMs: number;
  batch?: string;
}

export interface DueJob<J extends Job> {
  job: J;
  /** The slot this run belongs to: start of the interval plus the job's offset. Points are
   * stamped with it, so two collectors polling the same job write the same timestamps. */
  slotMs: number;
}

export interface SchedulerMetrics {
  started: number;
  completed: number;
  overruns: number;
  failures: number;
  inFlight: number;
  queued: number;
  lastTickMs: number | undefined;
}

export interface SchedulerOptions<J extends Job> {
  clock: Clock;
  ticks: TickSource;
  /** Runs (batches of) due jobs; a rejection is counted and never stops the scheduler. */
  execute: (due: DueJob<J>[], signal: AbortSignal) => Promise<void>;
  /** Executions in flight at once. */
  concurrency: number;
  onError?: (error: unknown, due: DueJob<J>[]) => void;
}

export interface Scheduler<J extends Job> {
  /** Swaps the whole job list; unchanged keys keep their state (no double run after a reload). */
  setJobs(jobs: readonly J[]): void;
  start(): void;
  /** Stops ticking, then waits for what is in flight (up to `graceMs`, then aborts it). */
  stop(graceMs?: number): Promise<void>;
  /** Runs what is due now; exported for tests that drive the clock by hand. */
  tick(): void;
  /** Runs one job now, outside its slot (its next slot still comes); false when it is unknown or
   * already running. */
  runNow(key: string): boolean;
  metrics(): SchedulerMetrics;
  offsetOf(job: Job): number;
}

/** A job's place within its interval, from a stable hash of its key: the same on every
 * collector and across restarts, so load spreads evenly and slots line up between collectors. */
export function stableOffset(key: string, intervalMs: number): number {
  const hash = createHash('sha1').update(key).digest().readUInt32BE(0);
  // Offsets fall on whole seconds when the interval allows, matching the 1 s tick resolution.
  const step = intervalMs >= 2_000 ? 1_000 : 1;
  return (hash % Math.max(1, Math.floor(intervalMs / step))) * step;
}

/** The latest slot at or before `nowMs`. */
export function currentSlot(nowMs: number, intervalMs: number, offsetMs: number): number {
  return Math.floor((nowMs - offsetMs) / intervalMs) * intervalMs + offsetMs;
}

interface JobState<J extends Job> {
  job: J;
  offsetMs: number;
  lastSlotMs: number;
  busy: boolean;
}

export function createScheduler<J extends Job>(options: SchedulerOptions<J>): Scheduler<J> {
  const { clock, ticks, execute, concurrency } = options;
  let states = new Map<string, JobState<J>>();
  const queue: { due: DueJob<J>[]; states: JobState<J>[] }[] = [];
  const running = new Set<Promise<void>>();
  const abort = new AbortController();
  let ticking: { stop(): void } | undefined;
  let stopped = false;
  const counters: SchedulerMetrics = { started: 0, completed: 0, overruns: 0, failures: 0, inFlight: 0, queued: 0, lastTickMs: undefined };

  const offsetOf = (job: Job) => stableOffset(job.key, job.intervalMs);

  const pump = () => {
    while (!stopped && running.size < concurrency && queue.length > 0) {
      const next = queue.shift()!;
      counters.started += next.due.length;
      const run = (async () => {
        try {
          await execute(next.due, abort.signal);
        } catch (error) {
          counters.failures += next.due.length;
          options.onError?.(error, next.due);
        } finally {
          counters.completed += next.due.length;
          for (const state of next.states) state.busy = false;
        }
      })();
      running.add(run);
      void run.finally(() => {
        running.delete(run);
        pump();
      });
    }
    counters.inFlight = running.size;
    counters.queued = queue.reduce((sum, item) => sum + item.due.length, 0);
  };

  const tick = () => {
    if (stopped) return;
    const now = clock.now();
    counters.lastTickMs = now;
    const batches = new Map<string, { due: DueJob<J>[]; states: JobState<J>[] }>();
    for (const state of states.values()) {
      const slot = currentSlot(now, state.job.intervalMs, state.offsetMs);
      if (slot <= state.lastSlotMs) continue;
      state.lastSlotMs = slot;
      // Still polling (or waiting for a permit) from an earlier slot: skip, never pile up.
      if (state.busy) {
        counters.overruns++;
        continue;
      }
      state.busy = true;
      const group = state.job.batch ?? `\0${state.job.key}`;
      const entry = batches.get(group) ?? { due: [], states: [] };
      entry.due.push({ job: state.job, slotMs: slot });
      entry.states.push(state);
      batches.set(group, entry);
    }
    queue.push(...batches.values());
    pump();
  };

  return {
    setJobs(jobs) {
      const now = clock.now();
      const next = new Map<string, JobState<J>>();
      for (const job of jobs) {
        const offsetMs = offsetOf(job);
        const old = states.get(job.key);
        if (old && old.job.intervalMs === job.intervalMs) {
          next.set(job.key, { ...old, job, offsetMs });
          continue;
        }
        // A new job waits for its own slot instead of running at once, keeping the spread even.
        next.set(job.key, { job, offsetMs, lastSlotMs: currentSlot(now, job.intervalMs, offsetMs), busy: old?.busy ?? false });
      }
      states = next;
    },
    start() {
      ticking ??= ticks.start(tick);
    },
    async stop(graceMs = 10_000) {
      stopped = true;
      ticking?.stop();
      queue.length = 0;
      const settled = Promise.allSettled([...running]);
      const timer = new Promise((resolve) => setTimeout(resolve, graceMs).unref());
      await Promise.race([settled, timer]);
      if (running.size > 0) {
        abort.abort(new Error('collector stopping'));
        await settled;
      }
    },
    tick,
    runNow(key) {
      const state = states.get(key);
      if (stopped || !state || state.busy) return false;
      state.busy = true;
      queue.push({ due: [{ job: state.job, slotMs: clock.now() }], states: [state] });
      pump();
      return true;
    },
    metrics: () => ({ ...counters, inFlight: running.size, queued: queue.reduce((sum, item) => sum + item.due.length, 0) }),
    offsetOf,
  };
}
