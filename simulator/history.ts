import type { Config, Device, InfluxSettings, Link } from '../config/schema.ts';
import { createAlertEngine, type OpenAlertView } from '../collector/alerts/engine.ts';
import type { Observation, PointSink } from '../collector/collector.ts';
import { deviceFacts, diffFacts, type DeviceFacts } from '../collector/facts.ts';
import { silentLogger, type Logger } from '../collector/logger.ts';
import { deviceIcmpPoints, icmpRoundPoints, missingLinkInterfaces, snmpPollPoints, toDeviceSample } from '../collector/points.ts';
import type { IcmpResult } from '../collector/probes/icmp/stats.ts';
import { computeDeviceRates, type DeviceSample } from '../collector/rates.ts';
import { currentSlot, stableOffset } from '../collector/scheduler.ts';
import { jobsFor, type CollectorJob } from '../collector/targets.ts';
import type { EntityKind, EntityState, Notifier } from '../model/alerts.ts';
import { backfillRollups, type BackfillReport } from '../store/retention.ts';
import { point, type Point } from '../store/schema.ts';
import type { SimDeviceSpec } from './contracts.ts';
import { createSimDevice, defaultUptimeMs, type SimDevice } from './device.ts';
import { deviceConditionAt, faultEdges, indexFaults, linkConditionAt, type DeviceEdge, type HistoryFault } from './history-faults.ts';
import { icmpResultAt, pollLost, pollTiming, snmpResultAt } from './history-results.ts';
import { hash32, hashText, unitHash } from './traffic.ts';

// The plan and the faults' effects (history-faults.ts) and the probe results (history-results.ts)
// are this module's pure halves; one import gives all three.
export * from './history-faults.ts';
export * from './history-results.ts';

