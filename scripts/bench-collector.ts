/**
 * `npm run bench:collector [-- --devices N --interval S --intervals K --concurrency N
 *   --max-repetitions N --veth-pairs N --writer-points N --profile FILE.cpuprofile]`
 * (root: namespaces and snmpd)
 *
 * What one collector costs at district scale, against the usual alternative:
 * (a) the real collector, in this process, polling ≥ 1,000 SNMP agents (one UDP port each, on
 *     Debian snmpd inside a test namespace with 12 veth pairs: 26 interfaces per device) and
 *     writing through the sink `linkwatch collector` uses (openPolicyWriters: createInfluxWriter
 *     and openSpool per retention policy) into a private influxd: CPU ms per device poll over
 *     whole intervals after a warm-up interval, and the process's peak RSS. `--profile FILE`
 *     also writes a V8 CPU profile of that window;
 * (b) Prometheus' snmp_exporter (Debian package, if_mib module from its generator, the same
 *     max-repetitions, timeout and retries) scraping the same agents twice each with as many
 *     requests in flight as the collector's concurrency: its CPU ms per scrape, from /proc/PID/stat;
 * (c) the writer's points/s against a raw line-protocol POST of the same points (bench-writer.ts's
 *     `benchWriter`: same batch size and concurrency as (a), series created first, alternating
 *     runs, medians).
 * Targets: cpuRatioVsSnmpExporter ≤ 0.5, writerRatioVsRaw ≥ 0.8, peakRssMb ≤ 200.
 *
 * The collector measured is production's: the compiled build (bin/linkwatch-built.js), which this
 * script builds and re-runs itself from (build/scripts/bench-collector.js) under that launcher's
 * node flags, heap limit included. `--tsx` measures the sources through tsx instead, and
 * LINKWATCH_BENCH_NODE_FLAGS replaces the flags, to weigh another heap limit.
 *
 * Prints a table, then one JSON object as the last line. Exit 0 when every target is met, 1 when
 * one is missed or the run is not valid (failed polls or scrapes), 2 when it could not run.
 * Agents, namespace, exporter and influxd are cleaned up at the end, on an error and on Ctrl-C.
 * Traffic stays on loopback and the namespace's veth.
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import { probeSnmp } from '../collector/probes/snmp/probe.ts';
import { Secret } from '../config/secret.ts';
import { createTestNamespace } from '../test/helpers/netns.ts';
import { runCollectorPhase, type CollectorPhaseResult } from './bench/collector-phase.ts';
import { createCleanup } from './bench/cleanup.ts';
import { launcherNodeFlags, relaunchWith, RELAUNCHED_ENV } from './bench/launcher-flags.ts';
import { clockTicksPerSecond, cpuReader, loadAverage } from './bench/proc.ts';
import { EXPORTER_BINARY, GENERATOR_BINARY, generateSnmpYml, scrapeTargets, startSnmpExporter, type ScrapeRound } from './bench/snmp-exporter.ts';
import { startSnmpdFarm } from './bench/snmpd-farm.ts';
import { portFree } from './bench-kit.ts';
import { benchWriter, type BenchWriterResult } from './bench-writer.ts';
import { startInfluxd, stopInfluxd } from './services.ts';
import { packageRoot } from '../config/package-root.ts';

const run = promisify(execFile);
const PROJECT_ROOT = packageRoot(import.meta.url);
const MIB_DIR = join(PROJECT_ROOT, 'node_modules', 'net-snmp', 'lib', 'mibs');
/** Production's launcher: its node flags (heap limit included) are what the build is measured under. */
const LAUNCHER = join(PROJECT_ROOT, 'bin', 'linkwatch-built.js');
const COMPILED_SELF = join(PROJECT_ROOT, 'build', 'scripts', 'bench-collector.js');

const INFLUX_HTTP_PORT = 18400;
const INFLUX_RPC_PORT = 18401;
/** Where the exporter may listen: the first free one. */
const EXPORTER_PORTS = [18402, 18403, 18404, 18405, 18406, 18407, 18408, 18409];
const NAMESPACE = { slot: 40, label: 'bench' };
/** Agent ports inside the namespace (its own port space). */
const FIRST_AGENT_PORT = 20000;
const COMMUNITY = 'public';
/** The collector's SNMP defaults, given to both sides. */
const SNMP_TIMEOUT_MS = 5000;
const SNMP_RETRIES = 1;
/** createInfluxWriter's defaults: what openPolicyWriters, and so (a), runs with; (c) uses them too. */
const WRITER_BATCH_SIZE = 5000;
const WRITER_CONCURRENCY = 2;

