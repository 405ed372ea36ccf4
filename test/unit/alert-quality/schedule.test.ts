import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { parseConfig } from '../../../config/load.ts';
import type { Config } from '../../../config/schema.ts';
import { harnessDistrict, hubCount, lanesOf } from '../../../scripts/alert-quality/network.ts';
import { causeKinds, FAULT_RANGES, faultSchedule, quietAfter, sitesOf, type FaultSchedule } from '../../../scripts/alert-quality/schedule.ts';
import { settingsConfig } from '../../../scripts/alert-quality/settings.ts';
import { harnessTiming } from '../../../scripts/alert-quality/timing.ts';

const district = (sites: number): Config => {
  const parsed = parseConfig(stringify(harnessDistrict({ sites })));
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return parsed.config;
};
// The defaults as of issue 14 written out, so the test does not move with the schema's.
const timing = harnessTiming(
  settingsConfig({
    collector: { icmp: { interval: '30s', count: 5, spacing: '200ms', timeout: '1s' }, snmp: { interval: '60s', timeout: '5s', retries: 1 } },
    alerts: { downAfter: 3, upAfter: 2, grouping: '10s', flapping: { window: '15m', changes: 6, settleAfter: '10m' } },
    scale: 1,
    tickMs: 1_000,
  }),
  1_000,
);
const START = Date.UTC(2026, 10, 27, 1, 0, 0);
const MIN = 60_000;
const schedule = (options: { sites?: number; seed?: number; minutes?: number; scale?: number } = {}): { network: Config; schedule: FaultSchedule } => {
  const network = district(options.sites ?? 24);
  return { network, schedule: faultSchedule({ network, seed: options.seed ?? 1, startMs: START, endMs: START + (options.minutes ?? 35) * MIN, timing, scale: options.scale ?? 1 }) };
};

describe('harnessDistrict', () => {
  const network = district(24);
  const hubs = network.sites.filter((site) => site.kind === 'town');

  it('has a district centre, 3 hubs with 3 communes each behind their uplink, and independent communes', () => {
    expect(hubCount(24)).toBe(3);
    expect(hubs).toHaveLength(3);
    for (const hub of hubs) {
      const children = network.sites.filter((site) => site.parent === hub.id);
      expect(children.map((site) => site.kind)).toEqual(['commune', 'commune', 'commune']);
      const uplink = network.links.filter((link) => link.site === hub.id);
      expect(uplink).toHaveLength(1);
      for (const link of network.links.filter((candidate) => children.some((child) => child.id === candidate.site))) expect(link.upstream).toBe(uplink[0]!.id);
    }
    expect(network.sites.filter((site) => site.kind === 'commune' && site.parent === 'dc')).toHaveLength(24 - 1 - 12);
  });

  it('mixes single-link and dual-link sites, one SNMP router each', () => {
    const communes = network.sites.filter((site) => site.kind === 'commune');
    const linkCounts = communes.map((site) => network.links.filter((link) => link.site === site.id).map((link) => link.kind).sort().join('+'));
    expect(new Set(linkCounts)).toEqual(new Set(['internet', 'internet+tslcd']));
    for (const site of network.sites) expect(network.devices.filter((device) => device.site === site.id && device.snmp)).toHaveLength(1);
  });

  it('rejects fewer than 3 sites, naming the option', () => {
    expect(() => harnessDistrict({ sites: 2 })).toThrow(/--sites must be a whole number ≥ 3/);
  });
});

describe('lanesOf', () => {
  it('gives each hub one lane with its uplink and its communes, and each independent commune its own', () => {
    const network = district(14);
    const lanes = lanesOf(network);
    const hubLanes = lanes.filter((lane) => lane.upstreamLinks.length > 0);
    expect(hubLanes).toHaveLength(2);
    for (const lane of hubLanes) {
      expect(lane.upstreamLinks).toEqual([`${lane.id}-uplink`]);
      expect(lane.leaves).toHaveLength(3);
      expect(lane.leaves).not.toContain(lane.id);
    }
    expect(lanes.filter((lane) => lane.upstreamLinks.length === 0).every((lane) => lane.leaves.length === 1 && lane.leaves[0] === lane.id)).toBe(true);
    expect(lanes.flatMap((lane) => lane.leaves)).not.toContain('dc');
  });
});

