import { linksBehind } from '../../config/dependencies.ts';
import type { ScheduledFault } from '../../simulator/faults.ts';
import { seededRandom } from '../../simulator/random.ts';
import { lanesOf, type HarnessNetwork, type Lane } from './network.ts';
import type { HarnessTiming } from './timing.ts';

// Seeded random fault schedules for the alert-quality harness: root causes kept apart in space
// (one at a time per lane: a hub with its communes, or one commune) and in time (a quiet gap
// after each), so every notification can be attributed to one of them. Pure: a seed replays the
// same schedule.

export const causeKinds = ['link-down', 'upstream-failure', 'flap', 'packet-loss', 'site-dark', 'reboot', 'agent-silent'] as const;
export type CauseKind = (typeof causeKinds)[number];

interface CauseBase {
  id: string;
  lane: string;
  /** Planned (simulated) times; the truth log has what really happened. */
  startMs: number;
  endMs: number;
  /** The simulator faults that play it (their ids in the truth log). */
  faultIds: readonly string[];
}

/** One root cause: what an engineer would call one problem, however many faults play it. */
export type RootCause = CauseBase &
  (
    | { kind: 'link-down'; link: string }
    | { kind: 'upstream-failure'; link: string }
    /** A run of link-downs, one starting every `periodMs`, each `downMs` long. */
    | { kind: 'flap'; link: string; periodMs: number; downMs: number; cycles: number }
    | { kind: 'packet-loss'; link: string; percent: number }
    /** A power cut: the whole site dark. */
    | { kind: 'site-dark'; site: string }
    /** A real reboot: the site dark for `darkMs` (the box restarting), the agent's uptime and
     * counters reset just before it answers again. */
    | { kind: 'reboot'; device: string; site: string; darkMs: number }
    | { kind: 'agent-silent'; device: string }
  );
export type CauseOf<K extends CauseKind> = Extract<RootCause, { kind: K }>;

export interface FaultSchedule {
  causes: RootCause[];
  /** The simulator's timeline, sorted. */
  timeline: ScheduledFault[];
}

export interface ScheduleOptions {
  network: HarnessNetwork;
  seed: number;
  /** No fault before this (simulated epoch ms): the lead-in is before it. */
  startMs: number;
  /** Every fault and the quiet time after it end by then. */
  endMs: number;
  timing: HarnessTiming;
  /** Fault durations relative to the bench's: 1 at the collector's defaults, 1/15 for a run
   * whose intervals are 15 times shorter. */
  scale: number;
}

const S = 1_000;
const MIN = 60 * S;

/** Durations at scale 1 (the defaults: ICMP every 30 s, SNMP every 60 s). */
export const FAULT_RANGES = {
  'link-down': { minMs: 2 * MIN, maxMs: 8 * MIN },
  'upstream-failure': { minMs: 3 * MIN, maxMs: 8 * MIN },
  'packet-loss': { minMs: 4 * MIN, maxMs: 9 * MIN, minPercent: 5, maxPercent: 40 },
  'site-dark': { minMs: 2 * MIN, maxMs: 8 * MIN },
  /** The outage of the reboot itself. */
  reboot: { minMs: 30 * S, maxMs: 90 * S },
  'agent-silent': { minMs: 4 * MIN, maxMs: 9 * MIN },
  /** Periods drawn log-uniformly; down 40–60 % of the period; as many cycles as fill `spanMs`,
   * 3 to 8. */
  flap: { minPeriodMs: 20 * S, maxPeriodMs: 5 * MIN, spanMs: 10 * MIN, minCycles: 3, maxCycles: 8 },
} as const;

