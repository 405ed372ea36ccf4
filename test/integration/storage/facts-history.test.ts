import { afterAll, describe, expect, it } from 'vitest';
import type { DeviceFacts } from '../../../collector/facts.ts';
import { silentLogger } from '../../../collector/logger.ts';
import { createInfluxFactsHistory } from '../../../store/facts-history.ts';
import { ensureRetention } from '../../../store/retention.ts';
import { point } from '../../../store/schema.ts';
import { openPolicyWriters } from '../../../collector/storage/writers.ts';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageClient } from '../../helpers/influx.ts';

const settings = { url: process.env.LINKWATCH_TEST_INFLUX_URL ?? 'http://127.0.0.1:8086', database: `lw_facts_${process.pid}` };

const facts = (firmware: string): DeviceFacts => ({
  sys_descr: `RouterOS ${firmware}`,
  sys_object_id: '1.3.6.1.4.1.14988.1',
  sys_name: 'nam-xe',
  sys_location: 'Nậm Xé',
  sys_contact: '',
  model: 'RB750Gr3',
  serial: 'A1B2C3',
  manufacturer: 'MikroTik',
  hardware_rev: '',
  firmware_rev: firmware,
  software_rev: firmware,
  interface_count: 5,
  interfaces: '[]',
});

describe('facts history and the events retention policy', () => {
  afterAll(() => packageClient(settings).dropDatabase(settings.database).catch(() => undefined));

  it('routes facts to the long-lived `events` policy and reads back each device’s latest facts', async () => {
    await ensureRetention({ settings });
    const writers = await openPolicyWriters({ settings, spoolDir: await mkdtemp(join(tmpdir(), 'lw-facts-')), spoolMaxBytes: 16 * 1024 * 1024, logger: silentLogger });
    const now = Date.now();
    writers.write([
      point('device_facts', now - 60_000, { site: 'nam-xe', device: 'nam-xe-router' }, facts('6.48')),
      point('device_facts', now - 1_000, { site: 'nam-xe', device: 'nam-xe-router' }, facts('7.12')),
      point('device_facts', now - 1_000, { site: 'dc', device: 'dc-router' }, { ...facts('17.3'), sys_name: 'dc' }),
      point('device_poll', now, { site: 'dc', device: 'dc-router' }, { reachable: 1 }),
    ]);
    await writers.flush();
    await writers.close();
    expect(writers.stats().events.pointsWritten).toBe(3);
    expect(writers.stats().raw.pointsWritten).toBe(1);

    const client = packageClient(settings);
    expect(await client.query('SELECT count(sys_name) FROM "raw"."device_facts"')).toHaveLength(0);
    const history = await createInfluxFactsHistory(settings).lastFacts(['nam-xe-router', 'dc-router', 'never-seen']);
    expect([...history.keys()].sort()).toEqual(['dc-router', 'nam-xe-router']);
    expect(history.get('nam-xe-router')).toEqual(facts('7.12'));
    expect(history.get('dc-router')?.sys_name).toBe('dc');
  });
});
