import { z } from 'zod';
import { severities } from '../../config/alerts.ts';
import { alertKinds } from '../../model/alerts.ts';
import { isActive, nextBoundary, fromSettings, type MaintenanceWindow } from '../../model/maintenance.ts';
import { windowFromRequest } from '../../model/maintenance-request.ts';
import { ALERT_ID_PATTERN, type AlertRecord } from '../../store/control.ts';
import type { ApiDeps } from '../deps.ts';
import { ApiError } from '../errors.ts';
import { idParam, limitParam, resolveRange, timeParam } from '../params.ts';
import { route, type Route } from '../route.ts';

// Alerts and maintenance windows: what operators read and act on. Every write goes through the
// control store into InfluxDB's events policy, where the alert engine reads it back on its
// next round — so an acknowledgement made here stops repeats from a collector in another
// process (or on another machine) without any channel between the two.

const alertIdParam = z.strictObject({ id: z.string().regex(ALERT_ID_PATTERN, 'must be an alert id as listed by GET /alerts') });
const windowIdParam = z.strictObject({ id: idParam });
const booleanParam = z.enum(['true', 'false']).transform((value) => value === 'true');

/** How many alerts one history request reads before filtering: filters are applied in
 * memory, so the store is asked for a bounded set and the answer says when it was cut. */
const HISTORY_READ_LIMIT = 5_000;
const DAY_MS = 86_400_000;

const alertsQuery = z.strictObject({
  state: z.enum(['open', 'all']).default('open'),
  from: timeParam.optional(),
  to: timeParam.optional(),
  severity: z.enum(severities).optional(),
  kind: z.enum(alertKinds).optional(),
  site: idParam.optional(),
  entity: idParam.optional(),
  acked: booleanParam.optional(),
  limit: limitParam(1_000, 200),
});

const textList = z.array(z.string().max(200)).max(500);
const maintenanceBody = z.strictObject({
  sites: textList.optional(),
  groups: textList.optional(),
  links: textList.optional(),
  devices: textList.optional(),
  start: z.string().max(40).optional(),
  end: z.string().max(40).optional(),
  for: z.string().max(40).optional(),
  every: z.string().max(80).optional(),
  from: z.string().max(5).optional(),
  to: z.string().max(5).optional(),
  comment: z.string().max(500).optional(),
  id: z.string().max(64).optional(),
});

