import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, testConfig, testStores, type TestApi } from '../../helpers/api.ts';
import { toLine } from '../../../store/line-protocol.ts';
import { ensureRetention } from '../../../store/retention.ts';
import { point, type Point } from '../../../store/schema.ts';

// The API over a real InfluxDB: the status snapshot from what the collector and the engine
// wrote, operators' acknowledgements and maintenance windows reaching the store the engine
// reads, and the live stream telling a state change as soon as a refresh sees it.

const URL = process.env.LINKWATCH_TEST_INFLUX_URL ?? 'http://127.0.0.1:8086';
const DATABASE = `lw_api_${process.pid}`;
const HOUR = 3_600_000;

const config = testConfig(
  `
influx: {url: "${URL}", database: ${DATABASE}}
collector: {snmp: {interval: 1m}, icmp: {interval: 30s}}
alerts:
  maintenance:
    - {id: sao-luu, match: {sites: [dc]}, every: {days: [sun], from: "01:00", to: "02:00"}}
sites:
  - {id: dc, name: Trung tâm huyện, kind: district-centre}
  - {id: nam-xe, name: Xã Nậm Xé, kind: commune, parent: dc}
devices:
  - {id: nam-xe-router, site: nam-xe, role: router, address: 127.0.0.2, snmp: {credentials: {version: 2c, community: public}}}
links:
  - {id: nam-xe-vnpt, site: nam-xe, kind: internet, provider: VNPT, device: nam-xe-router, interface: WAN1, targets: [127.0.0.3], capacity: {downMbps: 100, upMbps: 100}}
`,
);

async function write(policy: 'raw' | 'events', points: Point[]): Promise<void> {
  const response = await fetch(`${URL}/write?db=${DATABASE}&rp=${policy}&precision=ms`, { method: 'POST', body: points.map((p) => toLine(p)).join('\n') });
  expect(response.status).toBe(204);
}