const TARGETS = { cpuRatioVsSnmpExporter: 0.5, writerRatioVsRaw: 0.8, peakRssMb: 200 } as const;

export interface BenchCollectorOptions {
  devices: number;
  intervalS: number;
  measuredIntervals: number;
  concurrency: number;
  maxRepetitions: number;
  vethPairs: number;
  writerPoints: number;
  /** A V8 CPU profile of the collector's measured window goes here. */
  profile?: string;
}

type NumericOption = Exclude<keyof BenchCollectorOptions, 'profile'>;

const optionSpecs = {
  devices: { flag: '--devices', fallback: 1000, min: 1, max: 40_000 },
  intervalS: { flag: '--interval', fallback: 30, min: 5, max: 300 },
  measuredIntervals: { flag: '--intervals', fallback: 2, min: 2, max: 20 },
  concurrency: { flag: '--concurrency', fallback: 64, min: 1, max: 1000 },
  maxRepetitions: { flag: '--max-repetitions', fallback: 20, min: 1, max: 200 },
  vethPairs: { flag: '--veth-pairs', fallback: 12, min: 12, max: 100 },
  writerPoints: { flag: '--writer-points', fallback: 400_000, min: 10_000, max: 10_000_000 },
} as const satisfies Record<NumericOption, { flag: string; fallback: number; min: number; max: number }>;

export function parseBenchArgs(args: string[]): BenchCollectorOptions {
  const { values } = parseArgs({
    args,
    options: { ...Object.fromEntries(Object.values(optionSpecs).map((spec) => [spec.flag.slice(2), { type: 'string' as const }])), profile: { type: 'string' as const } },
    strict: true,
  });
  const given = values as Record<string, string | undefined>;
  const options = {} as BenchCollectorOptions;
  if (given.profile !== undefined) options.profile = resolve(given.profile);
  for (const [key, spec] of Object.entries(optionSpecs) as [NumericOption, (typeof optionSpecs)[NumericOption]][]) {
    const text = given[spec.flag.slice(2)];
    const value = text === undefined ? spec.fallback : Number(text);
    if (!Number.isInteger(value) || value < spec.min || value > spec.max) {
      throw new Error(`${spec.flag} must be a whole number from ${spec.min} to ${spec.max}; got "${text}"`);
    }
    options[key] = value;
  }
  return options;
}

async function preflight(): Promise<void> {
  if (process.getuid?.() !== 0) throw new Error('needs root: it creates a network namespace and veth pairs (run as root or with sudo)');
  const missing = [
    ['/usr/sbin/snmpd', 'snmpd'],
    ['/usr/bin/influxd', 'influxdb'],
    [EXPORTER_BINARY, 'prometheus-snmp-exporter'],
    [GENERATOR_BINARY, 'prometheus-snmp-exporter (its generator, /usr/bin/prometheus-snmp-generator)'],
  ].filter(([path]) => !existsSync(path!));
  if (missing.length > 0) {
    throw new Error(`missing: ${missing.map(([path, pkg]) => `${path} (Debian package ${pkg})`).join(', ')}; install with apt-get install -y snmpd influxdb prometheus-snmp-exporter`);
  }
  if (!existsSync(join(MIB_DIR, 'IF-MIB.mib'))) throw new Error(`no IF-MIB in ${MIB_DIR}: run npm install (net-snmp ships the IETF MIBs)`);
  for (const port of [INFLUX_HTTP_PORT, INFLUX_RPC_PORT]) {
    if (!(await portFree(port))) throw new Error(`127.0.0.1:${port} is taken (a private influxd left by an earlier run?); the benchmark needs ports ${INFLUX_HTTP_PORT}/${INFLUX_RPC_PORT}`);
  }
}

async function exporterVersion(): Promise<string> {
  const { stdout, stderr } = await run(EXPORTER_BINARY, ['--version']).catch(() => ({ stdout: '', stderr: '' }));
  return /version (\S+)/.exec(`${stdout}${stderr}`)?.[1] ?? 'unknown version';
}

export interface BenchCollectorReport {
  devicePolls: number;
  distinctDevices: number;
  interfacesPerDevice: number;
  collectorCpuMsPerPoll: number;
  snmpExporterCpuMsPerScrape: number;
  cpuRatioVsSnmpExporter: number;
  writerPointsPerSec: number;
  rawPointsPerSec: number;
  writerRatioVsRaw: number;
  peakRssMb: number;
}

