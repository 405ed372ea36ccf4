import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createControlStore } from '../../../store/control.ts';
import { isActive } from '../../../collector/alerts/maintenance.ts';
import { influxQuery, StoreError } from '../../../store/influx.ts';
import { toLine } from '../../../store/line-protocol.ts';
import { ensureRetention } from '../../../store/retention.ts';
import { point, type Point } from '../../../store/schema.ts';
import { selectRows } from '../../helpers/influx.ts';
import { closedTcpPort } from '../../helpers/ports.ts';

// The control plane against a real InfluxDB: what the CLI writes, the engine reads, and back.

const URL = process.env.LINKWATCH_TEST_INFLUX_URL ?? 'http://127.0.0.1:8086';
const settings = { url: URL, database: `lw_control_${process.pid}` };
const VN = 'Asia/Ho_Chi_Minh';
const HOUR = 3_600_000;

/** Writes points to the events policy as the engine would (one POST, millisecond precision). */
async function writeEvents(points: Point[]): Promise<void> {
  const response = await fetch(`${URL}/write?db=${settings.database}&rp=events&precision=ms`, { method: 'POST', body: points.map((p) => toLine(p)).join('\n') });
  expect(response.status).toBe(204);
}

describe('control store', () => {
  const now = Date.now();
  let clock = now;
  const store = createControlStore({ settings, timeZone: VN, clock: () => clock });

  beforeAll(async () => {
    await ensureRetention({ settings });
    await writeEvents([
      // fired, then resolved: not open
      point('alert', now - 5 * HOUR, { alert_id: 'link-down.nam-xe-vnpt', kind: 'link-down', severity: 'critical', site: 'nam-xe' }, { event: 'firing', entity_kind: 'link', entity: 'nam-xe-vnpt', started_ms: now - 5 * HOUR - 90_000, summary: 'Mất kết nối VNPT Nậm Xé' }),
      point('alert', now - 4 * HOUR, { alert_id: 'link-down.nam-xe-vnpt', kind: 'link-down', severity: 'critical', site: 'nam-xe' }, { event: 'resolved', ended_ms: now - 4 * HOUR, duration_s: 3690 }),
      // fired, repeated: open
      point('alert', now - 3 * HOUR, { alert_id: 'site-dark.khanh-yen', kind: 'site-dark', severity: 'critical', site: 'khanh-yen' }, { event: 'firing', entity_kind: 'site', entity: 'khanh-yen', started_ms: now - 3 * HOUR, affected: '["khanh-yen"]' }),
      point('alert', now - 2 * HOUR, { alert_id: 'site-dark.khanh-yen', kind: 'site-dark', severity: 'critical', site: 'khanh-yen' }, { event: 'repeat' }),
      // fired days ago, still open
      point('alert', now - 72 * HOUR, { alert_id: 'rtt.duong-quy-tslcd', kind: 'rtt', severity: 'warning', site: 'duong-quy' }, { event: 'firing', entity_kind: 'link', entity: 'duong-quy-tslcd', started_ms: now - 72 * HOUR }),
      // a one-shot: never open
      point('alert', now - HOUR, { alert_id: 'reboot.dc-router', kind: 'reboot', severity: 'warning', site: 'dc' }, { event: 'event', entity_kind: 'device', entity: 'dc-router', started_ms: now - HOUR }),
      // resolved long ago: outside a 24 h window
      point('alert', now - 80 * HOUR, { alert_id: 'loss.hoa-mac-vnpt', kind: 'loss', severity: 'warning', site: 'hoa-mac' }, { event: 'firing', started_ms: now - 81 * HOUR }),
      point('alert', now - 79 * HOUR, { alert_id: 'loss.hoa-mac-vnpt', kind: 'loss', severity: 'warning', site: 'hoa-mac' }, { event: 'resolved', ended_ms: now - 79 * HOUR }),
      point('entity_state', now - 10 * HOUR, { site: 'nam-xe', entity_kind: 'link', entity: 'nam-xe-vnpt' }, { state: 'down', previous: 'up', cause: 'no-reply', since_ms: now - 10 * HOUR - 90_000, flapping: 0 }),
      point('entity_state', now - 9 * HOUR, { site: 'nam-xe', entity_kind: 'link', entity: 'nam-xe-vnpt' }, { state: 'up', previous: 'down', since_ms: now - 9 * HOUR, flapping: 1 }),
      point('entity_state', now - 3 * HOUR, { site: 'khanh-yen', entity_kind: 'site', entity: 'khanh-yen' }, { state: 'down', previous: 'up', cause: 'site-dark', since_ms: now - 3 * HOUR, flapping: 0 }),
      point('entity_state', now - 3 * HOUR, { site: 'khanh-yen', entity_kind: 'device', entity: 'khanh-yen-router' }, { state: 'unreachable', previous: 'up', cause: 'parent:khanh-yen', since_ms: now - 3 * HOUR }),
      point('outage', now - 10 * HOUR, { site: 'nam-xe', entity_kind: 'link', entity: 'nam-xe-vnpt', kind: 'outage' }, { open: 1, rounds: 3, cause: 'no-reply', maintenance: 0 }),
      point('outage', now - 3 * HOUR, { site: 'khanh-yen', entity_kind: 'site', entity: 'khanh-yen', kind: 'outage' }, { open: 1, rounds: 4, cause: 'site-dark', maintenance: 1 }),
    ]);
    // The nam-xe outage ends: the same point rewritten with open=0.
    await writeEvents([point('outage', now - 10 * HOUR, { site: 'nam-xe', entity_kind: 'link', entity: 'nam-xe-vnpt', kind: 'outage' }, { open: 0, end_ms: now - 9 * HOUR, duration_s: 3600 })]);
  });
  afterAll(() => influxQuery(settings, `DROP DATABASE "${settings.database}"`).catch(() => undefined));

  it('lists open alerts: resolved and one-shot ones are not open, later events keep the first one’s fields', async () => {
    const open = await store.openAlerts();
    expect(open.map((alert) => alert.alertId)).toEqual(['site-dark.khanh-yen', 'rtt.duong-quy-tslcd']);
    expect(open[0]).toMatchObject({ kind: 'site-dark', severity: 'critical', site: 'khanh-yen', entityKind: 'site', entity: 'khanh-yen', open: true, lastEvent: 'repeat', startedMs: now - 3 * HOUR, affected: ['khanh-yen'], acked: false });
  });

  it('recent alerts add those closed within the window, with their end and summary', async () => {
    const recent = await store.recentAlerts({ sinceMs: now - 24 * HOUR });
    expect(recent.map((alert) => alert.alertId).sort()).toEqual(['link-down.nam-xe-vnpt', 'reboot.dc-router', 'rtt.duong-quy-tslcd', 'site-dark.khanh-yen']);
    const resolved = recent.find((alert) => alert.alertId === 'link-down.nam-xe-vnpt')!;
    expect(resolved).toMatchObject({ open: false, lastEvent: 'resolved', endedMs: now - 4 * HOUR, startedMs: now - 5 * HOUR - 90_000, entity: 'nam-xe-vnpt', summary: 'Mất kết nối VNPT Nậm Xé' });
    expect(await store.recentAlerts({ sinceMs: now - 24 * HOUR, limit: 2 })).toHaveLength(2);
    expect((await store.recentAlerts({ sinceMs: now - 100 * HOUR })).map((alert) => alert.alertId)).toContain('loss.hoa-mac-vnpt');
  });

  it('acknowledges an alert and reads the acknowledgement back, joined to the alert', async () => {
    const result = await store.acknowledge({ alertId: 'site-dark.khanh-yen', by: 'Nguyễn Văn An', comment: 'Điện lực đang sửa', atMs: now - HOUR });
    expect(result.ok).toBe(true);
    const acks = await store.acknowledgements({ sinceMs: now - 2 * HOUR });
    expect(acks).toEqual([{ alertId: 'site-dark.khanh-yen', by: 'Nguyễn Văn An', comment: 'Điện lực đang sửa', atMs: now - HOUR }]);
    expect(await store.acknowledgements({ sinceMs: now - HOUR + 1 })).toEqual([]);
    const [dark] = (await store.openAlerts()).filter((alert) => alert.alertId === 'site-dark.khanh-yen');
    expect(dark).toMatchObject({ acked: true, acknowledgement: { by: 'Nguyễn Văn An', comment: 'Điện lực đang sửa', atMs: now - HOUR } });
  });

  it('does not count an acknowledgement older than the alert’s start', async () => {
    expect(await store.acknowledge({ alertId: 'rtt.duong-quy-tslcd', by: 'an', atMs: now - 73 * HOUR })).toMatchObject({ ok: true });
    const rtt = (await store.openAlerts()).find((alert) => alert.alertId === 'rtt.duong-quy-tslcd');
    expect(rtt?.acked).toBe(false);
  });

  it('refuses unknown and malformed alert ids without writing', async () => {
    expect(await store.acknowledge({ alertId: 'link-down.nowhere', by: 'an', atMs: now })).toMatchObject({ ok: false, reason: 'unknown-alert' });
    expect(await store.acknowledge({ alertId: "x' OR 1=1 --", by: 'an', atMs: now })).toMatchObject({ ok: false, reason: 'invalid' });
    expect(await store.alert("x'; DROP DATABASE x")).toBeUndefined();
    expect(await selectRows(settings, `SELECT * FROM "events"."alert_ack" WHERE "alert_id" = 'link-down.nowhere'`)).toEqual([]);
  });

  it('restores the last state of each entity', async () => {
    const states = await store.lastEntityStates();
    const byEntity = Object.fromEntries(states.map((state) => [`${state.entityKind}:${state.entity}`, state]));
    expect(Object.keys(byEntity).sort()).toEqual(['device:khanh-yen-router', 'link:nam-xe-vnpt', 'site:khanh-yen']);
    expect(byEntity['link:nam-xe-vnpt']).toEqual({ entityKind: 'link', entity: 'nam-xe-vnpt', site: 'nam-xe', state: 'up', previous: 'down', sinceMs: now - 9 * HOUR, flapping: true, atMs: now - 9 * HOUR });
    expect(byEntity['device:khanh-yen-router']).toMatchObject({ state: 'unreachable', cause: 'parent:khanh-yen', flapping: false });
  });

  it('lists outages still open: an outage rewritten with open=0 is not', async () => {
    expect(await store.openOutages()).toEqual([{ entityKind: 'site', entity: 'khanh-yen', site: 'khanh-yen', kind: 'outage', startMs: now - 3 * HOUR, rounds: 4, cause: 'site-dark', maintenance: true }]);
  });

  it('adds, lists and ends maintenance windows', async () => {
    clock = now;
    const added = await store.addMaintenance({ match: { sites: ['nam-xe'] }, startMs: now - HOUR, endMs: now + 2 * HOUR, comment: 'VNPT kéo cáp quang', by: 'an' });
    if (!added.ok) throw new Error(added.message);
    expect(added.window.id).toMatch(/^mw-\d{8}-[0-9a-f]{4}$/);
    const recurring = await store.addMaintenance({ id: 'sao-luu', match: { groups: ['core'] }, every: { days: ['sat'], from: '22:00', to: '02:00' } });
    expect(recurring).toMatchObject({ ok: true, window: { id: 'sao-luu', source: 'store' } });
    expect(await store.addMaintenance({ id: 'sao-luu', match: {}, every: { from: '01:00', to: '02:00' } })).toMatchObject({ ok: false, reason: 'duplicate-id' });
    expect(await store.addMaintenance({ match: {}, startMs: now, endMs: now - 1 })).toMatchObject({ ok: false, reason: 'invalid' });
    expect(await store.addMaintenance({ id: 'Bad Id', match: {}, every: { from: '01:00', to: '02:00' } })).toMatchObject({ ok: false, reason: 'invalid' });

    const listed = await store.maintenanceWindows();
    const oneOff = listed.find((window) => window.id === added.window.id)!;
    expect(oneOff).toEqual({ id: added.window.id, source: 'store', match: { sites: ['nam-xe'] }, startMs: now - HOUR, endMs: now + 2 * HOUR, comment: 'VNPT kéo cáp quang', by: 'an', createdMs: now });
    expect(listed.find((window) => window.id === 'sao-luu')).toMatchObject({ every: { days: ['sat'], from: '22:00', to: '02:00' }, match: { groups: ['core'] } });
    expect(isActive(oneOff, now, VN)).toBe(true);

    const ended = await store.endMaintenance(added.window.id, now + 1_000);
    expect(ended).toMatchObject({ ok: true, window: { endedMs: now + 1_000 } });
    const after = (await store.maintenanceWindows()).find((window) => window.id === added.window.id)!;
    expect(after).toMatchObject({ endedMs: now + 1_000, comment: 'VNPT kéo cáp quang', startMs: now - HOUR });
    expect(isActive(after, now + 1_000, VN)).toBe(false);
    expect(isActive(after, now + 500, VN)).toBe(true);
    // Still one point: `end` rewrote it.
    expect(await selectRows(settings, `SELECT * FROM "events"."maintenance" WHERE "window" = '${added.window.id}'`)).toHaveLength(1);

    expect(await store.endMaintenance(added.window.id, now + 2_000)).toMatchObject({ ok: false, reason: 'already-ended' });
    expect(await store.endMaintenance('no-such-window', now)).toMatchObject({ ok: false, reason: 'unknown-window' });
    expect(await store.endMaintenance("x' OR ''='", now)).toMatchObject({ ok: false, reason: 'invalid' });
  });

  it('generates another id when the first one is taken', async () => {
    const suffixes = ['beef', 'beef', 'cafe'];
    const local = createControlStore({ settings, timeZone: VN, clock: () => Date.parse('2026-11-27T23:30:00+07:00'), randomSuffix: () => suffixes.shift()! });
    const first = await local.addMaintenance({ match: {}, every: { from: '01:00', to: '02:00' } });
    const second = await local.addMaintenance({ match: {}, every: { from: '01:00', to: '02:00' } });
    expect(first).toMatchObject({ ok: true, window: { id: 'mw-20261127-beef' } });
    expect(second).toMatchObject({ ok: true, window: { id: 'mw-20261127-cafe' } });
  });
});

