import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Request } from 'express';
import { createApp } from '../../api/app.ts';
import type { Principal } from '../../api/auth/principal.ts';
import { createLiveStatus, type LiveStatus } from '../../api/live.ts';
import type { Role } from '../../config/api.ts';
import { parseConfig } from '../../config/load.ts';
import type { Config } from '../../config/schema.ts';
import type { Logger } from '../../model/logger.ts';
import { createControlStore, type ControlStore } from '../../store/control.ts';
import { createInfluxHttp, influxQuery, type InfluxHttp } from '../../store/influx.ts';

// The API over a test database, as the integration tests of its routes start it: users come
// from a test header (users, sessions and tokens have tests of their own), the log is silent.

export const quietLogger: Logger = Object.fromEntries((['debug', 'info', 'warn', 'error'] as const).map((level) => [level, () => {}])) as unknown as Logger;

/** A config from YAML that must be valid (a test's own inventory). */
export function testConfig(yaml: string): Config {
  const parsed = parseConfig(yaml, { env: {} });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return parsed.config;
}

/** Who a request is from: the `x-test-user` header's name, with the role `roleOf` gives it. */
export const identifyByHeader =
  (roleOf: (name: string) => Role) =>
  async (request: Request): Promise<Principal | undefined> => {
    const name = request.header('x-test-user');
    return name === undefined ? undefined : { name, role: roleOf(name), via: 'session' };
  };

export interface TestApi {
  base: string;
  influx: InfluxHttp;
  control: ControlStore;
  live: LiveStatus;
  /** Stops listening and drops the config's database. */
  close(): Promise<void>;
}

/** The store clients over `config.influx` (before the app: a test writes its data first). */
export function testStores(config: Config, clock: () => number) {
  const influx = createInfluxHttp(config.influx);
  const control = createControlStore({ settings: config.influx, clock });
  const live = createLiveStatus({ config, influx, control, logger: quietLogger, clock, refreshMs: 60_000 });
  return { influx, control, live };
}

export async function startTestApi(options: { config: Config; clock: () => number; stores: ReturnType<typeof testStores>; roleOf?: (name: string) => Role }): Promise<TestApi> {
  const { config, clock, stores } = options;
  const identify = identifyByHeader(options.roleOf ?? (() => 'viewer'));
  const server: Server = await new Promise((resolve) => {
    const s = createApp({ config, ...stores, logger: quietLogger, clock, identify, heartbeatMs: 200 }).listen(0, '127.0.0.1', () => resolve(s));
  });
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    ...stores,
    close: async () => {
      await new Promise((resolve) => server.close(resolve));
      await influxQuery(config.influx, `DROP DATABASE "${config.influx.database}"`).catch(() => undefined);
    },
  };
}
