import { entityKinds, type EntityKind } from '../model/alerts.ts';
import type { DownInterval, RecordedState } from '../model/availability.ts';
import { integer, isOneOf, seriesRows, text, type Row } from './control-rows.ts';
import { ident, literal, type InfluxHttp, type StatementResult } from './influx.ts';
import { rollupFieldName } from './retention.ts';
import { qualifiedName, type FieldName, type MeasurementName } from './schema.ts';

// What availability is computed from, read from the store: the engine's outages and recorded
// states (events policy), and which 5-minute rollup buckets hold any measurement at all (time
// without data is neither up nor down). Statements and decoding are pure; only
// `readAvailabilityRecords` touches the database. The arithmetic is model/availability.ts.

/** An outage that began this long before a range and ended inside it is still found; longer
 * ones are found only while open. Bounds the scan of the events policy. */
export const OUTAGE_LOOKBACK_MS = 90 * 86_400_000;

/** Rollups of a bucket are written a few minutes after it ends (the continuous queries run every
 * 5 minutes over the last 15): gaps are looked for only before this much of the present. */
export const ROLLUP_LAG_MS = 15 * 60_000;

export interface AvailabilityRange {
  fromMs: number;
  toMs: number;
  /** Buckets of the coverage query: a multiple of 5 minutes. */
  stepMs: number;
  /** Gaps are looked for only before this (now − ROLLUP_LAG_MS). */
  checkedUntilMs: number;
  /** Open outages end here (now, or the range's end when that is earlier). */
  openEndMs: number;
}

export type EntityKey = `${EntityKind}:${string}`;
export const entityKey = (kind: EntityKind, id: string): EntityKey => `${kind}:${id}`;

/** Where a bucket with data proves an entity was measured: every rollup that carries the id as a tag. */
const COVERAGE_SOURCES = [
  { measurement: 'icmp', field: 'up', tag: 'link', kind: 'link' },
  { measurement: 'interface_status', field: 'oper_up', tag: 'link', kind: 'link' },
  { measurement: 'icmp', field: 'up', tag: 'device', kind: 'device' },
  { measurement: 'device_poll', field: 'reachable', tag: 'device', kind: 'device' },
] as const satisfies readonly SourceShape[];

/** A field of the measurement it names, so a typo fails to compile. */
type SourceShape = { [M in MeasurementName]: { measurement: M; field: FieldName<M>; tag: string; kind: EntityKind } }[MeasurementName];
type CoverageSource = (typeof COVERAGE_SOURCES)[number];

export interface AvailabilityStatements {
  outages: string;
  initialStates: string;
  stateChanges: string;
  coverage: { source: CoverageSource; statement: string }[];
}

const ms = (value: number) => `${Math.floor(value)}ms`;

/** Entities to read, or every entity of the store when absent. */
export type EntityFilter = readonly { kind: EntityKind; id: string }[] | undefined;

const anyOf = (clauses: readonly string[]) => (clauses.length === 1 ? ` AND ${clauses[0]}` : ` AND (${clauses.join(' OR ')})`);

/** Pure: the InfluxQL for some entities (`only`) or every entity of the store. Ids come from the
 * inventory and are quoted by `literal()` all the same. */
export function availabilityStatements(range: AvailabilityRange, only?: EntityFilter): AvailabilityStatements {
  if (!Number.isInteger(range.stepMs) || range.stepMs <= 0 || range.stepMs % 300_000 !== 0) throw new Error(`coverage step must be a multiple of 5 minutes, got ${range.stepMs}`);
  if (only !== undefined && only.length === 0) throw new Error('availability of no entity asked for');
  const who = only ? anyOf(only.map((entity) => `("entity_kind" = ${literal(entity.kind)} AND "entity" = ${literal(entity.id)})`)) : '';
  const byEntity = 'GROUP BY "entity_kind", "entity"';
  const coverageUntil = Math.max(range.fromMs, Math.min(range.toMs, range.checkedUntilMs));
  const coverage = COVERAGE_SOURCES.flatMap((source) => {
    const ids = only?.filter((entity) => entity.kind === source.kind).map((entity) => entity.id);
    if (ids !== undefined && ids.length === 0) return [];
    const filter = ids ? anyOf(ids.map((id) => `${ident(source.tag)} = ${literal(id)}`)) : '';
    return [
      {
        source,
        statement:
          `SELECT count(${ident(rollupFieldName(source.field, 'mean'))}) FROM "rollup_5m".${ident(source.measurement)}` +
          ` WHERE time >= ${ms(range.fromMs)} AND time < ${ms(coverageUntil)}${filter} GROUP BY time(${range.stepMs}ms), ${ident(source.tag)} fill(none)`,
      },
    ];
  });
  return {
    outages:
      `SELECT "end_ms", "cause", "open" FROM ${qualifiedName('outage')} WHERE time >= ${ms(range.fromMs - OUTAGE_LOOKBACK_MS)} AND time < ${ms(range.toMs)}` +
      ` AND "kind" != 'blip' AND ("end_ms" > ${Math.floor(range.fromMs)} OR "open" = 1)${who} GROUP BY "entity_kind", "entity", "kind"`,
    initialStates: `SELECT last("state") AS "state" FROM ${qualifiedName('entity_state')} WHERE time <= ${ms(range.fromMs)}${who} ${byEntity}`,
    stateChanges: `SELECT "state" FROM ${qualifiedName('entity_state')} WHERE time > ${ms(range.fromMs)} AND time < ${ms(range.toMs)}${who} ${byEntity}`,
    coverage,
  };
}

