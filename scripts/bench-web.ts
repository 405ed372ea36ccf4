/**
 * `npm run bench:web [-- --sites N --loads L]`
 *
 * The dashboard's overview as a district's browser first meets it, against a baseline measured
 * in the same run: the dashboard built by Vite, served by the API over a private influxd, opened
 * in Debian's Chromium at 1280×900.
 * - overviewJsGzipKb: the .js the page loaded, each body gzipped (node:zlib), summed, in KB.
 * - overviewRenderMs: from `page.goto` to the overview showing every site of N (500) with its
 *   name, state and the links' inventory; the median of L (5) fresh loads, each in a new browser
 *   context with the cache disabled.
 * - baselineRenderMs: the same with 10 sites, from a second API over a second database, the loads
 *   alternating with the big one's so that a busy machine slows both alike.
 *
 * Prints human lines, then one JSON line: sites, overviewJsGzipKb, overviewRenderMs,
 * baselineSites, baselineRenderMs, ratio.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Browser } from 'playwright-core';
import { startApiServer, type ApiServer } from '../api/server.ts';
import { parseConfig } from '../config/load.ts';
import type { Config } from '../config/schema.ts';
import type { Logger } from '../model/logger.ts';
import { influxQuery } from '../store/influx.ts';
import { ensureRetention } from '../store/retention.ts';
import { point, type Point } from '../store/schema.ts';
import { buildDashboard, entityState, launchChromium, writePoints } from '../test/helpers/web.ts';
import { intArgument, runWhenMain, withPrivateInfluxd } from './bench-kit.ts';

const BASELINE_SITES = 10;
const BUDGET_JS_GZIP_KB = 150;
const BUDGET_RENDER_MS = 1_000;
const RENDER_TIMEOUT_MS = 60_000;
const HOUR = 3_600_000;
const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {} };

// A district's mix: most sites up, every 13th down, every 17th degraded; every third site has a
// TSLCD link beside its internet one, so the overview meets one- and two-link sites.
const siteState = (i: number) => (i % 13 === 0 ? 'down' : i % 17 === 0 ? 'degraded' : 'up');
const siteId = (i: number) => `xa-${String(i + 1).padStart(4, '0')}`;
const address = (block: number, i: number) => `127.${block}.${(i >> 8) & 255}.${i & 255}`;

interface BenchSite {
  id: string;
  state: string;
  links: { id: string; kind: 'internet' | 'tslcd'; target: string }[];
}

function benchSites(count: number): BenchSite[] {
  return Array.from({ length: count }, (_, i) => {
    const id = siteId(i);
    const links: BenchSite['links'] = [{ id: `${id}-net`, kind: 'internet', target: address(20, i) }];
    if (i % 3 === 0) links.push({ id: `${id}-tslcd`, kind: 'tslcd', target: address(21, i) });
    return { id, state: siteState(i), links };
  });
}

function benchConfig(url: string, database: string, sites: readonly BenchSite[]): Config {
  const lines = [`influx: {url: "${url}", database: ${database}}`, 'api: {anonymousRead: true, statusRefresh: 1h}', 'sites:'];
  for (const [i, site] of sites.entries()) lines.push(`  - {id: ${site.id}, name: Xã Số ${i + 1}, kind: commune}`);
  lines.push('links:');
  for (const [i, site] of sites.entries()) {
    for (const link of site.links) lines.push(`  - {id: ${link.id}, site: ${site.id}, kind: ${link.kind}, provider: ${i % 2 === 0 ? 'VNPT' : 'Viettel'}, targets: [${link.target}]}`);
  }
  const parsed = parseConfig(lines.join('\n'), { env: {} });
  if (!parsed.ok) throw new Error(`bench inventory: ${parsed.errors.map((e) => e.message).join('; ')}`);
  return parsed.config;
}

/** The states the engine would have decided and one ICMP round per link, as the collector writes them. */
async function writeDistrict(config: Config, sites: readonly BenchSite[], nowMs: number): Promise<void> {
  await ensureRetention({ settings: config.influx });
  const events: Point[] = [];
  const rounds: Point[] = [];
  for (const [i, site] of sites.entries()) {
    events.push(entityState('site', site.id, site.id, site.state, nowMs - HOUR));
    for (const link of site.links) {
      // A two-link site that is degraded has its TSLCD link down and its internet link up.
      const state = site.state === 'degraded' && link.kind === 'internet' && site.links.length > 1 ? 'up' : site.state;
      events.push(entityState('link', link.id, site.id, state, nowMs - HOUR));
      const up = state !== 'down';
      rounds.push(point('icmp', nowMs - 10_000, { site: site.id, link: link.id, target: link.target }, { up: up ? 1 : 0, sent: 5, received: up ? 5 : 0, loss_pct: up ? 0 : 100, ...(up ? { rtt_avg_ms: 20 + (i % 9) } : {}) }));
    }
  }
  for (let i = 0; i < events.length; i += 5_000) await writePoints(config.influx, 'events', events.slice(i, i + 5_000));
  for (let i = 0; i < rounds.length; i += 5_000) await writePoints(config.influx, 'raw', rounds.slice(i, i + 5_000));
}

