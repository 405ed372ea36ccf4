import { describe, expect, it } from 'vitest';
import {
  backfillRanges,
  backfillStatements,
  continuousQueries,
  influxDurationMs,
  normaliseQuery,
  planRetention,
  retentionPolicyStatement,
  rolledUpMeasurements,
  rollupSelect,
  rollupSelections,
  type ExistingContinuousQuery,
  type ExistingPolicy,
} from '../../../store/retention.ts';
import { measurements, retentionPolicies, type MeasurementSpec } from '../../../store/schema.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;
const T0 = Date.UTC(2026, 0, 10, 12, 0, 0); // on a 1-hour boundary

/** What InfluxDB 1.6 shows for our definitions: the statement re-rendered without quotes. */
const asShown = (statement: string) => statement.replace(/"/g, '');
const existingPolicies: ExistingPolicy[] = [
  { name: 'autogen', duration: '0s', shardGroupDuration: '168h0m0s', default: false },
  { name: 'raw', duration: '720h0m0s', shardGroupDuration: '24h0m0s', default: true },
  { name: 'rollup_5m', duration: '9600h0m0s', shardGroupDuration: '168h0m0s', default: false },
  { name: 'rollup_1h', duration: '43920h0m0s', shardGroupDuration: '720h0m0s', default: false },
  { name: 'events', duration: '87600h0m0s', shardGroupDuration: '720h0m0s', default: false },
];
const existingCqs = (): ExistingContinuousQuery[] => continuousQueries('lw').map((cq) => ({ name: cq.name, query: asShown(cq.statement) }));

describe('rollup InfluxQL from the schema registry', () => {
  it('rolls up every measurement with a rolled-up field, and only those', () => {
    expect(rolledUpMeasurements()).toEqual(['interface_traffic', 'interface_status', 'icmp', 'device_poll']);
  });

  it('names output fields <field>_<aggregate>, with percentile for p95', () => {
    expect(rollupSelections(measurements.icmp)).toEqual([
      'mean("up") AS "up_mean"',
      'min("up") AS "up_min"',
      'sum("sent") AS "sent_sum"',
      'sum("received") AS "received_sum"',
      'mean("loss_pct") AS "loss_pct_mean"',
      'max("loss_pct") AS "loss_pct_max"',
      'min("rtt_min_ms") AS "rtt_min_ms_min"',
      'mean("rtt_avg_ms") AS "rtt_avg_ms_mean"',
      'max("rtt_avg_ms") AS "rtt_avg_ms_max"',
      'percentile("rtt_avg_ms", 95) AS "rtt_avg_ms_p95"',
      'max("rtt_max_ms") AS "rtt_max_ms_max"',
      'mean("rtt_q1_ms") AS "rtt_q1_ms_mean"',
      'mean("rtt_median_ms") AS "rtt_median_ms_mean"',
      'max("rtt_median_ms") AS "rtt_median_ms_max"',
      'mean("rtt_q3_ms") AS "rtt_q3_ms_mean"',
      'mean("jitter_ms") AS "jitter_ms_mean"',
      'max("jitter_ms") AS "jitter_ms_max"',
    ]);
  });

  it('covers every (field, aggregate) of the registry exactly once and nothing unrolled', () => {
    for (const [name, spec] of Object.entries(measurements) as [string, MeasurementSpec][]) {
      const selected = rollupSelections(spec).map((selection) => /AS "([^"]+)"$/.exec(selection)![1]);
      const expected = Object.entries(spec.fields).flatMap(([field, fieldSpec]) => (fieldSpec.rollup ?? []).map((aggregate) => `${field}_${aggregate}`));
      expect(selected, name).toEqual(expected);
    }
    expect(rollupSelections(measurements.interface_traffic).join()).not.toMatch(/if_index|interval_s/);
  });

  it.each([
    [
      '5-minute CQ of icmp',
      'rollup_5m_icmp',
      'CREATE CONTINUOUS QUERY "rollup_5m_icmp" ON "lw" RESAMPLE EVERY 5m FOR 15m BEGIN SELECT mean("up") AS "up_mean", min("up") AS "up_min", sum("sent") AS "sent_sum", sum("received") AS "received_sum", mean("loss_pct") AS "loss_pct_mean", max("loss_pct") AS "loss_pct_max", min("rtt_min_ms") AS "rtt_min_ms_min", mean("rtt_avg_ms") AS "rtt_avg_ms_mean", max("rtt_avg_ms") AS "rtt_avg_ms_max", percentile("rtt_avg_ms", 95) AS "rtt_avg_ms_p95", max("rtt_max_ms") AS "rtt_max_ms_max", mean("rtt_q1_ms") AS "rtt_q1_ms_mean", mean("rtt_median_ms") AS "rtt_median_ms_mean", max("rtt_median_ms") AS "rtt_median_ms_max", mean("rtt_q3_ms") AS "rtt_q3_ms_mean", mean("jitter_ms") AS "jitter_ms_mean", max("jitter_ms") AS "jitter_ms_max" INTO "lw"."rollup_5m"."icmp" FROM "lw"."raw"."icmp" GROUP BY time(5m), * END',
    ],
    [
      '1-hour CQ of device_poll',
      'rollup_1h_device_poll',
      'CREATE CONTINUOUS QUERY "rollup_1h_device_poll" ON "lw" RESAMPLE EVERY 1h FOR 2h BEGIN SELECT mean("reachable") AS "reachable_mean", min("reachable") AS "reachable_min", mean("duration_ms") AS "duration_ms_mean", max("duration_ms") AS "duration_ms_max" INTO "lw"."rollup_1h"."device_poll" FROM "lw"."raw"."device_poll" GROUP BY time(1h), * END',
    ],
  ])('%s', (_label, name, statement) => {
    expect(continuousQueries('lw').find((cq) => cq.name === name)?.statement).toBe(statement);
  });

  it('makes a 5-minute and a 1-hour CQ per rolled-up measurement, reading raw', () => {
    const cqs = continuousQueries('lw');
    expect(cqs.map((cq) => cq.name)).toEqual([
      'rollup_5m_interface_traffic',
      'rollup_1h_interface_traffic',
      'rollup_5m_interface_status',
      'rollup_1h_interface_status',
      'rollup_5m_icmp',
      'rollup_1h_icmp',
      'rollup_5m_device_poll',
      'rollup_1h_device_poll',
    ]);
    for (const cq of cqs) expect(cq.statement).toContain(`FROM "lw"."raw"."${cq.measurement}" GROUP BY time(${cq.rollup === 'rollup_5m' ? '5m' : '1h'}), * END`);
  });

  it('quotes identifiers that need it', () => {
    expect(rollupSelect({ database: 'link-watch', measurement: 'device_poll', rollup: 'rollup_5m' })).toContain('INTO "link-watch"."rollup_5m"."device_poll" FROM "link-watch"."raw"."device_poll"');
  });
});

