import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiServer, type ApiServer } from '../../../api/server.ts';
import { influxQuery } from '../../../store/influx.ts';
import { ensureRetention } from '../../../store/retention.ts';
import { point, type Point } from '../../../store/schema.ts';
import { quietLogger, testConfig } from '../../helpers/api.ts';
import { ARTIFACTS, buildDashboard, entityState, launchChromium, writePoints } from '../../helpers/web.ts';

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
  - {id: ta-van, name: Xã Tả Van, kind: commune, parent: ban-ho, location: {lat: 22.29, lon: 103.89}}
  - {id: nam-xe, name: Xã Nậm Xé, kind: commune, parent: ban-ho, location: {lat: 22.05, lon: 104.03}}
  - {id: ban-ho, name: Xã Bản Hồ, kind: commune, location: {lat: 22.24, lon: 103.98}}
  - {id: den-sang, name: Xã Dền Sáng, kind: commune}
links:
  - {id: ta-van-vnpt, site: ta-van, kind: internet, provider: VNPT, targets: [127.0.0.3]}
  - {id: nam-xe-vnpt, site: nam-xe, kind: internet, provider: VNPT, targets: [127.0.0.4]}
  - {id: ban-ho-tslcd, site: ban-ho, kind: tslcd, provider: VNPT, targets: [127.0.0.5]}
  - {id: ban-ho-vnpt, site: ban-ho, kind: internet, provider: VNPT, targets: [127.0.0.7]}
  - {id: den-sang-vnpt, site: den-sang, kind: internet, provider: Viettel, targets: [127.0.0.6]}
