/**
 * The database's shape, created on every collector start: the database, the retention policies of
 * `schema.ts` and the continuous queries that roll raw data up into 5-minute and 1-hour
 * aggregates. Everything here is idempotent and safe to run from two collectors at once:
 * InfluxDB accepts a CREATE that repeats an existing definition, and DROP of a missing continuous
 * query is not an error.
 *
 * InfluxDB 1.x continuous queries only ever look at the last `RESAMPLE … FOR` window, so data
 * that arrives later (replayed from the spool after the database was down) is never rolled up by
 * them; `backfillRollups` recomputes those intervals explicitly.
 */
import { parseDuration } from '../config/duration.ts';
import type { InfluxSettings } from '../config/schema.ts';
import { influxQuery, StoreError, ident, rows } from './influx.ts';

import { measurements, retentionPolicies, type MeasurementSpec, type RetentionPolicyName, type RollupAggregate } from './schema.ts';

// ---------------------------------------------------------------------------------------------
// InfluxQL generation (pure)
// ---------------------------------------------------------------------------------------------

export interface RetentionPolicySpec {
  /** InfluxQL duration, e.g. `30d`. */
  duration: string;
  shardDuration: string;
  isDefault: boolean;
}
export type RetentionPolicySet = Readonly<Record<RetentionPolicyName, RetentionPolicySpec>>;

/** Where raw points go; the writer writes here and every continuous query reads from here. */
export const RAW_POLICY = 'raw' satisfies RetentionPolicyName;

/**
 * The two rollups. `resampleFor` is how far back each run looks again: points that arrive up to
 * `resampleFor − interval` late are still rolled up by the CQ itself; anything later needs
 * `backfillRollups`.
 */
export const rollups = {
  rollup_5m: { interval: '5m', intervalMs: 300_000, resampleEvery: '5m', resampleFor: '15m' },
  rollup_1h: { interval: '1h', intervalMs: 3_600_000, resampleEvery: '1h', resampleFor: '2h' },
} as const satisfies Partial<Record<RetentionPolicyName, unknown>>;
export type RollupName = keyof typeof rollups;
const rollupNames = Object.keys(rollups) as RollupName[];

const AGGREGATE_CALL: { [A in RollupAggregate]: (field: string) => string } = {
  mean: (field) => `mean(${field})`,
  max: (field) => `max(${field})`,
  min: (field) => `min(${field})`,
  sum: (field) => `sum(${field})`,
  p95: (field) => `percentile(${field}, 95)`,
};

/** The rollup output field name for an aggregate of a raw field: `in_bps` + `p95` → `in_bps_p95`. */
export const rollupFieldName = (field: string, aggregate: RollupAggregate): string => `${field}_${aggregate}`;

/** Measurements that have at least one rolled-up field, in registry order. */
export function rolledUpMeasurements(registry: Readonly<Record<string, MeasurementSpec>> = measurements): string[] {
  return Object.entries(registry)
    .filter(([, spec]) => Object.values(spec.fields).some((field) => (field.rollup?.length ?? 0) > 0))
    .map(([name]) => name);
}

/** `mean("in_bps") AS "in_bps_mean", …` for one measurement, in registry order. */
export function rollupSelections(spec: MeasurementSpec): string[] {
  const selections: string[] = [];
  for (const [field, fieldSpec] of Object.entries(spec.fields)) {
    for (const aggregate of fieldSpec.rollup ?? []) selections.push(`${AGGREGATE_CALL[aggregate](ident(field))} AS ${ident(rollupFieldName(field, aggregate))}`);
  }
  return selections;
}

export interface RollupQueryOptions {
  database: string;
  measurement: string;
  rollup: RollupName;
  /** Inclusive start and exclusive end in epoch ms, for backfills; CQs have no WHERE clause. */
  range?: { from: number; to: number };
  registry?: Readonly<Record<string, MeasurementSpec>>;
}

