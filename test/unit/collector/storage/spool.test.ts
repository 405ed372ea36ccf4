import { spawnSync } from 'node:child_process';
import { appendFile, mkdtemp, readdir, readFile, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  HEADER_BYTES,
  decodeHeader,
  encodeRecord,
  openSpool,
  scanSegment,
  segmentFileName,
  type Spool,
  type SpoolBatch,
  type SpoolLogger,
} from '../../../../collector/storage/spool.ts';

const batch = (n: number, points = 3): SpoolBatch => ({
  lines: Array.from({ length: points }, (_, i) => `icmp,link=l${n},site=s up=1i ${1_000_000 + n * 10 + i}`).join('\n'),
  points,
  minTimeMs: 1_000_000 + n * 10,
  maxTimeMs: 1_000_000 + n * 10 + points - 1,
});

const dirs: string[] = [];
const tempDir = async () => {
  const dir = await mkdtemp(join(tmpdir(), 'linkwatch-spool-'));
  dirs.push(dir);
  return dir;
};
const spools: Spool[] = [];
const open = async (options: Parameters<typeof openSpool>[0]) => {
  const spool = await openSpool(options);
  spools.push(spool);
  return spool;
};

afterEach(async () => {
  for (const spool of spools.splice(0)) await spool.close();
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

const recordingLogger = () => {
  const lines: { level: string; obj: object; msg: string }[] = [];
  const logger: SpoolLogger = {
    info: (obj, msg) => lines.push({ level: 'info', obj, msg }),
    warn: (obj, msg) => lines.push({ level: 'warn', obj, msg }),
    error: (obj, msg) => lines.push({ level: 'error', obj, msg }),
  };
  return { logger, lines };
};

/** Peeks and acks everything, returning the link numbers in replay order. */
async function drain(spool: Spool): Promise<number[]> {
  const order: number[] = [];
  for (let next = await spool.peek(); next; next = await spool.peek()) {
    order.push(Number(/link=l(\d+)/.exec(next.lines)![1]));
    await spool.ack(next);
  }
  return order;
}

describe('spool framing', () => {
  const one = encodeRecord(batch(1), 42);
  const two = encodeRecord(batch(2, 5), 43);
  const three = encodeRecord(batch(3), 44);
  const corrupted = (record: Buffer, at: number) => {
    const copy = Buffer.from(record);
    copy[at] = copy[at]! ^ 0xff;
    return copy;
  };

  it('round-trips a header', () => {
    expect(decodeHeader(two, 0)).toEqual({
      payloadBytes: Buffer.byteLength(batch(2, 5).lines),
      points: 5,
      payloadCrc: expect.any(Number),
      minTimeMs: 1_000_020,
      maxTimeMs: 1_000_024,
      spooledAtMs: 43,
    });
  });

  it.each([
    ['three clean records', Buffer.concat([one, two, three]), { records: 3, tornTail: false, corruptRecords: 0, skippedBytes: 0 }],
    ['empty segment', Buffer.alloc(0), { records: 0, tornTail: false, corruptRecords: 0, skippedBytes: 0 }],
    ['torn in the payload', Buffer.concat([one, two, three.subarray(0, HEADER_BYTES + 5)]), { records: 2, tornTail: true, corruptRecords: 0, skippedBytes: 0 }],
    ['torn in the header', Buffer.concat([one, two, three.subarray(0, 10)]), { records: 2, tornTail: true, corruptRecords: 0, skippedBytes: 0 }],
    ['torn in the magic', Buffer.concat([one, three.subarray(0, 2)]), { records: 1, tornTail: true, corruptRecords: 0, skippedBytes: 0 }],
    ['a damaged payload in the middle is skipped', Buffer.concat([one, corrupted(two, HEADER_BYTES + 3), three]), { records: 2, tornTail: false, corruptRecords: 1, skippedBytes: 0 }],
    ['a damaged header: the scan resynchronises on the next record', Buffer.concat([one, corrupted(two, 9), three]), { records: 2, tornTail: false, corruptRecords: 0, skippedBytes: two.length }],
    ['zeros after a crash (pre-allocated blocks)', Buffer.concat([one, Buffer.alloc(100)]), { records: 1, tornTail: false, corruptRecords: 0, skippedBytes: 100 }],
  ])('%s', (_label, buffer, expected) => {
    const scan = scanSegment(buffer);
    expect({ ...scan, records: scan.records.length }).toEqual(expected);
  });

  it('keeps the records that survive damage, in order', () => {
    const scan = scanSegment(Buffer.concat([one, corrupted(two, 9), three]));
    expect(scan.records.map((record) => record.spooledAtMs)).toEqual([42, 44]);
    expect(scan.records[1]!.offset).toBe(one.length + two.length);
  });
});

describe('openSpool', () => {
  it('replays oldest first and resumes after the last acknowledged batch when reopened', async () => {
    const dir = await tempDir();
    let spool = await openSpool({ dir });
    for (let n = 1; n <= 5; n++) expect((await spool.append(batch(n))).ok).toBe(true);
    expect(spool.stats()).toMatchObject({ batches: 5, points: 15 });
    const first = await spool.peek();
    expect(first).toMatchObject({ points: 3, minTimeMs: 1_000_010, maxTimeMs: 1_000_012 });
    expect(await spool.peek()).toEqual(first); // peek does not consume
    await spool.ack(first!);
    await spool.ack(first!); // a second ack of the same batch is ignored
    expect(spool.stats().batches).toBe(4);
    await spool.close();

    spool = await open({ dir });
    expect(spool.stats()).toMatchObject({ batches: 4, points: 12 });
    await spool.append(batch(6));
    expect(await drain(spool)).toEqual([2, 3, 4, 5, 6]);
    expect(spool.stats()).toMatchObject({ batches: 0, points: 0 });
  });

  it('rotates segments and deletes each one once replayed', async () => {
    const dir = await tempDir();
    const record = encodeRecord(batch(1), 0).length;
    const spool = await open({ dir, maxBytes: 100 * record, segmentBytes: 2 * record });
    for (let n = 1; n <= 7; n++) await spool.append(batch(n));
    expect((await readdir(dir)).filter((name) => name.endsWith('.seg'))).toHaveLength(4);
    expect(spool.stats().segments).toBe(4);
    expect(await drain(spool)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    // Only the segment still open for appends remains.
    expect((await readdir(dir)).filter((name) => name.endsWith('.seg'))).toEqual([segmentFileName(4)]);
  });

  it('skips a torn last record after a crash and keeps every complete one', async () => {
    const dir = await tempDir();
    const { logger, lines } = recordingLogger();
    const crashed = await openSpool({ dir }); // never closed: the process "died"
    for (let n = 1; n <= 3; n++) await crashed.append(batch(n));
    const segment = join(dir, segmentFileName(1));
    await appendFile(segment, encodeRecord(batch(4), 0).subarray(0, 30)); // a kill mid-append

    const spool = await open({ dir, logger });
    expect(spool.stats()).toMatchObject({ batches: 3, points: 9, tornRecords: 1 });
    expect(lines.find((line) => line.level === 'warn')?.obj).toMatchObject({ tornTail: true });
    await spool.append(batch(5)); // goes to a new segment, never after the torn tail
    expect((await readdir(dir)).filter((name) => name.endsWith('.seg')).sort()).toEqual([segmentFileName(1), segmentFileName(2)]);
    expect(await drain(spool)).toEqual([1, 2, 3, 5]);
  });

  it('survives a record cut short by truncation in the middle of the header', async () => {
    const dir = await tempDir();
    const crashed = await openSpool({ dir });
    await crashed.append(batch(1));
    await crashed.append(batch(2));
    const segment = join(dir, segmentFileName(1));
    const size = (await stat(segment)).size;
    await truncate(segment, size - (encodeRecord(batch(2), 0).length - 7));
    const spool = await open({ dir });
    expect(await drain(spool)).toEqual([1]);
    expect(spool.stats().tornRecords).toBe(1);
  });

  it('drops the OLDEST data past its size cap, counts and logs it', async () => {
    const dir = await tempDir();
    const { logger, lines } = recordingLogger();
    const record = encodeRecord(batch(1), 0).length;
    const maxBytes = 12 * record;
    const spool = await open({ dir, maxBytes, segmentBytes: 3 * record, logger });
    const total = 40;
    let droppedReported = 0;
    for (let n = 1; n <= total; n++) {
      const result = await spool.append(batch(n));
      if (!result.ok) throw new Error(result.message);
      droppedReported += result.droppedBatches;
      expect(spool.stats().bytes).toBeLessThanOrEqual(maxBytes);
    }
    const stats = spool.stats();
    expect(stats.droppedBatches).toBe(droppedReported);
    expect(stats.droppedBatches).toBeGreaterThan(0);
    expect(stats.batches + stats.droppedBatches).toBe(total);
    expect(stats.points + stats.droppedPoints).toBe(3 * total);
    const warnings = lines.filter((line) => line.level === 'warn' && line.msg.startsWith('spool full'));
    expect(warnings.reduce((sum, line) => sum + (line.obj as { droppedBatches: number }).droppedBatches, 0)).toBe(stats.droppedBatches);
    // What is left is the newest data, still in order.
    const order = await drain(spool);
    expect(order).toEqual(Array.from({ length: stats.batches }, (_, i) => total - stats.batches + 1 + i));
  });

  it('refuses a batch larger than the cap instead of emptying the spool for it', async () => {
    const dir = await tempDir();
    const spool = await open({ dir, maxBytes: 1024 });
    await spool.append(batch(1));
    const huge = { ...batch(2), lines: 'x'.repeat(2000) };
    expect(await spool.append(huge)).toMatchObject({ ok: false, reason: 'too-large' });
    expect(spool.stats()).toMatchObject({ batches: 1, droppedBatches: 0 });
  });

  it('reports the age of the oldest waiting batch by its clock', async () => {
    const dir = await tempDir();
    let now = 1_000;
    const spool = await open({ dir, clock: () => now });
    expect(spool.stats()).toMatchObject({ oldestAgeMs: undefined, batches: 0 });
    await spool.append(batch(1));
    now = 5_000;
    await spool.append(batch(2));
    now = 9_000;
    expect(spool.stats()).toMatchObject({ oldestSpooledAtMs: 1_000, oldestAgeMs: 8_000 });
    await spool.ack((await spool.peek())!);
    expect(spool.stats()).toMatchObject({ oldestSpooledAtMs: 5_000, oldestAgeMs: 4_000 });
  });

  it('skips a record damaged on disk after it was written', async () => {
    const dir = await tempDir();
    const { logger } = recordingLogger();
    const spool = await open({ dir, logger });
    for (let n = 1; n <= 3; n++) await spool.append(batch(n));
    const segment = join(dir, segmentFileName(1));
    const bytes = await readFile(segment);
    const second = encodeRecord(batch(1), 0).length + HEADER_BYTES + 2;
    bytes[second] = bytes[second]! ^ 0xff;
    await writeFile(segment, bytes);
    expect(await drain(spool)).toEqual([1, 3]);
    expect(spool.stats().corruptRecords).toBe(1);
  });

  it('refuses a directory another live process holds, and takes over a dead one’s lock', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'lock'), `${process.ppid}\n`);
    await expect(openSpool({ dir })).rejects.toThrow(/in use by process/);
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString();
    await writeFile(join(dir, 'lock'), `${dead}\n`);
    const spool = await open({ dir });
    expect((await spool.append(batch(1))).ok).toBe(true);
  });
});
