import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { createLogger, type Logger } from '../../collector/logger.ts';
import { influxQuery } from '../../store/influx.ts';
import { ensureRetention } from '../../store/retention.ts';
import { parseConfig } from '../../config/load.ts';
import type { Config, InfluxSettings } from '../../config/schema.ts';
import type { TruthRecord } from '../../simulator/faults.ts';
import { startSimulation } from '../../simulator/simulation.ts';
import { readTruth } from '../../simulator/truth.ts';
import { startPipeline } from '../../test/helpers/pipeline.ts';
import { harnessDistrict, type HarnessNetwork } from './network.ts';
import { readNoticeBody, type ReceivedNotice, type UnreadableNotice } from './notices.ts';
import { faultSchedule, type FaultSchedule } from './schedule.ts';
import { settingsConfig, type HarnessSettings } from './settings.ts';
import { harnessTiming, type HarnessTiming } from './timing.ts';

// One harness run: the simulated district in network namespaces playing a seeded fault
// schedule, the collector, the alert engine and the notifier wired as in the daemon (only the
// factories and the webhook body), and a webhook receiver on loopback recording every message
// with its arrival time. Returns what the scorer needs; scoring is apart (score.ts).

export interface RunOptions {
  settings: HarnessSettings;
  sites: number;
  seed: number;
  /** How long faults are played, after the lead-in. */
  faultMs: number;
  influx: InfluxSettings;
  /** Namespace prefix and subnet offset: distinct from any simulation running at once. */
  prefix: string;
  subnetOffset: number;
  /** Outbox, spool, truth log and the collector's log go here. */
  workDir: string;
  /** Allowed for building the network and starting the collector before the lead-in counts. */
  setupMs: number;
  log: (line: string) => void;
  /** Ends the run early (the faults played so far are scored). */
  signal?: AbortSignal;
}

export interface RunResult {
  network: HarnessNetwork;
  schedule: FaultSchedule;
  truth: TruthRecord[];
  notices: ReceivedNotice[];
  unreadable: UnreadableNotice[];
  timing: HarnessTiming;
  /** When the simulation started (details count from here). */
  originMs: number;
  runEndMs: number;
  /** The collector and alerts settings as run (for the record). */
  effective: { collector: Config['collector']; alerts: Omit<Config['alerts'], 'channels' | 'routes'> };
}

/** An in-process webhook receiver: every body with its arrival time; answers 200. */
async function startReceiver() {
  const notices: ReceivedNotice[] = [];
  const unreadable: UnreadableNotice[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const receivedMs = Date.now();
      const raw = Buffer.concat(chunks).toString('utf8');
      const read = readNoticeBody(raw);
      if (read.ok) notices.push({ body: read.body, receivedMs });
      else unreadable.push({ receivedMs, raw, message: read.message });
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    notices,
    unreadable,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
  });

export async function runAlertQuality(options: RunOptions): Promise<RunResult> {
  const { settings, log } = options;
  const district = parseConfig(stringify(harnessDistrict({ sites: options.sites })));
  if (!district.ok) throw new Error(`harness inventory invalid (a harness bug): ${district.errors.map((error) => `${error.path}: ${error.message}`).join('; ')}`);
  const timing = harnessTiming(settingsConfig(settings), settings.tickMs);
  const originMs = Date.now();
  const faultsFromMs = originMs + options.setupMs + timing.leadInMs;
  const endMs = faultsFromMs + options.faultMs;
  const schedule = faultSchedule({ network: district.config, seed: options.seed, startMs: faultsFromMs, endMs, timing, scale: settings.scale });
  log(`${schedule.causes.length} root causes (${schedule.timeline.length} simulator faults) from +${((faultsFromMs - originMs) / 1000).toFixed(0)} s to +${((endMs - originMs) / 1000).toFixed(0)} s`);

  await mkdir(options.workDir, { recursive: true });
  const truthFile = join(options.workDir, 'truth.jsonl');
  const logStream = createWriteStream(join(options.workDir, 'collector.log'));
  const logger: Logger = createLogger({ level: 'info', destination: logStream });
  const receiver = await startReceiver();
  const stops: (() => Promise<unknown>)[] = [receiver.stop, () => new Promise((resolve) => logStream.end(resolve))];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch((error: unknown) => log(`stopping: ${(error as Error).message}`));
    stops.length = 0;
  };

  try {
    // A fresh database: alerts and states of an earlier run must not be read back.
    await influxQuery(options.influx, `DROP DATABASE "${options.influx.database}"`);
    await ensureRetention({ settings: options.influx });

    const simulation = await startSimulation({
      config: district.config,
      timeline: schedule.timeline,
      startMs: originMs,
      durationMs: endMs - originMs,
      speed: 1,
      seed: options.seed,
      mode: 'netns',
      prefix: options.prefix,
      subnetOffset: options.subnetOffset,
      truthFile,
      log: (line) => logger.info({ simulator: true }, line),
    });
    stops.push(() => simulation.stop());

    // The simulator's inventory (addresses, credentials) with the harness's own collector
    // section: simulatedInventory shortens intervals for speed, which must not apply here.
    const document = parse(simulation.inventoryYaml) as Record<string, unknown>;
    document.collector = settings.collector;
    document.influx = { url: options.influx.url, database: options.influx.database };
    document.alerts = {
      ...settings.alerts,
      channels: { hook: { type: 'webhook', url: receiver.url } },
      routes: [{ id: 'hook', channels: ['hook'] }],
      outbox: { dir: join(options.workDir, 'outbox') },
    };
    const parsed = parseConfig(stringify(document));
    if (!parsed.ok) throw new Error(`harness config invalid (a harness bug): ${parsed.errors.map((error) => `${error.path}: ${error.message}`).join('; ')}`);
    const config = parsed.config;
    const used = harnessTiming(config, settings.tickMs);
    if (JSON.stringify(used) !== JSON.stringify(timing)) throw new Error('the run config does not have the settings the schedule was made for (a harness bug)');

    const pipeline = await startPipeline({ config, spoolDir: join(options.workDir, 'spool'), spoolMaxBytes: 256 * 1024 * 1024, logger, collectorTickMs: settings.tickMs, evaluationMs: settings.tickMs });
    stops.push(() => pipeline.stop());
    const late = Date.now() - (faultsFromMs - timing.leadInMs);
    log(late > 0 ? `collector started ${(late / 1000).toFixed(1)} s into the lead-in (setup took longer than ${options.setupMs / 1000} s)` : 'collector running; lead-in before the first fault');

    await Promise.race([simulation.finished, new Promise<void>((resolve) => options.signal?.addEventListener('abort', () => resolve(), { once: true }))]);
    // Messages made in the last evaluation reach the receiver within the channel's own time.
    await sleep(2_000, options.signal);
    const runEndMs = Date.now();
    await stopAll();
    const { channels: _channels, routes: _routes, ...alerts } = config.alerts;
    return {
      network: district.config,
      schedule,
      truth: readTruth(truthFile),
      notices: receiver.notices,
      unreadable: receiver.unreadable,
      timing,
      originMs,
      runEndMs,
      effective: { collector: config.collector, alerts },
    };
  } finally {
    await stopAll();
  }
}
