import type { Config, Device, Link } from '../../config/schema.ts';
import type { Clock } from '../clock.ts';
import type { Observation } from '../collector.ts';
import type { Logger } from '../logger.ts';
import { watchedInterfaces } from '../points.ts';
import type { IcmpResult } from '../probes/icmp/probe.ts';
import { point, type Point } from '../../store/schema.ts';
import type { AlertKind, EntityState } from '../../model/alerts.ts';
import { addLost, coveredMs, echoesForDown, echoSlots, extendRun, lossFraction, noRun, pollsForAgentSilent, pushSample, type LossSample, type LostRun } from './evidence.ts';
import { settingsFor, subjectOf, type SubjectSettings } from './settings.ts';
import { failing, initialCondition, initialTracker, step, stepCondition, stepLossWindow, type ConditionState, type FailureCause, type Round, type TrackerEvent, type TrackerState } from './state.ts';
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
  /** Lost echoes in a row (a link's targets, or a device's address): the evidence for down. */
  run: LostRun;
  /** Recent rounds' loss outside outages: the link's own random loss, which sets how long a run
   * must be to mean down, and what the loss rule judges. */
  loss: LossSample[];
  /** SNMP rounds the agent missed while every echo to the address came back (polls where the
   * address lost an echo too are explained by the path, and count neither way). */
  agentSilentRounds: number;
  agentSilentSinceMs?: number;
  /** Requests the last answered poll took (a silent poll's chance of being the path's loss
   * grows with them). */
  requestsPerPoll: number;
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

/** Requests a poll is taken to need before one has been answered: a router's system group and
 * a bulk walk of ifTable and ifXTable. */
