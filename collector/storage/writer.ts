/**
 * The collector's side of storage: points in, InfluxDB 1.x out, without ever making a poll wait
 * on the database.
 *
 * `write()` is synchronous: it encodes the points (`toLine`) into the current batch and returns.
 * A batch is sealed at `batchSize` points or `maxBatchAgeMs` after its first point, then POSTed
 * to `/write?rp=raw&precision=ms` with at most `concurrency` requests in flight. Line protocol is
 * built here and sent with fetch because the `influx` package's writePoints is much slower
 * (shared/MACHINE-NOTES.md).
 *
 * Where batches go when they cannot be written now:
 * - database unreachable, timing out, 5xx, 401/403/404 → the spool (fsynced to disk); the writer
 *   turns `down`, pings `/ping` every `retryMs`, and when it answers replays the spool oldest
 *   first in the background, then recomputes the rollups of the replayed window
 *   (`backfillRollups`) because InfluxDB's continuous queries never look back that far;
 * - memory buffer full (`maxBufferedPoints`) → the spool, instead of growing;
 * - 400 → never retried. A partial write ("points beyond retention policy dropped=N", "field type
 *   conflict … dropped=N") means InfluxDB stored the rest; the dropped points are counted by
 *   reason and, except for retention, logged with the first offending line.
 *
 * Re-sending a batch (a timeout after InfluxDB had in fact stored it, a replay interrupted by a
 * crash) is harmless: a point with the same series and timestamp replaces itself. Live batches
 * are sent before older spooled ones finish replaying, so fresh data shows at once; the price is
 * that if the SAME point (series and timestamp) was written twice with different values across an
 * outage, the replayed, older value can win.
 */
import type { InfluxSettings } from '../../config/schema.ts';
import { toLine } from '../../store/line-protocol.ts';
import { createInfluxHttp, endpoint } from '../../store/influx.ts';
import { RAW_POLICY, backfillRollups } from '../../store/retention.ts';
import type { Point, WrittenPolicy } from '../../store/schema.ts';
import type { Spool, SpoolLogger, SpoolStats, SpooledBatch } from './spool.ts';

/** pino-compatible: `logger.warn({spool: 3}, 'message')`. */
export type WriterLogger = SpoolLogger;

/** Why points did not reach the database. */
export const dropReasons = [
  'beyond-retention', // older than the retention policy: InfluxDB dropped them (partial write)
  'field-type-conflict', // a field written with another type than before (partial write)
  'unparsable', // InfluxDB could not parse the line
  'rejected', // any other 4xx: the batch is dropped, never retried
  'spool-cap', // spooled, then dropped as the oldest data when the spool reached its size cap
  'spool-error', // could not be written to the spool (disk full, permissions, batch larger than the cap)
  'overflow', // memory buffer and spool both backlogged: dropped on arrival
  'no-fields', // a point with no usable field (toLine returned undefined)
  'closed', // written after close()
] as const;
export type DropReason = (typeof dropReasons)[number];

export interface CreateInfluxWriterOptions {
  settings: InfluxSettings;
  /** The retention policy this writer writes to (one writer, and one spool, per policy).
   * Default `raw`; rollups are backfilled after a replay only for `raw`. */
  retentionPolicy?: WrittenPolicy;
  /** Where batches wait while the database is down; the caller opens and closes it. */
  spool: Spool;
  logger: WriterLogger;
  /** Wall clock for `lastWriteAtMs`; latency uses the monotonic clock. */
  clock?: () => number;
  /** Points per request. Default 5000. */
  batchSize?: number;
  /** A batch is sent at most this long after its first point. Default 1000 ms. */
  maxBatchAgeMs?: number;
  /** Points held in memory (being built, queued, in flight); past it batches go to the spool.
   * Default 100 000. */
  maxBufferedPoints?: number;
  /** Points on their way into the spool (appends are fsynced one at a time); past it, when the
   * disk cannot keep up, new batches are dropped ('overflow') so memory stays bounded. Default
   * `maxBufferedPoints`. */
  maxSpoolingPoints?: number;
  /** Requests in flight. Default 2 (about InfluxDB's own limit on a 2-core machine). */
  concurrency?: number;
  /** Ping interval while the database is down; doubles (up to 30 s) while writes keep failing
   * although /ping answers (wrong password, missing database). Default 1000 ms. */
  retryMs?: number;
  /** Per request. Default 10 000 ms. */
  requestTimeoutMs?: number;
  /** Recomputes rollups over a replayed window; default `backfillRollups` with `settings`. */
  backfill?: (window: { from: number; to: number }) => Promise<unknown>;
}

