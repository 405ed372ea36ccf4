import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../../cli/main.ts';
import { parsePeriod } from '../../../model/report-period.ts';
import type { AuditReport, LinkEntry } from '../../../model/report.ts';
import { buildReport } from '../../../reports/build.ts';
import { verifyBytes } from '../../../reports/digest.ts';
import { toLine } from '../../../store/line-protocol.ts';
import { ensureRetention } from '../../../store/retention.ts';
import { point, type Point } from '../../../store/schema.ts';
import { captureIo } from '../../helpers/cli-io.ts';
import { quietLogger, startTestApi, testConfig, testStores, type TestApi } from '../../helpers/api.ts';

// The figures of issue 11 §4 from data written into a real influxd the way the collector and
// the alert engine write it (outage records, entity states, 5-minute rollups), through the
// report builder, the command line (every format, verified) and the API.

const URL = process.env.LINKWATCH_TEST_INFLUX_URL ?? 'http://127.0.0.1:8086';
const DATABASE = `lw_report_${process.pid}`;
const MIN = 60_000;
const BUCKET = 5 * MIN;
const ZONE = 'Asia/Ho_Chi_Minh';
const october = parsePeriod('2026-10', ZONE);
const november = parsePeriod('2026-11', ZONE);
if (!october.ok || !november.ok) throw new Error('periods');
const OCT = october.period;
const NOV = november.period;

const links = ['a', 'b', 'c', 'd', 'e', 'f'] as const;
const YAML = `
influx: {url: "${URL}", database: ${DATABASE}}
api: {statusRefresh: 1h}
alerts:
  maintenance:
    - {id: thay-ups, match: {links: [c]}, start: "2026-11-10T08:00", end: "2026-11-10T10:00", comment: Thay UPS}
sites:
${links.map((id) => `  - {id: s-${id}, name: Xã ${id.toUpperCase()}, kind: commune}`).join('\n')}
links:
${links.map((id) => `  - {id: ${id}, site: s-${id}, kind: internet, provider: VNPT, targets: [127.0.0.${10 + links.indexOf(id)}]${id === 'f' ? ', capacity: {downMbps: 10, upMbps: 10}' : ''}}`).join('\n')}
`;
const config = testConfig(YAML);

async function write(policy: 'raw' | 'events' | 'rollup_5m', points: readonly Point[]) {
  for (let i = 0; i < points.length; i += 5_000) {
    const response = await fetch(`${URL}/write?db=${DATABASE}&rp=${policy}&precision=ms`, { method: 'POST', body: points.slice(i, i + 5_000).map((p) => toLine(p)).join('\n') });
    if (response.status !== 204) throw new Error(`write ${policy}: ${response.status} ${await response.text()}`);
  }
}

const at = (period: { startMs: number }, minutes: number) => period.startMs + minutes * MIN;
/** An outage record as the engine leaves it once closed. */
const outage = (link: string, startMs: number, lengthMin: number) =>
  point('outage', startMs, { site: `s-${link}`, entity_kind: 'link', entity: link, kind: 'outage' }, { open: 0, end_ms: startMs + lengthMin * MIN, duration_s: lengthMin * 60, rounds: lengthMin * 2, cause: 'no-reply', maintenance: 0 });
/** One 5-minute rollup of ICMP rounds: the bucket had data. */
const measured = (link: string, bucketMs: number, extra: Record<string, number> = {}) =>
  point('icmp', bucketMs, { site: `s-${link}`, link, target: `127.0.0.${10 + links.indexOf(link as (typeof links)[number])}` }, { up_mean: 1, rtt_avg_ms_mean: 20, loss_pct_mean: 0, ...extra } as never);