describe('retention policy statements', () => {
  it.each([
    ['CREATE', 'raw', 'CREATE RETENTION POLICY "raw" ON "lw" DURATION 30d REPLICATION 1 SHARD DURATION 1d DEFAULT'],
    ['ALTER', 'rollup_1h', 'ALTER RETENTION POLICY "rollup_1h" ON "lw" DURATION 1830d REPLICATION 1 SHARD DURATION 30d'],
  ] as const)('%s %s', (verb, name, expected) => {
    expect(retentionPolicyStatement(verb, 'lw', name, retentionPolicies[name])).toBe(expected);
  });

  it.each([
    ['0s', 0],
    ['720h0m0s', 30 * 24 * HOUR],
    ['1h0m0s', HOUR],
    ['30d', 30 * 24 * HOUR],
  ])('InfluxDB duration %s', (text, ms) => {
    expect(influxDurationMs(text)).toBe(ms);
  });
});

describe('planRetention', () => {
  const plan = (policies: ExistingPolicy[], cqs: ExistingContinuousQuery[]) =>
    planRetention({ database: 'lw', policies: retentionPolicies, existingPolicies: policies, existingContinuousQueries: cqs }).map((step) => `${step.kind} ${step.name}`);

  it('creates everything in a new database', () => {
    expect(plan([existingPolicies[0]!], [])).toEqual([
      'create-policy raw',
      'create-policy rollup_5m',
      'create-policy rollup_1h',
      'create-policy events',
      ...continuousQueries('lw').map((cq) => `create-cq ${cq.name}`),
    ]);
  });

  it('changes nothing when the database matches (as InfluxDB renders it)', () => {
    expect(plan(existingPolicies, existingCqs())).toEqual([]);
  });

  it.each([
    ['a different duration', { name: 'rollup_5m', duration: '2400h0m0s' }, 'alter-policy rollup_5m'],
    ['a different shard duration', { name: 'rollup_1h', shardGroupDuration: '168h0m0s' }, 'alter-policy rollup_1h'],
    ['raw no longer the default', { name: 'raw', default: false }, 'alter-policy raw'],
  ])('alters a policy with %s', (_label, change, expected) => {
    const policies = existingPolicies.map((policy) => (policy.name === change.name ? { ...policy, ...change } : policy));
    expect(plan(policies, existingCqs())).toEqual([expected]);
  });

  it('drops and re-creates a CQ whose definition changed', () => {
    const cqs = existingCqs().map((cq) => (cq.name === 'rollup_5m_icmp' ? { ...cq, query: cq.query.replace('FOR 15m', 'FOR 30m') } : cq));
    expect(plan(existingPolicies, cqs)).toEqual(['drop-cq rollup_5m_icmp', 'create-cq rollup_5m_icmp']);
  });

  it('drops our CQs the registry no longer asks for, and leaves others alone', () => {
    const cqs = [...existingCqs(), { name: 'rollup_5m_retired', query: 'CREATE CONTINUOUS QUERY …' }, { name: 'someone_elses', query: 'CREATE CONTINUOUS QUERY …' }];
    expect(plan(existingPolicies, cqs)).toEqual(['drop-cq rollup_5m_retired']);
  });

  it('compares definitions without quotes, case or spacing', () => {
    expect(normaliseQuery('CREATE  CONTINUOUS QUERY "a" ON "b"\nBEGIN x END')).toBe(normaliseQuery('create continuous query a ON b BEGIN x END'));
  });
});

