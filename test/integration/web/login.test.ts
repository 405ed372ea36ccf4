import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../../api/auth/passwords.ts';
import { startApiServer, type ApiServer } from '../../../api/server.ts';
import type { Config } from '../../../config/schema.ts';
import { influxQuery } from '../../../store/influx.ts';
import { ensureRetention } from '../../../store/retention.ts';
import { quietLogger, testConfig } from '../../helpers/api.ts';
import { ARTIFACTS, buildDashboard, launchChromium } from '../../helpers/web.ts';

// Logging in to the dashboard when anonymous read is off: the form, a wrong password refused in
// words, the session surviving a reload with the user and role shown, and logging out.

const URL = process.env.LINKWATCH_TEST_INFLUX_URL ?? 'http://127.0.0.1:8086';
const DATABASE = `lw_web_login_${process.pid}`;
const PASSWORD = 'mật khẩu của Hoa';

describe('logging in to the dashboard', () => {
  let dir = '';
  let config: Config;
  let server: ApiServer;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lw-web-login-'));
    await buildDashboard(join(dir, 'dist'));
    config = testConfig(`
influx: {url: "${URL}", database: ${DATABASE}}
api:
  statusRefresh: 1h
  users:
    - {name: hoa, role: operator, displayName: Nguyễn Thị Hoa, passwordHash: "${await hashPassword(PASSWORD, { N: 2 ** 10, r: 8, p: 1 })}"}
sites:
  - {id: nam-xe, name: Xã Nậm Xé, kind: commune}
links:
  - {id: nam-xe-vnpt, site: nam-xe, kind: internet, targets: [127.0.0.4]}
`);
    await ensureRetention({ settings: config.influx });
    server = await startApiServer({ config, logger: quietLogger, listen: '127.0.0.1:0', webRoot: join(dir, 'dist') });
    browser = await launchChromium();
    page = await browser.newPage();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await rm(dir, { recursive: true, force: true });
    await influxQuery(config.influx, `DROP DATABASE "${DATABASE}"`).catch(() => undefined);
  });

  it('asks for a login and refuses a wrong password in words', async () => {
    await page.goto(server.url);
    await page.getByLabel('Tên đăng nhập').fill('hoa');
    await page.getByLabel('Mật khẩu').fill('not it');
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('Sai tên đăng nhập hoặc mật khẩu');
    expect(await page.locator('li[data-site]').count()).toBe(0);
  });

  it('logs in, shows who and which role, and keeps the session across a reload', async () => {
    await page.getByLabel('Mật khẩu').fill(PASSWORD);
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    await page.locator('li[data-site="nam-xe"]').waitFor();
    expect(await page.locator('.who').textContent()).toContain('Nguyễn Thị Hoa · Vận hành');
    await page.screenshot({ path: join(ARTIFACTS, 'logged-in.png') });
    await page.reload();
    await page.locator('li[data-site="nam-xe"]').waitFor();
    expect(await page.locator('.who[data-role="operator"]').count()).toBe(1);
  });

  it('logs out back to the form, and the session no longer reads the status', async () => {
    await page.getByRole('button', { name: 'Đăng xuất' }).click();
    await page.getByLabel('Tên đăng nhập').waitFor();
    expect(await page.locator('li[data-site]').count()).toBe(0);
    const status = await page.evaluate(async () => (await fetch('/api/v1/status')).status);
    expect(status).toBe(401);
  });
});
