import { describe, expect, it } from 'vitest';
import { rollupFieldName } from '../../../store/retention.ts';
import { measurements, retentionOf, type FieldSpec } from '../../../store/schema.ts';
import {
  bucketCount,
  chooseResolution,
  decodeColumns,
  decodeLatency,
  decodeStateChange,
  latencyColumns,
  latencyStatement,
  NICE_STEPS_MS,
  tagValue,
  POLICY_RETENTION_MS,
  stateStatements,
  trafficColumns,
  trafficStatement,
  type SeriesQuery,
} from '../../../store/series.ts';

const S = 1_000;
const MIN = 60 * S;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const NOW = Date.UTC(2026, 11, 5, 3, 0, 0); // on an hour boundary

describe('chooseResolution', () => {
  it.each([
    // label, range back from now, maxPoints, raw interval, policy, step
    ['an hour of 1-minute polls', HOUR, 500, MIN, 'raw', MIN],
    ['an hour of 30-second rounds', HOUR, 500, 30 * S, 'raw', 30 * S],
    ['an hour of 30-second rounds, 60 points', HOUR, 60, 30 * S, 'rollup_5m', 5 * MIN],
    ['an hour of 30-second rounds, 120 points', HOUR, 120, 30 * S, 'raw', 30 * S],
    ['8 hours of 1-minute polls, 500 points', 8 * HOUR, 500, MIN, 'raw', MIN],
    ['9 hours of 1-minute polls, 500 points', 9 * HOUR, 500, MIN, 'rollup_5m', 5 * MIN],
    ['a day of 1-minute polls, 2,000 points', DAY, 2_000, MIN, 'raw', MIN],
    ['a day of 1-minute polls, 500 points', DAY, 500, MIN, 'rollup_5m', 5 * MIN],
    ['a day, 100 points', DAY, 100, MIN, 'rollup_5m', 15 * MIN],
    ['a week, 500 points', 7 * DAY, 500, MIN, 'rollup_5m', 30 * MIN],
    ['29 days, 2,000 points', 29 * DAY, 2_000, MIN, 'rollup_5m', 30 * MIN],
    ['a year, 500 points', 365 * DAY, 500, MIN, 'rollup_5m', DAY],
    ['399 days, 2,000 points', 399 * DAY, 2_000, MIN, 'rollup_5m', 6 * HOUR],
    ['two years, 2,000 points', 730 * DAY, 2_000, MIN, 'rollup_1h', 12 * HOUR],
    ['five years, 500 points', 1_830 * DAY, 500, MIN, 'rollup_1h', 7 * DAY],
    ['five years, 20 points: whole days past the list', 1_830 * DAY, 20, MIN, 'rollup_1h', 95 * DAY],
    ['a minute, 1 point', MIN, 1, MIN, 'raw', MIN],
    ['an odd raw interval rounds up to a nice step', HOUR, 500, 45 * S, 'raw', MIN],
  ] as const)('%s', (_label, rangeMs, maxPoints, rawIntervalMs, policy, stepMs) => {
    const chosen = chooseResolution({ fromMs: NOW - rangeMs, toMs: NOW, maxPoints, rawIntervalMs, nowMs: NOW });
    expect(chosen).toEqual({ policy, stepMs });
    expect(bucketCount(NOW - rangeMs, NOW, chosen.stepMs)).toBeLessThanOrEqual(maxPoints);
  });

  it('leaves raw data for a short range that starts before raw retention ends', () => {
    const fromMs = NOW - 31 * DAY;
    expect(chooseResolution({ fromMs, toMs: fromMs + HOUR, maxPoints: 500, rawIntervalMs: MIN, nowMs: NOW })).toEqual({ policy: 'rollup_5m', stepMs: 5 * MIN });
    const older = NOW - 401 * DAY;
    expect(chooseResolution({ fromMs: older, toMs: older + HOUR, maxPoints: 500, rawIntervalMs: MIN, nowMs: NOW })).toEqual({ policy: 'rollup_1h', stepMs: HOUR });
  });

  it('measures retention from toMs when no now is given', () => {
    expect(chooseResolution({ fromMs: NOW - HOUR, toMs: NOW, maxPoints: 500, rawIntervalMs: MIN }).policy).toBe('raw');
  });

  it('keeps the buckets within maxPoints when the range is not aligned to the step', () => {
    for (const maxPoints of [1, 2, 3, 7, 100, 500, 2_000]) {
      for (const rangeMs of [37 * S, 61 * MIN + 7 * S, 13 * HOUR + 5 * MIN, 3 * DAY + 1, 45 * DAY, 1_000 * DAY]) {
        const fromMs = NOW - rangeMs + 12_345;
        const chosen = chooseResolution({ fromMs, toMs: NOW + 12_345, maxPoints, rawIntervalMs: 30 * S, nowMs: NOW });
        expect(bucketCount(fromMs, NOW + 12_345, chosen.stepMs), `${maxPoints} points over ${rangeMs} ms`).toBeLessThanOrEqual(maxPoints);
        expect(chosen.stepMs % (chosen.policy === 'raw' ? 30 * S : chosen.policy === 'rollup_5m' ? 5 * MIN : HOUR)).toBe(0);
      }
    }
  });

  it('reads retention from the schema and keeps the nice steps ascending', () => {
    expect(POLICY_RETENTION_MS).toEqual({ raw: 30 * DAY, rollup_5m: 400 * DAY, rollup_1h: 1_830 * DAY });
    expect([...NICE_STEPS_MS].sort((a, b) => a - b)).toEqual(NICE_STEPS_MS);
  });
});

