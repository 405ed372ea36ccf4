import { execFile } from 'node:child_process';
import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { influxQuery, rows } from '../../../store/influx.ts';
import { ensureRetention } from '../../../store/retention.ts';
import { point } from '../../../store/schema.ts';
import { writePoints } from '../../helpers/web.ts';

// The backup and restore README.md documents ("Backup and restore"), done as written against the
// project's InfluxDB: influxd backup -portable of linkwatch's database and a copy of the config,
// the database dropped, influxd restore -portable, and everything back — the raw points, the
// events kept for audits, the rollups, the retention policies — with the collector's start-up
// (ensureRetention) changing no retention policy afterwards.

const run = promisify(execFile);
const URL = process.env.LINKWATCH_TEST_INFLUX_URL ?? 'http://127.0.0.1:8086';
const RPC = `127.0.0.1:${process.env.LINKWATCH_INFLUX_RPC_PORT ?? 8088}`;
const DATABASE = `lw_backup_${process.pid}`;
const settings = { url: URL, database: DATABASE };

const count = async (policy: string, measurement: string, where = '') => {
  const result = await influxQuery(settings, `SELECT count(*) FROM "${policy}"."${measurement}"${where}`);
  const row = rows(result)[0] ?? {};
  return Math.max(0, ...Object.entries(row).filter(([key]) => key.startsWith('count_')).map(([, value]) => Number(value)));
};
const policies = async () => rows(await influxQuery(settings, `SHOW RETENTION POLICIES ON "${DATABASE}"`)).map((row) => `${String(row.name)}:${String(row.duration)}`).sort();

/** influxd restore returns while InfluxDB still opens the shards it wrote: until then a query
 * over them answers "shard is disabled" (CI met it at once). The README says to wait for them. */
async function restoredShardsOpen(timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await Promise.all(['raw', 'events', 'rollup_5m'].map((policy) => influxQuery(settings, `SELECT count(*) FROM "${policy}"./.*/`)));
      return;
    } catch (error) {
      if (!/shard is disabled/.test(String(error)) || Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

describe('backup and restore as the README says', () => {
  let dir = '';
  afterAll(async () => {
    await influxQuery(settings, `DROP DATABASE "${DATABASE}"`).catch(() => undefined);
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('brings back every point, policy and the config after the database is dropped', async () => {
    dir = await mkdtemp(join(tmpdir(), 'lw-backup-'));
    await ensureRetention({ settings });
    const now = Date.now();
    await writePoints(settings, 'raw', Array.from({ length: 50 }, (_, i) => point('icmp', now - i * 60_000, { site: 'nam-xe', link: 'nam-xe-vnpt', target: '127.0.0.3' }, { up: 1, sent: 5, received: 5, loss_pct: 0, rtt_avg_ms: 20 })));
    await writePoints(settings, 'events', [
      point('outage', now - 3_600_000, { site: 'nam-xe', entity_kind: 'link', entity: 'nam-xe-vnpt', kind: 'outage' }, { open: 0, end_ms: now - 3_000_000, duration_s: 600, cause: 'no-reply', maintenance: 0 }),
      point('entity_state', now - 3_600_000, { site: 'nam-xe', entity_kind: 'link', entity: 'nam-xe-vnpt' }, { state: 'down', previous: 'up', since_ms: now - 3_600_000, flapping: 0 }),
    ]);
    // On a series of its own: the continuous query that rolls up the raw points above may run
    // during the test and add buckets to theirs (CI counted 12 rollups of 10 so).
    await writePoints(settings, 'rollup_5m', Array.from({ length: 10 }, (_, i) => point('icmp', now - i * 300_000, { site: 'nam-xe', link: 'nam-xe-tslcd', target: '127.0.0.4' }, { up_mean: 1 } as never)));
    const config = join(dir, 'linkwatch.yaml');
    await writeFile(config, 'sites:\n  - {id: nam-xe, name: Xã Nậm Xé, kind: commune}\n');
    const before = { raw: await count('raw', 'icmp'), outage: await count('events', 'outage'), states: await count('events', 'entity_state'), rollup: await count('rollup_5m', 'icmp', ` WHERE "link" = 'nam-xe-tslcd'`), policies: await policies() };
    expect(before).toMatchObject({ raw: 50, outage: 1, states: 1, rollup: 10 });

    // The documented commands: the database, then the config beside it.
    const backup = join(dir, 'backup');
    await run('influxd', ['backup', '-portable', '-db', DATABASE, '-host', RPC, backup]);
    await copyFile(config, join(backup, 'linkwatch.yaml'));

    await influxQuery(settings, `DROP DATABASE "${DATABASE}"`);
    expect(await count('raw', 'icmp').catch(() => 0)).toBe(0);

    await run('influxd', ['restore', '-portable', '-db', DATABASE, '-host', RPC, backup]);
    await restoredShardsOpen();
    const after = { raw: await count('raw', 'icmp'), outage: await count('events', 'outage'), states: await count('events', 'entity_state'), rollup: await count('rollup_5m', 'icmp', ` WHERE "link" = 'nam-xe-tslcd'`), policies: await policies() };
    expect(after).toEqual(before);
    expect(await readFile(join(backup, 'linkwatch.yaml'), 'utf8')).toBe(await readFile(config, 'utf8'));
    // The collector's start then recreates whatever the restore left out (it re-checks the
    // continuous queries) and finds every retention policy as it was.
    const report = await ensureRetention({ settings });
    expect(report.changes.filter((change) => /RETENTION POLICY/.test(change.statement))).toEqual([]);
    expect(await policies()).toEqual(before.policies);
  }, 60_000);
});
