import { weekdays, type EntitySelector, type MaintenanceWindowSettings, type Weekday } from '../../config/alerts.ts';
import { localTime, minutesOfClock, parseLocalDateTime } from '../../config/time.ts';
import type { MaintenanceWindow, RecurringSchedule } from '../../model/maintenance.ts';
import { selects, type Subject } from './settings.ts';

export { fromSettings, type MaintenanceWindow, type RecurringSchedule } from '../../model/maintenance.ts';

// Maintenance windows as the alert engine, the CLI and (later) the API evaluate them. Pure: the
// config's windows and the stored ones (store/control.ts) both become
// `MaintenanceWindow`, and every question about them is answered here from an instant and a zone.



/** What a window may cover: a site, or a link or device of `site`; `groups` are the site's. */
export type CoverageSubject = Subject;

export type Boundary = { kind: 'start' | 'end'; atMs: number };

const MINUTES_PER_DAY = 1440;
const DAY_MS = 86_400_000;


const previousWeekday = (day: Weekday): Weekday => weekdays[(weekdays.indexOf(day) + 6) % 7]!;
const onDay = (every: RecurringSchedule, day: Weekday) => every.days === undefined || every.days.length === 0 || every.days.includes(day);

/** Minutes the daily range lasts: `to` ≤ `from` runs into the next day; equal means 24 hours. */
const rangeMinutes = (every: RecurringSchedule) => {
  const span = (minutesOfClock(every.to) - minutesOfClock(every.from) + MINUTES_PER_DAY) % MINUTES_PER_DAY;
  return span === 0 ? MINUTES_PER_DAY : span;
};

/** Whether the window is in force at `atMs`. */
export function isActive(window: MaintenanceWindow, atMs: number, timeZone: string): boolean {
  if (window.endedMs !== undefined && atMs >= window.endedMs) return false;
  const every = window.every;
  if (!every) return window.startMs !== undefined && window.endMs !== undefined && atMs >= window.startMs && atMs < window.endMs;
  const local = localTime(atMs, timeZone);
  const from = minutesOfClock(every.from);
  const span = rangeMinutes(every);
  // A range is anchored at its start: 01:00 on Sunday is inside Saturday's 22:00–02:00.
  if (local.minuteOfDay >= from && local.minuteOfDay < from + span) return onDay(every, local.weekday);
  return local.minuteOfDay < from + span - MINUTES_PER_DAY && onDay(every, previousWeekday(local.weekday));
}

/** Whether the window's selector takes in the subject. Sites and groups take in the site and
 * everything at it; links and devices only themselves; an empty selector takes in everything. */
export function covers(window: MaintenanceWindow, subject: CoverageSubject): boolean {
  return selects(window.match, subject);
}

/** The first window that is active at `atMs` and covers the subject. */
export function activeFor(windows: readonly MaintenanceWindow[], subject: CoverageSubject, atMs: number, timeZone: string): MaintenanceWindow | undefined {
  return windows.find((window) => covers(window, subject) && isActive(window, atMs, timeZone));
}

/** Local `YYYY-MM-DDTHH:MM` for a calendar day (UTC fields of `dayMs`) at a minute of the day. */
function wallTime(dayMs: number, minuteOfDay: number): string {
  const day = new Date(dayMs);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${day.getUTCFullYear()}-${pad(day.getUTCMonth() + 1)}-${pad(day.getUTCDate())}T${pad(Math.floor(minuteOfDay / 60))}:${pad(minuteOfDay % 60)}`;
}

/** Occurrences [start, end) of a recurring window whose start day lies within `daysBack` before
 * and `daysAhead` after the local day of `atMs`, in time order. */
function occurrences(every: RecurringSchedule, atMs: number, timeZone: string, daysBack: number, daysAhead: number): { start: number; end: number }[] {
  const local = localTime(atMs, timeZone);
  const today = Date.UTC(local.year, local.month - 1, local.day);
  const from = minutesOfClock(every.from);
  const span = rangeMinutes(every);
  const found: { start: number; end: number }[] = [];
  for (let offset = -daysBack; offset <= daysAhead; offset++) {
    const dayMs = today + offset * DAY_MS;
    const weekday = weekdays[(new Date(dayMs).getUTCDay() + 6) % 7]!;
    if (!onDay(every, weekday)) continue;
    const start = parseLocalDateTime(wallTime(dayMs, from), timeZone);
    // The end as a wall time too, so a range across a DST change still ends at its clock time.
    const endDay = dayMs + Math.floor((from + span) / MINUTES_PER_DAY) * DAY_MS;
    const end = parseLocalDateTime(wallTime(endDay, (from + span) % MINUTES_PER_DAY), timeZone);
    if (start !== undefined && end !== undefined && end > start) found.push({ start, end });
  }
  return found;
}

/**
 * When the window next starts (while inactive) or ends (while active) after `atMs`; undefined
 * when it never changes again (over, ended, or a recurring window that never stops).
 * Back-to-back occurrences count as one stretch.
 */
export function nextBoundary(window: MaintenanceWindow, atMs: number, timeZone: string): Boundary | undefined {
  const ended = window.endedMs;
  if (ended !== undefined && atMs >= ended) return undefined;
  const clamp = (boundary: Boundary | undefined): Boundary | undefined => {
    if (ended === undefined || boundary === undefined || boundary.atMs < ended) return boundary;
    // Ended early: the end comes at `endedMs`, and nothing starts after it.
    return boundary.kind === 'end' ? { kind: 'end', atMs: ended } : undefined;
  };
  if (!window.every) {
    if (window.startMs === undefined || window.endMs === undefined || atMs >= window.endMs) return undefined;
    return clamp(atMs < window.startMs ? { kind: 'start', atMs: window.startMs } : { kind: 'end', atMs: window.endMs });
  }
  // Two weeks ahead is enough to see the next start of any weekly schedule and to join up to a
  // week of back-to-back daily ranges.
  const list = occurrences(window.every, atMs, timeZone, 1, 14);
  const current = list.findIndex((occurrence) => atMs >= occurrence.start && atMs < occurrence.end);
  if (current < 0) {
    const next = list.find((occurrence) => occurrence.start > atMs);
    return clamp(next && { kind: 'start', atMs: next.start });
  }
  let end = list[current]!.end;
  for (const occurrence of list.slice(current + 1)) {
    if (occurrence.start > end) return clamp({ kind: 'end', atMs: end });
    end = Math.max(end, occurrence.end);
  }
  // Never stops within the fortnight looked at: only an early end ends it.
  return ended === undefined ? undefined : { kind: 'end', atMs: ended };
}
