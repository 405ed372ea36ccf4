/**
 * The alert engine's control plane, through InfluxDB's `events` retention policy: operators'
 * acknowledgements and maintenance windows go in as points (from `linkwatch alerts ack`,
 * `linkwatch maintenance …`, later the API), and the engine reads them every few seconds; the
 * engine's `entity_state`, `outage` and `alert` points come back out for the CLI and for the
 * engine's own restart. The engine and the commands run in different processes and share
 * nothing else.
 *
 * Writes return tagged results (a refused acknowledgement is data: unknown alert, bad id). A
 * database that cannot be used at all — unreachable, missing, refusing the credentials — throws
 * the client's StoreError, whose message names the URL (never a password) and what to do.
 */
import { randomBytes } from 'node:crypto';
import { entitySelectorSchema } from '../config/alerts.ts';
import { ID_PATTERN, type InfluxSettings } from '../config/schema.ts';
import { localTime } from '../config/time.ts';
import { createInfluxHttp, literal } from './influx.ts';
import { toLine } from './line-protocol.ts';
import { point, qualifiedName, retentionOf, type Point } from './schema.ts';
import {
  latestEntityStates,
  mergeAlerts,
  seriesRows,
  toAcknowledgement,
  toOutage,
  toStoredWindows,
  type Acknowledgement,
  type AlertRecord,
  type EntityStateRecord,
  type OutageRecord,
} from './control-rows.ts';
import type { MaintenanceWindow } from '../model/maintenance.ts';

export { closingEvents, type Acknowledgement, type AlertRecord, type EntityStateRecord, type OutageRecord } from './control-rows.ts';

/** Alert ids as the CLI and the API accept them: letters, digits and `._:/@+-`, up to 200
 * characters, starting with a letter or digit. Nothing else ever reaches a query. */
export const ALERT_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:/@+-]{0,199}$/;

/** Why a write was not done. */
export type ControlRefusal = 'invalid' | 'unknown-alert' | 'unknown-window' | 'duplicate-id' | 'already-ended';
export type ControlFailure = { ok: false; reason: ControlRefusal; message: string };

export type AcknowledgeResult = { ok: true; acknowledgement: Acknowledgement; alert: AlertRecord } | ControlFailure;
export type MaintenanceResult = { ok: true; window: MaintenanceWindow } | ControlFailure;

export interface AcknowledgeInput {
  alertId: string;
  by: string;
  comment?: string;
  atMs: number;
}

/** A window to store: one-off (`startMs`, `endMs`) or recurring (`every`). `id` is generated
 * when absent (`mw-20261127-1a2b`). */
export interface NewMaintenanceWindow {
  id?: string;
  match: MaintenanceWindow['match'];
  startMs?: number;
  endMs?: number;
  every?: MaintenanceWindow['every'];
  comment?: string;
  by?: string;
}

export interface ControlStore {
  acknowledge(input: AcknowledgeInput): Promise<AcknowledgeResult>;
  /** Acknowledgements made at or after `sinceMs`, oldest first. */
  acknowledgements(options: { sinceMs: number }): Promise<Acknowledgement[]>;
  addMaintenance(window: NewMaintenanceWindow): Promise<MaintenanceResult>;
  /** Ends a stored window at `atMs` (or cancels it, when it has not begun). */
  endMaintenance(id: string, atMs: number): Promise<MaintenanceResult>;
  /** Every stored window, ended and past ones included, oldest first. */
  maintenanceWindows(): Promise<MaintenanceWindow[]>;
  /** Alerts whose last event leaves them open, newest event first. */
  openAlerts(): Promise<AlertRecord[]>;
  /** Open alerts and those with an event at or after `sinceMs`, newest event first. */
  recentAlerts(options: { sinceMs: number; limit?: number }): Promise<AlertRecord[]>;
  /** Alerts with an event in [fromMs, toMs), newest event first, at most `limit`: the state
   * each was in at `toMs` as far as the events in the range (and the 90 days before, for the
   * fields a closing event does not repeat) tell. Bounded by time, unlike `recentAlerts`. */
  alertHistory(options: { fromMs: number; toMs: number; limit: number }): Promise<{ alerts: AlertRecord[]; truncated: boolean }>;
  /** One alert by id, or undefined when it never had an event. */
  alert(alertId: string): Promise<AlertRecord | undefined>;
  /** The last recorded state of every link, device and site; with `sinceMs`, only of those
   * whose state was recorded at or after it (for incremental refreshes). */
  lastEntityStates(options?: { sinceMs?: number }): Promise<EntityStateRecord[]>;
  /** Every state change recorded in [fromMs, toMs), oldest first, at most `limit`. */
  stateChanges(options: { fromMs: number; toMs: number; limit: number }): Promise<EntityStateRecord[]>;
  /** Outages whose point still says open=1. */
  openOutages(): Promise<OutageRecord[]>;
}

