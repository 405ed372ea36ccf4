import { describe, expect, it } from 'vitest';
import { createAlertEngine, type AlertControl, type RestoredState } from '../../../collector/alerts/engine.ts';
import type { Notification, Notifier } from '../../../collector/alerts/model.ts';
import type { Point as AnyPoint } from '../../../collector/storage/schema.ts';

type Point = AnyPoint & { tags: Record<string, string | undefined>; fields: Record<string, unknown> };
import type { IcmpResult } from '../../../collector/probes/icmp/probe.ts';
import { silentLogger } from '../../../collector/logger.ts';
import type { MaintenanceWindow } from '../../../collector/alerts/maintenance.ts';
import { parseConfig } from '../../../config/load.ts';
import { shardOfSite, type Shard } from '../../../collector/targets.ts';

// The engine on a small district at the default intervals (ICMP every 30 s, down after 3 rounds,
// up after 2, grouping 10 s), with a hand-driven clock: every scenario of the issue, in minutes of
// simulated time and milliseconds of real time.

const district = (extra = '') => {
  const result = parseConfig(`
collector:
  icmp: {interval: 30s}
  snmp: {interval: 60s}
sites:
  - {id: dc, name: Trung tâm huyện, kind: district-centre, groups: [core]}
  - {id: c1, name: Xã Một, kind: commune, parent: dc, groups: [north]}
  - {id: c2, name: Xã Hai, kind: commune, parent: dc, groups: [north]}
  - {id: c3, name: Xã Ba, kind: commune, parent: dc, groups: [south]}
devices:
  - {id: c1-router, site: c1, role: router, address: 10.1.1.1, snmp: {credentials: {version: 2c, community: x}}}
  - {id: c2-router, site: c2, role: router, address: 10.1.2.1, snmp: {credentials: {version: 2c, community: x}}}
links:
  - {id: dc-tslcd, site: dc, kind: tslcd, targets: [10.0.0.1]}
  - {id: dc-internet, site: dc, kind: internet, targets: [10.0.0.2]}
  - {id: c1-internet, site: c1, kind: internet, provider: VNPT, circuit: HNI-123, supportPhone: "18001166", targets: [10.1.0.1]}
  - {id: c1-tslcd, site: c1, kind: tslcd, upstream: dc-tslcd, targets: [10.1.0.2]}
  - {id: c2-internet, site: c2, kind: internet, targets: [10.2.0.1]}
  - {id: c2-tslcd, site: c2, kind: tslcd, upstream: dc-tslcd, targets: [10.2.0.2]}
  - {id: c3-tslcd, site: c3, kind: tslcd, upstream: dc-tslcd, targets: [10.3.0.2]}
${extra}
`);
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.config;
};

const good = (lossPct = 0, rtt = 20): IcmpResult => ({ ok: true, sent: 5, received: Math.round(5 * (1 - lossPct / 100)), lossPct, rttMinMs: rtt, rttAvgMs: rtt, rttMaxMs: rtt, jitterMs: 1, rttsMs: [] }) as unknown as IcmpResult;
const silent: IcmpResult = { ok: false, reason: 'timeout', message: 'no reply' } as IcmpResult;

