import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiServer, type ApiServer } from '../../../api/server.ts';
import { influxQuery } from '../../../store/influx.ts';
import { ensureRetention } from '../../../store/retention.ts';
import { point, type Point } from '../../../store/schema.ts';
import { quietLogger, testConfig } from '../../helpers/api.ts';
import { ARTIFACTS, buildDashboard, entityState, launchChromium, writePoints } from '../../helpers/web.ts';

// The wall screen and the inventory in Chromium over the real API and InfluxDB: the wall is dark,
// without navigation, shows the down site large and the up sites as a count, and says so when
// the API stops answering; the inventory finds a commune typed without diacritics, shows a
// firmware change, and downloads a CSV that Excel opens with Vietnamese intact.

const URL = process.env.LINKWATCH_TEST_INFLUX_URL ?? 'http://127.0.0.1:8086';
const DATABASE = `lw_web_views_${process.pid}`;
const HOUR = 3_600_000;

const config = testConfig(`
influx: {url: "${URL}", database: ${DATABASE}}
api: {anonymousRead: true, statusRefresh: 1h}
sites:
  - {id: ta-van, name: Xã Tả Van, kind: commune, address: "Thôn Hầu Chư Ngài, Tả Van"}
  - {id: nam-xe, name: Xã Nậm Xé, kind: commune}
  - {id: ban-ho, name: Xã Bản Hồ, kind: commune}
devices:
  - {id: nam-xe-router, site: nam-xe, role: router, address: 127.0.0.2, snmp: {credentials: {version: 2c, community: public}}}
links:
  - {id: ta-van-vnpt, site: ta-van, kind: internet, provider: VNPT, targets: [127.0.0.3]}
  - {id: nam-xe-vnpt, site: nam-xe, kind: internet, provider: VNPT, targets: [127.0.0.4]}
  - {id: ban-ho-vnpt, site: ban-ho, kind: internet, provider: Viettel, targets: [127.0.0.5]}
`);

const write = (policy: 'raw' | 'events', points: Point[]) => writePoints(config.influx, policy, points);
const state = entityState;

describe('the wall screen and the inventory in Chromium', () => {
  let dir = '';
  let server: ApiServer | undefined;
  let browser: Browser;
  const now = Date.now();

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lw-web-views-'));
    await buildDashboard(join(dir, 'dist'));
    await ensureRetention({ settings: config.influx });
    await write('events', [
      state('site', 'ta-van', 'ta-van', 'up', now - 5 * HOUR),
      state('link', 'ta-van-vnpt', 'ta-van', 'up', now - 5 * HOUR),
      state('site', 'nam-xe', 'nam-xe', 'down', now - 12 * 60_000),
      state('link', 'nam-xe-vnpt', 'nam-xe', 'down', now - 12 * 60_000),
      state('site', 'ban-ho', 'ban-ho', 'up', now - 5 * HOUR),
      state('link', 'ban-ho-vnpt', 'ban-ho', 'up', now - 5 * HOUR),
      point('fact_change', now - 2 * HOUR, { site: 'nam-xe', device: 'nam-xe-router', fact: 'firmwareRev' }, { before: 'RouterOS 6.49.7', after: 'RouterOS 7.12' }),
    ]);
    const round = (link: string, site: string, target: string, up: boolean) =>
      point('icmp', now - 10_000, { site, link, target }, up ? { up: 1, sent: 5, received: 5, loss_pct: 0, rtt_median_ms: 20 } : { up: 0, sent: 5, received: 0, loss_pct: 100 });
    await write('raw', [round('ta-van-vnpt', 'ta-van', '127.0.0.3', true), round('nam-xe-vnpt', 'nam-xe', '127.0.0.4', false), round('ban-ho-vnpt', 'ban-ho', '127.0.0.5', true)]);
    server = await startApiServer({ config, logger: quietLogger, listen: '127.0.0.1:0', webRoot: join(dir, 'dist') });
    await server.live.refresh();
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await rm(dir, { recursive: true, force: true });
    await influxQuery(config.influx, `DROP DATABASE "${DATABASE}"`).catch(() => undefined);
  });

  it('finds a commune without diacritics, shows a firmware change and exports a CSV with a BOM', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
    await page.goto(`${server!.url}/#/inventory`);
    await page.getByText('Xã Tả Van').first().waitFor();
    await page.screenshot({ path: join(ARTIFACTS, 'inventory.png'), fullPage: true });
    await page.getByRole('searchbox').fill('ta van');
    await expect.poll(() => page.locator('tbody tr').count()).toBe(1);
    expect(await page.locator('tbody tr').first().textContent()).toContain('Thôn Hầu Chư Ngài');

    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('button[data-action="export"]').click()]);
    const bytes = await readFile((await download.path())!);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const csv = bytes.subarray(3).toString('utf8');
    expect(csv).toContain('Xã Tả Van');
    expect(csv).toContain('"Thôn Hầu Chư Ngài, Tả Van"');
    expect(csv.split('\r\n')).toHaveLength(3);

    await page.getByRole('searchbox').fill('');
    await page.locator('[role="tab"][data-tab="changes"]').click();
    await expect.poll(() => page.locator('tbody').textContent()).toContain('RouterOS 7.12');
    expect(await page.locator('tbody').textContent()).toContain('RouterOS 6.49.7');
    await page.close();
  });

  it('shows the wall screen dark, the down site large and the up count, then says when the API stopped', async () => {
    const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    await page.goto(`${server!.url}/?kiosk`);
    await page.locator('li.card[data-site="nam-xe"]').waitFor();
    expect(await page.locator('html').getAttribute('data-theme')).toBe('dark');
    expect(await page.locator('nav').count()).toBe(0);
    expect(await page.locator('[data-up-count]').getAttribute('data-up-count')).toBe('2');
    expect(await page.locator('li.card[data-site="nam-xe"]').textContent()).toContain('Mất kết nối');
    expect(await page.locator('li.card').count()).toBe(1);
    expect(await page.locator('time[data-clock]').textContent()).toMatch(/^\d{2}:\d{2}$/);
    await page.screenshot({ path: join(ARTIFACTS, 'kiosk.png'), animations: 'disabled' });

    await server!.close();
    server = undefined;
    await page.locator('[data-banner="offline"]').waitFor({ timeout: 15_000 });
    await page.screenshot({ path: join(ARTIFACTS, 'kiosk-stale.png'), animations: 'disabled' });
    await page.close();
  });
});