describe('backfill', () => {
  it.each([
    ['inside one interval', T0 + 1 * MIN, T0 + 2 * MIN, 5 * MIN, [[T0, T0 + 5 * MIN]]],
    ['widened outwards to whole intervals', T0 + 3 * MIN, T0 + 7 * MIN, 5 * MIN, [[T0, T0 + 10 * MIN]]],
    ['a point on a boundary starts its interval', T0 + 5 * MIN, T0 + 5 * MIN, 5 * MIN, [[T0 + 5 * MIN, T0 + 10 * MIN]]],
    ['hours', T0 + 59 * MIN, T0 + 61 * MIN, HOUR, [[T0, T0 + 2 * HOUR]]],
    ['chunked by a day', T0, T0 + 30 * HOUR, HOUR, [[T0, T0 + 24 * HOUR], [T0 + 24 * HOUR, T0 + 31 * HOUR]]],
    ['nothing for an empty window', T0 + 1, T0, 5 * MIN, []],
  ])('%s', (_label, from, to, interval, expected) => {
    expect(backfillRanges(from, to, interval, 24 * HOUR).map((range) => [range.from, range.to])).toEqual(expected);
  });

  it('recomputes both rollups of every rolled-up measurement over the aligned window', () => {
    const statements = backfillStatements({ database: 'lw', from: T0 + 3 * MIN, to: T0 + 7 * MIN });
    expect(statements).toHaveLength(8);
    expect(statements[0]).toBe(
      `${rollupSelect({ database: 'lw', measurement: 'interface_traffic', rollup: 'rollup_5m' }).replace(' GROUP BY', " WHERE time >= '2026-01-10T12:00:00.000Z' AND time < '2026-01-10T12:10:00.000Z' GROUP BY")}`,
    );
    expect(statements.filter((statement) => statement.includes('INTO "lw"."rollup_1h"'))).toHaveLength(4);
    expect(statements.find((statement) => statement.includes('"rollup_1h"."icmp"'))).toContain("WHERE time >= '2026-01-10T12:00:00.000Z' AND time < '2026-01-10T13:00:00.000Z' GROUP BY time(1h), *");
  });
});
