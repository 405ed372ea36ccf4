import type { AlertRecord } from '../../store/control-rows.ts';
import type { Severity } from '../../config/alerts.ts';
import { severityLabels, type AlertPhase } from './i18n.ts';

/** Worst first. From the label table (typed by the config's severities), not from config/: the
 * config module brings zod and Node's modules into the page. */
export const severities = Object.keys(severityLabels) as Severity[];

// The alerts table's rows, from the API's alert records: phase, the problems-first order, the
// filters, and root causes with their consequences folded beneath them. The engine names a root
// cause's consequences as the sites in its `affected` list (their own failures raise no alerts
// while it explains them); alerts at those sites during the root cause fold under it too.

export const alertPhase = (alert: Pick<AlertRecord, 'open' | 'acked'>): AlertPhase => (!alert.open ? 'resolved' : alert.acked ? 'acknowledged' : 'open');

/** Kind and severity are the engine's strings: one from a newer engine is shown as it is. */
export const knownSeverity = (severity: string): Severity | undefined => (severities as readonly string[]).includes(severity) ? (severity as Severity) : undefined;
const severityRank = (severity: string) => {
  const index = (severities as readonly string[]).indexOf(severity);
  return index === -1 ? severities.length : index;
};
const phaseRank: Record<AlertPhase, number> = { open: 0, acknowledged: 1, resolved: 2 };

/** Open before acknowledged before resolved, then the worst severity, then the newest. */
export function problemsFirst(alerts: readonly AlertRecord[]): AlertRecord[] {
  return [...alerts].sort((a, b) => phaseRank[alertPhase(a)] - phaseRank[alertPhase(b)] || severityRank(a.severity) - severityRank(b.severity) || b.startedMs - a.startedMs || a.alertId.localeCompare(b.alertId));
}

export interface AlertFilter {
  unacknowledgedOnly?: boolean;
  severity?: Severity;
}

export const matchesFilter = (alert: AlertRecord, filter: AlertFilter): boolean =>
  (!filter.unacknowledgedOnly || (alert.open && !alert.acked)) && (filter.severity === undefined || alert.severity === filter.severity);

export interface AlertRow {
  alert: AlertRecord;
  /** The sites this alert's cause cut off (root-cause and dark-site alerts). */
  affectedSites: string[];
  /** Alerts at those sites while this one lasted, shown folded beneath it. */
  consequences: AlertRecord[];
}

const overlaps = (a: AlertRecord, b: AlertRecord, nowMs: number) => a.startedMs <= (b.endedMs ?? nowMs) && b.startedMs <= (a.endedMs ?? nowMs);

/** Rows in the problems-first order; an alert folded under a root cause is not a row of its own
 * (the first root cause that claims it keeps it). */
export function alertRows(alerts: readonly AlertRecord[], options: { filter?: AlertFilter; nowMs: number }): AlertRow[] {
  const ordered = problemsFirst(alerts.filter((alert) => matchesFilter(alert, options.filter ?? {})));
  const folded = new Set<string>();
  const rows: AlertRow[] = [];
  const roots = ordered.filter((alert) => (alert.affected?.length ?? 0) > 0);
  const claimed = new Map<string, AlertRecord[]>();
  for (const root of roots) {
    const affected = new Set((root.affected ?? []).filter((site) => site !== root.site));
    const consequences = ordered.filter((alert) => alert !== root && !folded.has(alert.alertId) && !roots.includes(alert) && alert.site !== undefined && affected.has(alert.site) && overlaps(root, alert, options.nowMs));
    for (const alert of consequences) folded.add(alert.alertId);
    claimed.set(root.alertId, consequences);
  }
  for (const alert of ordered) {
    if (folded.has(alert.alertId)) continue;
    rows.push({ alert, affectedSites: (alert.affected ?? []).filter((site) => site !== alert.site), consequences: claimed.get(alert.alertId) ?? [] });
  }
  return rows;
}
