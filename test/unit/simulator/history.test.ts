import { describe, expect, it } from 'vitest';
import type { Device, Link, Site } from '../../../config/schema.ts';
import { community } from '../../helpers/sim-credentials.ts';
import { district, simulated } from '../../helpers/simulated-inventory.ts';
import type { SimDeviceSpec } from '../../../simulator/contracts.ts';
import { createSimDevice } from '../../../simulator/device.ts';
import {
  backfillPieces,
  busyWindows,
  deviceConditionAt,
  faultEdges,
  historyTiers,
  icmpResultAt,
  indexFaults,
  linkConditionAt,
  planHistoryFaults,
  pollRequests,
  QUIET_END_MS,
  snmpResultAt,
  withMinimumIntervals,
  writeHistory,
  type HistoryFault,
} from '../../../simulator/history.ts';
import type { Point } from '../../../store/schema.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** A Tuesday, 10:00 in Vietnam. */
const T0 = Date.parse('2026-11-24T10:00:00+07:00');

describe('planHistoryFaults', () => {
  const config = district(12);
  const week = { config, fromMs: T0 - 7 * DAY, toMs: T0 };

  /** What a fault occupies: its link, device or site, and a site's links and devices with it. */
  const entitiesOf = (fault: HistoryFault): string[] => {
    if (fault.kind === 'site-dark') return [`site:${fault.site}`, ...config.links.filter((l) => l.site === fault.site).map((l) => `link:${l.id}`), ...config.devices.filter((d) => d.site === fault.site).map((d) => `device:${d.id}`)];
    if (fault.kind === 'agent-silent') return [`device:${fault.device}`, `site:${config.devices.find((d) => d.id === fault.device)!.site}`];
    const link = config.links.find((l) => l.id === fault.link)!;
    return [`link:${link.id}`, `site:${link.site}`, ...(link.device ? [`device:${link.device}`] : [])];
  };

  it.each([1, 2, 3, 42, 2026])('is the same for the same seed (%i), and stays inside the span with nothing at once on one entity', (seed) => {
    const faults = planHistoryFaults({ ...week, seed });
    expect(planHistoryFaults({ ...week, seed })).toEqual(faults);
    expect(faults.length).toBeGreaterThanOrEqual(6);
    for (const fault of faults) {
      expect(fault.startMs, fault.id).toBeGreaterThanOrEqual(week.fromMs);
      expect(fault.endMs, fault.id).toBeLessThanOrEqual(week.toMs - QUIET_END_MS);
      expect(fault.endMs, fault.id).toBeGreaterThan(fault.startMs);
    }
    const overlaps: string[] = [];
    for (const [i, a] of faults.entries()) {
      for (const b of faults.slice(i + 1)) {
        const shared = entitiesOf(a).filter((entity) => entitiesOf(b).includes(entity));
        if (shared.length > 0 && a.startMs < b.endMs && b.startMs < a.endMs) overlaps.push(`${a.id} and ${b.id} on ${shared.join(', ')}`);
      }
    }
    expect(overlaps).toEqual([]);
  });

  it('differs between seeds', () => {
    expect(planHistoryFaults({ ...week, seed: 1 })).not.toEqual(planHistoryFaults({ ...week, seed: 2 }));
  });

  it('makes a mountain week: fibre cuts of 5–90 min, power cuts of 1–3 h at communes, a flapping hour, an hour of saturation, packet loss', () => {
    const faults = planHistoryFaults({ ...week, seed: 7 });
    const of = <K extends HistoryFault['kind']>(kind: K) => faults.filter((fault): fault is Extract<HistoryFault, { kind: K }> => fault.kind === kind);
    const minutes = (fault: HistoryFault) => (fault.endMs - fault.startMs) / MINUTE;
    expect(of('link-down').length).toBeGreaterThanOrEqual(3);
    for (const cut of of('link-down')) expect(minutes(cut)).toBeGreaterThanOrEqual(5), expect(minutes(cut)).toBeLessThanOrEqual(90);
    expect(of('site-dark').length).toBeGreaterThanOrEqual(1);
    for (const cut of of('site-dark')) {
      expect(config.sites.find((site) => site.id === cut.site)?.kind).toBe('commune');
      expect(minutes(cut)).toBeGreaterThanOrEqual(60);
      expect(minutes(cut)).toBeLessThanOrEqual(180);
    }
    expect(of('flap')).toHaveLength(1);
    expect(minutes(of('flap')[0]!)).toBe(60);
    expect(of('saturation')).toHaveLength(1);
    expect(of('saturation')[0]!.percent).toBeGreaterThanOrEqual(96);
    expect(of('packet-loss').length).toBeGreaterThanOrEqual(1);
    // Cuts go to links nothing depends on: the district's TSLCD uplink carries every commune's.
    for (const fault of [...of('link-down'), ...of('flap'), ...of('packet-loss')]) expect(config.links.some((link) => link.upstream === fault.link), fault.link).toBe(false);
  });

  it('puts most power cuts in the afternoon storms, Vietnam time', () => {
    const hours = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10].flatMap((seed) =>
      planHistoryFaults({ ...week, seed })
        .filter((fault) => fault.kind === 'site-dark')
        .map((fault) => new Date(fault.startMs + 7 * HOUR).getUTCHours()),
    );
    const afternoon = hours.filter((hour) => hour >= 13 && hour < 18);
    expect(afternoon.length / hours.length).toBeGreaterThan(0.5);
  });

  it('plans less for a shorter span and nothing for one shorter than the quiet end', () => {
    expect(planHistoryFaults({ config, fromMs: T0 - 20 * MINUTE, toMs: T0, seed: 1 })).toEqual([]);
    const day = planHistoryFaults({ config, fromMs: T0 - DAY, toMs: T0, seed: 1 });
    expect(day.length).toBeLessThan(planHistoryFaults({ ...week, seed: 1 }).length);
  });
});

