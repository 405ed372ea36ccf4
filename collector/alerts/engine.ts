import { createHash } from 'node:crypto';
import type { Severity } from '../../config/alerts.ts';
import type { Config, Device, Link } from '../../config/schema.ts';
import type { Clock, TickSource } from '../clock.ts';
import type { ObservationSink, PointSink } from '../collector.ts';
import type { Logger } from '../logger.ts';
import { point, type Point } from '../../store/schema.ts';
import { inShard, type Shard } from '../targets.ts';
import { activeFor, fromSettings, isActive, type MaintenanceWindow } from './maintenance.ts';
import type { AlertKind, EntityKind, EntityState, Measured, Notification, NotificationEvent, Notifier } from '../../model/alerts.ts';
import { deviceInfo, linkInfo, settingsFor, siteInfo, subjectOf } from './settings.ts';
import { restoredTracker, type FailureCause } from './state.ts';
import { conditionKind, conditionUnit, createSubjects, type ConditionRule, type Tracked, type TrapEvent } from './subjects.ts';
import { buildTopology, decide, type Effective, type OwnView, type Topology, type Verdicts } from './topology.ts';

// The alert engine: poll results in, states, outages and notifications out. It runs in the
// collector, next to the data; operators reach it through InfluxDB (acknowledgements,
// maintenance windows) via `AlertControl`, so the API can use the same path later.

/** What the engine reads from the shared store. Every call may fail (the database away): the
 * engine then keeps what it knew. */
export interface AlertControl {
  acknowledgements(sinceMs: number): Promise<readonly { alertId: string; atMs: number }[]>;
  maintenanceWindows(): Promise<readonly MaintenanceWindow[]>;
  /** The last recorded states and open alerts, read once at start. */
  restore(): Promise<RestoredState>;
  /** Current own health of links polled by other collectors, for dependencies across shards. */
  sharedLinkStates?(linkIds: readonly string[]): Promise<ReadonlyMap<string, { state: EntityState; sinceMs: number }>>;
}

export interface RestoredState {
  entities: readonly { kind: EntityKind; id: string; state: EntityState; sinceMs: number; cause?: string }[];
  alerts: readonly RestoredAlert[];
}

export interface RestoredAlert {
  alertId: string;
  kind: AlertKind;
  severity: Severity;
  entityKind: EntityKind | 'collector';
  entity: string;
  /** The interface of an interface alert. */
  interface?: string;
  startedMs: number;
  affected?: readonly string[];
  acknowledged?: boolean;
}

export interface AlertEngineOptions {
  config: Config;
  clock: Clock;
  notifier: Notifier;
  sink: PointSink;
  logger: Logger;
  control?: AlertControl;
  shard?: Shard;
  /** How often acknowledgements, maintenance windows and shared states are read. */
  controlEveryMs?: number;
  /** Asks for a device to be polled now: when its site may be going dark and it has not been
   * polled since the links began failing, its answer tells a power cut from a cut line. */
  pollNow?: (deviceId: string) => void;
  /** Asks for a link's targets to be pinged now: before a down message leaves, so an outage
   * already over is told as one message instead of a down that is no longer true. */
  pingNow?: (linkId: string) => void;
}

export interface AlertEngine extends ObservationSink {
  /** Restores the last recorded state, then evaluates on every tick. */
  start(ticks: TickSource): Promise<void>;
  reload(config: Config): void;
  /** Decides states and notifications now (the ticks call it; tests may too). */
  evaluate(): Promise<void>;
  /** Whether points reach InfluxDB; a long failure raises the collector-write alert. */
  writerHealth(ok: boolean): void;
  /** A heartbeat from another collector listed in `alerts.peers`; false when none has that id. */
  peerHeartbeat(peerId: string): boolean;
  /** A reboot or interface change reported by a trap, acted on before the next poll. */
  trap(event: TrapEvent): void;
  states(): { links: ReadonlyMap<string, Effective>; devices: ReadonlyMap<string, Effective>; sites: ReadonlyMap<string, Effective> };
  openAlerts(): readonly OpenAlertView[];
  stop(): Promise<void>;
}

/** An open alert as the engine holds it: what it restores, with its acknowledgement settled. */
export type OpenAlertView = Omit<RestoredAlert, 'affected' | 'acknowledged'> & { acknowledged: boolean };

interface Candidate {
  key: string;
  kind: AlertKind;
  severity: Severity;
  entityKind: EntityKind | 'collector';
  entity: string;
  siteId?: string;
  linkId?: string;
  deviceId?: string;
  interface?: string;
  startedMs: number;
  affected?: readonly string[];
  measured?: Measured;
  /** Waiting for something above it to be decided, at most `holdMs` past the grouping delay
   * (and never past `alerts.notifyWithin` after the cut could have been: see releaseAtMs). */
  held: boolean;
  holdMs?: number;
  /** An outage whose subject answers again: its message waits, so that an outage over before
   * its message left is told in one message (`brief`) rather than as a down and an up. */
  recovering?: boolean;
}

interface OpenAlert extends Omit<Candidate, 'held' | 'holdMs' | 'recovering'> {
  alertId: string;
  acknowledged: boolean;
}

/** Why a failure is not news of its own: something above it (an upstream, a parent, the links
 * of its site flapping or cut off), its own site told dark, or everything at its site failing
 * with it. The last one only counts once the site is back: until then the failure is held
 * while the site's fate is decided; after, a member that lags the site's return has its grace. */
type CoverReason = 'above' | 'site-dark' | 'site-failing';
interface Cover {
  failStartMs: number;
  reason: CoverReason;
  releasedMs?: number;
}

/** Kinds that claim an outage: told as `brief` when they ended before their message left. */
const outageKinds: ReadonlySet<AlertKind> = new Set(['link-down', 'upstream-down', 'device-down', 'site-dark']);

/** One key per problem: a link's outage is one problem whether it is reported as its own or as
 * the root cause of others. Interface names keep their own part (`Gi0/0/1`, `Port 3 (WAN)`). */
