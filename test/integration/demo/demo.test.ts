import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closedTcpPort } from '../../helpers/ports.ts';
import { launchChromium } from '../../helpers/web.ts';

// Issue 12 §5: `npm run demo` on a fresh clone, as a newcomer runs it: a bare environment, its
// own InfluxDB (started by the demo on ports of its own, so stopping it is the demo's job too),
// the dashboard, a week of history, the scripted outage; then Ctrl-C, and nothing left behind.
// The screenshot in the README (docs/demo-overview.png) is taken here, during the outage.

const run = promisify(execFile);
const REPO = process.cwd();
const SCREENSHOT = join(REPO, 'docs', 'demo-overview.png');
const MIN = 60_000;

let dir: string;
let clone: string;
let demo: ChildProcess;
let output = '';
let listen: string;
let influxPort: number;
let cookie = '';
let browser: Browser | undefined;

const waitFor = async <T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number, everyMs = 1_000): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (demo.exitCode !== null) throw new Error(`the demo exited (${demo.exitCode}) while waiting for ${what}; its output ends:\n${output.slice(-3_000)}`);
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`no ${what} within ${timeoutMs / 1000} s; the demo's output ends:\n${output.slice(-3_000)}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
};

const api = async (path: string): Promise<unknown> => {
  const response = await fetch(`http://${listen}/api/v1${path}`, { headers: { cookie } });
  if (response.status !== 200) throw new Error(`${path}: ${response.status} ${await response.text()}`);
  return response.json();
};

/** Every process whose command line or working directory is inside the clone. */
function processesIn(folder: string): string[] {
  const found: string[] = [];
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
      let cwd = '';
      try {
        cwd = readFileSync(`/proc/${pid}/environ`, 'utf8').includes(folder) ? folder : '';
      } catch {
        // Not ours to read.
      }
      if (cmdline.includes(folder) || cwd) found.push(`${pid}: ${cmdline.trim()}`);
    } catch {
      // Gone meanwhile.
    }
  }
  return found;
}

const namespaces = async () => (await run('ip', ['netns', 'list'])).stdout.split('\n').filter((line) => line.startsWith('lwdemo-'));

