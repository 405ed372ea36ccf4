import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../../api/auth/passwords.ts';
import { startApiServer, type ApiServer } from '../../../api/server.ts';
import { influxQuery } from '../../../store/influx.ts';
import { ensureRetention } from '../../../store/retention.ts';
import { point } from '../../../store/schema.ts';
import { quietLogger, testConfig } from '../../helpers/api.ts';
import { ARTIFACTS, buildDashboard, launchChromium, writePoints } from '../../helpers/web.ts';

// The alerts view in Chromium over the real API and InfluxDB, with the alert rows the engine
// writes for an upstream failure: one root-cause row with its consequences folded beneath it;
// an operator acknowledges with a comment and the API has it; a viewer sees no button and the
// API refuses the viewer's write; the filters change the rows.

const URL = process.env.LINKWATCH_TEST_INFLUX_URL ?? 'http://127.0.0.1:8086';
const DATABASE = `lw_web_alerts_${process.pid}`;
const PASSWORD = 'mật-khẩu-thử';
const MINUTE = 60_000;

describe('the alerts view in Chromium', () => {
  let dir = '';
  let server: ApiServer;
  let browser: Browser;
  const now = Date.now();
  const firing = (id: string, kind: string, severity: string, site: string, entity: string, startedMs: number, extra: Record<string, string> = {}) =>
    point('alert', startedMs, { alert_id: id, kind, severity, site }, { event: 'firing', entity_kind: kind === 'device-down' ? 'device' : 'link', entity, started_ms: startedMs, ...extra });

  const logIn = async (page: Page, name: string) => {
    await page.goto(server.url);
    await page.getByLabel('Tên đăng nhập').fill(name);
    await page.getByLabel('Mật khẩu').fill(PASSWORD);
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    await page.locator(`[data-user="${name}"]`).waitFor();
    await page.goto(`${server.url}/#/alerts`);
    await page.locator('tr[data-alert]').first().waitFor();
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lw-web-alerts-'));
    await buildDashboard(join(dir, 'dist'));
    const hash = await hashPassword(PASSWORD, { N: 2 ** 10, r: 8, p: 1 });
    const config = testConfig(`
influx: {url: "${URL}", database: ${DATABASE}}
api:
  statusRefresh: 1h
  users:
    - {name: hoa, role: operator, passwordHash: "${hash}"}
    - {name: minh, role: viewer, passwordHash: "${hash}"}
sites:
  - {id: district, name: Huyện, kind: district-centre}
  - {id: ta-van, name: Xã Tả Van, kind: commune, parent: district}
  - {id: nam-xe, name: Xã Nậm Xé, kind: commune, parent: district}
  - {id: ban-ho, name: Xã Bản Hồ, kind: commune}
devices:
  - {id: ta-van-ap, site: ta-van, role: access-point, address: 127.0.0.9}
links:
  - {id: district-tslcd, site: district, kind: tslcd, targets: [127.0.0.3]}
  - {id: ban-ho-vnpt, site: ban-ho, kind: internet, targets: [127.0.0.5]}
`);
    await ensureRetention({ settings: config.influx });
    await writePoints(config.influx, 'events', [
      firing('a-root', 'upstream-down', 'critical', 'district', 'district-tslcd', now - 20 * MINUTE, { affected: JSON.stringify(['ta-van', 'nam-xe']), summary: 'Mất tuyến TSLCD huyện' }),
      firing('a-ta-van-ap', 'device-down', 'warning', 'ta-van', 'ta-van-ap', now - 18 * MINUTE),
      firing('a-ban-ho', 'link-down', 'critical', 'ban-ho', 'ban-ho-vnpt', now - 5 * MINUTE),
    ]);
    server = await startApiServer({ config, logger: quietLogger, listen: '127.0.0.1:0', webRoot: join(dir, 'dist') });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await rm(dir, { recursive: true, force: true });
    await influxQuery({ url: URL, database: DATABASE }, `DROP DATABASE "${DATABASE}"`).catch(() => undefined);
  });

  const rowIds = (page: Page) => page.locator('tbody > tr[data-alert]:not(.consequence)').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-alert')));

  it('shows the root cause once with its consequences folded, and lets an operator acknowledge it', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await logIn(page, 'hoa');
    // Newest critical first; the access point's alert is folded under the root cause.
    expect(await rowIds(page)).toEqual(['a-ban-ho', 'a-root']);
    const fold = page.locator('tr[data-alert="a-root"] button.fold');
    expect(await fold.getAttribute('aria-expanded')).toBe('false');
    expect(await fold.getAttribute('data-folded')).toBe('3');
    expect(await page.locator('tr[data-consequence-of="a-root"]').count()).toBe(0);
    await fold.click();
    expect(await page.locator('tr[data-consequence-of="a-root"]').count()).toBe(2);
    expect(await page.locator('[data-affected-site]').evaluateAll((sites) => sites.map((site) => site.getAttribute('data-affected-site')))).toEqual(['ta-van', 'nam-xe']);
    await expect.poll(() => page.locator('[data-affected-site="nam-xe"]').textContent()).toBe('Xã Nậm Xé');
    expect(await page.locator('tr[data-consequence-of="a-root"][data-alert="a-ta-van-ap"]').textContent()).toContain('Thiết bị không phản hồi');
    expect(await page.locator('tr[data-alert="a-root"] .phase').textContent()).toContain('Đang xảy ra');
    expect(await page.locator('tr[data-alert="a-root"] .problem').textContent()).toContain('Nghiêm trọng');
    await page.screenshot({ path: join(ARTIFACTS, 'alerts.png'), fullPage: true });

    await page.locator('tr[data-alert="a-root"] button[data-action="acknowledge"]').click();
    await page.locator('tr[data-alert="a-root"] input[name="comment"]').fill('Đã báo VNPT, đang xử lý');
    await page.locator('tr[data-alert="a-root"] form.ack button[type="submit"]').click();
    await expect.poll(() => page.locator('tr[data-alert="a-root"] .phase').textContent()).toContain('Đã xác nhận');
    expect(await page.locator('tr[data-alert="a-root"] .ack').textContent()).toContain('Đã báo VNPT, đang xử lý');
    const stored = await page.evaluate(async () => (await (await fetch('/api/v1/alerts/a-root')).json()) as { acked: boolean; acknowledgement?: { by: string; comment?: string } });
    expect(stored).toMatchObject({ acked: true, acknowledgement: { by: 'hoa', comment: 'Đã báo VNPT, đang xử lý' } });

    // Unacknowledged only: the acknowledged root cause leaves the table, its consequence comes back up.
    await page.locator('input[data-filter="unacknowledged"]').check();
    await expect.poll(() => rowIds(page)).toEqual(['a-ban-ho', 'a-ta-van-ap']);
    await page.locator('input[data-filter="unacknowledged"]').uncheck();
    await page.locator('select[data-filter="severity"]').selectOption('warning');
    await expect.poll(() => rowIds(page)).toEqual(['a-ta-van-ap']);

    // A maintenance window for a commune, from the form, listed and then ended early.
    await page.locator('form[data-form="maintenance"] input[name="target"]').fill('ban-ho');
    await page.locator('form[data-form="maintenance"] input[name="comment"]').fill('Thay UPS');
    await page.locator('form[data-form="maintenance"] button[type="submit"]').click();
    const listed = page.locator('li[data-window]', { hasText: 'Thay UPS' });
    await listed.waitFor();
    expect(await listed.textContent()).toContain('ban-ho');
    const windows = await page.evaluate(async () => ((await (await fetch('/api/v1/maintenance')).json()) as { windows: { comment?: string; by?: string; active: boolean }[] }).windows);
    expect(windows).toEqual([expect.objectContaining({ comment: 'Thay UPS', by: 'hoa', active: true })]);
    await listed.locator('button[data-action="end-window"]').click();
    await expect.poll(() => listed.locator('button[data-action="end-window"]').count()).toBe(0);
    await page.close();
  });

  it('gives a viewer no action, and the API refuses the viewer a write', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await logIn(page, 'minh');
    expect(await page.locator('button[data-action="acknowledge"]').count()).toBe(0);
    expect(await page.locator('form[data-form="maintenance"]').count()).toBe(0);
    await page.locator('[data-read-only]').waitFor();
    const status = await page.evaluate(async () => {
      const me = (await (await fetch('/api/v1/auth/me')).json()) as { csrfToken?: string };
      const response = await fetch('/api/v1/alerts/a-ban-ho/ack', { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': me.csrfToken ?? '' }, body: JSON.stringify({ comment: 'not allowed' }) });
      return response.status;
    });
    expect(status).toBe(403);
    expect(await page.locator('tr[data-alert="a-ban-ho"] .phase').textContent()).toContain('Đang xảy ra');
    await page.locator('select').first().selectOption('en');
    await expect.poll(() => page.locator('tr[data-alert="a-ban-ho"] .phase').textContent()).toContain('Ongoing');
    await page.locator('select').first().selectOption('vi');
    await page.close();
  });

  it('shows an alert the event stream announces without a reload, well before the 30-second re-read', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await logIn(page, 'minh');
    // The stream's first read primes what it has told; a new alert after that is an `alert` event.
    await server.live.refresh();
    expect(await page.locator('tr[data-alert="a-nam-xe"]').count()).toBe(0);
    const atMs = Date.now();
    await writePoints({ url: URL, database: DATABASE }, 'events', [firing('a-nam-xe', 'link-down', 'critical', 'ban-ho', 'ban-ho-vnpt', atMs, { summary: 'Tuyến mới mất' })]);
    await server.live.refresh();
    await page.locator('tr[data-alert="a-nam-xe"]').waitFor({ timeout: 10_000 });
    expect(Date.now() - atMs).toBeLessThan(15_000);
    await page.close();
  });
});
