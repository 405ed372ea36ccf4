import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { entityStates } from '../model/alerts.ts';
import type { LiveStatus } from './live.ts';

// The API's own health in Prometheus text format: requests by route and status, how fresh the
// status snapshot is, how many live streams are open, and the district's counts by state — so
// an existing Prometheus or Zabbix can watch linkwatch and graph the district at a glance.
// One registry per app (never prom-client's global one), so two apps in a test do not collide.

export interface ApiMetrics {
  registry: Registry;
  /** Called once per answered request. */
  observe(sample: { routeId: string; method: string; status: number; seconds: number }): void;
}

export function createApiMetrics(options: { live: LiveStatus; clock: () => number; processMetrics?: boolean }): ApiMetrics {
  const { live, clock } = options;
  const registry = new Registry();
  if (options.processMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: 'linkwatch_api_' });

  const requests = new Counter({ name: 'linkwatch_api_requests_total', help: 'HTTP requests answered, by route id and status', labelNames: ['route', 'method', 'status'] as const, registers: [registry] });
  const duration = new Histogram({
    name: 'linkwatch_api_request_duration_seconds',
    help: 'Time to answer, by route id (streams: until the headers were sent)',
    labelNames: ['route'] as const,
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  new Gauge({ name: 'linkwatch_api_event_streams', help: 'Open Server-Sent Events streams', registers: [registry], collect() { this.set(live.subscribers()); } });
  new Gauge({
    name: 'linkwatch_api_status_age_seconds',
    help: 'Seconds since the status snapshot was last refreshed from InfluxDB successfully',
    registers: [registry],
    collect() {
      this.set(Math.max(0, (clock() - live.snapshot().report.generatedMs) / 1000));
    },
  });
  new Gauge({
    name: 'linkwatch_api_status_refresh_ok',
    help: '1 when the last refresh of the status snapshot read InfluxDB, 0 when it failed',
    registers: [registry],
    collect() {
      this.set(live.lastRefresh()?.ok === true ? 1 : 0);
    },
  });
  new Gauge({
    name: 'linkwatch_entities',
    help: 'Sites, devices and links by state, as the status snapshot has them',
    labelNames: ['kind', 'state'] as const,
    registers: [registry],
    collect() {
      const counts = live.snapshot().report.counts;
      for (const kind of ['sites', 'devices', 'links'] as const) {
        for (const state of entityStates) this.set({ kind: kind.slice(0, -1), state }, counts[kind][state] ?? 0);
        this.set({ kind: kind.slice(0, -1), state: 'stale' }, counts[kind].stale ?? 0);
      }
    },
  });

  return {
    registry,
    observe({ routeId, method, status, seconds }) {
      requests.inc({ route: routeId, method, status: String(status) });
      duration.observe({ route: routeId }, seconds);
    },
  };
}
