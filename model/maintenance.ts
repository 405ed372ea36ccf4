import type { EntitySelector, Weekday } from '../config/alerts.ts';

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
