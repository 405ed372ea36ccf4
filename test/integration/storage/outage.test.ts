/**
 * (c) influxd stopped for over a minute while a producer keeps writing at a steady rate, then
 * restarted: every point is in the database exactly once. (d) The rollups of that period exist
 * afterwards, which only the writer's backfill can do: the points are stamped two days in the
 * past, far outside every continuous query's RESAMPLE window.
 *
 * The producer's clock runs 10× faster than the real one (one tick of 20 points per 100 ms, one
 * simulated second apart), so the outage covers whole 5-minute intervals and a whole hour whose
 * rollups can be checked exactly.
 */
import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureRetention } from '../../../store/retention.ts';
import { point, type Point } from '../../../store/schema.ts';
import { openSpool, type Spool } from '../../../collector/storage/spool.ts';
import { createInfluxWriter, type InfluxWriter } from '../../../collector/storage/writer.ts';
import { privateInflux, recordingLogger, scalar, selectRows, sleep, tempDir, waitFor, type PrivateInflux } from '../../helpers/influx.ts';

const PORT = 18230;
const SERIES = 20;
const TICK_REAL_MS = 100;
const TICK_SIM_MS = 1000;
const OUTAGE_MS = 61_000;
const FIVE_MIN = 300_000;
const HOUR = 3_600_000;

let influx: PrivateInflux;
let spoolDir: string;
let spool: Spool;
let writer: InfluxWriter;
beforeAll(async () => {
  influx = await privateInflux(PORT);
  spoolDir = await tempDir('linkwatch-outage-spool-');
});
afterAll(async () => {
  await writer?.close();
  await spool?.close();
  await influx?.dispose();
  if (spoolDir) await rm(spoolDir, { recursive: true, force: true });
});

type Phase = 'before' | 'outage' | 'after';
interface Tick {
  index: number;
  timeMs: number;
  phase: Phase;
}

const rtt = (tick: number, series: number) => ((tick * 7 + series * 3) % 50) + 0.5;
const tickPoints = (tick: Tick): Point[] =>
  Array.from({ length: SERIES }, (_, s) =>
    point('icmp', tick.timeMs, { site: 'outage', link: `l${s}`, target: `10.0.0.${s}` }, { up: (tick.index + s) % 13 === 0 ? 0 : 1, sent: 5, received: (tick.index + s) % 13 === 0 ? 0 : 5, rtt_avg_ms: rtt(tick.index, s) }),
  );