export function alertRoutes(deps: ApiDeps): Route[] {
  const { config, control, clock } = deps;
  const timeZone = config.alerts.timezone;
  const siteIds = new Set(config.sites.map((site) => site.id));
  const entityIds = new Set([...config.sites, ...config.devices, ...config.links].map((entity) => entity.id));
  const configWindows = () => fromSettings(config.alerts.maintenance, timeZone);

  const windowView = (window: MaintenanceWindow, nowMs: number) => {
    const next = nextBoundary(window, nowMs, timeZone);
    return { ...window, active: isActive(window, nowMs, timeZone), ...(next ? { next } : {}) };
  };
  const isOver = (window: MaintenanceWindow, nowMs: number) => !isActive(window, nowMs, timeZone) && nextBoundary(window, nowMs, timeZone) === undefined;

  return [
    route({
      id: 'listAlerts',
      method: 'get',
      path: '/alerts',
      access: 'viewer',
      tag: 'alerts',
      summary: 'Open alerts (state=open, the default) or every alert with an event in a range (state=all), filtered',
      query: alertsQuery,
      returns: '{alerts: Alert[], truncated, from?, to?}: newest event first',
      handle: async ({ query }) => {
        if (query.site !== undefined && !siteIds.has(query.site)) throw new ApiError('not-found', `query.site: no site "${query.site}" in the inventory`);
        if (query.entity !== undefined && !entityIds.has(query.entity)) throw new ApiError('not-found', `query.entity: no site, device or link "${query.entity}" in the inventory`);
        const keep = (alert: AlertRecord) =>
          (query.severity === undefined || alert.severity === query.severity) &&
          (query.kind === undefined || alert.kind === query.kind) &&
          (query.site === undefined || alert.site === query.site || (alert.affected?.includes(query.site) ?? false)) &&
          (query.entity === undefined || alert.entity === query.entity) &&
          (query.acked === undefined || alert.acked === query.acked);
        if (query.state === 'open') {
          if (query.from !== undefined || query.to !== undefined) throw new ApiError('invalid-parameter', 'query.from: a range goes with state=all; open alerts are those open now');
          const open = (await control.openAlerts()).filter(keep);
          return { alerts: open.slice(0, query.limit), truncated: open.length > query.limit };
        }
        const range = resolveRange(query, { nowMs: clock(), defaultMs: DAY_MS, maxMs: 400 * DAY_MS });
        if (!range.ok) throw new ApiError('invalid-parameter', range.message);
        const history = await control.alertHistory({ fromMs: range.fromMs, toMs: range.toMs, limit: HISTORY_READ_LIMIT });
        const kept = history.alerts.filter(keep);
        return { alerts: kept.slice(0, query.limit), truncated: history.truncated || kept.length > query.limit, from: range.fromMs, to: range.toMs };
      },
    }),
    route({
      id: 'getAlert',
      method: 'get',
      path: '/alerts/:id',
      access: 'viewer',
      tag: 'alerts',
      summary: 'One alert by id',
      params: alertIdParam,
      query: z.strictObject({}),
      errors: ['not-found'],
      returns: 'Alert',
      handle: async ({ params }) => {
        const alert = await control.alert(params.id);
        if (!alert) throw new ApiError('not-found', `no alert "${params.id}"`);
        return alert;
      },
    }),
    route({
      id: 'acknowledgeAlert',
      method: 'post',
      path: '/alerts/:id/ack',
      access: 'operator',
      tag: 'alerts',
      summary: 'Acknowledge an alert: its repeats and escalations stop; the engine reads it from the store on its next round',
      params: alertIdParam,
      body: z.strictObject({ comment: z.string().trim().max(500).optional() }).default({}),
      errors: ['not-found', 'conflict'],
      returns: '{acknowledgement, alert}',
      handle: async ({ params, body, principal }) => {
        const result = await control.acknowledge({ alertId: params.id, by: principal!.name, ...(body.comment ? { comment: body.comment } : {}), atMs: clock() });
        if (!result.ok) throw new ApiError(result.reason === 'unknown-alert' ? 'not-found' : 'conflict', result.message);
        return { acknowledgement: result.acknowledgement, alert: result.alert };
      },
      audit: ({ params, body }) => ({ target: `alert:${params.id}`, ...(body.comment ? { detail: body.comment.slice(0, 200) } : {}) }),
    }),
    route({
      id: 'listMaintenance',
      method: 'get',
      path: '/maintenance',
      access: 'viewer',
      tag: 'maintenance',
      summary: 'Maintenance windows from the config file and stored ones, with whether each is in force; all=true includes stored windows that are over',
      query: z.strictObject({ all: booleanParam.default(false) }),
      returns: '{windows: MaintenanceWindow[] (with active and next), timeZone}',
      handle: async ({ query }) => {
        const nowMs = clock();
        const stored = (await control.maintenanceWindows()).filter((window) => query.all || !isOver(window, nowMs));
        return { windows: [...configWindows(), ...stored].map((window) => windowView(window, nowMs)), timeZone };
      },
    }),
    route({
      id: 'createMaintenance',
      method: 'post',
      path: '/maintenance',
      access: 'operator',
      tag: 'maintenance',
      summary: 'Add a maintenance window: one-off (start and end, or for) or recurring (every, from, to), over sites, groups, links or devices; times in alerts.timezone unless they carry an offset',
      body: maintenanceBody,
      errors: ['conflict'],
      returns: 'MaintenanceWindow (201)',
      handle: async ({ body, principal, response }) => {
        const nowMs = clock();
        const requested = windowFromRequest({ ...body, by: principal!.name }, config, nowMs, (field) => `body.${field}`);
        if (!requested.ok) throw new ApiError('invalid-parameter', requested.message);
        const result = await control.addMaintenance(requested.window);
        if (!result.ok) throw new ApiError(result.reason === 'duplicate-id' ? 'conflict' : 'invalid-parameter', result.message);
        response.status(201);
        return windowView(result.window, nowMs);
      },
      audit: (_input, result) => ({ target: `maintenance:${(result as MaintenanceWindow).id}`, ...((result as MaintenanceWindow).comment ? { detail: (result as MaintenanceWindow).comment!.slice(0, 200) } : {}) }),
    }),
    route({
      id: 'endMaintenance',
      method: 'post',
      path: '/maintenance/:id/end',
      access: 'operator',
      tag: 'maintenance',
      summary: 'End a stored window now (or cancel it, when it has not begun); windows in the config file are changed there',
      params: windowIdParam,
      errors: ['not-found', 'conflict'],
      returns: 'MaintenanceWindow',
      handle: async ({ params }) => {
        if (config.alerts.maintenance.some((window) => window.id === params.id)) {
          throw new ApiError('conflict', `"${params.id}" is defined in the config file (alerts.maintenance): change or remove it there`);
        }
        const nowMs = clock();
        const result = await control.endMaintenance(params.id, nowMs);
        if (!result.ok) throw new ApiError(result.reason === 'unknown-window' ? 'not-found' : 'conflict', result.message);
        return windowView(result.window, nowMs);
      },
      audit: ({ params }) => ({ target: `maintenance:${params.id}` }),
    }),
  ];
}
