import type { Config, Device, Link } from '../config/schema.ts';
import { seededRandom } from './random.ts';
import { hash32, hashText, vietnamTime } from './traffic.ts';

// The faults of a simulated history (simulator/history.ts): a week's plan, and what the faults
// make of a moment for a link, a device and the devices' own state. Pure: no clock, no I/O.

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** What a fault of the history does, with the simulator's meanings (simulator/faults.ts). */
export type HistoryFaultSubject =
  /** The link's targets stop answering and its carrying interface goes oper-down. */
  | { kind: 'link-down'; link: string }
  /** A run of link-downs: `downMs` down at the start of every `everyMs`. */
  | { kind: 'flap'; link: string; everyMs: number; downMs: number }
  /** Power cut: every link target and every agent of the site falls silent (interfaces keep
   * their state, as in the simulator). */
  | { kind: 'site-dark'; site: string }
  /** A share of the echoes to the link's targets, and of the SNMP requests to its device, is lost. */
  | { kind: 'packet-loss'; link: string; percent: number }
  /** The link carries `percent` of its contracted capacity. */
  | { kind: 'saturation'; link: string; percent: number }
  /** The device's agent stops answering; its address still answers ping. */
  | { kind: 'agent-silent'; device: string };
/** A fault placed in time: from `startMs` (inclusive) to `endMs` (exclusive). */
export type HistoryFault = { id: string; startMs: number; endMs: number } & HistoryFaultSubject;
type Timed = HistoryFaultSubject & { startMs: number; endMs: number };
export type HistoryFaultKind = HistoryFault['kind'];

export interface PlanHistoryInput {
  config: Config;
  fromMs: number;
  toMs: number;
  seed: number;
}

/** Every fault ends this long before `toMs` at the latest: the engine has seen everything up
 * again by then (upAfter rounds, flapping settled), so a live engine starting at `toMs`
 * restores "up". */
export const QUIET_END_MS = 30 * MINUTE;
/** Two faults on one entity (a site's links and devices belong to it) keep this far apart, so
 * that each is its own outage and a flapping episode settles before the next thing happens. */
const FAULT_GAP_MS = 45 * MINUTE;

/** How many of each kind a week holds (scaled to the span), and how long they last. */
const WEEK_PLAN = {
  fibreCuts: { perWeek: [4, 6], minutes: [5, 90] },
  powerCuts: { perWeek: [1, 2], minutes: [60, 180] },
  packetLoss: { perWeek: [2, 3], minutes: [20, 60], percent: [5, 25] },
  // Three polls or more even 10 minutes apart (HISTORY_TIERS): enough for the engine to call it.
  agentSilent: { perWeek: [1, 1], minutes: [30, 60] },
  // Down 4 of every 10 minutes for an hour: each down holds two rounds and each up three even
  // 2 minutes apart (HISTORY_TIERS), so every change is seen, and three changes within 15
  // minutes make it flapping (config/alerts.ts).
  flap: { minutes: 60, everyMs: 10 * MINUTE, downMs: 4 * MINUTE },
  saturation: { minutes: 60, percent: [96, 99] },
} as const;

/**
 * A plausible mountain week for the inventory, the same for the same seed: a handful of fibre
 * cuts (5–90 min) on links nothing else depends on, one or two power cuts at communes (1–3 h,
 * most in the afternoon storms), a flapping hour, an hour of saturation on a busy link in the
 * working morning, some packet loss and a silent agent. Never two at once on one entity (a
 * site's links and devices count as the site), all within [fromMs, toMs − 30 min]. Spans shorter
 * than a week get proportionally fewer; one shorter than a day gets none of the once-a-week ones.
 */