interface ExporterPhaseResult {
  version: string;
  loadAtEdges: [number, number];
  cpuMs: number;
  round: ScrapeRound;
}

const round = (value: number, digits: number) => Math.round(value * 10 ** digits) / 10 ** digits;
const mb = (bytes: number) => bytes / (1024 * 1024);

export async function benchCollector(options: BenchCollectorOptions, nodeFlags: readonly string[], log: (line: string) => void): Promise<{ report: BenchCollectorReport; table: string; met: boolean }> {
  await preflight();
  const ticksPerSecond = await clockTicksPerSecond();
  const cleanup = createCleanup(log);
  const uninstall = cleanup.onInterrupt();
  try {
    const dir = await mkdtemp(join(tmpdir(), 'linkwatch-bench-collector-'));
    cleanup.defer('temp folder', () => rm(dir, { recursive: true, force: true }));

    const influxd = { dir: join(dir, 'influxd'), httpPort: INFLUX_HTTP_PORT, rpcPort: INFLUX_RPC_PORT };
    cleanup.defer('influxd', () => stopInfluxd(influxd, log));
    await startInfluxd(influxd, log);
    const influxUrl = `http://127.0.0.1:${influxd.httpPort}`;

    const ns = await createTestNamespace(NAMESPACE);
    cleanup.defer(`namespace ${ns.name}`, async () => {
      await ns.destroy();
      log(`namespace ${ns.name} deleted`);
    });
    await ns.addInterfaces(options.vethPairs);
    log(`namespace ${ns.name}: ${ns.address}, ${options.vethPairs} veth pairs`);

    const ports = Array.from({ length: options.devices }, (_, i) => FIRST_AGENT_PORT + i);
    const farm = await startSnmpdFarm({ namespace: ns.name, address: ns.address, ports, community: COMMUNITY, dir: join(dir, 'snmpd'), log });
    cleanup.defer('snmpd agents', async () => {
      await farm.stop();
      log(`snmpd: ${farm.agents.length} agents stopped`);
    });

    // What one device looks like to the collector's probe, with the benchmark's settings.
    const sample = await probeSnmp(
      { device: 'sample', host: ns.address, port: ports[0]!, credentials: { version: '2c', community: new Secret(COMMUNITY) } },
      { timeoutMs: SNMP_TIMEOUT_MS, retries: SNMP_RETRIES, maxRepetitions: options.maxRepetitions },
    );
    if (!sample.ok) throw new Error(`a sample poll of ${ns.address}:${ports[0]} failed: ${sample.message}`);
    if (sample.interfaces.length < 24) throw new Error(`agents list ${sample.interfaces.length} interfaces; the benchmark needs at least 24`);
    log(`sample poll: ${sample.interfaces.length} interfaces, ${sample.requests} SNMP requests`);

    const snmpYml = await generateSnmpYml(join(dir, 'exporter'), MIB_DIR, {
      community: COMMUNITY,
      maxRepetitions: options.maxRepetitions,
      timeoutMs: SNMP_TIMEOUT_MS,
      retries: SNMP_RETRIES,
    });

    // (a) ------------------------------------------------------------------------------------
    const collector = await runCollectorPhase({
      influxUrl,
      database: 'linkwatch_bench',
      address: ns.address,
      ports,
      community: COMMUNITY,
      intervalMs: options.intervalS * 1000,
      measuredIntervals: options.measuredIntervals,
      concurrency: options.concurrency,
      maxRepetitions: options.maxRepetitions,
      timeoutMs: SNMP_TIMEOUT_MS,
      retries: SNMP_RETRIES,
      spoolDir: join(dir, 'spool'),
      ticksPerSecond,
      ...(options.profile ? { profileFile: options.profile } : {}),
      log,
    });

    // (b) ------------------------------------------------------------------------------------
    const exporterPort = await firstFreePort(EXPORTER_PORTS);
    const exporter = await startSnmpExporter({ configFile: snmpYml, port: exporterPort });
    cleanup.defer('snmp_exporter', exporter.stop);
    log(`snmp_exporter: ${exporter.url} (pid ${exporter.pid})`);
    const targets = ports.map((port) => `${ns.address}:${port}`);
    const scrape = (list: readonly string[], passes: number) => scrapeTargets({ url: exporter.url, targets: list, concurrency: options.concurrency, passes, timeoutMs: 60_000 });
    // Warm-up outside the window, as (a) has its first interval: Go runtime, connection pool.
    await scrape(targets.slice(0, Math.min(targets.length, options.concurrency * 2)), 1);
    const exporterCpu = cpuReader(exporter.pid, ticksPerSecond);
    const exporterCpuAtStart = exporterCpu();
    const exporterLoadAtStart = loadAverage();
    const scraped = await scrape(targets, options.measuredIntervals);
    const exporterCpuMs = exporterCpu() - exporterCpuAtStart;
    const exporterLoadAtEnd = loadAverage();
    log(`snmp_exporter: ${scraped.scrapes} scrapes in ${(scraped.wallMs / 1000).toFixed(1)} s, ${scraped.failures} failed`);
    await exporter.stop();
    const exporterResult: ExporterPhaseResult = { version: await exporterVersion(), loadAtEdges: [exporterLoadAtStart, exporterLoadAtEnd], cpuMs: exporterCpuMs, round: scraped };

    // (c) ------------------------------------------------------------------------------------
    const writer = await benchWriter({ url: influxUrl, database: 'linkwatch_bench_writer', points: options.writerPoints, batchSize: WRITER_BATCH_SIZE, concurrency: WRITER_CONCURRENCY, log });

    const report = buildReport(collector, exporterResult, writer);
    const problems = runProblems(options, collector, exporterResult);
    const table = renderTable({ options, nodeFlags, agents: farm.agents.length, sample: { interfaces: sample.interfaces.length, requests: sample.requests ?? 0 }, collector, exporter: exporterResult, writer, report, problems });
    const met =
      problems.length === 0 &&
      report.cpuRatioVsSnmpExporter <= TARGETS.cpuRatioVsSnmpExporter &&
      report.writerRatioVsRaw >= TARGETS.writerRatioVsRaw &&
      report.peakRssMb <= TARGETS.peakRssMb;
    return { report, table, met };
  } finally {
    await cleanup.run();
    uninstall();
  }
}