// Page-side code: the scripts' tsconfig has no DOM types, so the little of the DOM it uses is
// typed here. Functions, not strings: the dashboard's CSP forbids the eval that strings need.
interface PageNode {
  readonly shadowRoot: PageNode | null;
  readonly textContent: string | null;
  querySelector(selector: string): PageNode | null;
  getAttribute(name: string): string | null;
}

/** Whether the overview shows every site; runs in the page, so it names nothing from this module. */
const rendered = ({ sites, downSites }: { sites: number; downSites: number }) => {
  const root = (globalThis as unknown as { document: PageNode }).document.querySelector('lw-app')?.shadowRoot?.querySelector('lw-overview')?.shadowRoot;
  if (!root) return false;
  const shown = root.querySelector('.shown')?.textContent ?? '';
  if (!shown.trim().startsWith(`${sites} / ${sites} `)) return false;
  const first = root.querySelector('li[data-site]');
  if (!first || (downSites > 0 && first.getAttribute('data-state') !== 'down')) return false;
  const named = `${first.textContent ?? ''} ${first.querySelector('a')?.getAttribute('aria-label') ?? ''}`;
  if (!named.includes('Xã Số')) return false;
  return root.querySelector('button[data-provider-filter]') !== null;
};

interface Load {
  renderMs: number;
  /** URL → gzipped bytes of each .js the page loaded. */
  scripts: Map<string, number>;
  offMachine: string[];
}

/**
 * One fresh load: a new context (empty cache, no stored preferences, so the density is the
 * overview's own choice) with the cache disabled too, timed from `goto` to the overview showing
 * every site. "Every site shown" is the site count reading "N / N", the first row a down site
 * carrying its name (so /sites has arrived, not only /status), and the provider filters drawn (so
 * the links' inventory has arrived). The strips are left out: compact squares do not draw them.
 */
async function loadOnce(browser: Browser, server: ApiServer, sites: number, downSites: number): Promise<Load> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  try {
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
    const bodies: Promise<[string, number] | undefined>[] = [];
    const offMachine: string[] = [];
    page.on('request', (request) => {
      if (!request.url().startsWith(server.url)) offMachine.push(request.url());
    });
    page.on('response', (response) => {
      const path = new URL(response.url()).pathname;
      if (!path.endsWith('.js') && response.request().resourceType() !== 'script') return;
      bodies.push(response.body().then((body) => [response.url(), gzipSync(body).length] as [string, number], () => undefined));
    });
    const started = performance.now();
    await page.goto(server.url);
    await page.waitForFunction(rendered, { sites, downSites }, { timeout: RENDER_TIMEOUT_MS, polling: 'raf' });
    const renderMs = performance.now() - started;
    const downText = await page.evaluate(() => (globalThis as unknown as { document: PageNode }).document.querySelector('lw-app')?.shadowRoot?.querySelector('lw-overview')?.shadowRoot?.querySelector('button[data-filter="down"]')?.textContent ?? '');
    if (downSites > 0 && !downText.includes(`· ${downSites}`)) throw new Error(`the overview's down filter reads "${downText.trim()}", not ${downSites} down sites`);
    const scripts = new Map((await Promise.all(bodies)).filter((entry) => entry !== undefined));
    return { renderMs, scripts, offMachine };
  } finally {
    await context.close();
  }
}

const median = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

