import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createControlStore } from '../store/control.ts';
import { engineControl } from '../collector/alerts/engine-control.ts';
import { createAlertEngine, type AlertEngine } from '../collector/alerts/engine.ts';
import { cronTicks, systemClock } from '../collector/clock.ts';
import { createCollector } from '../collector/collector.ts';
import { createHeartbeat } from '../collector/notify/heartbeat.ts';
import { createNotifier, type LinkwatchNotifier } from '../collector/notify/notifier.ts';
import { startTrapReceiver, type TrapReceiver } from '../collector/traps/receiver.ts';
import { createInfluxFactsHistory } from '../store/facts-history.ts';
import { startSelfMonitoring, type HealthReport } from '../collector/http.ts';
import { createLogger, type Logger } from '../collector/logger.ts';
import { createCollectorMetrics } from '../collector/metrics.ts';
import { ensureRetention } from '../store/retention.ts';
import { openPolicyWriters, type PolicyWriters } from '../collector/storage/writers.ts';
import { parseShard, type Shard } from '../collector/targets.ts';
import { formatConfigError } from '../config/errors.ts';
import { loadConfigFile } from '../config/load.ts';
import type { Config } from '../config/schema.ts';
import { Secret } from '../config/secret.ts';
import { configFileFrom, ExitCode, UsageError, type CliIo } from './io.ts';

export const collectorHelp = `Usage: linkwatch collector [--config FILE] [--shard K/N] [--log-level LEVEL]

Runs the collector: polls every device (SNMP) and link (ICMP) of the inventory on their
intervals, writes the results to InfluxDB, decides link, device and site states and sends
alerts (alerts.routes), and receives SNMP traps when collector.traps.listen is set. Runs until SIGTERM or SIGINT; SIGHUP reloads the
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

  const created = await createNotifier({ settings: { ...config.alerts, outbox: { ...config.alerts.outbox, dir: resolve(config.alerts.outbox.dir) } }, clock: systemClock, logger, sink: writer });
  if (!created.ok) {
    logger.error({ dir: config.alerts.outbox.dir }, created.message);
    await writer.close();
    return ExitCode.failed;
  }
  const notifier = created.notifier;
  const store = createControlStore({ settings: config.influx, timeZone: config.alerts.timezone });
  const engine: AlertEngine | undefined = config.alerts.enabled
    ? createAlertEngine({ config, clock: systemClock, notifier, sink: writer, logger, control: engineControl(store), shard: options.shard, pollNow: (device) => collector.pollNow(device), pingNow: (link) => collector.pingNow(link) })
    : undefined;
  const collector = createCollector({
    config,
    shard: options.shard,
    clock: systemClock,
    ticks: cronTicks(),
    sink: writer,
    logger,
    metrics,
    factsHistory: createInfluxFactsHistory(config.influx),
    observer: engine,
  });
  await collector.start();
  await engine?.start(cronTicks());
  // The collector-write alert goes through the outbox, not InfluxDB: it is about InfluxDB.
  const writerWatch = setInterval(() => engine?.writerHealth(Object.values(writer.stats()).every((stats) => stats.state !== 'down')), 5_000);
  const traps = await startTraps(() => config, engine, logger);
  metrics.observe({
    notifier: () => notifier.stats(),
    alerts: engine ? () => alertCounts(engine) : undefined,
    traps: traps ? () => ({ ...traps.stats() }) : undefined,
  });

  const health = (): HealthReport => healthOf(collector, writer, engine, notifier);
  const heartbeat = config.alerts.heartbeat ? createHeartbeat({ settings: config.alerts.heartbeat, clock: systemClock, logger, healthy: () => health().ok }) : undefined;
  heartbeat?.start();
  const http =
    config.collector.http.listen === 'off'
      ? undefined
      : await startSelfMonitoring({ listen: config.collector.http.listen, registry: metrics.registry, health, heartbeat: (peer) => engine?.peerHeartbeat(peer) ?? false });
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
    engine?.reload(config);
    notifier.reload(config.alerts);
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
      clearInterval(writerWatch);
      await engine?.stop();
      await notifier.close();
      await heartbeat?.stop();
      await traps?.close();
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

function alertCounts(engine: AlertEngine) {
  const states: Record<string, Record<string, number>> = {};
  for (const [kind, verdicts] of Object.entries(engine.states())) {
    const counts: Record<string, number> = {};
    for (const verdict of verdicts.values()) counts[verdict.state] = (counts[verdict.state] ?? 0) + 1;
    states[kind.replace(/s$/, '')] = counts;
  }
  const openBySeverity: Record<string, number> = { critical: 0, warning: 0, info: 0 };
  for (const alert of engine.openAlerts()) openBySeverity[alert.severity] = (openBySeverity[alert.severity] ?? 0) + 1;
  return { states, openBySeverity };
}

/** Traps name their sender; the inventory knows which device has that address. */
async function startTraps(currentConfig: () => Config, engine: AlertEngine | undefined, logger: Logger): Promise<TrapReceiver | undefined> {
  const settings = currentConfig().collector.traps;
  if (settings.listen === 'off' || !engine) return undefined;
  try {
    const receiver = await startTrapReceiver({
      listen: settings.listen,
      communities: settings.communities,
      clock: systemClock,
      logger,
      onTrap: (trap) => {
        const device = currentConfig().devices.find((candidate) => candidate.address === trap.source || candidate.address === trap.agentAddress);
        if (!device) {
          logger.debug({ source: trap.source }, `a ${trap.kind} trap from ${trap.source}, which is no device of the inventory`);
          return;
        }
        engine.trap({ kind: trap.kind, device: device.id, interface: trap.ifName, ifIndex: trap.ifIndex, atMs: trap.receivedAtMs });
      },
    });
    logger.info({ address: receiver.address }, 'receiving SNMP traps');
    return receiver;
  } catch (error) {
    // Traps only speed detection up: polling goes on without them.
    logger.error({ err: error }, `SNMP traps are not received: ${(error as Error).message}`);
    return undefined;
  }
}

function healthOf(collector: ReturnType<typeof createCollector>, writers: PolicyWriters, engine: AlertEngine | undefined, notifier: LinkwatchNotifier): HealthReport {
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
      alerts: engine ? alertCounts(engine) : 'disabled',
      notifications: notifier.stats(),
    },
  };
}
