import type { EntitySelector, MaintenanceWindowSettings, Weekday } from '../config/alerts.ts';
import { parseLocalDateTime } from '../config/time.ts';

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
