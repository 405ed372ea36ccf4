/**
 * `npm run bench:api [-- --links N --seconds S --series-links N]`
 *
 * The API's two hot paths against baselines measured in the same run, on a private influxd:
 * - `GET /api/v1/status` for N links (1,000; N/2 communes with a router and two links each),
 *   through a token and the whole middleware stack, with autocannon (10 connections, S seconds),
 *   against a bare express route answering `{"ok":true}` in the same process: the ratio says how
 *   much of the framework's speed the status snapshot keeps. Asked with `Accept-Encoding: gzip`
 *   as the dashboard's browser asks (statusRps), and again without (statusIdentityRps).
 * - 30 days of one link's traffic (`/links/{id}/traffic?from=now-30d`), one request at a time,
 *   p95 over 100 requests across `--series-links` links with a month of 1-minute raw points and
 *   their rollups, against the same range read straight from InfluxDB with one InfluxQL query.
 *
 * Prints a table, then one JSON line: links, statusRps, baselineRps, statusRpsRatio, statusP99Ms,
 * statusBytes, statusGzipBytes, statusIdentityRps, statusIdentityRatio, statusIdentityP99Ms,
 * series30dP95Ms, seriesBaselineP95Ms, seriesRatio.
 */
import { get as httpGet, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import autocannon from 'autocannon';
import express from 'express';
import { createApp } from '../api/app.ts';
import { createAuthServices } from '../api/auth/services.ts';
import { createLiveStatus } from '../api/live.ts';
import { parseConfig } from '../config/load.ts';
import { Secret } from '../config/secret.ts';
import type { Logger } from '../model/logger.ts';
import { createControlStore } from '../store/control.ts';
import { createInfluxHttp } from '../store/influx.ts';
import { toLine } from '../store/line-protocol.ts';
import { rollupFieldName } from '../store/retention.ts';
import { ensureRetention } from '../store/retention.ts';
import { point, type Point } from '../store/schema.ts';
import { intArgument, runWhenMain, withPrivateInfluxd } from './bench-kit.ts';

const MINUTE = 60_000;
const DAY = 86_400_000;
const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {} };

function inventoryYaml(url: string, sites: number): string {
  const lines = [`influx: {url: "${url}", database: bench_api}`, 'api: {statusRefresh: 1h}', 'sites:', '  - {id: dc, name: Trung tâm huyện, kind: district-centre}'];
  for (let s = 0; s < sites; s++) lines.push(`  - {id: xa-${s}, name: Xã ${s}, kind: commune, parent: dc}`);
  lines.push('devices:');
  for (let s = 0; s < sites; s++) lines.push(`  - {id: r-${s}, site: xa-${s}, role: router, address: 127.1.${s >> 8}.${s & 255}, snmp: {credentials: {version: 2c, community: public}}}`);
  lines.push('links:');
  for (let s = 0; s < sites; s++) {
    lines.push(`  - {id: xa-${s}-net, site: xa-${s}, kind: internet, provider: VNPT, device: r-${s}, interface: WAN1, targets: [127.2.${s >> 8}.${s & 255}], capacity: {downMbps: 100, upMbps: 100}}`);
    lines.push(`  - {id: xa-${s}-tslcd, site: xa-${s}, kind: tslcd, device: r-${s}, interface: WAN2, targets: [127.3.${s >> 8}.${s & 255}], capacity: {downMbps: 20, upMbps: 20}}`);
  }
  return lines.join('\n');
}

async function write(url: string, policy: string, points: Point[]): Promise<void> {
  for (let i = 0; i < points.length; i += 20_000) {
    const body = points.slice(i, i + 20_000).map((p) => toLine(p)).join('\n');
    const response = await fetch(`${url}/write?db=bench_api&rp=${policy}&precision=ms`, { method: 'POST', body });
    if (response.status !== 204) throw new Error(`write to ${policy}: HTTP ${response.status} ${await response.text()}`);
  }
}