describe('an InfluxDB outage of over a minute', () => {
  it('(c) loses nothing and stores every point once; (d) the rollups of the period are backfilled', { timeout: 180_000 }, async () => {
    const settings = influx.settings('lw_outage');
    await ensureRetention({ settings });
    spool = await openSpool({ dir: spoolDir });
    const { logger, lines } = recordingLogger();
    writer = createInfluxWriter({ settings, spool, logger, batchSize: 500, maxBatchAgeMs: 200, retryMs: 500, requestTimeoutMs: 2000 });

    // Simulated time starts 10 minutes before an hour boundary two days ago.
    const base = Math.floor((Date.now() - 2 * 86_400_000) / HOUR) * HOUR + 50 * 60_000;
    const ticks: Tick[] = [];
    let phase: Phase = 'before';
    let slowestWriteMs = 0;
    const started = Date.now();
    // Catch up on every tick due, so the rate stays steady even if a timer fires late.
    const producer = setInterval(() => {
      const due = Math.floor((Date.now() - started) / TICK_REAL_MS);
      while (ticks.length <= due) {
        const tick: Tick = { index: ticks.length, timeMs: base + ticks.length * TICK_SIM_MS, phase };
        ticks.push(tick);
        const before = performance.now();
        writer.write(tickPoints(tick));
        slowestWriteMs = Math.max(slowestWriteMs, performance.now() - before);
      }
    }, TICK_REAL_MS / 2);

    let outageMs = 0;
    try {
      await sleep(3000);
      expect(writer.stats().pointsWritten).toBeGreaterThan(0);

      phase = 'outage';
      await influx.stop();
      const downSince = Date.now();
      await sleep(5000);
      expect(writer.stats().state).toBe('down');
      await sleep(OUTAGE_MS - (Date.now() - downSince));
      const during = writer.stats();
      expect(during.state).toBe('down');
      expect(during.spool.batches).toBeGreaterThan(50);
      await influx.start();
      outageMs = Date.now() - downSince;
      phase = 'after';

      await waitFor(() => writer.stats().spool.batches === 0 && writer.stats().replays >= 1, 60_000, 'the spool to be replayed');
      await sleep(1000); // live writes continue next to the replay
    } finally {
      clearInterval(producer);
    }
    await writer.flush();
    await waitFor(() => writer.stats().spool.batches === 0 && !writer.stats().backfills.pending, 30_000, 'the last replay and backfill');

    const stats = writer.stats();
    const produced = ticks.length * SERIES;
    const outageTicks = ticks.filter((tick) => tick.phase === 'outage');
    console.log(
      `outage: ${ticks.length} ticks, ${produced} points (${outageTicks.length * SERIES} while influxd was down), ` +
        `spooled ${stats.batchesSpooled} batches, replayed ${stats.batchesReplayed}, replays ${stats.replays}, slowest write() ${slowestWriteMs.toFixed(1)} ms`,
    );

    // (c) Every point exactly once: series × timestamps are unique, so a count equal to what was
    // produced means none lost and none stored twice.
    expect(await scalar(settings, `SELECT count("up") FROM "raw"."icmp" WHERE "site" = 'outage'`)).toBe(produced);
    const firstOutage = outageTicks[0]!.timeMs;
    const lastOutage = outageTicks.at(-1)!.timeMs;
    expect(await scalar(settings, `SELECT count("up") FROM "raw"."icmp" WHERE time >= ${firstOutage}ms AND time <= ${lastOutage}ms`)).toBe(outageTicks.length * SERIES);
    expect(await scalar(settings, `SELECT sum("sent") FROM "raw"."icmp"`)).toBe(produced * 5);
    expect(stats.batchesSpooled).toBeGreaterThan(0);
    expect(stats.batchesReplayed).toBe(stats.batchesSpooled);
    expect(stats.pointsWritten).toBeGreaterThanOrEqual(produced);
    expect(Object.values(stats.pointsDropped).every((count) => count === 0)).toBe(true);
    expect(stats.state).toBe('up');
    expect(slowestWriteMs).toBeLessThan(50); // polling never waited on the database
    expect(lines.some((line) => line.msg.startsWith('InfluxDB unavailable'))).toBe(true);
    expect(lines.some((line) => line.msg.startsWith('spool replayed'))).toBe(true);

    // (d) Rollups of the outage period. Intervals that closed before the first point written
    // after the restart hold only points that were spooled or written before the backfill ran,
    // so their rollups must match what was produced exactly; the interval in progress at the
    // restart must at least exist.
    const firstAfter = ticks.find((tick) => tick.phase === 'after')!.timeMs;
    for (const [policy, size] of [
      ['rollup_5m', FIVE_MIN],
      ['rollup_1h', HOUR],
    ] as const) {
      const rollupRows = await selectRows(settings, `SELECT * FROM "${policy}"."icmp" WHERE "site" = 'outage' GROUP BY "link"`);
      const intervals = new Set(ticks.filter((tick) => tick.phase === 'outage').map((tick) => Math.floor(tick.timeMs / size) * size));
      let exact = 0;
      for (const start of intervals) {
        const inInterval = ticks.filter((tick) => tick.timeMs >= start && tick.timeMs < start + size);
        for (let s = 0; s < SERIES; s++) {
          const row = rollupRows.find((candidate) => candidate.time === start && candidate.link === `l${s}`);
          expect(row, `${policy} ${new Date(start).toISOString()} l${s}`).toBeDefined();
          if (start + size > firstAfter) continue;
          const ups = inInterval.map((tick) => ((tick.index + s) % 13 === 0 ? 0 : 1));
          expect(row).toMatchObject({
            sent_sum: 5 * inInterval.length,
            received_sum: 5 * ups.reduce((a: number, b) => a + b, 0),
            up_mean: expect.closeTo(ups.reduce((a: number, b) => a + b, 0) / ups.length, 9),
            rtt_avg_ms_max: Math.max(...inInterval.map((tick) => rtt(tick.index, s))),
          });
          exact += 1;
        }
      }
      console.log(`outage: ${policy}: ${intervals.size} intervals touched by the outage, ${exact / SERIES} checked exactly`);
      expect(exact, `${policy}: at least one interval checked exactly`).toBeGreaterThan(0);
    }
    expect(outageMs).toBeGreaterThanOrEqual(60_000);
  });
});
