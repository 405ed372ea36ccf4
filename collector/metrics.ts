import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { SchedulerMetrics } from './scheduler.ts';
import type { WriterStats } from './storage/writer.ts';

/**
 * The collector's own health, in Prometheus text format on /metrics. One registry per collector
 * (never prom-client's global one), so tests and several collectors in a process stay apart.
 * Polling code counts events; scheduler and writer state is read at scrape time from the sources
 * bound with `observe`.
 */
export function createCollectorMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'linkwatch_collector_process_' });
  const sources: { scheduler?: () => SchedulerMetrics; writer?: () => WriterStats } = {};
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
  const writer = () => sources.writer?.();
  const scheduler = () => sources.scheduler?.();

  mirroredCounter('linkwatch_scheduler_overruns_total', 'Polls skipped because the previous poll of the same target was still running.', () => scheduler()?.overruns);
  mirroredGauge('linkwatch_polls_in_flight', 'Polls running now.', () => scheduler()?.inFlight);
  mirroredGauge('linkwatch_polls_queued', 'Polls due but waiting for a concurrency slot.', () => scheduler()?.queued);
  mirroredGauge('linkwatch_scheduler_last_tick_timestamp_seconds', 'When the scheduler last ticked.', () => {
    const last = scheduler()?.lastTickMs;
    return last === undefined ? undefined : last / 1000;
  });
  mirroredCounter('linkwatch_points_written_total', 'Points InfluxDB accepted.', () => writer()?.pointsWritten);
  new Counter({
    name: 'linkwatch_points_dropped_total',
    help: 'Points that never reached InfluxDB, by reason.',
    labelNames: ['reason'],
    registers,
    collect() {
      const stats = writer();
      if (!stats) return;
      this.reset();
      for (const [reason, count] of Object.entries(stats.pointsDropped)) this.inc({ reason }, count);
    },
  });
  mirroredGauge('linkwatch_writer_up', '1 when the last write to InfluxDB succeeded.', () => {
    const stats = writer();
    return stats ? (stats.state === 'up' ? 1 : 0) : undefined;
  });
  mirroredGauge('linkwatch_writer_buffered_points', 'Points held in memory waiting to be written.', () => writer()?.bufferedPoints);
  mirroredGauge('linkwatch_write_latency_seconds', 'Round trip of recent successful writes (moving average).', () => {
    const avg = writer()?.latencyMs.avg;
    return avg === undefined ? undefined : avg / 1000;
  });
  mirroredGauge('linkwatch_last_write_timestamp_seconds', 'When InfluxDB last accepted a write.', () => {
    const last = writer()?.lastWriteAtMs;
    return last === undefined ? undefined : last / 1000;
  });
  mirroredGauge('linkwatch_spool_bytes', 'Size of the on-disk spool.', () => writer()?.spool.bytes);
  mirroredGauge('linkwatch_spool_batches', 'Batches waiting in the spool.', () => writer()?.spool.batches);
  mirroredGauge('linkwatch_spool_oldest_age_seconds', 'Age of the oldest spooled batch (0 when empty).', () => {
    const stats = writer();
    return stats ? (stats.spool.oldestAgeMs ?? 0) / 1000 : undefined;
  });
  mirroredCounter('linkwatch_spool_replays_total', 'Times the spool was drained into InfluxDB.', () => writer()?.replays);

  return {
    registry,
    observe(next: { scheduler?: () => SchedulerMetrics; writer?: () => WriterStats }) {
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
