/**
 * (f) A collector killed with SIGKILL while InfluxDB is down loses at most the batch it was
 * appending: a new writer on the same spool directory replays everything that was spooled.
 */
import { spawn } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureRetention } from '../../../store/retention.ts';
import { openSpool, type Spool } from '../../../collector/storage/spool.ts';
import { createInfluxWriter, type InfluxWriter } from '../../../collector/storage/writer.ts';
import { privateInflux, recordingLogger, scalar, selectRows, tempDir, waitFor, type PrivateInflux } from '../../helpers/influx.ts';

const PORT = 18240;
const PER_TICK = 50;
const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '../../..');

let influx: PrivateInflux;
let spoolDir: string;
let spool: Spool | undefined;
let writer: InfluxWriter | undefined;
beforeAll(async () => {
  influx = await privateInflux(PORT);
  spoolDir = await tempDir('linkwatch-crash-spool-');
});
afterAll(async () => {
  await writer?.close();
  await spool?.close();
  await influx?.dispose();
  if (spoolDir) await rm(spoolDir, { recursive: true, force: true });
});

describe('a collector killed with SIGKILL', () => {
  it('(f) loses nothing it spooled: a new writer on the same spool replays it all once influxd is up', { timeout: 90_000 }, async () => {
    const settings = influx.settings('lw_crash');
    await ensureRetention({ settings });
    await influx.stop();

    const base = Math.floor(Date.now() / 1000) * 1000 - 3_600_000;
    const child = spawn(process.execPath, ['--import', 'tsx', join(HERE, 'spool-child.ts'), spoolDir, influx.url, 'lw_crash', String(base), String(PER_TICK)], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<NodeJS.Signals | null>((resolveExit) => child.on('exit', (_code, signal) => resolveExit(signal)));
    const lastSpooled = () => Number([...stdout.matchAll(/^spooled (\d+)$/gm)].at(-1)?.[1] ?? -1);

    await waitFor(() => lastSpooled() >= 60 || child.exitCode !== null, 30_000, `the child to spool 60 ticks (stderr: ${stderr})`);
    expect(stdout).toContain(`pid ${child.pid}`); // the process we kill is the one writing
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    const reported = lastSpooled();
    expect(stderr).toContain('InfluxDB unavailable, spooling');

    await influx.start();
    const { logger } = recordingLogger();
    spool = await openSpool({ dir: spoolDir, logger });
    const waiting = spool.stats();
    expect(waiting.batches).toBeGreaterThanOrEqual(reported + 1);
    writer = createInfluxWriter({ settings, spool, logger, retryMs: 200, backfill: async () => undefined });
    await waitFor(() => spool!.stats().batches === 0 && writer!.stats().replays >= 1, 30_000, 'the replay');

    // Every tick the child reported is there, complete; at most the one in flight beyond it.
    const perTick = await selectRows(settings, `SELECT count("up") FROM "raw"."icmp" WHERE "site" = 'child' GROUP BY time(1s) fill(none)`);
    const ticks = perTick.map((row) => ((row.time as number) - base) / 1000);
    expect(ticks.slice(0, reported + 1)).toEqual(Array.from({ length: reported + 1 }, (_, i) => i));
    expect(ticks.length).toBeLessThanOrEqual(reported + 2);
    expect(perTick.every((row) => row.count === PER_TICK)).toBe(true);
    expect(await scalar(settings, `SELECT count("up") FROM "raw"."icmp" WHERE "site" = 'child'`)).toBe(ticks.length * PER_TICK);
    expect(writer.stats().batchesReplayed).toBe(waiting.batches);
    console.log(`crash: child reported ${reported + 1} ticks spooled; ${waiting.batches} batches found after SIGKILL (torn records: ${waiting.tornRecords}); ${ticks.length} ticks replayed`);
  });
});