describe('the API over InfluxDB', () => {
  const now = Date.now();
  let clock = now;
  const stores = testStores(config, () => clock);
  const { control, live } = stores;
  let api: TestApi | undefined;
  let base = '';
  const call = async (path: string, init: RequestInit & { user?: string } = {}) => {
    const headers = new Headers(init.headers);
    headers.set('x-test-user', init.user ?? 'an');
    if (init.body !== undefined) headers.set('Content-Type', 'application/json');
    const response = await fetch(base + path, { ...init, headers });
    const text = await response.text();
    return { status: response.status, body: text === '' ? undefined : JSON.parse(text) };
  };

  beforeAll(async () => {
    await ensureRetention({ settings: config.influx });
    await write('events', [
      point('entity_state', now - 2 * HOUR, { site: 'nam-xe', entity_kind: 'link', entity: 'nam-xe-vnpt' }, { state: 'up', previous: 'down', since_ms: now - 2 * HOUR, flapping: 0 }),
      point('alert', now - 3 * HOUR, { alert_id: 'a0000000001', kind: 'rtt', severity: 'warning', site: 'nam-xe' }, { event: 'firing', entity_kind: 'link', entity: 'nam-xe-vnpt', started_ms: now - 3 * HOUR, summary: 'RTT cao' }),
      point('alert', now - 5 * HOUR, { alert_id: 'a0000000002', kind: 'link-down', severity: 'critical', site: 'nam-xe' }, { event: 'firing', entity_kind: 'link', entity: 'nam-xe-vnpt', started_ms: now - 5 * HOUR }),
      point('alert', now - 4 * HOUR, { alert_id: 'a0000000002', kind: 'link-down', severity: 'critical', site: 'nam-xe' }, { event: 'resolved', ended_ms: now - 4 * HOUR }),
    ]);
    await write('raw', [
      point('icmp', now - 20_000, { site: 'nam-xe', link: 'nam-xe-vnpt', target: '127.0.0.3' }, { up: 1, sent: 5, received: 5, loss_pct: 0, rtt_min_ms: 20, rtt_avg_ms: 24.5, rtt_max_ms: 30, jitter_ms: 2 }),
      point('interface_traffic', now - 30_000, { site: 'nam-xe', device: 'nam-xe-router', interface: 'WAN1', link: 'nam-xe-vnpt' }, { in_bps: 42e6, out_bps: 5e6, in_utilization_pct: 42, out_utilization_pct: 5, interval_s: 60 }),
    ]);
    api = await startTestApi({ config, clock: () => clock, stores, roleOf: (name) => (name === 'viewer' ? 'viewer' : 'operator') });
    base = api.base;
    expect((await live.refresh()).ok).toBe(true);
  });
  afterAll(async () => {
    await api?.close();
  });

  it('builds the status from the engine’s states and the newest points', async () => {
    const { status, body } = await call('/api/v1/status');
    expect(status).toBe(200);
    expect(body.links).toEqual([expect.objectContaining({ id: 'nam-xe-vnpt', state: 'up', stale: false, inBps: 42e6, outBps: 5e6, inUtilizationPct: 42, rttMs: 24.5, lossPct: 0, target: '127.0.0.3' })]);
    expect(body.counts.links.up).toBe(1);
    expect((await call('/healthz')).status).toBe(200);
  });

  it('lists open alerts and the history of a range, filtered', async () => {
    const open = await call('/api/v1/alerts');
    expect(open.body.alerts.map((a: { alertId: string }) => a.alertId)).toEqual(['a0000000001']);
    const all = await call('/api/v1/alerts?state=all&from=now-6h');
    expect(all.body.alerts.map((a: { alertId: string }) => a.alertId).sort()).toEqual(['a0000000001', 'a0000000002']);
    const critical = await call('/api/v1/alerts?state=all&from=now-6h&severity=critical');
    expect(critical.body.alerts).toEqual([expect.objectContaining({ alertId: 'a0000000002', open: false, entity: 'nam-xe-vnpt' })]);
    expect((await call('/api/v1/alerts?state=all&from=now-6h&to=now-4h30m')).body.alerts.map((a: { alertId: string }) => a.alertId)).toEqual(['a0000000002']);
    expect((await call('/api/v1/alerts?site=khanh-yen')).status).toBe(404);
    expect((await call('/api/v1/alerts?from=now-1h')).status).toBe(400);
    expect((await call('/api/v1/alerts?state=all&from=now-500d')).status).toBe(400);
  });

  it('records an acknowledgement where the engine reads it, by the person who made it', async () => {
    const ack = await call('/api/v1/alerts/a0000000001/ack', { method: 'POST', body: JSON.stringify({ comment: 'Đang xử lý' }) });
    expect(ack.status).toBe(200);
    expect(ack.body.alert).toMatchObject({ alertId: 'a0000000001', acked: true });
    const stored = await control.acknowledgements({ sinceMs: now - HOUR });
    expect(stored).toEqual([expect.objectContaining({ alertId: 'a0000000001', by: 'an', comment: 'Đang xử lý' })]);
    expect((await call('/api/v1/alerts/a0000000001')).body).toMatchObject({ acked: true, acknowledgement: { by: 'an' } });
    expect((await call('/api/v1/alerts/a9999999999/ack', { method: 'POST', body: '{}' })).status).toBe(404);
    expect((await call('/api/v1/alerts/a0000000001/ack', { method: 'POST', body: '{}', user: 'viewer' })).status).toBe(403);
    expect((await call('/api/v1/alerts/a0000000001/ack', { method: 'POST', body: JSON.stringify({ comment: 1 }) })).status).toBe(400);
  });

  it('adds, lists and ends a maintenance window the engine reads', async () => {
    const added = await call('/api/v1/maintenance', { method: 'POST', body: JSON.stringify({ sites: ['nam-xe'], for: '2h', comment: 'Thay UPS' }) });
    expect(added.status).toBe(201);
    expect(added.body).toMatchObject({ match: { sites: ['nam-xe'] }, startMs: now, endMs: now + 2 * HOUR, active: true, by: 'an', comment: 'Thay UPS', source: 'store' });
    const id: string = added.body.id;
    expect((await control.maintenanceWindows()).map((w) => w.id)).toContain(id);
    const listed = await call('/api/v1/maintenance');
    expect(listed.body.windows.map((w: { id: string }) => w.id)).toEqual(['sao-luu', id]);

    const refused = await call('/api/v1/maintenance', { method: 'POST', body: JSON.stringify({ sites: ['nam-xee'], for: '2h' }) });
    expect(refused).toEqual({ status: 400, body: { error: { code: 'invalid-parameter', message: 'body.sites: unknown site "nam-xee"; did you mean "nam-xe"?' } } });
    expect((await call('/api/v1/maintenance', { method: 'POST', body: JSON.stringify({ sites: ['nam-xe'], for: '2h', by: 'someone-else' }) })).status).toBe(400);

    clock = now + HOUR;
    const ended = await call(`/api/v1/maintenance/${id}/end`, { method: 'POST' });
    expect(ended.status).toBe(200);
    expect(ended.body).toMatchObject({ id, endedMs: now + HOUR, active: false });
    expect((await call(`/api/v1/maintenance/${id}/end`, { method: 'POST' })).status).toBe(409);
    expect((await call('/api/v1/maintenance/sao-luu/end', { method: 'POST' })).status).toBe(409);
    expect((await call('/api/v1/maintenance/no-such/end', { method: 'POST' })).status).toBe(404);
    expect((await call('/api/v1/maintenance')).body.windows.map((w: { id: string }) => w.id)).toEqual(['sao-luu']);
    expect((await call('/api/v1/maintenance?all=true')).body.windows.map((w: { id: string }) => w.id)).toEqual(['sao-luu', id]);
    clock = now;
  });

  it('streams a state change as soon as a refresh sees it, and resumes from Last-Event-ID', async () => {
    const events = await openStream(`${base}/api/v1/events`);
    try {
      await write('events', [point('entity_state', now + 1_000, { site: 'nam-xe', entity_kind: 'link', entity: 'nam-xe-vnpt' }, { state: 'down', previous: 'up', cause: 'no-reply', since_ms: now - 60_000, flapping: 0 })]);
      clock = now + 5_000;
      await live.refresh();
      const state = await events.next((event) => event.event === 'state');
      expect(JSON.parse(state.data)).toMatchObject({ change: { entityKind: 'link', entity: 'nam-xe-vnpt', state: 'down', previous: 'up', cause: 'no-reply' } });
      expect(await events.next((event) => event.comment)).toMatchObject({ comment: true });

      const resumed = await openStream(`${base}/api/v1/events`, { 'Last-Event-ID': String(Number(state.id) - 1) });
      expect((await resumed.next((event) => event.event === 'state')).id).toBe(state.id);
      resumed.close();
      const stale = await openStream(`${base}/api/v1/events`, { 'Last-Event-ID': '5' });
      expect((await stale.next((event) => event.event !== undefined)).event).toBe('resync');
      stale.close();
      expect((await call('/api/v1/status')).body.links[0]).toMatchObject({ state: 'down', cause: 'no-reply' });
    } finally {
      events.close();
      clock = now;
    }
  });
});