export function planHistoryFaults(input: PlanHistoryInput): HistoryFault[] {
  const { config, fromMs } = input;
  const endMs = input.toMs - QUIET_END_MS;
  if (!(endMs > fromMs)) return [];
  const random = seededRandom(hash32(input.seed, hashText('history')));
  const between = (range: readonly [number, number]) => range[0] + random() * (range[1] - range[0]);
  const pick = <T>(list: readonly T[]): T | undefined => (list.length === 0 ? undefined : list[Math.floor(random() * list.length)]);
  const weeks = (endMs - fromMs) / (7 * DAY);
  const countOf = (perWeek: readonly [number, number]) => Math.round(weeks * between(perWeek));

  const sites = new Map(config.sites.map((site) => [site.id, site]));
  const dependedOn = new Set(config.links.flatMap((link) => (link.upstream ? [link.upstream] : [])));
  // Links whose cut is one outage of their own: probed, and with nothing behind them.
  const leafLinks = config.links.filter((link) => link.targets.length > 0 && !dependedOn.has(link.id));
  const communeLinks = leafLinks.filter((link) => sites.get(link.site)?.kind === 'commune');
  const communes = config.sites.filter((site) => site.kind === 'commune' && (config.links.some((link) => link.site === site.id) || config.devices.some((device) => device.site === site.id)));
  const polled = config.devices.filter((device) => device.snmp && sites.get(device.site)?.kind === 'commune');

  const occupied = new Map<string, { startMs: number; endMs: number }[]>();
  const entitiesOf = (fault: Timed): string[] => {
    switch (fault.kind) {
      case 'site-dark':
        return [`site:${fault.site}`, ...config.links.filter((link) => link.site === fault.site).map((link) => `link:${link.id}`), ...config.devices.filter((device) => device.site === fault.site).map((device) => `device:${device.id}`)];
      case 'agent-silent': {
        const site = config.devices.find((device) => device.id === fault.device)?.site;
        return [`device:${fault.device}`, `site:${site}`];
      }
      default: {
        const link = config.links.find((candidate) => candidate.id === fault.link);
        return [`link:${fault.link}`, `site:${link?.site}`, ...(link?.device ? [`device:${link.device}`] : [])];
      }
    }
  };
  const free = (keys: readonly string[], startMs: number, endAtMs: number) =>
    keys.every((key) => (occupied.get(key) ?? []).every((busy) => endAtMs + FAULT_GAP_MS <= busy.startMs || startMs >= busy.endMs + FAULT_GAP_MS));
  const planned: Timed[] = [];
  /** Places the fault `make` draws (subject, length, start), drawing again while it does not fit. */
  const place = (make: () => { fault: HistoryFaultSubject; lengthMs: number; startMs: number } | undefined) => {
    for (let attempt = 0; attempt < 40; attempt++) {
      const drawn = make();
      if (!drawn) return;
      const startMs = Math.round(drawn.startMs / 1_000) * 1_000;
      const end = startMs + Math.round(drawn.lengthMs / 1_000) * 1_000;
      if (startMs < fromMs || end > endMs) continue;
      const fault: Timed = { ...drawn.fault, startMs, endMs: end };
      const keys = entitiesOf(fault);
      if (!free(keys, startMs, end)) continue;
      for (const key of keys) occupied.set(key, [...(occupied.get(key) ?? []), { startMs, endMs: end }]);
      planned.push(fault);
      return;
    }
  };
  const anywhere = (lengthMs: number) => fromMs + random() * (endMs - fromMs - lengthMs);
  /** A start at `hour` (Vietnam time, fractional) on a random day of the span, when it fits. */
  const atLocalHour = (hour: number, lengthMs: number, weekday = false) => {
    const days: number[] = [];
    for (let day = Math.floor((fromMs + 7 * HOUR) / DAY); day * DAY - 7 * HOUR < endMs; day++) {
      const startMs = day * DAY - 7 * HOUR + hour * HOUR;
      const { weekday: dayOfWeek } = vietnamTime(startMs);
      if (startMs >= fromMs && startMs + lengthMs <= endMs && (!weekday || (dayOfWeek >= 1 && dayOfWeek <= 5))) days.push(startMs);
    }
    return pick(days) ?? anywhere(lengthMs);
  };

  // Power cuts first: they take a whole site, and are the rarest to fit.
  for (let n = countOf(WEEK_PLAN.powerCuts.perWeek); n > 0; n--) {
    place(() => {
      const site = pick(communes);
      if (!site) return undefined;
      const lengthMs = between(WEEK_PLAN.powerCuts.minutes) * MINUTE;
      // Most in the afternoon storms (13:30–17:30), some at any hour.
      const startMs = random() < 0.7 ? atLocalHour(13.5 + random() * 4, lengthMs) : anywhere(lengthMs);
      return { fault: { kind: 'site-dark', site: site.id }, lengthMs, startMs };
    });
  }
  if (endMs - fromMs >= DAY) {
    place(() => {
      const link = pick(communeLinks.length > 0 ? communeLinks : leafLinks);
      if (!link) return undefined;
      const { minutes, everyMs, downMs } = WEEK_PLAN.flap;
      return { fault: { kind: 'flap', link: link.id, everyMs, downMs }, lengthMs: minutes * MINUTE, startMs: anywhere(minutes * MINUTE) };
    });
    // The busiest commune lines (largest contract) are the ones that fill up.
    const carried = communeLinks.filter((link) => link.device !== undefined).sort((a, b) => (b.capacity?.downMbps ?? 0) - (a.capacity?.downMbps ?? 0));
    place(() => {
      const link = pick(carried.slice(0, 3));
      if (!link) return undefined;
      const lengthMs = WEEK_PLAN.saturation.minutes * MINUTE;
      return { fault: { kind: 'saturation', link: link.id, percent: Math.round(between(WEEK_PLAN.saturation.percent)) }, lengthMs, startMs: atLocalHour(9 + random(), lengthMs, true) };
    });
  }
  for (let n = countOf(WEEK_PLAN.fibreCuts.perWeek); n > 0; n--) {
    place(() => {
      const link = random() < 0.85 && communeLinks.length > 0 ? pick(communeLinks) : pick(leafLinks);
      if (!link) return undefined;
      const lengthMs = between(WEEK_PLAN.fibreCuts.minutes) * MINUTE;
      return { fault: { kind: 'link-down', link: link.id }, lengthMs, startMs: anywhere(lengthMs) };
    });
  }
  for (let n = countOf(WEEK_PLAN.packetLoss.perWeek); n > 0; n--) {
    place(() => {
      const link = pick(leafLinks);
      if (!link) return undefined;
      const lengthMs = between(WEEK_PLAN.packetLoss.minutes) * MINUTE;
      return { fault: { kind: 'packet-loss', link: link.id, percent: Math.round(between(WEEK_PLAN.packetLoss.percent)) }, lengthMs, startMs: anywhere(lengthMs) };
    });
  }
  for (let n = countOf(WEEK_PLAN.agentSilent.perWeek); n > 0; n--) {
    place(() => {
      const device = pick(polled);
      if (!device) return undefined;
      const lengthMs = between(WEEK_PLAN.agentSilent.minutes) * MINUTE;
      return { fault: { kind: 'agent-silent', device: device.id }, lengthMs, startMs: anywhere(lengthMs) };
    });
  }
  return planned.sort((a, b) => a.startMs - b.startMs).map((fault, index): HistoryFault => ({ id: `h${index + 1}`, ...fault }));
}

