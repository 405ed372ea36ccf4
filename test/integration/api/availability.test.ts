import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, testConfig, testStores, type TestApi } from '../../helpers/api.ts';
import { toLine } from '../../../store/line-protocol.ts';
import { ensureRetention } from '../../../store/retention.ts';
import { point, type Point } from '../../../store/schema.ts';

// Availability over a real InfluxDB: outages as the engine writes them (closed, inside a
// maintenance window stored through the control store, still open), a gap in the 5-minute
// rollups while the collector was not running, recorded states, and a site whose figure is its
// own dark-site outages over its links' data.

const URL = process.env.LINKWATCH_TEST_INFLUX_URL ?? 'http://127.0.0.1:8086';
const DATABASE = `lw_availability_${process.pid}`;
const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

const config = testConfig(
  `
influx: {url: "${URL}", database: ${DATABASE}}
alerts: {timezone: Asia/Ho_Chi_Minh}
sites:
  - {id: nam-xe, name: Xã Nậm Xé, kind: commune}
  - {id: ta-leng, name: Xã Tả Lèng, kind: commune}
devices:
  - {id: nam-xe-router, site: nam-xe, role: router, address: 127.0.0.2}
links:
  - {id: nam-xe-vnpt, site: nam-xe, kind: internet, provider: VNPT, targets: [127.0.0.3]}
  - {id: nam-xe-tslcd, site: nam-xe, kind: tslcd, targets: [127.0.0.4]}
  - {id: ta-leng-vnpt, site: ta-leng, kind: internet, targets: [127.0.0.5]}
`,
);

async function writeLines(policy: string, lines: readonly string[]): Promise<void> {
  const response = await fetch(`${URL}/write?db=${DATABASE}&rp=${policy}&precision=ms`, { method: 'POST', body: lines.join('\n') });
  expect(response.status, await response.clone().text()).toBe(204);
}
const writeEvents = (points: Point[]) => writeLines('events', points.map((p) => toLine(p)!));

const near = (expected: number) => expect.closeTo(expected, 6);