describe('columns', () => {
  it.each([
    ['interface_traffic', trafficColumns],
    ['icmp', latencyColumns],
  ] as const)('%s: every column reads a field the schema rolls up with that aggregate', (measurement, columns) => {
    const fields = measurements[measurement].fields as Record<string, FieldSpec>;
    for (const column of columns) expect(fields[column.field]?.rollup, `${column.key} ← ${rollupFieldName(column.field, column.rollup)}`).toContain(column.rollup);
  });
});

const query = (policy: 'raw' | 'rollup_5m' | 'rollup_1h', stepMs: number): SeriesQuery => ({ policy, stepMs, fromMs: NOW - HOUR, toMs: NOW });

describe('query builders', () => {
  it('reads raw fields from raw and rollup fields from the rollups', () => {
    expect(trafficStatement({ link: 'nam-xe-vnpt' }, query('raw', MIN))).toBe(
      'SELECT mean("in_bps") AS "inBps", mean("out_bps") AS "outBps", max("in_bps") AS "inBpsMax", max("out_bps") AS "outBpsMax", ' +
        'mean("in_utilization_pct") AS "inUtilizationPct", mean("out_utilization_pct") AS "outUtilizationPct", ' +
        'max("in_utilization_pct") AS "inUtilizationPctMax", max("out_utilization_pct") AS "outUtilizationPctMax" ' +
        `FROM "raw"."interface_traffic" WHERE "link" = 'nam-xe-vnpt' AND time >= ${NOW - HOUR}ms AND time < ${NOW}ms GROUP BY time(60000ms) fill(none)`,
    );
    const rolled = trafficStatement({ device: 'r1', interface: 'Gi0/0/1' }, query('rollup_5m', 5 * MIN));
    expect(rolled).toContain('mean("in_bps_mean") AS "inBps"');
    expect(rolled).toContain('max("out_utilization_pct_max") AS "outUtilizationPctMax"');
    expect(rolled).toContain(`FROM "rollup_5m"."interface_traffic" WHERE "device" = 'r1' AND "interface" = 'Gi0/0/1' AND`);
    const latency = latencyStatement({ link: 'l1' }, query('rollup_1h', HOUR));
    expect(latency).toContain('min("rtt_min_ms_min") AS "rttMinMs", mean("rtt_avg_ms_mean") AS "rttAvgMs", max("rtt_max_ms_max") AS "rttMaxMs"');
    expect(latency).toContain('FROM "rollup_1h"."icmp"');
    expect(latency).toMatch(/GROUP BY time\(3600000ms\), "target" fill\(none\)$/);
  });

  it('refuses a step that is not a whole number of milliseconds', () => {
    expect(() => trafficStatement({ link: 'l1' }, query('raw', 1.5))).toThrow(/whole number/);
    expect(() => trafficStatement({ link: 'l1' }, query('raw', 0))).toThrow(/whole number/);
  });

  it('reads states from the policy the schema keeps entity_state in, bounded by count', () => {
    const statements = stateStatements({ kind: 'link', id: 'l1' }, { fromMs: NOW - HOUR, toMs: NOW, limit: 50 });
    expect(retentionOf('entity_state')).toBe('events');
    expect(statements.initial).toBe(`SELECT "state", "previous", "cause", "since_ms" FROM "events"."entity_state" WHERE "entity_kind" = 'link' AND "entity" = 'l1' AND time <= ${NOW - HOUR}ms ORDER BY time DESC LIMIT 1`);
    expect(statements.changes).toBe(
      `SELECT "state", "previous", "cause", "since_ms" FROM "events"."entity_state" WHERE "entity_kind" = 'link' AND "entity" = 'l1' AND time > ${NOW - HOUR}ms AND time < ${NOW}ms ORDER BY time ASC LIMIT 51`,
    );
  });
});