describe('what the faults make of a moment', () => {
  const link: Pick<Link, 'id' | 'site'> = { id: 'c1-internet', site: 'c1' };
  const other: Pick<Link, 'id' | 'site'> = { id: 'c2-internet', site: 'c2' };
  const device: Pick<Device, 'id' | 'site'> = { id: 'c1-router', site: 'c1' };
  const faults: HistoryFault[] = [
    { id: 'a', kind: 'link-down', link: 'c1-internet', startMs: 1 * HOUR, endMs: 2 * HOUR },
    { id: 'b', kind: 'site-dark', site: 'c1', startMs: 3 * HOUR, endMs: 4 * HOUR },
    { id: 'c', kind: 'packet-loss', link: 'c1-internet', percent: 20, startMs: 5 * HOUR, endMs: 6 * HOUR },
    { id: 'd', kind: 'flap', link: 'c1-internet', everyMs: 10 * MINUTE, downMs: 4 * MINUTE, startMs: 7 * HOUR, endMs: 8 * HOUR },
    { id: 'e', kind: 'agent-silent', device: 'c1-router', startMs: 9 * HOUR, endMs: 10 * HOUR },
  ];
  const index = indexFaults(faults);

  it.each([
    ['before anything', 0, link, { down: false, lossPct: 0 }],
    ['a link cut', 1 * HOUR, link, { down: true, lossPct: 100 }],
    ['the cut’s last instant', 2 * HOUR - 1, link, { down: true, lossPct: 100 }],
    ['the cut over (end exclusive)', 2 * HOUR, link, { down: false, lossPct: 0 }],
    ['the site dark', 3.5 * HOUR, link, { down: true, lossPct: 100 }],
    ['another site while it is dark', 3.5 * HOUR, other, { down: false, lossPct: 0 }],
    ['packet loss', 5.5 * HOUR, link, { down: false, lossPct: 20 }],
    ['a flap’s down phase', 7 * HOUR + 3 * MINUTE, link, { down: true, lossPct: 100 }],
    ['a flap’s up phase', 7 * HOUR + 5 * MINUTE, link, { down: false, lossPct: 0 }],
    ['a flap’s next down phase', 7 * HOUR + 10 * MINUTE, link, { down: true, lossPct: 100 }],
    ['a silent agent (the link is fine)', 9.5 * HOUR, link, { down: false, lossPct: 0 }],
  ])('link: %s', (_name, atMs, subject, expected) => {
    expect(linkConditionAt(index, subject, atMs)).toEqual(expected);
  });

  it.each([
    ['before anything', 0, { dark: false, silent: false, requestLossPct: 0 }],
    ['its link cut (the agent still answers)', 1.5 * HOUR, { dark: false, silent: false, requestLossPct: 0 }],
    ['its site dark', 3.5 * HOUR, { dark: true, silent: false, requestLossPct: 0 }],
    ['loss on a link it carries', 5.5 * HOUR, { dark: false, silent: false, requestLossPct: 20 }],
    ['its agent silent', 9.5 * HOUR, { dark: false, silent: true, requestLossPct: 0 }],
  ])('device: %s', (_name, atMs, expected) => {
    expect(deviceConditionAt(index, device, [{ id: 'c1-internet' }], atMs)).toEqual(expected);
  });

  it('turns link cuts and flaps into the carrying interface going down and up, and saturation on and off', () => {
    const links = [{ id: 'c1-internet', device: 'c1-router' }];
    const edges = faultEdges([...faults, { id: 'f', kind: 'saturation', link: 'c1-internet', percent: 97, startMs: 11 * HOUR, endMs: 12 * HOUR }], links);
    const flap = edges.filter((edge) => edge.atMs >= 7 * HOUR && edge.atMs <= 8 * HOUR);
    expect(flap).toHaveLength(12);
    expect(flap.slice(0, 2)).toEqual([
      { atMs: 7 * HOUR, device: 'c1-router', kind: 'link-interface', link: 'c1-internet', state: 'down' },
      { atMs: 7 * HOUR + 4 * MINUTE, device: 'c1-router', kind: 'link-interface', link: 'c1-internet', state: 'up' },
    ]);
    expect(edges.filter((edge) => edge.kind === 'saturation').map((edge) => edge.kind === 'saturation' && edge.percent)).toEqual([97, undefined]);
    // A power cut leaves the device's interfaces as they were, as in the simulator.
    expect(edges.some((edge) => edge.atMs === 3 * HOUR)).toBe(false);
    expect(edges.map((edge) => edge.atMs)).toEqual([...edges.map((edge) => edge.atMs)].sort((a, b) => a - b));
  });
});