const REQUESTS_PER_POLL = 10;

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
        run: noRun,
        loss: [],
        agentSilentRounds: 0,
        requestsPerPoll: REQUESTS_PER_POLL,
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
        // The rounds of the outage were not loss: they leave the loss window.
        entry.loss = entry.loss.filter((sample) => sample.atMs < event.startMs);
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

  const stepRule = (entry: Tracked, rule: Exclude<ConditionRule, 'loss'>, atMs: number, value: number | undefined) => {
    const settings = entry.settings.rules[rule];
    if (!settings.enabled) return;
    const { state } = stepCondition(entry.conditions[rule] ?? initialCondition(), atMs, value, { above: settings.above, forMs: settings.for, clearAfter: entry.settings.tracker.upAfter });
    entry.conditions[rule] = state;
  };

  /** The subject's loss, leaving out the rounds of a run of lost echoes still going on: those
   * may be the outage beginning, and must not make the case for it harder (or look like loss). */
  const settledLoss = (entry: Tracked, sinceMs = -Infinity): LossSample[] => {
    const runStart = entry.run.lost > 0 ? (entry.run.startMs ?? Infinity) : Infinity;
    return entry.loss.filter((sample) => sample.atMs > sinceMs && sample.atMs < runStart);
  };

  const icmpIntervalOf = (item: Link | Device) => ('targets' in item ? item.icmp?.interval : undefined) ?? options.current().config.collector.icmp.interval;

  /** A round's echoes into the loss window (not while the subject is down: an outage is not
   * loss), and the loss rule judged on the window. */
  const recordLoss = (entry: Tracked, slotMs: number, slots: readonly boolean[], intervalMs: number) => {
    const rule = entry.settings.rules.loss;
    if (entry.tracker.health !== 'down') {
      const lost = slots.filter((answered) => !answered).length;
      entry.loss = pushSample(entry.loss, { atMs: slotMs, sent: slots.length, lost }, Math.max(rule.for, 10 * intervalMs));
    }
    if (!rule.enabled || entry.kind !== 'link') return;
    const since = slotMs - rule.for;
    const samples = settledLoss(entry, since);
    const window = entry.tracker.health === 'down' ? undefined : { lossPct: lossFraction(samples) * 100, spanMs: coveredMs(samples, slotMs, since, intervalMs) };
    entry.conditions.loss = stepLossWindow(entry.conditions.loss ?? initialCondition(), slotMs, window, { above: rule.above, below: Math.min(rule.below, rule.above), forMs: rule.for }).state;
  };

  /** A failed round with the evidence of the subject's run of lost echoes: decisive when the run
   * is longer than the loss on its path (0–1) would make by chance, at least downAfter rounds
   * of `roundSize` echoes. */
  const failedRound = (entry: Tracked, atMs: number, cause: FailureCause, pathLoss: number, roundSize: number): Round => {
    const needed = echoesForDown(pathLoss, entry.settings.tracker.downAfter * roundSize);
    return { atMs, ok: false, cause, evidence: { startMs: entry.run.startMs ?? atMs, decisive: entry.run.lost >= needed } };
  };

  /** A round of echoes (a link's targets, or a device's address) as evidence: the run of lost
   * echoes grows, or ends at an answer. */
  const echoRound = (entry: Tracked, slotMs: number, slots: readonly boolean[], cause: FailureCause, pathLoss: number): Round => {
    entry.run = extendRun(entry.run, slots, slotMs, options.current().config.collector.icmp.spacing);
    return slots.some(Boolean) ? { atMs: slotMs, ok: true } : failedRound(entry, slotMs, cause, pathLoss, slots.length);
  };

  /** The loss on the way to a device: the worst of its site's links' recent loss (its address is
   * reached through one of them), or its own pings' when it has no SNMP. */
  const pathLoss = (device: Device): number => {
    const { topology } = options.current();
    const losses = (topology.linksOf.get(device.site) ?? []).flatMap((link) => {
      const entry = tracked.get(`link:${link.id}`);
      return entry && entry.loss.length > 0 ? [lossFraction(settledLoss(entry))] : [];
    });
    const own = tracked.get(`device:${device.id}`);
    if (own && own.loss.length > 0) losses.push(lossFraction(settledLoss(own)));
    return losses.length > 0 ? Math.max(...losses) : 0;
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
    const count = link.icmp?.count ?? options.current().config.collector.icmp.count;
    // The link is as good as its best target: one far end that never answers is not loss.
    const slots = echoSlots(measured, count);
    const interfaceDown = interfaceReportValid(entry, link.device ? options.current().topology.devices.get(link.device) : undefined, slotMs);
    const round = echoRound(entry, slotMs, slots, interfaceDown ? 'interface-down' : 'no-reply', lossFraction(settledLoss(entry)));
    playRound(entry, round, link.site);
    recordLoss(entry, slotMs, slots, icmpIntervalOf(link));
    const rtts = measured.flatMap((result) => (result.ok && result.rttAvgMs !== null ? [result.rttAvgMs] : []));
    stepRule(entry, 'rtt', slotMs, round.ok && rtts.length > 0 ? Math.min(...rtts) : undefined);
  };

  const observeDevicePing = (device: Device, slotMs: number, result: IcmpResult) => {
    const entry = trackedFor('device', device);
    const slots = echoSlots([result], result.ok ? result.sent : options.current().config.collector.icmp.count);
    playRound(entry, echoRound(entry, slotMs, slots, 'silent', pathLoss(device)), device.site);
    recordLoss(entry, slotMs, slots, options.current().config.collector.icmp.interval);
  };

  const observeSnmp = (observation: Extract<Observation, { kind: 'snmp-poll' }>) => {
    const { device, links, slotMs, result } = observation;
    const entry = trackedFor('device', device);
    if (!result.ok) {
      if (observation.address === undefined) return;
      const address = observation.address;
      const slots = echoSlots([address], address.ok ? address.sent : Math.min(options.current().config.collector.icmp.count, 3));
      // Only a poll missed while every echo to the address came back says the agent is silent;
      // one missed while echoes were lost too is the path losing packets.
      if (slots.length > 0 && slots.every(Boolean)) {
        entry.agentSilentRounds += 1;
        entry.agentSilentSinceMs ??= slotMs;
      }
      playRound(entry, echoRound(entry, slotMs, slots, 'silent', pathLoss(device)), device.site);
      // Interface-only links cannot be judged while the device does not answer.
      return;
    }
    entry.agentSilentRounds = 0;
    entry.agentSilentSinceMs = undefined;
    entry.requestsPerPoll = result.requests ?? entry.requestsPerPoll;
    entry.run = noRun;
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
    const silent = agentSilent(entry) ? 'agent-silent' : undefined;
    const breached = (Object.keys(entry.conditions) as ConditionRule[]).find((rule) => entry.conditions[rule]?.breached);
    return {
      health: t.health,
      failing: failing(t),
      sinceMs: t.sinceMs,
      cause: t.cause,
      degradedBy: silent ?? breached,
      lastRoundMs: t.last?.atMs,
      failStartMs: t.failStartMs,
      recovering: t.health === 'down' && t.last?.ok === true,
      flapping: t.flapping,
    };
  };

  /** Enough silent polls, each with the address answering every echo, that the path's own loss
   * does not explain them. */
  const agentSilent = (entry: Tracked): boolean => {
    if (entry.kind !== 'device' || entry.agentSilentRounds === 0) return false;
    const device = options.current().topology.devices.get(entry.id);
    if (!device) return false;
    const retries = device.snmp?.retries ?? options.current().config.collector.snmp.retries;
    return entry.agentSilentRounds >= pollsForAgentSilent(pathLoss(device), { retries, requests: entry.requestsPerPoll, minimum: entry.settings.tracker.downAfter });
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
      // A linkDown trap is a failed round now, before the next ping (a whole round of echoes
      // lost, for a link judged by its targets); recovery is left to the rounds (pings, or the
      // interface at the next poll), which see it for themselves.
      if (event.kind === 'link-down') {
        if (link.targets.length === 0) playRound(entry, { atMs: event.atMs, ok: false, cause: 'interface-down' }, link.site);
        else {
          const count = link.icmp?.count ?? config.collector.icmp.count;
          const loss = lossFraction(settledLoss(entry));
          entry.run = addLost(entry.run, count, event.atMs);
          playRound(entry, failedRound(entry, event.atMs, 'interface-down', loss, count), link.site);
        }
      } else if (link.targets.length === 0) playRound(entry, { atMs: event.atMs, ok: true }, link.site);
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