/** What makes the figures untrustworthy: a failing agent costs less CPU than a walk. */
function runProblems(options: BenchCollectorOptions, collector: CollectorPhaseResult, exporter: ExporterPhaseResult): string[] {
  const problems: string[] = [];
  const failed = Object.entries(collector.failuresByReason).filter(([, count]) => count > 0);
  if (failed.length > 0) problems.push(`collector polls failed: ${failed.map(([reason, count]) => `${reason} ${count}`).join(', ')}`);
  if (collector.distinctDevices < options.devices) problems.push(`only ${collector.distinctDevices} of ${options.devices} devices answered inside the window`);
  if (collector.writer.pointsDropped > 0 || collector.writer.batchesSpooled > 0) {
    problems.push(`the writer dropped ${collector.writer.pointsDropped} points and spooled ${collector.writer.batchesSpooled} batches`);
  }
  if (exporter.round.failures > 0) problems.push(`${exporter.round.failures} snmp_exporter scrapes failed (first: ${exporter.round.firstFailure})`);
  return problems;
}

async function firstFreePort(candidates: readonly number[]): Promise<number> {
  for (const port of candidates) if (await portFree(port)) return port;
  throw new Error(`no free port for snmp_exporter among ${candidates.join(', ')}`);
}

function buildReport(collector: CollectorPhaseResult, exporter: ExporterPhaseResult, writer: BenchWriterResult): BenchCollectorReport {
  const collectorCpuMsPerPoll = collector.cpuMs / collector.devicePolls;
  const okScrapes = exporter.round.scrapes - exporter.round.failures;
  const snmpExporterCpuMsPerScrape = exporter.cpuMs / okScrapes;
  return {
    devicePolls: collector.devicePolls,
    distinctDevices: collector.distinctDevices,
    interfacesPerDevice: collector.interfacesPerDevice.min,
    collectorCpuMsPerPoll: round(collectorCpuMsPerPoll, 3),
    snmpExporterCpuMsPerScrape: round(snmpExporterCpuMsPerScrape, 3),
    cpuRatioVsSnmpExporter: round(collectorCpuMsPerPoll / snmpExporterCpuMsPerScrape, 3),
    writerPointsPerSec: Math.round(writer.writerMedian),
    rawPointsPerSec: Math.round(writer.rawMedian),
    writerRatioVsRaw: round(writer.writerRatioVsRaw, 3),
    peakRssMb: round(mb(Math.max(collector.peakRssBytes, collector.sampledPeakRssBytes)), 1),
  };
}

