import { parseDuration } from '../config/duration.ts';
import { ident, literal, type InfluxHttp, type StatementResult } from './influx.ts';
import { RAW_POLICY, rollupFieldName, rollups, type RollupName } from './retention.ts';
import { qualifiedName, retentionPolicies, type FieldName, type MeasurementName, type RollupAggregate } from './schema.ts';

// Time series of one link, device or interface over a range, for the API's charts. The policy
// and the GROUP BY step are chosen from the range (pure), the InfluxQL is built from the schema's
// names with every tag value quoted by `literal()` (pure), and the rows are decoded onto a
// regular grid of buckets (pure), so only `read*` touches the database.

export type SeriesPolicy = 'raw' | RollupName;

export interface Resolution {
  policy: SeriesPolicy;
  /** The GROUP BY time step, a multiple of the policy's interval. */
  stepMs: number;
}

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Steps a chart's axis reads well at. Beyond the last, whole days. */
export const NICE_STEPS_MS: readonly number[] = [
  SECOND, 2 * SECOND, 5 * SECOND, 10 * SECOND, 15 * SECOND, 20 * SECOND, 30 * SECOND,
  MINUTE, 2 * MINUTE, 5 * MINUTE, 10 * MINUTE, 15 * MINUTE, 30 * MINUTE,
  HOUR, 2 * HOUR, 3 * HOUR, 6 * HOUR, 12 * HOUR,
  DAY, 2 * DAY, 7 * DAY, 14 * DAY, 30 * DAY,
];

const retentionMs = (policy: keyof typeof retentionPolicies): number => {
  const parsed = parseDuration(retentionPolicies[policy].duration);
  if (!parsed.ok) throw new Error(`schema.ts: retention of ${policy} is not a duration`);
  return parsed.ms;
};

/** How long each policy keeps points (schema.ts's retentionPolicies). */
export const POLICY_RETENTION_MS: Readonly<Record<SeriesPolicy, number>> = {
  raw: retentionMs('raw'),
  rollup_5m: retentionMs('rollup_5m'),
  rollup_1h: retentionMs('rollup_1h'),
};

/** Buckets GROUP BY time(step) makes over [from, to): InfluxDB aligns them to the epoch, so the
 * first one may start before `from`. */
export const bucketCount = (fromMs: number, toMs: number, stepMs: number): number => Math.ceil(toMs / stepMs) - Math.floor(fromMs / stepMs);

/** The smallest nice step of at least `minMs` that keeps the buckets of the range within `maxPoints`. */
export function niceStep(fromMs: number, toMs: number, minMs: number, maxPoints: number): number {
  for (const step of NICE_STEPS_MS) if (step >= minMs && bucketCount(fromMs, toMs, step) <= maxPoints) return step;
  // Past a month: whole days. Two buckets can share a partial one at each end, hence the loop.
  let days = Math.max(1, Math.ceil(Math.max(minMs, (toMs - fromMs) / maxPoints) / DAY));
  while (bucketCount(fromMs, toMs, days * DAY) > maxPoints) days++;
  return days * DAY;
}

export interface ResolutionInput {
  fromMs: number;
  toMs: number;
  /** At most this many buckets per series (≥ 1). */
  maxPoints: number;
  /** How often the collector writes the series (the SNMP or ICMP interval). */
  rawIntervalMs: number;
  /** What retention is measured back from; `toMs` when not given. */
  nowMs?: number;
}

/**
 * Raw points while the range holds at most `maxPoints` of them and raw data still covers its
 * start (30 days); else the 5-minute rollups while they cover it (400 days); else the 1-hour
 * rollups. The step is the smallest nice one at least the policy's interval (the collector's
 * interval for raw) that keeps the buckets within `maxPoints`.
 */
export function chooseResolution(input: ResolutionInput): Resolution {
  const { fromMs, toMs, maxPoints, rawIntervalMs } = input;
  const nowMs = input.nowMs ?? toMs;
  const covers = (policy: SeriesPolicy) => fromMs >= nowMs - POLICY_RETENTION_MS[policy];
  const rangeMs = toMs - fromMs;
  let policy: SeriesPolicy;
  if (rangeMs / rawIntervalMs <= maxPoints && covers('raw')) policy = 'raw';
  else if (covers('rollup_5m')) policy = 'rollup_5m';
  else policy = 'rollup_1h';
  const minMs = policy === 'raw' ? rawIntervalMs : rollups[policy].intervalMs;
  return { policy, stepMs: niceStep(fromMs, toMs, minMs, maxPoints) };
}