const trafficFields = (t: number) => {
  const inBps = 40e6 + 30e6 * Math.sin(t / 3_600_000);
  return { in_bps: inBps, out_bps: inBps / 8, in_utilization_pct: inBps / 1e6, out_utilization_pct: inBps / 8e6, interval_s: 60 };
};

/** A month of one link's traffic: raw every minute, and the 5-minute and 1-hour rollups. */
async function writeMonth(url: string, link: string, site: string, device: string, nowMs: number): Promise<void> {
  const tags = { site, device, interface: 'WAN1', link };
  const raw: Point[] = [];
  const start = Math.floor((nowMs - 30 * DAY) / MINUTE) * MINUTE;
  for (let t = start; t < nowMs; t += MINUTE) raw.push(point('interface_traffic', t, tags, trafficFields(t)));
  await write(url, 'raw', raw);
  for (const [policy, stepMs] of [['rollup_5m', 5 * MINUTE], ['rollup_1h', 60 * MINUTE]] as const) {
    const rolled: Point[] = [];
    for (let t = start; t < nowMs; t += stepMs) {
      const f = trafficFields(t);
      const fields: Record<string, number> = {};
      for (const name of ['in_bps', 'out_bps', 'in_utilization_pct', 'out_utilization_pct'] as const) {
        fields[rollupFieldName(name, 'mean')] = f[name];
        fields[rollupFieldName(name, 'max')] = f[name] * 1.2;
        fields[rollupFieldName(name, 'p95')] = f[name] * 1.1;
      }
      rolled.push(point('interface_traffic', t, tags, fields as never));
    }
    await write(url, policy, rolled);
  }
}

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
};

const listen = (app: express.Express) =>
  new Promise<{ server: Server; base: string }>((resolveListen) => {
    const server = app.listen(0, '127.0.0.1', () => resolveListen({ server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }));
  });

/** The bytes on the wire of a gzipped answer (fetch would inflate it). */
const gzippedLength = (url: string, headers: Record<string, string>) =>
  new Promise<number>((resolveLength, reject) => {
    const request = httpGet(url, { headers: { ...headers, 'Accept-Encoding': 'gzip' } }, (response) => {
      if (response.headers['content-encoding'] !== 'gzip') reject(new Error(`${url} did not answer gzip when asked`));
      let bytes = 0;
      response.on('data', (chunk: Buffer) => (bytes += chunk.length));
      response.on('end', () => resolveLength(bytes));
    });
    request.on('error', reject);
  });

async function cannon(url: string, seconds: number, headers: Record<string, string>) {
  const result = await autocannon({ url, connections: 10, duration: seconds, headers });
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`${url}: ${result.non2xx} non-2xx answers, ${result.errors} errors`);
  return { rps: result.requests.average, p99Ms: result.latency.p99 };
}