export async function benchWeb(options: { url: string; sites: number; loads: number; log: (line: string) => void; signal: AbortSignal }) {
  const { url, log, signal } = options;
  const dir = await mkdtemp(join(tmpdir(), 'linkwatch-bench-web-'));
  const servers: ApiServer[] = [];
  const configs: Config[] = [];
  let browser: Browser | undefined;
  try {
    log('building the dashboard with Vite');
    await buildDashboard(join(dir, 'dist'));
    const nowMs = Date.now();
    const start = async (database: string, count: number) => {
      const sites = benchSites(count);
      const config = benchConfig(url, database, sites);
      configs.push(config);
      log(`writing ${count} sites and ${config.links.length} links into ${database}`);
      await writeDistrict(config, sites, nowMs);
      const server = await startApiServer({ config, logger: quiet, listen: '127.0.0.1:0', webRoot: join(dir, 'dist') });
      servers.push(server);
      const refreshed = await server.live.refresh();
      if (!refreshed.ok) throw new Error(`status refresh of ${database}: ${refreshed.message}`);
      return { server, count, down: sites.filter((site) => site.state === 'down').length, links: config.links.length };
    };
    const big = await start('bench_web', options.sites);
    const small = await start('bench_web_baseline', BASELINE_SITES);

    signal.throwIfAborted();
    browser = await launchChromium();
    // Closing the browser fails the load under way, and the failure unwinds through every
    // `finally` here and in withPrivateInfluxd: an interrupted run leaves nothing behind.
    const opened = browser;
    signal.addEventListener('abort', () => void opened.close().catch(() => undefined), { once: true });
    // One load of each first, not counted: Chromium's first page pays for its own start-up.
    await loadOnce(browser, big.server, big.count, big.down);
    await loadOnce(browser, small.server, small.count, small.down);
    const bigMs: number[] = [];
    const smallMs: number[] = [];
    let scripts = new Map<string, number>();
    const offMachine = new Set<string>();
    for (let round = 0; round < options.loads; round++) {
      signal.throwIfAborted();
      const loaded = await loadOnce(browser, big.server, big.count, big.down);
      bigMs.push(loaded.renderMs);
      scripts = loaded.scripts;
      for (const address of loaded.offMachine) offMachine.add(address);
      smallMs.push((await loadOnce(browser, small.server, small.count, small.down)).renderMs);
      log(`load ${round + 1}/${options.loads}: ${big.count} sites ${bigMs.at(-1)!.toFixed(0)} ms, ${small.count} sites ${smallMs.at(-1)!.toFixed(0)} ms`);
    }
    if (offMachine.size > 0) throw new Error(`the overview sent requests off this machine: ${[...offMachine].join(', ')}`);
    if (scripts.size === 0) throw new Error('the overview loaded no .js: nothing to weigh');
    const gzipBytes = [...scripts.values()].reduce((sum, bytes) => sum + bytes, 0);
    const overviewRenderMs = median(bigMs);
    const baselineRenderMs = median(smallMs);
    return {
      human: { links: big.links, scripts: scripts.size, gzipBytes, bigMs, smallMs },
      result: {
        sites: big.count,
        overviewJsGzipKb: Number((gzipBytes / 1024).toFixed(1)),
        overviewRenderMs: Math.round(overviewRenderMs),
        baselineSites: small.count,
        baselineRenderMs: Math.round(baselineRenderMs),
        ratio: Number((overviewRenderMs / baselineRenderMs).toFixed(2)),
      },
    };
  } finally {
    await browser?.close().catch(() => undefined);
    for (const server of servers) await server.close().catch(() => undefined);
    for (const config of configs) await influxQuery(config.influx, `DROP DATABASE "${config.influx.database}"`).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  }
}

async function main(args: string[]): Promise<number> {
  const sites = intArgument(args, '--sites', 500);
  const loads = intArgument(args, '--loads', 5);
  const log = (line: string) => console.error(line);
  const interrupted = new AbortController();
  for (const name of ['SIGINT', 'SIGTERM'] as const) process.once(name, () => interrupted.abort(new Error(`interrupted by ${name}; cleaning up`)));
  return withPrivateInfluxd({ name: 'bench-web', log }, async (url) => {
    const { human, result } = await benchWeb({ url, sites, loads, log, signal: interrupted.signal });
    const within = (ok: boolean) => (ok ? 'within' : 'OVER');
    console.log(`\noverview JS, gzipped: ${result.overviewJsGzipKb.toFixed(1)} KB (${human.gzipBytes.toLocaleString('en')} B) in ${human.scripts} file${human.scripts === 1 ? '' : 's'} — ${within(result.overviewJsGzipKb <= BUDGET_JS_GZIP_KB)} the budget of ≤ ${BUDGET_JS_GZIP_KB} KB`);
    console.log(`overview rendered, ${result.sites} sites and ${human.links} links: median ${result.overviewRenderMs} ms of ${loads} fresh loads (${human.bigMs.map((ms) => ms.toFixed(0)).join(', ')}) — ${within(result.overviewRenderMs < BUDGET_RENDER_MS)} the budget of < ${BUDGET_RENDER_MS.toLocaleString('en')} ms at 500 sites`);
    console.log(`the same with ${result.baselineSites} sites: median ${result.baselineRenderMs} ms (${human.smallMs.map((ms) => ms.toFixed(0)).join(', ')}) → ${result.ratio}× for ${result.sites} sites\n`);
    console.log(JSON.stringify(result));
    return 0;
  });
}

runWhenMain(import.meta.url, 'bench-web', main);
