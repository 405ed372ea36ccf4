import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { gzip, gzipSync } from 'node:zlib';
import type { Config } from '../config/schema.ts';
import type { Logger } from '../model/logger.ts';
import type { AlertRecord, ControlStore, EntityStateRecord } from '../store/control.ts';
import type { InfluxHttp } from '../store/influx.ts';
import { StoreError } from '../store/influx.ts';
import { latestMeasures } from '../store/latest.ts';
import { buildStatus, stateChanges, type StateChange, type StatusReport } from './status.ts';

// What the API knows "now": a status snapshot refreshed every few seconds from the store, and
// the events found since the last refresh, fanned out to the live stream's subscribers. The
// status endpoint serves the snapshot's pre-serialised body, so its cost does not grow with the
// number of requests; the store sees one round of queries per refresh whatever the audience.

export type LiveEvent =
  | { type: 'state'; id: number; atMs: number; change: StateChange }
  | { type: 'alert'; id: number; atMs: number; alert: AlertRecord }
  | { type: 'status'; id: number; atMs: number; counts: StatusReport['counts'] };

/** Events in their stream form, before an id is given. */
type NewEvent = { type: 'state'; atMs: number; change: StateChange } | { type: 'alert'; atMs: number; alert: AlertRecord } | { type: 'status'; atMs: number; counts: StatusReport['counts'] };

export interface Snapshot {
  report: StatusReport;
  /** `report` as UTF-8 JSON, serialised once per refresh: a request only copies bytes. */
  body: Buffer;
  /** `body` gzipped, also once per refresh, for clients that accept it (browsers do). */
  gzip: Buffer;
  /** Of `body`; the gzip form's is this with `-gz` inside the quotes, as a representation's
   * validator must differ per encoding. */
  etag: string;
}

export type RefreshOutcome = { ok: true; atMs: number; events: number } | { ok: false; atMs: number; message: string };

export interface LiveStatus {
  /** The newest snapshot; before the first refresh, one built from the inventory alone. */
  snapshot(): Snapshot;
  /** The last refresh's outcome (a store that cannot be read keeps the last good snapshot). */
  lastRefresh(): RefreshOutcome | undefined;
  refresh(): Promise<RefreshOutcome>;
  /** Runs refresh every `refreshMs`; returns immediately. */
  start(): void;
  stop(): void;
  /** Calls `listener` for each new event; events after `afterId` still in the buffer first. */
  subscribe(listener: (event: LiveEvent) => void, afterId?: number): () => void;
  subscribers(): number;
  /** Whether every event after `afterId` is still in the buffer: false when a client comes back
   * after more events than the buffer holds, or from before this process started. */
  canResume(afterId: number): boolean;
}

export interface LiveStatusOptions {
  config: Config;
  influx: InfluxHttp;
  control: ControlStore;
  logger: Logger;
  clock: () => number;
  refreshMs: number;
  /** How many past events a reconnecting client can catch up on (Last-Event-ID). */
  bufferSize?: number;
  /** How far back a refresh looks for the newest points: older ones are stale anyway. */
  lookbackMs?: number;
}

const gzipAsync = promisify(gzip);

/** The status as the endpoint sends it: its bytes and their ETag; the gzip is added by the
 * caller. */
const serialised = (report: StatusReport): Omit<Snapshot, 'gzip'> => {
  const body = Buffer.from(JSON.stringify(report));
  return { report, body, etag: `"${createHash('sha1').update(body).digest('base64url').slice(0, 20)}"` };
};

/** Engine rows come from another process whose writes land a little after their timestamps:
 * each refresh re-reads this much before the last one and drops what it has already told. */
const OVERLAP_MS = 60_000;

