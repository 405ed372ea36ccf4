/**
 * An on-disk, append-only spool of line-protocol batches that could not be written to InfluxDB
 * (database down, or the writer's memory buffer full). Replayed oldest first.
 *
 * Layout: a directory of segment files `000000000001.seg`, `000000000002.seg`, … each a sequence
 * of framed records, plus a `cursor` file naming the first record not yet acknowledged.
 *
 * Durability: every append is written and fdatasync'ed before `append()` resolves, so a
 * `kill -9` (or a power cut) loses at most the batch being appended. A record torn by a crash
 * fails its length or checksum test and is skipped when the spool is opened; nothing after a
 * good record is trusted without its own checksums. A process only ever appends to a segment it
 * created itself, so a torn tail is never followed by new data in the same file.
 *
 * The cursor is written (renamed into place) without fsync: losing it only means some batches
 * are replayed twice, and InfluxDB stores a re-written point once (same series and timestamp).
 *
 * Size cap: `maxBytes` bounds the segment files on disk. Past it the OLDEST segments are deleted
 * whole, and the batches and points lost are counted and logged. Segments are at most a quarter
 * of the cap, so a drop frees a small share of the spool at a time.
 *
 * One process at a time: a `lock` file holds the owner's pid; a lock left by a dead process
 * (after `kill -9`) is taken over.
 */
import { closeSync, openSync, fsyncSync } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm, unlink, writeFile, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';

// ---------------------------------------------------------------------------------------------
// Framing (pure)
// ---------------------------------------------------------------------------------------------

/**
 * Record layout, little-endian:
 *
 * | offset | size | field                                          |
 * |-------:|-----:|------------------------------------------------|
 * |      0 |    4 | magic `LWSP`                                   |
 * |      4 |    4 | payload length in bytes (u32)                  |
 * |      8 |    4 | points in the batch (u32)                      |
 * |     12 |    4 | CRC-32 of the payload                          |
 * |     16 |    8 | oldest point timestamp, epoch ms (f64)         |
 * |     24 |    8 | newest point timestamp, epoch ms (f64)         |
 * |     32 |    8 | when the batch was spooled, epoch ms (f64)     |
 * |     40 |    4 | CRC-32 of bytes 0–39 (the header)              |
 * |     44 |    n | payload: line protocol, UTF-8, lines joined by `\n` |
 */
export const RECORD_MAGIC = Buffer.from('LWSP', 'ascii');
export const HEADER_BYTES = 44;

/** What the writer hands to the spool: one batch of line protocol and the window it covers. */
export interface SpoolBatch {
  /** Line protocol, one point per line, `\n`-separated. */
  lines: string;
  points: number;
  /** Timestamps (epoch ms) of the oldest and newest point, so rollups can be backfilled. */
  minTimeMs: number;
  maxTimeMs: number;
}

export interface RecordHeader {
  payloadBytes: number;
  points: number;
  payloadCrc: number;
  minTimeMs: number;
  maxTimeMs: number;
  spooledAtMs: number;
}

/** One framed record, ready to append. */
export function encodeRecord(batch: SpoolBatch, spooledAtMs: number): Buffer {
  const payload = Buffer.from(batch.lines, 'utf8');
  const record = Buffer.allocUnsafe(HEADER_BYTES + payload.length);
  RECORD_MAGIC.copy(record, 0);
  record.writeUInt32LE(payload.length, 4);
  record.writeUInt32LE(batch.points, 8);
  record.writeUInt32LE(crc32(payload), 12);
  record.writeDoubleLE(batch.minTimeMs, 16);
  record.writeDoubleLE(batch.maxTimeMs, 24);
  record.writeDoubleLE(spooledAtMs, 32);
  record.writeUInt32LE(crc32(record.subarray(0, 40)), 40);
  payload.copy(record, HEADER_BYTES);
  return record;
}

/** The header at `offset`, or undefined when the bytes there are not a valid header. */
export function decodeHeader(buffer: Buffer, offset: number): RecordHeader | undefined {
  if (offset + HEADER_BYTES > buffer.length) return undefined;
  if (!buffer.subarray(offset, offset + 4).equals(RECORD_MAGIC)) return undefined;
  if (crc32(buffer.subarray(offset, offset + 40)) !== buffer.readUInt32LE(offset + 40)) return undefined;
  return {
    payloadBytes: buffer.readUInt32LE(offset + 4),
    points: buffer.readUInt32LE(offset + 8),
    payloadCrc: buffer.readUInt32LE(offset + 12),
    minTimeMs: buffer.readDoubleLE(offset + 16),
    maxTimeMs: buffer.readDoubleLE(offset + 24),
    spooledAtMs: buffer.readDoubleLE(offset + 32),
  };
}