describe('faultSchedule', () => {
  it('replays the same schedule from the same seed, another from another', () => {
    expect(schedule({ seed: 4 }).schedule).toEqual(schedule({ seed: 4 }).schedule);
    expect(schedule({ seed: 5 }).schedule).not.toEqual(schedule({ seed: 4 }).schedule);
  });

  it('plays every kind, 25 to 60 root causes on 24 sites in 35 minutes', () => {
    const { causes } = schedule().schedule;
    expect(causes.length).toBeGreaterThanOrEqual(25);
    expect(causes.length).toBeLessThanOrEqual(60);
    expect(new Set(causes.map((cause) => cause.kind))).toEqual(new Set(causeKinds));
  });

  it.each([1, 2, 3, 17])('keeps one cause at a time per lane, with its quiet time after it (seed %i)', (seed) => {
    const { causes } = schedule({ seed }).schedule;
    for (const cause of causes) {
      expect(cause.startMs).toBeGreaterThanOrEqual(START);
      expect(cause.endMs + quietAfter(cause.kind, timing)).toBeLessThanOrEqual(START + 35 * MIN);
      const next = causes.filter((other) => other.lane === cause.lane && other.startMs > cause.startMs).sort((a, b) => a.startMs - b.startMs)[0];
      if (next) expect(next.startMs - cause.endMs, `${cause.id} then ${next.id} on ${cause.lane}`).toBeGreaterThanOrEqual(quietAfter(cause.kind, timing));
    }
  });

  it.each([1, 2, 3, 17])('gives a site no new fault within flapping.window of its last one (seed %i)', (seed) => {
    const { network, schedule: planned } = schedule({ seed });
    const bySite = new Map<string, { id: string; startMs: number; endMs: number }[]>();
    for (const cause of planned.causes) for (const site of sitesOf(cause, network)) bySite.set(site, [...(bySite.get(site) ?? []), cause]);
    for (const [site, list] of bySite) {
      list.sort((a, b) => a.startMs - b.startMs);
      for (let n = 1; n < list.length; n++) expect(list[n]!.startMs - list[n - 1]!.endMs, `${list[n - 1]!.id} then ${list[n]!.id} at ${site}`).toBeGreaterThanOrEqual(timing.flapping.windowMs);
    }
  });

  it('counts an upstream failure at its hub and every commune behind it', () => {
    const network = district(14);
    const hub = network.sites.find((site) => site.kind === 'town')!.id;
    expect(sitesOf({ kind: 'upstream-failure', link: `${hub}-uplink` }, network).sort()).toEqual([hub, ...network.sites.filter((site) => site.parent === hub).map((site) => site.id)].sort());
  });

  it('puts upstream failures on hub uplinks and every other fault on a commune', () => {
    const { network, schedule: planned } = schedule({ seed: 3 });
    const siteOf = (id: string) => network.links.find((link) => link.id === id)?.site ?? network.devices.find((device) => device.id === id)?.site ?? id;
    const kindOf = (site: string) => network.sites.find((candidate) => candidate.id === site)!.kind;
    for (const cause of planned.causes) {
      const subject = 'link' in cause ? cause.link : 'device' in cause ? cause.device : cause.site;
      expect(kindOf(siteOf(subject)), `${cause.id} ${cause.kind} on ${subject}`).toBe(cause.kind === 'upstream-failure' ? 'town' : 'commune');
    }
  });

  it('lists every simulator fault under exactly one cause, sorted by start', () => {
    const { causes, timeline } = schedule({ seed: 2 }).schedule;
    expect(causes.flatMap((cause) => cause.faultIds).sort()).toEqual(timeline.map((fault) => fault.id).sort());
    expect(timeline.map((fault) => fault.startMs)).toEqual([...timeline.map((fault) => fault.startMs)].sort((a, b) => a - b));
  });

  it('expands a flap into link-downs of one link, one every period, each down for its length', () => {
    const { causes, timeline } = schedule({ seed: 1 }).schedule;
    const flaps = causes.filter((cause) => cause.kind === 'flap');
    expect(flaps.length).toBeGreaterThan(0);
    for (const flap of flaps) {
      const downs = timeline.filter((fault) => flap.faultIds.includes(fault.id));
      expect(downs).toHaveLength(flap.cycles);
      downs.forEach((fault, n) => {
        expect(fault).toMatchObject({ kind: 'link-down', link: flap.link, startMs: flap.startMs + n * flap.periodMs, endMs: flap.startMs + n * flap.periodMs + flap.downMs });
      });
      expect(flap.periodMs).toBeGreaterThanOrEqual(FAULT_RANGES.flap.minPeriodMs);
      expect(flap.periodMs).toBeLessThanOrEqual(FAULT_RANGES.flap.maxPeriodMs);
    }
  });

  it('plays a reboot as its site dark, the uptime reset just before it answers again', () => {
    const { network, schedule: planned } = schedule({ seed: 1 });
    const reboots = planned.causes.filter((cause) => cause.kind === 'reboot');
    expect(reboots.length).toBeGreaterThan(0);
    for (const reboot of reboots) {
      const faults = planned.timeline.filter((fault) => reboot.faultIds.includes(fault.id));
      expect(faults).toEqual([
        { id: `${reboot.id}.dark`, kind: 'site-dark', site: network.devices.find((device) => device.id === reboot.device)!.site, startMs: reboot.startMs, endMs: reboot.endMs },
        { id: `${reboot.id}.reboot`, kind: 'reboot', device: reboot.device, startMs: reboot.endMs - 1 },
      ]);
      expect(reboot.darkMs).toBeGreaterThanOrEqual(FAULT_RANGES.reboot.minMs);
      expect(reboot.darkMs).toBeLessThanOrEqual(FAULT_RANGES.reboot.maxMs);
    }
  });

  it.each([
    ['link-down', FAULT_RANGES['link-down']],
    ['upstream-failure', FAULT_RANGES['upstream-failure']],
    ['packet-loss', FAULT_RANGES['packet-loss']],
    ['site-dark', FAULT_RANGES['site-dark']],
    ['agent-silent', FAULT_RANGES['agent-silent']],
  ] as const)('draws %s durations within their range, scaled', (kind, range) => {
    for (const scale of [1, 1 / 15]) {
      const causes = [1, 2, 3, 4].flatMap((seed) => schedule({ seed, scale }).schedule.causes).filter((cause) => cause.kind === kind);
      expect(causes.length, `${kind} at scale ${scale}`).toBeGreaterThan(0);
      for (const cause of causes) {
        expect(cause.endMs - cause.startMs).toBeGreaterThanOrEqual(Math.floor(range.minMs * scale));
        expect(cause.endMs - cause.startMs).toBeLessThanOrEqual(Math.ceil(range.maxMs * scale));
        if (cause.kind === 'packet-loss') {
          expect(cause.percent).toBeGreaterThanOrEqual(5);
          expect(cause.percent).toBeLessThanOrEqual(40);
        }
      }
    }
  });
});
