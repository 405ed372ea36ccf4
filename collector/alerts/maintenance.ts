import type { MaintenanceWindow } from '../../model/maintenance.ts';
import { isActive } from '../../model/maintenance.ts';
import { selects, type Subject } from './settings.ts';

export { fromSettings, isActive, nextBoundary, type Boundary, type MaintenanceWindow, type RecurringSchedule } from '../../model/maintenance.ts';

// Maintenance windows as the alert engine sees them: which window covers which subject. When a
// window is in force is the shared vocabulary's (model/maintenance.ts), so the CLI and the API
// answer it the same way.

/** What a window may cover: a site, or a link or device of `site`; `groups` are the site's. */
export type CoverageSubject = Subject;

/** Whether the window's selector takes in the subject. Sites and groups take in the site and
 * everything at it; links and devices only themselves; an empty selector takes in everything. */
export function covers(window: MaintenanceWindow, subject: CoverageSubject): boolean {
  return selects(window.match, subject);
}

/** The first window that is active at `atMs` and covers the subject. */
export function activeFor(windows: readonly MaintenanceWindow[], subject: CoverageSubject, atMs: number, timeZone: string): MaintenanceWindow | undefined {
  return windows.find((window) => covers(window, subject) && isActive(window, atMs, timeZone));
}