/**
 * A week (or any span) of simulated history, written the way the collector and the alert engine
 * write it, so that a demo starts with charts, availability strips and audit reports that mean
 * something.
 *
 * Nothing here talks to a network. The simulated devices (device.ts, built from the same specs
 * as the live agents) are read directly instead of over SNMP, and their answers are turned into
 * the probes' own result types (`SnmpProbeResult`, `IcmpResult`); from there every point is
 * built by the collector's pure builders (collector/points.ts, collector/rates.ts, facts.ts), and
 * every state, outage and alert by the real alert engine (collector/alerts/engine.ts) on a
 * manual clock, with a notifier that sends nothing. So the rows are the collector's rows: a
 * change to a builder or to the engine changes the history with it.
 *
 * Three parts, as elsewhere in the simulator:
 * - planning (`planHistoryFaults`) and the faults' effect at a moment (`linkConditionAt`,
 *   `deviceConditionAt`, `faultEdges`): pure, in history-faults.ts;
 * - result synthesis (`snmpResultAt`, `icmpResultAt`): a function of a device's state and the
 *   time, in history-results.ts;
 * - here, `writeHistory`: the wiring — slots in time order, the engine, the sink, backpressure —
 *   and the rollups' backfill.
 *
 * Slots are the collector's: every job of `jobsFor(config)` at `stableOffset(key, interval)` in
 * its interval, as the scheduler places them, so history and live data share one grid.
 *
 * Time: see HISTORY_TIERS below for why the history is written at the config's intervals for
 * the recent hours only and at coarser ones before them, and what that costs.
 */

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * When the alert engine must evaluate often (writeHistory: every tenth of a round, 3 s at 30 s
 * rounds): from a round before a fault begins until everything it touched can have come back
 * and been told — upAfter rounds and one more of the slowest poll, the grouping delay, the
 * notification deadline and a flapping episode's settling time. Merged and sorted. Outside
 * these windows nothing changes (the simulated network loses nothing and answers in well under
 * a millisecond), so one evaluation a round gives the same rows; an evaluation of the sample
 * district costs about 0.2 ms, and one a second for a week would be two minutes. Each fault
 * comes with the config (the tier's intervals) in force when it ends.
 */
export function busyWindows(faults: readonly { fault: HistoryFault; config: Config }[]): { startMs: number; endMs: number }[] {
  const windows = faults.map(({ fault, config }) => {
    const margins = settleMargins(config);
    return { startMs: fault.startMs - margins.leadMs, endMs: fault.endMs + margins.settleMs };
  });
  windows.sort((a, b) => a.startMs - b.startMs);
  const merged: { startMs: number; endMs: number }[] = [];
  for (const window of windows) {
    const last = merged.at(-1);
    if (last && window.startMs <= last.endMs) last.endMs = Math.max(last.endMs, window.endMs);
    else merged.push({ ...window });
  }
  return merged;
}

function settleMargins(config: Config): { leadMs: number; settleMs: number } {
  const slowest = Math.max(config.collector.icmp.interval, config.collector.snmp.interval, ...config.devices.map((device) => device.snmp?.interval ?? 0), ...config.links.map((link) => link.icmp?.interval ?? 0));
  const alerts = config.alerts;
  // The slowest subject: overrides may ask for more rounds or a longer settling than the defaults.
  const upAfter = Math.max(alerts.upAfter, ...alerts.overrides.map((override) => override.upAfter ?? 0));
  const settleAfter = Math.max(alerts.flapping.settleAfter, ...alerts.overrides.map((override) => override.flapping?.settleAfter ?? 0));
  return { leadMs: slowest, settleMs: (upAfter + 1) * slowest + alerts.grouping + alerts.notifyWithin + settleAfter };
}

/**
 * The history's resolution: the config's own intervals for the recent hours, coarser ones
 * before, each tier no coarser than what the dashboard's charts of that age read.
 *
 * Why not the config's intervals throughout: a week of the sample district (config/example.yaml
 * as simulated: 30 devices with 196 interfaces polled every 60 s, 42 links every 30 s, the uplink
 * every 15 s) at those intervals is about 4.8 million points. On this 2-core machine one day of
 * it took 15.4 s to write through the writer into influxd (682,000 points) and 9.6 s to roll up
 * (`scripts/bench-history.ts --days 1 --full`): a week would take three minutes.
 *
 * Why these tiers: the link page's presets (web/lib/link-charts.ts) are 3 h, 30 h, 10 d and
 * 360 d. The 3 h view reads raw points at the config's interval (store/series.ts's
 * chooseResolution), so the last 6 hours keep it: a demo runs three hours before that view
 * reaches coarser points. The 30 h view reads the 5-minute rollups in
 * 5-minute buckets: every bucket must hold a poll, so SNMP at most 5 min apart up to 30 h back.
 * The 10 d view's buckets are 10 minutes at the finest (2,000 points, the API's maximum), so
 * older SNMP polls are 10 minutes apart; ICMP rounds stay at least two per 5-minute bucket, so
 * availability (measured in 5-minute buckets) never sees a gap. A week is then 850,000 points,
 * written in 24–28 s and rolled up in 27–32 s more (five runs of scripts/bench-history.ts).
 *
 * The alert engine runs on a config with the tier's intervals (`withMinimumIntervals`), reloaded
 * at each tier's start as the collector reloads a changed config, so its rounds, grace periods
 * and holds match what it is fed; its states, outages and alerts then have a round's precision
 * (two minutes in the oldest tier). The planned faults last several rounds of the coarsest
 * tier (WEEK_PLAN), so each is still seen whole.
 */
export interface HistoryTier {
  /** Where the tier begins, as a distance before `toMs`; the first tier starts at `fromMs`. */
  beforeEndMs: number;
  /** Intervals in the tier are at least these (0: the config's own). */
  minimum: { snmpMs: number; icmpMs: number };
}

export const HISTORY_TIERS: readonly HistoryTier[] = Object.freeze([
  Object.freeze({ beforeEndMs: Infinity, minimum: Object.freeze({ snmpMs: 10 * MINUTE, icmpMs: 2 * MINUTE }) }),
  Object.freeze({ beforeEndMs: 30 * HOUR, minimum: Object.freeze({ snmpMs: 5 * MINUTE, icmpMs: MINUTE }) }),
  Object.freeze({ beforeEndMs: 6 * HOUR, minimum: Object.freeze({ snmpMs: 0, icmpMs: 0 }) }),
]);

/** The tiers of [fromMs, toMs] as start times and configs, oldest first; tiers that begin at or
 * before `fromMs` give way to the latest of them. Pure. */
export function historyTiers(config: Config, fromMs: number, toMs: number, tiers: readonly HistoryTier[] = HISTORY_TIERS): { startMs: number; config: Config }[] {
  const placed = [...tiers]
    .sort((a, b) => b.beforeEndMs - a.beforeEndMs)
    .map((tier) => ({ startMs: Math.max(fromMs, toMs - tier.beforeEndMs), minimum: tier.minimum }))
    .filter((tier, index, list) => !(index + 1 < list.length && list[index + 1]!.startMs <= tier.startMs));
  if (placed.length === 0) return [{ startMs: fromMs, config }];
  placed[0]!.startMs = fromMs;
  return placed.map((tier) => ({ startMs: tier.startMs, config: tier.minimum.snmpMs > 0 || tier.minimum.icmpMs > 0 ? withMinimumIntervals(config, tier.minimum) : config }));
}

/** The config with every polling interval at least `minimum` (the global ones and each
 * device's and link's own), the rest unchanged. Pure. */
export function withMinimumIntervals(config: Config, minimum: { snmpMs: number; icmpMs: number }): Config {
  return {
    ...config,
    collector: {
      ...config.collector,
      snmp: { ...config.collector.snmp, interval: Math.max(config.collector.snmp.interval, minimum.snmpMs) },
      icmp: { ...config.collector.icmp, interval: Math.max(config.collector.icmp.interval, minimum.icmpMs) },
    },
    devices: config.devices.map((device) => (device.snmp ? { ...device, snmp: { ...device.snmp, interval: Math.max(device.snmp.interval, minimum.snmpMs) } } : device)),
    links: config.links.map((link) => (link.icmp?.interval !== undefined ? { ...link, icmp: { ...link.icmp, interval: Math.max(link.icmp.interval, minimum.icmpMs) } } : link)),
  };
}

export interface WriteHistoryOptions {
  /** The simulated inventory the live collector runs on (Simulation.inventory). */
  config: Config;
  /** The same device specs the live agents use (Simulation.deviceSpecs): same profiles, seeds
   * and links, so the traffic of the history runs on into the live data. */
  specs: readonly SimDeviceSpec[];
  fromMs: number;
  /** The live start: the devices' boots are placed so that their sysUpTime here is what the
   * live agents, started now, report. */
  toMs: number;
  faults: readonly HistoryFault[];
  /** The collector's own writer (collector/storage/writers.ts's openPolicyWriters). */
  sink: PointSink;
  /** The writer's flush: awaited every `flushEveryPoints`, so memory stays bounded. */
  flush: () => Promise<void>;
  /** Points written between flushes. Default 20 000 (the writer spools past 100 000 buffered). */
  flushEveryPoints?: number;
  /** Seeds echo times and lost requests; default 1. */
  seed?: number;
  /** How coarse each part of the span is; default HISTORY_TIERS. `[{beforeEndMs: Infinity,
   * minimum: {snmpMs: 0, icmpMs: 0}}]` writes it all at the config's own intervals. */
  tiers?: readonly HistoryTier[];
  /** The alert engine's logger; silent by default (it logs every outage it finds). */
  logger?: Logger;
  /** Progress, one line a simulated day. */
  log?: (message: string) => void;
  /** Stops the fill at the next flush: the promise rejects with the signal's reason. */
  signal?: AbortSignal;
}

export interface HistoryReport {
  /** Rounds played: SNMP polls and ICMP rounds (one per link or pinged device). */
  rounds: { snmp: number; icmp: number };
  /** Times the engine evaluated (see busyWindows). */
  evaluations: number;
  /** Points handed to the sink, and of them the alert engine's. */
  points: number;
  enginePoints: number;
  /** Outages (and blips) the engine closed, by entity kind. */
  outages: { link: number; device: number; site: number; blips: number };
  /** Alert events recorded (firing, brief, resolved, …). */
  alertEvents: number;
  /** Notifications the engine handed to its notifier, which dropped them: nothing was sent. */
  notificationsDropped: number;
  /** Epoch ms of the oldest and newest point written: the window whose rollups to backfill. */
  window: { fromMs: number; toMs: number };
  /** What the engine held at `toMs`: should be nothing open and everything up. */
  end: { openAlerts: readonly OpenAlertView[]; notUp: readonly { kind: EntityKind; id: string; state: EntityState }[] };
  wallMs: number;
}

/** A notifier that drops every notification: history must never send a message. */
function droppingNotifier(): Notifier & { dropped(): number } {
  let dropped = 0;
  return {
    publish: async () => {
      dropped++;
    },
    acknowledge: () => undefined,
    tick: async () => undefined,
    close: async () => undefined,
    dropped: () => dropped,
  };
}

/** Events in time order; ties in the order pushed. */
function createQueue<T>() {
  const heap: { atMs: number; seq: number; item: T }[] = [];
  let seq = 0;
  const less = (a: number, b: number) => heap[a]!.atMs < heap[b]!.atMs || (heap[a]!.atMs === heap[b]!.atMs && heap[a]!.seq < heap[b]!.seq);
  const swap = (a: number, b: number) => ([heap[a], heap[b]] = [heap[b]!, heap[a]!]);
  return {
    push(atMs: number, item: T) {
      heap.push({ atMs, seq: seq++, item });
      for (let i = heap.length - 1; i > 0; ) {
        const parent = (i - 1) >> 1;
        if (!less(i, parent)) break;
        swap(i, parent);
        i = parent;
      }
    },
    peekMs: () => heap[0]?.atMs,
    pop(): { atMs: number; item: T } | undefined {
      const top = heap[0];
      if (!top) return undefined;
      const last = heap.pop()!;
      if (heap.length > 0) {
        heap[0] = last;
        for (let i = 0; ; ) {
          const l = 2 * i + 1;
          const r = l + 1;
          let smallest = i;
          if (l < heap.length && less(l, smallest)) smallest = l;
          if (r < heap.length && less(r, smallest)) smallest = r;
          if (smallest === i) break;
          swap(i, smallest);
          i = smallest;
        }
      }
      return top;
    },
  };
}

/** A job's first slot at or after `fromMs`, on the scheduler's grid. */
const firstSlotFrom = (fromMs: number, intervalMs: number, offsetMs: number) => {
  const slot = currentSlot(fromMs, intervalMs, offsetMs);
  return slot < fromMs ? slot + intervalMs : slot;
};

/** A job's slot on the grid of `generation` (one tier's intervals), an extra round the engine
 * asked for, or the start of the next tier. */
type QueueItem = { kind: 'slot'; job: CollectorJob; generation: number } | { kind: 'extra'; job: CollectorJob } | { kind: 'tier'; config: Config };

interface DeviceRun {
  device: Device;
  sim: SimDevice;
  links: readonly Link[];
  edges: DeviceEdge[];
  nextEdge: number;
  previous?: DeviceSample;
  facts?: DeviceFacts;
  factsDueAt: number;
  reportedMissing: Set<string>;
}

/**
 * Writes the history of [fromMs, toMs] into `sink`: the collector's points for every slot, and
 * the alert engine's states, outages and alerts, with the faults played as the simulator plays
 * them. Resolves with what it wrote; the rollups are a second step (`backfillHistoryRollups`),
 * once the writer has flushed.
 */
export async function writeHistory(options: WriteHistoryOptions): Promise<HistoryReport> {
  const started = performance.now();
  const { fromMs, toMs, faults, signal } = options;
  const seed = options.seed ?? 1;
  const log = options.log ?? (() => undefined);
  const fullConfig = options.config;
  const tiers = historyTiers(fullConfig, fromMs, toMs, options.tiers);
  let config = tiers[0]!.config;
  const index = indexFaults(faults);
  const flushEvery = options.flushEveryPoints ?? 20_000;
  signal?.throwIfAborted();

  let nowMs = fromMs;
  const clock = { now: () => nowMs };
  let points = 0;
  let enginePoints = 0;
  let sinceFlush = 0;
  let firstPointMs = Infinity;
  let lastPointMs = -Infinity;
  const outages = { link: 0, device: 0, site: 0, blips: 0 };
  let alertEvents = 0;
  const write = (list: Point[]) => {
    if (list.length === 0) return;
    for (const item of list) {
      if (item.timeMs < firstPointMs) firstPointMs = item.timeMs;
      if (item.timeMs > lastPointMs) lastPointMs = item.timeMs;
    }
    points += list.length;
    sinceFlush += list.length;
    options.sink.write(list);
  };
  const engineSink: PointSink = {
    write(list) {
      enginePoints += list.length;
      for (const item of list) {
        if (item.measurement === 'outage' && (item as Point<'outage'>).fields.open === 0) {
          const tags = (item as Point<'outage'>).tags;
          if (tags.kind === 'blip') outages.blips++;
          else if (tags.kind === 'outage' && (tags.entity_kind === 'link' || tags.entity_kind === 'device' || tags.entity_kind === 'site')) outages[tags.entity_kind]++;
        }
        if (item.measurement === 'alert') alertEvents++;
      }
      write(list);
    },
  };

  const queue = createQueue<QueueItem>();
  const notifier = droppingNotifier();
  const jobKey = new Map<string, CollectorJob>();
  /** Extra rounds the engine asked for, not yet run (the scheduler's runNow skips a busy job). */
  const extraPending = new Set<string>();
  const requestExtra = (key: string) => {
    const job = jobKey.get(key);
    if (!job || extraPending.has(key)) return;
    extraPending.add(key);
    // The round runs at once and answers within a second, as the scheduler's runNow does.
    queue.push(nowMs + 1_000, { kind: 'extra', job });
  };
  const engine = createAlertEngine({
    config,
    clock,
    notifier,
    sink: engineSink,
    logger: options.logger ?? silentLogger,
    // As the collector's pollNow: the device's SNMP job, or its ping job when it has no SNMP.
    pollNow: (deviceId) => {
      requestExtra(`snmp:${deviceId}`);
      requestExtra(`icmp-device:${deviceId}`);
    },
    pingNow: (linkId) => requestExtra(`icmp:${linkId}`),
  });

  const runs = new Map<string, DeviceRun>();
  const edges = faultEdges(faults, fullConfig.links);
  for (const spec of options.specs) {
    const device = fullConfig.devices.find((candidate) => candidate.id === spec.device.id);
    if (!device?.snmp) continue;
    const deviceEdges = edges.filter((edge) => edge.device === device.id);
    // Boot when the live agent booted (it is built at toMs with the seed's uptime), so sysUpTime
    // runs on into the live data; a device up for less than the span reboots inside it.
    const liveBootMs = toMs - defaultUptimeMs(spec.seed);
    const uptimeMs = liveBootMs <= fromMs ? fromMs - liveBootMs : defaultUptimeMs(hash32(spec.seed, 7));
    if (liveBootMs > fromMs) deviceEdges.push({ atMs: liveBootMs, device: device.id, kind: 'reboot' });
    deviceEdges.sort((a, b) => a.atMs - b.atMs);
    runs.set(device.id, { device, sim: createSimDevice({ spec, nowMs: fromMs, uptimeMs }), links: fullConfig.links.filter((link) => link.device === device.id), edges: deviceEdges, nextEdge: 0, factsDueAt: -Infinity, reportedMissing: new Set() });
  }

  /** Queues the slots of `current`'s jobs from `startMs` on, as a new generation: slots of an
   * older one still queued are dropped as they come up. */
  let generation = 0;
  const schedule = (current: Config, startMs: number) => {
    generation++;
    for (const job of jobsFor(current)) {
      jobKey.set(job.key, job);
      queue.push(firstSlotFrom(startMs, job.intervalMs, stableOffset(job.key, job.intervalMs)), { kind: 'slot', job, generation });
    }
  };
  schedule(config, fromMs);
  for (const tier of tiers.slice(1)) queue.push(tier.startMs, { kind: 'tier', config: tier.config });

  const applyEdges = (run: DeviceRun, uptoMs: number) => {
    while (run.nextEdge < run.edges.length && run.edges[run.nextEdge]!.atMs <= uptoMs) {
      const edge = run.edges[run.nextEdge++]!;
      if (edge.kind === 'link-interface') run.sim.setLinkInterface(edge.link, edge.state, edge.atMs);
      else if (edge.kind === 'saturation') run.sim.setSaturation(edge.link, edge.percent, edge.atMs);
      else run.sim.reboot(edge.atMs);
    }
  };

  const icmpSettings = () => config.collector.icmp;
  const pingAddress = (device: Device, slotMs: number, dark: boolean): IcmpResult =>
    icmpResultAt({ target: device.address, count: Math.min(icmpSettings().count, 3), atMs: slotMs, condition: { down: dark, lossPct: 0 }, seed });

  const rounds = { snmp: 0, icmp: 0 };
  const runSnmp = (device: Device, slotMs: number) => {
    const run = runs.get(device.id);
    if (!run || !device.snmp) return;
    rounds.snmp++;
    const links = run.links;
    const condition = deviceConditionAt(index, device, links, slotMs);
    const snmp = device.snmp;
    const maxRepetitions = config.collector.snmp.maxRepetitions;
    const version = snmp.credentials.version;
    const wantFacts = slotMs >= run.factsDueAt;
    const timing = pollTiming({ device: run.sim, version, maxRepetitions, entities: wantFacts, slotMs });
    if (condition.dark || condition.silent || pollLost(condition.requestLossPct, snmp.retries, timing.requests, unitHash(hash32(seed, hashText(device.id)), slotMs, 7))) {
      // The poller's own words for it (collector/probes/snmp/session.ts, describeTarget).
      const label = `router ${device.id} (${device.address}:${snmp.port})`;
      const result = snmpResultAt({ device: run.sim, version, atMs: slotMs, entities: false, maxRepetitions, unanswered: { waitedMs: snmp.timeout * (snmp.retries + 1), label } });
      const address = pingAddress(device, slotMs, condition.dark);
      write(snmpPollPoints({ device, links, slotMs, result, address }));
      engine.observe({ kind: 'snmp-poll', device, links, slotMs, result, address });
      return;
    }
    // The answer is read when it arrives, the slot plus the poll's duration, and its sample is
    // stamped then, as the collector stamps it with its clock after the poll.
    const answeredMs = slotMs + timing.durationMs;
    applyEdges(run, answeredMs);
    const result = snmpResultAt({ device: run.sim, version, atMs: answeredMs, durationMs: timing.durationMs, entities: wantFacts, maxRepetitions });
    if (!result.ok) return;
    // As collector/collector.ts's runSnmp: rates against the previous answer, then the points.
    const sample = toDeviceSample(answeredMs, result.system.uptimeTicks, result.interfaces);
    const rates = run.previous ? computeDeviceRates(run.previous, sample) : undefined;
    run.previous = sample;
    const list = snmpPollPoints({ device, links, slotMs, result, rates });
    for (const link of missingLinkInterfaces(links, result.interfaces)) {
      if (run.reportedMissing.has(link.id)) continue;
      run.reportedMissing.add(link.id);
      list.push(point('collector_event', slotMs, { site: device.site, device: device.id, kind: 'interface-missing' }, { interface: link.interface!, message: `link ${link.id}: device ${device.id} has no interface named "${link.interface}": a configuration problem, not an outage` }));
    }
    if (wantFacts) {
      run.factsDueAt = slotMs + config.collector.facts.interval;
      const facts = deviceFacts(result.system, result.interfaces, result.entities ?? []);
      list.push(point('device_facts', slotMs, { site: device.site, device: device.id }, facts));
      if (run.facts) for (const change of diffFacts(run.facts, facts)) list.push(point('fact_change', slotMs, { site: device.site, device: device.id, fact: change.fact }, { before: change.before, after: change.after }));
      run.facts = facts;
    }
    write(list);
    engine.observe({ kind: 'snmp-poll', device, links, slotMs, result, rates });
  };

  const runIcmp = (job: Extract<CollectorJob, { kind: 'icmp' }>, slotMs: number) => {
    rounds.icmp++;
    if (job.subject === 'link') {
      const condition = linkConditionAt(index, job.link, slotMs);
      const results = new Map(job.link.targets.map((target) => [target.address, icmpResultAt({ target: target.address, count: job.count, atMs: slotMs, condition, seed })]));
      write(icmpRoundPoints(job.link, slotMs, results, job.count));
      engine.observe({ kind: 'icmp-round', link: job.link, slotMs, results } satisfies Observation);
      return;
    }
    const dark = deviceConditionAt(index, job.device, [], slotMs).dark;
    const result = icmpResultAt({ target: job.device.address, count: job.count, atMs: slotMs, condition: { down: dark, lossPct: 0 }, seed });
    write(deviceIcmpPoints(job.device, slotMs, new Map([[job.device.address, result]]), job.count));
    engine.observe({ kind: 'device-ping', device: job.device, slotMs, result });
  };

  let pendingFlush: Promise<void> | undefined;
  /** Keeps one flush in flight while the next points are built: memory holds at most two
   * flushes' worth, and influxd works while this process builds. */
  const backpressure = async () => {
    if (sinceFlush < flushEvery) return;
    sinceFlush = 0;
    await pendingFlush;
    signal?.throwIfAborted();
    pendingFlush = options.flush();
  };

  let nextDayMs = fromMs + DAY;
  // Each fault's window with the intervals of the tier it ends in.
  const tierAt = (atMs: number) => tiers.findLast((tier) => tier.startMs <= atMs) ?? tiers[0]!;
  const windows = busyWindows(faults.map((fault) => ({ fault, config: tierAt(fault.endMs).config })));
  let busy = 0;
  let lastEvaluationMs = -Infinity;
  let evaluations = 0;
  try {
    for (let event = queue.pop(); event && event.atMs <= toMs; event = queue.pop()) {
      const { atMs, item } = event;
      nowMs = atMs;
      if (item.kind === 'tier') {
        // The collector's reload: the engine keeps its trackers and takes the new intervals; the
        // old grid's queued slots are dropped as they come up.
        config = item.config;
        engine.reload(config);
        schedule(config, atMs);
        continue;
      }
      const { job } = item;
      if (item.kind === 'extra') extraPending.delete(job.key);
      else {
        if (item.generation !== generation) continue;
        queue.push(atMs + job.intervalMs, item);
      }
      const slotMs = atMs;
      if (job.kind === 'snmp') runSnmp(job.device, slotMs);
      else runIcmp(job, slotMs);
      // Evaluate once every round of this instant is in, as the engine's tick does: near a fault
      // every tenth of a round (every 3 s at 30 s rounds), elsewhere once a round (busyWindows).
      if (queue.peekMs() !== atMs) {
        while (busy < windows.length && windows[busy]!.endMs < atMs) busy++;
        const inBusy = busy < windows.length && windows[busy]!.startMs <= atMs;
        if (atMs - lastEvaluationMs >= (inBusy ? icmpSettings().interval / 10 : icmpSettings().interval)) {
          lastEvaluationMs = atMs;
          evaluations++;
          await engine.evaluate();
        }
      }
      await backpressure();
      if (atMs >= nextDayMs) {
        log(`${Math.round((atMs - fromMs) / DAY)} of ${((toMs - fromMs) / DAY).toFixed(1)} days written (${points} points)`);
        nextDayMs += DAY;
      }
    }
    nowMs = toMs;
    await engine.evaluate();
    await pendingFlush;
    signal?.throwIfAborted();
    await options.flush();
  } finally {
    await engine.stop();
  }
  const window = { fromMs: Number.isFinite(firstPointMs) ? firstPointMs : fromMs, toMs: Number.isFinite(lastPointMs) ? lastPointMs : toMs };

  const states = engine.states();
  const notUp = (['link', 'device', 'site'] as const).flatMap((kind) => {
    const map = kind === 'link' ? states.links : kind === 'device' ? states.devices : states.sites;
    return [...map].filter(([, verdict]) => verdict.state !== 'up').map(([id, verdict]) => ({ kind, id, state: verdict.state }));
  });
  return {
    rounds,
    evaluations,
    points,
    enginePoints,
    outages,
    alertEvents,
    notificationsDropped: notifier.dropped(),
    window,
    end: { openAlerts: engine.openAlerts(), notUp },
    wallMs: Math.round(performance.now() - started),
  };
}

export interface BackfillHistoryOptions {
  settings: InfluxSettings;
  /** `HistoryReport.window`. */
  window: { fromMs: number; toMs: number };
  /** Statements at once. Default 2: on this 2-core machine two at once took 0.78 of the time of
   * one after the other, three more than one (scripts/bench-history.ts). */
  concurrency?: number;
  /** The window is rolled up in pieces of this length (UTC-aligned), newest first. Default a
   * day, as store/retention.ts chunks its own backfills. */
  pieceMs?: number;
  signal?: AbortSignal;
  log?: (message: string) => void;
}

/** [fromMs, toMs] (both inclusive point times) in UTC-aligned pieces of `pieceMs`, newest first. */
export function backfillPieces(fromMs: number, toMs: number, pieceMs = DAY): { fromMs: number; toMs: number }[] {
  const pieces: { fromMs: number; toMs: number }[] = [];
  for (let start = Math.floor(fromMs / pieceMs) * pieceMs; start <= toMs; start += pieceMs) pieces.push({ fromMs: Math.max(fromMs, start), toMs: Math.min(toMs, start + pieceMs - 1) });
  return pieces.reverse();
}

/**
 * The second step, once the writer has flushed: the 5-minute and 1-hour rollups of the
 * history's window, through store/retention.ts's `backfillRollups` (the writer's own way back
 * after an outage). Continuous queries only ever roll up the intervals just past, so history
 * written after the fact has none until this recomputes them from its raw points. Newest piece
 * first, so the dashboard's recent views fill first; `concurrency` pieces at once.
 *
 * Its cost is influxd's query, not the writing of its results (a day of the sample's
 * interface_traffic rolled up into 26,000 five-minute rows took 2.6 s with INTO and 2.9 s
 * counted without it): about 0.1 ms a row of 22 aggregates, so about 50 s for a week of the
 * sample district one statement at a time, 27–33 s two at a time. Run during the fill instead (each day or hour
 * once flushed), it slowed the fill more than it saved: 53–79 s in all against 51–60 s after.
 */
export async function backfillHistoryRollups(options: BackfillHistoryOptions): Promise<BackfillReport> {
  const pieces = backfillPieces(options.window.fromMs, options.window.toMs, options.pieceMs);
  const total: BackfillReport = { statements: 0, written: 0 };
  const next = async (): Promise<void> => {
    for (let piece = pieces.shift(); piece; piece = pieces.shift()) {
      options.signal?.throwIfAborted();
      const report = await backfillRollups({ settings: options.settings, from: piece.fromMs, to: piece.toMs, signal: options.signal });
      total.statements += report.statements;
      total.written += report.written;
      options.log?.(`rollups from ${new Date(piece.fromMs).toISOString()} written (${report.written} points)`);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 2) }, next));
  return total;
}
