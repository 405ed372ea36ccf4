import { weekdays, type EntitySelector, type Weekday } from '../config/alerts.ts';
import { localTime, minutesOfClock, parseLocalDateTime } from '../config/time.ts';
import type { EntityKind } from './alerts.ts';
import type { MaintenanceWindow, RecurringSchedule } from './maintenance.ts';

// Availability as the API (issue 9) and the monthly reports (issue 11) compute it. Pure: the
// store hands over intervals (outages, maintenance windows, time without data) and everything
// else is arithmetic on them, table-tested in test/unit/model/availability.test.ts.
//
// Every instant of a period is in exactly one class, decided in this order:
//   maintenance → excluded (planned work is not the provider's failure)
//   unknown     → excluded (no data says neither up nor down), and reported as coverage: an
//                 outage still open while the collector wrote nothing (stopped, its host
//                 down) is not downtime, since down needs positive evidence
//   down        → counted against the entity
//   up          → the rest
// The raw figure drops the first rule: downtime inside maintenance counts as down.

/** [startMs, endMs), epoch ms. */
export interface Interval {
  startMs: number;
  endMs: number;
}

const DAY_MS = 86_400_000;
const MINUTES_PER_DAY = 1440;

/** Sorted, overlapping and touching intervals joined, empty ones dropped. */
export function mergeIntervals(intervals: readonly Interval[]): Interval[] {
  const sorted = intervals.filter((i) => i.endMs > i.startMs).sort((a, b) => a.startMs - b.startMs);
  const merged: Interval[] = [];
  for (const interval of sorted) {
    const last = merged[merged.length - 1];
    if (last && interval.startMs <= last.endMs) last.endMs = Math.max(last.endMs, interval.endMs);
    else merged.push({ startMs: interval.startMs, endMs: interval.endMs });
  }
  return merged;
}

/** The parts of the intervals inside `period`, merged. */
export function clipIntervals(intervals: readonly Interval[], period: Interval): Interval[] {
  return mergeIntervals(intervals.map((i) => ({ startMs: Math.max(i.startMs, period.startMs), endMs: Math.min(i.endMs, period.endMs) })));
}

/** Where both sets hold. */
export function intersectIntervals(a: readonly Interval[], b: readonly Interval[]): Interval[] {
  const left = mergeIntervals(a);
  const right = mergeIntervals(b);
  const found: Interval[] = [];
  let i = 0;
  let j = 0;
  while (i < left.length && j < right.length) {
    const startMs = Math.max(left[i]!.startMs, right[j]!.startMs);
    const endMs = Math.min(left[i]!.endMs, right[j]!.endMs);
    if (endMs > startMs) found.push({ startMs, endMs });
    if (left[i]!.endMs < right[j]!.endMs) i++;
    else j++;
  }
  return found;
}

/** Where `a` holds and `b` does not. */
export function subtractIntervals(a: readonly Interval[], b: readonly Interval[]): Interval[] {
  const cut = mergeIntervals(b);
  const found: Interval[] = [];
  for (const interval of mergeIntervals(a)) {
    let startMs = interval.startMs;
    for (const hole of cut) {
      if (hole.endMs <= startMs || hole.startMs >= interval.endMs) continue;
      if (hole.startMs > startMs) found.push({ startMs, endMs: hole.startMs });
      startMs = Math.max(startMs, hole.endMs);
    }
    if (interval.endMs > startMs) found.push({ startMs, endMs: interval.endMs });
  }
  return found;
}

/** Total length of the intervals once merged. */
export const totalMs = (intervals: readonly Interval[]): number => mergeIntervals(intervals).reduce((sum, i) => sum + (i.endMs - i.startMs), 0);

/** One recorded outage: `endMs` absent while it is still open. */
export interface DownInterval extends Interval {
  cause?: string;
  /** `outage` or `unreachable` (down because something it depends on is): both count. */
  kind?: string;
  /** Still going on: its end is the present. */
  open?: boolean;
}

export interface AvailabilityInput {
  periodFromMs: number;
  periodToMs: number;
  down: readonly DownInterval[];
  maintenance: readonly Interval[];
  unknown: readonly Interval[];
  /** Below this coverage (%) the figure is flagged as resting on too little data. Default 99. */
  minCoveragePct?: number;
}

export interface OutageInPeriod {
  /** Its real start and end, not clipped. */
  startMs: number;
  endMs: number;
  durationMs: number;
  /** The part inside the period that counts as down: outside maintenance and with data. */
  countedMs: number;
  cause: string | null;
  kind: string | null;
  /** Began before the period / ends after it: the report shows only part of it. */
  clippedStart: boolean;
  clippedEnd: boolean;
  /** Wholly inside maintenance: counted in the raw figure only. */
  inMaintenance: boolean;
  /** Not over yet: its end is the present. */
  ongoing: boolean;
}