function harness(options: { extra?: string; control?: AlertControl; startMs?: number; shard?: Shard; notPolled?: readonly string[]; pollNow?: boolean; snmpEveryMs?: number } = {}) {
  const config = district(options.extra);
  let now = options.startMs ?? Date.UTC(2026, 10, 27, 3, 0, 0);
  const clock = { now: () => now };
  const sent: Notification[] = [];
  const acked: string[] = [];
  const notifier: Notifier = {
    publish: async (notification) => {
      sent.push(notification);
    },
    acknowledge: (alertId) => acked.push(alertId),
    tick: async () => undefined,
    close: async () => undefined,
  };
  const points: Point[] = [];
  /** Devices the engine asked to poll now: polled at the next second, like the scheduler would. */
  const pollRequests: string[] = [];
  const pollSoon = new Set<string>();
  const engine = createAlertEngine({
    config,
    clock,
    notifier,
    sink: { write: (list) => points.push(...(list as Point[])) },
    logger: silentLogger,
    control: options.control,
    shard: options.shard,
    pollNow: options.pollNow
      ? (device) => {
          pollRequests.push(device);
          pollSoon.add(device);
        }
      : undefined,
  });
  /** Which addresses answer now, and how. Everything answers unless told otherwise. */
  const answers = new Map<string, IcmpResult>();
  const silentDevices = new Set<string>();
  const answer = (address: string) => answers.get(address) ?? good();
  // Each link and device has its own offset in the interval, as the scheduler spreads them.
  const offsets = new Map([...config.links, ...config.devices].map((item, index) => [item.id, ((index * 7) % 30) * 1_000]));
  const startMs = now;
  /** Runs the world for `ms`, one second at a time: rounds at their offsets, evaluation each second. */
  const run = async (ms: number) => {
    const end = now + ms;
    while (now < end) {
      now += 1_000;
      for (const link of config.links) {
        if ((now - startMs - offsets.get(link.id)!) % 30_000 !== 0 || options.notPolled?.includes(link.id)) continue;
        engine.observe({ kind: 'icmp-round', link, slotMs: now, results: new Map(link.targets.map((target) => [target.address, answer(target.address)])) });
      }
      for (const device of config.devices) {
        const requested = pollSoon.delete(device.id);
        if ((now - startMs - offsets.get(device.id)!) % (options.snmpEveryMs ?? 60_000) !== 0 && !requested) continue;
        const dead = silentDevices.has(device.id);
        const address = answer(device.address);
        const result = dead || !address.ok ? ({ ok: false, reason: 'timeout', message: 'timeout' } as const) : ({ ok: true, durationMs: 5, system: { uptimeTicks: 100 }, interfaces: [] } as never);
        engine.observe({ kind: 'snmp-poll', device, links: [], slotMs: now, result, address: result.ok ? undefined : address });
      }
      await engine.evaluate();
    }
  };
  const cut = (...addresses: string[]) => addresses.forEach((address) => answers.set(address, silent));
  const restore = (...addresses: string[]) => addresses.forEach((address) => answers.delete(address));
  const addressOf = (linkId: string) => config.links.find((link) => link.id === linkId)!.targets[0]!.address;
  return { engine, sent, acked, points, run, cut, restore, addressOf, silentDevices, answers, now: () => now, config, pollRequests };
}

const firing = (sent: Notification[]) => sent.filter((n) => n.event === 'firing');
const resolved = (sent: Notification[]) => sent.filter((n) => n.event === 'resolved');

