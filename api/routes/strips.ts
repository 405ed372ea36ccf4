import { z } from 'zod';
import { buildStrips, stripWindow, type StripsAnswer } from '../../model/strips.ts';
import { readStripChanges } from '../../store/strips.ts';
import type { ApiDeps } from '../deps.ts';
import type { LiveStatus } from '../live.ts';
import { route, type Route } from '../route.ts';

// The overview's 24-hour strips for every link and site, from one query over the engine's state
// changes. The answer is kept for a short while per (hours, buckets): a hundred browsers polling
// the overview cost InfluxDB one query per CACHE_MS, not one each.

/** Short against a 30-minute bucket, so a new outage shows within one status refresh or two. */
export const STRIPS_CACHE_MS = 15_000;
export const MAX_STRIP_HOURS = 168;
export const MAX_STRIP_BUCKETS = 336;
/** Below this a bucket says less than the state rows it is built from. */
const MIN_BUCKET_MS = 60_000;

const countParam = (max: number, fallback: number) =>
  z
    .string()
    .regex(/^\d{1,4}$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().int().min(1).max(max))
    .default(fallback);

const stripsQuery = z
  .strictObject({ hours: countParam(MAX_STRIP_HOURS, 24), buckets: countParam(MAX_STRIP_BUCKETS, 48) })
  .refine((query) => (query.hours * 3_600_000) / query.buckets >= MIN_BUCKET_MS, { message: `buckets: a bucket must span at least ${MIN_BUCKET_MS / 60_000} minute`, path: ['buckets'] });

export function stripRoutes(deps: ApiDeps & { live: LiveStatus }): Route[] {
  const { influx, clock, live } = deps;
  const cache = new Map<string, { atMs: number; answer: Promise<StripsAnswer> }>();

  const compute = async (hours: number, buckets: number): Promise<StripsAnswer> => {
    const window = stripWindow(clock(), { hours, buckets });
    const report = live.snapshot().report;
    const changes = await readStripChanges(influx, window);
    const entities = [...report.links.map((link) => ({ kind: 'link' as const, id: link.id, current: link.state })), ...report.sites.map((site) => ({ kind: 'site' as const, id: site.id, current: site.state }))];
    return buildStrips({ window, entities, changes });
  };

  return [
    route({
      id: 'getStrips',
      method: 'get',
      path: '/strips',
      access: 'viewer',
      tag: 'status',
      summary: 'The last hours of every link and site in equal buckets, each the worst state seen in it (down > degraded > unreachable > no data > maintenance > up), for the overview’s strips',
      query: stripsQuery,
      returns: '{fromMs, toMs, bucketMs, codes: {u: up, g: degraded, d: down, r: unreachable, m: maintenance, n: unknown}, links: {id: "uuud…"}, sites: {id: "…"}}: one letter per bucket, oldest first; cached for 15 s',
      handle: async ({ query, response }) => {
        const key = `${query.hours}/${query.buckets}`;
        const nowMs = clock();
        let entry = cache.get(key);
        if (entry === undefined || nowMs - entry.atMs > STRIPS_CACHE_MS) {
          // Old entries go first: the keys a client can make up are many, the useful ones few.
          for (const [old, value] of cache) if (nowMs - value.atMs > STRIPS_CACHE_MS) cache.delete(old);
          const fresh = { atMs: nowMs, answer: compute(query.hours, query.buckets) };
          cache.set(key, fresh);
          // A failed read must not be served from the cache for the next 15 s.
          fresh.answer.catch(() => cache.get(key) === fresh && cache.delete(key));
          entry = fresh;
        }
        response.set('Cache-Control', `private, max-age=${STRIPS_CACHE_MS / 1_000}`);
        return await entry.answer;
      },
    }),
  ];
}
