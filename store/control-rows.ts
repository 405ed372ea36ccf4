import { z } from 'zod';
import { clockTimeSchema, entitySelectorSchema, weekdays } from '../config/alerts.ts';
import type { StatementResult } from './influx.ts';
import type { MaintenanceWindow } from '../model/maintenance.ts';
import { entityKinds, entityStates, type EntityKind, type EntityState } from '../model/alerts.ts';

// Rows of the events retention policy → the control store's records. Pure: InfluxDB answers in
// loose columns (null where a point lacks a field, tags in `tags` or in columns depending on the
// GROUP BY), and everything that reads those columns lives here.

export type Row = Record<string, unknown>;

/** Every row of every series, the series' tags merged in. */
export function seriesRows(result: StatementResult): Row[] {
  return (result.series ?? []).flatMap((series) =>
    (series.values ?? []).map((values) => ({ ...series.tags, ...Object.fromEntries(series.columns.map((column, i) => [column, values[i]])) })),
  );
}

export const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);
export const integer = (value: unknown): number | undefined => (typeof value === 'number' && Number.isFinite(value) ? value : undefined);

/** Events after which an alert is no longer open: `resolved`, `brief` (an outage told when it
 * was already over), and the one-shots (`event`, a reboot; `test`) that have nothing to resolve. */
export const closingEvents: readonly string[] = ['resolved', 'brief', 'event', 'test'];

export interface Acknowledgement {
  alertId: string;
  by: string;
  comment?: string;
  atMs: number;
}

/** An alert as its events in the `alert` measurement tell it, with its acknowledgement. Kind
 * and severity are the strings the engine wrote (an AlertKind and a Severity normally); they are
 * not narrowed, so an alert written by a newer engine is still listed. */
export interface AlertRecord {
  alertId: string;
  kind: string;
  severity: string;
  site?: string;
  entityKind?: string;
  entity?: string;
  /** The interface, for interface alerts. */
  interface?: string;
  /** Its last event is not one of `closingEvents`. */
  open: boolean;
  lastEvent: string;
  lastEventMs: number;
  /** When the problem began; the last event's time when no event said. */
  startedMs: number;
  endedMs?: number;
  summary?: string;
  affected?: string[];
  acked: boolean;
  /** The latest acknowledgement made since the alert started. */
  acknowledgement?: Acknowledgement;
}

export function toAcknowledgement(row: Row): Acknowledgement | undefined {
  const alertId = text(row.alert_id);
  const atMs = integer(row.time);
  if (alertId === undefined || atMs === undefined) return undefined;
  const comment = text(row.comment);
  return { alertId, by: text(row.by) ?? '?', ...(comment !== undefined ? { comment } : {}), atMs };
}

const parseAffected = (value: unknown): string[] | undefined => {
  const raw = text(value);
  if (raw === undefined) return undefined;
  try {
    const parsed: unknown = JSON.parse(raw);
    return Array.isArray(parsed) ? parsed.map(String) : undefined;
  } catch {
    return undefined;
  }
};

/**
 * Merges, per alert_id, its last event (`SELECT * … GROUP BY "alert_id" ORDER BY time DESC
 * LIMIT 1`) with the last value each field ever had (`SELECT last(*) … GROUP BY "alert_id"`,
 * columns `last_<field>`): a `resolved` event need not repeat the entity or the start. Joins the
 * latest acknowledgement made at or after the start (an alert id can come back for a later
 * problem; an old acknowledgement does not cover it). Newest last event first.
 */
export function mergeAlerts(lastEvents: readonly Row[], lastFields: readonly Row[], acks: readonly Acknowledgement[]): AlertRecord[] {
  const fieldsById = new Map(lastFields.map((row) => [text(row.alert_id), row]));
  const acksById = new Map<string, Acknowledgement[]>();
  for (const ack of acks) acksById.set(ack.alertId, [...(acksById.get(ack.alertId) ?? []), ack]);
  const byId = new Map<string, AlertRecord>();
  for (const row of lastEvents) {
    const alertId = text(row.alert_id);
    const lastEventMs = integer(row.time);
    if (alertId === undefined || lastEventMs === undefined) continue;
    const previous = byId.get(alertId);
    if (previous && previous.lastEventMs >= lastEventMs) continue;
    const fields = fieldsById.get(alertId) ?? {};
    const field = (name: string) => row[name] ?? fields[`last_${name}`];
    const lastEvent = text(row.event) ?? text(fields.last_event) ?? 'firing';
    const startedMs = integer(field('started_ms')) ?? lastEventMs;
    const acknowledgement = (acksById.get(alertId) ?? []).filter((ack) => ack.atMs >= startedMs).sort((a, b) => b.atMs - a.atMs)[0];
    const site = text(row.site);
    const entityKind = text(field('entity_kind'));
    const entity = text(field('entity'));
    const iface = text(field('interface'));
    const open = !closingEvents.includes(lastEvent);
    const endedMs = open ? undefined : integer(field('ended_ms'));
    const summary = text(field('summary'));
    const affected = parseAffected(field('affected'));
    byId.set(alertId, {
      alertId,
      kind: text(row.kind) ?? '?',
      severity: text(row.severity) ?? '?',
      ...(site !== undefined ? { site } : {}),
      ...(entityKind !== undefined ? { entityKind } : {}),
      ...(entity !== undefined ? { entity } : {}),
      ...(iface !== undefined ? { interface: iface } : {}),
      open,
      lastEvent,
      lastEventMs,
      startedMs,
      ...(endedMs !== undefined ? { endedMs } : {}),
      ...(summary !== undefined ? { summary } : {}),
      ...(affected !== undefined ? { affected } : {}),
      acked: acknowledgement !== undefined,
      ...(acknowledgement ? { acknowledgement } : {}),
    });
  }
  return [...byId.values()].sort((a, b) => b.lastEventMs - a.lastEventMs);
}