export interface Availability {
  periodFromMs: number;
  periodToMs: number;
  /** up / (up + down), maintenance and unknown time excluded; null when nothing is known. */
  availabilityPct: number | null;
  /** As above with downtime inside maintenance counted as down, the rest of maintenance as up. */
  rawAvailabilityPct: number | null;
  /** 1 − unknown / period. */
  coveragePct: number;
  /** Coverage under minCoveragePct: the figure rests on too little data. */
  coverageFlag: boolean;
  /** The figure if every unknown minute had been down, or up. */
  bounds: { unknownAsDownPct: number | null; unknownAsUpPct: number | null };
  upMs: number;
  downMs: number;
  maintenanceMs: number;
  unknownMs: number;
  outages: OutageInPeriod[];
  /** Outages with downtime counted in the period. */
  n: number;
  /** downMs / n; null without an outage. */
  mttrMs: number | null;
  /** upMs / n; null without an outage (no failure to measure between). */
  mtbfMs: number | null;
}

const percent = (part: number, whole: number): number | null => (whole > 0 ? (100 * part) / whole : null);

/** Availability of one entity over a period, by the rules at the top of this file. */
export function availability(input: AvailabilityInput): Availability {
  const period: Interval = { startMs: input.periodFromMs, endMs: input.periodToMs };
  const periodMs = Math.max(0, period.endMs - period.startMs);
  const maintenance = clipIntervals(input.maintenance, period);
  const downAll = clipIntervals(input.down, period);
  const unknownAll = clipIntervals(input.unknown, period);

  const unknown = subtractIntervals(unknownAll, maintenance);
  const down = subtractIntervals(subtractIntervals(downAll, maintenance), unknown);
  const downMs = totalMs(down);
  const unknownMs = totalMs(unknown);
  const maintenanceMs = totalMs(maintenance);
  const upMs = periodMs - maintenanceMs - downMs - unknownMs;

  // Raw: maintenance is ignored, so only down and unknown are carved out of the period.
  const rawDownMs = totalMs(subtractIntervals(downAll, unknownAll));
  const rawUnknownMs = totalMs(unknownAll);
  const rawUpMs = periodMs - rawDownMs - rawUnknownMs;

  const outages = input.down
    .filter((o) => o.endMs > period.startMs && o.startMs < period.endMs && o.endMs > o.startMs)
    .sort((a, b) => a.startMs - b.startMs)
    .map((o): OutageInPeriod => {
      const inside = clipIntervals([o], period);
      const outsideMaintenance = subtractIntervals(inside, maintenance);
      const counted = subtractIntervals(outsideMaintenance, unknown);
      return {
        startMs: o.startMs,
        endMs: o.endMs,
        durationMs: o.endMs - o.startMs,
        countedMs: totalMs(counted),
        cause: o.cause ?? null,
        kind: o.kind ?? null,
        clippedStart: o.startMs < period.startMs,
        clippedEnd: o.endMs > period.endMs,
        inMaintenance: totalMs(outsideMaintenance) === 0,
        ongoing: o.open ?? false,
      };
    });
  // Records that overlap (an outage and the unreachable spell around it) are one failure: n
  // counts the merged spells with counted downtime, so MTBF / (MTBF + MTTR) stays availability.
  const n = mergeIntervals(input.down).filter((spell) => totalMs(subtractIntervals(subtractIntervals(clipIntervals([spell], period), maintenance), unknown)) > 0).length;
  const coveragePct = periodMs > 0 ? 100 * (1 - unknownMs / periodMs) : 0;

  return {
    periodFromMs: period.startMs,
    periodToMs: period.endMs,
    availabilityPct: percent(upMs, upMs + downMs),
    rawAvailabilityPct: percent(rawUpMs, rawUpMs + rawDownMs),
    coveragePct,
    coverageFlag: coveragePct < (input.minCoveragePct ?? 99),
    bounds: { unknownAsDownPct: percent(upMs, upMs + downMs + unknownMs), unknownAsUpPct: percent(upMs + unknownMs, upMs + downMs + unknownMs) },
    upMs,
    downMs,
    maintenanceMs,
    unknownMs,
    outages,
    n,
    mttrMs: n > 0 ? downMs / n : null,
    mtbfMs: n > 0 ? upMs / n : null,
  };
}

/** What one link contributes to its site's figure. */
export interface LinkIntervals {
  down: readonly DownInterval[];
  unknown: readonly Interval[];
}

