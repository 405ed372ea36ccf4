import { z } from 'zod';
import { parseDuration } from '../config/duration.ts';
import { zodIssuesToConfigErrors, type ConfigError } from '../config/errors.ts';
import { seededRandom } from './random.ts';
import { malformedVariants, type Fault, type ScheduledFault } from './faults.ts';

// A scenario file: which network to simulate, how fast, and a timeline of faults. Parsing and
// expanding the timeline are pure; simulation.ts plays it.

const VIETNAM_OFFSET_MS = 7 * 3_600_000;
const DAY_MS = 86_400_000;

const duration = z.union([z.string(), z.number()]).transform((text, ctx) => {
  const parsed = parseDuration(String(text));
  if (!parsed.ok) {
    ctx.addIssue({ code: 'custom', message: parsed.message });
    return z.NEVER;
  }
  return parsed.ms;
});

/**
 * When a fault starts, relative to the scenario's start: `+1h30m` (after the start),
 * `10:00` (that time of day, Vietnam time, on the first day), or `d3 10:00` (day 3).
 */
const AT = /^(?:\+(?<offset>\S+)|(?:d(?<day>\d+)\s+)?(?<hour>\d{1,2}):(?<minute>\d{2}))$/;
const at = z.union([z.string(), z.number()]).transform((raw, ctx) => {
  const text = String(raw).trim();
  const match = AT.exec(text);
  const groups = match?.groups;
  if (groups?.offset !== undefined) {
    const parsed = parseDuration(groups.offset);
    if (parsed.ok) return { kind: 'offset' as const, ms: parsed.ms };
  } else if (groups?.hour !== undefined && Number(groups.hour) < 24 && Number(groups.minute) < 60) {
    return { kind: 'clock' as const, day: Number(groups.day ?? 1), minutes: Number(groups.hour) * 60 + Number(groups.minute) };
  }
  ctx.addIssue({ code: 'custom', message: `expected +DURATION (e.g. +1h30m), HH:MM or dN HH:MM (Vietnam time); got "${text}"` });
  return z.NEVER;
});

const base = { at, for: duration.optional() };
const id = z.string().min(1);

const faultEntry = z.discriminatedUnion('kind', [
  z.strictObject({ ...base, kind: z.literal('link-down'), link: id }),
  z.strictObject({ ...base, kind: z.literal('agent-silent'), device: id }),
  z.strictObject({ ...base, kind: z.literal('site-dark'), site: id }),
  z.strictObject({ ...base, kind: z.literal('upstream-failure'), link: id }),
  z.strictObject({ ...base, kind: z.literal('slow-answers'), device: id, delay: duration }),
  z.strictObject({ ...base, kind: z.literal('packet-loss'), link: id, percent: z.number().min(0).max(100) }),
  z.strictObject({ ...base, kind: z.literal('latency'), link: id, delay: duration }),
  z.strictObject({ ...base, kind: z.literal('saturation'), link: id, percent: z.number().min(0).max(150) }),
  z.strictObject({ ...base, kind: z.literal('malformed-replies'), device: id, variant: z.enum(malformedVariants) }),
  z.strictObject({ at, kind: z.literal('reboot'), device: id }),
  z.strictObject({ at, kind: z.literal('counter-wrap'), device: id }),
  z.strictObject({ at, kind: z.literal('reindex'), device: id }),
  /** Not a fault of its own: a run of link-downs, `down` long, one starting every `every`. */
  z.strictObject({ ...base, kind: z.literal('flap'), link: id, every: duration, down: duration.optional() }),
]);

/** Seeded random outages, for long compressed scenarios (a month of a district's weather). */
const randomFaults = z.strictObject({
  count: z.number().int().min(1).max(10_000),
  kinds: z.array(z.enum(['link-down', 'site-dark', 'agent-silent', 'reboot'])).min(1),
  shortest: duration.default(60_000),
  longest: duration.default(3 * 3_600_000),
});

export const scenarioSchema = z.strictObject({
  name: z.string().min(1),
  description: z.string().optional(),
  /** The simulated start: an ISO time, or omitted for "now". */
  start: z.iso.datetime({ offset: true }).optional(),
  duration: duration,
  /** Simulated milliseconds per real millisecond: 144 plays a day in ten minutes. */
  speed: z.number().positive().max(100_000).default(1),
  seed: z.number().int().default(1),
  /**
   * The network: an inventory file, or N generated sites (the command line may override). With
   * `only: true` the faults name that inventory's sites, devices and links, so a generated
   * district (`--sites N`) cannot stand in for it.
   */
  network: z
    .union([
      z.strictObject({ inventory: z.string().min(1), only: z.boolean().default(false) }),
      z.strictObject({ sites: z.number().int().min(1).max(5_000) }),
    ])
    .optional(),
  faults: z.array(faultEntry).default([]),
  random: randomFaults.optional(),
});

export type Scenario = z.output<typeof scenarioSchema>;
export type ScenarioFault = Scenario['faults'][number];

export function parseScenario(raw: unknown): { ok: true; scenario: Scenario } | { ok: false; errors: ConfigError[] } {
  const parsed = scenarioSchema.safeParse(raw);
  if (!parsed.success) return { ok: false, errors: zodIssuesToConfigErrors(parsed.error.issues, raw, scenarioSchema) };
  return { ok: true, scenario: parsed.data };
}