export function createLiveStatus(options: LiveStatusOptions): LiveStatus {
  const { config, influx, control, logger, clock, refreshMs } = options;
  const bufferSize = options.bufferSize ?? 1_000;
  const lookbackMs = options.lookbackMs ?? Math.max(15 * 60_000, 3 * config.collector.snmp.interval, 3 * config.collector.icmp.interval);

  const states = new Map<string, EntityStateRecord>();
  const told = new Map<string, number>();
  const alertsTold = new Map<string, number>();
  const listeners = new Set<(event: LiveEvent) => void>();
  const buffer: LiveEvent[] = [];
  // Ids start at the clock, so they keep rising across restarts and an id from an earlier
  // process is recognised as such (canResume) instead of being taken for a recent one.
  const firstId = Math.max(1, Math.floor(clock()));
  let nextId = firstId;
  // The first report has no states yet and is small enough to compress in line.
  const first = serialised(buildStatus({ config, states: [], latest: { traffic: [], icmp: [], polls: [] }, nowMs: clock() }));
  let current: Snapshot = { ...first, gzip: gzipSync(first.body) };
  let last: RefreshOutcome | undefined;
  let loadedStates = false;
  let checkedUntilMs: number | undefined;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<RefreshOutcome> | undefined;

  const emit = (event: NewEvent) => {
    const numbered = { ...event, id: nextId++ } as LiveEvent;
    buffer.push(numbered);
    if (buffer.length > bufferSize) buffer.shift();
    for (const listener of listeners) {
      try {
        listener(numbered);
      } catch (error) {
        logger.warn({ err: error }, 'live: a subscriber failed');
      }
    }
  };

  const stateKey = (record: EntityStateRecord) => `${record.entityKind}\u0000${record.entity}`;

  const refreshOnce = async (): Promise<RefreshOutcome> => {
    const nowMs = clock();
    try {
      if (!loadedStates) {
        for (const record of await control.lastEntityStates()) states.set(stateKey(record), record);
        loadedStates = true;
      }
      const fromMs = (checkedUntilMs ?? nowMs) - OVERLAP_MS;
      const [changes, recentAlerts, latest] = await Promise.all([
        control.stateChanges({ fromMs, toMs: nowMs + OVERLAP_MS, limit: 10_000 }),
        checkedUntilMs === undefined ? Promise.resolve({ alerts: [], truncated: false }) : control.alertHistory({ fromMs, toMs: nowMs + OVERLAP_MS, limit: 1_000 }),
        latestMeasures(influx, { sinceMs: nowMs - lookbackMs }),
      ]);
      let events = 0;
      for (const change of changes) {
        const k = stateKey(change);
        const existing = states.get(k);
        if (!existing || existing.atMs <= change.atMs) states.set(k, change);
        if ((told.get(k) ?? -Infinity) >= change.atMs) continue;
        told.set(k, change.atMs);
        // On the first refresh the recent past is the starting point, not news.
        if (checkedUntilMs === undefined) continue;
        for (const event of stateChanges([change], -Infinity)) {
          emit({ type: 'state', atMs: change.atMs, change: event });
          events += 1;
        }
      }
      for (const alert of [...recentAlerts.alerts].reverse()) {
        const stamp = Math.max(alert.lastEventMs, alert.acknowledgement?.atMs ?? 0);
        if ((alertsTold.get(alert.alertId) ?? -Infinity) >= stamp) continue;
        alertsTold.set(alert.alertId, stamp);
        emit({ type: 'alert', atMs: stamp, alert });
        events += 1;
      }
      const report = buildStatus({ config, states: [...states.values()], latest, nowMs });
      const countsChanged = JSON.stringify(report.counts) !== JSON.stringify(current.report.counts);
      // In the thread pool, so compressing a district's status does not hold up requests.
      const plain = serialised(report);
      current = { ...plain, gzip: await gzipAsync(plain.body) };
      if (countsChanged && checkedUntilMs !== undefined) emit({ type: 'status', atMs: nowMs, counts: report.counts });
      checkedUntilMs = nowMs;
      last = { ok: true, atMs: nowMs, events };
    } catch (error) {
      const message = error instanceof StoreError ? error.message : (error as Error).message;
      if (last?.ok !== false) logger.warn({ err: error }, `status refresh failed: ${message}`);
      last = { ok: false, atMs: nowMs, message };
    }
    return last;
  };

  const live: LiveStatus = {
    snapshot: () => current,
    lastRefresh: () => last,
    // Overlapping refreshes (a slow store) share one run instead of piling up.
    refresh() {
      running ??= refreshOnce().finally(() => {
        running = undefined;
      });
      return running;
    },
    start() {
      if (timer) return;
      void live.refresh();
      timer = setInterval(() => void live.refresh(), refreshMs);
      timer.unref();
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
    },
    subscribe(listener, afterId) {
      if (afterId !== undefined) for (const event of buffer) if (event.id > afterId) listener(event);
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    subscribers: () => listeners.size,
    canResume(afterId) {
      if (afterId >= nextId - 1) return afterId < nextId;
      const oldest = buffer[0]?.id ?? nextId;
      return afterId >= oldest - 1 && afterId >= firstId - 1;
    },
  };
  return live;
}
