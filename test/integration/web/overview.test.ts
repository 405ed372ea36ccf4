import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiServer, type ApiServer } from '../../../api/server.ts';
import { influxQuery } from '../../../store/influx.ts';
import { toLine } from '../../../store/line-protocol.ts';
import { ensureRetention } from '../../../store/retention.ts';
import { point, type Point } from '../../../store/schema.ts';
import { quietLogger, testConfig } from '../../helpers/api.ts';
import { ARTIFACTS, buildDashboard, launchChromium } from '../../helpers/web.ts';

// The dashboard built by Vite and served by the API over a real InfluxDB, in Debian's Chromium:
// sites worst first with icon and label, the diacritic-free search, the language switch
// remembered across a reload, a state change arriving over the event stream without a reload,
// and no request leaving the machine. Screenshots go to .data/artifacts/.

const URL = process.env.LINKWATCH_TEST_INFLUX_URL ?? 'http://127.0.0.1:8086';
const DATABASE = `lw_web_${process.pid}`;
const HOUR = 3_600_000;

const config = testConfig(`
influx: {url: "${URL}", database: ${DATABASE}}
api: {anonymousRead: true, statusRefresh: 1h}
collector: {icmp: {interval: 30s}}
sites:
  - {id: ta-van, name: Xã Tả Van, kind: commune}
  - {id: nam-xe, name: Xã Nậm Xé, kind: commune}
  - {id: ban-ho, name: Xã Bản Hồ, kind: commune}
  - {id: den-sang, name: Xã Dền Sáng, kind: commune}
links:
  - {id: ta-van-vnpt, site: ta-van, kind: internet, provider: VNPT, targets: [127.0.0.3]}
  - {id: nam-xe-vnpt, site: nam-xe, kind: internet, provider: VNPT, targets: [127.0.0.4]}
  - {id: ban-ho-tslcd, site: ban-ho, kind: tslcd, targets: [127.0.0.5]}
  - {id: den-sang-vnpt, site: den-sang, kind: internet, targets: [127.0.0.6]}
`);

async function write(policy: 'raw' | 'events', points: Point[]): Promise<void> {
  const response = await fetch(`${URL}/write?db=${DATABASE}&rp=${policy}&precision=ms`, { method: 'POST', body: points.map((p) => toLine(p)).join('\n') });
  expect(response.status, await response.clone().text()).toBe(204);
}
const state = (kind: 'site' | 'link', id: string, site: string, value: string, atMs: number) =>
  point('entity_state', atMs, { site, entity_kind: kind, entity: id }, { state: value, previous: 'up', since_ms: atMs, flapping: 0 });