export interface WriterStats {
  state: 'up' | 'down';
  pointsWritten: number;
  pointsDropped: Record<DropReason, number>;
  batchesWritten: number;
  /** Batches handed to the spool (database down or buffer full). */
  batchesSpooled: number;
  /** Spooled batches since delivered. */
  batchesReplayed: number;
  /** Replays finished: spool drained and rollups recomputed. */
  replays: number;
  backfills: { done: number; failed: number; pending: boolean };
  spool: SpoolStats;
  /** Points in memory: the batch being built plus sealed batches waiting for a request slot. */
  bufferedPoints: number;
  inFlight: { requests: number; points: number };
  lastWriteAtMs: number | undefined;
  /** Round-trip of successful requests; `avg` weighs the last ~20 requests most. */
  latencyMs: { last: number | undefined; avg: number | undefined };
}

export interface InfluxWriter {
  /** Queues points; never waits and never throws. */
  write(points: readonly Point[]): void;
  /** Sends the batch being built and resolves when every batch accepted so far is in InfluxDB,
   * dropped for a counted reason, or on disk in the spool. Does not wait for a replay. */
  flush(): Promise<void>;
  /** Flushes, stops timers and waits for a replay step or backfill in progress. Does not close
   * the spool. */
  close(): Promise<void>;
  stats(): WriterStats;
}

// ---------------------------------------------------------------------------------------------
// Response classification (pure)
// ---------------------------------------------------------------------------------------------

export type WriteOutcome =
  | { kind: 'written'; points: number }
  /** InfluxDB stored `written` points and dropped `dropped`; never resend. */
  | { kind: 'partial'; written: number; dropped: number; reason: DropReason; message: string }
  /** Nothing stored and resending would fail the same way. */
  | { kind: 'rejected'; dropped: number; reason: DropReason; message: string }
  /** Try again later: keep (or put) the batch in the spool. */
  | { kind: 'unavailable'; message: string };

const reasonOf = (message: string): DropReason =>
  /points beyond retention policy/.test(message)
    ? 'beyond-retention'
    : /field type conflict/.test(message)
      ? 'field-type-conflict'
      : /unable to parse/.test(message)
        ? 'unparsable'
        : 'rejected';