type Random = () => number;
const pick = <T>(random: Random, list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
const between = (random: Random, low: number, high: number) => low + random() * (high - low);

function shuffled<T>(random: Random, list: readonly T[]): T[] {
  const copy = [...list];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy;
}

interface Placement {
  cause: RootCause;
  faults: ScheduledFault[];
}

/** Draws one cause of `kind` on `lane` starting at `startMs`, or undefined when the lane cannot
 * take that kind. */
function draw(kind: CauseKind, lane: Lane, network: HarnessNetwork, startMs: number, id: string, scale: number, random: Random, cooled: (site: string) => boolean): Placement | undefined {
  const base = { id, lane: lane.id, startMs };
  const leaves = lane.leaves.filter(cooled);
  const upstreamLinks = lane.upstreamLinks.filter((link) => sitesOf({ kind: 'upstream-failure', link }, network).every(cooled));
  const leafLinks = network.links.filter((link) => leaves.includes(link.site)).map((link) => link.id);
  const leafDevices = network.devices.filter((device) => leaves.includes(device.site));
  const length = (range: { minMs: number; maxMs: number }) => Math.round(between(random, range.minMs, range.maxMs) * scale);
  switch (kind) {
    case 'upstream-failure': {
      if (upstreamLinks.length === 0) return undefined;
      const link = pick(random, upstreamLinks);
      const endMs = startMs + length(FAULT_RANGES[kind]);
      return { cause: { ...base, kind, link, endMs, faultIds: [id] }, faults: [{ id, kind, link, startMs, endMs }] };
    }
    case 'link-down': {
      if (leafLinks.length === 0) return undefined;
      const link = pick(random, leafLinks);
      const endMs = startMs + length(FAULT_RANGES[kind]);
      return { cause: { ...base, kind, link, endMs, faultIds: [id] }, faults: [{ id, kind, link, startMs, endMs }] };
    }
    case 'packet-loss': {
      if (leafLinks.length === 0) return undefined;
      const range = FAULT_RANGES[kind];
      const link = pick(random, leafLinks);
      const percent = Math.round(between(random, range.minPercent, range.maxPercent));
      const endMs = startMs + length(range);
      return { cause: { ...base, kind, link, percent, endMs, faultIds: [id] }, faults: [{ id, kind, link, percent, startMs, endMs }] };
    }
    case 'flap': {
      if (leafLinks.length === 0) return undefined;
      const range = FAULT_RANGES.flap;
      const link = pick(random, leafLinks);
      const periodMs = Math.round(Math.exp(between(random, Math.log(range.minPeriodMs), Math.log(range.maxPeriodMs))) * scale);
      const downMs = Math.round(periodMs * between(random, 0.4, 0.6));
      const cycles = Math.min(range.maxCycles, Math.max(range.minCycles, Math.round((range.spanMs * scale) / periodMs)));
      const faults: ScheduledFault[] = Array.from({ length: cycles }, (_, n) => ({ id: `${id}.${n + 1}`, kind: 'link-down', link, startMs: startMs + n * periodMs, endMs: startMs + n * periodMs + downMs }));
      const endMs = faults.at(-1)!.endMs!;
      return { cause: { ...base, kind, link, periodMs, downMs, cycles, endMs, faultIds: faults.map((fault) => fault.id) }, faults };
    }
    case 'site-dark': {
      if (leaves.length === 0) return undefined;
      const site = pick(random, leaves);
      const endMs = startMs + length(FAULT_RANGES[kind]);
      return { cause: { ...base, kind, site, endMs, faultIds: [id] }, faults: [{ id, kind, site, startMs, endMs }] };
    }
    case 'reboot': {
      if (leafDevices.length === 0) return undefined;
      const device = pick(random, leafDevices);
      const darkMs = length(FAULT_RANGES.reboot);
      const endMs = startMs + darkMs;
      const dark = `${id}.dark`;
      const reboot = `${id}.reboot`;
      // Uptime reset a millisecond before the site answers again: the first poll after the
      // outage reads the new boot.
      return {
        cause: { ...base, kind, device: device.id, site: device.site, darkMs, endMs, faultIds: [dark, reboot] },
        faults: [
          { id: dark, kind: 'site-dark', site: device.site, startMs, endMs },
          { id: reboot, kind: 'reboot', device: device.id, startMs: endMs - 1 },
        ],
      };
    }
    case 'agent-silent': {
      if (leafDevices.length === 0) return undefined;
      const device = pick(random, leafDevices).id;
      const endMs = startMs + length(FAULT_RANGES[kind]);
      return { cause: { ...base, kind, device, endMs, faultIds: [id] }, faults: [{ id, kind, device, startMs, endMs }] };
    }
  }
}

/** The sites a cause's faults make fail: an upstream failure's hub and every site behind its
 * link; any other fault's own site. */
export function sitesOf(cause: { kind: 'upstream-failure'; link: string } | RootCause, network: HarnessNetwork): string[] {
  const siteOfLink = (id: string) => network.links.find((link) => link.id === id)?.site;
  if ('site' in cause) return [cause.site];
  if ('device' in cause) return [network.devices.find((device) => device.id === cause.device)!.site];
  const links = [cause.link, ...(cause.kind === 'upstream-failure' ? linksBehind(cause.link, network.links) : [])];
  return [...new Set(links.map(siteOfLink).filter((site): site is string => site !== undefined))];
}

/** The quiet time a lane keeps after a cause ends before its next one may start. */
export function quietAfter(kind: CauseKind, timing: HarnessTiming): number {
  return timing.quietAfterMs + (kind === 'flap' ? timing.flapping.settleAfterMs : 0);
}

/**
 * A seeded schedule over the network's lanes. Kinds come from a shuffled deck of every kind, so
 * each appears about equally often (upstream failures only where a lane has an upstream link);
 * each lane starts at a random offset in the first quarter of the span (at most 3 minutes at
 * scale 1) and, after each cause, stays quiet for `quietAfter` plus up to two ICMP intervals.
 * A site takes no new fault within `flapping.window` of the end of its last one: two outages of
 * one subject inside the window would be one flapping alert to the engine, not two causes. A
 * cause is placed only when it and its quiet time end by `endMs`.
 */
export function faultSchedule(options: ScheduleOptions): FaultSchedule {
  const { network, timing, scale } = options;
  const random = seededRandom(options.seed);
  const lanes = lanesOf(network);
  const stagger = Math.min((options.endMs - options.startMs) / 4, 3 * MIN * scale);
  const free = new Map(lanes.map((lane) => [lane.id, Math.round(options.startMs + random() * stagger)]));
  const done = new Set<string>();
  /** When each site may take a fault again. */
  const cooledAt = new Map<string, number>();
  const laneSites = new Map(lanes.map((lane) => [lane.id, [...new Set([...lane.leaves, ...lane.upstreamLinks.flatMap((link) => sitesOf({ kind: 'upstream-failure', link }, network))])]]));
  let deck: CauseKind[] = [];
  const causes: RootCause[] = [];
  const timeline: ScheduledFault[] = [];

  while (done.size < lanes.length) {
    const lane = lanes.filter((candidate) => !done.has(candidate.id)).sort((a, b) => free.get(a.id)! - free.get(b.id)! || a.id.localeCompare(b.id))[0]!;
    const startMs = free.get(lane.id)!;
    if (deck.length < causeKinds.length) deck = [...deck, ...shuffled(random, causeKinds)];
    let placed: Placement | undefined;
    // The first card of the deck this lane can take in the time left; the others stay in order.
    for (let index = 0; index < deck.length && !placed; index++) {
      const kind = deck[index]!;
      const candidate = draw(kind, lane, network, startMs, `q${causes.length + 1}`, scale, random, (site) => (cooledAt.get(site) ?? -Infinity) <= startMs);
      if (!candidate || candidate.cause.endMs + quietAfter(kind, timing) > options.endMs) continue;
      placed = candidate;
      deck.splice(index, 1);
    }
    if (!placed) {
      // Later, when one of the lane's sites has cooled down, something may fit.
      const next = Math.min(...laneSites.get(lane.id)!.map((site) => cooledAt.get(site) ?? -Infinity).filter((at) => at > startMs));
      if (Number.isFinite(next) && next < options.endMs) free.set(lane.id, next);
      else done.add(lane.id);
      continue;
    }
    for (const site of sitesOf(placed.cause, network)) cooledAt.set(site, Math.max(cooledAt.get(site) ?? -Infinity, placed.cause.endMs + timing.flapping.windowMs));
    causes.push(placed.cause);
    timeline.push(...placed.faults);
    free.set(lane.id, Math.round(placed.cause.endMs + quietAfter(placed.cause.kind, timing) + random() * 2 * timing.icmpIntervalMs));
  }
  timeline.sort((a, b) => a.startMs - b.startMs || a.id.localeCompare(b.id));
  causes.sort((a, b) => a.startMs - b.startMs || a.id.localeCompare(b.id));
  return { causes, timeline };
}
