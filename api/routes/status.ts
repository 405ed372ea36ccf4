import { z } from 'zod';
import type { ApiDeps } from '../deps.ts';
import type { LiveStatus } from '../live.ts';
import type { ApiMetrics } from '../metrics.ts';
import { route, type Route } from '../route.ts';

/** Whether If-None-Match names this representation: a list, `*`, or weak forms (the weak
 * comparison RFC 9110 asks of If-None-Match). */
export function matchesEtag(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  if (header.trim() === '*') return true;
  return header.split(',').some((candidate) => candidate.trim().replace(/^W\//, '') === etag);
}

export function statusRoutes(deps: ApiDeps & { live: LiveStatus; metrics: ApiMetrics }): Route[] {
  const { live, influx, metrics } = deps;
  return [
    route({
      id: 'health',
      method: 'get',
      path: '/healthz',
      absolute: true,
      access: 'public',
      tag: 'operations',
      summary: 'Whether the API runs and can reach InfluxDB',
      query: z.strictObject({}),
      returns: '{ok, store: {ok, url}, status: {refreshedMs, ok, message?}}',
      handle: async ({ response }) => {
        const storeOk = await influx.ping({ timeoutMs: 2_000 });
        const refresh = live.lastRefresh();
        if (!storeOk) response.status(503);
        return { ok: storeOk, store: { ok: storeOk, url: influx.url }, status: refresh ?? { ok: false, message: 'not refreshed yet' } };
      },
    }),
    route({
      id: 'getStatus',
      method: 'get',
      path: '/status',
      access: 'viewer',
      tag: 'status',
      summary: 'The state of every site, device and link, with current traffic, RTT and loss',
      query: z.strictObject({}),
      produces: 'stream',
      returns: 'StatusReport (generatedMs, counts, sites, devices, links); items are stale when their data is older than two intervals',
      handle: ({ request, response }) => {
        const snapshot = live.snapshot();
        // A browser asks for gzip: 1,000 links are some 40 kB instead of 300.
        const gzipped = request.acceptsEncodings('gzip', 'identity') === 'gzip';
        const etag = gzipped ? `${snapshot.etag.slice(0, -1)}-gz"` : snapshot.etag;
        response.set({ ETag: etag, 'Cache-Control': 'no-cache', Vary: 'Accept-Encoding' });
        if (matchesEtag(request.headers['if-none-match'], etag)) {
          response.status(304).end();
          return;
        }
        const body = gzipped ? snapshot.gzip : snapshot.body;
        response.set({ 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': String(body.length), ...(gzipped ? { 'Content-Encoding': 'gzip' } : {}) });
        response.end(body);
      },
    }),
    route({
      id: 'metrics',
      method: 'get',
      path: '/metrics',
      absolute: true,
      access: 'viewer',
      tag: 'operations',
      summary: 'Prometheus text format: requests, status freshness, live streams, entities by state, process figures (scrape with a viewer token, or anonymously when api.anonymousRead)',
      query: z.strictObject({}),
      produces: 'text',
      mediaType: 'text/plain',
      returns: 'Prometheus exposition format 0.0.4',
      handle: async ({ response }) => {
        response.type(metrics.registry.contentType).send(await metrics.registry.metrics());
      },
    }),
  ];
}
