import type { Config, Device, Link } from '../../config/schema.ts';
import type { Clock } from '../clock.ts';
import type { Observation } from '../collector.ts';
import type { Logger } from '../logger.ts';
import { watchedInterfaces } from '../points.ts';
import type { IcmpResult } from '../probes/icmp/probe.ts';
import { point, type Point } from '../storage/schema.ts';
import type { AlertKind, EntityState } from './model.ts';
import { settingsFor, subjectOf, type SubjectSettings } from './settings.ts';
import { failing, initialCondition, initialTracker, step, stepCondition, type ConditionState, type Round, type TrackerEvent, type TrackerState } from './state.ts';
import type { OwnView, Topology } from './topology.ts';

// From poll results to rounds: each link's and device's tracker, its threshold conditions and
// its history (outages and blips, written as they happen). What the rounds mean for sites and
// notifications is the engine's business.

export type ConditionRule = 'loss' | 'rtt' | 'utilisation' | 'interfaceErrors';
export const conditionKind: Record<ConditionRule, AlertKind> = { loss: 'loss', rtt: 'rtt', utilisation: 'utilisation', interfaceErrors: 'interface-errors' };
export const conditionUnit: Record<ConditionRule, string> = { loss: '%', rtt: 'ms', utilisation: '%', interfaceErrors: '/s' };

/** What the engine keeps of one link or device between rounds. */
export interface Tracked {
  kind: 'link' | 'device';
  id: string;
  settings: SubjectSettings;
  tracker: TrackerState;
  conditions: Partial<Record<ConditionRule, ConditionState>>;
  /** SNMP rounds in a row the agent missed while the address answered. */
  agentSilentRounds: number;
  agentSilentSinceMs?: number;
  /** The carrying interface reported oper-down while admin-up (links). */
  interfaceDownAtMs?: number;
  /** Watched interfaces seen up, and those down while admin-up since when (devices). */
  interfacesUp: Set<string>;
  interfacesDown: Map<string, number>;
  /** ifIndex → ifName at the last poll, to read traps that name only the index (devices). */
  ifNames: Map<number, string>;
  /** The open outage's start, for its closing record. */
  outageStartMs?: number;
  outageInMaintenance: boolean;
  outageCause?: string;
}

/** A trap, already matched to a device of the inventory. */
export interface TrapEvent {
  kind: 'link-down' | 'link-up' | 'cold-start' | 'warm-start';
  device: string;
  interface?: string;
  ifIndex?: number;
  atMs: number;
}

/** An interface down report is trusted for this many of the device's polls. */
const INTERFACE_REPORT_POLLS = 2.5;

export interface SubjectsOptions {
  clock: Clock;
  logger: Logger;
  write(points: Point[]): void;
  /** The config and topology in force (they change on reload). */
  current(): { config: Config; topology: Topology };
  /** Whether a maintenance window covered the subject at the last evaluation. */
  inMaintenance(kind: 'link' | 'device', id: string): boolean;
  /** Links polled by other collectors, as the shared store last said. */
  shared(): ReadonlyMap<string, { state: EntityState; sinceMs: number }>;
  onReboot(device: Device, atMs: number): void;
}

export interface Subjects {
  observe(observation: Observation): void;
  trap(event: TrapEvent): void;
  /** The subject's own health, as the verdicts need it; shared state for links not tracked here. */
  view(kind: 'link' | 'device', id: string): OwnView | undefined;
  get(kind: 'link' | 'device', id: string): Tracked | undefined;
  trackedFor(kind: 'link' | 'device', item: Link | Device): Tracked;
  all(): IterableIterator<Tracked>;
  /** After a reload: settings again from the new config, subjects gone from it dropped. */
  reload(): void;
}