const kindOf = (row: Row): EntityKind | undefined => (isOneOf(entityKinds, row.entity_kind) ? row.entity_kind : undefined);

const push = <T>(map: Map<EntityKey, T[]>, key: EntityKey, value: T) => {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
};

/** Pure: outages by entity; an open one ends at `openEndMs`. Rows without a start, or closed
 * without an end, are dropped. */
export function decodeOutages(result: StatementResult, openEndMs: number): Map<EntityKey, DownInterval[]> {
  const found = new Map<EntityKey, DownInterval[]>();
  for (const row of seriesRows(result)) {
    const kind = kindOf(row);
    const entity = text(row.entity);
    const startMs = integer(row.time);
    if (!kind || !entity || startMs === undefined) continue;
    const open = integer(row.open) === 1;
    const endMs = open ? Math.max(startMs, openEndMs) : integer(row.end_ms);
    if (endMs === undefined || endMs <= startMs) continue;
    const cause = text(row.cause);
    push(found, entityKey(kind, entity), { startMs, endMs, kind: text(row.kind) ?? 'outage', ...(cause ? { cause } : {}), ...(open ? { open } : {}) });
  }
  return found;
}

/** Pure: recorded states by entity (the initial ones, or the changes). */
export function decodeStates(result: StatementResult): Map<EntityKey, RecordedState[]> {
  const found = new Map<EntityKey, RecordedState[]>();
  for (const row of seriesRows(result)) {
    const kind = kindOf(row);
    const entity = text(row.entity);
    const atMs = integer(row.time);
    const state = text(row.state);
    if (!kind || !entity || atMs === undefined || !state) continue;
    push(found, entityKey(kind, entity), { atMs, state });
  }
  return found;
}

/** Pure: the bucket starts with data, by entity, merged over the sources of each kind. */
export function decodeCoverage(results: readonly { source: CoverageSource; result: StatementResult }[]): Map<EntityKey, Set<number>> {
  const found = new Map<EntityKey, Set<number>>();
  for (const { source, result } of results) {
    for (const row of seriesRows(result)) {
      const id = text(row[source.tag]);
      const bucket = integer(row.time);
      if (!id || bucket === undefined || !(integer(row.count) ?? 0)) continue;
      const key = entityKey(source.kind, id);
      const buckets = found.get(key) ?? new Set<number>();
      buckets.add(bucket);
      found.set(key, buckets);
    }
  }
  return found;
}

export interface AvailabilityRecords {
  outages: Map<EntityKey, DownInterval[]>;
  /** The state in force at the range's start. */
  initial: Map<EntityKey, RecordedState>;
  changes: Map<EntityKey, RecordedState[]>;
  /** Buckets (of range.stepMs) holding any measurement. */
  measured: Map<EntityKey, Set<number>>;
}

/** Everything availability over a range is computed from, for some entities or all. */
export async function readAvailabilityRecords(influx: InfluxHttp, range: AvailabilityRange, only?: EntityFilter): Promise<AvailabilityRecords> {
  const statements = availabilityStatements(range, only);
  const query = (statement: string) => influx.query(statement, { epoch: 'ms' });
  const [outages, initial, changes, ...coverage] = await Promise.all([
    query(statements.outages),
    query(statements.initialStates),
    query(statements.stateChanges),
    ...statements.coverage.map((entry) => query(entry.statement)),
  ]);
  return {
    outages: decodeOutages(outages!, range.openEndMs),
    initial: new Map([...decodeStates(initial!)].flatMap(([key, states]) => (states[0] ? [[key, states[0]] as const] : []))),
    changes: decodeStates(changes!),
    measured: decodeCoverage(statements.coverage.map((entry, i) => ({ source: entry.source, result: coverage[i]! }))),
  };
}
