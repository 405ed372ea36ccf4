import { createAlertEngine, type AlertEngine, type AlertEngineOptions } from '../../collector/alerts/engine.ts';
import { systemClock, timerTicks } from '../../collector/clock.ts';
import { createCollector, type Collector } from '../../collector/collector.ts';
import { silentLogger } from '../../collector/logger.ts';
import { createCollectorMetrics } from '../../collector/metrics.ts';
import { createNotifier, type LinkwatchNotifier, type NotifierOptions } from '../../collector/notify/notifier.ts';
import { openPolicyWriters, type PolicyWriters } from '../../collector/storage/writers.ts';
import type { Config, InfluxSettings } from '../../config/schema.ts';
import type { Logger } from '../../model/logger.ts';

// The collector's write path as `linkwatch collector` wires it (writer, notifier, alert engine,
// collector) on the wall clock with fast timer ticks, for the tests and harnesses that run a
// simulated district through it. One wiring, so they cannot drift from each other.

export interface PipelineOptions {
  config: Config;
  /** Where the points go; the config's influx settings when not given. */
  influx?: InfluxSettings;
  spoolDir: string;
  spoolMaxBytes?: number;
  logger?: Logger;
  /** How often the collector looks for due polls and rounds. */
  collectorTickMs?: number;
  /** How often the engine decides states. */
  evaluationMs?: number;
  backoff?: NotifierOptions['backoff'];
  control?: AlertEngineOptions['control'];
  controlEveryMs?: number;
}

export interface Pipeline {
  writer: PolicyWriters;
  notifier: LinkwatchNotifier;
  engine: AlertEngine;
  collector: Collector;
  /** Polls in flight finish (2 s at most), then the engine, the notifier and the writer close. */
  stop(): Promise<void>;
}

/** The writer's own logs (batches, spool) stay silent: they are noise in a test's or a harness's
 * log, and what it checks is read back from InfluxDB. */
export async function startPipeline(options: PipelineOptions): Promise<Pipeline> {
  const { config } = options;
  const logger = options.logger ?? silentLogger;
  const writer = await openPolicyWriters({ settings: options.influx ?? config.influx, spoolDir: options.spoolDir, spoolMaxBytes: options.spoolMaxBytes ?? 64 * 1024 * 1024, logger: silentLogger });
  const created = await createNotifier({ settings: config.alerts, clock: systemClock, logger, sink: writer, ...(options.backoff ? { backoff: options.backoff } : {}) });
  if (!created.ok) {
    await writer.close();
    throw new Error(`notifier: ${created.message}`);
  }
  const notifier = created.notifier;
  let collector: Collector | undefined;
  const engine = createAlertEngine({
    config,
    clock: systemClock,
    notifier,
    sink: writer,
    logger,
    ...(options.control ? { control: options.control } : {}),
    ...(options.controlEveryMs !== undefined ? { controlEveryMs: options.controlEveryMs } : {}),
    pollNow: (device) => collector?.pollNow(device),
    pingNow: (link) => collector?.pingNow(link),
  });
  collector = createCollector({ config, clock: systemClock, ticks: timerTicks(options.collectorTickMs ?? 100), sink: writer, logger, metrics: createCollectorMetrics(), observer: engine });
  await collector.start();
  await engine.start(timerTicks(options.evaluationMs ?? 100));
  const running = collector;
  return {
    writer,
    notifier,
    engine,
    collector: running,
    async stop() {
      await running.stop(2_000);
      await engine.stop();
      await notifier.close();
      await writer.close();
    },
  };
}