/** What a /write response means for a batch of `points` points. */
export function classifyWriteResponse(status: number, body: string, points: number): WriteOutcome {
  if (status === 204 || status === 200) return { kind: 'written', points };
  let message = body.trim();
  try {
    message = (JSON.parse(body) as { error?: string }).error ?? message;
  } catch {
    // Not JSON (a proxy's HTML page): keep the text.
  }
  message = message.slice(0, 2000);
  if (status === 401 || status === 403 || status === 404 || status === 408 || status === 429 || status >= 500) {
    return { kind: 'unavailable', message: `HTTP ${status}: ${message}` };
  }
  if (status === 400 && message.startsWith('partial write')) {
    // "dropped=0" with parse errors: each unparsable line is named once in the message.
    const droppedField = Number(/dropped=(\d+)/.exec(message)?.[1] ?? 0);
    const unparsed = message.match(/unable to parse '/g)?.length ?? 0;
    const dropped = Math.min(points, Math.max(droppedField, unparsed, 1));
    return { kind: 'partial', written: points - dropped, dropped, reason: reasonOf(message), message };
  }
  return { kind: 'rejected', dropped: points, reason: status === 400 ? reasonOf(message) : 'rejected', message: `HTTP ${status}: ${message}` };
}

/** The first line of a batch that a 400 message points at, for the log. */
export function firstOffendingLine(lines: string, message: string): string | undefined {
  const quoted = /unable to parse '([^']*)'/.exec(message)?.[1];
  if (quoted !== undefined) return quoted;
  const conflict = /input field "([^"]+)" on measurement "([^"]+)"/.exec(message);
  if (conflict) {
    const [, field, measurement] = conflict as unknown as [string, string, string];
    return lines.split('\n').find((line) => (line.startsWith(`${measurement},`) || line.startsWith(`${measurement} `)) && new RegExp(`[ ,]${escapeRegExp(field)}=`).test(line));
  }
  return lines.split('\n', 1)[0];
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const clip = (line: string | undefined) => (line && line.length > 500 ? `${line.slice(0, 500)}…` : line);

// ---------------------------------------------------------------------------------------------
// The writer
// ---------------------------------------------------------------------------------------------

interface Batch {
  /** Order of sealing, for flush(). */
  seq: number;
  lines: string[];
  points: number;
  minTimeMs: number;
  maxTimeMs: number;
}

const newBatch = (): Batch => ({ seq: 0, lines: [], points: 0, minTimeMs: Number.POSITIVE_INFINITY, maxTimeMs: Number.NEGATIVE_INFINITY });
const body = (batch: Batch) => batch.lines.join('\n');
const positive = (value: number | undefined, fallback: number, name: string) => {
  const result = value ?? fallback;
  if (!(Number.isFinite(result) && result > 0)) throw new Error(`createInfluxWriter: ${name} must be a positive number; got ${value}`);
  return result;
};

const MAX_BACKOFF_MS = 30_000;
const PING_TIMEOUT_MS = 2_000;
const LATENCY_WEIGHT = 0.1;

export function createInfluxWriter(options: CreateInfluxWriterOptions): InfluxWriter {
  const { settings, spool, logger } = options;
  const clock = options.clock ?? Date.now;
  const batchSize = Math.floor(positive(options.batchSize, 5000, 'batchSize'));
  const maxBatchAgeMs = positive(options.maxBatchAgeMs, 1000, 'maxBatchAgeMs');
  const maxBufferedPoints = positive(options.maxBufferedPoints, 100_000, 'maxBufferedPoints');
  const maxSpoolingPoints = positive(options.maxSpoolingPoints, maxBufferedPoints, 'maxSpoolingPoints');
  const concurrency = Math.floor(positive(options.concurrency, 2, 'concurrency'));
  const retryMs = positive(options.retryMs, 1000, 'retryMs');
  const requestTimeoutMs = positive(options.requestTimeoutMs, 10_000, 'requestTimeoutMs');
  const policy = options.retentionPolicy ?? RAW_POLICY;
  const backfill = options.backfill ?? (policy === RAW_POLICY ? (window) => backfillRollups({ settings, ...window }) : async () => undefined);
  // The hot path posts itself (it needs the status and body of every answer to route the batch);
  // the store's client gives it the URL without credentials, the auth header and /ping.
  const client = createInfluxHttp(settings);
  const target = endpoint(settings, '/write', { db: settings.database, rp: policy, precision: 'ms' });
  const writeUrl = target.url;
  const headers = { ...target.headers, 'Content-Type': 'text/plain; charset=utf-8' };
  const url = client.url; // for logs: never a password

  // State lives in this closure: one writer, one set of counters.
  let state: 'up' | 'down' = 'up';
  let closed = false;
  let building = newBatch();
  let ageTimer: NodeJS.Timeout | undefined;
  const pending: Batch[] = [];
  let pendingPoints = 0;
  let inFlightRequests = 0;
  let inFlightPoints = 0;
  let spoolingPoints = 0;
  /** Sealed batches not yet sent, refused, dropped or on disk; flush() waits on these. */
  const unsettled = new Set<number>();
  let lastSeq = 0;
  let replayStep: Promise<void> | undefined;
  let backfillRun: Promise<void> | undefined;
  let replayWindow: { from: number; to: number } | undefined;
  let replayedBatchesThisRound = 0;
  let retryTimer: NodeJS.Timeout | undefined;
  let failureStreak = 0;
  let lastLoggedDownReason: string | undefined;
  // Logged once per episode; the counts are in stats().
  let bufferFullLogged = false;
  let spoolTroubleLogged = false;
  let flushWaiters: { upTo: number; resolve: () => void }[] = [];

  const counters = {
    pointsWritten: 0,
    batchesWritten: 0,
    batchesSpooled: 0,
    batchesReplayed: 0,
    replays: 0,
    backfillsDone: 0,
    backfillsFailed: 0,
  };
  const dropped = Object.fromEntries(dropReasons.map((reason) => [reason, 0])) as Record<DropReason, number>;
  let lastWriteAtMs: number | undefined;
  let latencyLast: number | undefined;
  let latencyAvg: number | undefined;

  const drop = (reason: DropReason, points: number) => {
    dropped[reason] += points;
  };

  function settle(batch: Batch) {
    unsettled.delete(batch.seq);
    if (flushWaiters.length === 0) return;
    let oldest = Number.POSITIVE_INFINITY;
    for (const seq of unsettled) if (seq < oldest) oldest = seq;
    const ready = flushWaiters.filter((waiter) => waiter.upTo < oldest);
    if (ready.length === 0) return;
    flushWaiters = flushWaiters.filter((waiter) => waiter.upTo >= oldest);
    for (const waiter of ready) waiter.resolve();
  }

  // ---- building batches --------------------------------------------------------------------

  function seal() {
    if (ageTimer) clearTimeout(ageTimer);
    ageTimer = undefined;
    if (building.points === 0) return;
    const batch = building;
    building = newBatch();
    batch.seq = ++lastSeq;
    unsettled.add(batch.seq);
    route(batch);
  }

  function write(points: readonly Point[]) {
    if (closed) {
      if (points.length > 0) {
        drop('closed', points.length);
        logger.error({ points: points.length }, 'InfluxDB writer: write() after close(); points dropped');
      }
      return;
    }
    for (const point of points) {
      const line = toLine(point);
      if (line === undefined) {
        drop('no-fields', 1);
        continue;
      }
      building.lines.push(line);
      building.points += 1;
      if (point.timeMs < building.minTimeMs) building.minTimeMs = point.timeMs;
      if (point.timeMs > building.maxTimeMs) building.maxTimeMs = point.timeMs;
      if (building.points >= batchSize) seal();
    }
    if (building.points > 0 && ageTimer === undefined) ageTimer = setTimeout(seal, maxBatchAgeMs);
  }

  /** A sealed batch: send it when the database is up and memory allows, else spool it. */
  function route(batch: Batch) {
    if (state === 'down') {
      toSpool(batch);
      return;
    }
    if (pendingPoints + inFlightPoints + batch.points > maxBufferedPoints) {
      if (!bufferFullLogged) {
        bufferFullLogged = true;
        logger.warn({ maxBufferedPoints, inFlightPoints, pendingPoints }, 'InfluxDB writer: memory buffer full, spooling batches to disk');
      }
      toSpool(batch);
      return;
    }
    bufferFullLogged = false;
    pending.push(batch);
    pendingPoints += batch.points;
    pump();
  }

  function toSpool(batch: Batch) {
    if (spoolingPoints + batch.points > maxSpoolingPoints) {
      // The disk is not keeping up either; dropping the newest keeps memory bounded.
      drop('overflow', batch.points);
      if (!spoolTroubleLogged) {
        spoolTroubleLogged = true;
        logger.error({ points: batch.points, spoolingPoints, maxSpoolingPoints }, 'InfluxDB writer: spool backlogged, dropping new points until it catches up');
      }
      settle(batch);
      return;
    }
    spoolingPoints += batch.points;
    spool
      .append({ lines: body(batch), points: batch.points, minTimeMs: batch.minTimeMs, maxTimeMs: batch.maxTimeMs })
      .then(
        (result) => {
          if (result.ok) {
            counters.batchesSpooled += 1;
            if (result.droppedPoints > 0) drop('spool-cap', result.droppedPoints);
            spoolTroubleLogged = false;
          } else {
            spoolFailed(batch, `${result.reason}: ${result.message}`);
          }
        },
        (error: Error) => spoolFailed(batch, error.message),
      )
      .finally(() => {
        spoolingPoints -= batch.points;
        settle(batch);
        pump(); // a replay may now have something to send
      });
  }

  function spoolFailed(batch: Batch, message: string) {
    drop('spool-error', batch.points);
    if (spoolTroubleLogged) return;
    spoolTroubleLogged = true;
    logger.error({ points: batch.points, dropped: dropped['spool-error'] }, `InfluxDB writer: could not spool a batch, points dropped: ${message}`);
  }

  // ---- sending ----------------------------------------------------------------------------

  /** One /write request. The caller holds a request slot (`inFlightRequests`) around it. */
  async function post(lines: string, points: number): Promise<WriteOutcome> {
    inFlightPoints += points;
    const started = performance.now();
    try {
      const response = await fetch(writeUrl, { method: 'POST', headers, body: lines, signal: AbortSignal.timeout(requestTimeoutMs) });
      const text = response.status === 204 ? '' : await response.text();
      const outcome = classifyWriteResponse(response.status, text, points);
      if (outcome.kind !== 'unavailable') {
        const latency = performance.now() - started;
        latencyLast = latency;
        latencyAvg = latencyAvg === undefined ? latency : latencyAvg + LATENCY_WEIGHT * (latency - latencyAvg);
      }
      return outcome;
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code;
      return { kind: 'unavailable', message: (error as Error).name === 'TimeoutError' ? `no answer within ${requestTimeoutMs} ms` : `${(error as Error).message}${cause ? ` (${cause})` : ''}` };
    } finally {
      inFlightPoints -= points;
    }
  }

  /** Counts and logs a delivered (or finally refused) batch. */
  function account(outcome: Exclude<WriteOutcome, { kind: 'unavailable' }>, lines: () => string) {
    failureStreak = 0;
    lastLoggedDownReason = undefined;
    if (outcome.kind === 'written' || outcome.kind === 'partial') {
      counters.pointsWritten += outcome.kind === 'written' ? outcome.points : outcome.written;
      counters.batchesWritten += 1;
      lastWriteAtMs = clock();
    }
    if (outcome.kind === 'written') return;
    drop(outcome.reason, outcome.dropped);
    if (outcome.reason === 'beyond-retention') {
      logger.warn({ dropped: outcome.dropped, reason: outcome.reason, totalDropped: dropped[outcome.reason] }, 'InfluxDB dropped points older than the retention policy');
      return;
    }
    logger.error(
      { dropped: outcome.dropped, reason: outcome.reason, line: clip(firstOffendingLine(lines(), outcome.message)), influx: outcome.message },
      outcome.kind === 'partial' ? 'InfluxDB stored a batch but refused some points; they will not be retried' : 'InfluxDB refused a batch; it will not be retried',
    );
  }

  function goDown(message: string) {
    failureStreak += 1;
    if (state === 'up' || lastLoggedDownReason !== message) {
      logger.warn({ url, spool: spool.stats().batches, retryMs }, `InfluxDB unavailable, spooling: ${message}`);
      lastLoggedDownReason = message;
    }
    state = 'down';
    // Everything queued in memory would only wait; on disk it survives a restart.
    for (const batch of pending.splice(0)) {
      pendingPoints -= batch.points;
      toSpool(batch);
    }
    scheduleRetry();
  }

  function scheduleRetry() {
    if (closed || retryTimer) return;
    const delay = Math.min(MAX_BACKOFF_MS, retryMs * 2 ** Math.max(0, Math.min(failureStreak - 1, 10)));
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      void probe();
    }, delay);
  }

  async function probe() {
    if (closed) return;
    if (state === 'up') {
      pump(); // e.g. a backfill to retry
      return;
    }
    const answers = await client.ping({ timeoutMs: Math.min(PING_TIMEOUT_MS, retryMs * 2) });
    if (closed) return;
    if (!answers) {
      scheduleRetry();
      return;
    }
    if (state === 'down') {
      logger.info({ url, spool: spool.stats().batches }, 'InfluxDB answers again; replaying the spool');
      state = 'up';
    }
    pump();
  }

  async function sendLive(batch: Batch) {
    const lines = body(batch);
    const outcome = await post(lines, batch.points);
    inFlightRequests -= 1;
    if (outcome.kind === 'unavailable') {
      toSpool(batch); // settles once on disk
      goDown(outcome.message);
    } else {
      account(outcome, () => lines);
      settle(batch);
    }
    pump();
  }

  async function replayOne(): Promise<void> {
    const batch: SpooledBatch | undefined = await spool.peek();
    if (!batch) {
      finishReplay();
      return;
    }
    if (state !== 'up' || closed) return;
    const outcome = await post(batch.lines, batch.points);
    if (outcome.kind === 'unavailable') {
      goDown(outcome.message);
      return;
    }
    account(outcome, () => batch.lines);
    await spool.ack(batch);
    counters.batchesReplayed += 1;
    replayedBatchesThisRound += 1;
    replayWindow = replayWindow
      ? { from: Math.min(replayWindow.from, batch.minTimeMs), to: Math.max(replayWindow.to, batch.maxTimeMs) }
      : { from: batch.minTimeMs, to: batch.maxTimeMs };
  }

  /** The spool is empty: recompute the rollups the replayed points belong to. */
  function finishReplay() {
    if (!replayWindow || backfillRun || closed) return;
    const window = replayWindow;
    const batches = replayedBatchesThisRound;
    const started = performance.now();
    backfillRun = backfill(window)
      .then(
        () => {
          counters.backfillsDone += 1;
          counters.replays += 1;
          replayedBatchesThisRound = 0;
          // Only what we backfilled is cleared; a replay that started meanwhile widened a new window.
          if (replayWindow === window) replayWindow = undefined;
          logger.info(
            { batches, from: new Date(window.from).toISOString(), to: new Date(window.to).toISOString(), backfillMs: Math.round(performance.now() - started) },
            'spool replayed; rollups recomputed for the replayed window',
          );
        },
        (error: Error) => {
          counters.backfillsFailed += 1;
          failureStreak += 1;
          logger.warn({ from: new Date(window.from).toISOString(), to: new Date(window.to).toISOString() }, `rollup backfill failed, will retry: ${error.message}`);
          scheduleRetry();
        },
      )
      .finally(() => {
        backfillRun = undefined;
      });
  }

  /** Fills the request slots: one for the spool's replay (in order, one at a time) while it has
   * batches, the rest for live batches. */
  function pump() {
    if (state !== 'up') return;
    const spoolWaiting = spool.stats().batches > 0;
    if (!replayStep && !closed && inFlightRequests < concurrency && (spoolWaiting || (replayWindow && !backfillRun))) {
      inFlightRequests += 1; // the replay holds its slot from peek to ack
      replayStep = replayOne()
        .catch((error: Error) => {
          logger.error({}, `InfluxDB writer: spool replay failed: ${error.message}`);
          failureStreak += 1;
          scheduleRetry();
        })
        .finally(() => {
          inFlightRequests -= 1;
          replayStep = undefined;
          // Next batch, or (spool empty) the backfill of what was replayed.
          if (state === 'up' && !retryTimer) pump();
        });
    }
    while (inFlightRequests < concurrency && pending.length > 0) {
      const batch = pending.shift()!;
      pendingPoints -= batch.points;
      inFlightRequests += 1;
      void sendLive(batch);
    }
  }

  function flush(): Promise<void> {
    seal();
    const upTo = lastSeq;
    if (![...unsettled].some((seq) => seq <= upTo)) return Promise.resolve();
    return new Promise((resolve) => flushWaiters.push({ upTo, resolve }));
  }

  async function close(): Promise<void> {
    closed = true; // from now on write() drops, and no new replay step starts
    await flush();
    if (retryTimer) clearTimeout(retryTimer);
    retryTimer = undefined;
    await replayStep;
    await backfillRun;
  }

  function stats(): WriterStats {
    return {
      state,
      pointsWritten: counters.pointsWritten,
      pointsDropped: { ...dropped },
      batchesWritten: counters.batchesWritten,
      batchesSpooled: counters.batchesSpooled,
      batchesReplayed: counters.batchesReplayed,
      replays: counters.replays,
      backfills: { done: counters.backfillsDone, failed: counters.backfillsFailed, pending: replayWindow !== undefined },
      spool: spool.stats(),
      bufferedPoints: building.points + pendingPoints,
      inFlight: { requests: inFlightRequests, points: inFlightPoints },
      lastWriteAtMs,
      latencyMs: { last: latencyLast, avg: latencyAvg },
    };
  }

  // A spool left by a previous run is replayed without waiting for the first write().
  if (spool.stats().batches > 0) queueMicrotask(pump);

  return { write, flush, close, stats };
}
