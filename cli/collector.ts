import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { cronTicks, systemClock } from '../collector/clock.ts';
import { createCollector } from '../collector/collector.ts';
import { createInfluxFactsHistory } from '../collector/storage/facts-history.ts';
import { startSelfMonitoring, type HealthReport } from '../collector/http.ts';
import { createLogger, type Logger } from '../collector/logger.ts';
import { createCollectorMetrics } from '../collector/metrics.ts';
import { ensureRetention } from '../collector/storage/retention.ts';
import { openPolicyWriters, type PolicyWriters } from '../collector/storage/writers.ts';
import { parseShard, type Shard } from '../collector/targets.ts';
import { formatConfigError } from '../config/errors.ts';
import { loadConfigFile } from '../config/load.ts';
import type { Config } from '../config/schema.ts';
import { Secret } from '../config/secret.ts';
import { configFileFrom, ExitCode, UsageError, type CliIo } from './io.ts';

export const collectorHelp = `Usage: linkwatch collector [--config FILE] [--shard K/N] [--log-level LEVEL]

Runs the collector: polls every device (SNMP) and link (ICMP) of the inventory on their
intervals and writes the results to InfluxDB. Runs until SIGTERM or SIGINT; SIGHUP reloads the
config file (an invalid file is rejected and the running config kept).
  --shard K/N    poll only share K of N, split by site (several collectors share a province)
  --log-level    debug, info (default), warn or error; logs are JSON lines on stderr
Self-monitoring: /metrics and /healthz on collector.http.listen (127.0.0.1:9105).`;

/** How long a running poll may take to finish on SIGTERM before it is aborted. */
const STOP_GRACE_MS = 10_000;
/** The collector is unhealthy when nothing reached the database for this long while it tried. */
const WRITE_STALE_MS = 5 * 60_000;

export async function collectorCommand(args: string[], io: CliIo): Promise<ExitCode> {
  const { values } = parseArgs({
    args,
    options: { config: { type: 'string', short: 'c' }, shard: { type: 'string' }, 'log-level': { type: 'string', default: 'info' } },
  });
  let shard: Shard | undefined;
  if (values.shard !== undefined) {
    const parsed = parseShard(values.shard);
    if (!parsed.ok) throw new UsageError(parsed.message);
    shard = parsed.shard;
  }
  const level = values['log-level'];
  if (!['debug', 'info', 'warn', 'error'].includes(level)) throw new UsageError(`--log-level must be debug, info, warn or error; got "${level}"`);
  const file = configFileFrom(values.config, io.env);
  const loaded = await loadConfigFile(file, { env: io.env });
  if (!loaded.ok) {
    for (const error of loaded.errors) io.stderr.write(`${formatConfigError(error, file)}\n`);
    return ExitCode.usage;
  }
  const logger = createLogger({ level, destination: io.stderr as NodeJS.WritableStream });
  return runCollector({ config: loaded.config, file, shard, logger, env: io.env });
}

interface RunOptions {
  config: Config;
  file: string;
  shard: Shard | undefined;
  logger: Logger;
  env: CliIo['env'];
}

