import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, testConfig, testStores, type TestApi } from '../../helpers/api.ts';
import { toLine } from '../../../store/line-protocol.ts';
import { ensureRetention } from '../../../store/retention.ts';
import { point, type Point } from '../../../store/schema.ts';
import { readTraffic } from '../../../store/series.ts';

// The series routes over a real InfluxDB: raw points for short recent ranges, the 5-minute and
// 1-hour rollups (written here directly, as the continuous queries would) for long or old ones,
// the buckets capped, and state changes from the events policy.

const URL = process.env.LINKWATCH_TEST_INFLUX_URL ?? 'http://127.0.0.1:8086';
const DATABASE = `lw_series_${process.pid}`;
const S = 1_000;
const MIN = 60 * S;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

const config = testConfig(
  `
influx: {url: "${URL}", database: ${DATABASE}}
collector: {snmp: {interval: 1m}, icmp: {interval: 30s}}
sites:
  - {id: nam-xe, name: Xã Nậm Xé, kind: commune}
devices:
  - {id: nam-xe-router, site: nam-xe, role: router, address: 127.0.0.2, snmp: {credentials: {version: 2c, community: public}}}
  - {id: nam-xe-ap, site: nam-xe, role: access-point, address: 127.0.0.4}
links:
  - {id: nam-xe-vnpt, site: nam-xe, kind: internet, provider: VNPT, device: nam-xe-router, interface: Gi0/0/1, targets: [127.0.0.3, 127.0.0.5], capacity: {downMbps: 100, upMbps: 100}}
  - {id: nam-xe-ping, site: nam-xe, kind: internet, targets: [127.0.0.6]}
`,
);

async function writeLines(policy: string, lines: readonly (string | undefined)[]): Promise<void> {
  const response = await fetch(`${URL}/write?db=${DATABASE}&rp=${policy}&precision=ms`, { method: 'POST', body: lines.filter((line) => line !== undefined).join('\n') });
  expect(response.status, await response.clone().text()).toBe(204);
}
const write = (policy: 'raw' | 'events', points: Point[]) => writeLines(policy, points.map((p) => toLine(p)));

const LINK_TAGS = { site: 'nam-xe', device: 'nam-xe-router', interface: 'Gi0/0/1', link: 'nam-xe-vnpt' };
const trafficTagSet = 'device=nam-xe-router,interface=Gi0/0/1,link=nam-xe-vnpt,site=nam-xe';

