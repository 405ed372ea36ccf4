import { z } from 'zod';
import { readLatency, readStates, readTraffic, type SeriesRequest } from '../../store/series.ts';
import type { ApiDeps } from '../deps.ts';
import { ApiError } from '../errors.ts';
import { idParam, limitParam, resolveRange, timeParam } from '../params.ts';
import { route, type Route } from '../route.ts';

// Time series for one link, device or interface over a range: traffic, latency and state
// changes. The store chooses raw points or a rollup from the range and caps the buckets at
// maxPoints; the handlers only check the ids against the inventory and resolve the range.

const DAY_MS = 86_400_000;
/** The most buckets one series may have: a chart a few thousand pixels wide. */
export const MAX_POINTS = 2_000;
const DEFAULT_POINTS = 500;

/** ifName as agents report it (`Gi0/0/1`, `ether1`, `Port 1`, `eth0.100`); sent URL-encoded
 * (`Gi0%2F0%2F1`). No quotes or backslashes: a name never needs them, and the store quotes it anyway. */
export const INTERFACE_NAME_PATTERN = /^[A-Za-z0-9](?:[A-Za-z0-9 ._:/+@()-]{0,62}[A-Za-z0-9)])?$/;
const interfaceNameParam = z.string().regex(INTERFACE_NAME_PATTERN, 'must be an interface name (ifName) such as Gi0/0/1: 1–64 letters, digits, spaces and . _ : / + @ ( ) -');

const rangeQuery = z.strictObject({
  from: timeParam.optional(),
  to: timeParam.optional(),
  maxPoints: limitParam(MAX_POINTS, DEFAULT_POINTS),
});
type RangeQuery = z.output<typeof rangeQuery>;

const entityPath = z.strictObject({ id: idParam });
const interfacePath = z.strictObject({ id: idParam, ifName: interfaceNameParam });

const SERIES_RETURNS = 'policy (raw, rollup_5m or rollup_1h), stepMs, fromMs, toMs';