// ---------------------------------------------------------------------------------------------
// Columns: what each series answers with, and where it comes from in raw data and in rollups
// ---------------------------------------------------------------------------------------------

type Aggregate = 'mean' | 'max' | 'min';

/** One output column: the raw field and how a bucket aggregates it, and the rollup field
 * (`field_aggregate`, as the continuous queries write it) with how buckets of rollups combine. */
export interface ColumnSpec<M extends MeasurementName> {
  key: string;
  field: FieldName<M>;
  /** Applied to the raw field, and to the rollup field `field_rollup`. */
  aggregate: Aggregate;
  /** Which rollup of the field to read: its mean for means, its max for maxima. */
  rollup: RollupAggregate;
}

export const trafficColumns = [
  { key: 'inBps', field: 'in_bps', aggregate: 'mean', rollup: 'mean' },
  { key: 'outBps', field: 'out_bps', aggregate: 'mean', rollup: 'mean' },
  { key: 'inBpsMax', field: 'in_bps', aggregate: 'max', rollup: 'max' },
  { key: 'outBpsMax', field: 'out_bps', aggregate: 'max', rollup: 'max' },
  { key: 'inUtilizationPct', field: 'in_utilization_pct', aggregate: 'mean', rollup: 'mean' },
  { key: 'outUtilizationPct', field: 'out_utilization_pct', aggregate: 'mean', rollup: 'mean' },
  { key: 'inUtilizationPctMax', field: 'in_utilization_pct', aggregate: 'max', rollup: 'max' },
  { key: 'outUtilizationPctMax', field: 'out_utilization_pct', aggregate: 'max', rollup: 'max' },
] as const satisfies readonly ColumnSpec<'interface_traffic'>[];

export const latencyColumns = [
  { key: 'rttMinMs', field: 'rtt_min_ms', aggregate: 'min', rollup: 'min' },
  { key: 'rttAvgMs', field: 'rtt_avg_ms', aggregate: 'mean', rollup: 'mean' },
  { key: 'rttMaxMs', field: 'rtt_max_ms', aggregate: 'max', rollup: 'max' },
  { key: 'rttQ1Ms', field: 'rtt_q1_ms', aggregate: 'mean', rollup: 'mean' },
  { key: 'rttMedianMs', field: 'rtt_median_ms', aggregate: 'mean', rollup: 'mean' },
  { key: 'rttQ3Ms', field: 'rtt_q3_ms', aggregate: 'mean', rollup: 'mean' },
  { key: 'jitterMs', field: 'jitter_ms', aggregate: 'mean', rollup: 'mean' },
  { key: 'lossPct', field: 'loss_pct', aggregate: 'mean', rollup: 'mean' },
  { key: 'lossPctMax', field: 'loss_pct', aggregate: 'max', rollup: 'max' },
  { key: 'upRatio', field: 'up', aggregate: 'mean', rollup: 'mean' },
] as const satisfies readonly ColumnSpec<'icmp'>[];

export type TrafficKey = (typeof trafficColumns)[number]['key'];
export type LatencyKey = (typeof latencyColumns)[number]['key'];

/** Columns of one series: bucket start times, and a value (null for an empty bucket) per key. */
export type Columns<K extends string> = { time: number[] } & { [Key in K]: (number | null)[] };

export interface SeriesAnswer<K extends string> extends Resolution {
  fromMs: number;
  toMs: number;
  columns: Columns<K>;
}

/** Who a series belongs to, as the tags that identify it in the measurement. */
export type TrafficSubject = { link: string } | { device: string; interface: string };
export type IcmpSubject = { link: string } | { device: string };

const AGGREGATE_SQL: Record<Aggregate, string> = { mean: 'mean', max: 'max', min: 'min' };

function selection<M extends MeasurementName>(columns: readonly ColumnSpec<M>[], policy: SeriesPolicy): string {
  return columns
    .map((column) => {
      const source = policy === RAW_POLICY ? column.field : rollupFieldName(column.field, column.rollup);
      return `${AGGREGATE_SQL[column.aggregate]}(${ident(source)}) AS ${ident(column.key)}`;
    })
    .join(', ');
}

/** A tag value as an InfluxQL string literal (see `literal()`). */
export const tagValue = literal;

const tagFilter = (tags: Readonly<Record<string, string>>): string =>
  Object.entries(tags)
    .map(([tag, value]) => `${ident(tag)} = ${tagValue(value)}`)
    .join(' AND ');

/** `time >= …ms AND time < …ms`: integers only, never text from a request. */
const timeFilter = (fromMs: number, toMs: number): string => `time >= ${Math.floor(fromMs)}ms AND time < ${Math.ceil(toMs)}ms`;