interface TableInput {
  options: BenchCollectorOptions;
  nodeFlags: readonly string[];
  agents: number;
  sample: { interfaces: number; requests: number };
  collector: CollectorPhaseResult;
  exporter: ExporterPhaseResult;
  writer: BenchWriterResult;
  report: BenchCollectorReport;
  problems: readonly string[];
}

function renderTable(input: TableInput): string {
  const { options, collector: a, exporter: b, writer: c, report } = input;
  const n = (value: number, digits = 0) => value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
  const k = (value: number) => `${n(value / 1000, 1)}k`;
  const row = (label: string, value: string) => `  ${label.padEnd(30)}${value}`;
  const failures = Object.entries(a.failuresByReason).filter(([, count]) => count > 0);
  const verdict = (value: number, target: number, atMost: boolean) => ((atMost ? value <= target : value >= target) ? 'met' : 'MISSED');
  const lines = [
    '',
    `linkwatch collector benchmark: ${n(options.devices)} devices × ${input.sample.interfaces} interfaces on ${input.agents} snmpd agents, ` +
      `interval ${options.intervalS} s, concurrency ${options.concurrency}, max-repetitions ${options.maxRepetitions}`,
    `node ${process.version} with the launcher's flags: ${input.nodeFlags.join(' ') || '(none)'}`,
    '',
    '(a) collector, in-process (SNMP walk, rates, line protocol, write to influxd)',
    row('measured window', `${n(a.windowMs / 1000, 1)} s = ${options.measuredIntervals} intervals, after a ${options.intervalS} s warm-up (${n(a.warmupPolls)} polls)`),
    row('device polls in window', `${n(a.devicePolls)} (${n(a.distinctDevices)} distinct devices, ${a.minPollsPerDevice}–${a.maxPollsPerDevice} each)`),
    row('failed polls (whole run)', failures.length ? failures.map(([reason, count]) => `${reason} ${count}`).join(', ') : '0'),
    row('overruns / in flight at edges', `${a.overruns} / ${a.inFlightAtEdges[0]} and ${a.inFlightAtEdges[1]}`),
    row('machine load at edges', `${a.loadAtEdges.map((load) => n(load, 2)).join(' and ')} (1-min average, 2 cores)`),
    row('SNMP requests per poll', `${input.sample.requests} (GET system group + GETBULK column walks of the ifTable and ifXTable columns read)`),
    row('points per poll', n(a.pointsPerPoll, 1)),
    row('CPU in window', `${n(a.cpuMs)} ms → ${n(report.collectorCpuMsPerPoll, 2)} ms per poll${options.profile ? ' (profiler on: inflated)' : ''}`),
    row('peak RSS', `${n(mb(a.peakRssBytes), 1)} MB (VmHWM), ${n(mb(a.sampledPeakRssBytes), 1)} MB sampled every 200 ms`),
    row('  made of', `V8 heap ${n(mb(a.memoryAtPeak.heapUsed), 1)} used of ${n(mb(a.memoryAtPeak.heapTotal), 1)} MB, external ${n(mb(a.memoryAtPeak.external), 1)} MB (buffers ${n(mb(a.memoryAtPeak.arrayBuffers), 1)} MB)`),
    row('writer', `${n(a.writer.pointsWritten)} of ${n(a.writer.pointsSunk)} points written in ${n(a.writer.batchesWritten)} batches, ${a.writer.pointsDropped} dropped, ${a.writer.batchesSpooled} batches spooled`),
    row('stored in influxd', `${n(a.stored.devices)} devices, ≥ ${a.stored.minPollsPerDevice} device_poll points each, ${n(a.stored.trafficPoints)} interface_traffic points`),
    '',
    `(b) snmp_exporter ${b.version}, if_mib module from its generator, scraped from 127.0.0.1`,
    row('scrapes in window', `${n(b.round.scrapes)} (${n(options.devices)} targets × ${options.measuredIntervals}) in ${n(b.round.wallMs / 1000, 1)} s, ${options.concurrency} in flight`),
    row('machine load at edges', `${b.loadAtEdges.map((load) => n(load, 2)).join(' and ')}`),
    row('failed scrapes', b.round.failures ? `${b.round.failures} (first: ${b.round.firstFailure})` : '0'),
    row('SNMP packets per scrape', `${n(b.round.packetsSentPerScrape, 1)} (${n(b.round.pdusPerScrape)} varbinds; ≥ ${b.round.minInterfaces} interfaces each)`),
    row('CPU in window', `${n(b.cpuMs)} ms → ${n(report.snmpExporterCpuMsPerScrape, 2)} ms per scrape`),
    '',
    `(c) writer vs raw line-protocol POST: ${n(c.points)} points × ${c.rounds} rounds, ${c.series} series, batches of ${c.batchSize}, ${c.concurrency} in flight`,
    row('raw POST points/s', `${c.rawPointsPerSec.map(k).join('  ')}   median ${k(c.rawMedian)}`),
    row('writer points/s', `${c.writerPointsPerSec.map(k).join('  ')}   median ${k(c.writerMedian)}`),
    '',
    `  ${'target'.padEnd(30)}${'value'.padStart(10)}${'wanted'.padStart(10)}   verdict`,
    `  ${'cpuRatioVsSnmpExporter'.padEnd(30)}${n(report.cpuRatioVsSnmpExporter, 3).padStart(10)}${'≤ 0.5'.padStart(10)}   ${verdict(report.cpuRatioVsSnmpExporter, TARGETS.cpuRatioVsSnmpExporter, true)}`,
    `  ${'writerRatioVsRaw'.padEnd(30)}${n(report.writerRatioVsRaw, 3).padStart(10)}${'≥ 0.8'.padStart(10)}   ${verdict(report.writerRatioVsRaw, TARGETS.writerRatioVsRaw, false)}`,
    `  ${'peakRssMb'.padEnd(30)}${n(report.peakRssMb, 1).padStart(10)}${'≤ 200'.padStart(10)}   ${verdict(report.peakRssMb, TARGETS.peakRssMb, true)}`,
    ...(input.problems.length > 0 ? ['', '  RUN NOT VALID — figures above are not comparable:', ...input.problems.map((problem) => `  - ${problem}`)] : []),
    '',
  ];
  return lines.join('\n');
}

