import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import type { Config } from '../config/schema.ts';
import type { Logger } from '../model/logger.ts';
import { createControlStore } from '../store/control.ts';
import { createInfluxHttp } from '../store/influx.ts';
import { createMonthlyReports } from '../reports/monthly.ts';
import { ensureRetention } from '../store/retention.ts';
import { createApp, type AppOptions } from './app.ts';
import { createAuthServices } from './auth/services.ts';
import { loadUsers } from './auth/users.ts';
import { createLiveStatus, type LiveStatus } from './live.ts';
import { DEFAULT_WEB_ROOT, webRootStatus } from './web.ts';

// The API as a running server: the store clients, the status snapshot refreshed in the
// background, the app, and the socket — what `linkwatch api` starts and a test can start too.

export interface ApiServer {
  /** `http://host:port` actually bound (port 0 in the config picks a free one). */
  url: string;
  live: LiveStatus;
  close(): Promise<void>;
}

export interface StartApiOptions {
  config: Config;
  logger: Logger;
  clock?: () => number;
  /** Overrides `api.listen` (tests: 127.0.0.1:0). */
  listen?: string;
  /** The config file's folder: `api.usersFile` is relative to it. Default the working folder. */
  configDir?: string;
  /** Extra app options: who a request comes from, the audit log. */
  app?: Partial<Pick<AppOptions, 'identify' | 'recordAudit' | 'chromium'>>;
  /** The dashboard's built files; default web/dist of this package, when it has been built. */
  webRoot?: string;
}

/** A users file that cannot be read is a start-up error, not an API nobody can log in to. */
export class UsersFileError extends Error {
  override readonly name = 'UsersFileError';
}

/** `127.0.0.1:8080` or `[::1]:8080` → host and port. */
export function splitListen(listen: string): { host: string; port: number } {
  const cut = listen.lastIndexOf(':');
  const host = listen.slice(0, cut).replace(/^\[(.*)\]$/, '$1');
  return { host, port: Number(listen.slice(cut + 1)) };
}

export async function startApiServer(options: StartApiOptions): Promise<ApiServer> {
  const { config, logger } = options;
  const clock = options.clock ?? Date.now;
  const listen = options.listen ?? config.api.listen;
  if (listen === 'off') throw new Error('api.listen is "off": the API is not to run');
  const users = await loadUsers({ config, configDir: options.configDir ?? process.cwd() });
  if (!users.ok) throw new UsersFileError(users.message);
  if (users.users.size === 0 && !config.api.anonymousRead) logger.warn({}, 'api: no users in api.users or api.usersFile and api.anonymousRead is off: nobody can use the API; add a user with a hash from `linkwatch users hash`');
  const influx = createInfluxHttp(config.influx);
  const control = createControlStore({ settings: config.influx, timeZone: config.alerts.timezone, clock });
  // The API writes tokens and the audit log: make sure the database and its policies exist. A
  // store that cannot be reached now is not fatal — the inventory is served meanwhile and the
  // health check says what is wrong.
  await ensureRetention({ settings: config.influx }).catch((error: unknown) => logger.warn({ err: error }, `InfluxDB not ready: ${(error as Error).message}; serving the inventory meanwhile`));
  const live = createLiveStatus({ config, influx, control, logger, clock, refreshMs: config.api.statusRefresh });
  const auth = createAuthServices({ config, influx, logger, clock, users: users.users });
  const webRoot = options.webRoot ?? DEFAULT_WEB_ROOT;
  const web = webRootStatus(webRoot);
  if (!web.ok) logger.warn({}, `api: ${web.message}; serving the API without the dashboard`);
  const app = createApp({ config, influx, control, logger, clock, live, auth, ...options.app, ...(web.ok ? { webRoot } : {}) });
  const { host, port } = splitListen(listen);
  const server: Server = await new Promise((resolve, reject) => {
    const s = app.listen(port, host);
    s.once('listening', () => resolve(s));
    s.once('error', reject);
  });
  // Keep-alive sockets (and SSE streams) would hold close() open for ever.
  server.keepAliveTimeout = 65_000;
  live.start();
  // The monthly report by e-mail (reports.monthly): this process reads the store anyway.
  const monthly = createMonthlyReports({ config, influx, control, logger, clock, ...(options.app?.chromium ? { chromium: options.app.chromium } : {}) })?.start();
  const address = server.address() as AddressInfo;
  const url = `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;
  logger.info({ url }, 'API listening');
  return {
    url,
    live,
    async close() {
      live.stop();
      monthly?.stop();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
