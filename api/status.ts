import type { Config, Link } from '../config/schema.ts';
import type { EntityKind, EntityState } from '../model/alerts.ts';
import { entityStates } from '../model/alerts.ts';
import type { EntityStateRecord } from '../store/control.ts';
import type { LatestIcmp, LatestMeasures } from '../store/latest.ts';
import { defined } from './inventory.ts';

// The current status of every site, device and link, as one answer. Pure: built from the
// engine's last state rows and the newest points, so a table test covers every case without a
// database. "stale" is decided here and only here: data older than two intervals (or none)
// must never look green.

export interface EntityStatus {
  state: EntityState;
  /** When the state began, as the engine recorded it; absent for `unknown` never recorded. */
  sinceMs?: number;
  cause?: string;
  /** The newest data is older than two intervals, or there is none. */
  stale: boolean;
}

export interface LinkStatus extends EntityStatus {
  id: string;
  site: string;
  kind: Link['kind'];
  flapping: boolean;
  inBps?: number;
  outBps?: number;
  inUtilizationPct?: number;
  outUtilizationPct?: number;
  /** The ICMP target shown (the best answering one). */
  target?: string;
  /** Median echo of the latest round (its mean for rounds recorded before medians were). */
  rttMs?: number;
  lossPct?: number;
  jitterMs?: number;
  trafficMs?: number;
  icmpMs?: number;
}

export interface DeviceStatus extends EntityStatus {
  id: string;
  site: string;
  /** The last poll answered (SNMP agent, or ping of the address for devices without SNMP). */
  reachable?: boolean;
  polledMs?: number;
}

export interface SiteStatus extends EntityStatus {
  id: string;
}

export type StateCounts = Record<EntityState | 'stale', number>;

export interface StatusReport {
  generatedMs: number;
  counts: { sites: StateCounts; devices: StateCounts; links: StateCounts };
  sites: SiteStatus[];
  devices: DeviceStatus[];
  links: LinkStatus[];
}

export interface StatusInput {
  config: Config;
  states: readonly EntityStateRecord[];
  latest: LatestMeasures;
  nowMs: number;
}

const key = (kind: EntityKind, id: string) => `${kind}\u0000${id}`;

const emptyCounts = (): StateCounts => Object.fromEntries([...entityStates, 'stale'].map((state) => [state, 0])) as StateCounts;

function count<T extends EntityStatus>(items: readonly T[]): StateCounts {
  const counts = emptyCounts();
  for (const item of items) {
    counts[item.state] += 1;
    if (item.stale) counts.stale += 1;
  }
  return counts;
}

/** Of a link's targets, the one that says most about the link: answering, least loss, then
 * the order the inventory lists them in. */
function bestRound(rounds: readonly LatestIcmp[], order: readonly string[]): LatestIcmp | undefined {
  const rank = (round: LatestIcmp) => order.indexOf(round.target) === -1 ? order.length : order.indexOf(round.target);
  return [...rounds].sort((a, b) => Number(b.up) - Number(a.up) || (a.lossPct ?? 100) - (b.lossPct ?? 100) || rank(a) - rank(b))[0];
}

/** Figures to the precision a reader uses (whole bit/s, hundredths of a ms or a percent):
 * a quarter of the bytes of full doubles, for 5,000 links in one answer. */
const hundredths = (value: number | undefined) => (value === undefined ? undefined : Math.round(value * 100) / 100);
const whole = (value: number | undefined) => (value === undefined ? undefined : Math.round(value));

const isFresh = (atMs: number | undefined, intervalMs: number, nowMs: number) => atMs !== undefined && nowMs - atMs <= 2 * intervalMs;

const recorded = (record: EntityStateRecord | undefined): Omit<EntityStatus, 'stale'> =>
  record ? { state: record.state, sinceMs: record.sinceMs, ...(record.cause !== undefined ? { cause: record.cause } : {}) } : { state: 'unknown' };