export interface ScannedRecord extends RecordHeader {
  /** Byte offset of the record (its header) in the segment. */
  offset: number;
  /** Header plus payload. */
  bytes: number;
}

export interface SegmentScan {
  records: ScannedRecord[];
  /** A record cut short at the end of the segment: what a crash mid-append leaves. */
  tornTail: boolean;
  /** Records whose payload checksum failed, skipped. */
  corruptRecords: number;
  /** Bytes skipped while looking for the next valid header after damage. */
  skippedBytes: number;
}

/**
 * Walks a whole segment's bytes and returns its valid records. A bad header makes the scan look
 * for the next magic whose header checksum holds (damage in the middle costs only the damaged
 * records); a header whose payload runs past the end is a torn tail.
 */
export function scanSegment(buffer: Buffer): SegmentScan {
  const scan: SegmentScan = { records: [], tornTail: false, corruptRecords: 0, skippedBytes: 0 };
  let offset = 0;
  while (offset < buffer.length) {
    const header = decodeHeader(buffer, offset);
    if (header === undefined) {
      if (offset + HEADER_BYTES > buffer.length && RECORD_MAGIC.subarray(0, Math.min(4, buffer.length - offset)).equals(buffer.subarray(offset, offset + 4))) {
        scan.tornTail = true; // the crash came before the header was complete
        return scan;
      }
      const next = buffer.indexOf(RECORD_MAGIC, offset + 1);
      const resume = next < 0 ? buffer.length : next;
      scan.skippedBytes += resume - offset;
      offset = resume;
      continue;
    }
    const end = offset + HEADER_BYTES + header.payloadBytes;
    if (end > buffer.length) {
      scan.tornTail = true;
      return scan;
    }
    if (crc32(buffer.subarray(offset + HEADER_BYTES, end)) !== header.payloadCrc) scan.corruptRecords += 1;
    else scan.records.push({ ...header, offset, bytes: end - offset });
    offset = end;
  }
  return scan;
}

export const segmentFileName = (seq: number): string => `${String(seq).padStart(12, '0')}.seg`;
const SEGMENT_FILE = /^(\d{12})\.seg$/;

// ---------------------------------------------------------------------------------------------
// The spool
// ---------------------------------------------------------------------------------------------

/** The logging the storage modules need; a pino logger fits: `logger.warn({spool: 3}, 'message')`. */
export interface SpoolLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface SpoolOptions {
  /** Directory for segments, cursor and lock; created if missing. One process per directory. */
  dir: string;
  /** Cap on the bytes of segment files on disk. Past it the oldest data is dropped. Default 256 MiB. */
  maxBytes?: number;
  /** A segment is closed and a new one started past this size. Default 4 MiB, at most maxBytes / 4. */
  segmentBytes?: number;
  logger?: SpoolLogger;
  clock?: () => number;
}

export const DEFAULT_SPOOL_MAX_BYTES = 256 * 1024 * 1024;
const DEFAULT_SEGMENT_BYTES = 4 * 1024 * 1024;

/** A batch read back from the spool; hand it to `ack()` once InfluxDB has it. */
export interface SpooledBatch extends SpoolBatch {
  id: { segment: number; offset: number };
  spooledAtMs: number;
}

export type AppendResult =
  | {
      ok: true;
      /** Older batches the cap made room by dropping (0 almost always). */
      droppedBatches: number;
      droppedPoints: number;
    }
  | { ok: false; reason: 'too-large' | 'closed' | 'io'; message: string };

export interface SpoolStats {
  /** Bytes of segment files on disk (including acknowledged records of the oldest segment). */
  bytes: number;
  maxBytes: number;
  /** Batches and points waiting to be replayed. */
  batches: number;
  points: number;
  segments: number;
  /** When the oldest waiting batch was spooled, and how long ago (by the spool's clock). */
  oldestSpooledAtMs: number | undefined;
  oldestAgeMs: number | undefined;
  /** Lost to the size cap since this spool was opened. */
  droppedBatches: number;
  droppedPoints: number;
  /** Records found damaged (checksum) or torn by a crash, skipped. */
  corruptRecords: number;
  tornRecords: number;
}

