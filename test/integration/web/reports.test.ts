import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiServer, type ApiServer } from '../../../api/server.ts';
import { parsePeriod, previousMonth } from '../../../model/report-period.ts';
import { toLine } from '../../../store/line-protocol.ts';
import { influxQuery } from '../../../store/influx.ts';
import { ensureRetention } from '../../../store/retention.ts';
import { point, type Point } from '../../../store/schema.ts';
import { quietLogger, testConfig } from '../../helpers/api.ts';
import { ARTIFACTS, buildDashboard, entityState, launchChromium, writePoints } from '../../helpers/web.ts';

// The Reports page in Chromium over the real API and InfluxDB: last month's summary with its
// scorecard and the sites missing each line in words, download links for each format, a CSV
// fetched as the browser would save it (BOM first, digest last), a reversed custom range refused
// with no links, the API's refusal shown in words, English labels, and a 360 px dark screen.

const URL = process.env.LINKWATCH_TEST_INFLUX_URL ?? 'http://127.0.0.1:8086';
const DATABASE = `lw_web_reports_${process.pid}`;
const ZONE = 'Asia/Ho_Chi_Minh';
const MIN = 60_000;
const BUCKET = 5 * MIN;

const config = testConfig(`
influx: {url: "${URL}", database: ${DATABASE}}
api: {anonymousRead: true, statusRefresh: 1h}
sites:
  - {id: ta-van, name: Xã Tả Van, kind: commune}
  - {id: nam-xe, name: Xã Nậm Xé, kind: commune}
  - {id: ban-ho, name: Xã Bản Hồ, kind: commune}
links:
  - {id: ta-van-vnpt, site: ta-van, kind: internet, provider: VNPT, capacity: {downMbps: 200, upMbps: 50}, targets: [127.0.0.3]}
  - {id: ta-van-lan, site: ta-van, kind: lan, targets: [127.0.0.6]}
  - {id: ta-van-tslcd, site: ta-van, kind: tslcd, provider: VNPT, targets: [127.0.0.7]}
  - {id: nam-xe-vnpt, site: nam-xe, kind: internet, provider: VNPT, capacity: {downMbps: 10, upMbps: 5}, targets: [127.0.0.4]}
  - {id: ban-ho-viettel, site: ban-ho, kind: internet, name: Viettel Bản Hồ, provider: Viettel, capacity: {downMbps: 20, upMbps: 10}, targets: [127.0.0.5]}
`);

/** The 5-minute rollups the collector leaves; writePoints covers only raw and events. */
async function writeRollups(points: readonly Point[]) {
  for (let i = 0; i < points.length; i += 5_000) {
    const response = await fetch(`${URL}/write?db=${DATABASE}&rp=rollup_5m&precision=ms`, { method: 'POST', body: points.slice(i, i + 5_000).map((p) => toLine(p)).join('\n') });
    if (response.status !== 204) throw new Error(`write rollup_5m: ${response.status} ${await response.text()}`);
  }
}