/** The faults of a list, looked up by what they hit. Build once, query per round. */
export interface FaultIndex {
  readonly links: ReadonlyMap<string, readonly HistoryFault[]>;
  readonly sites: ReadonlyMap<string, readonly HistoryFault[]>;
  readonly devices: ReadonlyMap<string, readonly HistoryFault[]>;
}

export function indexFaults(faults: readonly HistoryFault[]): FaultIndex {
  const links = new Map<string, HistoryFault[]>();
  const sites = new Map<string, HistoryFault[]>();
  const devices = new Map<string, HistoryFault[]>();
  const add = (map: Map<string, HistoryFault[]>, id: string, fault: HistoryFault) => map.set(id, [...(map.get(id) ?? []), fault]);
  for (const fault of faults) {
    if (fault.kind === 'site-dark') add(sites, fault.site, fault);
    else if (fault.kind === 'agent-silent') add(devices, fault.device, fault);
    else add(links, fault.link, fault);
  }
  return { links, sites, devices };
}

const during = (fault: HistoryFault, atMs: number) => atMs >= fault.startMs && atMs < fault.endMs;
/** Whether a flap is in one of its down phases at `atMs`. */
const flapDown = (fault: Extract<HistoryFault, { kind: 'flap' }>, atMs: number) => during(fault, atMs) && (atMs - fault.startMs) % fault.everyMs < fault.downMs;