describe('icmpResultAt', () => {
  const moment = { target: '10.251.2.5', count: 5, atMs: T0, seed: 1 };

  it('answers every echo in well under a millisecond on a healthy path, the same every time', () => {
    const result = icmpResultAt({ ...moment, condition: { down: false, lossPct: 0 } });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result).toMatchObject({ sent: 5, received: 5, lossPct: 0 });
    for (const rtt of result.rttsMs) expect(rtt).toBeGreaterThan(0.02), expect(rtt).toBeLessThan(1);
    expect(result.jitterMs).not.toBeNull();
    expect(icmpResultAt({ ...moment, condition: { down: false, lossPct: 0 } })).toEqual(result);
  });

  it('varies from round to round and target to target', () => {
    const a = icmpResultAt({ ...moment, condition: { down: false, lossPct: 0 } });
    const b = icmpResultAt({ ...moment, atMs: T0 + 30_000, condition: { down: false, lossPct: 0 } });
    const c = icmpResultAt({ ...moment, target: '10.251.3.5', condition: { down: false, lossPct: 0 } });
    expect(a).not.toEqual(b);
    expect(a).not.toEqual(c);
  });

  it('fails the round as a timeout while the target is cut off', () => {
    expect(icmpResultAt({ ...moment, condition: { down: true, lossPct: 100 } })).toEqual({ ok: false, reason: 'timeout', message: '10.251.2.5 did not answer any of 5 echo requests' });
  });

  it('loses about the share of echoes packet loss asks for', () => {
    let sent = 0;
    let received = 0;
    for (let round = 0; round < 400; round++) {
      const result = icmpResultAt({ ...moment, atMs: T0 + round * 30_000, condition: { down: false, lossPct: 20 } });
      sent += 5;
      received += result.ok ? result.received : 0;
    }
    expect(1 - received / sent).toBeGreaterThan(0.15);
    expect(1 - received / sent).toBeLessThan(0.25);
  });
});