/** The statement with every quoted string and identifier replaced by a placeholder: what is
 * left is the code InfluxDB will run, and it must not depend on the values. */
const skeleton = (statement: string) => statement.replace(/'(?:[^'\\]|\\.)*'/g, "'?'").replace(/"(?:[^"\\]|\\.)*"/g, '"?"');

describe('hostile ids and names stay inside their quotes', () => {
  const hostile = [
    "x' OR 1=1 --",
    "x'; DROP DATABASE lw; SELECT '",
    'back\\slash\\',
    "\\' OR ''='",
    'Gi0/0/1" FROM "raw"."api_token',
    "new\nline' OR time > 0 --",
  ];

  it.each(hostile)('%j', (value) => {
    const benign = { traffic: trafficStatement({ device: 'd', interface: 'i' }, query('raw', MIN)), latency: latencyStatement({ link: 'l' }, query('raw', MIN)) };
    const traffic = trafficStatement({ device: value, interface: value }, query('raw', MIN));
    const latency = latencyStatement({ link: value }, query('raw', MIN));
    const states = stateStatements({ kind: 'device', id: value }, { fromMs: NOW - HOUR, toMs: NOW, limit: 10 });
    expect(skeleton(traffic)).toBe(skeleton(benign.traffic));
    expect(skeleton(latency)).toBe(skeleton(benign.latency));
    expect(skeleton(states.changes)).toBe(skeleton(stateStatements({ kind: 'device', id: 'd' }, { fromMs: NOW - HOUR, toMs: NOW, limit: 10 }).changes));
    expect(traffic).toContain(`"interface" = ${tagValue(value)}`);
    expect(states.initial).toContain(`"entity" = ${tagValue(value)}`);
  });

  it.each([
    ['a plain id', 'nam-xe-vnpt', "'nam-xe-vnpt'"],
    ['a quote', "it's", "'it\\'s'"],
    ['a trailing backslash (which literal() alone leaves to escape the closing quote)', 'x\\', "'x\\\\'"],
    ['a backslash before a quote', "a\\'b", "'a\\\\\\'b'"],
    ['two backslash-quotes (literal() doubles only the first)', "\\'\\'", "'\\\\\\'\\\\\\''"],
  ])('quotes %s as an InfluxQL string', (_label, value, expected) => {
    expect(tagValue(value)).toBe(expected);
  });
});

