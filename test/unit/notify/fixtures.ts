import { alertsSchema, type AlertSettings } from '../../../config/alerts.ts';
import { alertKinds, type AlertKind, type Notification, type NotificationEvent, type SiteInfo, type LinkInfo } from '../../../model/alerts.ts';

// Sample notifications for the notify tests: a commune on a TSLCD line from VNPT.

export const site: SiteInfo = {
  id: 'nam-xe',
  name: 'UBND xã Nậm Xé',
  kind: 'commune',
  groups: ['cum-bac', 'xa'],
  contact: { name: 'Anh Sùng A Páo', phone: '0912 345 678' },
};

export const link: LinkInfo = {
  id: 'nam-xe-tslcd',
  name: 'TSLCD Nậm Xé',
  kind: 'tslcd',
  provider: 'VNPT Lào Cai',
  circuit: 'LCI-TSL-00421',
  supportPhone: '1800 1166',
};

/** 14:05 27/11/2026 in Asia/Ho_Chi_Minh (UTC+7). */
export const STARTED_MS = Date.UTC(2026, 10, 27, 7, 5);

export function sample(kind: AlertKind, event: NotificationEvent, overrides: Partial<Notification> = {}): Notification {
  const alertId = `${kind}:${link.id}`;
  const base: Notification = {
    id: `${alertId}:${event}`,
    alertId,
    event,
    kind,
    severity: kind === 'link-down' || kind === 'site-dark' || kind === 'upstream-down' || kind === 'device-down' ? 'critical' : 'warning',
    atMs: STARTED_MS + 65 * 60_000 + 40_000,
    startedMs: STARTED_MS,
    ...(event === 'resolved' || event === 'brief' ? { endedMs: STARTED_MS + 65 * 60_000 + 40_000 } : {}),
    site,
    link,
  };
  if (kind === 'upstream-down') Object.assign(base, { affectedSites: [{ id: 'ban-phung', name: 'UBND xã Bản Phùng' }, { id: 'ta-van', name: 'UBND xã Tả Van' }] });
  if (kind === 'loss') Object.assign(base, { measured: { value: 35.5, threshold: 20, unit: '%' } });
  if (kind === 'rtt') Object.assign(base, { measured: { value: 812, threshold: 300, unit: 'ms' } });
  if (kind === 'utilisation') Object.assign(base, { measured: { value: 97.2, threshold: 90, unit: '%' } });
  if (kind === 'interface-errors') Object.assign(base, { measured: { value: 4.25, threshold: 1, unit: '/s' }, interface: 'ge-0/0/1' });
  if (kind === 'interface-down') Object.assign(base, { interface: 'ge-0/0/1' });
  if (kind === 'device-down' || kind === 'agent-silent' || kind === 'reboot') Object.assign(base, { device: { id: 'nam-xe-rtr', name: 'Router Nậm Xé', role: 'router', address: '10.20.30.1' } });
  if (kind === 'flapping' && event === 'resolved') Object.assign(base, { settledState: 'up' });
  return { ...base, ...overrides };
}

export const everyKind = alertKinds;

/** Alert settings as the config loader would give them. */
export const alertSettings = (raw: Record<string, unknown>): AlertSettings => alertsSchema.parse(raw) as AlertSettings;
