import type { AddressInfo } from 'node:net';
import { get as httpGet, type Server } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiRoutes, createApp } from '../../../api/app.ts';
import { createApiMetrics } from '../../../api/metrics.ts';
import { documentedStatuses, successStatuses } from '../../../api/openapi.ts';
import { createLiveStatus } from '../../../api/live.ts';
import { parseConfig } from '../../../config/load.ts';
import type { Config } from '../../../config/schema.ts';
import type { Logger } from '../../../model/logger.ts';
import { createControlStore } from '../../../store/control.ts';
import { createInfluxHttp } from '../../../store/influx.ts';

// The API in process over a store that cannot be reached (port 1 on loopback): routing,
// validation, roles and redaction need no database, and the inventory must still answer.

const yaml = (anonymousRead: boolean) => `
influx: {url: "http://linkwatch:db-pass-123@127.0.0.1:1", database: lw}
api: {anonymousRead: ${anonymousRead}}
sites:
  - {id: dc, name: Trung tâm huyện, kind: district-centre}
  - {id: nam-xe, name: Xã Nậm Xé, kind: commune, parent: dc}
devices:
  - {id: nam-xe-router, site: nam-xe, role: router, address: 10.0.0.1, snmp: {credentials: {version: 2c, community: s3cret-community}}}
links:
  - {id: nam-xe-internet, site: nam-xe, kind: internet, device: nam-xe-router, interface: WAN1, targets: [10.0.0.254]}
`;

function load(anonymousRead: boolean): Config {
  const result = parseConfig(yaml(anonymousRead), { env: {} });
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.config;
}

const logLines: string[] = [];
const logger: Logger = Object.fromEntries(
  (['debug', 'info', 'warn', 'error'] as const).map((level) => [level, (fields: unknown, message?: string) => logLines.push(`${level} ${JSON.stringify(fields)} ${message ?? ''}`)]),
) as unknown as Logger;

async function serve(anonymousRead: boolean) {
  const config = load(anonymousRead);
  const influx = createInfluxHttp(config.influx, { timeoutMs: 500 });
  const control = createControlStore({ settings: config.influx, timeoutMs: 500 });
  const clock = () => Date.UTC(2026, 11, 5, 3);
  const live = createLiveStatus({ config, influx, control, logger, clock, refreshMs: 60_000 });
  const deps = { config, influx, control, logger, clock, live };
  const app = createApp(deps);
  const routes = apiRoutes({ ...deps, metrics: createApiMetrics({ live, clock, processMetrics: false }) });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { server, base, live, routes };
}

let open: Awaited<ReturnType<typeof serve>>;
let closed: Awaited<ReturnType<typeof serve>>;
const bodies: string[] = [];
const get = async (base: string, path: string, init?: RequestInit) => {
  const response = await fetch(base + path, init);
  const text = await response.text();
  bodies.push(text);
  return { status: response.status, text, json: () => JSON.parse(text), headers: response.headers };
};

beforeAll(async () => {
  open = await serve(true);
  closed = await serve(false);
});
afterAll(async () => {
  for (const s of [open, closed]) await new Promise((resolve) => s.server.close(resolve));
});