describe('control store without a usable database', () => {
  it('names the URL, without the password, when InfluxDB is unreachable', async () => {
    const port = await closedTcpPort();
    const store = createControlStore({ settings: { url: `http://lw:s3cret-pw@127.0.0.1:${port}`, database: 'x' }, timeoutMs: 2_000 });
    const error = await store.openAlerts().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(StoreError);
    expect(error).toMatchObject({ name: 'StoreError', reason: 'unreachable', url: `http://127.0.0.1:${port}/` });
    expect((error as Error).message).toMatch(new RegExp(`^cannot reach InfluxDB at http://127\\.0\\.0\\.1:${port}/ \\(ECONNREFUSED\\): is it running\\?`));
    expect((error as Error).message).not.toContain('s3cret-pw');
    await expect(store.acknowledge({ alertId: 'a', by: 'an', atMs: 0 })).rejects.toBeInstanceOf(StoreError);
  });

  it('says the database is missing and how to create it', async () => {
    const store = createControlStore({ settings: { url: URL, database: `lw_missing_${process.pid}` } });
    const error = await store.maintenanceWindows().catch((caught: unknown) => caught);
    expect(error).toMatchObject({ reason: 'database-missing' });
    expect((error as Error).message).toContain(`InfluxDB at ${URL} has no database "lw_missing_${process.pid}"`);
    expect((error as Error).message).toContain('start the collector once');
    await expect(store.addMaintenance({ id: 'w', match: {}, every: { from: '01:00', to: '02:00' } })).rejects.toMatchObject({ reason: 'database-missing' });
  });
});