/** What a link's targets do at `atMs`: answer, lose a share of echoes, or not answer at all. */
export interface LinkCondition {
  down: boolean;
  /** 0–100; 0 outside packet-loss faults: the simulated network loses nothing by itself. */
  lossPct: number;
}

export function linkConditionAt(index: FaultIndex, link: Pick<Link, 'id' | 'site'>, atMs: number): LinkCondition {
  if ((index.sites.get(link.site) ?? []).some((fault) => during(fault, atMs))) return { down: true, lossPct: 100 };
  let lossPct = 0;
  for (const fault of index.links.get(link.id) ?? []) {
    if (fault.kind === 'link-down' && during(fault, atMs)) return { down: true, lossPct: 100 };
    if (fault.kind === 'flap' && flapDown(fault, atMs)) return { down: true, lossPct: 100 };
    if (fault.kind === 'packet-loss' && during(fault, atMs)) lossPct = Math.max(lossPct, fault.percent);
  }
  return { down: false, lossPct };
}

/** What a device's agent and address do at `atMs`. */
export interface DeviceCondition {
  /** Its site is dark: neither the agent nor the address answers. */
  dark: boolean;
  /** The agent is silent; the address still answers. */
  silent: boolean;
  /** The worst packet loss on a link it carries: the agent loses that share of requests. */
  requestLossPct: number;
}

export function deviceConditionAt(index: FaultIndex, device: Pick<Device, 'id' | 'site'>, carried: readonly Pick<Link, 'id'>[], atMs: number): DeviceCondition {
  const dark = (index.sites.get(device.site) ?? []).some((fault) => during(fault, atMs));
  const silent = (index.devices.get(device.id) ?? []).some((fault) => during(fault, atMs));
  let requestLossPct = 0;
  for (const link of carried) {
    for (const fault of index.links.get(link.id) ?? []) if (fault.kind === 'packet-loss' && during(fault, atMs)) requestLossPct = Math.max(requestLossPct, fault.percent);
  }
  return { dark, silent, requestLossPct };
}

/** A change a fault makes to a simulated device's own state, at an instant. */
export type DeviceEdge =
  | { atMs: number; device: string; kind: 'link-interface'; link: string; state: 'up' | 'down' }
  | { atMs: number; device: string; kind: 'saturation'; link: string; percent: number | undefined }
  | { atMs: number; device: string; kind: 'reboot' };

/**
 * The device-side changes of the faults, in time order: a link-down (and every down phase of a
 * flap) takes the carrying interface down and up again, a saturation sets and clears the
 * device's saturation. Site-dark and packet loss change nothing on the device itself.
 */
export function faultEdges(faults: readonly HistoryFault[], links: readonly Pick<Link, 'id' | 'device'>[]): DeviceEdge[] {
  const deviceOf = new Map(links.map((link) => [link.id, link.device]));
  const edges: DeviceEdge[] = [];
  for (const fault of faults) {
    if (fault.kind !== 'link-down' && fault.kind !== 'flap' && fault.kind !== 'saturation') continue;
    const device = deviceOf.get(fault.link);
    if (!device) continue;
    if (fault.kind === 'saturation') {
      edges.push({ atMs: fault.startMs, device, kind: 'saturation', link: fault.link, percent: fault.percent });
      edges.push({ atMs: fault.endMs, device, kind: 'saturation', link: fault.link, percent: undefined });
      continue;
    }
    const phases = fault.kind === 'flap' ? flapPhases(fault) : [{ startMs: fault.startMs, endMs: fault.endMs }];
    for (const phase of phases) {
      edges.push({ atMs: phase.startMs, device, kind: 'link-interface', link: fault.link, state: 'down' });
      edges.push({ atMs: phase.endMs, device, kind: 'link-interface', link: fault.link, state: 'up' });
    }
  }
  return edges.sort((a, b) => a.atMs - b.atMs);
}

const flapPhases = (fault: Extract<HistoryFault, { kind: 'flap' }>) => {
  const phases: { startMs: number; endMs: number }[] = [];
  for (let t = fault.startMs; t < fault.endMs; t += fault.everyMs) phases.push({ startMs: t, endMs: Math.min(t + fault.downMs, fault.endMs) });
  return phases;
};