describe('the Reports page in Chromium', () => {
  let dir = '';
  let server: ApiServer | undefined;
  let browser: Browser;
  let page: Page;
  // The month before this one in Hà Nội: complete, so the report of it is not partial.
  const month = previousMonth(Date.now(), ZONE);
  const parsed = parsePeriod(month, ZONE);
  if (!parsed.ok) throw new Error(parsed.message);
  const period = parsed.period;
  const day = (n: number) => `${month}-${String(n).padStart(2, '0')}`;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lw-web-reports-'));
    await buildDashboard(join(dir, 'dist'));
    await ensureRetention({ settings: config.influx });
    const before = period.startMs - 86_400_000;
    await writePoints(config.influx, 'events', [
      ...config.links.map((link) => entityState('link', link.id, link.site, 'up', before)),
      ...config.sites.map((site) => entityState('site', site.id, site.id, 'up', before)),
      // Bản Hồ: one 45-minute outage on the 10th, still above the 99 % target over the month.
      point('outage', period.startMs + 9 * 1_440 * MIN, { site: 'ban-ho', entity_kind: 'link', entity: 'ban-ho-viettel', kind: 'outage' }, { open: 0, end_ms: period.startMs + (9 * 1_440 + 45) * MIN, duration_s: 45 * 60, rounds: 90, cause: 'no-reply', maintenance: 0 }),
    ]);
    // Every link measured all month except Nậm Xé's, which has no data at all.
    const measured = [
      ['ta-van-vnpt', 'ta-van', '127.0.0.3'],
      ['ta-van-lan', 'ta-van', '127.0.0.6'],
      ['ta-van-tslcd', 'ta-van', '127.0.0.7'],
      ['ban-ho-viettel', 'ban-ho', '127.0.0.5'],
    ] as const;
    const rollups: Point[] = [];
    for (let t = period.startMs; t < period.endMs; t += BUCKET) {
      for (const [link, site, target] of measured) rollups.push(point('icmp', t, { site, link, target }, { up_mean: 1, rtt_avg_ms_mean: 20, loss_pct_mean: 0 } as never));
      // Bản Hồ downloads 18 Mbit/s of its 20: past the 80 % upgrade threshold.
      rollups.push(point('interface_traffic', t, { site: 'ban-ho', device: 'ban-ho-router', interface: 'wan0', link: 'ban-ho-viettel' }, { in_bps_mean: 18e6, in_bps_max: 19e6, out_bps_mean: 1e6, out_bps_max: 2e6 } as never));
    }
    await writeRollups(rollups);
    server = await startApiServer({ config, logger: quietLogger, listen: '127.0.0.1:0', webRoot: join(dir, 'dist') });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await rm(dir, { recursive: true, force: true });
    await influxQuery(config.influx, `DROP DATABASE "${DATABASE}"`).catch(() => undefined);
  });

  it('previews last month: the scorecard, the sites missing each line in words, upgrades, outages, digest', async () => {
    await page.goto(`${server!.url}/#/reports`);
    await page.getByRole('heading', { name: 'Báo cáo hạ tầng mạng' }).waitFor();
    expect(await page.locator('nav a[data-nav="reports"]').getAttribute('aria-current')).toBe('page');
    await page.getByLabel('Tháng', { exact: true }).check();
    await page.getByLabel('Kỳ báo cáo').selectOption(month);

    const href = (format: string) => page.locator(`a[data-format="${format}"]`).getAttribute('href');
    expect(await href('pdf')).toBe(`/api/v1/reports?period=${month}&format=pdf&lang=vi`);
    expect(await href('csv')).toBe(`/api/v1/reports?period=${month}&format=csv&lang=vi`);
    expect(await page.locator('a[data-format]').evaluateAll((links) => links.map((link) => link.hasAttribute('download')))).toEqual([true, true, true, true]);

    await page.getByRole('button', { name: 'Xem trước' }).click();
    const preview = page.locator('section.preview');
    await preview.waitFor({ timeout: 30_000 });
    expect(await preview.getAttribute('data-period')).toBe(month);
    const count = (line: string) => preview.locator(`[data-line="${line}"] [data-count]`).textContent();
    expect(await count('lanAndInternet')).toBe('1/3');
    expect(await count('highSpeed')).toBe('1/3');
    expect(await count('tslcd')).toBe('1/3');
    expect(await count('availabilityTarget')).toBe('2/3');
    const text = await preview.textContent();
    expect(text).toContain('Xã Nậm Xé — không có mạng LAN được giám sát');
    expect(text).toContain('Xã Bản Hồ — dưới ngưỡng tốc độ cao');
    expect(text).toContain('Xã Nậm Xé — không có dữ liệu');
    expect(await preview.locator('[data-upgrades]').textContent()).toContain('Viettel Bản Hồ — Xã Bản Hồ (Viettel)');
    expect(await preview.locator('[data-outages]').getAttribute('data-outages')).toBe('1');
    expect(await preview.locator('[data-partial]').count()).toBe(0);
    expect(await preview.locator('[data-digest]').textContent()).toMatch(/^sha256:[0-9a-f]{64}$/);
    await page.screenshot({ path: join(ARTIFACTS, 'reports.png'), fullPage: true });
  });

  it('serves the CSV link as Excel needs it: the UTF-8 BOM first, the digest row last', async () => {
    const csvHref = (await page.locator('a[data-format="csv"]').getAttribute('href'))!;
    const answer = await page.evaluate(async (url) => {
      const response = await fetch(url);
      const bytes = new Uint8Array(await response.arrayBuffer());
      return { status: response.status, disposition: response.headers.get('content-disposition'), digest: response.headers.get('x-linkwatch-digest'), head: [...bytes.subarray(0, 3)], text: new TextDecoder().decode(bytes) };
    }, csvHref);
    expect(answer.status).toBe(200);
    expect(answer.disposition).toBe(`attachment; filename="linkwatch-${month}.csv"`);
    expect(answer.head).toEqual([0xef, 0xbb, 0xbf]);
    const lines = answer.text.split('\r\n').filter((line) => line !== '');
    expect(lines.at(-1)).toMatch(/^SHA-256,sha256:[0-9a-f]{64}$/);
    expect(lines.at(-1)).toBe(`SHA-256,${answer.digest}`);
    expect(answer.text).toContain('Xã Tả Van');
  });

  it('refuses a custom range whose last day is before its first, with no links', async () => {
    await page.getByLabel('Các ngày tuỳ chọn').check();
    await page.getByLabel('Từ ngày').fill(day(15));
    await page.getByLabel('Đến hết ngày').fill(day(10));
    await expect.poll(() => page.locator('[data-problem]').getAttribute('data-problem')).toBe('reversed');
    expect(await page.getByRole('alert').textContent()).toContain('Ngày cuối phải trùng hoặc sau ngày đầu.');
    expect(await page.locator('a[data-format]').count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Xem trước' }).isDisabled()).toBe(true);

    await page.getByLabel('Đến hết ngày').fill(day(20));
    await expect.poll(() => page.locator('a[data-format="csv"]').getAttribute('href')).toBe(`/api/v1/reports?period=${day(15)}..${day(20)}&format=csv&lang=vi`);
    expect(await page.locator('[data-problem]').count()).toBe(0);
  });

  it('changes its labels, and the report language it follows, when the page turns English', async () => {
    // The header's switch: its label's name includes the language selected, so found by place.
    const pageLanguage = page.locator('header select');
    await pageLanguage.selectOption('en');
    await page.getByRole('heading', { name: 'Network infrastructure reports' }).waitFor();
    expect(await page.getByRole('button', { name: 'Preview' }).count()).toBe(1);
    expect(await page.getByLabel('First day').inputValue()).toBe(day(15));
    expect(await page.locator('a[data-format="pdf"]').textContent()).toContain('PDF (to print, hand in)');
    expect(await page.locator('a[data-format="pdf"]').getAttribute('href')).toBe(`/api/v1/reports?period=${day(15)}..${day(20)}&format=pdf&lang=en`);
    // Chosen apart from the page's language, the report's stays put.
    await page.getByLabel('Language of the report').selectOption('vi');
    await pageLanguage.selectOption('vi');
    await pageLanguage.selectOption('en');
    expect(await page.locator('a[data-format="pdf"]').getAttribute('href')).toContain('&lang=vi');
  });

  it('says in words why the API refused, and fits 360 px in the dark theme', async () => {
    const narrow = await browser.newPage({ viewport: { width: 360, height: 780 }, colorScheme: 'dark' });
    await narrow.route('**/api/v1/reports?*format=json*', (route) =>
      route.fulfill({ status: 400, contentType: 'application/json', body: JSON.stringify({ error: { code: 'invalid-parameter', message: 'query.period: 2099-01 has not begun yet' } }) }),
    );
    await narrow.goto(`${server!.url}/#/reports`);
    await narrow.getByRole('button', { name: 'Xem trước' }).click();
    await expect.poll(() => narrow.locator('[data-preview="failed"]').textContent()).toBe('Không lập được báo cáo: query.period: 2099-01 has not begun yet');
    expect(await narrow.locator('[data-preview="failed"]').getAttribute('role')).toBe('alert');

    await narrow.unroute('**/api/v1/reports?*format=json*');
    await narrow.getByRole('button', { name: 'Xem trước' }).click();
    await narrow.locator('section.preview').waitFor({ timeout: 30_000 });
    expect(await narrow.locator('html').getAttribute('data-theme')).toBe('dark');
    // A string, since the tests' tsconfig has no DOM types.
    expect(await narrow.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(360);
    await narrow.screenshot({ path: join(ARTIFACTS, 'reports-360-dark.png'), fullPage: true });
    await narrow.close();
  });
});
