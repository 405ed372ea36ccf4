import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * The collector's own health, in Prometheus text format on /metrics. One registry per collector
 * (never prom-client's global one), so tests and several collectors in a process stay apart.
 */
export function createCollectorMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'linkwatch_collector_process_' });
  const labels = ['kind'] as const;
  return {
    registry,
    pollDuration: new Histogram({
      name: 'linkwatch_poll_duration_seconds',
      help: 'Time one poll took (SNMP: one device; ICMP: one batch round).',
      labelNames: labels,
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30],
      registers: [registry],
    }),
    polls: new Counter({ name: 'linkwatch_polls_total', help: 'Targets polled.', labelNames: labels, registers: [registry] }),
    pollFailures: new Counter({ name: 'linkwatch_poll_failures_total', help: 'Targets that gave no usable answer, by reason.', labelNames: ['kind', 'reason'], registers: [registry] }),
    overruns: new Counter({ name: 'linkwatch_scheduler_overruns_total', help: 'Polls skipped because the previous poll of the same target was still running.', registers: [registry] }),
    rateDiscards: new Counter({ name: 'linkwatch_rate_discards_total', help: 'Interface intervals whose rates were discarded instead of written, by reason.', labelNames: ['reason'], registers: [registry] }),
    reboots: new Counter({ name: 'linkwatch_device_reboots_total', help: 'Device reboots detected from sysUpTime and counters.', registers: [registry] }),
    configProblems: new Counter({ name: 'linkwatch_config_problems_total', help: 'Problems found when polling (a link interface the device does not have).', registers: [registry] }),
    targets: new Gauge({ name: 'linkwatch_targets', help: 'Targets this collector polls.', labelNames: labels, registers: [registry] }),
    inFlight: new Gauge({ name: 'linkwatch_polls_in_flight', help: 'Polls running now.', registers: [registry] }),
    lastTick: new Gauge({ name: 'linkwatch_scheduler_last_tick_timestamp_seconds', help: 'When the scheduler last ticked.', registers: [registry] }),
  };
}

export type CollectorMetrics = ReturnType<typeof createCollectorMetrics>;