export interface Spool {
  /** Appends a batch and fsyncs it; resolves once it is on disk. */
  append(batch: SpoolBatch): Promise<AppendResult>;
  /** The oldest batch not yet acknowledged, or undefined when the spool is empty. */
  peek(): Promise<SpooledBatch | undefined>;
  /** Marks a peeked batch as delivered. A batch the cap dropped meanwhile is ignored. */
  ack(batch: SpooledBatch): Promise<void>;
  stats(): SpoolStats;
  close(): Promise<void>;
}

interface RecordMeta {
  offset: number;
  bytes: number;
  points: number;
  minTimeMs: number;
  maxTimeMs: number;
  spooledAtMs: number;
}

interface Segment {
  seq: number;
  path: string;
  /** File size. */
  bytes: number;
  /** Records in file order; those before `head` are acknowledged (an index, not shift(), so a
   * long replay stays linear). */
  records: RecordMeta[];
  head: number;
}

const waitingIn = (segment: Segment) => segment.records.length - segment.head;
const firstWaiting = (segment: Segment): RecordMeta | undefined => segment.records[segment.head];

interface Cursor {
  segment: number;
  offset: number;
}

const silentLogger: SpoolLogger = { info() {}, warn() {}, error() {} };

const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

async function takeLock(dir: string): Promise<string> {
  const path = join(dir, 'lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await writeFile(path, `${process.pid}\n`, { flag: 'wx' });
      return path;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = Number((await readFile(path, 'utf8').catch(() => '')).trim());
      if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && isAlive(owner)) {
        throw new Error(`spool ${dir} is in use by process ${owner}; give each collector its own spool directory`);
      }
      await rm(path, { force: true }); // left by a process that died (kill -9), or by ourselves
    }
  }
  throw new Error(`could not take the lock of spool ${dir}`);
}