interface StreamEvent {
  id?: string;
  event?: string;
  data: string;
  comment: boolean;
}

/** A minimal EventSource over fetch: waits for the first event a predicate accepts. */
async function openStream(url: string, headers: Record<string, string> = {}) {
  const abort = new AbortController();
  const response = await fetch(url, { headers: { 'x-test-user': 'an', ...headers }, signal: abort.signal });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toContain('text/event-stream');
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffered = '';
  const pending: StreamEvent[] = [];
  const parse = (block: string): StreamEvent => {
    const event: StreamEvent = { data: '', comment: false };
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) event.comment = true;
      else if (line.startsWith('id: ')) event.id = line.slice(4);
      else if (line.startsWith('event: ')) event.event = line.slice(7);
      else if (line.startsWith('data: ')) event.data += line.slice(6);
    }
    return event;
  };
  return {
    async next(accept: (event: StreamEvent) => boolean, timeoutMs = 5_000): Promise<StreamEvent> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = pending.findIndex(accept);
        if (found >= 0) return pending.splice(0, found + 1).pop()!;
        if (Date.now() > deadline) throw new Error(`no matching event within ${timeoutMs} ms; saw ${JSON.stringify(pending)}`);
        const { value, done } = await reader.read();
        if (done) throw new Error('stream ended');
        buffered += value;
        let cut: number;
        while ((cut = buffered.indexOf('\n\n')) >= 0) {
          pending.push(parse(buffered.slice(0, cut)));
          buffered = buffered.slice(cut + 2);
        }
      }
    },
    close: () => abort.abort(),
  };
}
