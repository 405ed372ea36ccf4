import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Secret } from '../../../config/secret.ts';
import { openSpool } from '../../../collector/storage/spool.ts';
import { createInfluxWriter } from '../../../collector/storage/writer.ts';
import { createInfluxHttp, rows, StoreError, type InfluxHttp } from '../../../store/influx.ts';
import { ensureRetention } from '../../../store/retention.ts';
import { point } from '../../../store/schema.ts';
import { privateInflux, recordingLogger, tempDir, type PrivateInflux } from '../../helpers/influx.ts';
import { closedTcpPort } from '../../helpers/ports.ts';

// The one client against a real influxd that requires a user: every way of giving credentials
// works, every failure is classified, and no message carries the password.

const PORT = 18_270;
const USER = 'lw_admin';
const PASSWORD = 'pw-Zq81-never-logged';
const DATABASE = 'lw_store_client';

let influx: PrivateInflux;
const failureOf = (promise: Promise<unknown>) => promise.then(() => undefined, (error: unknown) => error as StoreError);

beforeAll(async () => {
  influx = await privateInflux(PORT, { authEnabled: true });
  // With no user yet, influxd takes exactly this one statement unauthenticated.
  await createInfluxHttp(influx.settings(DATABASE)).query(`CREATE USER "${USER}" WITH PASSWORD '${PASSWORD}' WITH ALL PRIVILEGES`);
  await createInfluxHttp(influx.settings(DATABASE, { username: USER, password: new Secret(PASSWORD) })).query(`CREATE DATABASE "${DATABASE}"`);
}, 60_000);

afterAll(() => influx?.dispose());

describe('credentials', () => {
  const asUser = () => createInfluxHttp(influx.settings(DATABASE, { username: USER, password: new Secret(PASSWORD) }));
  const inUrl = () => createInfluxHttp({ url: `http://${USER}:${encodeURIComponent(PASSWORD)}@127.0.0.1:${PORT}`, database: DATABASE });

  it.each([
    ['influx.username and influx.password', asUser],
    ['user:password written into influx.url', inUrl],
  ])('are accepted from %s', async (_name, client) => {
    const c: InfluxHttp = client();
    await c.write([`probe,site=a value=1 ${Date.now()}`], { policy: 'autogen' });
    const result = await c.query('SELECT count("value") FROM "probe"');
    expect(rows(result)[0]?.count).toBeGreaterThanOrEqual(1);
    expect(c.url).not.toContain(PASSWORD);
  });

  it('refused: reason auth, the URL named without the password', async () => {
    const wrong = createInfluxHttp({ url: `http://${USER}:wrong-${PASSWORD}@127.0.0.1:${PORT}`, database: DATABASE });
    const error = await failureOf(wrong.query('SHOW DATABASES'));
    expect(error).toBeInstanceOf(StoreError);
    expect(error).toMatchObject({ reason: 'auth', status: 401, url: `http://127.0.0.1:${PORT}/` });
    expect(error!.message).toMatch(/refused the credentials .*check influx.username and influx.password/);
    expect(JSON.stringify({ ...error, message: error!.message })).not.toContain(PASSWORD);
    const none = await failureOf(createInfluxHttp(influx.settings(DATABASE)).write(['probe value=1'], { policy: 'autogen' }));
    expect(none).toMatchObject({ reason: 'auth' });
  });

  it('the collector\'s writer stores points with credentials in the URL', async () => {
    const settings = { url: `http://${USER}:${encodeURIComponent(PASSWORD)}@127.0.0.1:${PORT}`, database: DATABASE };
    await ensureRetention({ settings });
    const { logger, lines } = recordingLogger();
    const spool = await openSpool({ dir: await tempDir('linkwatch-store-client-spool-') });
    const writer = createInfluxWriter({ settings, logger, spool, batchSize: 10, backfill: async () => undefined });
    writer.write([point('device_poll', Date.now(), { site: 's', device: 'd' }, { reachable: 1, duration_ms: 5 })]);
    await writer.flush();
    await writer.close();
    expect(writer.stats().pointsWritten).toBe(1);
    expect(JSON.stringify(lines)).not.toContain(PASSWORD);
  });
});

describe('classified failures', () => {
  const client = () => createInfluxHttp(influx.settings(DATABASE, { username: USER, password: new Secret(PASSWORD) }));

  it('a missing database: reason database-missing, and what to do', async () => {
    const missing = createInfluxHttp(influx.settings('lw_no_such_db', { username: USER, password: new Secret(PASSWORD) }));
    const onQuery = await failureOf(missing.query('SELECT * FROM "x"'));
    expect(onQuery).toMatchObject({ reason: 'database-missing', statement: 'SELECT * FROM "x"' });
    expect(onQuery!.message).toContain('has no database "lw_no_such_db"');
    expect(await failureOf(missing.write(['x value=1'], { policy: 'autogen' }))).toMatchObject({ reason: 'database-missing', status: 404 });
  });

  it('a statement influxd cannot parse: reason refused, naming the statement', async () => {
    const error = await failureOf(client().query('SELEKT 1'));
    expect(error).toMatchObject({ reason: 'refused', statement: 'SELEKT 1' });
    expect(error!.message).toMatch(/error parsing query.*\(in SELEKT 1\)/);
  });

  it('a line influxd will not take: reason refused, with its text', async () => {
    const error = await failureOf(client().write(['no fields here'], { policy: 'autogen' }));
    expect(error).toMatchObject({ reason: 'refused', status: 400 });
    expect(error!.message).toMatch(/unable to parse/);
  });

  it('nothing listening: reason unreachable, with the system\'s code', async () => {
    const port = await closedTcpPort();
    const error = await failureOf(createInfluxHttp({ url: `http://u:${PASSWORD}@127.0.0.1:${port}`, database: DATABASE }).query('SHOW DATABASES'));
    expect(error).toMatchObject({ reason: 'unreachable', url: `http://127.0.0.1:${port}/` });
    expect(error!.message).toContain('(ECONNREFUSED): is it running?');
    expect(error!.message).not.toContain(PASSWORD);
    expect(await createInfluxHttp({ url: `http://127.0.0.1:${port}`, database: DATABASE }).ping()).toBe(false);
  });

  it('a server that never answers: reason unreachable after the timeout', async () => {
    const sockets: Socket[] = [];
    const silent: Server = createServer((socket) => void sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as { port: number };
    try {
      const started = Date.now();
      const error = await failureOf(createInfluxHttp({ url: `http://127.0.0.1:${port}`, database: DATABASE }, { timeoutMs: 300 }).query('SHOW DATABASES'));
      expect(error).toMatchObject({ reason: 'unreachable' });
      expect(error!.message).toContain('no answer within 300 ms');
      expect(Date.now() - started).toBeLessThan(3_000);
    } finally {
      sockets.forEach((socket) => socket.destroy());
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it('the caller\'s own abort is passed through, not called a database failure', async () => {
    const controller = new AbortController();
    controller.abort(new Error('shutting down'));
    const error = await client().query('SHOW DATABASES', { signal: controller.signal }).catch((caught: unknown) => caught);
    expect(error).not.toBeInstanceOf(StoreError);
    expect((error as Error).message).toBe('shutting down');
  });

  it('ping answers true when influxd is up', async () => {
    expect(await client().ping()).toBe(true);
  });
});
