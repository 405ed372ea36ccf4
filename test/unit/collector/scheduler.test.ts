import { describe, expect, it } from 'vitest';
import type { TickSource } from '../../../collector/clock.ts';
import { createScheduler, currentSlot, stableOffset, type DueJob, type Job } from '../../../collector/scheduler.ts';

const manualTicks: TickSource = { start: () => ({ stop: () => undefined }) };

function harness(options: { concurrency?: number; hold?: (due: DueJob<Job>[]) => Promise<void> } = {}) {
  let now = 1_700_000_000_000;
  const runs: { keys: string[]; slots: number[]; at: number }[] = [];
  const scheduler = createScheduler<Job>({
    clock: { now: () => now },
    ticks: manualTicks,
    concurrency: options.concurrency ?? 100,
    execute: async (due) => {
      runs.push({ keys: due.map((d) => d.job.key), slots: due.map((d) => d.slotMs), at: now });
      await options.hold?.(due);
    },
  });
  const advance = async (ms: number, stepMs = 1000) => {
    for (let t = 0; t < ms; t += stepMs) {
      now += stepMs;
      scheduler.tick();
      await new Promise((resolve) => setImmediate(resolve));
    }
  };
  return { scheduler, runs, advance, now: () => now };
}

describe('stableOffset', () => {
  it('is stable, within the interval, on whole seconds', () => {
    for (const key of ['device:nam-xe-router', 'link:dc-tslcd', 'x']) {
      const offset = stableOffset(key, 60_000);
      expect(stableOffset(key, 60_000)).toBe(offset);
      expect(offset).toBeGreaterThanOrEqual(0);
      expect(offset).toBeLessThan(60_000);
      expect(offset % 1000).toBe(0);
    }
  });

  it('spreads many jobs across the interval', () => {
    const buckets = new Array(6).fill(0);
    for (let i = 0; i < 600; i++) buckets[Math.floor(stableOffset(`device:${i}`, 60_000) / 10_000)]++;
    for (const count of buckets) expect(count).toBeGreaterThan(60);
  });

  it('currentSlot is the latest slot at or before now', () => {
    expect(currentSlot(124_999, 60_000, 5_000)).toBe(65_000);
    expect(currentSlot(125_000, 60_000, 5_000)).toBe(125_000);
    expect(currentSlot(65_000, 60_000, 5_000)).toBe(65_000);
    expect(currentSlot(64_999, 60_000, 5_000)).toBe(5_000);
  });
});