export interface SeriesQuery extends Resolution {
  fromMs: number;
  toMs: number;
}

function seriesStatement<M extends MeasurementName>(measurement: M, columns: readonly ColumnSpec<M>[], tags: Readonly<Record<string, string>>, query: SeriesQuery, groupBy: readonly string[] = []): string {
  if (!Number.isInteger(query.stepMs) || query.stepMs <= 0) throw new Error(`step must be a whole number of ms, got ${query.stepMs}`);
  const group = [`time(${query.stepMs}ms)`, ...groupBy.map(ident)].join(', ');
  return (
    `SELECT ${selection(columns, query.policy)} FROM ${ident(query.policy)}.${ident(measurement)} ` +
    `WHERE ${tagFilter(tags)} AND ${timeFilter(query.fromMs, query.toMs)} GROUP BY ${group} fill(none)`
  );
}

/** InfluxQL for the traffic of a link or of one interface of a device. */
export const trafficStatement = (subject: TrafficSubject, query: SeriesQuery): string => seriesStatement('interface_traffic', trafficColumns, subject, query);

/** InfluxQL for the ICMP rounds of a link's targets (or a device's address), one series per target. */
export const latencyStatement = (subject: IcmpSubject, query: SeriesQuery): string => seriesStatement('icmp', latencyColumns, subject, query, ['target']);

const num = (value: unknown): number | null => (typeof value === 'number' && Number.isFinite(value) ? value : null);

/**
 * Pure: puts rows (`{time, key…}`, time in epoch ms) onto the grid of buckets of the range, so
 * every series of an answer has the same times and an empty bucket is a null, not a missing
 * point. Rows off the grid are dropped; so is everything past `maxPoints` buckets (the oldest
 * go first).
 */
export function decodeColumns<K extends string>(rows: readonly Record<string, unknown>[], keys: readonly K[], query: SeriesQuery & { maxPoints?: number }): Columns<K> {
  const { stepMs, toMs } = query;
  let start = Math.floor(query.fromMs / stepMs) * stepMs;
  if (query.maxPoints !== undefined) start = Math.max(start, (Math.ceil(toMs / stepMs) - query.maxPoints) * stepMs);
  const time: number[] = [];
  for (let t = start; t < toMs; t += stepMs) time.push(t);
  const columns = { time } as Columns<K>;
  for (const key of keys) (columns as Record<string, (number | null)[]>)[key] = time.map(() => null);
  for (const row of rows) {
    const t = num(row.time);
    if (t === null || t < start || t >= toMs || (t - start) % stepMs !== 0) continue;
    const index = (t - start) / stepMs;
    for (const key of keys) (columns as Record<string, (number | null)[]>)[key]![index] = num(row[key]);
  }
  return columns;
}

/** Every series of a result as its tags and rows. */
export function seriesOf(result: StatementResult): { tags: Record<string, string>; rows: Record<string, unknown>[] }[] {
  return (result.series ?? []).map((series) => ({
    tags: series.tags ?? {},
    rows: (series.values ?? []).map((values) => Object.fromEntries(series.columns.map((column, i) => [column, values[i]]))),
  }));
}

const trafficKeys = trafficColumns.map((column) => column.key);
const latencyKeys = latencyColumns.map((column) => column.key);

export interface SeriesRequest {
  fromMs: number;
  toMs: number;
  maxPoints: number;
  rawIntervalMs: number;
  nowMs: number;
  signal?: AbortSignal;
}

const plan = (request: SeriesRequest) => {
  const resolution = chooseResolution(request);
  return { ...resolution, fromMs: request.fromMs, toMs: request.toMs };
};

/** Traffic of a link or an interface: mean and peak bit/s and utilisation per bucket. */
export async function readTraffic(influx: InfluxHttp, subject: TrafficSubject, request: SeriesRequest): Promise<SeriesAnswer<TrafficKey>> {
  const query = plan(request);
  const result = await influx.query(trafficStatement(subject, query), { epoch: 'ms', ...(request.signal ? { signal: request.signal } : {}) });
  // One interface is one series; should the store hold two (a tag changed), their rows merge.
  const rows = seriesOf(result).flatMap((series) => series.rows);
  return { ...query, columns: decodeColumns(rows, trafficKeys, { ...query, maxPoints: request.maxPoints }) };
}

export interface LatencyAnswer extends Resolution {
  fromMs: number;
  toMs: number;
  /** One series per ICMP target, by address. */
  targets: { target: string; columns: Columns<LatencyKey> }[];
}