/**
 * A site is down only while all its links are down (on their merged intervals), up while any
 * link is up, and unknown otherwise (one link down, the others without data). A site without
 * links has no figure: all its time is unknown. A spell of the site is `unreachable` when every
 * link outage within it was (the site was cut off upstream, not failing itself), and ongoing
 * when it lasts to the period's end with a link outage still open.
 */
export function siteIntervals(links: readonly LinkIntervals[], period: Interval): { down: DownInterval[]; unknown: Interval[] } {
  if (links.length === 0) return { down: [], unknown: [period] };
  let down: Interval[] = [period];
  let up: Interval[] = [];
  for (const link of links) {
    const linkDown = clipIntervals(link.down, period);
    down = intersectIntervals(down, linkDown);
    up = mergeIntervals([...up, ...subtractIntervals(subtractIntervals([period], linkDown), link.unknown)]);
  }
  const records = links.flatMap((link) => link.down);
  const spells = down.map((spell): DownInterval => {
    const within = records.filter((record) => record.startMs < spell.endMs && record.endMs > spell.startMs);
    const upstream = within.length > 0 && within.every((record) => record.kind === 'unreachable');
    const open = spell.endMs >= period.endMs && within.some((record) => record.open === true);
    return { ...spell, cause: upstream ? 'upstream' : 'site-dark', kind: upstream ? 'unreachable' : 'outage', ...(open ? { open } : {}) };
  });
  return { down: spells, unknown: subtractIntervals(subtractIntervals([period], up), down) };
}

// ---------------------------------------------------------------------------------------------
// Maintenance windows as intervals
// ---------------------------------------------------------------------------------------------

/** What a window may cover. Mirrors `selects` in collector/alerts/settings.ts, which model/
 * cannot import: a site or group selector takes in the site and everything at it, a link or
 * device selector only that one, an empty selector everything. */
export interface CoveredSubject {
  kind: EntityKind;
  id: string;
  site: string;
  groups: readonly string[];
}

export function selectorCovers(selector: EntitySelector, subject: CoveredSubject): boolean {
  const lists = [selector.groups, selector.sites, selector.links, selector.devices];
  if (lists.every((list) => list === undefined || list.length === 0)) return true;
  if (selector.sites?.includes(subject.site)) return true;
  if (selector.groups?.some((group) => subject.groups.includes(group))) return true;
  if (subject.kind === 'link' && selector.links?.includes(subject.id)) return true;
  if (subject.kind === 'device' && selector.devices?.includes(subject.id)) return true;
  return false;
}