async function runCollector(options: RunOptions): Promise<ExitCode> {
  const { logger, file } = options;
  let config = options.config;
  const metrics = createCollectorMetrics();

  const writer = await openPolicyWriters({
    settings: config.influx,
    spoolDir: resolve(config.collector.spool.dir),
    spoolMaxBytes: config.collector.spool.maxMegabytes * 1024 * 1024,
    logger,
  });
  try {
    const report = await ensureRetention({ settings: config.influx });
    if (report.changes.length > 0) logger.info({ changes: report.changes.map((change) => change.statement) }, 'InfluxDB retention policies and continuous queries updated');
  } catch (error) {
    // The database may be away at start: polling goes on and the spool keeps the data.
    logger.warn({ err: error }, 'could not set up InfluxDB retention policies now; will retry at the next start or reload');
  }

  metrics.observe({ writers: () => writer.stats() });
  const collector = createCollector({
    config,
    shard: options.shard,
    clock: systemClock,
    ticks: cronTicks(),
    sink: writer,
    logger,
    metrics,
    factsHistory: createInfluxFactsHistory(config.influx),
  });
  await collector.start();

  const health = (): HealthReport => healthOf(collector, writer);
  const http =
    config.collector.http.listen === 'off'
      ? undefined
      : await startSelfMonitoring({ listen: config.collector.http.listen, registry: metrics.registry, health });
  if (http) logger.info({ address: http.address }, 'self-monitoring on /metrics and /healthz');

  const reload = async () => {
    const loaded = await loadConfigFile(file, { env: options.env });
    if (!loaded.ok) {
      logger.error({ errors: loaded.errors.map((error) => formatConfigError(error, file)) }, 'config reload rejected: the running configuration stays');
      return;
    }
    // Compared with secrets revealed (in memory only), so a changed password counts as a change.
    const same = (a: unknown, b: unknown) => {
      const reveal = (_key: string, value: unknown) => (value instanceof Secret ? value.reveal() : value);
      return JSON.stringify(a, reveal) === JSON.stringify(b, reveal);
    };
    if (!same(loaded.config.influx, config.influx) || !same(loaded.config.collector.spool, config.collector.spool)) {
      logger.warn({}, 'influx and collector.spool settings take effect at the next restart');
    }
    config = loaded.config;
    collector.reload(config);
    await ensureRetention({ settings: config.influx }).catch((error: unknown) => logger.warn({ err: error }, 'could not update InfluxDB retention policies'));
  };

  return new Promise<ExitCode>((resolveExit) => {
    let stopping = false;
    const onHup = () => void reload();
    const stop = async (signal: string) => {
      if (stopping) return;
      stopping = true;
      logger.info({ signal }, 'stopping: finishing polls in flight, then flushing or spooling their points');
      process.off('SIGHUP', onHup);
      await collector.stop(STOP_GRACE_MS);
      await writer.close();
      await http?.close();
      const spooled = Object.values(writer.stats()).reduce((sum, stats) => sum + stats.spool.batches, 0);
      logger.info({ spooled }, 'stopped');
      resolveExit(ExitCode.ok);
    };
    process.on('SIGHUP', onHup);
    process.once('SIGTERM', () => void stop('SIGTERM'));
    process.once('SIGINT', () => void stop('SIGINT'));
  });
}

function healthOf(collector: ReturnType<typeof createCollector>, writers: PolicyWriters): HealthReport {
  const now = Date.now();
  const schedulerMetrics = collector.scheduler().metrics();
  const problems: string[] = [];
  if (schedulerMetrics.lastTickMs === undefined || now - schedulerMetrics.lastTickMs > 10_000) problems.push('the scheduler has not ticked for over 10 s');
  const byPolicy = writers.stats();
  for (const [policy, stats] of Object.entries(byPolicy)) {
    if (stats.state === 'down') problems.push(`InfluxDB is unreachable: ${policy} points are being spooled`);
    if (stats.spool.batches > 0 && (stats.lastWriteAtMs === undefined || now - stats.lastWriteAtMs > WRITE_STALE_MS)) problems.push(`no ${policy} point has reached InfluxDB for over 5 minutes`);
  }
  const lastWrites = Object.values(byPolicy).map((stats) => stats.lastWriteAtMs ?? 0);
  return {
    ok: problems.length === 0,
    problems,
    details: {
      ...collector.health(),
      lastTickMs: schedulerMetrics.lastTickMs,
      lastWriteAtMs: Math.max(...lastWrites) || undefined,
      writers: Object.fromEntries(
        Object.entries(byPolicy).map(([policy, stats]) => [policy, { state: stats.state, spool: { batches: stats.spool.batches, bytes: stats.spool.bytes, oldestAgeMs: stats.spool.oldestAgeMs } }]),
      ),
    },
  };
}
