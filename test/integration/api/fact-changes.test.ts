import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toLine } from '../../../store/line-protocol.ts';
import { ensureRetention } from '../../../store/retention.ts';
import { point } from '../../../store/schema.ts';
import { startTestApi, testConfig, testStores, type TestApi } from '../../helpers/api.ts';

// The inventory's change history over a real InfluxDB: the fact_change rows the collector writes
// (a device replaced, firmware upgraded, an interface added), newest first, by device and range,
// cut at the limit with `truncated` saying so.

const URL = process.env.LINKWATCH_TEST_INFLUX_URL ?? 'http://127.0.0.1:8086';
const DATABASE = `lw_fact_changes_${process.pid}`;
const DAY = 86_400_000;
const config = testConfig(`
influx: {url: "${URL}", database: ${DATABASE}}
sites: [{id: nam-xe, name: Xã Nậm Xé, kind: commune}, {id: ta-van, name: Xã Tả Van, kind: commune}]
devices:
  - {id: nam-xe-router, site: nam-xe, role: router, address: 127.0.0.2, snmp: {credentials: {version: 2c, community: public}}}
  - {id: ta-van-router, site: ta-van, role: router, address: 127.0.0.3, snmp: {credentials: {version: 2c, community: public}}}
`);

describe('GET /api/v1/fact-changes', () => {
  const now = Date.now();
  const stores = testStores(config, () => now);
  let api: TestApi;
  const get = async (path: string) => {
    const response = await fetch(api.base + path, { headers: { 'x-test-user': 'viewer' } });
    return { status: response.status, body: (await response.json()) as Record<string, any> };
  };

  beforeAll(async () => {
    await ensureRetention({ settings: config.influx });
    const change = (device: string, site: string, fact: string, before: string, after: string, atMs: number) => toLine(point('fact_change', atMs, { site, device, fact }, { before, after }));
    const body = [
      change('nam-xe-router', 'nam-xe', 'firmwareRev', 'RouterOS 6.49.7', 'RouterOS 7.12', now - 2 * DAY),
      change('nam-xe-router', 'nam-xe', 'serial', 'HEX0001', 'HEX0042', now - 40 * DAY),
      change('ta-van-router', 'ta-van', 'interface:ether5', '', 'ether5 1000 Mbps', now - DAY),
      change('ta-van-router', 'ta-van', 'serial', 'OLD', 'NEW', now - 400 * DAY),
    ].join('\n');
    const response = await fetch(`${URL}/write?db=${DATABASE}&rp=events&precision=ms`, { method: 'POST', body });
    expect(response.status, await response.clone().text()).toBe(204);
    api = await startTestApi({ config, clock: () => now, stores });
  });
  afterAll(async () => api?.close());

  it('lists the last year newest first', async () => {
    const { status, body } = await get('/api/v1/fact-changes');
    expect(status).toBe(200);
    expect(body.changes.map((c: { device: string; fact: string }) => `${c.device}:${c.fact}`)).toEqual(['ta-van-router:interface:ether5', 'nam-xe-router:firmwareRev', 'nam-xe-router:serial']);
    expect(body.changes[1]).toEqual({ atMs: now - 2 * DAY, device: 'nam-xe-router', site: 'nam-xe', fact: 'firmwareRev', before: 'RouterOS 6.49.7', after: 'RouterOS 7.12' });
    expect(body.changes[0].before).toBe('');
    expect(body.truncated).toBe(false);
  });

  it('filters by device and range, and says when the limit cut the answer', async () => {
    expect((await get('/api/v1/fact-changes?device=nam-xe-router&from=-7d')).body.changes.map((c: { fact: string }) => c.fact)).toEqual(['firmwareRev']);
    const cut = await get('/api/v1/fact-changes?limit=1');
    expect(cut.body.changes).toHaveLength(1);
    expect(cut.body.truncated).toBe(true);
  });

  it('refuses an unknown device and a bogus range in words', async () => {
    const unknown = await get('/api/v1/fact-changes?device=nowhere');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.message).toContain('nowhere');
    const bogus = await get('/api/v1/fact-changes?from=yesterday');
    expect(bogus.status).toBe(400);
    expect(bogus.body.error.message).toContain('from');
  });
});