/** `SELECT … INTO db.rollup.m FROM db.raw.m [WHERE …] GROUP BY time(…), *`. `GROUP BY *` keeps
 * the tags as tags (without it SELECT INTO turns them into fields). */
export function rollupSelect(options: RollupQueryOptions): string {
  const registry: Readonly<Record<string, MeasurementSpec>> = options.registry ?? measurements;
  const spec = registry[options.measurement];
  if (!spec) throw new Error(`unknown measurement "${options.measurement}"`);
  const db = ident(options.database);
  const m = ident(options.measurement);
  const where = options.range
    ? ` WHERE time >= '${new Date(options.range.from).toISOString()}' AND time < '${new Date(options.range.to).toISOString()}'`
    : '';
  return (
    `SELECT ${rollupSelections(spec).join(', ')} INTO ${db}.${ident(options.rollup)}.${m} FROM ${db}.${ident(RAW_POLICY)}.${m}` +
    `${where} GROUP BY time(${rollups[options.rollup].interval}), *`
  );
}

export interface ContinuousQueryDefinition {
  name: string;
  measurement: string;
  rollup: RollupName;
  statement: string;
}

/** Our CQ names start with the rollup's name; anything else in the database is left alone. */
export const continuousQueryName = (rollup: RollupName, measurement: string): string => `${rollup}_${measurement}`;
const isOurContinuousQuery = (name: string) => rollupNames.some((rollup) => name.startsWith(`${rollup}_`));

/** Every continuous query the registry asks for: per rolled-up measurement, one per rollup. */
export function continuousQueries(database: string, registry: Readonly<Record<string, MeasurementSpec>> = measurements): ContinuousQueryDefinition[] {
  const definitions: ContinuousQueryDefinition[] = [];
  for (const measurement of rolledUpMeasurements(registry)) {
    for (const rollup of rollupNames) {
      const name = continuousQueryName(rollup, measurement);
      const { resampleEvery, resampleFor } = rollups[rollup];
      const statement =
        `CREATE CONTINUOUS QUERY ${ident(name)} ON ${ident(database)} RESAMPLE EVERY ${resampleEvery} FOR ${resampleFor} ` +
        `BEGIN ${rollupSelect({ database, measurement, rollup, registry })} END`;
      definitions.push({ name, measurement, rollup, statement });
    }
  }
  return definitions;
}

export function retentionPolicyStatement(verb: 'CREATE' | 'ALTER', database: string, name: string, spec: RetentionPolicySpec): string {
  return `${verb} RETENTION POLICY ${ident(name)} ON ${ident(database)} DURATION ${spec.duration} REPLICATION 1 SHARD DURATION ${spec.shardDuration}${spec.isDefault ? ' DEFAULT' : ''}`;
}

/**
 * InfluxDB stores a CQ re-rendered (identifiers unquoted where it can, its own spacing), so
 * definitions are compared without quotes and with whitespace collapsed. Our identifiers are
 * plain words, so dropping quotes cannot make two different definitions equal.
 */