const problemKey = (kind: AlertKind, entityKind: EntityKind | 'collector', entity: string, iface?: string): string =>
  kind === 'link-down' || kind === 'upstream-down' ? `link:${entity}` : iface === undefined ? `${kind}:${entityKind}:${entity}` : `${kind}:${entityKind}:${entity}:${iface}`;

const alertIdOf = (key: string, startedMs: number): string => `a${createHash('sha1').update(`${key}@${startedMs}`).digest('hex').slice(0, 11)}`;

/** A reboot right after an outage is the outage's end, not news. */
const REBOOT_QUIET_MS = 15 * 60_000;
export function createAlertEngine(options: AlertEngineOptions): AlertEngine {
  const { clock, notifier, sink, logger, control } = options;
  const controlEveryMs = options.controlEveryMs ?? 5_000;
  let config = options.config;
  let topology: Topology = buildTopology(config);
  const open = new Map<string, OpenAlert>();
  /** Problems seen but not told yet: when first seen, the latest candidate, and when its links
   * were pinged once more before telling it. */
  const pending = new Map<string, { firstSeenMs: number; candidate: Candidate; recheckedMs?: number }>();
  const lastStates: Record<EntityKind, Map<string, { state: EntityState; cause?: string }>> = { link: new Map(), device: new Map(), site: new Map() };
  const siteOutages = new Map<string, number>();
  const recentRecovery = new Map<string, number>();
  /** Failures (by their start) explained by something above them — a failed or failing upstream
   * or parent, a dark site, a flapping link — told as part of that (or not at all, when it was a
   * blip). When the cause is over first, the subject has its recovery time to come back before
   * its own failure is news. Keyed `link:ID`, `device:ID`, `site:ID`. */
  const covered = new Map<string, Cover>();
  /** Subjects whose flapping began while something they depend on was flapping or failing (a
   * router behind a flapping line): their whole flapping episode is that one's. */
  const flappingExplained = new Set<string>();
  /** Devices asked to be polled now, by the start of the failures that made it worth asking. */
  const pollRequested = new Map<string, number>();
  let configWindows: MaintenanceWindow[] = fromSettings(config.alerts.maintenance, config.alerts.timezone);
  let storedWindows: readonly MaintenanceWindow[] = [];
  let shared = new Map<string, { state: EntityState; sinceMs: number }>();
  let writerDownSinceMs: number | undefined;
  /** Last heartbeat of each peer; a peer never heard from counts from the engine's start. */
  const peerSeenMs = new Map<string, number>();
  const startedMs = clock.now();
  let verdicts: Verdicts = { links: new Map(), devices: new Map(), sites: new Map() };
  let lastControlMs = -Infinity;
  let ackCursorMs = clock.now() - 7 * 86_400_000;
  let controlFailing = false;
  let evaluating: Promise<void> | undefined;
  let reading: Promise<void> | undefined;
  let ticker: { stop(): void } | undefined;

  const write = (points: Point[]) => {
    if (points.length > 0) sink.write(points);
  };
  const subjects = createSubjects({
    clock,
    logger,
    write,
    current: () => ({ config, topology }),
    inMaintenance: (kind, id) => verdictOf(kind, id)?.state === 'maintenance',
    shared: () => shared,
    onReboot: (device, atMs) => void oneShot(device, atMs, 'reboot'),
  });
  const ownView = subjects.view;
  const trackedFor = subjects.trackedFor;

  const verdictOf = (kind: EntityKind, id: string): Effective | undefined =>
    kind === 'link' ? verdicts.links.get(id) : kind === 'device' ? verdicts.devices.get(id) : verdicts.sites.get(id);

  const oneShot = async (device: Device, atMs: number, kind: 'reboot') => {
    const entry = trackedFor('device', device);
    const rule = entry.settings.rules.reboot;
    const site = topology.sites.get(device.site);
    if (!rule.enabled || !site) return;
    const quietSince = recentRecovery.get(device.site);
    const siteTroubled = [...open.values()].some((alert) => alert.siteId === device.site && (alert.kind === 'site-dark' || alert.deviceId === device.id));
    if (siteTroubled || (quietSince !== undefined && atMs - quietSince < REBOOT_QUIET_MS)) return;
    if (verdictOf('device', device.id)?.state === 'maintenance') return;
    const key = problemKey(kind, 'device', device.id);
    const alertId = alertIdOf(key, atMs);
    await publish({ key, kind, severity: rule.severity, entityKind: 'device', entity: device.id, siteId: site.id, deviceId: device.id, startedMs: atMs, alertId, acknowledged: false }, 'event', atMs);
  };

  // --- deciding ------------------------------------------------------------------------------

  const windowsNow = (now: number) => [...configWindows, ...storedWindows].filter((window) => isActive(window, now, config.alerts.timezone));

  const recordStates = (now: number) => {
    const points: Point[] = [];
    const visit = (kind: EntityKind, id: string, site: string, verdict: Effective) => {
      const before = lastStates[kind].get(id);
      if (before && before.state === verdict.state && before.cause === verdict.cause) return;
      if (!before && verdict.state === 'unknown') return;
      lastStates[kind].set(id, { state: verdict.state, cause: verdict.cause });
      const entry = kind === 'site' ? undefined : subjects.get(kind, id);
      points.push(
        point('entity_state', now, { site, entity_kind: kind, entity: id }, {
          state: verdict.state,
          previous: before?.state ?? 'unknown',
          cause: verdict.cause,
          since_ms: verdict.sinceMs,
          flapping: entry?.tracker.flapping ? 1 : 0,
          message: `${kind} ${id}: ${before?.state ?? 'unknown'} → ${verdict.state}${verdict.cause ? ` (${verdict.cause})` : ''}`,
        }),
      );
      // The outage's record carries the cause it ended with: `upstream:…` when it was not its own.
      if (entry && (verdict.state === 'unreachable' || verdict.state === 'down') && verdict.cause) entry.outageCause = verdict.cause;
      if (entry && verdict.state === 'maintenance' && entry.outageStartMs !== undefined) entry.outageInMaintenance = true;
    };
    for (const [id, verdict] of verdicts.links) visit('link', id, topology.links.get(id)!.site, verdict);
    for (const [id, verdict] of verdicts.devices) visit('device', id, topology.devices.get(id)!.site, verdict);
    for (const [id, verdict] of verdicts.sites) {
      visit('site', id, id, verdict);
      const tags = { site: id, entity_kind: 'site', entity: id, kind: 'outage' };
      const openSince = siteOutages.get(id);
      if (verdict.state === 'down' && openSince === undefined) {
        siteOutages.set(id, verdict.sinceMs);
        points.push(point('outage', verdict.sinceMs, tags, { open: 1, cause: verdict.cause }));
      } else if (verdict.state !== 'down' && openSince !== undefined) {
        siteOutages.delete(id);
        const endMs = siteRecoveryMs(id, now);
        points.push(point('outage', openSince, tags, { open: 0, end_ms: endMs, duration_s: (endMs - openSince) / 1000, cause: 'site-dark' }));
      }
    }
    write(points);
  };

  /** A dark site is back at the first good round of any of its links or devices. */
  const siteRecoveryMs = (siteId: string, now: number) => {
    const members = [...(topology.linksOf.get(siteId) ?? []).map((link) => subjects.get('link', link.id)), ...(topology.devicesOf.get(siteId) ?? []).map((device) => subjects.get('device', device.id))];
    const backAt = members.flatMap((member) => {
      const t = member?.tracker;
      return t && t.last?.ok ? [t.goodStartMs ?? t.sinceMs] : [];
    });
    return backAt.length > 0 ? Math.min(...backAt) : now;
  };

  /** Something above a link is in trouble now: an upstream (or one above it) failing its latest
   * round, down, unreachable or flapping, or a parent site cut off. */
  const troubleAbove = (link: Link): boolean => {
    const seen = new Set<string>();
    for (let up = link.upstream; up !== undefined && !seen.has(up); up = topology.links.get(up)?.upstream) {
      seen.add(up);
      const view = ownView('link', up);
      const state = verdicts.links.get(up)?.state;
      if (view?.failing || view?.flapping || state === 'down' || state === 'unreachable') return true;
    }
    return siteTroubleAbove(link.site);
  };
  /** A parent site (or one above it) down, unreachable, or with every link failing or flapping. */
  const siteTroubleAbove = (siteId: string): boolean => {
    const seen = new Set<string>([siteId]);
    for (let parent = topology.sites.get(siteId)?.parent; parent !== undefined && !seen.has(parent); parent = topology.sites.get(parent)?.parent) {
      seen.add(parent);
      const state = verdicts.sites.get(parent)?.state;
      if (state === 'down' || state === 'unreachable') return true;
      const links = topology.linksOf.get(parent) ?? [];
      if (links.length > 0 && links.every((link) => ownView('link', link.id)?.failing || ownView('link', link.id)?.flapping)) return true;
    }
    return false;
  };
  /** Whether a cover still holds: while its cause lasts, and for `graceMs` after. */
  const coverActive = (key: string, now: number, graceMs: number, onlyFromAbove = false): boolean => {
    const cover = covered.get(key);
    if (cover === undefined || (onlyFromAbove && cover.reason !== 'above')) return false;
    if (cover.releasedMs === undefined) return cover.reason !== 'site-failing';
    return now - cover.releasedMs < graceMs;
  };
  /** Every link of the site flapping or explained from above: what happens at the site is theirs. */
  const siteExplained = (siteId: string, now: number): boolean => {
    const links = topology.linksOf.get(siteId) ?? [];
    return links.length > 0 && links.every((link) => ownView('link', link.id)?.flapping || coverActive(`link:${link.id}`, now, linkGraceMs(link), true));
  };

  const noteCovered = (now: number) => {
    /** Records why a failing subject's failure is not its own (`reason` asked only of those
     * failing: most subjects most of the time are not). */
    const note = (key: string, view: OwnView | undefined, reason: () => CoverReason | undefined, failStartMs?: number) => {
      const failing = view?.failing === true;
      const start = failStartMs ?? (view ? (view.health === 'down' ? view.sinceMs : view.failStartMs) : undefined) ?? 0;
      // A failure that ended, or a new one, spends the old cover.
      if (!failing || covered.get(key)?.failStartMs !== start) covered.delete(key);
      if (!failing) return;
      const why = reason();
      if (why) covered.set(key, { failStartMs: start, reason: why });
      else {
        const cover = covered.get(key);
        if (cover && cover.releasedMs === undefined) cover.releasedMs = now;
      }
    };
    // Links first: devices and sites are explained by their links.
    for (const entry of subjects.all()) {
      if (entry.kind !== 'link') continue;
      const link = topology.links.get(entry.id);
      if (!link) continue;
      note(`link:${link.id}`, ownView('link', link.id), () => {
        if (verdicts.links.get(link.id)?.state === 'unreachable' || troubleAbove(link)) return 'above';
        const site = verdicts.sites.get(link.site);
        return site?.dark ? 'site-dark' : site?.allFailing ? 'site-failing' : undefined;
      });
    }
    for (const entry of subjects.all()) {
      if (entry.kind !== 'device') continue;
      const device = topology.devices.get(entry.id);
      if (!device) continue;
      note(`device:${device.id}`, ownView('device', device.id), () => {
        if (verdicts.devices.get(device.id)?.state === 'unreachable' || siteTroubleAbove(device.site) || siteExplained(device.site, now)) return 'above';
        const site = verdicts.sites.get(device.site);
        return site?.dark ? 'site-dark' : site?.allFailing ? 'site-failing' : undefined;
      });
    }
    for (const [siteId, verdict] of verdicts.sites) {
      const key = `site:${siteId}`;
      const troubled = verdict.dark || verdict.mayGoDark || verdict.state === 'unreachable';
      if (!troubled) {
        covered.delete(key);
        continue;
      }
      // A site's failure is one while it lasts: its start moves as members fail and come back.
      note(key, { health: 'down', failing: true, sinceMs: verdict.sinceMs }, () => (verdict.state === 'unreachable' || siteTroubleAbove(siteId) || siteExplained(siteId, now) ? 'above' : undefined), covered.get(key)?.failStartMs ?? verdict.sinceMs);
    }
  };

  const requestPolls = () => {
    if (!options.pollNow) return;
    for (const [siteId, verdict] of verdicts.sites) {
      if (!verdict.mayGoDark) continue;
      const links = (topology.linksOf.get(siteId) ?? []).map((link) => ownView('link', link.id)).filter((view) => view?.failing);
      const failuresBegan = Math.min(...links.map((view) => view!.failStartMs ?? view!.sinceMs));
      for (const device of topology.devicesOf.get(siteId) ?? []) {
        const view = ownView('device', device.id);
        if (view?.failing || (view?.lastRoundMs ?? -Infinity) >= failuresBegan) continue;
        if (pollRequested.get(device.id) === failuresBegan) continue;
        pollRequested.set(device.id, failuresBegan);
        options.pollNow(device.id);
      }
    }
  };

  /** How long a subject may take to come back after its cause did: upAfter of its own rounds and
   * one more, and the grouping delay. */
  const graceMs = (settings: { tracker: { upAfter: number } }, intervalMs: number): number => (settings.tracker.upAfter + 1) * intervalMs + config.alerts.grouping;
  /** A subject's settings without starting to track it (a link polled by another shard is read
   * from the shared store, and must stay untracked here). */
  const settingsOf = (kind: 'link' | 'device', item: Link | Device) => subjects.get(kind, item.id)?.settings ?? settingsFor(config.alerts, subjectOf(topology.sites, kind, item));
  const linkGraceMs = (link: Link): number => graceMs(settingsOf('link', link), link.icmp?.interval ?? config.collector.icmp.interval);
  const deviceGraceMs = (device: Device): number => graceMs(settingsOf('device', device), device.snmp?.interval ?? config.collector.icmp.interval);
  const recoveryGraceMs = (entry: Tracked): number => {
    const link = entry.kind === 'link' ? topology.links.get(entry.id) : undefined;
    const device = entry.kind === 'device' ? topology.devices.get(entry.id) : undefined;
    return link ? linkGraceMs(link) : device ? deviceGraceMs(device) : config.alerts.grouping;
  };
  /** A site's members all need their time to come back. */
  const siteGraceMs = (siteId: string): number =>
    Math.max(config.alerts.grouping, ...(topology.linksOf.get(siteId) ?? []).map(linkGraceMs), ...(topology.devicesOf.get(siteId) ?? []).map(deviceGraceMs));

  /** The longest hold an undecided ancestor may need (two of its rounds), or undefined when
   * every ancestor is decided. */
  const undecidedAncestorHoldMs = (link: Link): number | undefined => {
    const seen = new Set<string>();
    let hold: number | undefined;
    for (let up = link.upstream; up !== undefined && !seen.has(up); up = topology.links.get(up)?.upstream) {
      seen.add(up);
      const view = ownView('link', up);
      const state = verdicts.links.get(up)?.state;
      if (view?.failing && view.health !== 'down' && state !== 'down' && state !== 'unreachable') {
        const upstream = topology.links.get(up);
        const rounds = upstream ? settingsOf('link', upstream).tracker.downAfter : config.alerts.downAfter;
        hold = Math.max(hold ?? 0, rounds * (upstream?.icmp?.interval ?? config.collector.icmp.interval));
      }
    }
    return hold;
  };
  const siteMayGoDark = (siteId: string): boolean => {
    const seen = new Set<string>();
    for (let id: string | undefined = siteId; id !== undefined && !seen.has(id); id = topology.sites.get(id)?.parent) {
      seen.add(id);
      if (verdicts.sites.get(id)?.mayGoDark) return true;
    }
    return false;
  };

  /** How long a site's fate can take: its slowest device's poll (interval, every try timing out,
   * then the address pinged), or two rounds of its links. */
  const siteHoldMs = (siteId: string): number => {
    const icmp = config.collector.icmp;
    const ping = icmp.count * icmp.spacing + icmp.timeout;
    const polls = (topology.devicesOf.get(siteId) ?? []).map((device) => (device.snmp ? device.snmp.interval + device.snmp.timeout * (device.snmp.retries + 1) + ping : icmp.interval + ping));
    return Math.max(2 * icmp.interval, ...polls);
  };

  const candidates = (now: number): Candidate[] => {
    const list: Candidate[] = [];
    const alerts = config.alerts;
    for (const [id, verdict] of verdicts.sites) {
      if (!verdict.dark || !alerts.rules.siteDark.enabled) continue;
      // Behind a failing upstream or parent, or with every link flapping: told by those.
      if (coverActive(`site:${id}`, now, siteGraceMs(id))) continue;
      const site = topology.sites.get(id)!;
      const affected = new Set([...(topology.childSitesOf.get(id) ?? []), ...(topology.linksOf.get(id) ?? []).flatMap((link) => topology.affectedBy.get(link.id) ?? [])]);
      affected.delete(id);
      const severity = settingsFor(alerts, subjectOf(topology.sites, 'site', site)).rules.siteDark.severity;
      list.push({ key: problemKey('site-dark', 'site', id), kind: 'site-dark', severity, entityKind: 'site', entity: id, siteId: id, startedMs: verdict.sinceMs, affected: [...affected].sort(), held: false });
    }
    for (const entry of subjects.all()) {
      const item = entry.kind === 'link' ? topology.links.get(entry.id) : topology.devices.get(entry.id);
      if (!item) continue;
      const verdict = verdictOf(entry.kind, entry.id);
      if (!verdict || verdict.state === 'maintenance') continue;
      // Most subjects most of the time: nothing to say.
      if (verdict.state === 'up' && !entry.tracker.flapping && entry.interfacesDown.size === 0) continue;
      const siteVerdict = verdicts.sites.get(item.site);
      const siteIsDark = siteVerdict?.dark === true;
      const rules = entry.settings.rules;
      const base = { entityKind: entry.kind, entity: entry.id, siteId: item.site, linkId: entry.kind === 'link' ? entry.id : undefined, deviceId: entry.kind === 'device' ? entry.id : undefined };
      // Explained from above (a failing upstream or parent, a flapping link it depends on): its
      // own failure is told by that, and once that is over it has its recovery time.
      const explained = coverActive(`${entry.kind}:${entry.id}`, now, recoveryGraceMs(entry));
      const flapKey = `${entry.kind}:${entry.id}`;
      if (!entry.tracker.flapping) flappingExplained.delete(flapKey);
      else {
        // A link flapping because its upstream flaps is the upstream's; so is a device whose
        // links flap, for as long as it flaps.
        const inherited = entry.kind === 'link' ? troubleAbove(item as Link) : siteTroubleAbove(item.site) || siteExplained(item.site, now);
        if (inherited || coverActive(flapKey, now, recoveryGraceMs(entry), true)) flappingExplained.add(flapKey);
        if (rules.flapping.enabled && !flappingExplained.has(flapKey)) {
          const affected = entry.kind === 'link' ? (topology.affectedBy.get(entry.id) ?? []) : [];
          list.push({ ...base, key: problemKey('flapping', entry.kind, entry.id), kind: 'flapping', severity: rules.flapping.severity, startedMs: entry.tracker.flappingSinceMs ?? now, affected, held: false });
        }
        continue;
      }
      if (verdict.state === 'down' && !siteIsDark && !explained) {
        const view = ownView(entry.kind, entry.id);
        const recovering = view?.recovering === true;
        if (entry.kind === 'link' && rules.linkDown.enabled) {
          const link = item as Link;
          const affected = topology.affectedBy.get(link.id) ?? [];
          const kind: AlertKind = affected.length > 0 ? 'upstream-down' : 'link-down';
          const darkening = siteMayGoDark(link.site);
          const ancestorHold = undecidedAncestorHoldMs(link);
          const held = darkening || ancestorHold !== undefined;
          list.push({ ...base, key: problemKey(kind, 'link', link.id), kind, severity: rules.linkDown.severity, startedMs: verdict.sinceMs, affected, held, holdMs: Math.max(darkening ? siteHoldMs(link.site) : 0, ancestorHold ?? 0), recovering });
        } else if (entry.kind === 'device' && rules.deviceDown.enabled) {
          list.push({ ...base, key: problemKey('device-down', 'device', entry.id), kind: 'device-down', severity: rules.deviceDown.severity, startedMs: verdict.sinceMs, held: siteMayGoDark(item.site), holdMs: siteHoldMs(item.site), recovering });
        }
      }
      if (verdict.state === 'down' || verdict.state === 'unreachable') continue;
      if (entry.kind === 'device' && verdict.cause === 'agent-silent' && rules.agentSilent.enabled) {
        list.push({ ...base, key: problemKey('agent-silent', 'device', entry.id), kind: 'agent-silent', severity: rules.agentSilent.severity, startedMs: entry.agentSilentSinceMs ?? now, held: false });
      }
      for (const rule of Object.keys(entry.conditions) as ConditionRule[]) {
        const condition = entry.conditions[rule]!;
        if (!condition.breached || !rules[rule].enabled) continue;
        const kind = conditionKind[rule];
        list.push({
          ...base,
          key: problemKey(kind, entry.kind, entry.id),
          kind,
          severity: rules[rule].severity,
          startedMs: condition.overSinceMs ?? now,
          measured: { value: condition.last ?? condition.peak ?? 0, threshold: rules[rule].above, unit: conditionUnit[rule] },
          held: false,
        });
      }
      for (const [name, sinceMs] of entry.interfacesDown) {
        list.push({ ...base, key: problemKey('interface-down', 'device', entry.id, name), kind: 'interface-down', severity: rules.interfaceDown.severity, interface: name, startedMs: sinceMs, held: false });
      }
    }
    for (const peer of config.alerts.peers) {
      const seen = peerSeenMs.get(peer.id) ?? startedMs;
      if (now - seen > peer.maxSilence) {
        list.push({ key: problemKey('peer-silent', 'collector', peer.id), kind: 'peer-silent', severity: peer.severity, entityKind: 'collector', entity: peer.id, startedMs: seen, held: false });
      }
    }
    const write = config.alerts.rules.collectorWrite;
    if (write.enabled && writerDownSinceMs !== undefined && now - writerDownSinceMs >= write.for) {
      list.push({ key: problemKey('collector-write', 'collector', 'collector'), kind: 'collector-write', severity: write.severity, entityKind: 'collector', entity: 'collector', startedMs: writerDownSinceMs, held: false });
    }
    return list;
  };

  /** Whether an open alert's problem is still there, judged on its own subject (not on the
   * current verdict: a link reported down stays open when its upstream fails later). */
  const stillOpen = (alert: OpenAlert, now: number): { open: true } | { open: false; endedMs: number; settledState?: 'up' | 'down' } => {
    const entry = alert.entityKind === 'link' || alert.entityKind === 'device' ? subjects.get(alert.entityKind, alert.entity) : undefined;
    const gone = { open: false as const, endedMs: now };
    switch (alert.kind) {
      case 'link-down':
      case 'upstream-down':
      case 'device-down':
        if (!entry) return alert.entityKind === 'link' && shared.has(alert.entity) ? { open: true } : gone;
        return entry.tracker.health === 'down' ? { open: true } : { open: false, endedMs: entry.tracker.sinceMs };
      case 'site-dark': {
        const verdict = verdicts.sites.get(alert.entity);
        if (!verdict) return gone;
        return verdict.dark || verdict.state === 'maintenance' ? { open: true } : { open: false, endedMs: siteRecoveryMs(alert.entity, now) };
      }
      case 'flapping': {
        const flapping = entry;
        if (!flapping) return gone;
        return flapping.tracker.flapping ? { open: true } : { open: false, endedMs: now, settledState: flapping.tracker.health === 'down' ? 'down' : 'up' };
      }
      case 'agent-silent':
        return entry && (entry.agentSilentRounds > 0 || entry.tracker.health === 'down') ? { open: true } : gone;
      case 'loss':
      case 'rtt':
      case 'utilisation':
      case 'interface-errors': {
        const rule = (Object.keys(conditionKind) as ConditionRule[]).find((name) => conditionKind[name] === alert.kind)!;
        return entry?.conditions[rule]?.breached ? { open: true } : gone;
      }
      case 'interface-down':
        return alert.interface !== undefined && subjects.get('device', alert.entity)?.interfacesDown.has(alert.interface) ? { open: true } : gone;
      case 'collector-write':
        return writerDownSinceMs !== undefined ? { open: true } : gone;
      case 'peer-silent': {
        const peer = config.alerts.peers.find((candidate) => candidate.id === alert.entity);
        const seen = peerSeenMs.get(alert.entity);
        if (!peer) return gone;
        return seen !== undefined && now - seen <= peer.maxSilence ? { open: false, endedMs: seen } : { open: true };
      }
      case 'reboot':
      case 'test':
        return gone;
    }
  };

  const notificationOf = (alert: OpenAlert, event: NotificationEvent, atMs: number, extra: Partial<Notification> = {}): Notification => {
    const site = alert.siteId ? topology.sites.get(alert.siteId) : undefined;
    const link = alert.linkId ? topology.links.get(alert.linkId) : undefined;
    const device = alert.deviceId ? topology.devices.get(alert.deviceId) : undefined;
    const upstreamLink = link?.upstream ? topology.links.get(link.upstream) : undefined;
    const siteName = (id: string) => ({ id, name: topology.sites.get(id)?.name ?? id });
    return {
      id: `${alert.alertId}:${event}`,
      alertId: alert.alertId,
      event,
      kind: alert.kind,
      severity: alert.severity,
      atMs,
      startedMs: alert.startedMs,
      site: site ? siteInfo(site) : undefined,
      link: link ? linkInfo(link) : undefined,
      device: device ? deviceInfo(device) : undefined,
      interface: alert.interface,
      upstream: upstreamLink ? { link: linkInfo(upstreamLink) } : undefined,
      affectedSites: alert.affected?.map(siteName),
      measured: alert.measured,
      detail: alert.kind === 'peer-silent' ? (config.alerts.peers.find((peer) => peer.id === alert.entity)?.name ?? alert.entity) : undefined,
      ...extra,
    };
  };

  /** Records an alert event in InfluxDB (what `alerts list`, the API and a restart read). */
  const recordAlert = (alert: OpenAlert, notification: Notification) =>
    write([
      point('alert', notification.atMs, { alert_id: alert.alertId, kind: alert.kind, severity: alert.severity, site: alert.siteId }, {
        event: notification.event,
        entity_kind: alert.entityKind,
        entity: alert.entity,
        interface: alert.interface,
        started_ms: alert.startedMs,
        ended_ms: notification.endedMs,
        duration_s: notification.endedMs !== undefined ? (notification.endedMs - alert.startedMs) / 1000 : undefined,
        affected: alert.affected && alert.affected.length > 0 ? JSON.stringify(alert.affected) : undefined,
        summary: summaryOf(notification),
        notification_id: notification.id,
      }),
    ]);

  const publish = async (alert: OpenAlert, event: NotificationEvent, atMs: number, extra: Partial<Notification> = {}) => {
    const notification = notificationOf(alert, event, atMs, extra);
    recordAlert(alert, notification);
    try {
      await notifier.publish(notification);
    } catch (error) {
      logger.error({ err: error, alert: alert.alertId }, 'could not store a notification in the outbox');
    }
  };

  /** A round of the candidate's subject: the cut may have come up to one round before the first
   * failure the subject saw. */
  const roundOf = (candidate: Candidate): number => {
    const icmp = config.collector.icmp.interval;
    if (candidate.entityKind === 'link') return topology.links.get(candidate.entity)?.icmp?.interval ?? icmp;
    if (candidate.entityKind === 'device') return topology.devices.get(candidate.entity)?.snmp?.interval ?? icmp;
    if (candidate.entityKind === 'site') return Math.min(icmp, ...(topology.linksOf.get(candidate.entity) ?? []).map((link) => link.icmp?.interval ?? icmp));
    return 0;
  };

  /** When a pending problem's message may leave: after the grouping delay; a held one later,
   * but never past `alerts.notifyWithin` after the problem could have begun — a round before
   * its first failure was seen — so a held message still leaves within the deadline of the cut
   * itself. What is known by then is sent; a cause decided later refines the alert. */
  const releaseAtMs = (candidate: Candidate, firstSeenMs: number): number => {
    const grouped = firstSeenMs + config.alerts.grouping;
    if (!candidate.held) return grouped;
    return Math.max(grouped, Math.min(grouped + (candidate.holdMs ?? 0), candidate.startedMs - roundOf(candidate) + config.alerts.notifyWithin));
  };

  /** Pings a down link's targets once more before its message leaves (the grouping delay has
   * passed since its last round: it may be back); true while the answer is awaited, a round's
   * length and two seconds at most. */
  const confirming = (entry: { candidate: Candidate; recheckedMs?: number }, now: number): boolean => {
    if (!options.pingNow) return false;
    const { candidate } = entry;
    const links =
      candidate.kind === 'link-down' || candidate.kind === 'upstream-down'
        ? [candidate.entity]
        : candidate.kind === 'site-dark'
          ? (topology.linksOf.get(candidate.entity) ?? []).filter((link) => link.targets.length > 0).map((link) => link.id)
          : [];
    const lastRoundMs = (id: string) => ownView('link', id)?.lastRoundMs ?? -Infinity;
    if (entry.recheckedMs === undefined) {
      const polled = links.filter((id) => subjects.get('link', id));
      if (polled.length === 0) return false;
      entry.recheckedMs = now;
      for (const id of polled) options.pingNow(id);
      return true;
    }
    const icmp = config.collector.icmp;
    return links.some((id) => subjects.get('link', id) && lastRoundMs(id) < entry.recheckedMs!) && now - entry.recheckedMs < icmp.count * icmp.spacing + icmp.timeout + 2_000;
  };

  /** A site found dark after one of its links or its router was already told down: the same
   * alert, its cause refined (one `updated` message), instead of a second alert. */
  const refineIntoSiteDark = async (candidate: Candidate, now: number): Promise<boolean> => {
    const earlier = [...open.values()]
      .filter((alert) => alert.siteId === candidate.siteId && (alert.kind === 'link-down' || alert.kind === 'upstream-down' || alert.kind === 'device-down'))
      .sort((a, b) => a.startedMs - b.startedMs)[0];
    if (!earlier) return false;
    open.delete(earlier.key);
    const refined: OpenAlert = { ...earlier, key: candidate.key, kind: 'site-dark', severity: candidate.severity, entityKind: 'site', entity: candidate.entity, linkId: undefined, deviceId: undefined, affected: candidate.affected };
    open.set(candidate.key, refined);
    await publish(refined, 'updated', now);
    return true;
  };

  /** An outage decided but over before its message left: one message with both ends. */
  const tellIfBrief = async (candidate: Candidate, now: number) => {
    if (!outageKinds.has(candidate.kind)) return;
    let endedMs: number | undefined;
    if (candidate.entityKind === 'site') {
      const state = verdicts.sites.get(candidate.entity)?.state;
      if ((state === 'up' || state === 'degraded') && !coverActive(`site:${candidate.entity}`, now, siteGraceMs(candidate.entity))) endedMs = siteRecoveryMs(candidate.entity, now);
    } else if (candidate.entityKind === 'link' || candidate.entityKind === 'device') {
      const entry = subjects.get(candidate.entityKind, candidate.entity);
      const tracker = entry?.tracker;
      const state = verdictOf(candidate.entityKind, candidate.entity)?.state;
      const over = tracker !== undefined && tracker.health === 'up' && tracker.sinceMs >= candidate.startedMs && !tracker.flapping;
      if (entry && over && state !== 'maintenance' && !coverActive(`${entry.kind}:${entry.id}`, now, recoveryGraceMs(entry))) endedMs = tracker.sinceMs;
    }
    if (endedMs === undefined) return;
    const { held: _held, holdMs: _holdMs, recovering: _recovering, ...fields } = candidate;
    const alert: OpenAlert = { ...fields, alertId: alertIdOf(candidate.key, candidate.startedMs), acknowledged: false };
    if (alert.siteId) recentRecovery.set(alert.siteId, now);
    await publish(alert, 'brief', now, { endedMs });
  };

  const evaluateNow = async () => {
    const now = clock.now();
    // Never awaited here: a database that hangs must not delay alerts about anything else.
    if (!reading) reading = readControl(now).finally(() => (reading = undefined));
    const active = windowsNow(now);
    const maintenance = (kind: EntityKind, id: string) => {
      if (active.length === 0) return undefined;
      const item = kind === 'site' ? topology.sites.get(id) : kind === 'link' ? topology.links.get(id) : topology.devices.get(id);
      if (!item) return undefined;
      return activeFor(active, subjectOf(topology.sites, kind, item), now, config.alerts.timezone)?.id;
    };
    verdicts = decide({ topology, own: ownView, maintenance });
    recordStates(now);
    noteCovered(now);
    requestPolls();

    const seen = new Set<string>();
    for (const candidate of candidates(now)) {
      seen.add(candidate.key);
      if (open.has(candidate.key)) continue;
      const waiting = pending.get(candidate.key);
      const entry = { firstSeenMs: waiting?.firstSeenMs ?? now, candidate, recheckedMs: waiting?.recheckedMs };
      pending.set(candidate.key, entry);
      if (candidate.recovering || now < releaseAtMs(candidate, entry.firstSeenMs) || confirming(entry, now)) continue;
      pending.delete(candidate.key);
      if (candidate.kind === 'site-dark' && (await refineIntoSiteDark(candidate, now))) continue;
      const { held: _held, holdMs: _holdMs, recovering: _recovering, ...fields } = candidate;
      const alert: OpenAlert = { ...fields, alertId: alertIdOf(candidate.key, candidate.startedMs), acknowledged: false };
      open.set(candidate.key, alert);
      await publish(alert, 'firing', now);
    }
    for (const [key, waiting] of pending) {
      if (seen.has(key)) continue;
      pending.delete(key);
      await tellIfBrief(waiting.candidate, now);
    }

    for (const [key, alert] of open) {
      const status = stillOpen(alert, now);
      if (status.open) continue;
      open.delete(key);
      if (alert.siteId && (alert.kind === 'site-dark' || alert.kind === 'device-down' || alert.kind === 'link-down')) recentRecovery.set(alert.siteId, now);
      await publish(alert, 'resolved', now, { endedMs: status.endedMs, settledState: status.settledState });
      // Flapping that ends in an outage: the settled message said so; its recovery is still owed.
      if (alert.kind === 'flapping' && status.settledState === 'down' && alert.linkId && alert.siteId) {
        const siteDark = verdicts.sites.get(alert.siteId)?.dark === true;
        const owedKey = siteDark ? problemKey('site-dark', 'site', alert.siteId) : problemKey('link-down', 'link', alert.linkId);
        const sinceMs = siteDark ? verdicts.sites.get(alert.siteId)!.sinceMs : verdicts.links.get(alert.linkId)?.sinceMs;
        if (!open.has(owedKey) && sinceMs !== undefined && (siteDark || verdicts.links.get(alert.linkId)?.state === 'down')) {
          const owed: OpenAlert = siteDark
            ? { ...alert, key: owedKey, kind: 'site-dark', entityKind: 'site', entity: alert.siteId, linkId: undefined, alertId: alertIdOf(owedKey, sinceMs), startedMs: sinceMs }
            : { ...alert, key: owedKey, kind: 'link-down', alertId: alertIdOf(owedKey, sinceMs), startedMs: sinceMs };
          open.set(owedKey, owed);
          pending.delete(owedKey);
          // Recorded, not sent: a restart must still owe its recovery.
          recordAlert(owed, notificationOf(owed, 'firing', now));
        }
      }
    }
    await notifier.tick(now);
  };

  const readControl = async (now: number) => {
    if (!control || now - lastControlMs < controlEveryMs) return;
    lastControlMs = now;
    try {
      storedWindows = await control.maintenanceWindows();
      const acks = await control.acknowledgements(ackCursorMs);
      const byId = new Map([...open.values()].map((alert) => [alert.alertId, alert]));
      for (const ack of acks) {
        ackCursorMs = Math.max(ackCursorMs, ack.atMs - controlEveryMs);
        const alert = byId.get(ack.alertId);
        if (!alert || alert.acknowledged) continue;
        alert.acknowledged = true;
        notifier.acknowledge(alert.alertId, ack.atMs);
        logger.info({ alert: alert.alertId }, `alert ${alert.alertId} acknowledged`);
      }
      if (control.sharedLinkStates) {
        const foreign = config.links.filter((link) => !inShard(link.site, options.shard)).map((link) => link.id);
        if (foreign.length > 0) shared = new Map(await control.sharedLinkStates(foreign));
      }
      if (controlFailing) logger.info({}, 'alert control data readable again');
      controlFailing = false;
    } catch (error) {
      if (!controlFailing) logger.warn({ err: error }, 'could not read acknowledgements and maintenance windows from InfluxDB; using the last known ones');
      controlFailing = true;
    }
  };

  const restore = async () => {
    if (!control) return;
    let restored: RestoredState;
    try {
      restored = await control.restore();
    } catch (error) {
      logger.warn({ err: error }, 'could not read the last recorded alert state; starting from unknown (an ongoing outage will be notified again)');
      return;
    }
    for (const entity of restored.entities) {
      lastStates[entity.kind].set(entity.id, { state: entity.state, cause: entity.cause });
      if (entity.kind === 'site') {
        if (entity.state === 'down') siteOutages.set(entity.id, entity.sinceMs);
        continue;
      }
      const item = entity.kind === 'link' ? topology.links.get(entity.id) : topology.devices.get(entity.id);
      if (!item) continue;
      const entry = trackedFor(entity.kind, item);
      const down = entity.state === 'down' || entity.state === 'unreachable';
      // A subject under maintenance or unknown starts afresh: the next rounds decide it.
      if (!down && entity.state !== 'up' && entity.state !== 'degraded') continue;
      entry.tracker = restoredTracker(down ? 'down' : 'up', entity.sinceMs, entry.settings.tracker, down ? ((entity.cause as FailureCause | undefined) ?? 'no-reply') : undefined);
      if (down) {
        entry.outageStartMs = entity.sinceMs;
        entry.outageCause = entity.cause;
      }
    }
    for (const restoredAlert of restored.alerts) {
      const alert = withInterfaceApart(restoredAlert);
      const key = problemKey(alert.kind, alert.entityKind, alert.entity, alert.interface);
      const deviceId = alert.entityKind === 'device' ? alert.entity : undefined;
      const site = alert.entityKind === 'site' ? alert.entity : alert.entityKind === 'link' ? topology.links.get(alert.entity)?.site : deviceId ? topology.devices.get(deviceId)?.site : undefined;
      open.set(key, {
        key,
        alertId: alert.alertId,
        kind: alert.kind,
        severity: alert.severity,
        entityKind: alert.entityKind,
        entity: alert.entity,
        siteId: site,
        linkId: alert.entityKind === 'link' ? alert.entity : undefined,
        deviceId,
        interface: alert.interface,
        startedMs: alert.startedMs,
        affected: alert.affected,
        acknowledged: alert.acknowledged ?? false,
      });
      if (alert.acknowledged) notifier.acknowledge(alert.alertId, clock.now());
      // An interface told down stays down until a poll shows it up: the engine need not have
      // seen it up since the restart to know it went down.
      const device = deviceId ? topology.devices.get(deviceId) : undefined;
      if (alert.kind === 'interface-down' && alert.interface !== undefined && device) {
        const entry = trackedFor('device', device);
        entry.interfacesUp.add(alert.interface);
        entry.interfacesDown.set(alert.interface, alert.startedMs);
      }
    }
    logger.info({ entities: restored.entities.length, openAlerts: restored.alerts.length }, 'alert state restored');
  };

  return {
    observe(observation) {
      subjects.observe(observation);
    },
    async start(ticks) {
      await restore();
      ticker = ticks.start(() => {
        void this.evaluate();
      });
    },
    reload(next) {
      config = next;
      topology = buildTopology(next);
      configWindows = fromSettings(next.alerts.maintenance, next.alerts.timezone);
      subjects.reload();
    },
    evaluate() {
      // One evaluation at a time: a slow outbox write must not let two decide the same alert.
      if (evaluating) return evaluating;
      evaluating = evaluateNow()
        .catch((error: unknown) => logger.error({ err: error }, 'alert evaluation failed'))
        .finally(() => {
          evaluating = undefined;
        });
      return evaluating;
    },
    peerHeartbeat(peerId) {
      if (!config.alerts.peers.some((peer) => peer.id === peerId)) return false;
      peerSeenMs.set(peerId, clock.now());
      return true;
    },
    writerHealth(ok) {
      if (ok) writerDownSinceMs = undefined;
      else writerDownSinceMs ??= clock.now();
    },
    trap(event) {
      subjects.trap(event);
    },
    states: () => ({ links: verdicts.links, devices: verdicts.devices, sites: verdicts.sites }),
    openAlerts: () =>
      [...open.values()].map((alert) => ({
        alertId: alert.alertId,
        kind: alert.kind,
        severity: alert.severity,
        entityKind: alert.entityKind,
        entity: alert.entity,
        ...(alert.interface !== undefined ? { interface: alert.interface } : {}),
        startedMs: alert.startedMs,
        acknowledged: alert.acknowledged,
      })),
    async stop() {
      ticker?.stop();
      await evaluating;
      await reading;
    },
  };
}

/** Interface alerts written before the interface had a field of its own kept it in the entity
 * as `device/ifName`; device ids never hold a `/`, so the first one splits it (`Gi0/0/1` stays
 * whole). */
function withInterfaceApart(alert: RestoredAlert): RestoredAlert {
  if (alert.kind !== 'interface-down' || alert.interface !== undefined) return alert;
  const slash = alert.entity.indexOf('/');
  return slash < 0 ? alert : { ...alert, entity: alert.entity.slice(0, slash), interface: alert.entity.slice(slash + 1) };
}

/** One line for the `alert` record; the messages themselves are rendered by the notifier. */
function summaryOf(notification: Notification): string {
  const where = notification.link?.id ?? notification.device?.id ?? notification.site?.id ?? 'collector';
  const affected = notification.affectedSites?.length ? ` (${notification.affectedSites.length} sites affected)` : '';
  return `${notification.event}: ${notification.kind} ${where}${affected}`;
}

