import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../../api/auth/passwords.ts';
import { startApiServer, type ApiServer } from '../../../api/server.ts';
import { parseConfig } from '../../../config/load.ts';
import type { Config } from '../../../config/schema.ts';
import type { Logger } from '../../../model/logger.ts';
import { influxQuery, rows } from '../../../store/influx.ts';
import { toLine } from '../../../store/line-protocol.ts';
import { ensureRetention } from '../../../store/retention.ts';
import { point } from '../../../store/schema.ts';

// Every route the OpenAPI document lists, with hostile text in each path parameter, each query
// parameter and each string of a write's body, against a real InfluxDB: every answer is either a
// 4xx JSON error naming what was wrong or, for free text, a success that stored the text as it
// came; nothing is a 500, and afterwards the database and a canary series are still there.
// The same walk reads every answer and log line for the credentials the config holds.

const URL = process.env.LINKWATCH_TEST_INFLUX_URL ?? 'http://127.0.0.1:8086';
const DATABASE = `lw_api_inject_${process.pid}`;
const CHEAP = { N: 2 ** 10, r: 8, p: 1 };
const PASSWORD = 'an-admin-pass-1';
const CREDENTIALS = { influx: 'walk-influx-pw-41', community: 'walk-community-s3cret', authKey: 'walk-auth-key-0123', privKey: 'walk-priv-key-4567' } as const;

const HOSTILE = [
  "x' OR ''='",
  "nam-xe' OR site =~ /.*/ --",
  'nam-xe\\',
  "\\'; DROP MEASUREMENT canary; SELECT '",
  `"; DROP DATABASE "${DATABASE}"; --`,
  `x' ; DROP DATABASE ${DATABASE} ; SELECT '`,
  '1; DELETE FROM canary',
  '/.*/',
  '../../etc/passwd',
  '%2e%2e%2f',
  'nam-xe\u0000',
  'a\nb\r\nc',
  '${LINKWATCH_INFLUX_PASSWORD}',
  '<script>alert(1)</script>',
  'Nậm Xé',
  '-1e309',
  'now-99999999d',
  'x'.repeat(3_000),
] as const;

/** Parameters a hostile value may pass, as a search that finds nothing: the stream's resume
 * point, and an interface name (one the agent reports may be in the data before discovery lists
 * it; its pattern allows letters, digits and . _ : / + @ ( ) - and the store quotes it). */
const FREE_TEXT_PARAMS = new Set(['streamEvents.lastEventId', 'getInterfaceTraffic.ifName']);
/** Body fields that are free text, stored as they came (and read back below). */
const FREE_TEXT_BODY = new Set(['acknowledgeAlert.comment', 'createMaintenance.comment', 'createToken.name', 'login.password']);

const logLines: string[] = [];
const logger: Logger = Object.fromEntries(
  (['debug', 'info', 'warn', 'error'] as const).map((level) => [level, (fields: unknown, message?: string) => logLines.push(`${level} ${JSON.stringify(fields)} ${message ?? ''}`)]),
) as unknown as Logger;

interface Operation {
  operationId: string;
  parameters?: { name: string; in: 'path' | 'query' }[];
  requestBody?: unknown;
}

