import type { Interval } from '../model/availability.ts';
import { ident, literal, rows, type InfluxHttp, type StatementResult } from './influx.ts';
import { rollupFieldName } from './retention.ts';
import type { FieldName, MeasurementName } from './schema.ts';

// A link's 5-minute buckets over a report's period, from the 5-minute rollups: traffic (mean and
// highest rate per bucket) and ICMP (mean RTT and loss). One query per link and measurement,
// so a province's month stays a few thousand rows per answer. Statements and decoding are pure.

export const BUCKET_MS = 300_000;

/** A rolled-up field of a measurement, so a typo fails to compile. */
type Column<M extends MeasurementName> = { as: string; field: FieldName<M>; aggregate: 'mean' | 'max' };

const TRAFFIC_COLUMNS = [
  { as: 'in_bps', field: 'in_bps', aggregate: 'mean' },
  { as: 'out_bps', field: 'out_bps', aggregate: 'mean' },
  { as: 'in_max_bps', field: 'in_bps', aggregate: 'max' },
  { as: 'out_max_bps', field: 'out_bps', aggregate: 'max' },
] as const satisfies readonly Column<'interface_traffic'>[];

const ICMP_COLUMNS = [
  { as: 'rtt_ms', field: 'rtt_avg_ms', aggregate: 'mean' },
  { as: 'loss_pct', field: 'loss_pct', aggregate: 'mean' },
] as const satisfies readonly Column<'icmp'>[];

const ms = (value: number) => `${Math.floor(value)}ms`;

/** Several interfaces or targets of one link in one bucket are averaged (their highest rates
 * taken); buckets without a row are left out (fill(none)) and so stay missing. */
function statement<M extends MeasurementName>(measurement: M, columns: readonly Column<M>[], link: string, period: Interval): string {
  const select = columns.map((column) => `${column.aggregate}(${ident(rollupFieldName(column.field, column.aggregate))}) AS ${ident(column.as)}`).join(', ');
  return `SELECT ${select} FROM "rollup_5m".${ident(measurement)} WHERE "link" = ${literal(link)} AND time >= ${ms(period.startMs)} AND time < ${ms(period.endMs)} GROUP BY time(5m) fill(none)`;
}

export const reportStatements = (link: string, period: Interval) => ({
  traffic: statement('interface_traffic', TRAFFIC_COLUMNS, link, period),
  icmp: statement('icmp', ICMP_COLUMNS, link, period),
});

/** Buckets of the period, `(end − start) / 5 min` of them; a partial last one counts. */
export const bucketCount = (period: Interval): number => Math.max(0, Math.ceil((period.endMs - period.startMs) / BUCKET_MS));

/** Pure: the named columns of an answer as arrays indexed by bucket, null where no row was. */
export function decodeBuckets<K extends string>(result: StatementResult, columns: readonly K[], period: Interval): Record<K, (number | null)[]> {
  const count = bucketCount(period);
  const found = Object.fromEntries(columns.map((column) => [column, new Array<number | null>(count).fill(null)])) as Record<K, (number | null)[]>;
  const first = Math.floor(period.startMs / BUCKET_MS) * BUCKET_MS;
  for (const row of rows(result)) {
    if (typeof row.time !== 'number') continue;
    const index = Math.floor((row.time - first) / BUCKET_MS);
    if (index < 0 || index >= count) continue;
    for (const column of columns) {
      const value = row[column];
      if (typeof value === 'number' && Number.isFinite(value)) found[column][index] = value;
    }
  }
  return found;
}

export interface LinkBuckets {
  inBps: (number | null)[];
  outBps: (number | null)[];
  inMaxBps: (number | null)[];
  outMaxBps: (number | null)[];
  rttMs: (number | null)[];
  lossPct: (number | null)[];
}

export async function readLinkBuckets(influx: InfluxHttp, link: string, period: Interval): Promise<LinkBuckets> {
  const statements = reportStatements(link, period);
  const [traffic, icmp] = await Promise.all([influx.query(statements.traffic, { epoch: 'ms' }), influx.query(statements.icmp, { epoch: 'ms' })]);
  const rates = decodeBuckets(traffic, TRAFFIC_COLUMNS.map((column) => column.as), period);
  const rounds = decodeBuckets(icmp, ICMP_COLUMNS.map((column) => column.as), period);
  return { inBps: rates.in_bps, outBps: rates.out_bps, inMaxBps: rates.in_max_bps, outMaxBps: rates.out_max_bps, rttMs: rounds.rtt_ms, lossPct: rounds.loss_pct };
}
