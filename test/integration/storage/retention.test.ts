import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { influxQuery, rows } from '../../../store/influx.ts';
import { backfillRollups, continuousQueries, ensureRetention } from '../../../store/retention.ts';
import { toLine } from '../../../store/line-protocol.ts';
import { point } from '../../../store/schema.ts';
import { privateInflux, selectRows, type PrivateInflux } from '../../helpers/influx.ts';

const PORT = 18210;

let influx: PrivateInflux;
beforeAll(async () => {
  influx = await privateInflux(PORT);
});
afterAll(async () => {
  await influx?.dispose();
});

async function shape(database: string) {
  const settings = influx.settings(database);
  const policies = rows(await influxQuery(settings, `SHOW RETENTION POLICIES ON "${database}"`));
  const cqResult = await influxQuery(settings, 'SHOW CONTINUOUS QUERIES');
  const index = cqResult.series?.findIndex((series) => series.name === database) ?? -1;
  return { policies, cqs: index < 0 ? [] : rows(cqResult, index) };
}

describe('ensureRetention against influxd', () => {
  it('(a) creates the database, policies and CQs; a second run changes nothing', async () => {
    const settings = influx.settings('lw_a');
    const first = await ensureRetention({ settings });
    expect(first.changes.map((step) => step.kind)).toEqual([
      'create-policy',
      'create-policy',
      'create-policy',
      'create-policy',
      ...continuousQueries('lw_a').map(() => 'create-cq'),
    ]);
    const after = await shape('lw_a');
    expect(after.policies).toEqual(
      expect.arrayContaining([
        { name: 'raw', duration: '720h0m0s', shardGroupDuration: '24h0m0s', replicaN: 1, default: true },
        { name: 'rollup_5m', duration: '9600h0m0s', shardGroupDuration: '168h0m0s', replicaN: 1, default: false },
        { name: 'rollup_1h', duration: '43920h0m0s', shardGroupDuration: '720h0m0s', replicaN: 1, default: false },
        { name: 'events', duration: '87600h0m0s', shardGroupDuration: '720h0m0s', replicaN: 1, default: false },
      ]),
    );
    expect(after.cqs.map((cq) => cq.name).sort()).toEqual(continuousQueries('lw_a').map((cq) => cq.name).sort());
    expect(after.cqs.find((cq) => cq.name === 'rollup_5m_icmp')?.query).toContain('percentile(rtt_avg_ms, 95) AS rtt_avg_ms_p95');

    const second = await ensureRetention({ settings });
    expect(second.changes).toEqual([]);
    expect(await shape('lw_a')).toEqual(after);
  });

  it('(a) puts back a policy and a CQ someone changed, then is stable again', async () => {
    const settings = influx.settings('lw_a2');
    await ensureRetention({ settings });
    const cq = continuousQueries('lw_a2').find((definition) => definition.name === 'rollup_5m_icmp')!;
    await influxQuery(settings, 'ALTER RETENTION POLICY "rollup_5m" ON "lw_a2" DURATION 100d');
    await influxQuery(settings, 'DROP CONTINUOUS QUERY "rollup_5m_icmp" ON "lw_a2"');
    await influxQuery(settings, cq.statement.replace('FOR 15m', 'FOR 30m'));

    const repair = await ensureRetention({ settings });
    expect(repair.changes.map((step) => `${step.kind} ${step.name}`)).toEqual(['alter-policy rollup_5m', 'drop-cq rollup_5m_icmp', 'create-cq rollup_5m_icmp']);
    const now = await shape('lw_a2');
    expect(now.policies.find((policy) => policy.name === 'rollup_5m')?.duration).toBe('9600h0m0s');
    expect(now.cqs.find((row) => row.name === 'rollup_5m_icmp')?.query).toContain('FOR 15m');
    expect((await ensureRetention({ settings })).changes).toEqual([]);
  });

  it('(a) two collectors starting at once both succeed', async () => {
    const settings = influx.settings('lw_a3');
    await Promise.all([ensureRetention({ settings }), ensureRetention({ settings }), ensureRetention({ settings })]);
    expect((await ensureRetention({ settings })).changes).toEqual([]);
    expect((await shape('lw_a3')).cqs).toHaveLength(continuousQueries('lw_a3').length);
  });

  it('backfillRollups recomputes rollups of data the CQs never look at', async () => {
    const settings = influx.settings('lw_backfill');
    await ensureRetention({ settings });
    // Two days ago, far outside every RESAMPLE window: only a backfill can roll these up.
    const base = Math.floor((Date.now() - 2 * 86_400_000) / 3_600_000) * 3_600_000;
    const points = [];
    for (let minute = 0; minute < 10; minute++) {
      points.push(point('icmp', base + minute * 60_000, { site: 's', link: 'l', target: 't' }, { up: minute === 3 ? 0 : 1, sent: 5, received: minute === 3 ? 0 : 5, rtt_avg_ms: minute + 1 }));
    }
    const response = await fetch(`${influx.url}/write?db=lw_backfill&rp=raw&precision=ms`, { method: 'POST', body: points.map((p) => toLine(p)).join('\n') });
    expect(response.status).toBe(204);

    const report = await backfillRollups({ settings, from: base + 60_000, to: base + 7 * 60_000 });
    expect(report.written).toBeGreaterThan(0);
    const fiveMinute = await selectRows(settings, 'SELECT * FROM "rollup_5m"."icmp" ORDER BY time');
    expect(fiveMinute.map((row) => [row.time, row.up_mean, row.up_min, row.sent_sum, row.received_sum, row.rtt_avg_ms_max, row.rtt_avg_ms_p95, row.site, row.link, row.target])).toEqual([
      [base, 0.8, 0, 25, 20, 5, 5, 's', 'l', 't'],
      [base + 300_000, 1, 1, 25, 25, 10, 10, 's', 'l', 't'],
    ]);
    const hourly = await selectRows(settings, 'SELECT * FROM "rollup_1h"."icmp"');
    expect(hourly).toMatchObject([{ time: base, sent_sum: 50, rtt_avg_ms_mean: 5.5, up_min: 0 }]);
    // Tags stayed tags.
    expect(rows(await influxQuery(settings, 'SHOW TAG KEYS FROM "rollup_5m"."icmp"', { database: 'lw_backfill' })).map((row) => row.tagKey)).toEqual(['link', 'site', 'target']);
  });
});