describe('snmpResultAt', () => {
  const site: Site = { id: 'chieng-ken', name: 'Chiềng Ken', kind: 'commune', groups: [] };
  const device: Device = { id: 'chieng-ken-router', site: site.id, role: 'router', address: '10.251.2.1', interfaces: 'all' };
  const links: Link[] = [{ id: 'chieng-ken-internet', site: site.id, kind: 'internet', capacity: { downMbps: 50, upMbps: 50 }, device: device.id, targets: [] }];
  const spec = (profile: string, credentials = community): SimDeviceSpec => ({ device, site, links, profile, credentials, seed: 99 });
  const make = (profile: string, credentials = community) => createSimDevice({ spec: spec(profile, credentials), nowMs: T0, uptimeMs: 3 * DAY });
  const read = (profile: string, version: '1' | '2c' | '3', extra: { atMs?: number; entities?: boolean } = {}) => {
    const sim = make(profile);
    return { sim, result: snmpResultAt({ device: sim, version, atMs: extra.atMs ?? T0 + MINUTE, entities: extra.entities ?? false, maxRepetitions: 20 }) };
  };

  it.each([
    ['mikrotik-hex', '2c', 64, true],
    ['mikrotik-hex', '3', 64, true],
    ['mikrotik-hex', '1', 32, true],
    ['cisco-isr4331', '2c', 64, true],
    ['tplink-er605', '2c', 32, true],
    ['draytek-vigor2925', '2c', 32, false],
  ] as const)('%s over v%s: %i-bit counters, names from ifXTable: %s', (profile, version, bits, named) => {
    const { sim, result } = read(profile, version);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const { services: _services, ...system } = sim.system;
    expect(result.system).toEqual({ ...system, uptimeTicks: (3 * DAY + MINUTE) / 10 });
    expect(result.interfaces.map((iface) => iface.index)).toEqual(sim.interfaces().map((iface) => iface.ifIndex));
    for (const iface of result.interfaces) {
      expect(iface.counterBits).toBe(bits);
      const own = sim.interfaces().find((candidate) => candidate.ifIndex === iface.index)!;
      expect(iface.name).toBe(named ? own.name : own.descr);
    }
    expect(result.requests).toBe(pollRequests(result.interfaces.length, 20, version, sim.profile.ifX !== 'none'));
  });

  it('reads the link’s interface up with its traffic, and down once the link is cut', () => {
    const { sim, result } = read('mikrotik-hex', '2c');
    const name = sim.linkInterfaces.get('chieng-ken-internet')!;
    if (!result.ok) throw new Error(result.message);
    const before = result.interfaces.find((iface) => iface.name === name)!;
    expect(before).toMatchObject({ operStatus: 'up', adminStatus: 'up', speedBps: 1_000_000_000 });
    sim.setLinkInterface('chieng-ken-internet', 'down', T0 + 2 * MINUTE);
    const after = snmpResultAt({ device: sim, version: '2c', atMs: T0 + 3 * MINUTE, entities: false, maxRepetitions: 20 });
    if (!after.ok) throw new Error(after.message);
    const cut = after.interfaces.find((iface) => iface.name === name)!;
    expect(cut.operStatus).toBe('down');
    // Counters stop with the line: nothing carried between the cut and the read.
    const third = snmpResultAt({ device: sim, version: '2c', atMs: T0 + 4 * MINUTE, entities: false, maxRepetitions: 20 });
    if (!third.ok) throw new Error(third.message);
    expect(third.interfaces.find((iface) => iface.name === name)!.inOctets).toBe(cut.inOctets);
  });

  it('fails as a timeout when the agent does not answer, naming the device and the wait', () => {
    const sim = make('mikrotik-hex');
    expect(snmpResultAt({ device: sim, version: '2c', atMs: T0, entities: false, maxRepetitions: 20, unanswered: { waitedMs: 4_000, label: 'router chieng-ken-router (10.251.2.1:161)' } })).toEqual({
      ok: false,
      reason: 'timeout',
      message: 'router chieng-ken-router (10.251.2.1:161): no answer in 4000 ms',
    });
  });

  it('gives the ENTITY-MIB chassis when facts are due', () => {
    const { result } = read('cisco-isr4331', '3', { entities: true });
    if (!result.ok) throw new Error(result.message);
    expect(result.entities?.find((entity) => entity.className === 'chassis')).toMatchObject({ model: expect.stringContaining('ISR4331'), manufacturer: 'Cisco' });
    expect(read('cisco-isr4331', '3').result).not.toHaveProperty('entities');
  });
});

describe('history tiers', () => {
  const { inventory } = simulated(district(3));

  it('writes the last 6 hours at the config’s intervals, the day before at 5 min / 1 min, and older at 10 min / 2 min', () => {
    const tiers = historyTiers(inventory, T0 - 7 * DAY, T0);
    expect(tiers.map((tier) => tier.startMs)).toEqual([T0 - 7 * DAY, T0 - 30 * HOUR, T0 - 6 * HOUR]);
    expect(tiers.map((tier) => [tier.config.collector.snmp.interval, tier.config.collector.icmp.interval])).toEqual([
      [10 * MINUTE, 2 * MINUTE],
      [5 * MINUTE, MINUTE],
      [MINUTE, 30_000],
    ]);
    expect(tiers[2]!.config).toBe(inventory);
    expect(tiers[0]!.config.devices.every((device) => device.snmp!.interval === 10 * MINUTE)).toBe(true);
  });

  it('is one tier at the config’s own intervals for a span of 6 hours or less', () => {
    expect(historyTiers(inventory, T0 - 6 * HOUR, T0)).toEqual([{ startMs: T0 - 6 * HOUR, config: inventory }]);
  });

  it('raises every interval to the minimum, each device’s and link’s own too, and keeps longer ones', () => {
    const config = district(3, 'collector: {snmp: {interval: 20m}}');
    const raised = withMinimumIntervals({ ...config, links: config.links.map((link, i) => (i === 0 ? { ...link, icmp: { interval: 15_000 } } : link)) }, { snmpMs: 10 * MINUTE, icmpMs: 2 * MINUTE });
    expect(raised.collector.snmp.interval).toBe(20 * MINUTE);
    expect(raised.collector.icmp.interval).toBe(2 * MINUTE);
    expect(raised.links[0]!.icmp?.interval).toBe(2 * MINUTE);
  });
});

