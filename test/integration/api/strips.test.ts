import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiServer, type ApiServer } from '../../../api/server.ts';
import type { StripsAnswer } from '../../../model/strips.ts';
import { influxQuery } from '../../../store/influx.ts';
import { toLine } from '../../../store/line-protocol.ts';
import { ensureRetention } from '../../../store/retention.ts';
import { point } from '../../../store/schema.ts';
import { quietLogger, testConfig } from '../../helpers/api.ts';

// GET /strips over a real InfluxDB with 5,000 links: strict bounds on its parameters, the
// buckets where the written changes fell, one answer reused within the cache's lifetime, and
// the time it takes (printed, and held under a generous bound for a shared 2-core machine).

const URL = process.env.LINKWATCH_TEST_INFLUX_URL ?? 'http://127.0.0.1:8086';
const DATABASE = `lw_api_strips_${process.pid}`;
const LINKS = 5_000;
const HALF_HOUR = 30 * 60_000;
const HOUR = 2 * HALF_HOUR;

const sites = Array.from({ length: LINKS / 2 }, (_, i) => `s${i}`);
const config = testConfig(`
influx: {url: "${URL}", database: ${DATABASE}}
api: {anonymousRead: true, statusRefresh: 1h}
sites:
${sites.map((id) => `  - {id: ${id}, name: ${id}, kind: commune}`).join('\n')}
links:
${sites.flatMap((id, i) => [`  - {id: ${id}-net, site: ${id}, kind: internet, targets: [10.1.${i % 250}.1]}`, `  - {id: ${id}-tslcd, site: ${id}, kind: tslcd, targets: [10.2.${i % 250}.1]}`]).join('\n')}
`);

describe('GET /api/v1/strips', () => {
  let server: ApiServer;
  // A fixed clock 10 minutes into a half hour: the window ends at the next half hour.
  const nowMs = Math.floor(Date.now() / HALF_HOUR) * HALF_HOUR + 10 * 60_000;
  let clockMs = nowMs;
  const get = async (query: string) => {
    const response = await fetch(`${server.url}/api/v1/strips${query}`);
    return { status: response.status, body: (await response.json()) as StripsAnswer & { error?: { code: string; message: string } } };
  };

  beforeAll(async () => {
    await ensureRetention({ settings: config.influx });
    // Every link down for 20 minutes 5 h ago, back up; every fifth site degraded from 2 h ago.
    const points = config.links.flatMap((link) => [
      point('entity_state', nowMs - 5 * HOUR, { site: link.site, entity_kind: 'link', entity: link.id }, { state: 'down', previous: 'up', since_ms: nowMs - 5 * HOUR, flapping: 0 }),
      point('entity_state', nowMs - 5 * HOUR + 20 * 60_000, { site: link.site, entity_kind: 'link', entity: link.id }, { state: 'up', previous: 'down', since_ms: nowMs - 5 * HOUR + 20 * 60_000, flapping: 0 }),
    ]);
    const degraded = sites.filter((_, i) => i % 5 === 0).map((id) => point('entity_state', nowMs - 2 * HOUR, { site: id, entity_kind: 'site', entity: id }, { state: 'degraded', previous: 'up', since_ms: nowMs - 2 * HOUR, flapping: 0 }));
    const lines = [...points, ...degraded].map((p) => toLine(p));
    for (let i = 0; i < lines.length; i += 5_000) {
      const response = await fetch(`${URL}/write?db=${DATABASE}&rp=events&precision=ms`, { method: 'POST', body: lines.slice(i, i + 5_000).join('\n') });
      expect(response.status).toBe(204);
    }
    server = await startApiServer({ config, logger: quietLogger, listen: '127.0.0.1:0', clock: () => clockMs });
    await server.live.refresh();
  }, 120_000);
  afterAll(async () => {
    await server?.close();
    await influxQuery(config.influx, `DROP DATABASE "${DATABASE}"`).catch(() => undefined);
  });

  it.each([
    ['?hours=0', 'query.hours'],
    ['?hours=169', 'query.hours'],
    ['?buckets=abc', 'query.buckets'],
    ['?hours=1&buckets=120', 'query.buckets'],
    ['?hours=24&extra=1', 'unknown parameter "extra"'],
  ])('refuses %s naming the parameter', async (query, named) => {
    const answer = await get(query);
    expect(answer.status).toBe(400);
    expect(answer.body.error?.code).toBe('invalid-parameter');
    expect(answer.body.error?.message).toContain(named);
  });

  it('answers 48 half-hour buckets for every link and site, the down period where it was written', async () => {
    const started = performance.now();
    const answer = await get('?hours=24&buckets=48');
    const elapsedMs = performance.now() - started;
    console.info(`GET /strips for ${LINKS} links and ${sites.length} sites: ${Math.round(elapsedMs)} ms`);
    expect(answer.status).toBe(200);
    expect(Object.keys(answer.body.links)).toHaveLength(LINKS);
    expect(Object.keys(answer.body.sites)).toHaveLength(sites.length);
    expect(answer.body.bucketMs).toBe(HALF_HOUR);
    expect(answer.body.toMs).toBe(nowMs + 20 * 60_000);
    // Down at 10 past a half hour, up on the next: one bucket, the next one up (a change on an edge belongs after it).
    const downBucket = Math.floor((nowMs - 5 * HOUR - answer.body.fromMs) / HALF_HOUR);
    expect(downBucket).toBe(37);
    const expected = `${'u'.repeat(downBucket)}d${'u'.repeat(48 - downBucket - 1)}`;
    expect(answer.body.links['s0-net']).toBe(expected);
    expect(answer.body.links['s2499-tslcd']).toBe(expected);
    // A site up before its change (its `previous`) until degraded; one never recorded is no data throughout.
    expect(answer.body.sites.s0).toMatch(/^u+g+$/);
    expect(answer.body.sites.s1).toBe('n'.repeat(48));
    expect(elapsedMs).toBeLessThan(5_000);
  });

  it('answers from its cache within 15 s, and afresh after', async () => {
    await fetch(`${URL}/write?db=${DATABASE}&rp=events&precision=ms`, { method: 'POST', body: toLine(point('entity_state', nowMs - 60_000, { site: 's1', entity_kind: 'link', entity: 's1-net' }, { state: 'down', previous: 'up', since_ms: nowMs - 60_000, flapping: 0 })) });
    const started = performance.now();
    expect((await get('?hours=24&buckets=48')).body.links['s1-net']!.at(-1)).toBe('u');
    console.info(`GET /strips from the cache: ${Math.round(performance.now() - started)} ms`);
    clockMs += 16_000;
    expect((await get('?hours=24&buckets=48')).body.links['s1-net']!.at(-1)).toBe('d');
  });
});