export function createSubjects(options: SubjectsOptions): Subjects {
  const { clock, logger, write } = options;
  const tracked = new Map<string, Tracked>();

  const trackedFor = (kind: 'link' | 'device', item: Link | Device): Tracked => {
    const key = `${kind}:${item.id}`;
    let entry = tracked.get(key);
    if (!entry) {
      entry = {
        kind,
        id: item.id,
        settings: settingsFor(options.current().config.alerts, subjectOf(options.current().topology.sites, kind, item)),
        tracker: initialTracker(clock.now()),
        conditions: {},
        agentSilentRounds: 0,
        interfacesUp: new Set(),
        interfacesDown: new Map(),
        ifNames: new Map(),
        outageInMaintenance: false,
      };
      tracked.set(key, entry);
    }
    return entry;
  };

  const playRound = (entry: Tracked, round: Round, site: string) => {
    const { state, events } = step(entry.tracker, round, entry.settings.tracker);
    entry.tracker = state;
    for (const event of events) record(entry, event, site);
  };

  /** Outages and blips go to the history as they happen; notifications are decided later. */
  const record = (entry: Tracked, event: TrackerEvent, site: string) => {
    const tags = { site, entity_kind: entry.kind, entity: entry.id };
    const inMaintenance = options.inMaintenance(entry.kind, entry.id);
    switch (event.type) {
      case 'down':
        entry.outageStartMs = event.startMs;
        entry.outageInMaintenance = inMaintenance;
        entry.outageCause = event.cause;
        write([point('outage', event.startMs, { ...tags, kind: 'outage' }, { open: 1, cause: event.cause, maintenance: inMaintenance ? 1 : 0 })]);
        logger.info({ [entry.kind]: entry.id, since: new Date(event.startMs).toISOString(), cause: event.cause }, `${entry.kind} ${entry.id} is down`);
        break;
      case 'up': {
        const rounds = event.rounds;
        const cause = entry.outageCause ?? 'no-reply';
        const maintenance = entry.outageInMaintenance || inMaintenance;
        write([
          point('outage', event.startMs, { ...tags, kind: 'outage' }, { open: 0, end_ms: event.endMs, duration_s: (event.endMs - event.startMs) / 1000, rounds, cause, maintenance: maintenance ? 1 : 0 }),
        ]);
        logger.info({ [entry.kind]: entry.id, durationS: (event.endMs - event.startMs) / 1000 }, `${entry.kind} ${entry.id} is up again`);
        entry.outageStartMs = undefined;
        entry.outageCause = undefined;
        entry.outageInMaintenance = false;
        break;
      }
      case 'blip':
        write([
          point('outage', event.startMs, { ...tags, kind: 'blip' }, { open: 0, end_ms: event.endMs, duration_s: (event.endMs - event.startMs) / 1000, rounds: event.rounds, cause: event.cause, maintenance: inMaintenance ? 1 : 0 }),
        ]);
        break;
      case 'flapping-start':
      case 'flapping-end':
        logger.info({ [entry.kind]: entry.id, changes: event.type === 'flapping-start' ? event.changes : undefined }, `${entry.kind} ${entry.id} ${event.type === 'flapping-start' ? 'is flapping' : 'settled'}`);
        break;
      case 'first-up':
        break;
    }
  };

  const stepRule = (entry: Tracked, rule: ConditionRule, atMs: number, value: number | undefined) => {
    const settings = entry.settings.rules[rule];
    if (!settings.enabled) return;
    const { state } = stepCondition(entry.conditions[rule] ?? initialCondition(), atMs, value, { above: settings.above, forMs: settings.for, clearAfter: entry.settings.tracker.upAfter });
    entry.conditions[rule] = state;
  };

  const interfaceReportValid = (entry: Tracked, device: Device | undefined, atMs: number) =>
    entry.interfaceDownAtMs !== undefined && atMs - entry.interfaceDownAtMs <= INTERFACE_REPORT_POLLS * (device?.snmp?.interval ?? options.current().config.collector.snmp.interval);

  /** A link with ICMP targets is judged by them: its interface's status only names the cause
   * (an interface report is up to a poll old, and a link back up must not wait for the next
   * poll to say so). A link without targets is judged by its interface at every poll. */
  const observeIcmpRound = (link: Link, slotMs: number, results: ReadonlyMap<string, IcmpResult>) => {
    const entry = trackedFor('link', link);
    const measured = link.targets.map((target) => results.get(target.address)).filter((result): result is IcmpResult => result !== undefined);
    if (measured.length === 0) return;
    const answered = measured.flatMap((result) => (result.ok && result.received > 0 ? [result] : []));
    const ok = answered.length > 0;
    const interfaceDown = interfaceReportValid(entry, link.device ? options.current().topology.devices.get(link.device) : undefined, slotMs);
    playRound(entry, ok ? { atMs: slotMs, ok: true } : { atMs: slotMs, ok: false, cause: interfaceDown ? 'interface-down' : 'no-reply' }, link.site);
    // The link is as good as its best target: one far end that never answers is not loss.
    const loss = ok ? Math.min(...answered.map((result) => result.lossPct)) : undefined;
    const rtts = answered.flatMap((result) => (result.rttAvgMs !== null ? [result.rttAvgMs] : []));
    stepRule(entry, 'loss', slotMs, loss);
    stepRule(entry, 'rtt', slotMs, ok && rtts.length > 0 ? Math.min(...rtts) : undefined);
  };

  const observeDevicePing = (device: Device, slotMs: number, result: IcmpResult) => {
    const entry = trackedFor('device', device);
    playRound(entry, result.ok && result.received > 0 ? { atMs: slotMs, ok: true } : { atMs: slotMs, ok: false, cause: 'silent' }, device.site);
  };

  const observeSnmp = (observation: Extract<Observation, { kind: 'snmp-poll' }>) => {
    const { device, links, slotMs, result } = observation;
    const entry = trackedFor('device', device);
    if (!result.ok) {
      if (observation.address === undefined) return;
      const addressUp = observation.address.ok && observation.address.received > 0;
      if (addressUp) {
        entry.agentSilentRounds += 1;
        entry.agentSilentSinceMs ??= slotMs;
      }
      playRound(entry, addressUp ? { atMs: slotMs, ok: true } : { atMs: slotMs, ok: false, cause: 'silent' }, device.site);
      // Interface-only links cannot be judged while the device does not answer.
      return;
    }
    entry.agentSilentRounds = 0;
    entry.agentSilentSinceMs = undefined;
    playRound(entry, { atMs: slotMs, ok: true }, device.site);

    const byName = new Map(result.interfaces.map((iface) => [iface.name, iface]));
    entry.ifNames = new Map(result.interfaces.map((iface) => [iface.index, iface.name]));
    for (const link of links) {
      if (!link.interface) continue;
      const iface = byName.get(link.interface);
      if (!iface) continue;
      const linkEntry = trackedFor('link', link);
      const down = iface.adminStatus === 'up' && iface.operStatus !== 'up';
      linkEntry.interfaceDownAtMs = down ? slotMs : undefined;
      if (link.targets.length === 0) playRound(linkEntry, down ? { atMs: slotMs, ok: false, cause: 'interface-down' } : { atMs: slotMs, ok: true }, link.site);
    }
    if (entry.settings.rules.interfaceDown.enabled && entry.settings.rules.interfaceDown.scope === 'watched') {
      const carried = new Set(links.map((link) => link.interface));
      // Only what the device's `interfaces` setting selects: a switch's unwatched ports are
      // nobody's business.
      for (const iface of watchedInterfaces(device, links, result.interfaces)) {
        if (carried.has(iface.name)) continue;
        if (iface.operStatus === 'up') {
          entry.interfacesUp.add(iface.name);
          entry.interfacesDown.delete(iface.name);
        } else if (iface.adminStatus === 'up' && entry.interfacesUp.has(iface.name) && !entry.interfacesDown.has(iface.name)) {
          entry.interfacesDown.set(iface.name, slotMs);
        } else if (iface.adminStatus !== 'up') {
          entry.interfacesDown.delete(iface.name);
          entry.interfacesUp.delete(iface.name);
        }
      }
    }
    const rates = observation.rates;
    if (!rates) return;
    for (const link of links) {
      if (!link.interface) continue;
      const rate = rates.interfaces.find((candidate) => candidate.name === link.interface);
      if (!rate?.ok) continue;
      const linkEntry = trackedFor('link', link);
      if (link.capacity) {
        const percent = Math.max((rate.inBps / (link.capacity.downMbps * 1e6)) * 100, (rate.outBps / (link.capacity.upMbps * 1e6)) * 100);
        stepRule(linkEntry, 'utilisation', slotMs, percent);
      }
      if (rate.inErrorsPs !== undefined || rate.outErrorsPs !== undefined) stepRule(linkEntry, 'interfaceErrors', slotMs, (rate.inErrorsPs ?? 0) + (rate.outErrorsPs ?? 0));
    }
    if (rates.continuity.kind === 'rebooted') options.onReboot(device, slotMs);
  };

  const view = (kind: 'link' | 'device', id: string): OwnView | undefined => {
    const entry = tracked.get(`${kind}:${id}`);
    if (!entry) {
      const external = kind === 'link' ? options.shared().get(id) : undefined;
      if (!external) return undefined;
      const health = external.state === 'unknown' ? 'unknown' : external.state === 'down' || external.state === 'unreachable' ? 'down' : 'up';
      return { health, failing: health === 'down', sinceMs: external.sinceMs };
    }
    const t = entry.tracker;
    const silent = entry.agentSilentRounds >= entry.settings.tracker.downAfter ? 'agent-silent' : undefined;
    const breached = (Object.keys(entry.conditions) as ConditionRule[]).find((rule) => entry.conditions[rule]?.breached);
    return { health: t.health, failing: failing(t), sinceMs: t.sinceMs, cause: t.cause, degradedBy: silent ?? breached, lastRoundMs: t.last?.atMs, failStartMs: t.failStartMs };
  };

  const trap = (event: TrapEvent) => {
    const { config, topology } = options.current();
    const device = topology.devices.get(event.device);
    if (!device) return;
    if (event.kind === 'cold-start' || event.kind === 'warm-start') {
      if (event.kind === 'cold-start') options.onReboot(device, event.atMs);
      return;
    }
    const name = event.interface ?? (event.ifIndex !== undefined ? tracked.get(`device:${device.id}`)?.ifNames.get(event.ifIndex) : undefined);
    if (name === undefined) return;
    for (const link of config.links) {
      if (link.device !== device.id || link.interface !== name) continue;
      const entry = trackedFor('link', link);
      entry.interfaceDownAtMs = event.kind === 'link-down' ? event.atMs : undefined;
      // A linkDown trap is a failed round now, before the next ping; recovery is left to the
      // rounds (pings, or the interface at the next poll), which see it for themselves.
      if (event.kind === 'link-down') playRound(entry, { atMs: event.atMs, ok: false, cause: 'interface-down' }, link.site);
      else if (link.targets.length === 0) playRound(entry, { atMs: event.atMs, ok: true }, link.site);
    }
  };

  return {
    observe(observation) {
      switch (observation.kind) {
        case 'icmp-round':
          observeIcmpRound(observation.link, observation.slotMs, observation.results);
          break;
        case 'device-ping':
          observeDevicePing(observation.device, observation.slotMs, observation.result);
          break;
        case 'snmp-poll':
          observeSnmp(observation);
          break;
      }
    },
    trap,
    view,
    get: (kind, id) => tracked.get(`${kind}:${id}`),
    trackedFor,
    all: () => tracked.values(),
    reload() {
      const { config, topology } = options.current();
      for (const [key, entry] of tracked) {
        const item = entry.kind === 'link' ? topology.links.get(entry.id) : topology.devices.get(entry.id);
        if (!item) tracked.delete(key);
        else {
          entry.settings = settingsFor(config.alerts, subjectOf(topology.sites, entry.kind, item));
          if (!entry.settings.rules.interfaceDown.enabled || entry.settings.rules.interfaceDown.scope !== 'watched') entry.interfacesDown.clear();
        }
      }
    },
  };
}