describe('audit reports over real influxd', () => {
  let api: TestApi;
  let dir = '';
  let octoberReport: AuditReport;
  let novemberReport: AuditReport;
  const link = (report: AuditReport, id: string): LinkEntry => report.links.find((entry) => entry.id === id)!;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lw-report-'));
    await ensureRetention({ settings: config.influx });
    const rollups: Point[] = [];
    for (const id of links) {
      for (let t = OCT.startMs; t < NOV.endMs; t += BUCKET) {
        // d: 140 of November's 8,640 buckets have no data at all.
        if (id === 'd' && t >= NOV.startMs && (t - NOV.startMs) / BUCKET < 280 && ((t - NOV.startMs) / BUCKET) % 2 === 0) continue;
        rollups.push(measured(id, t));
      }
    }
    await write('rollup_5m', rollups);
    // f: November's traffic, 8,640 buckets whose In rates are 1…8,640 kbit/s in shuffled order.
    const order = Array.from({ length: 8_640 }, (_, i) => ((i * 7_919) % 8_640) + 1);
    await write(
      'rollup_5m',
      order.map((kbps, i) => point('interface_traffic', NOV.startMs + i * BUCKET, { site: 's-f', device: 'r-f', interface: 'wan0', link: 'f' }, { in_bps_mean: kbps * 1_000, in_bps_max: kbps * 1_000, out_bps_mean: 1_000, out_bps_max: 1_000 } as never)),
    );
    await write('events', [
      ...links.map((id) => point('entity_state', OCT.startMs - 86_400_000, { site: `s-${id}`, entity_kind: 'link', entity: id }, { state: 'up', previous: 'unknown', since_ms: OCT.startMs - 86_400_000, flapping: 0 })),
      outage('a', at(OCT, 9 * 1_440), 45),
      outage('a', at(NOV, 9 * 1_440), 45),
      outage('b', OCT.endMs - 10 * MIN, 30),
      // c: 60 minutes down inside the 08:00–10:00 window on 10 Nov, 45 unplanned on the 20th.
      outage('c', Date.parse('2026-11-10T08:30:00+07:00'), 60),
      outage('c', at(NOV, 19 * 1_440), 45),
      // d: nine 5-minute outages, on buckets that have data.
      ...Array.from({ length: 9 }, (_, i) => outage('d', at(NOV, 5 * 1_440 + 10 * i), 5)),
      outage('e', at(NOV, 100), 45),
      outage('e', at(NOV, 10_000), 10),
      outage('e', at(NOV, 30_000), 5),
    ]);
    const clock = () => Date.now();
    api = await startTestApi({ config, clock, stores: testStores(config, clock) });
    octoberReport = await buildReport({ config, influx: api.influx, control: api.control, period: OCT, nowMs: Date.now(), logger: quietLogger });
    novemberReport = await buildReport({ config, influx: api.influx, control: api.control, period: NOV, nowMs: Date.now(), logger: quietLogger });
  }, 120_000);
  afterAll(async () => {
    await api?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('one 45-minute outage: 99.896 % of 30-day November, 99.899 % of 31-day October', () => {
    expect(link(novemberReport, 'a').availability.availabilityPct).toBeCloseTo(99.896, 3);
    expect(link(octoberReport, 'a').availability.availabilityPct).toBeCloseTo(99.899, 3);
    expect(link(novemberReport, 'a').availability.coveragePct).toBe(100);
  });

  it('an outage from 31 Oct 23:50 to 1 Nov 00:20: October 10 minutes, November 20, each flagged as crossing', () => {
    const inOctober = link(octoberReport, 'b').availability;
    const inNovember = link(novemberReport, 'b').availability;
    expect(inOctober.downMs).toBe(10 * MIN);
    expect(inNovember.downMs).toBe(20 * MIN);
    expect(inOctober.outages).toMatchObject([{ clippedEnd: true, startMs: OCT.endMs - 10 * MIN, endMs: OCT.endMs + 20 * MIN }]);
    expect(inNovember.outages).toMatchObject([{ clippedStart: true }]);
  });

  it('60 minutes down inside a 120-minute window and 45 unplanned: 99.8955 % excluded, 99.7569 % raw', () => {
    const figure = link(novemberReport, 'c').availability;
    expect(figure.availabilityPct).toBeCloseTo(99.8955, 4);
    expect(figure.rawAvailabilityPct).toBeCloseTo(99.7569, 4);
    expect(figure.maintenanceMs).toBe(120 * MIN);
  });

  it('8,500 of 8,640 samples with 9 down: 99.894 %, coverage 98.38 %, flagged', () => {
    const figure = link(novemberReport, 'd').availability;
    expect(figure.availabilityPct).toBeCloseTo(99.894, 3);
    expect(figure.coveragePct).toBeCloseTo(98.38, 2);
    expect(figure.coverageFlag).toBe(true);
    expect(novemberReport.summary.flagged).toBeGreaterThanOrEqual(2); // the link and its site
  });

  it('outages of 45, 10 and 5 minutes: MTTR 20 minutes, MTBF 14,380 minutes', () => {
    const figure = link(novemberReport, 'e').availability;
    expect(figure.n).toBe(3);
    expect(figure.mttrMs).toBe(20 * MIN);
    expect(figure.mtbfMs).toBe(14_380 * MIN);
  });

  it('the 95th percentile of 8,640 five-minute buckets is the 8,208th ascending, against the capacity', () => {
    const traffic = link(novemberReport, 'f').traffic;
    expect(traffic.n).toBe(8_640);
    expect(traffic.coveragePct).toBe(100);
    expect(traffic.in.p95Bps).toBe(8_208_000);
    expect(traffic.billedBps).toBe(8_208_000);
    expect(traffic.billedDirection).toBe('in');
    expect(traffic.in.p95UtilizationPct).toBeCloseTo(82.08, 6);
    expect(traffic.needsUpgrade).toBe(true);
    expect(novemberReport.summary.needsUpgrade).toEqual(['f']);
    // Without traffic rows, a link has no percentile, and no verdict without capacity.
    expect(link(novemberReport, 'a').traffic).toMatchObject({ n: 0, billedBps: null, needsUpgrade: null });
  });

  it('a site with one link has that link’s figure', () => {
    expect(novemberReport.sites.find((site) => site.id === 's-a')!.availability.availabilityPct).toBeCloseTo(99.896, 3);
    expect(novemberReport.scorecard.availabilityTarget.of).toBe(6);
  });

  it('writes every format from the command line, each verified by `report verify`, and a changed byte fails it', async () => {
    const file = join(dir, 'linkwatch.yaml');
    await writeFile(file, YAML);
    for (const format of ['json', 'csv', 'html', 'pdf'] as const) {
      const out = join(dir, `report.${format}`);
      const made = captureIo();
      expect(await main(['report', '--period', '2026-11', '--format', format, '--out', out, '--config', file], made.io), made.stderr()).toBe(0);
      const bytes = await readFile(out);
      if (format === 'pdf') expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');
      if (format === 'csv') expect(bytes.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
      const checked = captureIo();
      expect(await main(['report', 'verify', out], checked.io), checked.stderr()).toBe(0);
      expect(checked.stdout()).toContain('intact');
      const digest = verifyBytes(bytes);
      expect(digest.ok).toBe(true);
      expect(made.stderr()).toContain(digest.ok ? digest.digest : '');
      // One byte changed, well away from the digest: the check fails.
      const tampered = Buffer.from(bytes);
      const index = Math.floor(bytes.length / 2);
      tampered[index] = tampered[index] === 0x31 ? 0x32 : 0x31;
      await writeFile(`${out}.changed`, tampered);
      const refused = captureIo();
      expect(await main(['report', 'verify', `${out}.changed`], refused.io)).toBe(1);
      expect(refused.stderr()).toContain('changed');
    }
    const json = JSON.parse(await readFile(join(dir, 'report.json'), 'utf8')) as AuditReport & { digest: string };
    expect(json.schema).toBe('linkwatch.audit-report/1');
    expect(json.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(json.period).toMatchObject({ label: '2026-11', firstDay: '2026-11-01', lastDay: '2026-11-30', timeZone: ZONE, partial: false });
  }, 120_000);

  it('refuses a bad period on the command line and in the API, naming it', async () => {
    const bad = captureIo();
    expect(await main(['report', '--period', '2026-13', '--config', join(dir, 'linkwatch.yaml')], bad.io)).toBe(2);
    expect(bad.stderr()).toContain('month 13 does not exist');
    const response = await fetch(`${api.base}/api/v1/reports?period=2026-13`, { headers: { 'x-test-user': 'hoa' } });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { message: string } }).error.message).toContain('query.period "2026-13"');
    const future = await fetch(`${api.base}/api/v1/reports?period=2099-01`, { headers: { 'x-test-user': 'hoa' } });
    expect(future.status).toBe(400);
  });

  it('serves the report through the API as CSV to download, with its digest in a header', async () => {
    const response = await fetch(`${api.base}/api/v1/reports?period=2026-11&format=csv&lang=en`, { headers: { 'x-test-user': 'hoa' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-disposition')).toBe('attachment; filename="linkwatch-2026-11.csv"');
    const bytes = Buffer.from(await response.arrayBuffer());
    const digest = verifyBytes(bytes);
    expect(digest.ok).toBe(true);
    expect(response.headers.get('x-linkwatch-digest')).toBe(`sha256:${digest.ok ? digest.digest : ''}`);
    const anonymous = await fetch(`${api.base}/api/v1/reports?period=2026-11`);
    expect(anonymous.status).toBe(401);
  });
});