`);
const STRIP_BUCKET = 30 * 60_000;

const write = (policy: 'raw' | 'events', points: Point[]) => writePoints(config.influx, policy, points);
const state = entityState;

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
      state('link', 'ban-ho-vnpt', 'ban-ho', 'up', now - 5 * HOUR),
      state('site', 'den-sang', 'den-sang', 'up', now - 5 * HOUR),
      state('link', 'den-sang-vnpt', 'den-sang', 'down', now - 7 * HOUR),
      state('link', 'den-sang-vnpt', 'den-sang', 'up', now - 7 * HOUR + 10 * 60_000),
    ]);
    const round = (link: string, site: string, target: string, up: boolean) =>
      point('icmp', now - 10_000, { site, link, target }, { up: up ? 1 : 0, sent: 5, received: up ? 5 : 0, loss_pct: up ? 0 : 100, ...(up ? { rtt_avg_ms: 24.5 } : {}) });
    await write('raw', [round('ta-van-vnpt', 'ta-van', '127.0.0.3', true), round('nam-xe-vnpt', 'nam-xe', '127.0.0.4', false), round('ban-ho-tslcd', 'ban-ho', '127.0.0.5', true), round('ban-ho-vnpt', 'ban-ho', '127.0.0.7', true), round('den-sang-vnpt', 'den-sang', '127.0.0.6', true)]);
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
    // A row's own text carries its state (the tile renders in the list's DOM, not a shadow of its own).
    expect(await page.locator('li[data-site="nam-xe"]').textContent()).toContain('Mất kết nối');
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

  it('shows the written down period in the right bucket of the 24-hour strip', async () => {
    const strip = page.locator('lw-state-strip[data-strip="den-sang-vnpt"] .cell');
    await expect.poll(() => strip.count()).toBe(48);
    const cells = await strip.evaluateAll((items) => items.map((item) => ({ state: item.getAttribute('data-state'), start: Number(item.getAttribute('data-start')) })));
    const downAt = now - 7 * HOUR;
    const expected = cells.findIndex((cell) => cell.start <= downAt && downAt < cell.start + STRIP_BUCKET);
    expect(expected).toBeGreaterThan(0);
    expect(cells.filter((cell) => cell.state === 'down').map((cell) => cells.indexOf(cell))).toEqual(cells[expected]!.start + STRIP_BUCKET - downAt < 10 * 60_000 ? [expected, expected + 1] : [expected]);
    // Before its first change the link was up (the change's `previous`), after it up again.
    expect(cells[0]!.state).toBe('up');
    expect(cells.at(-1)!.state).toBe('up');
    // Nam Xé went down 12 minutes ago from up: its last bucket is down, its first up.
    const namXe = await page.locator('lw-state-strip[data-strip="nam-xe-vnpt"] .cell').evaluateAll((items) => items.map((item) => item.getAttribute('data-state')));
    expect(namXe.at(-1)).toBe('down');
    expect(namXe[0]).toBe('up');
    expect(await page.locator('lw-state-strip[data-strip="den-sang-vnpt"] .cell[data-state="down"]').first().getAttribute('data-pattern')).toBe('crossed');
    expect(await page.locator('li[data-link="den-sang-vnpt"] a').getAttribute('href')).toBe('#/links/den-sang-vnpt');
    // Bản Hồ has two links: its own strip is drawn above theirs, its last bucket as degraded as the site.
    const siteStrip = page.locator('lw-state-strip[data-site-strip="ban-ho"] .cell');
    await expect.poll(() => siteStrip.count()).toBe(48);
    expect(await siteStrip.last().getAttribute('data-state')).toBe('degraded');
    expect(await page.locator('lw-state-strip[data-site-strip]').count(), 'sites with one link have only the link strip').toBe(1);
    await page.screenshot({ path: join(ARTIFACTS, 'overview.png'), fullPage: true });
  });

  it('filters by link kind and by provider, combined with the state', async () => {
    await page.locator('button[data-kind-filter="tslcd"]').click();
    await expect.poll(siteOrder).toEqual(['ban-ho']);
    await page.locator('button[data-kind-filter="tslcd"]').click();
    await page.locator('button[data-provider-filter="Viettel"]').click();
    await expect.poll(siteOrder).toEqual(['den-sang']);
    await page.locator('button[data-provider-filter="VNPT"]').click();
    await expect.poll(siteOrder).toHaveLength(4);
    await page.locator('button[data-provider-filter="Viettel"]').click();
    await page.locator('button[data-filter="down"]').click();
    await expect.poll(siteOrder).toEqual(['nam-xe', 'ta-van']);
    await page.locator('button[data-filter="down"]').click();
    await page.locator('button[data-provider-filter="VNPT"]').click();
    await expect.poll(siteOrder).toHaveLength(4);
  });

  it('draws the map: one shape per site with its state, parents joined, unplaced sites below', async () => {
    await page.locator('button[data-view="map"]').click();
    const shapes = page.locator('g[data-map-site]');
    await expect.poll(() => shapes.count()).toBe(4);
    const states = Object.fromEntries(await shapes.evaluateAll((items) => items.map((item) => [item.getAttribute('data-map-site'), `${item.getAttribute('data-state')}/${item.getAttribute('data-placed')}`])));
    expect(states).toEqual({ 'nam-xe': 'down/yes', 'ta-van': 'down/yes', 'ban-ho': 'degraded/yes', 'den-sang': 'up/no' });
    const lines = await page.locator('line[data-from]').evaluateAll((items) => items.map((item) => `${item.getAttribute('data-from')}>${item.getAttribute('data-to')}`).sort());
    expect(lines).toEqual(['nam-xe>ban-ho', 'ta-van>ban-ho']);
    expect(await page.locator('g[data-map-site="nam-xe"] title').textContent()).toContain('Mất kết nối');
    // North is up: Tả Van (22.29°) above Nậm Xé (22.05°).
    const y = (id: string) => page.locator(`g[data-map-site="${id}"] text`).getAttribute('y').then(Number);
    expect(await y('ta-van')).toBeLessThan(await y('nam-xe'));
    await page.screenshot({ path: join(ARTIFACTS, 'overview-map.png'), fullPage: true });
    await page.locator('button[data-view="list"]').click();
    await expect.poll(siteOrder).toHaveLength(4);
  });

  it('stays readable 360 px wide: nothing of the overview wider than the screen', async () => {
    await page.setViewportSize({ width: 360, height: 800 });
    await page.locator('li[data-site="nam-xe"] lw-site-tile').waitFor();
    const widest = await page.evaluate(`(() => {
      const overview = document.querySelector('lw-app').shadowRoot.querySelector('lw-overview');
      const walk = (root) => [...root.querySelectorAll('*')].flatMap((el) => [el, ...(el.shadowRoot ? walk(el.shadowRoot) : [])]);
      return Math.max(...walk(overview.shadowRoot).map((el) => el.getBoundingClientRect().right));
    })()`);
    expect(widest).toBeLessThanOrEqual(360);
    await page.screenshot({ path: join(ARTIFACTS, 'overview-360.png'), fullPage: true });
    await page.setViewportSize({ width: 1280, height: 900 });
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

describe('the overview at province scale (120 sites)', () => {
  const MANY = 120;
  const database = `${DATABASE}_many`;
  const ids = Array.from({ length: MANY }, (_, i) => `xa-${String(i + 1).padStart(3, '0')}`);
  const manyConfig = testConfig(`