describe('the API in process', () => {
  it('serves the inventory from the config when the store is down, facts left out', async () => {
    const sites = await get(open.base, '/api/v1/sites');
    expect(sites.status).toBe(200);
    expect(sites.headers.get('x-powered-by')).toBeNull();
    expect(sites.json().sites.map((s: { id: string }) => s.id)).toEqual(['dc', 'nam-xe']);
    const device = await get(open.base, '/api/v1/devices/nam-xe-router');
    expect(device.status).toBe(200);
    expect(device.json()).toMatchObject({ id: 'nam-xe-router', snmp: { version: '2c', port: 161 }, links: ['nam-xe-internet'] });
    expect(device.json().facts).toBeUndefined();
    const link = await get(open.base, '/api/v1/links/nam-xe-internet');
    expect(link.json()).toMatchObject({ id: 'nam-xe-internet', kind: 'internet', targets: [{ address: '10.0.0.254' }] });
  });

  it('answers health 503 naming the store without its password', async () => {
    const health = await get(open.base, '/healthz');
    expect(health.status).toBe(503);
    expect(health.json()).toMatchObject({ ok: false, store: { ok: false, url: 'http://127.0.0.1:1/' } });
  });

  it('keeps a status snapshot of every entity, stale and unknown until the store answers', async () => {
    const outcome = await open.live.refresh();
    expect(outcome.ok).toBe(false);
    const status = await get(open.base, '/api/v1/status');
    expect(status.status).toBe(200);
    const report = status.json();
    expect(report.links).toEqual([expect.objectContaining({ id: 'nam-xe-internet', state: 'unknown', stale: true })]);
    const again = await get(open.base, '/api/v1/status', { headers: { 'If-None-Match': status.headers.get('etag')! } });
    expect(again.status).toBe(304);
  });

  it('sends the status gzipped to a client that accepts it, with its own validator', async () => {
    const raw = (encoding: string | undefined, extra: Record<string, string> = {}) =>
      new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }>((resolve, reject) => {
        const request = httpGet(`${open.base}/api/v1/status`, { headers: { ...(encoding === undefined ? {} : { 'Accept-Encoding': encoding }), ...extra } }, (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () => resolve({ status: response.statusCode!, headers: response.headers, body: Buffer.concat(chunks) }));
        });
        request.on('error', reject);
      });
    const plain = await raw('identity');
    const zipped = await raw('gzip, deflate, br');
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(zipped.headers.vary).toContain('Accept-Encoding');
    expect(Number(zipped.headers['content-length'])).toBe(zipped.body.length);
    expect(JSON.parse(gunzipSync(zipped.body).toString())).toEqual(JSON.parse(plain.body.toString()));
    expect(zipped.headers.etag).not.toBe(plain.headers.etag);
    expect((await raw('gzip', { 'If-None-Match': `W/${zipped.headers.etag}` })).status).toBe(304);
    expect((await raw('identity', { 'If-None-Match': String(zipped.headers.etag) })).status).toBe(200);
    expect((await raw('gzip;q=0')).headers['content-encoding']).toBeUndefined();
    // No Accept-Encoding at all (curl, scripts): plain JSON.
    expect((await raw(undefined)).headers['content-encoding']).toBeUndefined();
  });

  it.each([
    ['/api/v1/links/no-such-link', 404, 'not-found'],
    ['/api/v1/links/Nam%20Xe', 400, 'invalid-parameter'],
    ['/api/v1/links/x%22%20OR%201%3D1', 400, 'invalid-parameter'],
    ["/api/v1/sites/a'%3B%20DROP%20DATABASE%20lw", 400, 'invalid-parameter'],
    ['/api/v1/devices/%00', 400, 'invalid-parameter'],
    [`/api/v1/sites/${'a'.repeat(300)}`, 400, 'invalid-parameter'],
    ['/api/v1/sites?limit=5', 400, 'invalid-parameter'],
    ['/api/v1/status?x=1', 400, 'invalid-parameter'],
    ['/api/v1/nothing-here', 404, 'not-found'],
    ['/api/v1/../../etc/passwd', 404, 'not-found'],
  ])('GET %s → %i %s', async (path, status, code) => {
    const answer = await get(open.base, path);
    expect(answer.status).toBe(status);
    expect(answer.json()).toEqual({ error: { code, message: expect.any(String) } });
  });

  it('names each wrong parameter', async () => {
    const answer = await get(open.base, '/api/v1/status?foo=1&bar=2');
    expect(answer.json().error.message).toBe('query: unknown parameters "foo", "bar"');
  });

  it('answers a known path with the wrong method 405 with Allow', async () => {
    const answer = await get(open.base, '/api/v1/sites', { method: 'DELETE' });
    expect(answer.status).toBe(405);
    expect(answer.headers.get('allow')).toBe('GET');
    expect(answer.json().error.code).toBe('method-not-allowed');
  });

  it('refuses a body that is not JSON with 400', async () => {
    const answer = await get(open.base, '/api/v1/sites', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{nope' });
    expect(answer.status).toBe(400);
    expect(answer.json().error.code).toBe('invalid-body');
  });

  it('without anonymous read, every read needs a login; health stays public', async () => {
    for (const path of ['/api/v1/status', '/api/v1/sites', '/api/v1/links/nam-xe-internet']) {
      const answer = await get(closed.base, path);
      expect(answer.status).toBe(401);
      expect(answer.json().error.code).toBe('unauthenticated');
    }
    expect((await get(closed.base, '/healthz')).status).toBe(503);
  });

  it('no answer and no log line carries a credential', () => {
    expect(bodies.length).toBeGreaterThan(10);
    for (const text of [...bodies, ...logLines]) {
      expect(text).not.toContain('s3cret-community');
      expect(text).not.toContain('db-pass-123');
    }
  });

  it('serves an OpenAPI 3.1 document with exactly the routes it serves', async () => {
    const answer = await get(open.base, '/api/v1/openapi.json');
    expect(answer.status).toBe(200);
    const document = answer.json();
    expect(document.openapi).toBe('3.1.0');
    const documented = Object.entries(document.paths as Record<string, Record<string, { operationId: string }>>).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, operation]) => `${method.toUpperCase()} ${path} ${operation.operationId}`),
    );
    const served = open.routes.map((r) => `${r.method.toUpperCase()} ${r.absolute ? '' : '/api/v1'}${r.path.replace(/:(\w+)/g, '{$1}')} ${r.id}`);
    expect(documented.sort()).toEqual(served.sort());
    expect(new Set(open.routes.map((r) => r.id)).size).toBe(open.routes.length);
  });

  it('answers every route only with statuses its document lists', async () => {
    const sample: Record<string, string> = { '/sites/:id': 'nam-xe', '/devices/:id': 'nam-xe-router', '/links/:id': 'nam-xe-internet' };
    const checked: string[] = [];
    for (const spec of open.routes) {
      const path = (spec.absolute ? '' : '/api/v1') + spec.path.replace(/:id/g, () => sample[Object.keys(sample).find((p) => spec.path.startsWith(p)) ?? ''] ?? 'a1b2c3').replace(/:(\w+)/g, 'x');
      const abort = new AbortController();
      const init: RequestInit = { method: spec.method.toUpperCase(), signal: abort.signal, headers: { 'Content-Type': 'application/json' } };
      if (spec.method !== 'get') init.body = '{}';
      const response = await fetch(open.base + path, init);
      const allowed = [...successStatuses(spec), ...documentedStatuses(spec).keys()];
      expect(allowed, `${spec.method} ${path} answered ${response.status}`).toContain(response.status);
      // Health answers 503 with its own report, not an error.
      if (response.status >= 400 && spec.id !== 'health') expect(Object.keys(apiErrorCodes((await response.json()) as { error: Record<string, unknown> }))).toEqual(['code', 'message']);
      abort.abort();
      checked.push(spec.id);
    }
    expect(checked.length).toBeGreaterThanOrEqual(12);
  });

  it('serves Prometheus metrics counting the requests by route', async () => {
    await get(open.base, '/api/v1/sites');
    const answer = await get(open.base, '/metrics');
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toContain('text/plain');
    expect(answer.text).toMatch(/linkwatch_api_requests_total\{route="listSites",method="GET",status="200"\} \d+/);
    expect(answer.text).toContain('linkwatch_entities{kind="link",state="unknown"} 1');
    expect(answer.text).toContain('linkwatch_api_status_refresh_ok 0');
  });

  it('refuses writes to a viewer (anonymous read) with 403', async () => {
    for (const [path, body] of [['/api/v1/alerts/a1b2c3/ack', '{}'], ['/api/v1/maintenance', '{"sites":["nam-xe"],"for":"1h"}'], ['/api/v1/maintenance/w1/end', '']] as const) {
      const answer = await get(open.base, path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body });
      expect(answer.status).toBe(403);
      expect(answer.json().error).toEqual({ code: 'forbidden', message: 'this needs the operator role; anonymous has viewer' });
    }
  });
});

const apiErrorCodes = (body: { error: Record<string, unknown> }) => body.error;