describe('availability over InfluxDB', () => {
  const now = Math.floor(Date.now() / HOUR) * HOUR;
  const stores = testStores(config, () => now);
  const { control } = stores;
  let api: TestApi | undefined;
  let base = '';
  const get = async (path: string) => {
    const response = await fetch(base + path, { headers: { 'x-test-user': 'viewer' } });
    return { status: response.status, body: (await response.json()) as Record<string, any> };
  };
  const lastDay = `from=${now - DAY}&to=${now}`;

  beforeAll(async () => {
    await ensureRetention({ settings: config.influx });
    // Two days of 5-minute rollups for every link, except one hour 20 hours ago when nam-xe-vnpt
    // had no data at all (the collector was stopped).
    const rollups: string[] = [];
    for (let t = now - 2 * DAY; t < now; t += 5 * MIN) {
      if (!(t >= now - 20 * HOUR && t < now - 19 * HOUR)) rollups.push(`icmp,link=nam-xe-vnpt,site=nam-xe,target=127.0.0.3 up_mean=1 ${t}`);
      rollups.push(`icmp,link=nam-xe-tslcd,site=nam-xe,target=127.0.0.4 up_mean=1 ${t}`);
      rollups.push(`icmp,link=ta-leng-vnpt,site=ta-leng,target=127.0.0.5 up_mean=1 ${t}`);
    }
    await writeLines('rollup_5m', rollups);

    const link = (entity: string) => ({ site: entity.split('-').slice(0, 2).join('-'), entity_kind: 'link', entity });
    const outage = (entity: string, startMs: number, endMs: number | undefined, extra: Record<string, string | number> = {}) =>
      point('outage', startMs, { ...link(entity), kind: 'outage' }, endMs === undefined ? { open: 1, cause: 'no-reply', ...extra } : { open: 0, end_ms: endMs, duration_s: (endMs - startMs) / 1000, cause: 'no-reply', ...extra });
    await writeEvents([
      // Monitored since two days ago.
      point('entity_state', now - 2 * DAY, link('nam-xe-vnpt'), { state: 'up', previous: 'unknown' }),
      point('entity_state', now - 2 * DAY, link('nam-xe-tslcd'), { state: 'up', previous: 'unknown' }),
      point('entity_state', now - 2 * DAY, link('ta-leng-vnpt'), { state: 'up', previous: 'unknown' }),
      point('entity_state', now - 2 * DAY, { site: 'nam-xe', entity_kind: 'site', entity: 'nam-xe' }, { state: 'up', previous: 'unknown' }),
      // An hour's outage 10 hours ago; half an hour inside the maintenance window 5 hours ago;
      // one that began 30 minutes ago and is still open.
      outage('nam-xe-vnpt', now - 10 * HOUR, now - 9 * HOUR),
      outage('nam-xe-vnpt', now - 5 * HOUR, now - 4.5 * HOUR, { cause: 'interface-down' }),
      outage('nam-xe-vnpt', now - 30 * MIN, undefined),
      // A blip never counts; an outage long over before the range does not either.
      point('outage', now - 8 * HOUR, { ...link('nam-xe-vnpt'), kind: 'blip' }, { open: 0, end_ms: now - 8 * HOUR + MIN }),
      outage('nam-xe-vnpt', now - 3 * DAY, now - 3 * DAY + HOUR),
      // ta-leng's link was down across the start of the range: from 25 hours ago to 23.
      outage('ta-leng-vnpt', now - 25 * HOUR, now - 23 * HOUR),
      // The whole of nam-xe was dark once, for 20 minutes: both its links down together. (The
      // engine's own record of the site is not what the figure rests on: a site is down only
      // while all its links are.)
      outage('nam-xe-tslcd', now - 10 * HOUR, now - 10 * HOUR + 20 * MIN),
      point('outage', now - 10 * HOUR, { site: 'nam-xe', entity_kind: 'site', entity: 'nam-xe', kind: 'outage' }, { open: 0, end_ms: now - 10 * HOUR + 20 * MIN, cause: 'site-dark' }),
    ]);
    const window = await control.addMaintenance({ match: { links: ['nam-xe-vnpt'] }, startMs: now - 5.5 * HOUR, endMs: now - 4 * HOUR, comment: 'thay cáp quang', by: 'test' });
    expect(window.ok).toBe(true);

    api = await startTestApi({ config, clock: () => now, stores });
    base = api.base;
  });
  afterAll(async () => {
    await api?.close();
  });

  it('counts a link’s outages against it, maintenance excluded, the gap in its data as unknown', async () => {
    const { status, body } = await get(`/api/v1/links/nam-xe-vnpt/availability?${lastDay}`);
    expect(status, JSON.stringify(body)).toBe(200);
    // Down: 1 h + 30 min (ongoing); 30 min in maintenance; 1 h without data; 1.5 h maintenance.
    expect(body).toMatchObject({ kind: 'link', id: 'nam-xe-vnpt', site: 'nam-xe', periodFromMs: now - DAY, periodToMs: now, downMs: 1.5 * HOUR, maintenanceMs: 1.5 * HOUR, unknownMs: HOUR, n: 2 });
    expect(body.upMs).toBe(20 * HOUR);
    expect(body.availabilityPct).toEqual(near((100 * 20) / 21.5));
    // Raw: the outage inside maintenance counts, the rest of maintenance is up.
    expect(body.rawAvailabilityPct).toEqual(near((100 * 21) / 23));
    expect(body.coveragePct).toEqual(near((100 * 23) / 24));
    expect(body.coverageFlag).toBe(true);
    expect(body.mttrMs).toBe(45 * MIN);
    expect(body.outages).toEqual([
      expect.objectContaining({ startMs: now - 10 * HOUR, endMs: now - 9 * HOUR, durationMs: HOUR, countedMs: HOUR, cause: 'no-reply', kind: 'outage', inMaintenance: false, ongoing: false }),
      expect.objectContaining({ startMs: now - 5 * HOUR, countedMs: 0, cause: 'interface-down', inMaintenance: true }),
      expect.objectContaining({ startMs: now - 30 * MIN, endMs: now, countedMs: 30 * MIN, ongoing: true }),
    ]);
  });

  it('clips an outage that began before the range and says so', async () => {
    const { body } = await get(`/api/v1/links/ta-leng-vnpt/availability?${lastDay}`);
    expect(body).toMatchObject({ downMs: HOUR, unknownMs: 0, n: 1, coveragePct: 100, coverageFlag: false });
    expect(body.availabilityPct).toEqual(near((100 * 23) / 24));
    expect(body.outages).toEqual([expect.objectContaining({ startMs: now - 25 * HOUR, durationMs: 2 * HOUR, countedMs: HOUR, clippedStart: true, clippedEnd: false })]);
  });

  it('counts a site down only while all its links are down, known while any of its links has data', async () => {
    const { body } = await get(`/api/v1/sites/nam-xe/availability?${lastDay}`);
    expect(body).toMatchObject({ kind: 'site', id: 'nam-xe', name: 'Xã Nậm Xé', downMs: 20 * MIN, unknownMs: 0, maintenanceMs: 0, n: 1 });
    expect(body.availabilityPct).toEqual(near(100 * (1 - 20 / (24 * 60))));
  });

  it('has no figure for what was never measured', async () => {
    const { body } = await get(`/api/v1/devices/nam-xe-router/availability?${lastDay}`);
    expect(body).toMatchObject({ availabilityPct: null, rawAvailabilityPct: null, coveragePct: 0, unknownMs: DAY, n: 0, mttrMs: null, outages: [] });
  });

  it('splits a range into local days whose figures add up to the whole', async () => {
    const { body } = await get(`/api/v1/links/nam-xe-vnpt/availability?${lastDay}&per=day`);
    const days = body.days as { periodFromMs: number; periodToMs: number; downMs: number; unknownMs: number; outages?: unknown }[];
    // A day from a whole hour spans two local days; each begins at 00:00 in UTC+7.
    expect(days.length).toBe(now % DAY === 17 * HOUR ? 1 : 2);
    expect(days[0]!.periodFromMs).toBe(now - DAY);
    expect(days.at(-1)!.periodToMs).toBe(now);
    for (const day of days.slice(1)) expect((day.periodFromMs + 7 * HOUR) % DAY).toBe(0);
    expect(days.reduce((sum, day) => sum + day.downMs, 0)).toBe(body.downMs);
    expect(days.reduce((sum, day) => sum + day.unknownMs, 0)).toBe(body.unknownMs);
    expect(days[0]!.outages).toBeUndefined();
  });

  it('lists every link of the inventory, or those of one site, without their outage lists', async () => {
    const all = await get(`/api/v1/availability?${lastDay}`);
    expect(all.status).toBe(200);
    expect(all.body.entities.map((entity: { id: string }) => entity.id)).toEqual(['nam-xe-vnpt', 'nam-xe-tslcd', 'ta-leng-vnpt']);
    const [vnpt, tslcd] = all.body.entities;
    expect(tslcd).toMatchObject({ downMs: 20 * MIN, coveragePct: 100, n: 1, mtbfMs: 24 * HOUR - 20 * MIN });
    expect(vnpt.downMs).toBe(1.5 * HOUR);
    expect(vnpt.outages).toBeUndefined();
    const one = await get(`/api/v1/availability?${lastDay}&kind=site&site=ta-leng`);
    // Ta Lèng's one link was down for the first hour of the range: so was the site.
    expect(one.body.entities).toEqual([expect.objectContaining({ kind: 'site', id: 'ta-leng', downMs: HOUR })]);
  });

  it('defaults to the last 30 days and ends a range reaching into the future now', async () => {
    expect((await get('/api/v1/links/nam-xe-tslcd/availability')).body).toMatchObject({ periodFromMs: now - 30 * DAY, periodToMs: now });
    expect((await get(`/api/v1/links/nam-xe-tslcd/availability?from=${now - HOUR}&to=${now + DAY}`)).body.periodToMs).toBe(now);
  });

  it.each([
    ['/api/v1/links/nope/availability', 404, 'not-found'],
    ['/api/v1/sites/NAM-XE/availability', 400, 'invalid-parameter'],
    [`/api/v1/links/nam-xe-vnpt/availability?from=${now - 401 * DAY}`, 400, 'invalid-parameter'],
    [`/api/v1/links/nam-xe-vnpt/availability?from=${now + HOUR}&to=${now + 2 * HOUR}`, 400, 'invalid-parameter'],
    ['/api/v1/links/nam-xe-vnpt/availability?per=week', 400, 'invalid-parameter'],
    ['/api/v1/availability?kind=router', 400, 'invalid-parameter'],
    ['/api/v1/availability?site=nope', 404, 'not-found'],
    ["/api/v1/availability?site=x'%20OR%20''='", 400, 'invalid-parameter'],
  ])('refuses %s with %i %s', async (path, status, code) => {
    const answer = await get(path);
    expect(answer.status).toBe(status);
    expect(answer.body.error.code).toBe(code);
  });
});