export interface EntityStateRecord {
  entityKind: EntityKind;
  entity: string;
  site?: string;
  state: EntityState;
  previous?: EntityState;
  cause?: string;
  /** When the state really began (backdated for down states). */
  sinceMs: number;
  flapping: boolean;
  message?: string;
  /** When the engine recorded it (the point's time). */
  atMs: number;
}

export const isOneOf = <T extends string>(list: readonly T[], value: unknown): value is T => typeof value === 'string' && (list as readonly string[]).includes(value);

/** The newest `entity_state` row per (entity_kind, entity). Rows with a kind or state this
 * version does not know are left out: the engine then starts that entity from `unknown`. */
export function latestEntityStates(rowsIn: readonly Row[]): EntityStateRecord[] {
  const latest = new Map<string, EntityStateRecord>();
  for (const row of rowsIn) {
    const atMs = integer(row.time);
    const entity = text(row.entity);
    if (atMs === undefined || entity === undefined || !isOneOf(entityKinds, row.entity_kind) || !isOneOf(entityStates, row.state)) continue;
    const key = `${row.entity_kind}\u0000${entity}`;
    const existing = latest.get(key);
    if (existing && existing.atMs >= atMs) continue;
    const site = text(row.site);
    const cause = text(row.cause);
    const message = text(row.message);
    latest.set(key, {
      entityKind: row.entity_kind,
      entity,
      ...(site !== undefined ? { site } : {}),
      state: row.state,
      ...(isOneOf(entityStates, row.previous) ? { previous: row.previous } : {}),
      ...(cause !== undefined ? { cause } : {}),
      sinceMs: integer(row.since_ms) ?? atMs,
      flapping: integer(row.flapping) === 1,
      ...(message !== undefined ? { message } : {}),
      atMs,
    });
  }
  return [...latest.values()];
}

export interface OutageRecord {
  entityKind: EntityKind;
  entity: string;
  site?: string;
  /** `outage`, `blip` or `unreachable`, as the engine wrote it. */
  kind: string;
  startMs: number;
  rounds?: number;
  cause?: string;
  maintenance: boolean;
}

export function toOutage(row: Row): OutageRecord | undefined {
  const startMs = integer(row.time);
  const entity = text(row.entity);
  if (startMs === undefined || entity === undefined || !isOneOf(entityKinds, row.entity_kind)) return undefined;
  const site = text(row.site);
  const rounds = integer(row.rounds);
  const cause = text(row.cause);
  return {
    entityKind: row.entity_kind,
    entity,
    ...(site !== undefined ? { site } : {}),
    kind: text(row.kind) ?? 'outage',
    startMs,
    ...(rounds !== undefined ? { rounds } : {}),
    ...(cause !== undefined ? { cause } : {}),
    maintenance: integer(row.maintenance) === 1,
  };
}

const scheduleSchema = z.strictObject({ days: z.array(z.enum(weekdays)).min(1).optional(), from: clockTimeSchema, to: clockTimeSchema });

const parseJson = <T>(value: unknown, schema: z.ZodType<T>): T | undefined => {
  const raw = text(value);
  if (raw === undefined) return undefined;
  try {
    const parsed = schema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
};

/**
 * Stored windows from `maintenance` rows, the fields of all rows of one window merged oldest
 * first (an `end` rewrites the point, but a window written twice must still read as one).
 * A window whose selector or schedule cannot be read is left out rather than read as the empty
 * selector, which would cover the whole district.
 */
export function toStoredWindows(rowsIn: readonly Row[]): MaintenanceWindow[] {
  const byId = new Map<string, Row[]>();
  for (const row of rowsIn) {
    const id = text(row.window);
    if (id !== undefined) byId.set(id, [...(byId.get(id) ?? []), row]);
  }
  const windows: MaintenanceWindow[] = [];
  for (const [id, list] of byId) {
    const sorted = [...list].sort((a, b) => (integer(a.time) ?? 0) - (integer(b.time) ?? 0));
    const merged: Row = {};
    for (const row of sorted) for (const [key, value] of Object.entries(row)) if (value !== null && value !== undefined) merged[key] = value;
    const match = parseJson(merged.match, entitySelectorSchema);
    const every = parseJson(merged.every, scheduleSchema);
    const startMs = integer(merged.start_ms);
    const endMs = integer(merged.end_ms);
    if (match === undefined || (every === undefined && (startMs === undefined || endMs === undefined))) continue;
    const comment = text(merged.comment);
    const by = text(merged.by);
    const endedMs = integer(merged.ended_ms);
    const createdMs = integer(sorted[0]!.time);
    windows.push({
      id,
      source: 'store',
      match,
      ...(every ? { every } : { startMs, endMs }),
      ...(comment !== undefined ? { comment } : {}),
      ...(by !== undefined ? { by } : {}),
      ...(endedMs !== undefined ? { endedMs } : {}),
      ...(createdMs !== undefined ? { createdMs } : {}),
    });
  }
  return windows.sort((a, b) => (a.createdMs ?? 0) - (b.createdMs ?? 0));
}