describe('createScheduler', () => {
  it('runs each job once per interval at its stable offset, stamped with its slot', async () => {
    const { scheduler, runs, advance } = harness();
    const job = { key: 'device:a', intervalMs: 60_000 };
    scheduler.setJobs([job]);
    await advance(180_000);
    expect(runs).toHaveLength(3);
    const offset = stableOffset(job.key, job.intervalMs);
    for (const run of runs) {
      expect((run.slots[0]! - offset) % 60_000).toBe(0);
    }
    expect(runs[1]!.slots[0]! - runs[0]!.slots[0]!).toBe(60_000);
  });

  it('skips and counts an overrun instead of overlapping a slow poll', async () => {
    let release!: () => void;
    const { scheduler, runs, advance } = harness({ hold: () => new Promise<void>((resolve) => (release = resolve)) });
    scheduler.setJobs([{ key: 'slow', intervalMs: 10_000 }]);
    await advance(35_000);
    expect(runs).toHaveLength(1);
    expect(scheduler.metrics().overruns).toBeGreaterThanOrEqual(2);
    release();
    await advance(10_000);
    expect(runs).toHaveLength(2);
  });

  it('never lets a stuck job hold back the others (bounded concurrency)', async () => {
    const { scheduler, runs, advance } = harness({
      concurrency: 2,
      hold: (due) => (due[0]!.job.key === 'dead' ? new Promise<void>(() => undefined) : Promise.resolve()),
    });
    scheduler.setJobs([{ key: 'dead', intervalMs: 5_000 }, ...Array.from({ length: 10 }, (_, i) => ({ key: `ok-${i}`, intervalMs: 5_000 }))]);
    await advance(20_000);
    const okRuns = runs.filter((run) => run.keys[0] !== 'dead').length;
    expect(okRuns).toBeGreaterThanOrEqual(30);
    expect(scheduler.metrics().inFlight).toBeLessThanOrEqual(2);
  });

  it('runs jobs of one batch that fall due in the same tick in one call', async () => {
    const { scheduler, runs, advance } = harness();
    // Interval 1 s: every job is due at every tick.
    scheduler.setJobs(['a', 'b', 'c'].map((key) => ({ key, intervalMs: 1_000, batch: 'icmp' })));
    await advance(3_000);
    expect(runs).toHaveLength(3);
    for (const run of runs) expect(run.keys.sort()).toEqual(['a', 'b', 'c']);
  });

  it('keeps state for unchanged jobs across setJobs (a reload), adds and removes others', async () => {
    const { scheduler, runs, advance } = harness();
    scheduler.setJobs([{ key: 'a', intervalMs: 10_000 }]);
    await advance(30_000);
    const before = runs.length;
    scheduler.setJobs([{ key: 'a', intervalMs: 10_000 }, { key: 'b', intervalMs: 10_000 }]);
    await advance(30_000);
    expect(runs.filter((run) => run.keys[0] === 'a').length - before).toBe(3);
    expect(runs.filter((run) => run.keys[0] === 'b').length).toBe(3);
    scheduler.setJobs([{ key: 'b', intervalMs: 10_000 }]);
    const count = runs.length;
    await advance(30_000);
    expect(runs.slice(count).every((run) => run.keys[0] === 'b')).toBe(true);
  });

  it('runs a job at once on request, without moving its slots, and never twice at a time', async () => {
    let release!: () => void;
    const { scheduler, runs, advance, now } = harness({ hold: () => new Promise<void>((resolve) => (release = resolve)) });
    scheduler.setJobs([{ key: 'snmp:router', intervalMs: 60_000 }]);
    expect(scheduler.runNow('snmp:router')).toBe(true);
    expect(runs).toEqual([{ keys: ['snmp:router'], slots: [now()], at: now() }]);
    expect(scheduler.runNow('snmp:router')).toBe(false);
    expect(scheduler.runNow('snmp:unknown')).toBe(false);
    release();
    await new Promise((resolve) => setImmediate(resolve));
    await advance(60_000);
    // Its own slot still came.
    expect(runs).toHaveLength(2);
  });

  it('counts a failed execution and carries on', async () => {
    let calls = 0;
    const errors: unknown[] = [];
    let now = 0;
    const scheduler = createScheduler<Job>({
      clock: { now: () => now },
      ticks: manualTicks,
      concurrency: 4,
      execute: async () => {
        calls++;
        throw new Error('boom');
      },
      onError: (error) => errors.push(error),
    });
    scheduler.setJobs([{ key: 'a', intervalMs: 1_000 }]);
    for (let i = 0; i < 3; i++) {
      now += 1_000;
      scheduler.tick();
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(calls).toBe(3);
    expect(errors).toHaveLength(3);
    expect(scheduler.metrics().failures).toBe(3);
  });

  it('stop waits for polls in flight, then aborts them after the grace period', async () => {
    let signalSeen: AbortSignal | undefined;
    let now = 0;
    const scheduler = createScheduler<Job>({
      clock: { now: () => now },
      ticks: manualTicks,
      concurrency: 4,
      execute: (_due, signal) =>
        new Promise<void>((resolve) => {
          signalSeen = signal;
          signal.addEventListener('abort', () => resolve());
        }),
    });
    scheduler.setJobs([{ key: 'a', intervalMs: 1_000 }]);
    now += 1_000;
    scheduler.tick();
    const started = Date.now();
    await scheduler.stop(50);
    expect(signalSeen?.aborted).toBe(true);
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});