/** The node flags `linkwatch collector` runs with in production (bin/linkwatch-built.js's shebang). */
function productionNodeFlags(): string[] {
  // To weigh another heap limit against this one: LINKWATCH_BENCH_NODE_FLAGS="--max-old-space-size=96 …".
  const trial = process.env.LINKWATCH_BENCH_NODE_FLAGS;
  if (trial !== undefined) return trial.split(/\s+/).filter(Boolean);
  return existsSync(LAUNCHER) ? launcherNodeFlags(readFileSync(LAUNCHER, 'utf8').split('\n', 1)[0] ?? '') : [];
}

/** Production runs the compiled build (bin/linkwatch-built.js): so does the measured process.
 * Started from the TypeScript (npm run bench:collector, through tsx), this builds and runs
 * build/scripts/bench-collector.js under the launcher's flags, without tsx's loader. `--tsx`
 * measures the sources through tsx instead, under the same flags, for the comparison. */
async function runCompiled(flags: readonly string[], args: readonly string[]): Promise<number> {
  await promisify(execFile)('npm', ['run', 'build:server'], { cwd: PROJECT_ROOT });
  const child = spawn(process.execPath, [...flags, COMPILED_SELF, ...args], { stdio: 'inherit', env: { ...process.env, [RELAUNCHED_ENV]: '1' } });
  const onSigint = () => undefined;
  const onSigterm = () => child.kill('SIGTERM');
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigterm);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 + 15 : 2)));
  });
}

async function main(args: string[]): Promise<number> {
  const viaTsx = args.includes('--tsx');
  const rest = args.filter((arg) => arg !== '--tsx');
  const options = parseBenchArgs(rest);
  const flags = productionNodeFlags();
  const compiled = import.meta.url.endsWith('.js');
  if (!compiled && !viaTsx && process.env[RELAUNCHED_ENV] === undefined) return runCompiled(flags, rest);
  const missing = flags.filter((flag) => !process.execArgv.includes(flag));
  if (missing.length > 0 && process.env[RELAUNCHED_ENV] === undefined) return relaunchWith(missing, rest);
  const log = (line: string) => console.error(`[bench:collector] ${line}`);
  log(`node ${process.version}, ${compiled ? 'the compiled build' : 'the sources through tsx'}, flags of bin/linkwatch-built.js: ${flags.join(' ') || '(none)'}`);
  const started = performance.now();
  const { report, table, met } = await benchCollector(options, flags, log);
  log(`done in ${((performance.now() - started) / 1000).toFixed(0)} s`);
  console.log(table);
  console.log(JSON.stringify(report));
  return met ? 0 : 1;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: Error) => {
      console.error(`bench:collector: ${error.message}`);
      process.exit(2);
    },
  );
}
