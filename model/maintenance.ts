import { weekdays, type EntitySelector, type MaintenanceWindowSettings, type Weekday } from '../config/alerts.ts';
import { localTime, minutesOfClock, parseLocalDateTime } from '../config/time.ts';

// A maintenance window as every side sees it: the engine evaluates it
// (collector/alerts/maintenance.ts), the store keeps it (store/control.ts), the CLI and the API
// show and change it.

/** `days` absent: every day. `from`/`to` are `HH:MM` in the alerts time zone; `to` ≤ `from`
 * means the range runs past midnight and belongs to the day it started. */
export interface RecurringSchedule {
  days?: readonly Weekday[];
  from: string;
  to: string;
}

export interface MaintenanceWindow {
  id: string;
  /** `config`: alerts.maintenance in the config file; `store`: added at run time (CLI, API). */
  source: 'config' | 'store';
  match: EntitySelector;
  /** One-off: [startMs, endMs). Absent for recurring windows. */
  startMs?: number;
  endMs?: number;
  every?: RecurringSchedule;
  comment?: string;
  /** Who added it (stored windows). */
  by?: string;
  /** Ended early (or cancelled before it began): nothing is covered from this instant on. */
  endedMs?: number;
  /** When it was added (stored windows). */
  createdMs?: number;
}

/**
 * The config's windows in the shared shape. Start and end are read in `timeZone` unless they
 * carry an offset; the loader has already rejected unreadable ones, so an unreadable one here
 * is left without a start and is never active.
 */
export function fromSettings(windows: readonly MaintenanceWindowSettings[], timeZone: string): MaintenanceWindow[] {
  return windows.map((window) => {
    const startMs = window.start === undefined ? undefined : parseLocalDateTime(window.start, timeZone);
    const endMs = window.end === undefined ? undefined : parseLocalDateTime(window.end, timeZone);
    return {
      id: window.id,
      source: 'config' as const,
      match: window.match,
      ...(startMs !== undefined ? { startMs } : {}),
      ...(endMs !== undefined ? { endMs } : {}),
      ...(window.every ? { every: window.every } : {}),
      ...(window.comment !== undefined ? { comment: window.comment } : {}),
    };
  });
}

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