export function seriesRoutes(deps: ApiDeps): Route[] {
  const { config, influx, clock } = deps;
  const links = new Map(config.links.map((link) => [link.id, link]));
  const devices = new Map(config.devices.map((device) => [device.id, device]));

  const range = (query: RangeQuery) => {
    const nowMs = clock();
    const resolved = resolveRange(query, { nowMs, defaultMs: DAY_MS });
    if (!resolved.ok) throw new ApiError('invalid-parameter', resolved.message);
    return { nowMs, fromMs: resolved.fromMs, toMs: resolved.toMs };
  };
  const request = (query: RangeQuery, rawIntervalMs: number): SeriesRequest => ({ ...range(query), maxPoints: query.maxPoints, rawIntervalMs });
  const linkOf = (id: string) => {
    const link = links.get(id);
    if (!link) throw new ApiError('not-found', `no link "${id}" in the inventory`);
    return link;
  };
  const deviceOf = (id: string) => {
    const device = devices.get(id);
    if (!device) throw new ApiError('not-found', `no device "${id}" in the inventory`);
    return device;
  };
  const snmpIntervalOf = (deviceId: string) => devices.get(deviceId)?.snmp?.interval ?? config.collector.snmp.interval;

  return [
    route({
      id: 'getLinkTraffic',
      method: 'get',
      path: '/links/:id/traffic',
      access: 'viewer',
      tag: 'series',
      summary: 'Traffic of a link (its carrying interface) over a range: mean and peak bit/s and utilisation per step; the step adapts to the range',
      params: entityPath,
      query: rangeQuery,
      errors: ['not-found'],
      returns: `{link, device, interface, ${SERIES_RETURNS}, columns: {time, inBps, outBps, inBpsMax, outBpsMax, inUtilizationPct, outUtilizationPct, inUtilizationPctMax, outUtilizationPctMax}}; null where a step has no data`,
      handle: async ({ params, query }) => {
        const link = linkOf(params.id);
        if (link.device === undefined || link.interface === undefined) throw new ApiError('not-found', `link "${link.id}" has no device and interface in the inventory, so its traffic is not measured`);
        const answer = await readTraffic(influx, { link: link.id }, request(query, snmpIntervalOf(link.device)));
        return { link: link.id, device: link.device, interface: link.interface, ...answer };
      },
    }),
    route({
      id: 'getLinkLatency',
      method: 'get',
      path: '/links/:id/latency',
      access: 'viewer',
      tag: 'series',
      summary: 'ICMP latency of a link over a range, per target: RTT min/mean/max, jitter, loss and the share of rounds answered per step',
      params: entityPath,
      query: rangeQuery,
      errors: ['not-found'],
      returns: `{link, ${SERIES_RETURNS}, targets: [{target, columns: {time, rttMinMs, rttAvgMs, rttMaxMs, rttQ1Ms, rttMedianMs, rttQ3Ms, jitterMs, lossPct, lossPctMax, upRatio}}]}; null where a step has no data`,
      handle: async ({ params, query }) => {
        const link = linkOf(params.id);
        if (link.targets.length === 0) throw new ApiError('not-found', `link "${link.id}" has no ICMP targets in the inventory, so its latency is not measured`);
        const answer = await readLatency(influx, { link: link.id }, request(query, link.icmp?.interval ?? config.collector.icmp.interval));
        return { link: link.id, ...answer };
      },
    }),
    route({
      id: 'getLinkStates',
      method: 'get',
      path: '/links/:id/states',
      access: 'viewer',
      tag: 'series',
      summary: 'State changes of a link over a range, as the alert engine decided them, with the state in force at the start',
      params: entityPath,
      query: rangeQuery,
      errors: ['not-found'],
      returns: '{link, policy: events, fromMs, toMs, initial: StateChange | null, changes: StateChange[] (oldest first, at most maxPoints), truncated}; StateChange = {timeMs, state, previous?, cause?, sinceMs?}',
      handle: async ({ params, query }) => {
        const link = linkOf(params.id);
        const { fromMs, toMs } = range(query);
        return { link: link.id, ...(await readStates(influx, { kind: 'link', id: link.id }, { fromMs, toMs, limit: query.maxPoints })) };
      },
    }),
    route({
      id: 'getInterfaceTraffic',
      method: 'get',
      path: '/devices/:id/interfaces/:ifName/traffic',
      access: 'viewer',
      tag: 'series',
      summary: 'Traffic of one interface of a device over a range, the interface by ifName (URL-encoded: Gi0%2F0%2F1): mean and peak bit/s and utilisation per step',
      params: interfacePath,
      query: rangeQuery,
      errors: ['not-found'],
      returns: `{device, interface, ${SERIES_RETURNS}, columns: as for a link's traffic}; utilisation only where a link maps to the interface`,
      handle: async ({ params, query }) => {
        const device = deviceOf(params.id);
        if (device.snmp === undefined) throw new ApiError('not-found', `device "${device.id}" is not polled by SNMP, so it has no interface traffic`);
        const answer = await readTraffic(influx, { device: device.id, interface: params.ifName }, request(query, device.snmp.interval));
        return { device: device.id, interface: params.ifName, ...answer };
      },
    }),
    route({
      id: 'getDeviceLatency',
      method: 'get',
      path: '/devices/:id/latency',
      access: 'viewer',
      tag: 'series',
      summary: 'ICMP latency of a device’s management address over a range (devices without SNMP are pinged), as for a link',
      params: entityPath,
      query: rangeQuery,
      errors: ['not-found'],
      returns: `{device, ${SERIES_RETURNS}, targets: [{target, columns}]}: as for a link's latency; empty targets for a device polled by SNMP`,
      handle: async ({ params, query }) => {
        const device = deviceOf(params.id);
        const answer = await readLatency(influx, { device: device.id }, request(query, config.collector.icmp.interval));
        return { device: device.id, ...answer };
      },
    }),
    route({
      id: 'getDeviceStates',
      method: 'get',
      path: '/devices/:id/states',
      access: 'viewer',
      tag: 'series',
      summary: 'State changes of a device over a range, with the state in force at the start',
      params: entityPath,
      query: rangeQuery,
      errors: ['not-found'],
      returns: '{device, policy: events, fromMs, toMs, initial, changes, truncated}: as for a link',
      handle: async ({ params, query }) => {
        const device = deviceOf(params.id);
        const { fromMs, toMs } = range(query);
        return { device: device.id, ...(await readStates(influx, { kind: 'device', id: device.id }, { fromMs, toMs, limit: query.maxPoints })) };
      },
    }),
  ];
}
