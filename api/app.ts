import express, { type Express } from 'express';
import type { Principal } from './auth/principal.ts';
import { createAuthServices, type AuthServices } from './auth/services.ts';
import type { ApiDeps } from './deps.ts';
import { ApiError, errorHandler } from './errors.ts';
import type { LiveStatus } from './live.ts';
import { createApiMetrics, type ApiMetrics } from './metrics.ts';
import { openApiRoute } from './openapi.ts';
import { mount, type Route } from './route.ts';
import { alertRoutes } from './routes/alerts.ts';
import { authRoutes } from './routes/auth.ts';
import { availabilityRoutes } from './routes/availability.ts';
import { eventRoutes, type EventStreamOptions } from './routes/events.ts';
import { inventoryRoutes } from './routes/inventory.ts';
import { reportRoutes, type ReportRouteOptions } from './routes/reports.ts';
import { seriesRoutes } from './routes/series.ts';
import { statusRoutes } from './routes/status.ts';
import { stripRoutes } from './routes/strips.ts';
import { serveWeb } from './web.ts';

export interface AppOptions extends ApiDeps, Omit<EventStreamOptions, 'live'>, ReportRouteOptions {
  live: LiveStatus;
  /** Default: a registry of the app's own, with the process's figures. */
  metrics?: ApiMetrics;
  /** Users, sessions, tokens, the login limiter and the audit log. Default: built from the
   * config's `api.users` over `influx`. */
  auth?: AuthServices;
  /** Overrides who a request is from (tests); default the auth services' tokens and sessions. */
  identify?: (request: express.Request) => Promise<Principal | undefined>;
  recordAudit?: Parameters<typeof mount>[2]['recordAudit'];
  /** The dashboard's built files, served at /; absent: the API alone. */
  webRoot?: string;
}

/** Every route the API serves, in one list: the router and (later) the OpenAPI document. */
export function apiRoutes(options: AppOptions & { metrics: ApiMetrics }): Route[] {
  const auth = options.auth ?? createAuthServices(options);
  const routes = [...authRoutes({ ...options, auth }), ...statusRoutes(options), ...stripRoutes(options), ...eventRoutes(options), ...inventoryRoutes(options), ...seriesRoutes(options), ...availabilityRoutes(options), ...reportRoutes(options), ...alertRoutes(options)];
  return [...routes, openApiRoute(routes)];
}

export function createApp(options: AppOptions): Express {
  const { logger, config } = options;
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.api.trustProxy);
  app.set('query parser', 'simple');
  app.use(express.json({ limit: '64kb' }));

  const metrics = options.metrics ?? createApiMetrics({ live: options.live, clock: options.clock });
  const auth = options.auth ?? createAuthServices(options);
  const routes = apiRoutes({ ...options, metrics, auth });
  const identify = options.identify ?? auth.identify;
  const recordAudit = options.recordAudit ?? auth.recordAudit;
  const absolute = express.Router();
  const versioned = express.Router();
  const observe = metrics.observe;
  mount(absolute, routes.filter((r) => r.absolute), { identify, recordAudit, observe });
  mount(versioned, routes.filter((r) => !r.absolute), { identify, recordAudit, observe });
  app.use(absolute);
  app.use('/api/v1', versioned);
  if (options.webRoot !== undefined) serveWeb(app, options.webRoot);

  // A known path asked with another method is 405 with Allow; anything else is 404, as JSON.
  const patterns = routes.map((r) => ({ method: r.method.toUpperCase(), regex: new RegExp(`^${r.absolute ? '' : '/api/v1'}${r.path.replace(/:[A-Za-z_]+/g, '[^/]+')}/?$`) }));
  app.use((request, _response, next) => {
    const allowed = patterns.filter((p) => p.regex.test(request.path)).map((p) => p.method);
    if (allowed.length > 0) return next(new ApiError('method-not-allowed', `${request.method} is not allowed here; use ${allowed.join(', ')}`, { Allow: allowed.join(', ') }));
    next(new ApiError('not-found', `no route ${request.method} ${request.path.slice(0, 200)}`));
  });
  app.use(errorHandler(logger));
  return app;
}
