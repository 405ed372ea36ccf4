import { describe, expect, it } from 'vitest';
import { cleanCutNoticeMs } from '../../../collector/alerts/deadline.ts';
import { createAlertEngine, type AlertControl, type RestoredState } from '../../../collector/alerts/engine.ts';
import type { Notification, Notifier } from '../../../model/alerts.ts';
import type { Point as AnyPoint } from '../../../store/schema.ts';

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

/** A round of 5 echoes that lost `lossPct` of them, the first ones (so no run of lost echoes
 * is left open at the end of the round). */
const good = (lossPct = 0, rtt = 20): IcmpResult => {
  const lost = Math.round(5 * (lossPct / 100));
  const rttsMs = Array.from({ length: 5 }, (_, index) => (index < lost ? null : rtt));
  return { ok: true, sent: 5, received: 5 - lost, lossPct, rttMinMs: rtt, rttAvgMs: rtt, rttMaxMs: rtt, jitterMs: 1, rttsMs };
};
const silent: IcmpResult = { ok: false, reason: 'timeout', message: 'no reply' } as IcmpResult;
/** Rounds that lose each echo with probability `percent`, from a seeded generator. */
const lossy = (percent: number, seed = 1) => {
  let state = seed >>> 0 || 1;
  const next = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
  return {
    draw: next,
    round: (): IcmpResult => {
      const rttsMs = Array.from({ length: 5 }, () => (next() < percent / 100 ? null : 20));
      const received = rttsMs.filter((rtt) => rtt !== null).length;
      if (received === 0) return silent;
      return { ok: true, sent: 5, received, lossPct: ((5 - received) / 5) * 100, rttMinMs: 20, rttAvgMs: 20, rttMaxMs: 20, jitterMs: 1, rttsMs };
    },
  };
};

type Answer = IcmpResult | (() => IcmpResult);