describe('alert engine at the default intervals', () => {
  it('notifies a fibre cut once, within two minutes, and its recovery once with the duration', async () => {
    const h = harness();
    await h.run(120_000);
    expect(h.sent).toEqual([]);
    const cutAt = h.now();
    h.cut(h.addressOf('c1-internet'));
    await h.run(10 * 60_000);
    const down = firing(h.sent);
    expect(down).toHaveLength(1);
    expect(down[0]).toMatchObject({ kind: 'link-down', link: { id: 'c1-internet', provider: 'VNPT', circuit: 'HNI-123', supportPhone: '18001166' }, site: { name: 'Xã Một' } });
    expect(down[0]!.atMs - cutAt).toBeLessThan(120_000);
    // The outage is backdated to the first failed round, at most one interval after the cut.
    expect(down[0]!.startedMs - cutAt).toBeGreaterThanOrEqual(0);
    expect(down[0]!.startedMs - cutAt).toBeLessThanOrEqual(30_000);
    const backAt = h.now();
    h.restore(h.addressOf('c1-internet'));
    await h.run(3 * 60_000);
    const up = resolved(h.sent);
    expect(up).toHaveLength(1);
    expect(up[0]!.alertId).toBe(down[0]!.alertId);
    expect(Math.abs(up[0]!.endedMs! - up[0]!.startedMs - (backAt - cutAt))).toBeLessThanOrEqual(30_000);
  });

  it('sends nothing for lost rounds shorter than downAfter, and records them as blips', async () => {
    const h = harness();
    await h.run(60_000);
    h.cut(h.addressOf('c2-internet'));
    await h.run(45_000); // one or two rounds
    h.restore(h.addressOf('c2-internet'));
    await h.run(5 * 60_000);
    expect(h.sent).toEqual([]);
    expect(h.points.filter((p) => p.measurement === 'outage' && p.tags.kind === 'blip' && p.tags.entity === 'c2-internet')).toHaveLength(1);
  });

  it('sends one root-cause message when the district uplink fails, none per commune', async () => {
    const h = harness();
    await h.run(60_000);
    h.cut(h.addressOf('dc-tslcd'), h.addressOf('c1-tslcd'), h.addressOf('c2-tslcd'), h.addressOf('c3-tslcd'));
    await h.run(10 * 60_000);
    expect(firing(h.sent)).toHaveLength(1);
    expect(firing(h.sent)[0]).toMatchObject({ kind: 'upstream-down', link: { id: 'dc-tslcd' } });
    expect(firing(h.sent)[0]!.affectedSites!.map((site) => site.id)).toEqual(['c1', 'c2', 'c3']);
    expect(h.engine.states().links.get('c1-tslcd')).toMatchObject({ state: 'unreachable', cause: 'upstream:dc-tslcd' });
    // c3 has only its TSLCD link: it is unreachable, not dark.
    expect(h.engine.states().sites.get('c3')).toMatchObject({ state: 'unreachable' });
    h.restore(h.addressOf('dc-tslcd'), h.addressOf('c1-tslcd'), h.addressOf('c2-tslcd'), h.addressOf('c3-tslcd'));
    await h.run(3 * 60_000);
    expect(resolved(h.sent)).toHaveLength(1);
  });

  it('calls a site whose links and devices all fall silent dark, in one message', async () => {
    const h = harness();
    await h.run(60_000);
    h.cut(h.addressOf('c1-internet'), h.addressOf('c1-tslcd'), '10.1.1.1');
    h.silentDevices.add('c1-router');
    await h.run(10 * 60_000);
    expect(firing(h.sent).map((n) => n.kind)).toEqual(['site-dark']);
    expect(firing(h.sent)[0]).toMatchObject({ site: { id: 'c1' } });
    h.restore(h.addressOf('c1-internet'), h.addressOf('c1-tslcd'), '10.1.1.1');
    h.silentDevices.delete('c1-router');
    await h.run(5 * 60_000);
    expect(resolved(h.sent).map((n) => n.kind)).toEqual(['site-dark']);
  });

  it('polls a site’s router at once when its links all fail, and tells the dark site within two minutes', async () => {
    // A router polled every 5 minutes could take minutes to show whether the site has power;
    // asked to poll it now, the engine has its answer as soon as the links are decided.
    const h = harness({ pollNow: true, snmpEveryMs: 300_000 });
    await h.run(30_000); // just after the router's poll
    const cutAt = h.now();
    h.cut(h.addressOf('c1-internet'), h.addressOf('c1-tslcd'), '10.1.1.1');
    h.silentDevices.add('c1-router');
    await h.run(5 * 60_000);
    expect(h.pollRequests).toEqual(['c1-router']);
    expect(firing(h.sent).map((n) => n.kind)).toEqual(['site-dark']);
    expect(firing(h.sent)[0]!.atMs - cutAt).toBeLessThan(120_000);
  });

  it('turns a flapping link into one flapping notice and one settled notice', async () => {
    const h = harness();
    await h.run(60_000);
    const address = h.addressOf('c2-internet');
    // Twelve short failures (one round each) a minute apart: never down, always changing.
    for (let i = 0; i < 12; i++) {
      h.cut(address);
      await h.run(30_000);
      h.restore(address);
      await h.run(30_000);
    }
    await h.run(15 * 60_000);
    expect(h.sent.map((n) => `${n.kind}:${n.event}`)).toEqual(['flapping:firing', 'flapping:resolved']);
    expect(h.sent[1]!.settledState).toBe('up');
  });

  it('after flapping that settles in an outage, owes only the recovery', async () => {
    const h = harness();
    await h.run(60_000);
    const address = h.addressOf('c2-internet');
    for (let i = 0; i < 6; i++) {
      h.cut(address);
      await h.run(30_000);
      h.restore(address);
      await h.run(30_000);
    }
    h.cut(address);
    await h.run(12 * 60_000);
    expect(h.sent.map((n) => `${n.kind}:${n.event}:${n.settledState ?? ''}`)).toEqual(['flapping:firing:', 'flapping:resolved:down']);
    // The outage is on record as an open alert (a restart must still owe its recovery)…
    const recorded = h.points.filter((p) => p.measurement === 'alert' && p.tags.kind === 'link-down');
    expect(recorded.map((p) => p.fields.event)).toEqual(['firing']);
    h.restore(address);
    await h.run(2 * 60_000);
    // …and its recovery is the one message more.
    expect(h.sent.slice(2).map((n) => `${n.kind}:${n.event}`)).toEqual(['link-down:resolved']);
    expect(h.sent[2]!.alertId).toBe(recorded[0]!.tags.alert_id);
  });

  it('sends nothing for an outage inside a maintenance window, and still records it', async () => {
    const h = harness({ extra: `alerts:\n  maintenance: [{id: fibre-works, match: {links: [c1-internet]}, every: {from: "00:00", to: "23:59"}}]` });
    await h.run(60_000);
    h.cut(h.addressOf('c1-internet'));
    await h.run(5 * 60_000);
    h.restore(h.addressOf('c1-internet'));
    await h.run(3 * 60_000);
    expect(h.sent).toEqual([]);
    const outage = h.points.filter((p) => p.measurement === 'outage' && p.tags.entity === 'c1-internet' && p.tags.kind === 'outage');
    expect(outage.at(-1)!.fields).toMatchObject({ open: 0, maintenance: 1 });
    expect(h.points.some((p) => p.measurement === 'entity_state' && p.tags.entity === 'c1-internet' && p.fields.state === 'maintenance')).toBe(true);
  });

  it('honours a maintenance window added at run time through the store', async () => {
    let windows: MaintenanceWindow[] = [];
    const control: AlertControl = { acknowledgements: async () => [], maintenanceWindows: async () => windows, restore: async () => ({ entities: [], alerts: [] }) };
    const h = harness({ control });
    await h.run(60_000);
    windows = [{ id: 'mw-1', source: 'store', match: { links: ['c1-internet'] }, startMs: h.now(), endMs: h.now() + 3_600_000 }];
    await h.run(10_000);
    h.cut(h.addressOf('c1-internet'));
    await h.run(5 * 60_000);
    expect(h.sent).toEqual([]);
    expect(h.engine.states().links.get('c1-internet')?.state).toBe('maintenance');
  });

  it('after a restart during an outage, sends no second down message and still the recovery', async () => {
    const first = harness();
    await first.run(60_000);
    first.cut(first.addressOf('c1-internet'));
    await first.run(4 * 60_000);
    expect(firing(first.sent)).toHaveLength(1);
    const alert = firing(first.sent)[0]!;
    // What the control store would read back from InfluxDB: the last states and the open alert.
    const lastState = new Map<string, Point>();
    for (const p of first.points.filter((p) => p.measurement === 'entity_state')) lastState.set(`${p.tags.entity_kind}:${p.tags.entity}`, p);
    const restored: RestoredState = {
      entities: [...lastState.values()].map((p) => ({ kind: p.tags.entity_kind as 'link', id: p.tags.entity!, state: p.fields.state as 'down', sinceMs: p.fields.since_ms as number, cause: p.fields.cause as string | undefined })),
      alerts: [{ alertId: alert.alertId, kind: alert.kind, severity: alert.severity, entityKind: 'link', entity: 'c1-internet', startedMs: alert.startedMs }],
    };
    const control: AlertControl = { acknowledgements: async () => [], maintenanceWindows: async () => [], restore: async () => restored };
    const second = harness({ control, startMs: first.now() + 20_000 });
    second.cut(second.addressOf('c1-internet'));
    await second.engine.start({ start: () => ({ stop: () => undefined }) });
    await second.run(4 * 60_000);
    expect(second.sent).toEqual([]);
    second.restore(second.addressOf('c1-internet'));
    await second.run(3 * 60_000);
    expect(second.sent.map((n) => `${n.event}:${n.alertId}`)).toEqual([`resolved:${alert.alertId}`]);
    expect(second.sent[0]!.startedMs).toBe(alert.startedMs);
  });

  it('reports a link that stays down after its upstream came back, once its recovery time is over', async () => {
    const h = harness();
    await h.run(60_000);
    h.cut(h.addressOf('dc-tslcd'), h.addressOf('c1-tslcd'), h.addressOf('c2-tslcd'), h.addressOf('c3-tslcd'));
    await h.run(4 * 60_000);
    // The upstream returns; c2's TSLCD link does not (its own router hung).
    h.restore(h.addressOf('dc-tslcd'), h.addressOf('c1-tslcd'), h.addressOf('c3-tslcd'));
    await h.run(4 * 60_000);
    expect(firing(h.sent).map((n) => `${n.kind}:${n.link?.id}`)).toEqual(['upstream-down:dc-tslcd', 'link-down:c2-tslcd']);
    expect(resolved(h.sent).map((n) => n.link?.id)).toEqual(['dc-tslcd']);
  });

  it('holds a commune link while its upstream is failing, then reports only the root cause', async () => {
    const h = harness();
    await h.run(60_000);
    // The commune's TSLCD link fails a little before the district's (different offsets).
    h.cut(h.addressOf('c1-tslcd'), h.addressOf('c2-tslcd'), h.addressOf('c3-tslcd'));
    await h.run(5_000);
    h.cut(h.addressOf('dc-tslcd'));
    await h.run(8 * 60_000);
    expect(firing(h.sent).map((n) => `${n.kind}:${n.link?.id}`)).toEqual(['upstream-down:dc-tslcd']);
  });

  it('raises a loss alert after the loss lasted the rule period, and clears it', async () => {
    const h = harness();
    await h.run(60_000);
    h.answers.set(h.addressOf('c2-internet'), good(40));
    await h.run(4 * 60_000);
    expect(h.sent).toEqual([]);
    await h.run(3 * 60_000);
    expect(firing(h.sent).map((n) => n.kind)).toEqual(['loss']);
    expect(firing(h.sent)[0]!.measured).toMatchObject({ value: 40, threshold: 20, unit: '%' });
    h.answers.delete(h.addressOf('c2-internet'));
    await h.run(2 * 60_000);
    expect(resolved(h.sent).map((n) => n.kind)).toEqual(['loss']);
  });

  it('tells a silent SNMP agent from a dead device', async () => {
    const h = harness();
    await h.run(60_000);
    h.silentDevices.add('c2-router'); // the address still answers ping
    await h.run(6 * 60_000);
    expect(firing(h.sent).map((n) => n.kind)).toEqual(['agent-silent']);
    expect(h.engine.states().devices.get('c2-router')?.state).toBe('degraded');
  });

  it('honours per-link hysteresis overrides', async () => {
    const h = harness({ extra: `alerts:\n  overrides: [{match: {links: [c2-internet]}, downAfter: 6}]` });
    await h.run(60_000);
    h.cut(h.addressOf('c2-internet'));
    await h.run(150_000); // five rounds
    expect(h.sent).toEqual([]);
    await h.run(90_000);
    expect(firing(h.sent).map((n) => n.kind)).toEqual(['link-down']);
  });

  it('passes acknowledgements read from the store to the notifier', async () => {
    let acks: { alertId: string; atMs: number }[] = [];
    const control: AlertControl = { acknowledgements: async () => acks, maintenanceWindows: async () => [], restore: async () => ({ entities: [], alerts: [] }) };
    const h = harness({ control });
    await h.run(60_000);
    h.cut(h.addressOf('c1-internet'));
    await h.run(3 * 60_000);
    const alert = firing(h.sent)[0]!;
    acks = [{ alertId: alert.alertId, atMs: h.now() }];
    await h.run(10_000);
    expect(h.acked).toEqual([alert.alertId]);
    expect(h.engine.openAlerts()[0]).toMatchObject({ alertId: alert.alertId, acknowledged: true });
  });

  it('watches another collector by its heartbeats: silent past maxSilence, then back', async () => {
    const h = harness({ extra: `alerts:\n  peers: [{id: huyen-a, name: Bộ thu thập huyện A, maxSilence: 3m}]` });
    expect(h.engine.peerHeartbeat('someone-else')).toBe(false);
    for (let i = 0; i < 5; i++) {
      expect(h.engine.peerHeartbeat('huyen-a')).toBe(true);
      await h.run(60_000);
    }
    expect(h.sent).toEqual([]);
    await h.run(3 * 60_000 + 2_000);
    expect(firing(h.sent).map((n) => `${n.kind}:${n.detail}`)).toEqual(['peer-silent:Bộ thu thập huyện A']);
    expect(firing(h.sent)[0]!.site).toBeUndefined();
    h.engine.peerHeartbeat('huyen-a');
    await h.run(2_000);
    expect(resolved(h.sent).map((n) => n.kind)).toEqual(['peer-silent']);
  });

  it('with scope watched, tells an interface that went down while enabled, among the watched ones only', async () => {
    const result = parseConfig(`
sites: [{id: dc, name: DC, kind: district-centre}]
devices:
  - {id: sw, site: dc, role: switch, address: 10.0.0.3, snmp: {credentials: {version: 2c, community: x}}, interfaces: [{index: "1-2"}]}
alerts:
  grouping: 1s
  rules: {interfaceDown: {scope: watched}}
`);
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    const config = result.config;
    let now = Date.UTC(2026, 10, 27, 3, 0, 0);
    const sent: Notification[] = [];
    const engine = createAlertEngine({
      config,
      clock: { now: () => now },
      notifier: { publish: async (n) => void sent.push(n), acknowledge: () => undefined, tick: async () => undefined, close: async () => undefined },
      sink: { write: () => undefined },
      logger: silentLogger,
    });
    const port = (index: number, oper: 'up' | 'down', admin: 'up' | 'down' = 'up') =>
      ({ index, name: `port${index}`, descr: `port${index}`, alias: '', type: 6, typeName: 'ethernetCsmacd', speedBps: 1e9, operStatus: oper, adminStatus: admin, counterBits: 64, inOctets: 0n, outOctets: 0n }) as const;
    const poll = async (ports: ReturnType<typeof port>[]) => {
      now += 60_000;
      engine.observe({ kind: 'snmp-poll', device: config.devices[0]!, links: [], slotMs: now, result: { ok: true, system: { uptimeTicks: 100 }, interfaces: ports, durationMs: 5 } as never });
      for (let i = 0; i < 3; i++) {
        now += 1_000;
        await engine.evaluate();
      }
    };
    await poll([port(1, 'up'), port(2, 'up'), port(3, 'up')]);
    // Port 2 (watched) unplugged; port 3 (not watched) too; port 1 switched off by an operator.
    await poll([port(1, 'down', 'down'), port(2, 'down'), port(3, 'down')]);
    expect(sent.map((n) => `${n.kind}:${n.event}:${n.interface}`)).toEqual(['interface-down:firing:port2']);
    await poll([port(1, 'down', 'down'), port(2, 'up'), port(3, 'down')]);
    expect(sent.map((n) => `${n.kind}:${n.event}:${n.interface}`)).toEqual(['interface-down:firing:port2', 'interface-down:resolved:port2']);
  });

  it('raises the collector-write alert when points cannot be written for the rule period', async () => {
    const h = harness();
    await h.run(10_000);
    h.engine.writerHealth(false);
    await h.run(4 * 60_000);
    expect(h.sent).toEqual([]);
    await h.run(70_000);
    expect(firing(h.sent).map((n) => n.kind)).toEqual(['collector-write']);
    h.engine.writerHealth(true);
    await h.run(2_000);
    expect(resolved(h.sent).map((n) => n.kind)).toEqual(['collector-write']);
  });

  it('reads the state of an upstream polled by another collector from the shared store', async () => {
    // This collector's shard holds the communes but not the district centre.
    const shard = { index: shardOfSite('dc', 2) === 1 ? 2 : 1, count: 2 };
    let upstream: { state: 'up' | 'down'; sinceMs: number } = { state: 'up', sinceMs: 0 };
    const control: AlertControl = {
      acknowledgements: async () => [],
      maintenanceWindows: async () => [],
      restore: async () => ({ entities: [], alerts: [] }),
      sharedLinkStates: async (ids) => new Map(ids.includes('dc-tslcd') ? [['dc-tslcd', upstream]] : []),
    };
    const h = harness({ control, shard, notPolled: ['dc-tslcd', 'dc-internet'] });
    await h.run(60_000);
    upstream = { state: 'down', sinceMs: h.now() };
    const communes = ['c1-tslcd', 'c2-tslcd', 'c3-tslcd'].filter((id) => shardOfSite(h.config.links.find((link) => link.id === id)!.site, 2) === shard.index);
    h.cut(...communes.map((id) => h.addressOf(id)));
    await h.run(5 * 60_000);
    // The other collector tells the root cause; this one says nothing of the links behind it.
    expect(h.sent).toEqual([]);
    for (const id of communes) expect(h.engine.states().links.get(id)).toMatchObject({ state: 'unreachable', cause: 'upstream:dc-tslcd' });
  });

  it('keeps deciding with what it knew when the store cannot be read', async () => {
    const control: AlertControl = {
      acknowledgements: async () => {
        throw new Error('InfluxDB at http://127.0.0.1:8086 is unreachable');
      },
      maintenanceWindows: async () => {
        throw new Error('InfluxDB at http://127.0.0.1:8086 is unreachable');
      },
      restore: async () => {
        throw new Error('InfluxDB at http://127.0.0.1:8086 is unreachable');
      },
    };
    const h = harness({ control });
    await h.engine.start({ start: () => ({ stop: () => undefined }) });
    await h.run(60_000);
    h.cut(h.addressOf('c1-internet'));
    await h.run(3 * 60_000);
    expect(firing(h.sent).map((n) => n.kind)).toEqual(['link-down']);
  });
});