influx: {url: "${URL}", database: ${database}}
api: {anonymousRead: true, statusRefresh: 1h}
sites:
${ids.map((id, i) => `  - {id: ${id}, name: Xã Số ${i + 1}, kind: commune${i > 0 ? `, parent: ${ids[Math.floor(i / 10) * 10 === i ? 0 : Math.floor(i / 10) * 10]}` : ''}}`).join('\n')}
links:
${ids.map((id, i) => `  - {id: ${id}-net, site: ${id}, kind: ${i % 3 === 0 ? 'tslcd' : 'internet'}, provider: ${i % 2 === 0 ? 'VNPT' : 'Viettel'}, targets: [127.0.10.${i + 1}]}`).join('\n')}
`);
  let dir = '';
  let server: ApiServer;
  let browser: Browser;
  let page: Page;
  const now = Date.now();
  // Every seventh site down, every eleventh degraded, the rest up.
  const stateOf = (i: number) => (i % 7 === 0 ? 'down' : i % 11 === 0 ? 'degraded' : 'up');

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lw-web-many-'));
    await buildDashboard(join(dir, 'dist'));
    await ensureRetention({ settings: manyConfig.influx });
    const points = ids.flatMap((id, i) => [entityState('site', id, id, stateOf(i), now - HOUR), entityState('link', `${id}-net`, id, stateOf(i), now - HOUR)]);
    const rounds = ids.map((id, i) => point('icmp', now - 10_000, { site: id, link: `${id}-net`, target: `127.0.10.${i + 1}` }, { up: 1, sent: 5, received: 5, loss_pct: 0, rtt_avg_ms: 20 + (i % 9) }));
    await writePoints(manyConfig.influx, 'events', points);
    await writePoints(manyConfig.influx, 'raw', rounds);
    server = await startApiServer({ config: manyConfig, logger: quietLogger, listen: '127.0.0.1:0', webRoot: join(dir, 'dist') });
    await server.live.refresh();
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await rm(dir, { recursive: true, force: true });
    await influxQuery(manyConfig.influx, `DROP DATABASE "${database}"`).catch(() => undefined);
  });

  const shownSites = () => page.locator('li[data-site]').evaluateAll((items) => items.map((item) => item.getAttribute('data-site')));
  const downCount = ids.filter((_, i) => stateOf(i) === 'down').length;

  it('turns to compact squares by itself past 60 sites, worst first, with fewer rows in the page than sites', async () => {
    await page.goto(server.url);
    await page.locator('li[data-site][data-compact]').first().waitFor();
    expect(await page.locator('ol').getAttribute('data-compact')).toBe('yes');
    const first = await page.locator('li[data-site]').evaluateAll((items) => items.slice(0, 18).map((item) => item.getAttribute('data-state')));
    expect(first.slice(0, downCount)).toEqual(Array(downCount).fill('down'));
    expect(await page.locator('li[data-site="xa-001"] a').getAttribute('aria-label')).toContain('Mất kết nối');
    // Squares are laid out in rows of the list's width: a few rows hold every site.
    expect(await page.locator('li[data-site][data-compact]').count()).toBe(MANY);
    const squareRows = await page.locator('li.square-row').count();
    expect(squareRows).toBeGreaterThan(1);
    expect(squareRows).toBeLessThan(MANY / 10);
    await page.screenshot({ path: join(ARTIFACTS, 'overview-compact.png'), fullPage: true });
  });

  it('draws only the tiles on screen, and others as the page scrolls', async () => {
    await page.locator('button[data-density="tiles"]').click();
    await page.locator('li[data-site] lw-site-tile').first().waitFor();
    const before = await shownSites();
    expect(before.length).toBeGreaterThan(5);
    expect(before.length).toBeLessThan(MANY);
    expect(before[0]).toBe('xa-001');
    await page.evaluate('window.scrollTo(0, document.documentElement.scrollHeight)');
    await expect.poll(async () => (await shownSites()).includes(before[0]!)).toBe(false);
    const after = await shownSites();
    expect(after.length).toBeLessThan(MANY);
    // Up sites last, by name with numbers compared as numbers: the highest-numbered up site ends the list.
    expect(after.at(-1)).toBe(ids.filter((_, i) => stateOf(i) === 'up').at(-1));
    await page.evaluate('window.scrollTo(0, 0)');
  });

  it('groups by state and by parent site', async () => {
    await page.locator('button[data-density="compact"]').click();
    await page.locator('button[data-group-by="state"]').click();
    const headings = page.locator('h3[data-group]');
    await expect.poll(() => headings.evaluateAll((items) => items.map((item) => item.getAttribute('data-group')))).toEqual(['down', 'degraded', 'up']);
    expect(await headings.first().textContent()).toContain(`· ${downCount}`);
    await page.locator('button[data-group-by="parent"]').click();
    await expect.poll(() => headings.count()).toBeGreaterThan(2);
    await page.locator('button[data-group-by="none"]').click();
  });
});