function harness(options: { extra?: string; config?: string; control?: AlertControl; startMs?: number; shard?: Shard; notPolled?: readonly string[]; pollNow?: boolean; pingNow?: boolean; snmpEveryMs?: number; icmpEveryMs?: number } = {}) {
  const parsed = options.config === undefined ? undefined : parseConfig(options.config);
  if (parsed && !parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  const config = parsed?.ok ? parsed.config : district(options.extra);
  const icmpEveryMs = options.icmpEveryMs ?? 30_000;
  const snmpEveryMs = options.snmpEveryMs ?? 60_000;
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
  /** Links the engine asked to ping now (before a down message leaves), as the collector does. */
  const pingRequests: string[] = [];
  const pingSoon = new Set<string>();
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
    pingNow:
      options.pingNow === false
        ? undefined
        : (link) => {
            pingRequests.push(link);
            pingSoon.add(link);
          },
  });
  /** Which addresses answer now, and how. Everything answers unless told otherwise. */
  const answers = new Map<string, Answer>();
  const silentDevices = new Set<string>();
  /** Agents that answer a poll only when this says so (a lossy path). */
  const agentAnswers = new Map<string, () => boolean>();
  const answer = (address: string) => {
    const given = answers.get(address) ?? good();
    return typeof given === 'function' ? given() : given;
  };
  // Each link and device has its own offset in the interval, as the scheduler spreads them.
  const offsets = new Map([...config.links, ...config.devices].map((item, index) => [item.id, ((index * 7) % 30) * 1_000]));
  const startMs = now;
  /** Runs the world for `ms`, one second at a time: rounds at their offsets, evaluation each second. */
  const run = async (ms: number) => {
    const end = now + ms;
    while (now < end) {
      now += 1_000;
      for (const link of config.links) {
        const requested = pingSoon.delete(link.id);
        if (((now - startMs - (offsets.get(link.id)! % icmpEveryMs)) % icmpEveryMs !== 0 && !requested) || options.notPolled?.includes(link.id)) continue;
        engine.observe({ kind: 'icmp-round', link, slotMs: now, results: new Map(link.targets.map((target) => [target.address, answer(target.address)])) });
      }
      for (const device of config.devices) {
        const requested = pollSoon.delete(device.id);
        if ((now - startMs - offsets.get(device.id)!) % snmpEveryMs !== 0 && !requested) continue;
        const dead = silentDevices.has(device.id) || agentAnswers.get(device.id)?.() === false;
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
  return { engine, sent, acked, points, run, cut, restore, addressOf, silentDevices, agentAnswers, answers, now: () => now, config, pollRequests, pingRequests };
}

/** A switch whose watched interfaces go down and up, with `interfaceDown: {scope: watched}`;
 * `poll` is one SNMP poll followed by a few evaluations (an alert must not open and close
 * between them). */
function watchedSwitch(options: { names: readonly string[]; selector?: string; control?: AlertControl }) {
  const result = parseConfig(`
sites: [{id: dc, name: DC, kind: district-centre}]
devices:
  - {id: sw, site: dc, role: switch, address: 10.0.0.3, snmp: {credentials: {version: 2c, community: x}}${options.selector ? `, ${options.selector}` : ''}}
alerts:
  grouping: 1s
  rules: {interfaceDown: {scope: watched}}
`);
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  const config = result.config;
  let now = Date.UTC(2026, 10, 27, 3, 0, 0);
  const sent: Notification[] = [];
  const points: Point[] = [];
  const engine = createAlertEngine({
    config,
    clock: { now: () => now },
    notifier: { publish: async (n) => void sent.push(n), acknowledge: () => undefined, tick: async () => undefined, close: async () => undefined },
    sink: { write: (list) => points.push(...(list as Point[])) },
    logger: silentLogger,
    control: options.control,
  });
  const port = (index: number, oper: 'up' | 'down', admin: 'up' | 'down' = 'up') => {
    const name = options.names[index - 1]!;
    return { index, name, descr: name, alias: '', type: 6, typeName: 'ethernetCsmacd', speedBps: 1e9, operStatus: oper, adminStatus: admin, counterBits: 64, inOctets: 0n, outOctets: 0n } as const;
  };
  const poll = async (ports: ReturnType<typeof port>[]) => {
    now += 60_000;
    engine.observe({ kind: 'snmp-poll', device: config.devices[0]!, links: [], slotMs: now, result: { ok: true, system: { uptimeTicks: 100 }, interfaces: ports, durationMs: 5 } as never });
    for (let i = 0; i < 5; i++) {
      now += 1_000;
      await engine.evaluate();
    }
  };
  return { engine, sent, points, port, poll };
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

  it('tells short failures a round long, over and over, as loss, not as outages or flapping', async () => {
    const h = harness();
    await h.run(60_000);
    const address = h.addressOf('c2-internet');
    // Twelve failures of one round, a minute apart: each is shorter than a decision.
    for (let i = 0; i < 12; i++) {
      h.cut(address);
      await h.run(30_000);
      h.restore(address);
      await h.run(30_000);
    }
    await h.run(15 * 60_000);
    expect(h.sent.map((n) => `${n.kind}:${n.event}`)).toEqual(['loss:firing', 'loss:resolved']);
    expect(h.sent[0]!.measured!.value).toBeGreaterThanOrEqual(40);
  });

  it('after flapping that settles in an outage, owes only the recovery', async () => {
    const h = harness();
    await h.run(60_000);
    const address = h.addressOf('c2-internet');
    // Outages of three rounds, three minutes apart: down, up, down again is flapping.
    for (let i = 0; i < 3; i++) {
      h.cut(address);
      await h.run(90_000);
      h.restore(address);
      await h.run(90_000);
    }
    h.cut(address);
    await h.run(12 * 60_000);
    const kinds = h.sent.map((n) => `${n.kind}:${n.event}:${n.settledState ?? ''}`);
    // The first outage is its own (told as it happened); from the second on, one flapping alert.
    expect(kinds.filter((kind) => !kind.startsWith('link-down'))).toEqual(['flapping:firing:', 'flapping:resolved:down']);
    expect(kinds.filter((kind) => kind.startsWith('link-down'))).toEqual(['link-down:firing:', 'link-down:resolved:']);
    // The outage is on record as an open alert (a restart must still owe its recovery)…
    const owed = h.points.filter((p) => p.measurement === 'alert' && p.tags.kind === 'link-down').at(-1)!;
    expect(owed.fields.event).toBe('firing');
    h.restore(address);
    await h.run(2 * 60_000);
    // …and its recovery is the one message more.
    expect(h.sent.at(-1)).toMatchObject({ kind: 'link-down', event: 'resolved', alertId: owed.tags.alert_id });
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

  it('raises a loss alert once the loss over the rule period is above the threshold, and clears it after a hold-down below `below`', async () => {
    const h = harness();
    await h.run(60_000);
    h.answers.set(h.addressOf('c2-internet'), good(40));
    await h.run(4 * 60_000);
    expect(h.sent).toEqual([]);
    await h.run(2 * 60_000);
    expect(firing(h.sent).map((n) => n.kind)).toEqual(['loss']);
    // The loss over the last five minutes, lossy rounds and the clean ones before them.
    expect(firing(h.sent)[0]!.measured).toMatchObject({ threshold: 20, unit: '%' });
    expect(firing(h.sent)[0]!.measured!.value).toBeGreaterThan(20);
    expect(firing(h.sent)[0]!.measured!.value).toBeLessThanOrEqual(40);
    expect(h.engine.states().links.get('c2-internet')).toMatchObject({ state: 'degraded', cause: 'loss' });
    h.answers.delete(h.addressOf('c2-internet'));
    // The window empties of the lossy rounds (at or below 10 % after about four minutes), and
    // the loss must stay there five minutes more: a hold-down, so one clean spell is not news.
    await h.run(6 * 60_000);
    expect(resolved(h.sent)).toEqual([]);
    await h.run(4 * 60_000);
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
    const { sent, port, poll } = watchedSwitch({ names: ['port1', 'port2', 'port3'], selector: 'interfaces: [{index: "1-2"}]' });
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

// A town hub with three communes behind its TSLCD line, and a commune with a single internet
// line and a router reached through it: the topologies of issue 14's field trial.
const hubDistrict = (collector: string, extra = '') => `
collector: ${collector}
sites:
  - {id: dc, name: Trung tâm huyện, kind: district-centre}
  - {id: hub, name: Thị trấn, kind: town, parent: dc}
  - {id: k1, name: Xã K1, kind: commune, parent: hub}
  - {id: k2, name: Xã K2, kind: commune, parent: hub}
  - {id: k3, name: Xã K3, kind: commune, parent: hub}
  - {id: solo, name: Xã Một Đường, kind: commune, parent: dc}
devices:
  - {id: hub-router, site: hub, role: router, address: 10.9.0.1, snmp: {credentials: {version: 2c, community: x}}}
  - {id: k1-router, site: k1, role: router, address: 10.9.1.1, snmp: {credentials: {version: 2c, community: x}}}
  - {id: k2-router, site: k2, role: router, address: 10.9.2.1, snmp: {credentials: {version: 2c, community: x}}}
  - {id: k3-router, site: k3, role: router, address: 10.9.3.1, snmp: {credentials: {version: 2c, community: x}}}
  - {id: solo-router, site: solo, role: router, address: 10.9.5.1, snmp: {credentials: {version: 2c, community: x}}}
links:
  - {id: dc-tslcd, site: dc, kind: tslcd, targets: [10.0.0.1]}
  - {id: hub-internet, site: hub, kind: internet, targets: [10.9.0.3]}
  - {id: hub-tslcd, site: hub, kind: tslcd, upstream: dc-tslcd, targets: [10.9.0.2]}
  - {id: k1-tslcd, site: k1, kind: tslcd, upstream: hub-tslcd, targets: [10.9.1.2]}
  - {id: k2-tslcd, site: k2, kind: tslcd, upstream: hub-tslcd, targets: [10.9.2.2]}
  - {id: k3-tslcd, site: k3, kind: tslcd, upstream: hub-tslcd, targets: [10.9.3.2]}
  - {id: solo-internet, site: solo, kind: internet, provider: Viettel, targets: [10.9.5.2]}
${extra}
`;

describe('alert engine on the field trial’s fault patterns', () => {
  const events = (sent: Notification[]) => sent.map((n) => `${n.kind}:${n.event}`);
  /** The solo commune cut off: its line and the router behind it. */
  const soloDown = (h: ReturnType<typeof harness>) => {
    h.cut(h.addressOf('solo-internet'), '10.9.5.1');
    h.silentDevices.add('solo-router');
  };
  const soloUp = (h: ReturnType<typeof harness>) => {
    h.restore(h.addressOf('solo-internet'), '10.9.5.1');
    h.silentDevices.delete('solo-router');
  };

  it.each([
    ['the defaults (ICMP every 30 s)', '{}', 30_000, 120_000],
    ['ICMP every 15 s', '{icmp: {interval: 15s}}', 15_000, 60_000],
  ])('tells a clean cut within the deadline at %s, whatever the phase of the rounds', async (_name, collector, icmpEveryMs, deadlineMs) => {
    let worst = 0;
    for (let phase = 0; phase < icmpEveryMs; phase += 3_000) {
      const h = harness({ config: hubDistrict(collector), icmpEveryMs });
      await h.run(60_000 + phase);
      const cutAt = h.now();
      h.cut(h.addressOf('hub-internet'));
      await h.run(3 * 60_000);
      const down = firing(h.sent);
      expect(down.map((n) => `${n.kind}:${n.link?.id}`)).toEqual(['link-down:hub-internet']);
      worst = Math.max(worst, down[0]!.atMs - cutAt);
      // Backdated to the first lost echo: never before the cut, at most an interval after it.
      expect(down[0]!.startedMs).toBeGreaterThanOrEqual(cutAt);
      expect(down[0]!.startedMs - cutAt).toBeLessThanOrEqual(icmpEveryMs);
    }
    expect(worst).toBeLessThan(deadlineMs);
    // The README's arithmetic: two rounds' worth of echoes, the evaluation second, the grouping
    // delay and one more ping of the link before the message leaves: no more.
    const parsed = parseConfig(hubDistrict(collector));
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
    expect(worst).toBeLessThanOrEqual(cleanCutNoticeMs({ icmp: parsed.config.collector.icmp, alerts: parsed.config.alerts, evaluationMs: 1_000 }));
  });

  it.each([
    ['the defaults (ICMP every 30 s)', '{}', 30_000, 120_000],
    ['ICMP every 15 s', '{icmp: {interval: 15s}}', 15_000, 60_000],
  ])('tells the cut of a commune’s only line (its router behind it) within the deadline at %s', async (_name, collector, icmpEveryMs, deadlineMs) => {
    for (let phase = 0; phase < 60_000; phase += 7_000) {
      const h = harness({ config: hubDistrict(collector), icmpEveryMs, pollNow: true });
      await h.run(60_000 + phase);
      const cutAt = h.now();
      soloDown(h);
      await h.run(3 * 60_000);
      // Line or power, nobody can tell from outside: the site is dark, in one message.
      expect(events(h.sent)).toEqual(['site-dark:firing']);
      expect(h.sent[0]!.atMs - cutAt).toBeLessThan(deadlineMs);
    }
  });

  it('says nothing of 20 % random loss for a day but one loss alert, and never calls the link down', async () => {
    const h = harness({ config: hubDistrict('{}') });
    await h.run(60_000);
    const loss = lossy(20, 7);
    h.answers.set(h.addressOf('hub-internet'), loss.round);
    await h.run(6 * 3_600_000);
    expect(events(h.sent)).toEqual(['loss:firing']);
    expect(h.points.some((p) => p.measurement === 'outage' && p.tags.entity === 'hub-internet' && p.tags.kind === 'outage')).toBe(false);
  });

  it('keeps a child behind a hub quiet when its own recovery lags the hub’s: one alert, one recovery', async () => {
    const h = harness({ config: hubDistrict('{icmp: {interval: 15s}}'), icmpEveryMs: 15_000 });
    await h.run(2 * 60_000);
    const children = ['k1', 'k2', 'k3'];
    h.cut(h.addressOf('hub-tslcd'), ...children.map((id) => h.addressOf(`${id}-tslcd`)), ...children.map((_, i) => `10.9.${i + 1}.1`));
    for (const id of children) h.silentDevices.add(`${id}-router`);
    await h.run(5 * 60_000);
    expect(events(h.sent)).toEqual(['upstream-down:firing']);
    expect(h.sent[0]!.affectedSites!.map((site) => site.id)).toEqual(['k1', 'k2', 'k3']);
    // The hub's line comes back first; one child's line and router a round later.
    h.restore(h.addressOf('hub-tslcd'), h.addressOf('k1-tslcd'), h.addressOf('k3-tslcd'), '10.9.1.1', '10.9.3.1');
    h.silentDevices.delete('k1-router');
    h.silentDevices.delete('k3-router');
    await h.run(20_000);
    h.restore(h.addressOf('k2-tslcd'), '10.9.2.1');
    h.silentDevices.delete('k2-router');
    await h.run(10 * 60_000);
    expect(events(h.sent)).toEqual(['upstream-down:firing', 'upstream-down:resolved']);
  });

  it('reports a child still down after the hub’s recovery and its grace, with its real start', async () => {
    const h = harness({ config: hubDistrict('{icmp: {interval: 15s}}'), icmpEveryMs: 15_000 });
    await h.run(2 * 60_000);
    h.cut(h.addressOf('hub-tslcd'), h.addressOf('k1-tslcd'), h.addressOf('k2-tslcd'), h.addressOf('k3-tslcd'));
    const cutAt = h.now();
    await h.run(3 * 60_000);
    h.restore(h.addressOf('hub-tslcd'), h.addressOf('k1-tslcd'), h.addressOf('k3-tslcd'));
    await h.run(5 * 60_000);
    expect(events(h.sent)).toEqual(['upstream-down:firing', 'upstream-down:resolved', 'link-down:firing']);
    expect(h.sent[2]!.link!.id).toBe('k2-tslcd');
    expect(h.sent[2]!.startedMs - cutAt).toBeLessThanOrEqual(15_000);
  });

  it('keeps quiet about a line that lags its site’s return from a short power cut', async () => {
    const h = harness({ config: hubDistrict('{icmp: {interval: 15s}}'), icmpEveryMs: 15_000, pollNow: true });
    await h.run(2 * 60_000);
    soloDown(h);
    // One round of the line lost, and the router found silent (polled at once): the site is
    // failing as a whole, not decided dark yet.
    await h.run(15_000);
    expect(h.engine.states().sites.get('solo')).toMatchObject({ dark: false, allFailing: true });
    // Power is back: the router answers, its line only 20 s later (a round more lost: decided
    // down after the site came back).
    h.restore('10.9.5.1');
    h.silentDevices.delete('solo-router');
    await h.run(20_000);
    h.restore(h.addressOf('solo-internet'));
    await h.run(5 * 60_000);
    expect(h.points.some((p) => p.measurement === 'entity_state' && p.tags.entity === 'solo-internet' && p.fields.state === 'down')).toBe(true);
    expect(events(h.sent)).toEqual([]);
  });

  it('tells a link going down 40 s and up 40 s six times as one flapping alert, the site and router included', async () => {
    const h = harness({ config: hubDistrict('{icmp: {interval: 15s}}'), icmpEveryMs: 15_000, pollNow: true });
    await h.run(2 * 60_000);
    for (let i = 0; i < 6; i++) {
      soloDown(h);
      await h.run(40_000);
      soloUp(h);
      await h.run(40_000);
    }
    await h.run(15 * 60_000);
    const told = events(h.sent);
    // The first outage on its own (in one message when it was over before its message left),
    // then one flapping alert for everything at the site.
    const flapping = told.filter((event) => event.startsWith('flapping'));
    expect(flapping).toEqual(['flapping:firing', 'flapping:resolved']);
    const before = told.slice(0, told.indexOf('flapping:firing'));
    expect(before.length).toBeLessThanOrEqual(2);
    expect(told.slice(told.indexOf('flapping:firing'))).toEqual(['flapping:firing', 'flapping:resolved']);
    expect(h.sent.find((n) => n.kind === 'flapping')!.link!.id).toBe('solo-internet');
    expect(h.sent.find((n) => n.event === 'resolved' && n.kind === 'flapping')!.settledState).toBe('up');
    // Detected at the third change: the second outage, well within the first three minutes.
    expect(h.sent.find((n) => n.kind === 'flapping')!.atMs - h.sent.find((n) => n.kind === 'flapping')!.startedMs).toBeLessThan(3 * 60_000);
  });

  it('tells an outage that was over before its message left in one message', async () => {
    // The router is polled every 5 minutes: the site may be going dark, so the link's message
    // waits for it, and the link is back before the wait is over.
    const h = harness({ config: hubDistrict('{icmp: {interval: 15s}}'), icmpEveryMs: 15_000, snmpEveryMs: 300_000 });
    await h.run(2 * 60_000);
    const cutAt = h.now();
    h.cut(h.addressOf('solo-internet'));
    await h.run(40_000);
    const backAt = h.now();
    h.restore(h.addressOf('solo-internet'));
    await h.run(3 * 60_000);
    expect(events(h.sent)).toEqual(['link-down:brief']);
    const brief = h.sent[0]!;
    expect(brief.startedMs - cutAt).toBeLessThanOrEqual(15_000);
    expect(brief.endedMs! - backAt).toBeGreaterThanOrEqual(0);
    expect(brief.endedMs! - backAt).toBeLessThanOrEqual(15_000);
    // Recorded closed: nothing left open for `alerts list` or a restart.
    expect(h.engine.openAlerts()).toEqual([]);
    expect(h.points.filter((p) => p.measurement === 'alert').map((p) => p.fields.event)).toEqual(['brief']);
  });

  it('pings a down link once more before its message leaves: back by then, it is one brief message', async () => {
    const play = async (pingNow: boolean) => {
      const h = harness({ config: hubDistrict('{}'), pingNow });
      // hub-internet's rounds fall 7 s into each half minute: cut at 60 s, rounds at 67 s and
      // 97 s fail (decided down), back at 100 s, before the message leaves at 107 s.
      await h.run(60_000);
      h.cut(h.addressOf('hub-internet'));
      await h.run(40_000);
      h.restore(h.addressOf('hub-internet'));
      await h.run(2 * 60_000);
      return h;
    };
    const checked = await play(true);
    expect(checked.pingRequests).toEqual(['hub-internet']);
    expect(events(checked.sent)).toEqual(['link-down:brief']);
    // Without the last ping the down leaves, and its recovery follows.
    expect(events((await play(false)).sent)).toEqual(['link-down:firing', 'link-down:resolved']);
  });

  it('does not wait on a slow router past the deadline, and refines the same alert when it answers', async () => {
    const h = harness({ config: hubDistrict('{icmp: {interval: 15s}}'), icmpEveryMs: 15_000, snmpEveryMs: 300_000 });
    // The router was polled at 5 min 17 s and is next polled at 10 min 17 s: cut at 8 min, its
    // answer comes 137 s after the cut.
    await h.run(8 * 60_000);
    const cutAt = h.now();
    soloDown(h);
    await h.run(8 * 60_000);
    expect(events(h.sent)).toEqual(['link-down:firing', 'site-dark:updated']);
    // Sent by alerts.notifyWithin (100 s) after the cut could have been (a round before the first
    // lost echo), not when the router answered.
    expect(h.sent[0]!.atMs - (h.sent[0]!.startedMs - 15_000)).toBeLessThanOrEqual(100_000 + 3_000);
    expect(h.sent[0]!.atMs - cutAt).toBeLessThanOrEqual(100_000 + 3_000);
    expect(h.sent[1]!.alertId).toBe(h.sent[0]!.alertId);
    expect(h.sent[1]).toMatchObject({ kind: 'site-dark', site: { id: 'solo' }, startedMs: h.sent[0]!.startedMs });
    soloUp(h);
    await h.run(3 * 60_000);
    expect(events(h.sent)).toEqual(['link-down:firing', 'site-dark:updated', 'site-dark:resolved']);
    expect(h.sent[2]!.alertId).toBe(h.sent[0]!.alertId);
  });

  it('explains SNMP failures on a lossy path by the loss: degraded once, never a silent agent', async () => {
    const h = harness({ config: hubDistrict('{}') });
    await h.run(60_000);
    // 30 % of packets lost between the collector and the hub: echoes and SNMP alike.
    const path = lossy(30, 11);
    h.answers.set(h.addressOf('hub-internet'), path.round);
    h.answers.set(h.addressOf('hub-tslcd'), path.round);
    h.answers.set('10.9.0.1', () => {
      const rttsMs = [0, 1, 2].map(() => (path.draw() < 0.3 ? null : 20));
      const received = rttsMs.filter((rtt) => rtt !== null).length;
      return received === 0 ? silent : { ok: true, sent: 3, received, lossPct: ((3 - received) / 3) * 100, rttMinMs: 20, rttAvgMs: 20, rttMaxMs: 20, jitterMs: 1, rttsMs };
    });
    // Each try loses its request or its answer with 1 − 0.7²; two tries per poll.
    h.agentAnswers.set('hub-router', () => path.draw() > (1 - 0.7 ** 2) ** 2);
    await h.run(4 * 3_600_000);
    const told = events(h.sent);
    expect(told.filter((event) => event.startsWith('agent-silent'))).toEqual([]);
    expect(told.filter((event) => !event.startsWith('loss'))).toEqual([]);
    // One loss alert per lossy link, each raised once.
    expect(h.sent.filter((n) => n.kind === 'loss' && n.event === 'firing').map((n) => n.link!.id).sort()).toEqual(['hub-internet', 'hub-tslcd']);
  });

  it('still tells a silent agent on a clean path', async () => {
    const h = harness({ config: hubDistrict('{}') });
    await h.run(60_000);
    h.silentDevices.add('hub-router');
    await h.run(4 * 60_000);
    expect(events(h.sent)).toEqual(['agent-silent:firing']);
  });
});

describe('interface alerts keep the interface name whole', () => {
  const names = ['Gi0/0/1', 'ge-0/0/0.0', 'Port 3 (WAN)', 'Cổng WAN 2'];
  const setup = (control?: AlertControl) => {
    const sw = watchedSwitch({ names, control });
    return { ...sw, poll: (down: readonly number[]) => sw.poll(names.map((_, i) => sw.port(i + 1, down.includes(i + 1) ? 'down' : 'up'))) };
  };

  it('opens one alert per interface that went down and closes it once, whatever its name holds', async () => {
    const { sent, points, poll } = setup();
    await poll([]);
    await poll([1, 2, 3, 4]);
    await poll([1, 2, 3, 4]);
    await poll([1, 2, 3, 4]);
    expect(sent.map((n) => `${n.event}:${n.interface}`)).toEqual(names.map((name) => `firing:${name}`));
    expect(sent.every((n) => n.device?.id === 'sw')).toBe(true);
    await poll([]);
    expect(sent.filter((n) => n.event === 'resolved').map((n) => n.interface)).toEqual(names);
    // The record keeps the device and the interface apart.
    const fired = points.filter((p) => p.measurement === 'alert' && p.fields.event === 'firing');
    expect(fired.map((p) => [p.fields.entity, p.fields.interface])).toEqual(names.map((name) => ['sw', name]));
  });

  it('restores an open interface alert, written with the interface apart or in the old device/ifName form', async () => {
    const restored: RestoredState = {
      entities: [],
      alerts: [
        { alertId: 'a-new', kind: 'interface-down', severity: 'warning', entityKind: 'device', entity: 'sw', interface: 'Gi0/0/1', startedMs: 1 },
        { alertId: 'a-old', kind: 'interface-down', severity: 'warning', entityKind: 'device', entity: 'sw/ge-0/0/0.0', startedMs: 1 },
      ],
    };
    const { engine, sent, poll } = setup({ acknowledgements: async () => [], maintenanceWindows: async () => [], restore: async () => restored });
    await engine.start({ start: () => ({ stop: () => undefined }) });
    expect(engine.openAlerts().map((alert) => alert.alertId).sort()).toEqual(['a-new', 'a-old']);
    await poll([1, 2]);
    await poll([1, 2]);
    // Still down: the restored alerts stay open and nothing is sent again…
    expect(sent).toEqual([]);
    expect(engine.openAlerts()).toHaveLength(2);
    await poll([]);
    // …and each resolves once the interface is back.
    expect(sent.map((n) => `${n.event}:${n.alertId}:${n.interface}`).sort()).toEqual(['resolved:a-new:Gi0/0/1', 'resolved:a-old:ge-0/0/0.0']);
  });
});
