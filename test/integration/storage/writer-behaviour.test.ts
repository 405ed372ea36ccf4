/**
 * The writer's routing decisions against a scripted loopback HTTP server standing in for
 * InfluxDB: fast and deterministic where the real-influxd tests need a minute of outage.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { rm } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { point, type Point } from '../../../store/schema.ts';
import { openSpool } from '../../../collector/storage/spool.ts';
import { createInfluxWriter, type CreateInfluxWriterOptions } from '../../../collector/storage/writer.ts';
import { recordingLogger, sleep, tempDir, waitFor } from '../../helpers/influx.ts';

interface FakeInflux {
  url: string;
  /** Bodies of accepted /write requests, in arrival order. */
  written: string[];
  /** What /write and /ping answer now. */
  mode: 'ok' | 'down' | 'reject';
  delayMs: number;
  close(): Promise<void>;
}

async function fakeInflux(): Promise<FakeInflux> {
  const fake: Omit<FakeInflux, 'url' | 'close'> = { written: [], mode: 'ok', delayMs: 0 };
  const server: Server = createServer((request: IncomingMessage, response: ServerResponse) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', async () => {
      await sleep(fake.delayMs);
      if (fake.mode === 'down') {
        response.writeHead(503).end(JSON.stringify({ error: 'engine: shutting down' }));
      } else if (request.url?.startsWith('/ping')) {
        response.writeHead(204).end();
      } else if (fake.mode === 'reject') {
        response.writeHead(400).end(JSON.stringify({ error: `unable to parse '${body.split('\n')[0]}': invalid field format` }));
      } else {
        fake.written.push(body);
        response.writeHead(204).end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(fake, {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }) as FakeInflux;
}

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

async function setup(options: Partial<CreateInfluxWriterOptions>) {
  const fake = await fakeInflux();
  const dir = await tempDir('linkwatch-writer-behaviour-');
  const spool = await openSpool({ dir });
  const { logger, lines } = recordingLogger();
  const backfills: { from: number; to: number }[] = [];
  const writer = createInfluxWriter({
    settings: { url: fake.url, database: 'lw' },
    spool,
    logger,
    retryMs: 50,
    maxBatchAgeMs: 20,
    backfill: async (window) => {
      backfills.push(window);
    },
    ...options,
  });
  cleanup.push(async () => {
    await writer.close();
    await spool.close();
    await fake.close();
    await rm(dir, { recursive: true, force: true });
  });
  return { fake, spool, writer, lines, backfills };
}

const points = (from: number, count: number): Point[] => Array.from({ length: count }, (_, i) => point('device_poll', from + i, { site: 's', device: 'd' }, { reachable: 1 }));
const timestamps = (bodies: string[]) => bodies.flatMap((body) => body.split('\n')).map((line) => Number(line.split(' ').at(-1)));

describe('writer routing', () => {
  it('spills to the spool when the memory buffer is full, then replays it and backfills that window', async () => {
    const { fake, writer, backfills } = await setup({ batchSize: 10, maxBufferedPoints: 20, maxSpoolingPoints: 1000, concurrency: 1 });
    fake.delayMs = 30;
    writer.write(points(1000, 100));
    await writer.flush();
    expect(writer.stats().batchesSpooled).toBeGreaterThan(0);
    await waitFor(() => writer.stats().replays === 1, 10_000, 'the replay');

    expect(timestamps(fake.written).sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, i) => 1000 + i));
    const stats = writer.stats();
    expect(stats).toMatchObject({ pointsWritten: 100, state: 'up', spool: { batches: 0 } });
    expect(stats.batchesReplayed).toBe(stats.batchesSpooled);
    expect(backfills).toHaveLength(1);
    expect(backfills[0]!.to).toBe(1099);
  });

  it('drops (and counts) what neither memory nor the spool queue can take, instead of growing', async () => {
    const { fake, writer, lines } = await setup({ batchSize: 10, maxBufferedPoints: 20, maxSpoolingPoints: 20, concurrency: 1 });
    fake.delayMs = 30;
    writer.write(points(1000, 100)); // one burst: 2 batches in memory, 2 queued for the spool
    await writer.flush();
    await waitFor(() => writer.stats().replays === 1, 10_000, 'the replay');
    const stats = writer.stats();
    expect(stats.pointsDropped.overflow).toBe(60);
    expect(stats.pointsWritten).toBe(40);
    expect(timestamps(fake.written)).toHaveLength(40);
    expect(lines.filter((line) => line.msg.includes('spool backlogged'))).toHaveLength(1); // once per episode
  });

  it('spools while the database answers 5xx, replays oldest first when /ping answers, and backfills', async () => {
    const { fake, writer, lines, backfills } = await setup({ batchSize: 5 });
    fake.mode = 'down';
    for (let i = 0; i < 6; i++) {
      writer.write(points(2000 + i * 5, 5));
      await writer.flush();
    }
    expect(writer.stats()).toMatchObject({ state: 'down', batchesSpooled: 6, spool: { batches: 6, points: 30 } });
    expect(lines.filter((line) => line.msg.startsWith('InfluxDB unavailable'))).toHaveLength(1); // once, not per batch

    fake.mode = 'ok';
    await waitFor(() => writer.stats().replays === 1, 10_000, 'the replay');
    expect(timestamps(fake.written)).toEqual(Array.from({ length: 30 }, (_, i) => 2000 + i));
    expect(backfills).toEqual([{ from: 2000, to: 2029 }]);
    expect(writer.stats()).toMatchObject({ state: 'up', pointsWritten: 30, batchesReplayed: 6 });
  });

  it('never spools or retries a batch InfluxDB refuses with 400', async () => {
    const { fake, writer, lines } = await setup({ batchSize: 5 });
    fake.mode = 'reject';
    writer.write(points(3000, 5));
    await writer.flush();
    await sleep(200);
    expect(writer.stats()).toMatchObject({ state: 'up', batchesSpooled: 0, pointsWritten: 0, spool: { batches: 0 } });
    expect(writer.stats().pointsDropped.unparsable).toBe(5);
    expect(lines.find((line) => line.level === 'error')?.obj).toMatchObject({ reason: 'unparsable', line: 'device_poll,device=d,site=s reachable=1i 3000' });
  });

  it('retries a failed backfill', async () => {
    const { fake, writer, spool } = await setup({ batchSize: 5 });
    await writer.close(); // one writer per spool
    await spool.append({ lines: 'device_poll,device=d,site=s reachable=1i 5000', points: 1, minTimeMs: 5000, maxTimeMs: 5000 });
    let attempts = 0;
    // Created with batches in the spool: replays them without waiting for a write.
    const failingOnce = createInfluxWriter({
      settings: { url: fake.url, database: 'lw' },
      spool,
      logger: recordingLogger().logger,
      retryMs: 50,
      backfill: async () => {
        attempts += 1;
        if (attempts === 1) throw new Error('database busy');
      },
    });
    await waitFor(() => failingOnce.stats().replays === 1, 10_000, 'the backfill to succeed');
    expect(failingOnce.stats().backfills).toEqual({ done: 1, failed: 1, pending: false });
    expect(fake.written).toEqual(['device_poll,device=d,site=s reachable=1i 5000']);
    await failingOnce.close();
  });

  it('counts points written after close() as dropped', async () => {
    const { writer } = await setup({});
    await writer.close();
    writer.write(points(4000, 3));
    expect(writer.stats().pointsDropped.closed).toBe(3);
  });
});
