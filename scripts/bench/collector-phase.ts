import { writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { cronTicks, systemClock } from '../../collector/clock.ts';
import { createCollector, type PointSink } from '../../collector/collector.ts';
import { silentLogger } from '../../collector/logger.ts';
import { createCollectorMetrics } from '../../collector/metrics.ts';
import { influxQuery, rows } from '../../store/influx.ts';
import { ensureRetention } from '../../store/retention.ts';
import type { Point } from '../../store/schema.ts';
import { openPolicyWriters } from '../../collector/storage/writers.ts';
import { parseConfig } from '../../config/load.ts';
import type { Config } from '../../config/schema.ts';
import { cpuReader, loadAverage, peakRssBytes, sampleRss } from './proc.ts';

// Phase (a): the real collector, in this process, polling every agent port as its own router
// and writing into the private influxd through the sink `linkwatch collector` builds
// (openPolicyWriters: one createInfluxWriter and one openSpool per retention policy, raw and
// events, at the writer's default batch size and concurrency). CPU is read at the edges of a
// window that starts after one whole interval (sessions opened, first samples taken, facts
// recorded) and spans whole intervals, so every device is polled once per interval inside it.

export interface CollectorPhaseOptions {
  influxUrl: string;
  database: string;
  address: string;
  ports: readonly number[];
  community: string;
  intervalMs: number;
  /** Whole intervals measured after the warm-up interval. */
  measuredIntervals: number;
  concurrency: number;
  maxRepetitions: number;
  timeoutMs: number;
  retries: number;
  spoolDir: string;
  ticksPerSecond: number;
  /** Writes a V8 CPU profile of the measured window here (open it in Chrome DevTools). The
   * profiler's own cost inflates the window's CPU figure. */
  profileFile?: string;
  log: (line: string) => void;
}

export interface CollectorPhaseResult {
  windowMs: number;
  cpuMs: number;
  /** Device polls completed inside the window (scheduler count). */
  devicePolls: number;
  /** Successful polls seen by the sink inside the window, by device. */
  distinctDevices: number;
  minPollsPerDevice: number;
  maxPollsPerDevice: number;
  failuresByReason: Record<string, number>;
  overruns: number;
  inFlightAtEdges: [number, number];
  /** 1-minute load average at the window's edges (2 cores: above 2 means queueing for CPU). */
  loadAtEdges: [number, number];
  interfacesPerDevice: { min: number; max: number };
  pointsPerPoll: number;
  warmupPolls: number;
  sampledPeakRssBytes: number;
  /** What the sampled peak was made of. */
  memoryAtPeak: NodeJS.MemoryUsage;
  /** VmHWM at the end of the window: the process's peak since it started. */
  peakRssBytes: number;
  writer: { pointsSunk: number; pointsWritten: number; pointsDropped: number; batchesWritten: number; batchesSpooled: number };
  /** What the database holds afterwards, as a check that the writes were real. */
  stored: { devices: number; minPollsPerDevice: number; trafficPoints: number };
}

/** The benchmark inventory: `ports.length` routers at one address, 50 per commune. JSON is YAML. */
export function benchConfigText(options: Pick<CollectorPhaseOptions, 'influxUrl' | 'database' | 'address' | 'ports' | 'community' | 'intervalMs' | 'concurrency' | 'maxRepetitions' | 'timeoutMs' | 'retries' | 'spoolDir'>): string {
  const perSite = 50;
  const siteId = (i: number) => `commune-${String(Math.floor(i / perSite) + 1).padStart(3, '0')}`;
  const sites = Array.from({ length: Math.ceil(options.ports.length / perSite) }, (_, s) => ({ id: siteId(s * perSite), name: `Commune ${s + 1}`, kind: 'commune' }));
  const devices = options.ports.map((port, i) => ({
    id: `r${String(i + 1).padStart(4, '0')}`,
    site: siteId(i),
    role: 'router',
    address: options.address,
    snmp: { credentials: 'bench', port },
  }));
  return JSON.stringify({
    collector: {
      concurrency: options.concurrency,
      snmp: { interval: `${options.intervalMs}ms`, timeout: `${options.timeoutMs}ms`, retries: options.retries, maxRepetitions: options.maxRepetitions },
      spool: { dir: options.spoolDir },
      http: { listen: 'off' },
    },
    influx: { url: options.influxUrl, database: options.database },
    credentials: { bench: { version: '2c', community: options.community } },
    sites,
    devices,
  });
}

export function loadBenchConfig(text: string): Config {
  const loaded = parseConfig(text);
  if (!loaded.ok) throw new Error(`benchmark config rejected: ${loaded.errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`);
  return loaded.config;
}

export async function runCollectorPhase(options: CollectorPhaseOptions): Promise<CollectorPhaseResult> {
  const { log } = options;
  const config = loadBenchConfig(benchConfigText(options));
  const settings = config.influx;
  await ensureRetention({ settings });

  const writer = await openPolicyWriters({ settings, spoolDir: options.spoolDir, spoolMaxBytes: 256 * 1024 * 1024, logger: silentLogger });
  const metrics = createCollectorMetrics();
  metrics.observe({ writers: () => writer.stats() });

  // A tap in front of the writer: which device each poll was, from its device_poll point (the
  // first point of every poll). O(1) per poll, so it does not weigh on the measurement.
  let windowOpen = false;
  const pollsByDevice = new Map<string, number>();
  const interfaces = { min: Number.POSITIVE_INFINITY, max: 0 };
  let windowPoints = 0;
  let windowSinkPolls = 0;
  let pointsSunk = 0;
  const sink: PointSink = {
    write(points: Point[]) {
      pointsSunk += points.length;
      if (windowOpen) {
        const first = points[0] as Point<'device_poll'> | undefined;
        windowPoints += points.length;
        windowSinkPolls += 1;
        if (first?.measurement === 'device_poll' && first.fields.reachable === 1) {
          const device = first.tags.device!;
          pollsByDevice.set(device, (pollsByDevice.get(device) ?? 0) + 1);
          const count = first.fields.interfaces ?? 0;
          if (count < interfaces.min) interfaces.min = count;
          if (count > interfaces.max) interfaces.max = count;
        }
      }
      writer.write(points);
    },
  };

  const collector = createCollector({ config, clock: systemClock, ticks: cronTicks(), sink, logger: silentLogger, metrics });
  const cpu = cpuReader('self', options.ticksPerSecond);
  const rss = sampleRss(200);
  let stopped = false;
  const stopAll = async () => {
    if (stopped) return;
    stopped = true;
    rss.stop();
    await collector.stop(10_000);
    await writer.close();
  };

  try {
    await collector.start();
    const startedAt = Date.now();
    // First polls fall on the whole seconds in (start, start + interval]; the second round
    // begins at the first whole second after start plus one interval. The window opens just
    // before that tick and spans whole intervals.
    const firstSecond = Math.floor(startedAt / 1000) * 1000 + 1000;
    const windowStart = firstSecond + options.intervalMs - 150;
    const windowEnd = windowStart + options.measuredIntervals * options.intervalMs;
    log(`collector: ${config.devices.length} devices, interval ${options.intervalMs / 1000} s, concurrency ${options.concurrency}; warm-up until ${new Date(windowStart).toISOString()}, then ${options.measuredIntervals} measured intervals`);

    await sleep(windowStart - Date.now());
    const scheduler = collector.scheduler();
    const atStart = scheduler.metrics();
    const profiler = options.profileFile ? await startProfiler() : undefined;
    const cpuAtStart = cpu();
    const loadAtStart = loadAverage();
    windowOpen = true;
    const opened = performance.now();
    log(`collector: window open (${atStart.completed} warm-up polls done, ${atStart.inFlight} in flight)`);

    await sleep(windowEnd - Date.now());
    const cpuAtEnd = cpu();
    const atEnd = scheduler.metrics();
    const loadAtEnd = loadAverage();
    if (profiler && options.profileFile) {
      await writeFile(options.profileFile, JSON.stringify(await profiler.stop()));
      log(`collector: CPU profile of the window written to ${options.profileFile}`);
    }
    windowOpen = false;
    const windowMs = performance.now() - opened;
    const peakRss = peakRssBytes();
    const sampledPeak = rss.peak();
    log(`collector: window closed after ${(windowMs / 1000).toFixed(1)} s: ${atEnd.completed - atStart.completed} polls`);

    await stopAll();
    const failures = (await metrics.pollFailures.get()).values.reduce<Record<string, number>>((all, { labels, value }) => {
      all[String(labels.reason)] = (all[String(labels.reason)] ?? 0) + value;
      return all;
    }, {});
    const stats = Object.values(writer.stats());
    const sum = (read: (one: (typeof stats)[number]) => number) => stats.reduce((total, one) => total + read(one), 0);
    const devicePolls = atEnd.completed - atStart.completed;
    const counts = [...pollsByDevice.values()];

    const stored = await influxQuery(settings, 'SELECT count("reachable") FROM "raw"."device_poll" GROUP BY "device"', { database: settings.database });
    const storedCounts = (stored.series ?? []).map((_, i) => Number(rows(stored, i)[0]?.count ?? 0));
    const traffic = rows(await influxQuery(settings, 'SELECT count("in_bps") FROM "raw"."interface_traffic"', { database: settings.database }))[0]?.count;

    return {
      windowMs,
      cpuMs: cpuAtEnd - cpuAtStart,
      devicePolls,
      distinctDevices: pollsByDevice.size,
      minPollsPerDevice: counts.length ? Math.min(...counts) : 0,
      maxPollsPerDevice: counts.length ? Math.max(...counts) : 0,
      failuresByReason: failures,
      overruns: atEnd.overruns,
      inFlightAtEdges: [atStart.inFlight, atEnd.inFlight],
      loadAtEdges: [loadAtStart, loadAtEnd],
      interfacesPerDevice: { min: Number.isFinite(interfaces.min) ? interfaces.min : 0, max: interfaces.max },
      pointsPerPoll: windowSinkPolls ? windowPoints / windowSinkPolls : 0,
      warmupPolls: atStart.completed,
      sampledPeakRssBytes: sampledPeak,
      memoryAtPeak: rss.atPeak(),
      peakRssBytes: peakRss,
      writer: {
        pointsSunk,
        pointsWritten: sum((one) => one.pointsWritten),
        pointsDropped: sum((one) => Object.values(one.pointsDropped).reduce((a, b) => a + b, 0)),
        batchesWritten: sum((one) => one.batchesWritten),
        batchesSpooled: sum((one) => one.batchesSpooled),
      },
      stored: {
        devices: storedCounts.length,
        minPollsPerDevice: storedCounts.length ? Math.min(...storedCounts) : 0,
        trafficPoints: Number(traffic ?? 0),
      },
    };
  } finally {
    await stopAll();
  }
}

/** The in-process V8 profiler (what `node --cpu-prof` uses), limited to the window. */
async function startProfiler(): Promise<{ stop(): Promise<object> }> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 500 });
  await session.post('Profiler.start');
  return {
    async stop() {
      const { profile } = await session.post('Profiler.stop');
      session.disconnect();
      return profile;
    },
  };
}