const wallTime = (dayMs: number, minuteOfDay: number): string => {
  const day = new Date(dayMs);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${day.getUTCFullYear()}-${pad(day.getUTCMonth() + 1)}-${pad(day.getUTCDate())}T${pad(Math.floor(minuteOfDay / 60))}:${pad(minuteOfDay % 60)}`;
};

const onDay = (every: RecurringSchedule, day: Weekday) => every.days === undefined || every.days.length === 0 || every.days.includes(day);

/** Occurrences of a recurring schedule that start within a day of `range`, in local days. */
function recurringIntervals(every: RecurringSchedule, range: Interval, timeZone: string): Interval[] {
  const from = minutesOfClock(every.from);
  const span = (minutesOfClock(every.to) - from + MINUTES_PER_DAY) % MINUTES_PER_DAY || MINUTES_PER_DAY;
  const first = localTime(range.startMs, timeZone);
  const found: Interval[] = [];
  // A range starting yesterday evening may still run this morning: begin one local day early.
  for (let dayMs = Date.UTC(first.year, first.month - 1, first.day) - DAY_MS; dayMs <= range.endMs + DAY_MS; dayMs += DAY_MS) {
    if (!onDay(every, weekdays[(new Date(dayMs).getUTCDay() + 6) % 7]!)) continue;
    const startMs = parseLocalDateTime(wallTime(dayMs, from), timeZone);
    const endDay = dayMs + Math.floor((from + span) / MINUTES_PER_DAY) * DAY_MS;
    const endMs = parseLocalDateTime(wallTime(endDay, (from + span) % MINUTES_PER_DAY), timeZone);
    if (startMs === undefined || endMs === undefined || endMs <= startMs) continue;
    if (startMs >= range.endMs) break;
    if (endMs > range.startMs) found.push({ startMs, endMs });
  }
  return found;
}

/** The time within `range` that the windows covering `subject` were in force, merged. A window
 * ended early stops at `endedMs`; recurring ones are read in `timeZone` (alerts.timezone). */
export function maintenanceIntervals(windows: readonly MaintenanceWindow[], subject: CoveredSubject, range: Interval, timeZone: string): Interval[] {
  const found: Interval[] = [];
  for (const window of windows) {
    if (!selectorCovers(window.match, subject)) continue;
    const spans = window.every ? recurringIntervals(window.every, range, timeZone) : window.startMs !== undefined && window.endMs !== undefined ? [{ startMs: window.startMs, endMs: window.endMs }] : [];
    for (const span of spans) found.push({ startMs: span.startMs, endMs: window.endedMs === undefined ? span.endMs : Math.min(span.endMs, window.endedMs) });
  }
  return clipIntervals(found, range);
}

/** A calendar month in a zone, [first day 00:00, next month's first day 00:00): the period of
 * a monthly report. `month` is 1–12. */
export function monthPeriod(year: number, month: number, timeZone: string): Interval {
  const pad = (n: number) => String(n).padStart(2, '0');
  const next = month === 12 ? { year: year + 1, month: 1 } : { year, month: month + 1 };
  return { startMs: parseLocalDateTime(`${year}-${pad(month)}-01T00:00`, timeZone)!, endMs: parseLocalDateTime(`${next.year}-${pad(next.month)}-01T00:00`, timeZone)! };
}

// ---------------------------------------------------------------------------------------------
// Time without data, from what the store records
// ---------------------------------------------------------------------------------------------

/** A recorded state of an entity: the alert engine's `entity_state` point. */
export interface RecordedState {
  atMs: number;
  state: string;
}

/**
 * Where the recorded state was `unknown` within the period, and the time before anything was
 * recorded at all (the entity was not yet monitored). `initial` is the state in force at the
 * period's start (the last record at or before it); `changes` those after it, in any order.
 */
export function unknownFromStates(initial: RecordedState | undefined, changes: readonly RecordedState[], period: Interval): Interval[] {
  const timeline = [...(initial ? [{ atMs: period.startMs, state: initial.state }] : []), ...changes.filter((c) => c.atMs > period.startMs && c.atMs < period.endMs).sort((a, b) => a.atMs - b.atMs)];
  const found: Interval[] = [];
  if (timeline.length === 0) return [period];
  if (timeline[0]!.atMs > period.startMs) found.push({ startMs: period.startMs, endMs: timeline[0]!.atMs });
  timeline.forEach((entry, i) => {
    if (entry.state !== 'unknown') return;
    found.push({ startMs: entry.atMs, endMs: timeline[i + 1]?.atMs ?? period.endMs });
  });
  return mergeIntervals(found);
}

/**
 * The buckets of a GROUP BY time(stepMs) answer (aligned to the epoch, as InfluxDB aligns them)
 * that had no data, within the period and before `checkedUntilMs`: a collector that was not
 * running, or a target nobody polled. Rollups are written a few minutes after their bucket ends,
 * so the newest part of a range is left to the recorded states.
 */
export function gapsFromBuckets(present: Iterable<number>, stepMs: number, period: Interval, checkedUntilMs: number = period.endMs): Interval[] {
  const seen = new Set(present);
  const endMs = Math.min(period.endMs, checkedUntilMs);
  const found: Interval[] = [];
  for (let bucket = Math.floor(period.startMs / stepMs) * stepMs; bucket < endMs; bucket += stepMs) {
    if (seen.has(bucket)) continue;
    found.push({ startMs: Math.max(bucket, period.startMs), endMs: Math.min(bucket + stepMs, endMs) });
  }
  return mergeIntervals(found);
}

/** The local calendar days a period touches, each cut to the period: `[from 00:00, next 00:00)`
 * in `timeZone`, so a daily strip follows the district's days, not UTC's. */
export function localDays(period: Interval, timeZone: string): Interval[] {
  const pad = (n: number) => String(n).padStart(2, '0');
  const midnight = (dayMs: number) => {
    const day = new Date(dayMs);
    return parseLocalDateTime(`${day.getUTCFullYear()}-${pad(day.getUTCMonth() + 1)}-${pad(day.getUTCDate())}T00:00`, timeZone)!;
  };
  const first = localTime(period.startMs, timeZone);
  const days: Interval[] = [];
  for (let dayMs = Date.UTC(first.year, first.month - 1, first.day); ; dayMs += DAY_MS) {
    const startMs = midnight(dayMs);
    if (startMs >= period.endMs) break;
    const endMs = midnight(dayMs + DAY_MS);
    if (endMs > period.startMs) days.push({ startMs: Math.max(startMs, period.startMs), endMs: Math.min(endMs, period.endMs) });
  }
  return days;
}
