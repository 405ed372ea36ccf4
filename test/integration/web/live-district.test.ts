import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { startApiServer, type ApiServer } from '../../../api/server.ts';
import { parseConfig } from '../../../config/load.ts';
import type { Config } from '../../../config/schema.ts';
import { generateDistrict } from '../../../simulator/inventory.ts';
import { startSimulation, type Simulation } from '../../../simulator/simulation.ts';
import { influxQuery } from '../../../store/influx.ts';
import { ensureRetention } from '../../../store/retention.ts';
import { quietLogger } from '../../helpers/api.ts';
import { startPipeline, type Pipeline } from '../../helpers/pipeline.ts';
import { ARTIFACTS, buildDashboard, launchChromium } from '../../helpers/web.ts';

// The whole chain in a real browser: the simulator's district in network namespaces, the
// collector and the alert engine writing to a real InfluxDB, the API and the dashboard. A site
// the simulator darkens must turn down on the page within two polling intervals of the engine
// deciding so, and turn back when it recovers; the page is never reloaded (the event stream
// carries the change). Run alone (vitest project `timed`): the bound is in wall-clock seconds.

/** The simulation runs at 30×: faults are given in simulated time. */
const SPEED = 30;
const simulated = (wallMs: number) => wallMs * SPEED;

describe('the dashboard over a live simulated district', () => {
  const influx = { url: process.env.LINKWATCH_TEST_INFLUX_URL ?? 'http://127.0.0.1:8086', database: `lw_web_live_${process.pid}` };
  let dir = '';
  let simulation: Simulation;
  let config: Config;
  let server: ApiServer;
  let browser: Browser;
  let page: Page;
  let running: Pipeline | undefined;
  const base = generateDistrict({ sites: 4 });
  const darkSite = (base.sites as { id: string }[])[1]!.id;

  const siteState = (id: string) => running!.engine.states().sites.get(id)?.state;
  /** When the engine first holds `state` for the site, polled every 50 ms. */
  const engineReaches = async (id: string, state: string, timeoutMs: number): Promise<number> => {
    const deadline = Date.now() + timeoutMs;
    while (siteState(id) !== state) {
      if (Date.now() > deadline) throw new Error(`the engine did not decide ${id} ${state} within ${timeoutMs} ms (it holds ${siteState(id)})`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return Date.now();
  };
  const tileReaches = async (id: string, state: string, timeoutMs: number): Promise<number> => {
    await page.locator(`li[data-site="${id}"][data-state="${state}"]`).first().waitFor({ timeout: timeoutMs });
    return Date.now();
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lw-web-live-'));
    await buildDashboard(join(dir, 'dist'));
    await influxQuery(influx, `DROP DATABASE "${influx.database}"`);
    await ensureRetention({ settings: influx });
    const parsed = parseConfig(stringify(base));
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
    simulation = await startSimulation({ config: parsed.config, timeline: [], startMs: Date.now(), durationMs: simulated(10 * 60_000), speed: SPEED, seed: 7, mode: 'netns', prefix: 'lwtweb', subnetOffset: 175 });
    const inventory = simulation.inventoryYaml.replace(/timeout: 2s\n(\s+)retries: 1/, 'timeout: 800ms\n$1retries: 0');
    const document = parse(inventory) as Record<string, Record<string, Record<string, unknown>>>;
    // Pings every 2 s: two intervals leave the page 4 s, of which the writer's batch, the API's
    // status refresh (500 ms) and the event take about 1.5 s.
    const collectorSettings = { ...document.collector, icmp: { ...document.collector?.icmp, interval: '2s' } };
    const withApi = parseConfig(
      stringify({ ...document, collector: collectorSettings, influx: { ...document.influx, url: influx.url, database: influx.database }, api: { ...document.api, anonymousRead: true, statusRefresh: '500ms' }, alerts: { ...document.alerts, downAfter: 2, upAfter: 2 } }),
    );
    if (!withApi.ok) throw new Error(JSON.stringify(withApi.errors));
    config = withApi.config;

    running = await startPipeline({ config, influx, spoolDir: join(dir, 'spool'), spoolMaxBytes: 16 * 1024 * 1024 });

    server = await startApiServer({ config, logger: quietLogger, listen: '127.0.0.1:0', webRoot: join(dir, 'dist') });
    await engineReaches(darkSite, 'up', 30_000);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await running?.stop();
    await simulation?.stop();
    await influxQuery(influx, `DROP DATABASE "${influx.database}"`).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  });

  it('turns a darkened site down within two polling intervals of the engine, and back up', async () => {
    const interval = config.collector.icmp.interval;
    expect(interval).toBe(2_000);
    await page.goto(server.url);
    await tileReaches(darkSite, 'up', 15_000);
    const navigations: string[] = [];
    page.on('framenavigated', (frame) => navigations.push(frame.url()));

    await simulation.inject({ kind: 'site-dark', site: darkSite }, simulated(12 * interval));
    const [decidedDown, shownDown] = await Promise.all([engineReaches(darkSite, 'down', 15 * interval), tileReaches(darkSite, 'down', 20 * interval)]);
    await page.screenshot({ path: join(ARTIFACTS, 'live-site-down.png'), fullPage: true });
    expect(shownDown - decidedDown).toBeLessThanOrEqual(2 * interval);
    // The tile says since when, and its link is down too.
    await expect(page.locator(`li[data-site="${darkSite}"]`).first().textContent()).resolves.toContain('Mất kết nối');

    const [decidedUp, shownUp] = await Promise.all([engineReaches(darkSite, 'up', 30 * interval), tileReaches(darkSite, 'up', 35 * interval)]);
    expect(shownUp - decidedUp).toBeLessThanOrEqual(2 * interval);
    expect(navigations).toEqual([]);
  }, 120_000);
});
