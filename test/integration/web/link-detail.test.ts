import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiServer, type ApiServer } from '../../../api/server.ts';
import { influxQuery } from '../../../store/influx.ts';
import { ensureRetention } from '../../../store/retention.ts';
import { point, type Point } from '../../../store/schema.ts';
import { createFormatter } from '../../../web/lib/format.ts';
import { quietLogger, testConfig } from '../../helpers/api.ts';
import { ARTIFACTS, buildDashboard, launchChromium, writePoints } from '../../helpers/web.ts';

// The link detail view over known points: traffic mirrored with its 95th percentile and gaps,
// the Smokeping median and loss, a preset changing the range asked for, the 90-day strip with
// the outage day hatched and told in words, and the outage list. Asserts on the data handed to
// uPlot (the charts' `chartData`), not on pixels.

const URL = process.env.LINKWATCH_TEST_INFLUX_URL ?? 'http://127.0.0.1:8086';
const DATABASE = `lw_web_${process.pid}_detail`;
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 86_400_000;
const LINK = 'nam-xe-vnpt';
const TAGS = { site: 'nam-xe', device: 'nam-xe-router', interface: 'WAN1', link: LINK };

const config = testConfig(`
influx: {url: "${URL}", database: ${DATABASE}}
api: {anonymousRead: true, statusRefresh: 1h}
collector: {snmp: {interval: 1m}, icmp: {interval: 30s}}
sites:
  - {id: nam-xe, name: Xã Nậm Xé, kind: commune}
devices:
  - {id: nam-xe-router, site: nam-xe, role: router, address: 127.0.0.2, snmp: {credentials: {version: 2c, community: public}}}
links:
  - {id: ${LINK}, site: nam-xe, kind: internet, provider: VNPT, device: nam-xe-router, interface: WAN1, targets: [127.0.0.3], capacity: {downMbps: 100, upMbps: 50}}
`);

const write = (policy: 'raw' | 'events' | 'rollup_5m', points: Point[]) => writePoints(config.influx, policy, points);