describe('decoders', () => {
  const q: SeriesQuery = { policy: 'raw', stepMs: MIN, fromMs: NOW - 5 * MIN + 30 * S, toMs: NOW };

  it('puts rows on the grid of buckets, nulls where a bucket is empty', () => {
    const columns = decodeColumns(
      [
        { time: NOW - 5 * MIN, inBps: 1, outBps: 2 },
        { time: NOW - 3 * MIN, inBps: 3, outBps: null },
        { time: NOW - MIN, inBps: 5 },
      ],
      ['inBps', 'outBps'],
      q,
    );
    expect(columns).toEqual({
      time: [NOW - 5 * MIN, NOW - 4 * MIN, NOW - 3 * MIN, NOW - 2 * MIN, NOW - MIN],
      inBps: [1, null, 3, null, 5],
      outBps: [2, null, null, null, null],
    });
  });

  it.each([
    ['a row off the step', { time: NOW - 2 * MIN + 1, inBps: 9 }],
    ['a row before the grid', { time: NOW - 6 * MIN, inBps: 9 }],
    ['a row at the end (exclusive)', { time: NOW, inBps: 9 }],
    ['a row without a time', { inBps: 9 }],
    ['a time as text', { time: '2026-12-05T02:58:00Z', inBps: 9 }],
  ])('drops %s', (_label, row) => {
    expect(decodeColumns([row], ['inBps'], q).inBps).toEqual([null, null, null, null, null]);
  });

  it.each([
    ['NaN', Number.NaN],
    ['text', '42'],
    ['a boolean', true],
  ])('reads a value that is %s as null', (_label, value) => {
    expect(decodeColumns([{ time: NOW - MIN, inBps: value }], ['inBps'], q).inBps.at(-1)).toBeNull();
  });

  it('keeps the newest maxPoints buckets', () => {
    const columns = decodeColumns([{ time: NOW - 5 * MIN, v: 1 }, { time: NOW - MIN, v: 5 }], ['v'], { ...q, maxPoints: 2 });
    expect(columns).toEqual({ time: [NOW - 2 * MIN, NOW - MIN], v: [null, 5] });
  });

  it('gives an empty grid of nulls when there is no data', () => {
    expect(decodeColumns([], ['v'], q)).toEqual({ time: [NOW - 5 * MIN, NOW - 4 * MIN, NOW - 3 * MIN, NOW - 2 * MIN, NOW - MIN], v: [null, null, null, null, null] });
  });

  it('decodes latency per target, sorted by address, merging series of one target', () => {
    const series = (target: string, values: unknown[][]) => ({ name: 'icmp', tags: { target }, columns: ['time', 'rttAvgMs', 'lossPct'], values });
    const targets = decodeLatency(
      {
        statement_id: 0,
        series: [series('8.8.8.8', [[NOW - MIN, 40, 0]]), series('10.0.0.1', [[NOW - 2 * MIN, 2, 50]]), series('8.8.8.8', [[NOW - 3 * MIN, 41, 10]])],
      },
      q,
    );
    expect(targets.map((t) => t.target)).toEqual(['10.0.0.1', '8.8.8.8']);
    expect(targets[0]!.columns.lossPct).toEqual([null, null, null, 50, null]);
    expect(targets[1]!.columns.rttAvgMs).toEqual([null, null, 41, null, 40]);
    expect(targets[1]!.columns.jitterMs).toEqual([null, null, null, null, null]);
    expect(decodeLatency({ statement_id: 0 }, q)).toEqual([]);
  });

  it.each([
    ['a full change', { time: 5, state: 'down', previous: 'up', cause: 'no-reply', since_ms: 3 }, { timeMs: 5, state: 'down', previous: 'up', cause: 'no-reply', sinceMs: 3 }],
    ['the optional fields absent', { time: 5, state: 'up', previous: null, cause: '', since_ms: null }, { timeMs: 5, state: 'up' }],
    ['no state', { time: 5, state: null }, undefined],
    ['no time', { state: 'up' }, undefined],
  ])('decodes a state row with %s', (_label, row, expected) => {
    expect(decodeStateChange(row)).toEqual(expected);
  });
});