export async function benchApi(options: { url: string; links: number; seconds: number; seriesLinks: number; log: (line: string) => void }) {
  const { url, log } = options;
  const sites = Math.ceil(options.links / 2);
  const parsed = parseConfig(inventoryYaml(url, sites), { env: {} });
  if (!parsed.ok) throw new Error(`bench inventory: ${parsed.errors.map((e) => e.message).join('; ')}`);
  const config = parsed.config;
  await ensureRetention({ settings: config.influx });
  const nowMs = Date.now();

  log(`writing the state of ${sites} sites, ${sites} devices and ${sites * 2} links, and their newest points`);
  const events: Point[] = [];
  const raw: Point[] = [];
  for (const link of config.links) {
    const down = link.id.endsWith('-7-net');
    events.push(point('entity_state', nowMs - 3_600_000, { site: link.site, entity_kind: 'link', entity: link.id }, { state: down ? 'down' : 'up', previous: down ? 'up' : 'unknown', since_ms: nowMs - 3_600_000, cause: down ? 'no-reply' : '', flapping: 0 }));
    raw.push(point('interface_traffic', nowMs - 30_000, { site: link.site, device: link.device!, interface: link.interface!, link: link.id }, trafficFields(nowMs)));
    raw.push(point('icmp', nowMs - 20_000, { site: link.site, link: link.id, target: String(link.targets[0]!.address) }, { up: 1, sent: 5, received: 5, loss_pct: 0, rtt_min_ms: 20, rtt_avg_ms: 24, rtt_max_ms: 31, jitter_ms: 2 }));
  }
  for (const device of config.devices) {
    events.push(point('entity_state', nowMs - 3_600_000, { site: device.site, entity_kind: 'device', entity: device.id }, { state: 'up', previous: 'unknown', since_ms: nowMs - 3_600_000, flapping: 0 }));
    raw.push(point('device_poll', nowMs - 40_000, { site: device.site, device: device.id }, { reachable: 1, uptime_s: 86_400, duration_ms: 30, interfaces: 4 }));
  }
  for (const site of config.sites) events.push(point('entity_state', nowMs - 3_600_000, { site: site.id, entity_kind: 'site', entity: site.id }, { state: 'up', previous: 'unknown', since_ms: nowMs - 3_600_000, flapping: 0 }));
  await write(url, 'events', events);
  await write(url, 'raw', raw);

  const seriesLinks = config.links.filter((link) => link.id.endsWith('-net')).slice(0, options.seriesLinks);
  log(`writing 30 days of 1-minute traffic and rollups for ${seriesLinks.length} links`);
  for (const link of seriesLinks) await writeMonth(url, link.id, link.site, link.device!, nowMs);

  const influx = createInfluxHttp(config.influx);
  const control = createControlStore({ settings: config.influx });
  const clock = Date.now;
  const live = createLiveStatus({ config, influx, control, logger: quiet, clock, refreshMs: 3_600_000 });
  const refreshed = await live.refresh();
  if (!refreshed.ok) throw new Error(`status refresh: ${refreshed.message}`);
  const users = new Map([['bench', { name: 'bench', role: 'viewer' as const, passwordHash: new Secret('scrypt$unused') }]]);
  const auth = createAuthServices({ config, influx, logger: quiet, clock, users });
  const token = (await auth.tokens.create({ user: 'bench', role: 'viewer', name: 'bench:api', by: 'bench' })).secret.reveal();
  const headers = { Authorization: `Bearer ${token}` };
  const api = await listen(createApp({ config, influx, control, logger: quiet, clock, live, auth }));
  const bare = express();
  bare.get('/ok', (_request, response) => response.json({ ok: true }));
  const baseline = await listen(bare);

  try {
    const sample = await fetch(`${api.base}/api/v1/status`, { headers: { ...headers, 'Accept-Encoding': 'identity' } });
    const statusText = await sample.text();
    const statusGzipBytes = await gzippedLength(`${api.base}/api/v1/status`, headers);
    if (sample.status !== 200) throw new Error(`GET /status: HTTP ${sample.status} ${statusText.slice(0, 200)}`);
    const statusLinks = (JSON.parse(statusText) as { links: unknown[] }).links.length;
    if (statusLinks !== config.links.length) throw new Error(`GET /status listed ${statusLinks} links, not ${config.links.length}`);

    log(`autocannon: bare express, then GET /api/v1/status gzipped (${statusGzipBytes} bytes) and not (${statusText.length} bytes), ${options.seconds} s each`);
    const bareRun = await cannon(`${baseline.base}/ok`, options.seconds, {});
    const statusRun = await cannon(`${api.base}/api/v1/status`, options.seconds, { ...headers, 'Accept-Encoding': 'gzip' });
    const identityRun = await cannon(`${api.base}/api/v1/status`, options.seconds, headers);

    log('30-day traffic: API, then InfluxDB directly, 100 requests each');
    const seriesMs: number[] = [];
    const directMs: number[] = [];
    let points = 0;
    for (let i = 0; i < 100; i++) {
      const link = seriesLinks[i % seriesLinks.length]!;
      const started = performance.now();
      const response = await fetch(`${api.base}/api/v1/links/${link.id}/traffic?from=now-30d`, { headers });
      const body = await response.text();
      seriesMs.push(performance.now() - started);
      if (response.status !== 200) throw new Error(`GET /links/${link.id}/traffic: HTTP ${response.status} ${body.slice(0, 300)}`);
      points = (JSON.parse(body) as { columns: { time: unknown[] } }).columns.time.length;
    }
    for (let i = 0; i < 100; i++) {
      const link = seriesLinks[i % seriesLinks.length]!;
      const statement = `SELECT mean("in_bps_mean"), max("in_bps_max"), mean("out_bps_mean"), max("out_bps_max"), mean("in_utilization_pct_mean"), max("in_utilization_pct_max") FROM "rollup_5m"."interface_traffic" WHERE "link" = '${link.id}' AND time >= now() - 30d GROUP BY time(2h)`;
      const started = performance.now();
      await influx.query(statement, { epoch: 'ms' });
      directMs.push(performance.now() - started);
    }
    const series30dP95Ms = percentile(seriesMs, 95);
    const seriesBaselineP95Ms = percentile(directMs, 95);
    return {
      links: config.links.length,
      statusRps: Math.round(statusRun.rps),
      baselineRps: Math.round(bareRun.rps),
      statusRpsRatio: Number((statusRun.rps / bareRun.rps).toFixed(3)),
      statusP99Ms: statusRun.p99Ms,
      statusBytes: statusText.length,
      statusGzipBytes,
      statusIdentityRps: Math.round(identityRun.rps),
      statusIdentityRatio: Number((identityRun.rps / bareRun.rps).toFixed(3)),
      statusIdentityP99Ms: identityRun.p99Ms,
      seriesPoints: points,
      series30dP95Ms: Number(series30dP95Ms.toFixed(1)),
      seriesBaselineP95Ms: Number(seriesBaselineP95Ms.toFixed(1)),
      seriesRatio: Number((series30dP95Ms / seriesBaselineP95Ms).toFixed(2)),
    };
  } finally {
    for (const { server } of [api, baseline]) await new Promise((done) => server.close(done));
    await fetch(`${url}/query`, { method: 'POST', body: new URLSearchParams({ q: 'DROP DATABASE bench_api' }) }).catch(() => undefined);
  }
}