describe('the dashboard in Chromium', () => {
  let dir = '';
  let server: ApiServer;
  let browser: Browser;
  let page: Page;
  const outside: string[] = [];
  const now = Date.now();

  const siteOrder = () => page.locator('li[data-site]').evaluateAll((items) => items.map((item) => item.getAttribute('data-site')));

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lw-web-'));
    await buildDashboard(join(dir, 'dist'));
    await ensureRetention({ settings: config.influx });
    await write('events', [
      state('site', 'ta-van', 'ta-van', 'up', now - 5 * HOUR),
      state('link', 'ta-van-vnpt', 'ta-van', 'up', now - 5 * HOUR),
      state('site', 'nam-xe', 'nam-xe', 'down', now - 12 * 60_000),
      state('link', 'nam-xe-vnpt', 'nam-xe', 'down', now - 12 * 60_000),
      state('site', 'ban-ho', 'ban-ho', 'degraded', now - HOUR),
      state('link', 'ban-ho-tslcd', 'ban-ho', 'degraded', now - HOUR),
      state('site', 'den-sang', 'den-sang', 'up', now - 5 * HOUR),
      state('link', 'den-sang-vnpt', 'den-sang', 'up', now - 5 * HOUR),
    ]);
    const round = (link: string, site: string, target: string, up: boolean) =>
      point('icmp', now - 10_000, { site, link, target }, { up: up ? 1 : 0, sent: 5, received: up ? 5 : 0, loss_pct: up ? 0 : 100, ...(up ? { rtt_avg_ms: 24.5 } : {}) });
    await write('raw', [round('ta-van-vnpt', 'ta-van', '127.0.0.3', true), round('nam-xe-vnpt', 'nam-xe', '127.0.0.4', false), round('ban-ho-tslcd', 'ban-ho', '127.0.0.5', true), round('den-sang-vnpt', 'den-sang', '127.0.0.6', true)]);
    server = await startApiServer({ config, logger: quietLogger, listen: '127.0.0.1:0', webRoot: join(dir, 'dist') });
    await server.live.refresh();
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('request', (request) => {
      if (!request.url().startsWith(server.url)) outside.push(request.url());
    });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await rm(dir, { recursive: true, force: true });
    await influxQuery(config.influx, `DROP DATABASE "${DATABASE}"`).catch(() => undefined);
  });

  it('lists the sites worst first, each state with its icon and Vietnamese label', async () => {
    const response = await page.goto(server.url);
    expect(response?.headers()['content-security-policy']).toContain("default-src 'self'");
    await page.locator('li[data-site]').first().waitFor();
    // Down, degraded, then the up ones by Vietnamese name: "Dền Sáng" before "Tả Van".
    expect(await siteOrder()).toEqual(['nam-xe', 'ban-ho', 'den-sang', 'ta-van']);
    const down = page.locator('li[data-site="nam-xe"] .site');
    await expect.poll(() => down.textContent()).toContain('Mất kết nối');
    expect(await down.textContent()).toContain('✕');
    expect(await down.textContent()).toMatch(/12 phút/);
    expect(await page.locator('li[data-link="ta-van-vnpt"]').textContent()).toContain('24,5\u00a0ms');
    await page.screenshot({ path: join(ARTIFACTS, 'overview-vi.png'), fullPage: true });
  });

  it('finds a commune typed without diacritics, and filters by state', async () => {
    await page.getByRole('searchbox').fill('nam xe');
    await expect.poll(siteOrder).toEqual(['nam-xe']);
    await page.getByRole('searchbox').fill('');
    await page.locator('button[data-filter="up"]').click();
    await expect.poll(siteOrder).toEqual(['den-sang', 'ta-van']);
    await page.locator('button[data-filter="up"]').click();
    await expect.poll(siteOrder).toHaveLength(4);
  });

  it('switches to English and remembers it across a reload', async () => {
    await page.locator('select').selectOption('en');
    await expect.poll(() => page.locator('li[data-site="nam-xe"] .site').textContent()).toContain('Down');
    await page.reload();
    await expect.poll(() => page.locator('li[data-site="ban-ho"] .site').textContent()).toContain('Degraded');
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    await page.screenshot({ path: join(ARTIFACTS, 'overview-en.png'), fullPage: true });
    await page.locator('select').selectOption('vi');
  });

  it('turns a site down when the event stream says so, without a reload', async () => {
    await page.locator('li[data-site="ta-van"][data-state="up"]').waitFor();
    await write('events', [state('site', 'ta-van', 'ta-van', 'down', Date.now()), state('link', 'ta-van-vnpt', 'ta-van', 'down', Date.now())]);
    await server.live.refresh();
    await page.locator('li[data-site="ta-van"][data-state="down"]').waitFor({ timeout: 10_000 });
    expect((await siteOrder()).slice(0, 2).sort()).toEqual(['nam-xe', 'ta-van']);
  });

  it('sent no request off this machine', () => {
    expect(outside).toEqual([]);
  });

  it('answers page paths with the app and keeps the API’s answers JSON', async () => {
    const pagePath = await fetch(`${server.url}/links/nam-xe-vnpt?kiosk`, { headers: { Accept: 'text/html' } });
    expect(pagePath.status).toBe(200);
    expect(await pagePath.text()).toContain('<lw-app>');
    const missing = await fetch(`${server.url}/api/v1/nothing-here`, { headers: { Accept: 'text/html' } });
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe('not-found');
    expect((await fetch(`${server.url}/healthz`, { headers: { Accept: 'text/html' } })).headers.get('content-type')).toContain('application/json');
    expect((await fetch(`${server.url}/assets/none.js`)).status).toBe(404);
  });
});