export function buildStatus(input: StatusInput): StatusReport {
  const { config, latest, nowMs } = input;
  const states = new Map(input.states.map((record) => [key(record.entityKind, record.entity), record]));
  const trafficByLink = new Map(latest.traffic.map((row) => [row.link, row]));
  const roundsByOwner = new Map<string, LatestIcmp[]>();
  for (const round of latest.icmp) {
    const owner = key(round.owner.kind, round.owner.id);
    roundsByOwner.set(owner, [...(roundsByOwner.get(owner) ?? []), round]);
  }
  const pollByDevice = new Map(latest.polls.map((poll) => [poll.device, poll]));
  const devicesById = new Map(config.devices.map((device) => [device.id, device]));
  const icmpInterval = config.collector.icmp.interval;

  const links = config.links.map((link): LinkStatus => {
    const record = states.get(key('link', link.id));
    const traffic = trafficByLink.get(link.id);
    const fresh = (roundsByOwner.get(key('link', link.id)) ?? []).filter((round) => isFresh(round.atMs, link.icmp?.interval ?? icmpInterval, nowMs));
    const round = bestRound(fresh, link.targets.map((target) => target.address));
    const snmpInterval = link.device ? devicesById.get(link.device)?.snmp?.interval : undefined;
    const trafficFresh = traffic !== undefined && snmpInterval !== undefined && isFresh(traffic.atMs, snmpInterval, nowMs);
    // Fresh while either source reports: a link without ICMP targets is watched by SNMP alone.
    const stale = round === undefined && !trafficFresh;
    return {
      id: link.id,
      site: link.site,
      kind: link.kind,
      ...recorded(record),
      flapping: record?.flapping ?? false,
      stale,
      ...(trafficFresh
        ? defined({ inBps: whole(traffic.inBps), outBps: whole(traffic.outBps), inUtilizationPct: hundredths(traffic.inUtilizationPct), outUtilizationPct: hundredths(traffic.outUtilizationPct), trafficMs: traffic.atMs })
        : traffic
          ? { trafficMs: traffic.atMs }
          : {}),
      ...(round ? defined({ target: round.target, rttMs: hundredths(round.rttMedianMs ?? round.rttAvgMs), lossPct: hundredths(round.lossPct), jitterMs: hundredths(round.jitterMs), icmpMs: round.atMs }) : {}),
    };
  });

  const devices = config.devices.map((device): DeviceStatus => {
    const record = states.get(key('device', device.id));
    const poll = pollByDevice.get(device.id);
    const rounds = roundsByOwner.get(key('device', device.id)) ?? [];
    const round = [...rounds].sort((a, b) => b.atMs - a.atMs)[0];
    const intervalMs = device.snmp?.interval ?? icmpInterval;
    const observed = device.snmp ? poll && { reachable: poll.reachable, polledMs: poll.atMs } : round && { reachable: round.up, polledMs: round.atMs };
    return {
      id: device.id,
      site: device.site,
      ...recorded(record),
      stale: !isFresh(observed?.polledMs, intervalMs, nowMs),
      ...(observed ?? {}),
    };
  });

  // A site is as fresh as the freshest of its links and devices.
  const membersOf = new Map<string, EntityStatus[]>();
  for (const member of [...links, ...devices]) membersOf.set(member.site, [...(membersOf.get(member.site) ?? []), member]);
  const sites = config.sites.map((site): SiteStatus => {
    const members = membersOf.get(site.id) ?? [];
    return { id: site.id, ...recorded(states.get(key('site', site.id))), stale: members.length === 0 || members.every((member) => member.stale) };
  });

  return { generatedMs: nowMs, counts: { sites: count(sites), devices: count(devices), links: count(links) }, sites, devices, links };
}

/** A change of state between two reports, for the live event stream. */
export interface StateChange {
  entityKind: EntityKind;
  entity: string;
  site?: string;
  state: EntityState;
  previous: EntityState;
  sinceMs?: number;
  cause?: string;
}

/** The engine's state changes recorded after `afterMs`, oldest first. Given every row of the
 * interval (not the last per entity), a change that came and went between two refreshes is
 * still told. */
export function stateChanges(records: readonly EntityStateRecord[], afterMs: number): StateChange[] {
  return records
    .filter((record) => record.atMs > afterMs)
    .sort((a, b) => a.atMs - b.atMs)
    .map((record) => ({
      entityKind: record.entityKind,
      entity: record.entity,
      ...(record.site !== undefined ? { site: record.site } : {}),
      state: record.state,
      previous: record.previous ?? 'unknown',
      sinceMs: record.sinceMs,
      ...(record.cause !== undefined ? { cause: record.cause } : {}),
    }));
}