describe('npm run demo on a fresh clone', () => {
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lw-demo-'));
    clone = join(dir, 'linkwatch');
    await run('git', ['clone', '-q', REPO, clone]);
    listen = `127.0.0.1:${await closedTcpPort()}`;
    influxPort = await closedTcpPort();
    const log = createWriteStream(join(dir, 'demo.log'));
    // Only what a newcomer's shell has, plus the ports of its own: the README sets nothing else.
    demo = spawn('npm', ['run', 'demo', '--', '--listen', listen], {
      cwd: clone,
      detached: true,
      env: { PATH: process.env.PATH!, HOME: process.env.HOME!, LINKWATCH_INFLUX_PORT: String(influxPort), LINKWATCH_INFLUX_RPC_PORT: String(await closedTcpPort()) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    for (const stream of [demo.stdout!, demo.stderr!]) {
      stream.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        log.write(chunk);
      });
    }
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    if (demo && demo.exitCode === null && demo.signalCode === null) {
      process.kill(-demo.pid!, 'SIGKILL');
      for (const ns of await namespaces().catch(() => [])) await run('ip', ['netns', 'delete', ns.split(' ')[0]!]).catch(() => undefined);
    }
    for (const line of processesIn(clone ?? '/nonexistent')) process.kill(Number(line.split(':')[0]), 'SIGKILL');
    if (dir) await rm(dir, { recursive: true, force: true });
  }, 60_000);

  it('installs, builds, writes a week of history and prints the dashboard URL and a login', async () => {
    // npm ci and the build on a fresh clone, then the history: minutes, not seconds.
    await waitFor('"Dashboard" line', async () => (output.includes('Ctrl-C stops everything') ? true : undefined), 12 * MIN, 500);
    expect(output).toContain(`http://${listen}/`);
    const login = /Login \/ Đăng nhập:\s+(\S+) \/ (\S+)/.exec(output);
    expect(login).not.toBeNull();
    const response = await fetch(`http://${listen}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: login![1], password: login![2] }) });
    expect(response.status).toBe(200);
    cookie = response.headers.get('set-cookie')!.split(';')[0]!;
  }, 13 * MIN);

  it('shows the sample district, and its charts and availability reach back a week', async () => {
    const status = (await waitFor(
      'status with every site',
      async () => {
        const body = (await api('/status')) as { sites: { id: string; state: string }[]; links: { id: string; state: string }[] };
        return body.sites.length === 23 && body.links.filter((link) => link.state === 'up').length >= 30 ? body : undefined;
      },
      2 * MIN,
    )) as { sites: unknown[]; links: unknown[] };
    expect(status.links).toHaveLength(42);

    // History: the week's traffic as the chart reads it (older history is polled every 10
    // minutes, so a 5-minute step of one old day would be half empty, as it would be live), and
    // the availability over the week with its outages.
    const traffic = (await api('/links/khanh-yen-internet/traffic?from=-167h&to=-1h')) as { columns: { inBps: (number | null)[] } };
    const measured = traffic.columns.inBps.filter((value) => value !== null && value > 0);
    expect(measured.length).toBeGreaterThan(traffic.columns.inBps.length * 0.9);
    const week = (await api('/availability?kind=link&from=-7d&to=-1h')) as { entities: { id: string; n: number; coveragePct: number }[] };
    const rows = week.entities;
    expect(rows.length).toBe(42);
    expect(rows.filter((row) => row.coveragePct > 95).length).toBeGreaterThan(35);
    expect(rows.reduce((sum, row) => sum + row.n, 0)).toBeGreaterThan(0);
  }, 3 * MIN);

  it('shows the scripted outage: Nậm Xé internet down, with its alert, on the dashboard', async () => {
    // The fibre cut starts a minute after the banner; detection takes two rounds of 30 s.
    await waitFor(
      'link-down alert for nam-xe-internet',
      async () => {
        const body = (await api('/alerts')) as { alerts: { kind: string; entity: string }[] };
        return body.alerts.some((alert) => alert.entity === 'nam-xe-internet' && (alert.kind === 'link-down' || alert.kind === 'site-dark')) ? true : undefined;
      },
      5 * MIN,
      2_000,
    );
    browser = await launchChromium();
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(`http://${listen}/`);
    await page.getByLabel('Tên đăng nhập').fill('demo');
    await page.getByLabel('Mật khẩu').fill('linkwatch');
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    await page.locator('li[data-link="nam-xe-internet"][data-state="down"]').waitFor({ timeout: 30_000 });
    expect(await page.locator('li[data-site]').count()).toBe(23);
    mkdirSync(join(REPO, 'docs'), { recursive: true });
    await page.screenshot({ path: SCREENSHOT });
    await page.close();
  }, 7 * MIN);

  it('stops everything it started on Ctrl-C', async () => {
    // Ctrl-C at a terminal signals the whole foreground process group.
    const exited = new Promise<string>((resolve) => demo.once('exit', (code, signal) => resolve(signal ?? String(code))));
    process.kill(-demo.pid!, 'SIGINT');
    const how = await Promise.race([exited, new Promise<string>((resolve) => setTimeout(() => resolve('timeout'), 60_000))]);
    // npm itself, Ctrl-C'd, ends by the signal as a shell's programs do (the shell shows 130);
    // the demo below it stops cleanly and says so.
    expect(['0', 'SIGINT']).toContain(how);
    // npm's own exit can come a moment before its grandchildren's.
    await waitFor('every demo process gone', async () => (processesIn(clone).length === 0 ? true : undefined), 30_000, 500).catch(() => undefined);
    expect(processesIn(clone)).toEqual([]);
    expect(await namespaces()).toEqual([]);
    const links = (await run('ip', ['-o', 'link', 'show'])).stdout.split('\n').filter((line) => /: lwdemov\d+/.test(line));
    expect(links).toEqual([]);
    const influx = await fetch(`http://127.0.0.1:${influxPort}/ping`).then(
      (response) => response.status,
      () => 'closed',
    );
    expect(influx).toBe('closed');
    const dashboard = await fetch(`http://${listen}/`).then(
      (response) => response.status,
      () => 'closed',
    );
    expect(dashboard).toBe('closed');
    expect(output).toContain('[demo] stopped');
    expect(output).not.toMatch(/\[demo\] (failed|stopping \S+:)/);
  }, 2 * MIN);
});
