import type { Acknowledgement, AlertRecord } from '../../store/control-rows.ts';
import type { MaintenanceWindow } from '../../model/maintenance.ts';
import type { Severity } from '../../config/alerts.ts';
import { getJson, requestJson } from './client.ts';

// Alerts and maintenance windows: reads for everyone who may read, writes (acknowledge, add and
// end a window) with the session's CSRF token; the API decides who may write.

export interface AlertsQuery {
  state: 'open' | 'all';
  /** History only: relative ("-7d") or epoch ms. */
  from?: string;
  severity?: Severity;
}

export interface AlertsAnswer {
  alerts: AlertRecord[];
  truncated: boolean;
}

export function fetchAlerts(query: AlertsQuery) {
  const params = new URLSearchParams({ state: query.state, limit: '1000' });
  if (query.state === 'all' && query.from !== undefined) params.set('from', query.from);
  if (query.severity !== undefined) params.set('severity', query.severity);
  return getJson<AlertsAnswer>(`/api/v1/alerts?${params}`);
}

export const acknowledgeAlert = (alertId: string, comment: string, csrfToken: string | undefined) =>
  requestJson<{ acknowledgement: Acknowledgement; alert: AlertRecord }>(`/api/v1/alerts/${encodeURIComponent(alertId)}/ack`, { method: 'POST', body: comment === '' ? {} : { comment }, ...(csrfToken !== undefined ? { csrfToken } : {}) });

export type WindowView = MaintenanceWindow & { active: boolean };

export const fetchMaintenance = () => getJson<{ windows: WindowView[]; timeZone: string }>('/api/v1/maintenance');

export interface NewWindow {
  sites?: string[];
  links?: string[];
  /** A duration such as "2h", from now. */
  for: string;
  comment?: string;
}

export const addMaintenance = (window: NewWindow, csrfToken: string | undefined) =>
  requestJson<WindowView>('/api/v1/maintenance', { method: 'POST', body: window, ...(csrfToken !== undefined ? { csrfToken } : {}) });

export const endMaintenance = (id: string, csrfToken: string | undefined) =>
  requestJson<WindowView>(`/api/v1/maintenance/${encodeURIComponent(id)}/end`, { method: 'POST', ...(csrfToken !== undefined ? { csrfToken } : {}) });