/** RTT (min, mean, max), jitter, loss and the share of rounds answered, per target and bucket. */
export async function readLatency(influx: InfluxHttp, subject: IcmpSubject, request: SeriesRequest): Promise<LatencyAnswer> {
  const query = plan(request);
  const result = await influx.query(latencyStatement(subject, query), { epoch: 'ms', ...(request.signal ? { signal: request.signal } : {}) });
  return { ...query, targets: decodeLatency(result, { ...query, maxPoints: request.maxPoints }) };
}

/** Pure: one column set per target of a GROUP BY "target" answer, sorted by address. */
export function decodeLatency(result: StatementResult, query: SeriesQuery & { maxPoints?: number }): LatencyAnswer['targets'] {
  const byTarget = new Map<string, Record<string, unknown>[]>();
  for (const series of seriesOf(result)) {
    const target = series.tags.target ?? '';
    byTarget.set(target, [...(byTarget.get(target) ?? []), ...series.rows]);
  }
  return [...byTarget.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([target, rows]) => ({ target, columns: decodeColumns(rows, latencyKeys, query) }));
}

// ---------------------------------------------------------------------------------------------
// State changes: events, never rolled up
// ---------------------------------------------------------------------------------------------

export type StateEntityKind = 'link' | 'device' | 'site';

export interface StateChange {
  timeMs: number;
  state: string;
  previous?: string;
  cause?: string;
  /** When the state really began (a down state is backdated to its first failed round). */
  sinceMs?: number;
}

export interface StatesAnswer {
  policy: 'events';
  fromMs: number;
  toMs: number;
  /** The change in force at `fromMs` (the last one at or before it), if any was recorded. */
  initial: StateChange | null;
  /** Changes after `fromMs` and before `toMs`, oldest first. */
  changes: StateChange[];
  /** More changes than `limit` fell in the range; the newest were left off. */
  truncated: boolean;
}

const STATE_FIELDS = ['state', 'previous', 'cause', 'since_ms'] as const satisfies readonly FieldName<'entity_state'>[];
const stateSelect = STATE_FIELDS.map(ident).join(', ');

/** InfluxQL for the state changes of one entity: `initial` (the last at or before from) and `changes`. */
export function stateStatements(entity: { kind: StateEntityKind; id: string }, range: { fromMs: number; toMs: number; limit: number }): { initial: string; changes: string } {
  const from = qualifiedName('entity_state');
  const who = tagFilter({ entity_kind: entity.kind, entity: entity.id });
  const limit = Math.max(1, Math.floor(range.limit)) + 1;
  return {
    initial: `SELECT ${stateSelect} FROM ${from} WHERE ${who} AND time <= ${Math.floor(range.fromMs)}ms ORDER BY time DESC LIMIT 1`,
    changes: `SELECT ${stateSelect} FROM ${from} WHERE ${who} AND time > ${Math.floor(range.fromMs)}ms AND time < ${Math.ceil(range.toMs)}ms ORDER BY time ASC LIMIT ${limit}`,
  };
}

const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

/** Pure: a row of entity_state as a change; undefined without a time or a state. */
export function decodeStateChange(row: Record<string, unknown>): StateChange | undefined {
  const timeMs = num(row.time);
  const state = text(row.state);
  if (timeMs === null || state === undefined) return undefined;
  const previous = text(row.previous);
  const cause = text(row.cause);
  const sinceMs = num(row.since_ms);
  return { timeMs, state, ...(previous ? { previous } : {}), ...(cause ? { cause } : {}), ...(sinceMs !== null ? { sinceMs } : {}) };
}

/** The state in force at `fromMs` and every change in the range, at most `limit` of them. */
export async function readStates(influx: InfluxHttp, entity: { kind: StateEntityKind; id: string }, request: { fromMs: number; toMs: number; limit: number; signal?: AbortSignal }): Promise<StatesAnswer> {
  const statements = stateStatements(entity, request);
  const options = { epoch: 'ms' as const, ...(request.signal ? { signal: request.signal } : {}) };
  const [initial, changes] = await Promise.all([influx.query(statements.initial, options), influx.query(statements.changes, options)]);
  const decode = (result: StatementResult) => seriesOf(result).flatMap((series) => series.rows.flatMap((row) => decodeStateChange(row) ?? []));
  const all = decode(changes).sort((a, b) => a.timeMs - b.timeMs);
  return {
    policy: 'events',
    fromMs: request.fromMs,
    toMs: request.toMs,
    initial: decode(initial).sort((a, b) => b.timeMs - a.timeMs)[0] ?? null,
    changes: all.slice(0, request.limit),
    truncated: all.length > request.limit,
  };
}