/** What the timeline needs to know of the network, to check names and to pick random targets. */
export interface TimelineNetwork {
  sites: readonly string[];
  devices: readonly string[];
  links: readonly string[];
}

/** The simulated epoch ms a fault's `at` stands for. */
export function resolveAt(value: Extract<Scenario['faults'][number], { at: unknown }>['at'], startMs: number): number {
  if (value.kind === 'offset') return startMs + value.ms;
  // Midnight of the start day in Vietnam time, then the day and time of day.
  const startDay = Math.floor((startMs + VIETNAM_OFFSET_MS) / DAY_MS) * DAY_MS - VIETNAM_OFFSET_MS;
  return startDay + (value.day - 1) * DAY_MS + value.minutes * 60_000;
}

/**
 * The scenario's faults as a sorted list of scheduled faults (simulated epoch ms), flaps expanded
 * into link-downs and random faults drawn from the seed. Names are checked against the network;
 * every problem is reported with its path.
 */
export function expandTimeline(scenario: Scenario, network: TimelineNetwork, startMs: number): { ok: true; faults: ScheduledFault[] } | { ok: false; errors: ConfigError[] } {
  const errors: ConfigError[] = [];
  const known = { site: new Set(network.sites), device: new Set(network.devices), link: new Set(network.links) };
  const faults: ScheduledFault[] = [];
  const endOfScenario = startMs + scenario.duration;

  scenario.faults.forEach((entry, index) => {
    const path = `faults[${index}]`;
    for (const key of ['site', 'device', 'link'] as const) {
      const value = (entry as Record<string, unknown>)[key];
      if (typeof value === 'string' && !known[key].has(value)) errors.push({ path: `${path}.${key}`, message: `unknown ${key} "${value}"` });
    }
    const begin = resolveAt(entry.at, startMs);
    if (begin < startMs || begin > endOfScenario) {
      errors.push({ path: `${path}.at`, message: `falls outside the scenario (${new Date(startMs).toISOString()} + ${scenario.duration / 60_000} min)` });
      return;
    }
    const id = `f${index + 1}`;
    if (entry.kind === 'flap') {
      const length = entry.for ?? 30 * 60_000;
      const down = entry.down ?? entry.every / 2;
      if (down >= entry.every) errors.push({ path: `${path}.down`, message: 'must be shorter than `every`, or the link never comes back between flaps' });
      for (let t = begin, n = 1; t < begin + length; t += entry.every, n++) {
        faults.push({ id: `${id}.${n}`, kind: 'link-down', link: entry.link, startMs: t, endMs: Math.min(t + down, begin + length) });
      }
      return;
    }
    const fault = toFault(entry);
    if ('for' in entry) {
      faults.push({ ...fault, id, startMs: begin, endMs: Math.min(begin + (entry.for ?? scenario.duration), endOfScenario) } as ScheduledFault);
    } else faults.push({ ...fault, id, startMs: begin } as ScheduledFault);
  });

  if (scenario.random) faults.push(...randomTimeline(scenario, network, startMs));
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, faults: faults.sort((a, b) => a.startMs - b.startMs || a.id.localeCompare(b.id)) };
}

function toFault(entry: Exclude<ScenarioFault, { kind: 'flap' }>): Fault {
  switch (entry.kind) {
    case 'link-down':
    case 'upstream-failure':
      return { kind: entry.kind, link: entry.link };
    case 'agent-silent':
    case 'reboot':
    case 'counter-wrap':
    case 'reindex':
      return { kind: entry.kind, device: entry.device };
    case 'site-dark':
      return { kind: 'site-dark', site: entry.site };
    case 'slow-answers':
      return { kind: 'slow-answers', device: entry.device, delayMs: entry.delay };
    case 'packet-loss':
      return { kind: 'packet-loss', link: entry.link, percent: entry.percent };
    case 'latency':
      return { kind: 'latency', link: entry.link, delayMs: entry.delay };
    case 'saturation':
      return { kind: 'saturation', link: entry.link, percent: entry.percent };
    case 'malformed-replies':
      return { kind: 'malformed-replies', device: entry.device, variant: entry.variant };
  }
}

function randomTimeline(scenario: Scenario, network: TimelineNetwork, startMs: number): ScheduledFault[] {
  const random = scenario.random!;
  const next = seededRandom(scenario.seed);
  const pick = <T>(list: readonly T[]): T | undefined => list[Math.floor(next() * list.length)];
  const faults: ScheduledFault[] = [];
  for (let n = 1; n <= random.count; n++) {
    const kind = pick(random.kinds)!;
    const length = random.shortest + next() * (random.longest - random.shortest);
    const begin = startMs + next() * Math.max(0, scenario.duration - length);
    const id = `r${n}`;
    const window = { id, startMs: Math.round(begin), endMs: Math.round(begin + length) };
    if (kind === 'link-down') {
      const link = pick(network.links);
      if (link) faults.push({ ...window, kind, link });
    } else if (kind === 'site-dark') {
      const site = pick(network.sites);
      if (site) faults.push({ ...window, kind, site });
    } else if (kind === 'agent-silent') {
      const device = pick(network.devices);
      if (device) faults.push({ ...window, kind, device });
    } else {
      const device = pick(network.devices);
      if (device) faults.push({ id, startMs: window.startMs, kind, device });
    }
  }
  return faults;
}