async function main(args: string[]): Promise<number> {
  const links = intArgument(args, '--links', 1_000);
  const seconds = intArgument(args, '--seconds', 10);
  const seriesLinks = intArgument(args, '--series-links', 5);
  const log = (line: string) => console.error(line);
  return withPrivateInfluxd({ name: 'bench-api', log }, async (url) => {
    const result = await benchApi({ url, links, seconds, seriesLinks, log });
    console.log(`\nbare express {"ok":true}: ${result.baselineRps} req/s`);
    console.log(`GET /api/v1/status, ${result.links} links, gzip (${(result.statusGzipBytes / 1024).toFixed(0)} kB): ${result.statusRps} req/s, p99 ${result.statusP99Ms} ms → ${result.statusRpsRatio}× the bare route`);
    console.log(`GET /api/v1/status, ${result.links} links, identity (${(result.statusBytes / 1024).toFixed(0)} kB): ${result.statusIdentityRps} req/s, p99 ${result.statusIdentityP99Ms} ms → ${result.statusIdentityRatio}× the bare route`);
    console.log(`30 days of one link's traffic (${result.seriesPoints} points): p95 ${result.series30dP95Ms} ms; the same range straight from InfluxDB: p95 ${result.seriesBaselineP95Ms} ms (${result.seriesRatio}×)\n`);
    console.log(JSON.stringify(result));
    return 0;
  });
}

runWhenMain(import.meta.url, 'bench-api', main);