describe('series over InfluxDB', () => {
  // On a whole hour, so buckets of every step up to an hour line up with the points written.
  const now = Math.floor(Date.now() / HOUR) * HOUR;
  const stores = testStores(config, () => now);
  const { influx } = stores;
  let api: TestApi | undefined;
  let base = '';
  const get = async (path: string) => {
    const response = await fetch(base + path, { headers: { 'x-test-user': 'viewer' } });
    return { status: response.status, body: (await response.json()) as Record<string, any> };
  };

  beforeAll(async () => {
    await ensureRetention({ settings: config.influx });
    // Raw: two hours of 1-minute traffic, in_bps = 1,000 × minutes before now.
    const traffic: Point[] = [];
    for (let k = 1; k <= 120; k++) {
      traffic.push(point('interface_traffic', now - k * MIN, LINK_TAGS, { in_bps: 1_000 * k, out_bps: 500 * k, in_utilization_pct: k / 10, out_utilization_pct: k / 20, interval_s: 60 }));
    }
    // Another interface of the same device, which a link's query must not pick up.
    traffic.push(point('interface_traffic', now - 5 * MIN, { site: 'nam-xe', device: 'nam-xe-router', interface: 'Gi0/0/2' }, { in_bps: 9e9, out_bps: 9e9 }));
    // An hour of 30-second ICMP rounds to two targets, and a device's address.
    const icmp: Point[] = [];
    for (let k = 1; k <= 120; k++) {
      const t = now - k * 30 * S;
      icmp.push(point('icmp', t, { site: 'nam-xe', link: 'nam-xe-vnpt', target: '127.0.0.3' }, { up: 1, sent: 5, received: 5, loss_pct: 0, rtt_min_ms: 8, rtt_avg_ms: 10, rtt_max_ms: 12, jitter_ms: 1 }));
      icmp.push(point('icmp', t, { site: 'nam-xe', link: 'nam-xe-vnpt', target: '127.0.0.5' }, { up: k % 2, sent: 5, received: k % 2 ? 5 : 0, loss_pct: k % 2 ? 0 : 100, rtt_min_ms: k % 2 ? 18 : undefined, rtt_avg_ms: k % 2 ? 20 : undefined, rtt_max_ms: k % 2 ? 22 : undefined }));
      icmp.push(point('icmp', t, { site: 'nam-xe', device: 'nam-xe-ap', target: '127.0.0.4' }, { up: 1, sent: 5, received: 5, loss_pct: 0, rtt_avg_ms: 3 }));
    }
    await write('raw', [...traffic, ...icmp]);

    // 5-minute rollups two to three days ago: mean 100 kbit/s in, peaks at 200 kbit/s and, once, 900.
    const fiveMinute: string[] = [];
    for (let t = now - 3 * DAY; t < now - 2 * DAY; t += 5 * MIN) {
      const peak = t === now - 3 * DAY + HOUR ? 900e3 : 200e3;
      fiveMinute.push(`interface_traffic,${trafficTagSet} in_bps_mean=100000,in_bps_max=${peak},in_bps_p95=150000,out_bps_mean=50000,out_bps_max=60000,in_utilization_pct_mean=0.1,in_utilization_pct_max=0.2 ${t}`);
      fiveMinute.push(`icmp,link=nam-xe-vnpt,site=nam-xe,target=127.0.0.3 rtt_min_ms_min=5,rtt_avg_ms_mean=${t % HOUR === 0 ? 30 : 10},rtt_max_ms_max=40,loss_pct_mean=1,loss_pct_max=20,jitter_ms_mean=2,up_mean=1 ${t}`);
    }
    await writeLines('rollup_5m', fiveMinute);
    // 1-hour rollups 500 days ago, beyond the 5-minute rollups' 400 days.
    const hourly: string[] = [];
    for (let t = now - 500 * DAY; t < now - 499 * DAY; t += HOUR) hourly.push(`interface_traffic,${trafficTagSet} in_bps_mean=7000,in_bps_max=8000,out_bps_mean=1000,out_bps_max=2000 ${t}`);
    await writeLines('rollup_1h', hourly);

    await write('events', [
      point('entity_state', now - 5 * HOUR, { site: 'nam-xe', entity_kind: 'link', entity: 'nam-xe-vnpt' }, { state: 'down', previous: 'up', cause: 'no-reply', since_ms: now - 5 * HOUR - 90 * S }),
      point('entity_state', now - 3 * HOUR, { site: 'nam-xe', entity_kind: 'link', entity: 'nam-xe-vnpt' }, { state: 'up', previous: 'down', since_ms: now - 3 * HOUR }),
      point('entity_state', now - HOUR, { site: 'nam-xe', entity_kind: 'link', entity: 'nam-xe-vnpt' }, { state: 'degraded', previous: 'up', cause: 'loss' }),
      point('entity_state', now - 2 * HOUR, { site: 'nam-xe', entity_kind: 'device', entity: 'nam-xe-router' }, { state: 'unreachable', previous: 'up', cause: 'upstream:nam-xe-vnpt' }),
      // The same id as a site: not the device's.
      point('entity_state', now - 2 * HOUR, { site: 'nam-xe', entity_kind: 'site', entity: 'nam-xe-router' }, { state: 'down', previous: 'up' }),
    ]);

    api = await startTestApi({ config, clock: () => now, stores });
    base = api.base;
  });
  afterAll(async () => {
    await api?.close();
  });

  it('answers a link’s traffic over the last hour from raw points, one per minute', async () => {
    const { status, body } = await get('/api/v1/links/nam-xe-vnpt/traffic?from=now-1h');
    expect(status).toBe(200);
    expect(body).toMatchObject({ link: 'nam-xe-vnpt', device: 'nam-xe-router', interface: 'Gi0/0/1', policy: 'raw', stepMs: MIN, fromMs: now - HOUR, toMs: now });
    expect(body.columns.time).toEqual(Array.from({ length: 60 }, (_, i) => now - HOUR + i * MIN));
    expect(body.columns.inBps).toEqual(Array.from({ length: 60 }, (_, i) => 1_000 * (60 - i)));
    expect(body.columns.outBpsMax).toEqual(Array.from({ length: 60 }, (_, i) => 500 * (60 - i)));
    expect(body.columns.inUtilizationPct[0]).toBeCloseTo(6);
  });

  it('answers one interface of a device by its URL-encoded ifName, with the same numbers', async () => {
    const byInterface = await get('/api/v1/devices/nam-xe-router/interfaces/Gi0%2F0%2F1/traffic?from=now-1h');
    expect(byInterface.status).toBe(200);
    expect(byInterface.body).toMatchObject({ device: 'nam-xe-router', interface: 'Gi0/0/1', policy: 'raw', stepMs: MIN });
    const byLink = await get('/api/v1/links/nam-xe-vnpt/traffic?from=now-1h');
    expect(byInterface.body.columns).toEqual(byLink.body.columns);
    const other = await get('/api/v1/devices/nam-xe-router/interfaces/Gi0%2F0%2F2/traffic?from=now-10m');
    expect(other.body.columns.inBps.filter((v: number | null) => v !== null)).toEqual([9e9]);
  });

  it('answers latency per target, nulls where a target did not answer', async () => {
    const { status, body } = await get('/api/v1/links/nam-xe-vnpt/latency?from=now-30m');
    expect(status).toBe(200);
    expect(body).toMatchObject({ link: 'nam-xe-vnpt', policy: 'raw', stepMs: 30 * S });
    expect(body.targets.map((t: { target: string }) => t.target)).toEqual(['127.0.0.3', '127.0.0.5']);
    const [a, b] = body.targets as { columns: Record<string, (number | null)[]> }[];
    expect(a!.columns.time).toHaveLength(60);
    expect(new Set(a!.columns.rttAvgMs)).toEqual(new Set([10]));
    expect(a!.columns.rttMinMs![0]).toBe(8);
    // Odd rounds (k = 1, 3, …) answered; the bucket at now − 30 s is k = 1.
    expect(b!.columns.rttAvgMs!.at(-1)).toBe(20);
    expect(b!.columns.rttAvgMs!.at(-2)).toBeNull();
    expect(b!.columns.lossPct!.at(-2)).toBe(100);
    expect(b!.columns.upRatio!.at(-2)).toBe(0);
    // Over an hour at 20 points: 5-minute steps, which the raw data cannot give at 30 s.
    const coarse = await get('/api/v1/devices/nam-xe-ap/latency?from=now-10m&maxPoints=5');
    expect(coarse.body).toMatchObject({ device: 'nam-xe-ap', policy: 'rollup_5m', stepMs: 5 * MIN });
    expect(coarse.body.targets.every((t: { columns: { time: number[] } }) => t.columns.time.length <= 5)).toBe(true);
  });

  it('answers a day two days ago from the 5-minute rollups, combined into 15-minute steps', async () => {
    const { status, body } = await get(`/api/v1/links/nam-xe-vnpt/traffic?from=${now - 3 * DAY}&to=${now - 2 * DAY}&maxPoints=100`);
    expect(status).toBe(200);
    expect(body).toMatchObject({ policy: 'rollup_5m', stepMs: 15 * MIN });
    expect(body.columns.time).toHaveLength(96);
    expect(new Set(body.columns.inBps)).toEqual(new Set([100e3]));
    expect(body.columns.inBpsMax[4]).toBe(900e3);
    expect(body.columns.inBpsMax[5]).toBe(200e3);
    expect(body.columns.inUtilizationPctMax[0]).toBeCloseTo(0.2);
    // Rollups written without a field answer null, not 0.
    expect(new Set(body.columns.outUtilizationPct)).toEqual(new Set([null]));
    const latency = await get(`/api/v1/links/nam-xe-vnpt/latency?from=${now - 3 * DAY}&to=${now - 2 * DAY}&maxPoints=24`);
    expect(latency.body).toMatchObject({ policy: 'rollup_5m', stepMs: HOUR });
    const [target] = latency.body.targets as { columns: Record<string, (number | null)[]> }[];
    // Each hour: one 5-minute mean of 30 ms and eleven of 10.
    expect(target!.columns.rttAvgMs![0]).toBeCloseTo((30 + 11 * 10) / 12);
    expect(target!.columns.lossPctMax![0]).toBe(20);
  });

  it('answers a day 500 days ago from the 1-hour rollups', async () => {
    const { status, body } = await get(`/api/v1/links/nam-xe-vnpt/traffic?from=${now - 500 * DAY}&to=${now - 499 * DAY}`);
    expect(status).toBe(200);
    expect(body).toMatchObject({ policy: 'rollup_1h', stepMs: HOUR });
    expect(body.columns.time).toHaveLength(24);
    expect(new Set(body.columns.inBps)).toEqual(new Set([7_000]));
    expect(new Set(body.columns.outBpsMax)).toEqual(new Set([2_000]));
  });

  it.each([1, 7, 50, 2_000])('caps every series at maxPoints=%d', async (maxPoints) => {
    for (const range of ['from=now-2h', 'from=now-30d', 'from=now-1800d', `from=${now - 3 * DAY + 17 * S}&to=${now - 2 * DAY - 3 * S}`]) {
      const { status, body } = await get(`/api/v1/links/nam-xe-vnpt/traffic?${range}&maxPoints=${maxPoints}`);
      expect(status, range).toBe(200);
      expect(body.columns.time.length, range).toBeLessThanOrEqual(maxPoints);
      expect(body.columns.inBps.length, range).toBe(body.columns.time.length);
    }
  });

  it('caps at 500 points by default over the last 24 hours', async () => {
    const { body } = await get('/api/v1/links/nam-xe-vnpt/traffic');
    expect(body).toMatchObject({ policy: 'rollup_5m', stepMs: 5 * MIN, fromMs: now - DAY, toMs: now });
    expect(body.columns.time).toHaveLength(288);
  });

  it('answers the state changes of a range with the state in force at its start', async () => {
    const { status, body } = await get('/api/v1/links/nam-xe-vnpt/states?from=now-4h');
    expect(status).toBe(200);
    expect(body).toEqual({
      link: 'nam-xe-vnpt',
      policy: 'events',
      fromMs: now - 4 * HOUR,
      toMs: now,
      initial: { timeMs: now - 5 * HOUR, state: 'down', previous: 'up', cause: 'no-reply', sinceMs: now - 5 * HOUR - 90 * S },
      changes: [
        { timeMs: now - 3 * HOUR, state: 'up', previous: 'down', sinceMs: now - 3 * HOUR },
        { timeMs: now - HOUR, state: 'degraded', previous: 'up', cause: 'loss' },
      ],
      truncated: false,
    });
    const capped = await get('/api/v1/links/nam-xe-vnpt/states?from=now-4h&maxPoints=1');
    expect(capped.body.changes.map((c: { state: string }) => c.state)).toEqual(['up']);
    expect(capped.body.truncated).toBe(true);
    const before = await get('/api/v1/links/nam-xe-vnpt/states?from=now-10h&to=now-6h');
    expect(before.body).toMatchObject({ initial: null, changes: [], truncated: false });
    const device = await get('/api/v1/devices/nam-xe-router/states?from=now-1d');
    expect(device.body).toMatchObject({ device: 'nam-xe-router', initial: null, changes: [{ state: 'unreachable', cause: 'upstream:nam-xe-vnpt' }] });
    expect(device.body.changes).toHaveLength(1);
  });

  it.each([
    ['/api/v1/links/nam-xe-vnpt/traffic?maxPoints=0', /query.maxPoints/],
    ['/api/v1/links/nam-xe-vnpt/traffic?maxPoints=2001', /query.maxPoints/],
    ['/api/v1/links/nam-xe-vnpt/traffic?maxPoints=-1', /query.maxPoints/],
    ['/api/v1/links/nam-xe-vnpt/latency?from=now-1h&to=now-2h', /query.to: must come after query.from/],
    ['/api/v1/links/nam-xe-vnpt/states?from=yesterday', /query.from/],
    ['/api/v1/links/nam-xe-vnpt/traffic?step=5m', /unknown parameter "step"/],
    ['/api/v1/links/nam-xe-vnpt/traffic?from=now-2000d', /at most 1830 days/],
    ["/api/v1/devices/nam-xe-router/interfaces/Gi0'%20OR%201%3D1/traffic", /path.ifName/],
    ['/api/v1/devices/nam-xe-router/interfaces/Gi0%5C/traffic', /path.ifName/],
    ['/api/v1/links/Nam%20Xe/traffic', /path.id/],
  ])('answers 400 to %s', async (path, message) => {
    const { status, body } = await get(path);
    expect(status).toBe(400);
    expect(body.error.code).toBe('invalid-parameter');
    expect(body.error.message).toMatch(message);
  });

  it.each([
    ['/api/v1/links/no-such-link/traffic', 'no link "no-such-link"'],
    ['/api/v1/links/no-such-link/latency', 'no link "no-such-link"'],
    ['/api/v1/links/no-such-link/states', 'no link "no-such-link"'],
    ['/api/v1/devices/no-such-device/states', 'no device "no-such-device"'],
    ['/api/v1/devices/no-such-device/interfaces/Gi0%2F1/traffic', 'no device "no-such-device"'],
    ['/api/v1/links/nam-xe-ping/traffic', 'link "nam-xe-ping" has no device and interface'],
    ['/api/v1/devices/nam-xe-ap/interfaces/eth0/traffic', 'device "nam-xe-ap" is not polled by SNMP'],
  ])('answers 404 to %s', async (path, message) => {
    const { status, body } = await get(path);
    expect(status).toBe(404);
    expect(body.error).toEqual({ code: 'not-found', message: expect.stringContaining(message) });
  });

  it('asks for the right series when a tag value is full of quotes and backslashes', async () => {
    // Line protocol cannot carry a tag value ending in a backslash, so those are only asked for.
    const hostile = ['dev\\ice', "x' OR ''='", 'Gi0\\\'/1"\\x'];
    await write('raw', [
      point('interface_traffic', now - MIN, { site: 'nam-xe', device: hostile[0], interface: hostile[1] }, { in_bps: 1 }),
      point('interface_traffic', now - MIN, { site: 'nam-xe', device: 'd', interface: 'x' }, { in_bps: 3 }),
    ]);
    // Written by hand: toLine (the influx package's tag escaper) doubles the backslash of a `\'`.
    await writeLines('raw', [`interface_traffic,device=dev\\ice,interface=Gi0\\'/1"\\x,site=nam-xe in_bps=2 ${now - MIN}`]);
    const read = (device: string, name: string) => readTraffic(influx, { device, interface: name }, { fromMs: now - 2 * MIN, toMs: now, maxPoints: 10, rawIntervalMs: MIN, nowMs: now });
    expect((await read(hostile[0]!, hostile[1]!)).columns.inBps).toEqual([null, 1]);
    expect((await read(hostile[0]!, hostile[2]!)).columns.inBps).toEqual([null, 2]);
    // `d\` followed by a name that would be code if the backslash escaped the closing quote.
    expect((await read('d\\', ' OR "interface" != \'')).columns.inBps).toEqual([null, null]);
    expect((await read('d\\', '\\')).columns.inBps).toEqual([null, null]);
  });
});
