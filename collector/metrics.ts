import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { SchedulerMetrics } from './scheduler.ts';
import type { WriterStats } from './storage/writer.ts';

/**
 * The collector's own health, in Prometheus text format on /metrics. One registry per collector
 * (never prom-client's global one), so tests and several collectors in a process stay apart.
 * Polling code counts events; scheduler and writer state is read at scrape time from the sources
 * bound with `observe`.
 */
export interface MetricSources {
  scheduler?: () => SchedulerMetrics;
  writers?: () => Readonly<Record<string, WriterStats>>;
  /** Counts by entity kind and state, and open alerts by severity. */
  alerts?: () => { states: Record<string, Record<string, number>>; openBySeverity: Record<string, number> };
  notifier?: () => { pending: number; sent: number; failed: number; dropped: number };
  traps?: () => Record<string, number>;
}

export function createCollectorMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'linkwatch_collector_process_' });
  const sources: MetricSources = {};
  const registers = [registry];

  /** A counter whose value is owned elsewhere, copied at scrape time. */
  const mirroredCounter = (name: string, help: string, read: () => number | undefined) =>
    new Counter({
      name,
      help,
      registers,
      collect() {
        const value = read();
        if (value === undefined) return;
        this.reset();
        this.inc(value);
      },
    });
  const mirroredGauge = (name: string, help: string, read: () => number | undefined) =>
    new Gauge({
      name,
      help,
      registers,
      collect() {
        const value = read();
        if (value !== undefined) this.set(value);
      },
    });
  const writers = () => sources.writers?.();
  const scheduler = () => sources.scheduler?.();

  mirroredCounter('linkwatch_scheduler_overruns_total', 'Polls skipped because the previous poll of the same target was still running.', () => scheduler()?.overruns);
  mirroredGauge('linkwatch_polls_in_flight', 'Polls running now.', () => scheduler()?.inFlight);
  mirroredGauge('linkwatch_polls_queued', 'Polls due but waiting for a concurrency slot.', () => scheduler()?.queued);
  mirroredGauge('linkwatch_scheduler_last_tick_timestamp_seconds', 'When the scheduler last ticked.', () => {
    const last = scheduler()?.lastTickMs;
    return last === undefined ? undefined : last / 1000;
  });
  /** Writer state, one series per retention policy written to. */
  const perPolicy = (kind: 'counter' | 'gauge', name: string, help: string, read: (stats: WriterStats) => number | undefined) => {
    const collect = function (this: Counter<'policy'> | Gauge<'policy'>) {
      const all = writers();
      if (!all) return;
      this.reset();
      for (const [policy, stats] of Object.entries(all)) {
        const value = read(stats);
        if (value === undefined) continue;
        if (this instanceof Gauge) this.set({ policy }, value);
        else this.inc({ policy }, value);
      }
    };
    return kind === 'counter' ? new Counter({ name, help, labelNames: ['policy'], registers, collect }) : new Gauge({ name, help, labelNames: ['policy'], registers, collect });
  };
  perPolicy('counter', 'linkwatch_points_written_total', 'Points InfluxDB accepted.', (stats) => stats.pointsWritten);
  new Counter({
    name: 'linkwatch_points_dropped_total',
    help: 'Points that never reached InfluxDB, by reason.',
    labelNames: ['policy', 'reason'],
    registers,
    collect() {
      const all = writers();
      if (!all) return;
      this.reset();
      for (const [policy, stats] of Object.entries(all)) for (const [reason, count] of Object.entries(stats.pointsDropped)) this.inc({ policy, reason }, count);
    },
  });
  perPolicy('gauge', 'linkwatch_writer_up', '1 when the last write to InfluxDB succeeded.', (stats) => (stats.state === 'up' ? 1 : 0));
  perPolicy('gauge', 'linkwatch_writer_buffered_points', 'Points held in memory waiting to be written.', (stats) => stats.bufferedPoints);
  perPolicy('gauge', 'linkwatch_write_latency_seconds', 'Round trip of recent successful writes (moving average).', (stats) =>
    stats.latencyMs.avg === undefined ? undefined : stats.latencyMs.avg / 1000,
  );
  perPolicy('gauge', 'linkwatch_last_write_timestamp_seconds', 'When InfluxDB last accepted a write.', (stats) => (stats.lastWriteAtMs === undefined ? undefined : stats.lastWriteAtMs / 1000));
  perPolicy('gauge', 'linkwatch_spool_bytes', 'Size of the on-disk spool.', (stats) => stats.spool.bytes);
  perPolicy('gauge', 'linkwatch_spool_batches', 'Batches waiting in the spool.', (stats) => stats.spool.batches);
  perPolicy('gauge', 'linkwatch_spool_oldest_age_seconds', 'Age of the oldest spooled batch (0 when empty).', (stats) => (stats.spool.oldestAgeMs ?? 0) / 1000);
  perPolicy('counter', 'linkwatch_spool_replays_total', 'Times the spool was drained into InfluxDB.', (stats) => stats.replays);

  const alerts = () => sources.alerts?.();
  new Gauge({
    name: 'linkwatch_entities',
    help: 'Links, devices and sites by state, as the alert engine decided them.',
    labelNames: ['kind', 'state'],
    registers,
    collect() {
      const now = alerts();
      if (!now) return;
      this.reset();
      for (const [kind, states] of Object.entries(now.states)) for (const [state, count] of Object.entries(states)) this.set({ kind, state }, count);
    },
  });
  new Gauge({
    name: 'linkwatch_alerts_open',
    help: 'Open alerts by severity.',
    labelNames: ['severity'],
    registers,
    collect() {
      const now = alerts();
      if (!now) return;
      this.reset();
      for (const [severity, count] of Object.entries(now.openBySeverity)) this.set({ severity }, count);
    },
  });
  mirroredGauge('linkwatch_notifications_pending', 'Deliveries waiting in the outbox (held ones included).', () => sources.notifier?.().pending);
  mirroredCounter('linkwatch_notifications_sent_total', 'Deliveries a channel took.', () => sources.notifier?.().sent);
  mirroredCounter('linkwatch_notification_failures_total', 'Delivery attempts that failed (each retried later).', () => sources.notifier?.().failed);
  mirroredCounter('linkwatch_notifications_dropped_total', 'Deliveries given up (too old, or refused for good).', () => sources.notifier?.().dropped);
  new Counter({
    name: 'linkwatch_traps_total',
    help: 'SNMP traps received, by outcome.',
    labelNames: ['outcome'],
    registers,
    collect() {
      const stats = sources.traps?.();
      if (!stats) return;
      this.reset();
      for (const [outcome, count] of Object.entries(stats)) if (outcome !== 'received') this.inc({ outcome }, count);
    },
  });

  return {
    registry,
    observe(next: MetricSources) {
      Object.assign(sources, next);
    },
    pollDuration: new Histogram({
      name: 'linkwatch_poll_duration_seconds',
      help: 'Time one poll took (SNMP: one device; ICMP: one batch round).',
      labelNames: ['kind'],
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30],
      registers,
    }),
    polls: new Counter({ name: 'linkwatch_polls_total', help: 'Targets polled.', labelNames: ['kind'], registers }),
    pollFailures: new Counter({ name: 'linkwatch_poll_failures_total', help: 'Targets that gave no usable answer, by reason.', labelNames: ['kind', 'reason'], registers }),
    rateDiscards: new Counter({ name: 'linkwatch_rate_discards_total', help: 'Interface intervals whose rates were discarded instead of written, by reason.', labelNames: ['reason'], registers }),
    reboots: new Counter({ name: 'linkwatch_device_reboots_total', help: 'Device reboots detected from sysUpTime and counters.', registers }),
    configProblems: new Counter({ name: 'linkwatch_config_problems_total', help: 'Problems found when polling (a link interface the device does not have).', registers }),
    targets: new Gauge({ name: 'linkwatch_targets', help: 'Targets this collector polls.', labelNames: ['kind'], registers }),
  };
}

export type CollectorMetrics = ReturnType<typeof createCollectorMetrics>;
