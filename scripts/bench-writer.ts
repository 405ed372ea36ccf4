/**
 * `tsx scripts/bench-writer.ts [--points N] [--batch-size N] [--concurrency N] [--rounds N]`
 *
 * How close the collector's InfluxDB writer comes to the fastest way this process can write: a
 * raw line-protocol POST of the same points, built with the same `toLine`, in batches of the same
 * size with the same number of requests in flight. Both write into series created by a warm-up
 * pass, each run into its own time range; they run alternately three times each and the medians
 * are compared (`writerRatioVsRaw`, target ≥ 0.8).
 *
 * Standalone, it starts a private influxd (scripts/services.ts) on a spare port in a temp dir,
 * prints a table and, last, one JSON line.
 */
import { rm, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { InfluxSettings } from '../config/schema.ts';
import { toLine } from '../store/line-protocol.ts';
import { influxQuery, rows } from '../store/influx.ts';
import { ensureRetention } from '../store/retention.ts';
import { point, type Point } from '../store/schema.ts';
import { openSpool } from '../collector/storage/spool.ts';
import { createInfluxWriter, type WriterLogger } from '../collector/storage/writer.ts';
import { intArgument, runWhenMain, withPrivateInfluxd } from './bench-kit.ts';

export interface BenchWriterOptions {
  url: string;
  database: string;
  /** Points per run (each side, each round). */
  points: number;
  batchSize: number;
  concurrency: number;
  /** Default 200. */
  series?: number;
  /** Rounds of (raw, writer). Default 3. */
  rounds?: number;
  log?: (line: string) => void;
}

export interface BenchWriterResult {
  points: number;
  series: number;
  batchSize: number;
  concurrency: number;
  rounds: number;
  rawPointsPerSec: number[];
  writerPointsPerSec: number[];
  rawMedian: number;
  writerMedian: number;
  writerRatioVsRaw: number;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

/** `points` points over `series` interfaces, one second apart per series, from `startMs`; two
 * float fields each, like the measurements of shared/MACHINE-NOTES.md. */
function makePoints(count: number, series: number, startMs: number): Point[] {
  const points: Point[] = new Array(count);
  for (let i = 0; i < count; i++) {
    const s = i % series;
    const t = Math.floor(i / series);
    points[i] = point(
      'interface_traffic',
      startMs + t * 1000,
      { site: `site-${s % 20}`, device: `r${s % 40}`, interface: `ether${s}` },
      { in_bps: 1e6 + ((i * 7919) % 1e6), out_bps: 2e5 + ((i * 104729) % 1e5) },
    );
  }
  return points;
}

async function rawRun(settings: InfluxSettings, points: Point[], batchSize: number, concurrency: number): Promise<number> {
  const url = `${settings.url.replace(/\/+$/, '')}/write?db=${encodeURIComponent(settings.database)}&rp=raw&precision=ms`;
  const started = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < points.length) {
      const slice = points.slice(next, next + batchSize);
      next += batchSize;
      const body = slice.map((p) => toLine(p)).join('\n');
      const response = await fetch(url, { method: 'POST', body });
      if (response.status !== 204) throw new Error(`raw POST answered ${response.status}: ${await response.text()}`);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return points.length / ((performance.now() - started) / 1000);
}

async function writerRun(settings: InfluxSettings, points: Point[], batchSize: number, concurrency: number, spoolDir: string): Promise<number> {
  const spool = await openSpool({ dir: spoolDir });
  const problems: string[] = [];
  const logger: WriterLogger = { info() {}, warn: (_obj, msg) => problems.push(msg), error: (_obj, msg) => problems.push(msg) };
  // The buffer holds a whole run: the benchmark measures throughput, not the spill to disk.
  const writer = createInfluxWriter({ settings, spool, logger, batchSize, concurrency, maxBufferedPoints: points.length, maxBatchAgeMs: 1000 });
  try {
    const started = performance.now();
    for (let i = 0; i < points.length; i += batchSize) {
      // A producer that keeps about one batch per request slot queued, as the raw side holds
      // one batch per request: both build lines just in time rather than all up front.
      while (writer.stats().bufferedPoints >= batchSize * concurrency) await sleep(1);
      writer.write(points.slice(i, i + batchSize));
    }
    await writer.flush();
    const elapsed = performance.now() - started;
    const stats = writer.stats();
    const droppedPoints = Object.values(stats.pointsDropped).reduce((a, b) => a + b, 0);
    if (stats.pointsWritten !== points.length || stats.batchesSpooled > 0 || droppedPoints > 0) {
      throw new Error(`writer run incomplete: written ${stats.pointsWritten}/${points.length}, spooled ${stats.batchesSpooled} batches, dropped ${droppedPoints}; ${problems.join('; ')}`);
    }
    return points.length / (elapsed / 1000);
  } finally {
    await writer.close();
    await spool.close();
  }
}

/** Alternating raw and writer runs after one warm-up of each; see the file comment. */
export async function benchWriter(options: BenchWriterOptions): Promise<BenchWriterResult> {
  const series = options.series ?? 200;
  const rounds = options.rounds ?? 3;
  const log = options.log ?? (() => {});
  const settings: InfluxSettings = { url: options.url, database: options.database };
  await ensureRetention({ settings });
  const spoolDir = await mkdtemp(join(tmpdir(), 'linkwatch-bench-spool-'));
  // Each run writes its own time range, all inside `raw`'s 30 days.
  const runSpanMs = Math.ceil(options.points / series) * 1000 + 60_000;
  const base = Math.floor((Date.now() - 2 * 86_400_000) / 3_600_000) * 3_600_000;
  let run = 0;
  const nextPoints = () => makePoints(options.points, series, base + run++ * runSpanMs);

  try {
    log(`warm-up: ${series} series, ${options.points} points each way`);
    await rawRun(settings, nextPoints(), options.batchSize, options.concurrency);
    await writerRun(settings, nextPoints(), options.batchSize, options.concurrency, spoolDir);

    const rawPointsPerSec: number[] = [];
    const writerPointsPerSec: number[] = [];
    for (let round = 1; round <= rounds; round++) {
      const rawPoints = nextPoints();
      rawPointsPerSec.push(await rawRun(settings, rawPoints, options.batchSize, options.concurrency));
      log(`round ${round}: raw    ${Math.round(rawPointsPerSec.at(-1)!)} points/s`);
      const writerPoints = nextPoints();
      writerPointsPerSec.push(await writerRun(settings, writerPoints, options.batchSize, options.concurrency, spoolDir));
      log(`round ${round}: writer ${Math.round(writerPointsPerSec.at(-1)!)} points/s`);
    }

    // Everything both sides claimed to write is there.
    const counted = rows(await influxQuery(settings, 'SELECT count("in_bps") FROM "raw"."interface_traffic"', { database: options.database }))[0]?.count;
    if (counted !== run * options.points) throw new Error(`expected ${run * options.points} points in the database, found ${counted}`);

    const rawMedian = median(rawPointsPerSec);
    const writerMedian = median(writerPointsPerSec);
    return {
      points: options.points,
      series,
      batchSize: options.batchSize,
      concurrency: options.concurrency,
      rounds,
      rawPointsPerSec,
      writerPointsPerSec,
      rawMedian,
      writerMedian,
      writerRatioVsRaw: writerMedian / rawMedian,
    };
  } finally {
    await rm(spoolDir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// Standalone
// ---------------------------------------------------------------------------------------------

async function main(args: string[]): Promise<number> {
  const points = intArgument(args, '--points', 400_000);
  const batchSize = intArgument(args, '--batch-size', 5000);
  const concurrency = intArgument(args, '--concurrency', 2);
  const rounds = intArgument(args, '--rounds', 3);
  const log = (line: string) => console.error(line);
  return withPrivateInfluxd({ name: 'bench-writer', log }, async (url) => {
    const result = await benchWriter({ url, database: 'bench', points, batchSize, concurrency, rounds, log });
    const k = (value: number) => `${(value / 1000).toFixed(1)}k`.padStart(8);
    console.log(`\n${result.points} points × ${result.rounds} rounds, ${result.series} series, batches of ${result.batchSize}, ${result.concurrency} in flight (points/s)`);
    console.log('            ' + result.rawPointsPerSec.map((_, i) => `round ${i + 1}`.padStart(8)).join(' ') + '   median');
    console.log('raw POST    ' + result.rawPointsPerSec.map(k).join(' ') + ' ' + k(result.rawMedian));
    console.log('writer      ' + result.writerPointsPerSec.map(k).join(' ') + ' ' + k(result.writerMedian));
    console.log(`writer / raw: ${result.writerRatioVsRaw.toFixed(3)} (target ≥ 0.8)\n`);
    console.log(JSON.stringify(result));
    return result.writerRatioVsRaw >= 0.8 ? 0 : 1;
  });
}

runWhenMain(import.meta.url, 'bench-writer', main);
