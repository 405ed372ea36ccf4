import { z } from 'zod';
import { latestRecordedFacts, recordedFactChanges, type RecordedFactChange, type RecordedFacts } from '../../store/facts-history.ts';
import type { ApiDeps } from '../deps.ts';
import { ApiError } from '../errors.ts';
import { deviceView, linkView, siteView } from '../inventory.ts';
import { idParam, limitParam, resolveRange, timeParam } from '../params.ts';
import { route, type Route } from '../route.ts';

/** Facts change every few hours: read them at most once a minute, whatever the traffic. */
const FACTS_TTL_MS = 60_000;

const byId = z.strictObject({ id: idParam });
const DAY_MS = 86_400_000;

/** One change the collector saw in a device's facts: the store's decoding, served as is. */
export type FactChangeView = RecordedFactChange;

const factChangesQuery = z.strictObject({ device: idParam.optional(), from: timeParam.optional(), to: timeParam.optional(), limit: limitParam(5_000, 1_000) });

export function inventoryRoutes(deps: ApiDeps): Route[] {
  const { config, influx, clock } = deps;
  let cached: { atMs: number; facts: Map<string, RecordedFacts> } | undefined;
  // The inventory is the config's: a store that cannot be read costs the facts, not the answer.
  const facts = async (): Promise<Map<string, RecordedFacts>> => {
    if (cached && clock() - cached.atMs <= FACTS_TTL_MS) return cached.facts;
    try {
      cached = { atMs: clock(), facts: await latestRecordedFacts(influx) };
    } catch (error) {
      deps.logger.warn({ err: error }, `inventory: device facts not read: ${(error as Error).message}`);
      return cached?.facts ?? new Map();
    }
    return cached.facts;
  };
  const find = <T extends { id: string }>(list: readonly T[], kind: string, id: string): T => {
    const found = list.find((item) => item.id === id);
    if (!found) throw new ApiError('not-found', `no ${kind} "${id}" in the inventory`);
    return found;
  };

  return [
    route({
      id: 'listFactChanges',
      method: 'get',
      path: '/fact-changes',
      access: 'viewer',
      tag: 'inventory',
      summary: 'Changes SNMP saw in the devices (replaced, firmware changed, interface added or removed), newest first, over a range (default the last 365 days)',
      query: factChangesQuery,
      errors: ['not-found'],
      returns: '{changes: FactChange[], truncated: boolean}',
      handle: async ({ query }) => {
        if (query.device !== undefined) find(config.devices, 'device', query.device);
        const range = resolveRange(query, { nowMs: clock(), defaultMs: 365 * DAY_MS });
        if (!range.ok) throw new ApiError('invalid-parameter', range.message);
        // One more than asked, to tell a full answer from a cut one; `to` is inclusive here.
        const changes = await recordedFactChanges(influx, { fromMs: range.fromMs, toMs: range.toMs + 1, ...(query.device !== undefined ? { device: query.device } : {}), order: 'newest', limit: query.limit + 1 });
        return { changes: changes.slice(0, query.limit), truncated: changes.length > query.limit };
      },
    }),
    route({ id: 'listSites', method: 'get', path: '/sites', access: 'viewer', tag: 'inventory', summary: 'Every site', query: z.strictObject({}), returns: '{sites: Site[]}', handle: () => ({ sites: config.sites.map((site) => siteView(config, site)) }) }),
    route({
      id: 'getSite',
      method: 'get',
      path: '/sites/:id',
      access: 'viewer',
      tag: 'inventory',
      summary: 'One site',
      params: byId,
      query: z.strictObject({}),
      errors: ['not-found'],
      returns: 'Site',
      handle: ({ params }) => siteView(config, find(config.sites, 'site', params.id)),
    }),
    route({
      id: 'listDevices',
      method: 'get',
      path: '/devices',
      access: 'viewer',
      tag: 'inventory',
      summary: 'Every device, with the facts SNMP discovered and when',
      query: z.strictObject({}),
      returns: '{devices: Device[]}',
      handle: async () => {
        const known = await facts();
        return { devices: config.devices.map((device) => deviceView(config, device, known)) };
      },
    }),
    route({
      id: 'getDevice',
      method: 'get',
      path: '/devices/:id',
      access: 'viewer',
      tag: 'inventory',
      summary: 'One device',
      params: byId,
      query: z.strictObject({}),
      errors: ['not-found'],
      returns: 'Device',
      handle: async ({ params }) => deviceView(config, find(config.devices, 'device', params.id), await facts()),
    }),
    route({
      id: 'listLinks',
      method: 'get',
      path: '/links',
      access: 'viewer',
      tag: 'inventory',
      summary: 'Every link',
      query: z.strictObject({}),
      returns: '{links: Link[]}',
      handle: async () => {
        const known = await facts();
        return { links: config.links.map((link) => linkView(config, link, known)) };
      },
    }),
    route({
      id: 'getLink',
      method: 'get',
      path: '/links/:id',
      access: 'viewer',
      tag: 'inventory',
      summary: 'One link',
      params: byId,
      query: z.strictObject({}),
      errors: ['not-found'],
      returns: 'Link',
      handle: async ({ params }) => linkView(config, find(config.links, 'link', params.id), await facts()),
    }),
  ];
}