export const normaliseQuery = (query: string): string => query.replace(/"/g, '').replace(/\s+/g, ' ').trim().toLowerCase();

/** InfluxDB durations (`720h0m0s`, `30d`, `0s` = infinite) in ms. */
export function influxDurationMs(text: string): number {
  const parsed = parseDuration(text);
  if (!parsed.ok) throw new Error(`unexpected InfluxDB duration "${text}"`);
  return parsed.ms;
}

export interface ExistingPolicy {
  name: string;
  duration: string;
  shardGroupDuration: string;
  default: boolean;
}

export interface ExistingContinuousQuery {
  name: string;
  query: string;
}

export interface PlannedStatement {
  kind: 'create-policy' | 'alter-policy' | 'drop-cq' | 'create-cq';
  name: string;
  statement: string;
}

export interface RetentionPlanInput {
  database: string;
  policies: RetentionPolicySet;
  existingPolicies: readonly ExistingPolicy[];
  existingContinuousQueries: readonly ExistingContinuousQuery[];
  registry?: Readonly<Record<string, MeasurementSpec>>;
}

/**
 * What to run to bring a database to the wanted shape, given what SHOW RETENTION POLICIES and
 * SHOW CONTINUOUS QUERIES report. Empty when nothing differs. A changed CQ is dropped and
 * created again (InfluxDB has no ALTER for CQs); CQs of ours that the registry no longer asks for
 * are dropped. A policy is never un-defaulted: InfluxDB can only move the default to another one.
 */
export function planRetention(input: RetentionPlanInput): PlannedStatement[] {
  const plan: PlannedStatement[] = [];
  for (const [name, spec] of Object.entries(input.policies) as [string, RetentionPolicySpec][]) {
    const existing = input.existingPolicies.find((policy) => policy.name === name);
    if (!existing) {
      plan.push({ kind: 'create-policy', name, statement: retentionPolicyStatement('CREATE', input.database, name, spec) });
      continue;
    }
    const differs =
      influxDurationMs(existing.duration) !== influxDurationMs(spec.duration) ||
      influxDurationMs(existing.shardGroupDuration) !== influxDurationMs(spec.shardDuration) ||
      (spec.isDefault && !existing.default);
    if (differs) plan.push({ kind: 'alter-policy', name, statement: retentionPolicyStatement('ALTER', input.database, name, spec) });
  }

  const wanted = continuousQueries(input.database, input.registry);
  for (const existing of input.existingContinuousQueries) {
    if (!isOurContinuousQuery(existing.name)) continue;
    const definition = wanted.find((cq) => cq.name === existing.name);
    if (!definition || normaliseQuery(definition.statement) !== normaliseQuery(existing.query)) {
      plan.push({ kind: 'drop-cq', name: existing.name, statement: `DROP CONTINUOUS QUERY ${ident(existing.name)} ON ${ident(input.database)}` });
    }
  }
  for (const definition of wanted) {
    const existing = input.existingContinuousQueries.find((cq) => cq.name === definition.name);
    if (!existing || normaliseQuery(definition.statement) !== normaliseQuery(existing.query)) {
      plan.push({ kind: 'create-cq', name: definition.name, statement: definition.statement });
    }
  }
  return plan;
}

/** Epoch-ms boundaries of the rollup intervals that contain any point in [from, to] (both
 * inclusive point timestamps), widened to whole intervals, in chunks of at most `chunkMs`. */
export function backfillRanges(from: number, to: number, intervalMs: number, chunkMs: number): { from: number; to: number }[] {
  if (!(Number.isFinite(from) && Number.isFinite(to)) || to < from) return [];
  const start = Math.floor(from / intervalMs) * intervalMs;
  const end = (Math.floor(to / intervalMs) + 1) * intervalMs;
  const step = Math.max(intervalMs, Math.floor(chunkMs / intervalMs) * intervalMs);
  const ranges: { from: number; to: number }[] = [];
  for (let chunk = start; chunk < end; chunk += step) ranges.push({ from: chunk, to: Math.min(chunk + step, end) });
  return ranges;
}

/** One day per statement keeps each SELECT … INTO's memory in influxd bounded after long outages. */
const BACKFILL_CHUNK_MS = 86_400_000;

export interface BackfillPlanOptions {
  database: string;
  /** Timestamps (epoch ms) of the oldest and newest point whose rollups must be recomputed. */
  from: number;
  to: number;
  registry?: Readonly<Record<string, MeasurementSpec>>;
  chunkMs?: number;
}

/** The SELECT … INTO statements that recompute every rollup interval touched by [from, to]. */
export function backfillStatements(options: BackfillPlanOptions): string[] {
  const statements: string[] = [];
  for (const rollup of rollupNames) {
    const ranges = backfillRanges(options.from, options.to, rollups[rollup].intervalMs, options.chunkMs ?? BACKFILL_CHUNK_MS);
    for (const range of ranges) {
      for (const measurement of rolledUpMeasurements(options.registry)) {
        statements.push(rollupSelect({ database: options.database, measurement, rollup, range, registry: options.registry }));
      }
    }
  }
  return statements;
}

// ---------------------------------------------------------------------------------------------
// Against the database
// ---------------------------------------------------------------------------------------------

export interface EnsureRetentionOptions {
  settings: InfluxSettings;
  /** Defaults to schema.ts's `retentionPolicies`; tests pass a 1-hour `raw`. */
  policies?: RetentionPolicySet;
  signal?: AbortSignal;
}

export interface EnsureRetentionReport {
  database: string;
  /** The statements that changed something; empty when the database was already as wanted. */
  changes: PlannedStatement[];
}

async function readExisting(settings: InfluxSettings, signal: AbortSignal | undefined) {
  const database = settings.database;
  const policies = rows(await influxQuery(settings, `SHOW RETENTION POLICIES ON ${ident(database)}`, { signal })).map(
    (row): ExistingPolicy => ({
      name: String(row.name),
      duration: String(row.duration),
      shardGroupDuration: String(row.shardGroupDuration),
      default: row.default === true,
    }),
  );
  // SHOW CONTINUOUS QUERIES lists every database, one series each, named after the database.
  const cqResult = await influxQuery(settings, 'SHOW CONTINUOUS QUERIES', { signal });
  const index = cqResult.series?.findIndex((series) => series.name === database) ?? -1;
  const continuousQueries = index < 0 ? [] : rows(cqResult, index).map((row): ExistingContinuousQuery => ({ name: String(row.name), query: String(row.query) }));
  return { policies, continuousQueries };
}

/**
 * Creates the database, its retention policies and its continuous queries, or brings them in
 * line with the schema. Safe on every start and from two collectors at once: when another
 * collector changes the same thing between our SHOW and our CREATE ("already exists"), the state
 * is read again and planned once more.
 */
export async function ensureRetention(options: EnsureRetentionOptions): Promise<EnsureRetentionReport> {
  const { settings, signal } = options;
  const policies = options.policies ?? retentionPolicies;
  await influxQuery(settings, `CREATE DATABASE ${ident(settings.database)}`, { signal });
  const changes: PlannedStatement[] = [];
  for (let attempt = 1; ; attempt++) {
    const existing = await readExisting(settings, signal);
    const plan = planRetention({ database: settings.database, policies, existingPolicies: existing.policies, existingContinuousQueries: existing.continuousQueries });
    try {
      for (const step of plan) {
        await influxQuery(settings, step.statement, { signal });
        changes.push(step);
      }
      return { database: settings.database, changes };
    } catch (error) {
      if (attempt < 3 && error instanceof StoreError && /already exists/.test(error.message)) continue;
      throw error;
    }
  }
}

export interface BackfillOptions {
  settings: InfluxSettings;
  /** Timestamp (epoch ms) of the oldest point that arrived late. */
  from: number;
  /** Timestamp (epoch ms) of the newest point that arrived late (inclusive). */
  to: number;
  signal?: AbortSignal;
}

export interface BackfillReport {
  statements: number;
  /** Rollup points written (InfluxDB's `written` count, summed). */
  written: number;
}

/**
 * Recomputes the 5-minute and 1-hour rollups of every interval that contains a point in
 * [from, to], widened to whole intervals, from the raw data now in the database. Rewriting a
 * rollup point replaces it (same series and timestamp), so running it twice is harmless.
 */
export async function backfillRollups(options: BackfillOptions): Promise<BackfillReport> {
  const statements = backfillStatements({ database: options.settings.database, from: options.from, to: options.to });
  let written = 0;
  for (const statement of statements) {
    const result = await influxQuery(options.settings, statement, { signal: options.signal, timeoutMs: 300_000 });
    const row = rows(result)[0];
    written += typeof row?.written === 'number' ? row.written : 0;
  }
  return { statements: statements.length, written };
}