describe('hostile input on every route', () => {
  let dir = '';
  let config: Config;
  let server: ApiServer;
  let token = '';
  let spareWindow = '';
  let passwordHash = '';
  const now = Date.now();
  /** Every answer's headers and body, except the one that makes a token (its secret is its point). */
  const answers: string[] = [];

  /** A request as a script makes it; the answer's body is read as JSON when it is JSON. */
  const send = async (method: string, path: string, body?: unknown) => {
    const headers = new Headers({ Authorization: `Bearer ${token}` });
    if (body !== undefined) headers.set('Content-Type', 'application/json');
    const controller = new AbortController();
    const response = await fetch(server.url + path, { method: method.toUpperCase(), headers, signal: controller.signal, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    const type = response.headers.get('content-type') ?? '';
    if (type.startsWith('text/event-stream')) {
      controller.abort();
      return { status: response.status, type, body: undefined };
    }
    const text = await response.text();
    if (!(method === 'post' && path.startsWith('/api/v1/tokens') && response.status === 201)) answers.push(JSON.stringify([...response.headers]), text);
    return { status: response.status, type, body: type.includes('json') ? JSON.parse(text) : text };
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lw-inject-'));
    passwordHash = await hashPassword(PASSWORD, CHEAP);
    const parsed = parseConfig(
      `
influx: {url: "${URL.replace('://', `://linkwatch:${CREDENTIALS.influx}@`)}", database: ${DATABASE}}
api:
  users:
    - {name: an, role: admin, passwordHash: "${passwordHash}"}
  statusRefresh: 1h
sites:
  - {id: nam-xe, name: Xã Nậm Xé, kind: commune}
devices:
  - {id: nam-xe-router, site: nam-xe, role: router, address: 127.0.0.2, snmp: {credentials: {version: 2c, community: ${CREDENTIALS.community}}}}
  - {id: nam-xe-switch, site: nam-xe, role: switch, address: 127.0.0.7, snmp: {credentials: {version: 3, user: linkwatch, level: authPriv, authProtocol: sha256, authKey: ${CREDENTIALS.authKey}, privProtocol: aes, privKey: ${CREDENTIALS.privKey}}}}
links:
  - {id: nam-xe-vnpt, site: nam-xe, kind: internet, provider: VNPT, device: nam-xe-router, interface: Gi0/0/1, targets: [127.0.0.3], capacity: {downMbps: 100, upMbps: 100}}
`,
      { env: {} },
    );
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
    config = parsed.config;
    await ensureRetention({ settings: config.influx });
    const lines = [
      toLine(point('alert', now - 3_600_000, { alert_id: 'a0000000001', kind: 'rtt', severity: 'warning', site: 'nam-xe' }, { event: 'firing', entity_kind: 'link', entity: 'nam-xe-vnpt', started_ms: now - 3_600_000, summary: 'RTT cao' })),
    ];
    expect((await fetch(`${URL}/write?db=${DATABASE}&rp=events&precision=ms`, { method: 'POST', body: lines.join('\n') })).status).toBe(204);
    expect((await fetch(`${URL}/write?db=${DATABASE}&rp=raw&precision=ms`, { method: 'POST', body: `canary,site=nam-xe value=1 ${now - 60_000}\ncanary,site=nam-xe value=2 ${now - 30_000}` })).status).toBe(204);

    server = await startApiServer({ config, logger, listen: '127.0.0.1:0', configDir: dir });
    const login = await fetch(`${server.url}/api/v1/auth/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ name: 'an', password: PASSWORD }) });
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    const { csrfToken } = (await login.json()) as { csrfToken: string };
    const made = await fetch(`${server.url}/api/v1/tokens`, { method: 'POST', headers: { 'Content-Type': 'application/json', Cookie: cookie, 'X-CSRF-Token': csrfToken }, body: JSON.stringify({ name: 'walk' }) });
    expect(made.status).toBe(201);
    token = ((await made.json()) as { secret: string }).secret;
    const window = await send('post', '/api/v1/maintenance', { sites: ['nam-xe'], for: '1h' });
    expect(window.status).toBe(201);
    spareWindow = window.body.id;
  });
  afterAll(async () => {
    await server?.close();
    await rm(dir, { recursive: true, force: true });
    await influxQuery({ ...config.influx, url: URL }, `DROP DATABASE "${DATABASE}"`).catch(() => undefined);
  });

  /** A valid value for each path parameter, so only the one under test is hostile. */
  const validPath = (path: string, name: string): string => {
    if (name === 'ifName') return 'Gi0/0/1';
    if (path.startsWith('/api/v1/sites/')) return 'nam-xe';
    if (path.startsWith('/api/v1/devices/')) return 'nam-xe-router';
    if (path.startsWith('/api/v1/links/')) return 'nam-xe-vnpt';
    if (path.startsWith('/api/v1/alerts/')) return 'a0000000001';
    if (path.startsWith('/api/v1/maintenance/')) return spareWindow;
    if (path.startsWith('/api/v1/tokens/')) return 'zzzzzzzzzzzz';
    throw new Error(`no valid value for ${name} in ${path}: add one`);
  };
  /** A body each write accepts, whose strings are replaced one at a time. */
  const validBodies: Record<string, Record<string, unknown>> = {
    login: { name: 'an', password: 'not the password' },
    createToken: { name: 'báo cáo', user: 'an', role: 'viewer' },
    acknowledgeAlert: { comment: 'Đang xử lý' },
    createMaintenance: { sites: ['nam-xe'], for: '1h', comment: 'Thay UPS' },
  };

  const accepted: string[] = [];

  it('answers each hostile path or query parameter with a 4xx JSON error, or as free text', async () => {
    const document = (await send('get', '/api/v1/openapi.json')).body as { paths: Record<string, Record<string, Operation>> };
    let tried = 0;
    for (const [template, methods] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(methods)) {
        const parameters = operation.parameters ?? [];
        for (const parameter of parameters) {
          for (const hostile of HOSTILE) {
            const path = template.replace(/\{(\w+)\}/g, (_all, name: string) => encodeURIComponent(name === parameter.name && parameter.in === 'path' ? hostile : validPath(template, name)));
            const query = parameter.in === 'query' ? `?${new URLSearchParams({ [parameter.name]: hostile })}` : '';
            const body = validBodies[operation.operationId];
            const answer = await send(method, path + query, body);
            const where = `${method.toUpperCase()} ${template} ${parameter.in} ${parameter.name}=${JSON.stringify(hostile.slice(0, 40))}`;
            tried++;
            expect(answer.status, where).toBeLessThan(500);
            if (answer.status >= 400) {
              expect(answer.type, where).toContain('application/json');
              expect(answer.body, where).toEqual({ error: { code: expect.any(String), message: expect.any(String) } });
            } else {
              accepted.push(`${operation.operationId}.${parameter.name}`);
            }
          }
        }
        // A parameter no route knows, named with hostile text.
        const unknown = await send(method, template.replace(/\{(\w+)\}/g, (_all, name: string) => encodeURIComponent(validPath(template, name))) + `?${new URLSearchParams({ "x' OR 1=1": '1' })}`, validBodies[operation.operationId]);
        expect(unknown.status, `${template} with an unknown parameter`).toBe(400);
        tried++;
      }
    }
    expect(tried).toBeGreaterThan(300);
    expect(new Set(accepted.filter((name) => !FREE_TEXT_PARAMS.has(name)))).toEqual(new Set());
  });

  it('refuses hostile strings in write bodies, or stores free text exactly as sent', async () => {
    const stored: { field: string; value: string }[] = [];
    for (const [operationId, valid] of Object.entries(validBodies)) {
      const [method, path] = operationId === 'login' ? ['post', '/api/v1/auth/login'] : operationId === 'createToken' ? ['post', '/api/v1/tokens'] : operationId === 'acknowledgeAlert' ? ['post', '/api/v1/alerts/a0000000001/ack'] : ['post', '/api/v1/maintenance'];
      for (const [field, value] of Object.entries(valid)) {
        for (const hostile of HOSTILE) {
          const body = { ...valid, [field]: Array.isArray(value) ? [hostile] : hostile };
          const answer = await send(method!, path!, body);
          const where = `${operationId} ${field}=${JSON.stringify(hostile.slice(0, 40))}`;
          expect(answer.status, where).toBeLessThan(500);
          if (answer.status >= 400) {
            expect(answer.body, where).toEqual({ error: { code: expect.any(String), message: expect.any(String) } });
            continue;
          }
          expect(FREE_TEXT_BODY.has(`${operationId}.${field}`), `${where} was accepted`).toBe(true);
          if (operationId !== 'login') stored.push({ field: `${operationId}.${field}`, value: hostile });
        }
      }
    }
    // What was stored reads back byte for byte (trimmed where the schema trims).
    const windows = (await send('get', '/api/v1/maintenance?all=true')).body.windows as { comment?: string }[];
    const tokens = (await send('get', '/api/v1/tokens')).body.tokens as { name: string }[];
    const alert = (await send('get', '/api/v1/alerts/a0000000001')).body as { acknowledgement?: { comment?: string } };
    for (const { field, value } of stored) {
      if (field === 'createMaintenance.comment') expect(windows.map((w) => w.comment)).toContain(value);
      if (field === 'createToken.name') expect(tokens.map((t) => t.name)).toContain(value.trim());
    }
    expect(stored.some((s) => s.field === 'acknowledgeAlert.comment')).toBe(true);
    expect(HOSTILE.map((h) => h.trim())).toContain(alert.acknowledgement?.comment);
  });

  it('leaves the database and the canary series as they were', async () => {
    const databases = rows(await influxQuery(config.influx, 'SHOW DATABASES')).map((row) => row.name);
    expect(databases).toContain(DATABASE);
    const canary = rows(await influxQuery(config.influx, `SELECT count("value") FROM "${DATABASE}"."raw"."canary"`));
    expect(canary[0]?.count).toBe(2);
    expect((await send('get', '/healthz')).status).toBe(200);
  });

  it('never answered or logged a credential, a password, its hash or the walk’s token', () => {
    const secrets = [...Object.values(CREDENTIALS), PASSWORD, passwordHash, passwordHash.split('$').at(-1)!, token, token.split('_').at(-1)!];
    expect(answers.length).toBeGreaterThan(300);
    expect(logLines.length).toBeGreaterThan(0);
    for (const secret of secrets) {
      for (const text of [...answers, ...logLines]) expect(text.includes(secret), `${secret.slice(0, 6)}… in ${text.slice(0, 300)}`).toBe(false);
    }
  });
});