describe('the link detail view in Chromium', () => {
  let dir = '';
  let server: ApiServer;
  let browser: Browser;
  let page: Page;
  const now = Date.now();
  const t0 = Math.floor((now - 60 * MINUTE) / MINUTE) * MINUTE;
  // Noon (Vietnam time) five days ago: an outage at "now minus five days" would cross local
  // midnight when the test runs just before it, and be split over two days of the strip.
  const VIETNAM_MS = 7 * HOUR;
  const outageStart = Math.floor((now + VIETNAM_MS) / DAY) * DAY - VIETNAM_MS - 5 * DAY + 12 * HOUR;
  const outageMs = 595_000;
  // Traffic every minute for 21 minutes, the 11th missing: In (i+1) Mbps, Out half of it.
  const minutes = Array.from({ length: 21 }, (_, i) => i).filter((i) => i !== 10);

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lw-detail-'));
    await buildDashboard(join(dir, 'dist'));
    await ensureRetention({ settings: config.influx });
    await write('raw', [
      ...minutes.map((i) => point('interface_traffic', t0 + i * MINUTE, TAGS, { in_bps: (i + 1) * 1e6, out_bps: (i + 1) * 0.5e6, interval_s: 60 })),
      ...Array.from({ length: 6 }, (_, i) =>
        point('icmp', t0 + i * 30_000, { site: 'nam-xe', link: LINK, target: '127.0.0.3' }, {
          up: 1, sent: 5, received: i === 3 ? 3 : 5, loss_pct: i === 3 ? 40 : 0,
          rtt_min_ms: 10, rtt_avg_ms: 20, rtt_max_ms: 40, rtt_q1_ms: 15, rtt_median_ms: 18 + i, rtt_q3_ms: 25,
        }),
      ),
    ]);
    // The collector's rounds around the outage, rolled up: down needs evidence, and time without
    // any round is unknown, not down.
    const bucket = 5 * MINUTE;
    const first = Math.floor((outageStart - 6 * HOUR) / bucket) * bucket;
    await write(
      'rollup_5m',
      Array.from({ length: (12 * HOUR) / bucket }, (_, i) => first + i * bucket).map((at) =>
        point('icmp', at, { site: 'nam-xe', link: LINK, target: '127.0.0.3' }, { up_mean: at + bucket > outageStart && at < outageStart + outageMs ? 0 : 1 } as never),
      ),
    );
    const outageTags = { site: 'nam-xe', entity_kind: 'link', entity: LINK, kind: 'outage' };
    await write('events', [
      // Monitored since six days ago, as the engine records it: up, down for the outage, up again.
      point('entity_state', now - 6 * DAY, { site: 'nam-xe', entity_kind: 'link', entity: LINK }, { state: 'up', previous: 'unknown', since_ms: now - 6 * DAY, flapping: 0 }),
      point('entity_state', outageStart, { site: 'nam-xe', entity_kind: 'link', entity: LINK }, { state: 'down', previous: 'up', since_ms: outageStart, flapping: 0 }),
      point('entity_state', outageStart + outageMs, { site: 'nam-xe', entity_kind: 'link', entity: LINK }, { state: 'up', previous: 'down', since_ms: outageStart + outageMs, flapping: 0 }),
      point('entity_state', now - 2 * DAY, { site: 'nam-xe', entity_kind: 'link', entity: LINK }, { state: 'up', previous: 'down', since_ms: now - 2 * DAY, flapping: 0 }),
      point('outage', outageStart, outageTags, { open: 1, cause: 'no-reply', maintenance: 0 }),
      point('outage', outageStart, outageTags, { open: 0, end_ms: outageStart + outageMs, duration_s: outageMs / 1000, rounds: 20, cause: 'no-reply', maintenance: 0 }),
    ]);
    server = await startApiServer({ config, logger: quietLogger, listen: '127.0.0.1:0', webRoot: join(dir, 'dist') });
    await server.live.refresh();
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await rm(dir, { recursive: true, force: true });
    await influxQuery(config.influx, `DROP DATABASE "${DATABASE}"`).catch(() => undefined);
  });

  const trafficData = () => page.locator('lw-traffic-chart').evaluate((el) => (el as unknown as { chartData: (number | null)[][] }).chartData);
  const latencyData = () => page.locator('lw-latency-chart').evaluate((el) => (el as unknown as { chartData: (number | null)[][] }).chartData);

  it('shows the header and the traffic mirrored, with gaps and the 95th percentile', async () => {
    await page.goto(`${server.url}/#/links/${LINK}`);
    await page.locator('lw-traffic-chart').waitFor();
    await expect.poll(() => page.locator('[data-capacity]').textContent()).toContain('100');
    // The rounds written are an hour old: the status calls the link stale, shown as icon and words.
    expect(await page.locator('[data-link-state]').textContent()).toContain('? Không có dữ liệu');
    const data = await trafficData();
    const at = data[0]!.indexOf(t0 / 1000);
    expect(at, 'the first written minute is a bucket').toBeGreaterThanOrEqual(0);
    expect(data[1]![at]).toBe(1e6);
    expect(data[2]![at]).toBe(-0.5e6);
    expect(data[1]![at + 10], 'the missing minute stays a gap').toBeNull();
    expect(data[2]![at + 10]).toBeNull();
    expect(data[1]![at + 20]).toBe(21e6);
    // 20 known values 1..21 Mbps without 11: rank ⌈0.95 × 20⌉ = 19 → 20 Mbps.
    expect(data[5]![0]).toBe(20e6);
    expect(data[6]![0]).toBe(-10e6);
    expect(data[3]![0]).toBe(100e6);
    expect(data[4]![0]).toBe(-50e6);
    expect(await page.locator('[data-p95-in]').getAttribute('data-p95-in')).toBe(String(20e6));
  });

  it('draws the median and the loss as written', async () => {
    await page.locator('lw-latency-chart').waitFor();
    const data = await latencyData();
    const at = data[0]!.indexOf(t0 / 1000);
    expect(at).toBeGreaterThanOrEqual(0);
    expect(data.slice(1, 6).map((column) => column[at])).toEqual([10, 40, 15, 25, 18]);
    expect(data[5]!.slice(at, at + 6)).toEqual([18, 19, 20, 21, 22, 23]);
    const loss = data[data.length - 1]!;
    expect(loss.slice(at, at + 6)).toEqual([0, 0, 0, 40, 0, 0]);
    // The round with 40 % loss is in the ≤ 50 % step (the fifth step column).
    // Each step column also holds the next bucket, so the line stays joined across a change.
    expect(data[6 + 4]!.slice(at, at + 6)).toEqual([null, null, null, 21, 22, null]);
    expect(data[6]!.slice(at, at + 6)).toEqual([18, 19, 20, 21, 22, 23]);
  });

  it('asks for a longer range when a preset is chosen', async () => {
    const before = Number(await page.locator('lw-traffic-chart').getAttribute('data-from-ms'));
    expect(await page.locator('button[data-preset="3h"]').getAttribute('aria-pressed')).toBe('true');
    await page.locator('button[data-preset="30h"]').click();
    await expect.poll(async () => Number(await page.locator('lw-traffic-chart').getAttribute('data-from-ms'))).toBeLessThan(before - 26 * 3_600_000);
    expect(await page.locator('button[data-preset="30h"]').getAttribute('aria-pressed')).toBe('true');
    await page.locator('button[data-preset="3h"]').click();
  });

  it('zooms and goes back from the keyboard on a focused chart', async () => {
    const chart = page.locator('lw-traffic-chart');
    const range = async () => [Number(await chart.getAttribute('data-from-ms')), Number(await chart.getAttribute('data-to-ms'))] as const;
    await expect.poll(() => page.locator('button[data-preset="3h"]').getAttribute('aria-pressed')).toBe('true');
    const [fromMs, toMs] = await range();
    await chart.locator('.plot').focus();
    await page.keyboard.press('+');
    await page.locator('[data-zoomed]').waitFor();
    await expect.poll(async () => (await range())[0]).toBeGreaterThan(fromMs);
    const [zoomedFrom, zoomedTo] = await range();
    // The middle half of the 3 hours shown: 90 minutes, give or take the clock moving on.
    expect(Math.abs(zoomedTo - zoomedFrom - (toMs - fromMs) / 2)).toBeLessThan(60_000);
    await chart.locator('.plot').focus();
    await page.keyboard.press('Escape');
    await page.locator('[data-zoomed]').waitFor({ state: 'detached' });
    expect(await page.locator('button[data-preset="3h"]').getAttribute('aria-pressed')).toBe('true');
  });

  it('shows 90 days, the outage day hatched with its figures, and the outage row', async () => {
    const cells = page.locator('lw-day-strip [role="gridcell"]');
    await expect.poll(() => cells.count()).toBe(90);
    const format = createFormatter({ locale: 'vi' });
    const down = page.locator('lw-day-strip [role="gridcell"][data-kind="down"]');
    expect(await down.count()).toBe(1);
    const title = await down.getAttribute('title');
    expect(title).toContain(format.date(outageStart));
    expect(title).toContain('1 lần gián đoạn · 9 phút 55 giây');
    await down.focus();
    expect(await page.locator('lw-day-strip [data-tip]').textContent()).toContain('9 phút 55 giây');
    await page.keyboard.press('ArrowRight');
    expect(await page.locator('lw-day-strip [role="gridcell"][tabindex="0"]').getAttribute('data-kind')).not.toBe('down');
    const row = page.locator('lw-outage-list tr[data-outage]');
    expect(await row.count()).toBe(1);
    const text = await row.textContent();
    expect(text).toContain(format.dateTime(outageStart));
    expect(text).toContain('9 phút 55 giây');
    expect(text).toContain('Lỗi của đường truyền');
    await page.screenshot({ path: join(ARTIFACTS, 'link-detail.png'), fullPage: true });
  });
});