describe('busyWindows', () => {
  const config = district(3);
  const fault = (startMs: number, endMs: number): HistoryFault => ({ id: 'x', kind: 'link-down', link: 'dc-internet', startMs, endMs });

  it('runs from a round before a fault to when everything can have come back and been told', () => {
    // 60 s polls: lead one of them; settle (upAfter 2 + 1) × 60 s + grouping 10 s + notifyWithin 100 s + flapping's 10 min.
    expect(busyWindows([{ fault: fault(HOUR, 2 * HOUR), config }])).toEqual([{ startMs: HOUR - MINUTE, endMs: 2 * HOUR + 3 * MINUTE + 110_000 + 10 * MINUTE }]);
  });

  it('merges windows that touch and keeps the rest apart, in order', () => {
    const windows = busyWindows([
      { fault: fault(10 * HOUR, 11 * HOUR), config },
      { fault: fault(HOUR, 2 * HOUR), config },
      { fault: fault(2 * HOUR + 5 * MINUTE, 3 * HOUR), config },
    ]);
    expect(windows.map((window) => [window.startMs / MINUTE, Math.round(window.endMs / MINUTE)])).toEqual([
      [59, 195],
      [599, 675],
    ]);
  });
});

describe('backfillPieces', () => {
  it('cuts the window at UTC days, newest first, within the window', () => {
    const from = Date.UTC(2026, 10, 20, 17, 30);
    const to = Date.UTC(2026, 10, 22, 3, 0);
    expect(backfillPieces(from, to)).toEqual([
      { fromMs: Date.UTC(2026, 10, 22), toMs: to },
      { fromMs: Date.UTC(2026, 10, 21), toMs: Date.UTC(2026, 10, 22) - 1 },
      { fromMs: from, toMs: Date.UTC(2026, 10, 21) - 1 },
    ]);
  });
});

describe('writeHistory', () => {
  const { inventory, specs } = simulated(district(3), 2);
  const toMs = Math.floor(T0 / MINUTE) * MINUTE;

  it('writes each tier at its intervals and leaves everything up at the end', async () => {
    const points: Point[] = [];
    const fromMs = toMs - 2 * DAY;
    const faults = planHistoryFaults({ config: inventory, fromMs, toMs, seed: 3 });
    const report = await writeHistory({ config: inventory, specs, fromMs, toMs, faults, sink: { write: (list) => points.push(...list) }, flush: async () => undefined });
    const rounds = points.filter((item) => item.measurement === 'icmp' && (item as Point<'icmp'>).tags.link === 'dc-internet').map((item) => item.timeMs);
    /** The distinct gaps between the link's rounds within [startMs, endMs). */
    const gaps = (startMs: number, endMs: number) => {
      const within = rounds.filter((at) => at >= startMs && at < endMs);
      return new Set(within.slice(1).map((at, i) => at - within[i]!));
    };
    expect(gaps(fromMs, toMs - 30 * HOUR)).toEqual(new Set([2 * MINUTE]));
    expect(gaps(toMs - 30 * HOUR, toMs - 6 * HOUR)).toEqual(new Set([MINUTE]));
    expect(gaps(toMs - 6 * HOUR, toMs)).toEqual(new Set([30_000]));
    expect(report.end).toEqual({ openAlerts: [], notUp: [] });
    expect(report.points).toBe(points.length);
    expect(report.window.fromMs).toBeGreaterThanOrEqual(fromMs);
    expect(report.window.toMs).toBeLessThanOrEqual(toMs);
  });

  it('stops at the next flush when its signal is aborted, with the signal’s reason', async () => {
    const abort = new AbortController();
    let flushes = 0;
    const fill = writeHistory({
      config: inventory,
      specs,
      fromMs: toMs - 7 * DAY,
      toMs,
      faults: [],
      sink: { write: () => undefined },
      flush: async () => {
        if (++flushes === 2) abort.abort(new Error('Ctrl-C'));
      },
      flushEveryPoints: 1_000,
      signal: abort.signal,
    });
    await expect(fill).rejects.toThrow('Ctrl-C');
    expect(flushes).toBe(2);
  });
});