export interface ControlStoreOptions {
  settings: InfluxSettings;
  /** For generated window ids (their date is local). Default Asia/Ho_Chi_Minh. */
  timeZone?: string;
  /** Creation time of new windows. Default Date.now. */
  clock?: () => number;
  /** Four hex digits for generated ids. Default random. */
  randomSuffix?: () => string;
  /** Per request. Default 10 000 ms. */
  timeoutMs?: number;
}

/** How far before a history range the fields of its alerts are looked for: a `resolved` event
 * does not repeat the entity or the start its `firing` event wrote. */
const FIELD_LOOKBACK_MS = 90 * 86_400_000;

const from = qualifiedName;

export function createControlStore(options: ControlStoreOptions): ControlStore {
  const { settings } = options;
  const timeZone = options.timeZone ?? 'Asia/Ho_Chi_Minh';
  const clock = options.clock ?? Date.now;
  const randomSuffix = options.randomSuffix ?? (() => randomBytes(2).toString('hex'));
  const timeoutMs = options.timeoutMs ?? 10_000;

  const client = createInfluxHttp(settings, { timeoutMs });
  const query = (statement: string) => client.query(statement, { epoch: 'ms' });
  const write = async (points: readonly Point[]): Promise<void> => {
    const lines = points.map((p) => toLine(p)).filter((line): line is string => line !== undefined);
    await client.write(lines, { policy: retentionOf(points[0]!.measurement) });
  };

  const selectRows = async (statement: string) => seriesRows(await query(statement));

  const latestAcks = async (where = ''): Promise<Acknowledgement[]> =>
    (await selectRows(`SELECT * FROM ${from('alert_ack')}${where} GROUP BY "alert_id" ORDER BY time DESC LIMIT 1`))
      .map(toAcknowledgement)
      .filter((ack): ack is Acknowledgement => ack !== undefined);

  // Every alert's last event over all time: open alerts may be weeks old, and LIMIT 1 per
  // alert_id keeps the answer one row per alert.
  const alerts = async (alertId?: string): Promise<AlertRecord[]> => {
    const where = alertId === undefined ? '' : ` WHERE "alert_id" = ${literal(alertId)}`;
    const [lastEvents, lastFields, acks] = await Promise.all([
      selectRows(`SELECT * FROM ${from('alert')}${where} GROUP BY "alert_id" ORDER BY time DESC LIMIT 1`),
      selectRows(`SELECT last(*) FROM ${from('alert')}${where} GROUP BY "alert_id"`),
      latestAcks(where),
    ]);
    return mergeAlerts(lastEvents, lastFields, acks);
  };

  const storedWindows = async (id?: string): Promise<MaintenanceWindow[]> => {
    const where = id === undefined ? '' : ` WHERE "window" = ${literal(id)}`;
    return toStoredWindows(await selectRows(`SELECT * FROM ${from('maintenance')}${where} GROUP BY "window"`));
  };

  const refuse = (reason: ControlRefusal, message: string): ControlFailure => ({ ok: false, reason, message });

  const validateWindow = (window: NewMaintenanceWindow): string | undefined => {
    if (window.id !== undefined && !ID_PATTERN.test(window.id)) return `window id "${window.id}" must be 1–64 lowercase letters, digits, "-" or "_"`;
    if (!entitySelectorSchema.safeParse(window.match).success) return 'the selector must list ids of groups, sites, links or devices';
    const oneOff = window.startMs !== undefined || window.endMs !== undefined;
    if (oneOff === (window.every !== undefined)) return 'give either a start and an end (one-off) or a schedule (recurring)';
    if (oneOff && !(Number.isFinite(window.startMs) && Number.isFinite(window.endMs) && window.endMs! > window.startMs!)) return 'the end must come after the start';
    return undefined;
  };

  const windowPoint = (window: MaintenanceWindow, timeMs: number) =>
    point(
      'maintenance',
      timeMs,
      { window: window.id },
      {
        match: JSON.stringify(window.match),
        start_ms: window.startMs,
        end_ms: window.endMs,
        every: window.every && JSON.stringify(window.every),
        ended_ms: window.endedMs,
        by: window.by,
        comment: window.comment,
      },
    );

  const generatedId = (atMs: number): string => {
    const t = localTime(atMs, timeZone);
    const pad = (n: number) => String(n).padStart(2, '0');
    return `mw-${t.year}${pad(t.month)}${pad(t.day)}-${randomSuffix()}`;
  };

  return {
    async acknowledge(input) {
      if (!ALERT_ID_PATTERN.test(input.alertId)) return refuse('invalid', `"${input.alertId}" is not an alert id`);
      if (input.by.trim() === '') return refuse('invalid', 'say who acknowledges');
      const [alert] = await alerts(input.alertId);
      if (!alert) return refuse('unknown-alert', `no alert "${input.alertId}"`);
      const comment = input.comment?.trim() || undefined;
      await write([point('alert_ack', input.atMs, { alert_id: input.alertId }, { by: input.by, comment })]);
      const acknowledgement: Acknowledgement = { alertId: input.alertId, by: input.by, ...(comment !== undefined ? { comment } : {}), atMs: input.atMs };
      return { ok: true, acknowledgement, alert: { ...alert, acked: true, acknowledgement } };
    },

    async acknowledgements({ sinceMs }) {
      const rows = await selectRows(`SELECT * FROM ${from('alert_ack')} WHERE time >= ${Math.floor(sinceMs)}ms`);
      return rows
        .map(toAcknowledgement)
        .filter((ack): ack is Acknowledgement => ack !== undefined)
        .sort((a, b) => a.atMs - b.atMs);
    },

    async addMaintenance(input) {
      const invalid = validateWindow(input);
      if (invalid !== undefined) return refuse('invalid', invalid);
      const createdMs = clock();
      let id = input.id;
      if (id !== undefined) {
        if ((await storedWindows(id)).length > 0) return refuse('duplicate-id', `a maintenance window "${id}" already exists`);
      } else {
        // Four hex digits give 65 536 ids a day; a clash is retried, not refused.
        for (let attempt = 0; attempt < 5 && id === undefined; attempt++) {
          const candidate = generatedId(createdMs);
          if ((await storedWindows(candidate)).length === 0) id = candidate;
        }
        if (id === undefined) return refuse('duplicate-id', 'could not find a free window id; give one with an id');
      }
      const window: MaintenanceWindow = {
        id,
        source: 'store',
        match: input.match,
        ...(input.every ? { every: input.every } : { startMs: input.startMs!, endMs: input.endMs! }),
        ...(input.comment?.trim() ? { comment: input.comment.trim() } : {}),
        ...(input.by ? { by: input.by } : {}),
        createdMs,
      };
      await write([windowPoint(window, createdMs)]);
      return { ok: true, window };
    },

    async endMaintenance(id, atMs) {
      if (!ID_PATTERN.test(id)) return refuse('invalid', `"${id}" is not a maintenance window id`);
      const [window] = await storedWindows(id);
      if (!window) return refuse('unknown-window', `no stored maintenance window "${id}"`);
      if (window.endedMs !== undefined) return refuse('already-ended', `maintenance window "${id}" was already ended`);
      const ended: MaintenanceWindow = { ...window, endedMs: atMs };
      // Same series and timestamp: the point is replaced, so the window stays one point.
      await write([windowPoint(ended, window.createdMs!)]);
      return { ok: true, window: ended };
    },

    maintenanceWindows: () => storedWindows(),

    openAlerts: async () => (await alerts()).filter((alert) => alert.open),

    async recentAlerts({ sinceMs, limit }) {
      const found = (await alerts()).filter((alert) => alert.open || alert.lastEventMs >= sinceMs);
      return limit === undefined ? found : found.slice(0, limit);
    },

    async alertHistory({ fromMs, toMs, limit }) {
      const range = (lowMs: number) => ` WHERE time >= ${Math.floor(lowMs)}ms AND time < ${Math.floor(toMs)}ms`;
      const [lastEvents, lastFields, acks] = await Promise.all([
        selectRows(`SELECT * FROM ${from('alert')}${range(fromMs)} GROUP BY "alert_id" ORDER BY time DESC LIMIT 1`),
        selectRows(`SELECT last(*) FROM ${from('alert')}${range(fromMs - FIELD_LOOKBACK_MS)} GROUP BY "alert_id"`),
        latestAcks(range(fromMs - FIELD_LOOKBACK_MS)),
      ]);
      const found = mergeAlerts(lastEvents, lastFields, acks);
      return { alerts: found.slice(0, limit), truncated: found.length > limit };
    },

    async alert(alertId) {
      if (!ALERT_ID_PATTERN.test(alertId)) return undefined;
      return (await alerts(alertId))[0];
    },

    lastEntityStates: async ({ sinceMs } = {}) =>
      latestEntityStates(
        await selectRows(`SELECT * FROM ${from('entity_state')}${sinceMs === undefined ? '' : ` WHERE time >= ${Math.floor(sinceMs)}ms`} GROUP BY "entity_kind", "entity" ORDER BY time DESC LIMIT 1`),
      ),

    async stateChanges({ fromMs, toMs, limit }) {
      const found = await selectRows(`SELECT * FROM ${from('entity_state')} WHERE time >= ${Math.floor(fromMs)}ms AND time < ${Math.floor(toMs)}ms ORDER BY time ASC LIMIT ${Math.max(1, Math.floor(limit))}`);
      // One row per point: latestEntityStates keeps the newest per entity, so decode each alone.
      return found.flatMap((row) => latestEntityStates([row]));
    },

    openOutages: async () =>
      (await selectRows(`SELECT * FROM ${from('outage')} WHERE "open" = 1 GROUP BY *`))
        .map(toOutage)
        .filter((outage): outage is OutageRecord => outage !== undefined),
  };
}