/** Durable directory entries: a new segment must survive a power cut, not only a kill. */
function fsyncDir(dir: string) {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * Opens (or creates) the spool in `options.dir`: scans every segment, skips torn and damaged
 * records (counted in `stats()` and logged) and resumes after the last acknowledged batch.
 */
export async function openSpool(options: SpoolOptions): Promise<Spool> {
  const dir = options.dir;
  const logger = options.logger ?? silentLogger;
  const clock = options.clock ?? Date.now;
  const maxBytes = options.maxBytes ?? DEFAULT_SPOOL_MAX_BYTES;
  if (!(Number.isInteger(maxBytes) && maxBytes >= 4 * HEADER_BYTES)) throw new Error(`spool maxBytes must be an integer ≥ ${4 * HEADER_BYTES}; got ${maxBytes}`);
  const segmentBytes = Math.max(HEADER_BYTES, Math.min(options.segmentBytes ?? DEFAULT_SEGMENT_BYTES, Math.floor(maxBytes / 4)));

  await mkdir(dir, { recursive: true });
  const lockPath = await takeLock(dir);
  const cursorPath = join(dir, 'cursor');

  const cursor: Cursor = await readFile(cursorPath, 'utf8').then(
    (text) => {
      const parsed = JSON.parse(text) as Partial<Cursor>;
      return { segment: Number(parsed.segment) || 0, offset: Number(parsed.offset) || 0 };
    },
    () => ({ segment: 0, offset: 0 }),
  );

  const counters = { droppedBatches: 0, droppedPoints: 0, corruptRecords: 0, tornRecords: 0 };
  const segments: Segment[] = [];
  const files = (await readdir(dir)).filter((name) => SEGMENT_FILE.test(name)).sort();
  let lastSeq = 0;
  for (const name of files) {
    const seq = Number(SEGMENT_FILE.exec(name)![1]);
    lastSeq = Math.max(lastSeq, seq);
    const path = join(dir, name);
    if (seq < cursor.segment) {
      await unlink(path); // fully replayed before; its deletion was interrupted
      continue;
    }
    const buffer = await readFile(path);
    const scan = scanSegment(buffer);
    if (scan.tornTail || scan.corruptRecords > 0 || scan.skippedBytes > 0) {
      counters.tornRecords += scan.tornTail ? 1 : 0;
      counters.corruptRecords += scan.corruptRecords;
      logger.warn(
        { spool: dir, segment: name, tornTail: scan.tornTail, corruptRecords: scan.corruptRecords, skippedBytes: scan.skippedBytes },
        'spool segment damaged: skipped what could not be read (a torn last record is what a crash mid-append leaves)',
      );
    }
    const records = scan.records
      .filter((record) => seq > cursor.segment || record.offset >= cursor.offset)
      .map(({ offset, bytes, points, minTimeMs, maxTimeMs, spooledAtMs }) => ({ offset, bytes, points, minTimeMs, maxTimeMs, spooledAtMs }));
    if (records.length === 0) {
      await unlink(path);
      continue;
    }
    segments.push({ seq, path, bytes: buffer.length, records, head: 0 });
  }
  if (segments.length > 0) {
    const batches = segments.reduce((sum, segment) => sum + segment.records.length, 0);
    logger.info({ spool: dir, batches, segments: segments.length }, 'spool opened with batches waiting to be replayed');
  }

  // Running totals, so stats() stays cheap however much is spooled (the writer asks often).
  const totals = { bytes: 0, batches: 0, points: 0 };
  for (const segment of segments) {
    totals.bytes += segment.bytes;
    totals.batches += segment.records.length;
    for (const record of segment.records) totals.points += record.points;
  }
  /** Forgets a segment's waiting records in the totals (it was dropped or deleted). */
  const forget = (segment: Segment) => {
    totals.bytes -= segment.bytes;
    for (let i = segment.head; i < segment.records.length; i++) {
      totals.batches -= 1;
      totals.points -= segment.records[i]!.points;
    }
  };

  // Appends go to a segment this process created, never to an old one (its tail may be torn).
  let active: { segment: Segment; handle: FileHandle } | undefined;
  let nextSeq = lastSeq + 1;
  let closed = false;
  let queue: Promise<unknown> = Promise.resolve();
  /** Serialises every file operation: appends, reads, acks and drops never interleave. */
  const serial = <T>(operation: () => Promise<T>): Promise<T> => {
    const result = queue.then(operation);
    queue = result.catch(() => undefined);
    return result;
  };
  let readHandle: { seq: number; handle: FileHandle } | undefined;

  async function closeActive() {
    if (!active) return;
    const { handle } = active;
    active = undefined;
    await handle.close();
  }

  async function closeReader() {
    if (!readHandle) return;
    const { handle } = readHandle;
    readHandle = undefined;
    await handle.close();
  }

  async function removeSegment(segment: Segment) {
    const index = segments.indexOf(segment);
    if (index < 0) return;
    segments.splice(index, 1);
    forget(segment);
    if (active?.segment === segment) await closeActive();
    if (readHandle?.seq === segment.seq) await closeReader();
    await unlink(segment.path).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') throw error;
    });
  }

  async function writeCursor(next: Cursor) {
    const tmp = `${cursorPath}.tmp`;
    await writeFile(tmp, JSON.stringify(next));
    await rename(tmp, cursorPath);
  }

  /** Deletes the oldest segments (never the one being appended to) while the cap is exceeded. */
  async function enforceCap(): Promise<{ batches: number; points: number }> {
    const dropped = { batches: 0, points: 0 };
    while (totals.bytes > maxBytes && segments.length > 1) {
      const oldest = segments[0]!;
      if (active?.segment === oldest) break;
      const batches = waitingIn(oldest);
      const points = oldest.records.slice(oldest.head).reduce((sum, record) => sum + record.points, 0);
      const first = firstWaiting(oldest);
      const last = oldest.records.at(-1);
      await removeSegment(oldest);
      dropped.batches += batches;
      dropped.points += points;
      logger.warn(
        {
          spool: dir,
          maxBytes,
          droppedBatches: batches,
          droppedPoints: points,
          fromMs: first?.minTimeMs,
          toMs: last?.maxTimeMs,
          totalDroppedPoints: counters.droppedPoints + dropped.points,
        },
        'spool full: dropped its oldest batches',
      );
    }
    counters.droppedBatches += dropped.batches;
    counters.droppedPoints += dropped.points;
    return dropped;
  }

  async function startSegment(): Promise<{ segment: Segment; handle: FileHandle }> {
    await closeActive();
    const seq = nextSeq++;
    const path = join(dir, segmentFileName(seq));
    const handle = await open(path, 'wx');
    fsyncDir(dir);
    const segment: Segment = { seq, path, bytes: 0, records: [], head: 0 };
    segments.push(segment);
    return { segment, handle };
  }

  async function doAppend(batch: SpoolBatch): Promise<AppendResult> {
    if (closed) return { ok: false, reason: 'closed', message: `spool ${dir} is closed` };
    const spooledAtMs = clock();
    const record = encodeRecord(batch, spooledAtMs);
    if (record.length > maxBytes) {
      return { ok: false, reason: 'too-large', message: `a batch of ${record.length} bytes does not fit spool ${dir} (maxBytes ${maxBytes})` };
    }
    if (!active || (active.segment.bytes > 0 && active.segment.bytes + record.length > segmentBytes)) active = await startSegment();
    const { segment, handle } = active;
    try {
      await handle.write(record, 0, record.length, segment.bytes);
      await handle.datasync();
    } catch (error) {
      // The segment's tail is now unknown: later appends go to a fresh one, and the scan at the
      // next open skips whatever half-record is left.
      await closeActive().catch(() => undefined);
      return { ok: false, reason: 'io', message: `could not write spool ${dir}: ${(error as Error).message}` };
    }
    segment.records.push({ offset: segment.bytes, bytes: record.length, points: batch.points, minTimeMs: batch.minTimeMs, maxTimeMs: batch.maxTimeMs, spooledAtMs });
    segment.bytes += record.length;
    totals.bytes += record.length;
    totals.batches += 1;
    totals.points += batch.points;
    const dropped = await enforceCap();
    return { ok: true, droppedBatches: dropped.batches, droppedPoints: dropped.points };
  }

  async function readRecord(segment: Segment, record: RecordMeta): Promise<Buffer> {
    if (readHandle?.seq !== segment.seq) {
      await closeReader();
      readHandle = { seq: segment.seq, handle: await open(segment.path, 'r') };
    }
    const buffer = Buffer.allocUnsafe(record.bytes);
    const { bytesRead } = await readHandle.handle.read(buffer, 0, record.bytes, record.offset);
    return buffer.subarray(0, bytesRead);
  }

  async function doPeek(): Promise<SpooledBatch | undefined> {
    while (!closed) {
      const segment = segments.find((candidate) => waitingIn(candidate) > 0);
      if (!segment) return undefined;
      const record = firstWaiting(segment)!;
      const buffer = await readRecord(segment, record);
      const scan = scanSegment(buffer);
      const good = scan.records[0];
      if (good && good.offset === 0 && good.bytes === record.bytes) {
        return {
          id: { segment: segment.seq, offset: record.offset },
          lines: buffer.toString('utf8', HEADER_BYTES),
          points: good.points,
          minTimeMs: good.minTimeMs,
          maxTimeMs: good.maxTimeMs,
          spooledAtMs: good.spooledAtMs,
        };
      }
      // Checked when the spool was opened or written by us, so the disk changed under us.
      counters.corruptRecords += 1;
      logger.error({ spool: dir, segment: segment.seq, offset: record.offset }, 'spool record damaged on disk: skipped');
      await doAck({ segment: segment.seq, offset: record.offset });
    }
    return undefined;
  }

  async function doAck(id: Cursor): Promise<void> {
    const segment = segments.find((candidate) => candidate.seq === id.segment);
    const first = segment && firstWaiting(segment);
    if (!segment || !first || first.offset !== id.offset) return; // dropped by the cap meanwhile
    segment.head += 1;
    totals.batches -= 1;
    totals.points -= first.points;
    if (waitingIn(segment) === 0 && active?.segment !== segment) {
      await removeSegment(segment);
      const next = segments.find((candidate) => waitingIn(candidate) > 0);
      await writeCursor(next ? { segment: next.seq, offset: firstWaiting(next)!.offset } : { segment: segment.seq + 1, offset: 0 });
      return;
    }
    await writeCursor({ segment: segment.seq, offset: firstWaiting(segment)?.offset ?? segment.bytes });
  }

  return {
    append: (batch) => serial(() => doAppend(batch)),
    peek: () => serial(doPeek),
    ack: (batch) => serial(() => doAck(batch.id)),
    stats(): SpoolStats {
      let oldestSpooledAtMs: number | undefined;
      for (const segment of segments) {
        oldestSpooledAtMs = firstWaiting(segment)?.spooledAtMs;
        if (oldestSpooledAtMs !== undefined) break;
      }
      return {
        bytes: totals.bytes,
        maxBytes,
        batches: totals.batches,
        points: totals.points,
        segments: segments.length,
        oldestSpooledAtMs,
        oldestAgeMs: oldestSpooledAtMs === undefined ? undefined : Math.max(0, clock() - oldestSpooledAtMs),
        ...counters,
      };
    },
    close: () =>
      serial(async () => {
        if (closed) return;
        closed = true;
        await closeActive();
        await closeReader();
        // An empty segment of ours is noise for the next open.
        for (const segment of [...segments]) if (waitingIn(segment) === 0) await removeSegment(segment);
        await rm(lockPath, { force: true });
      }),
  };
}
