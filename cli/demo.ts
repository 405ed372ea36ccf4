import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, openSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { parse } from 'yaml';
import { hashPassword } from '../api/auth/passwords.ts';
import { parseDuration } from '../config/duration.ts';
import { formatConfigError } from '../config/errors.ts';
import { parseConfig } from '../config/load.ts';
import { packageRoot } from '../config/package-root.ts';
import { DEMO_PACKAGES, defaultInfluxdOptions, installPackages, startInfluxd, stopInfluxd } from '../scripts/services.ts';
import type { ScheduledFault } from '../simulator/faults.ts';
import { backfillHistoryRollups, planHistoryFaults, writeHistory, type HistoryReport } from '../simulator/history.ts';
import { expandTimeline, parseScenario, type Scenario } from '../simulator/scenario.ts';
import { startSimulation, type Simulation } from '../simulator/simulation.ts';
import { ident, influxQuery } from '../store/influx.ts';
import { ensureRetention } from '../store/retention.ts';
import { DEMO_DATABASE, DEMO_PASSWORD, DEMO_USER, demoConfigYaml, describeComing } from './demo-config.ts';
import { loadInventoryToSimulate } from './sim.ts';
import { ExitCode, UsageError, type CliIo } from './io.ts';
import { freeTcpPort, portTaken } from './ports.ts';
import { openPolicyWriters } from '../collector/storage/writers.ts';
import { createLogger } from '../collector/logger.ts';

export const demoHelp = `Usage: linkwatch demo [--listen HOST:PORT] [--mode auto|netns|loopback] [--history DURATION] [--data DIR]

Runs linkwatch on a simulated district, to see it work without a single router: the sample
district (config/example.yaml: 23 sites, 30 devices, 42 links) as simulated SNMP agents and
ICMP targets, a week of history written at start, then the collector and the API with the
dashboard (\`linkwatch serve\`) on it, while scenarios/demo.yaml plays an outage, a flapping
link and a saturation within the first minutes (and a power cut and packet loss later), every
hour. \`npm run demo\` installs what is missing first and runs this from the compiled build.
  --listen HOST:PORT   the dashboard (127.0.0.1:8080)
  --mode               netns (root: one network namespace per site, so link and power cuts are
                       real), loopback (127.x addresses: the ICMP side of faults cannot play),
                       or auto (netns when root; the default)
  --history DURATION   simulated history to write at start (7d; 0 for none)
  --data DIR           the demo's config, spool, outbox and log (.data/demo)
InfluxDB: the one answering on 127.0.0.1:$LINKWATCH_INFLUX_PORT (8086), else a project-local one
started for the demo and stopped with it. The database ${DEMO_DATABASE} is made afresh at each start.
Runs until Ctrl-C or SIGTERM, which stop everything the demo started.

Exit codes: 0 stopped cleanly; 1 something could not start (said why); 2 bad arguments.`;

/** Namespaces and subnets of its own, so a demo and a `linkwatch sim` (prefix lwsim, subnet
 * offset 0) or the tests can run at once. */
const DEMO_PREFIX = 'lwdemo';
const DEMO_SUBNET_OFFSET = 30;
const DAY_MS = 86_400_000;

export async function demoCommand(args: string[], io: CliIo): Promise<ExitCode> {
  const { values } = parseArgs({
    args,
    options: {
      listen: { type: 'string', default: '127.0.0.1:8080' },
      mode: { type: 'string', default: 'auto' },
      history: { type: 'string', default: '7d' },
      data: { type: 'string' },
    },
    strict: true,
  });
  const mode = values.mode;
  if (mode !== 'auto' && mode !== 'netns' && mode !== 'loopback') throw new UsageError(`--mode must be auto, netns or loopback; got "${mode}"`);
  const history = values.history === '0' ? { ok: true as const, ms: 0 } : parseDuration(values.history);
  if (!history.ok) throw new UsageError(`--history: ${history.message}`);
  if (history.ms > 30 * DAY_MS) throw new UsageError('--history: at most 30d (the raw retention)');
  const listen = /^(.+):(\d{1,5})$/.exec(values.listen);
  if (!listen) throw new UsageError(`--listen must be HOST:PORT; got "${values.listen}"`);

  const root = packageRoot(import.meta.url);
  const dataDir = resolve(values.data ?? join(root, '.data', 'demo'));
  const say = (line: string) => io.stdout.write(`${line}\n`);
  const log = (line: string) => io.stderr.write(`[demo] ${line}\n`);

  const stopping = new AbortController();
  let signals = 0;
  const onSignal = () => {
    signals += 1;
    if (signals === 1) {
      log('stopping everything the demo started…');
      stopping.abort();
    } else log('still stopping: the simulated network is being taken down');
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  // Undone in reverse order whatever happens: a demo must leave no process, namespace or
  // database server behind.
  const cleanups: { name: string; run: () => Promise<unknown> }[] = [];
  let code: ExitCode = ExitCode.ok;
  try {
    const scenario = await readScenario(join(root, 'scenarios', 'demo.yaml'));
    const taken = await portTaken(listen[1]!.replace(/^\[(.*)\]$/, '$1'), Number(listen[2]));
    if (taken) {
      log(`${values.listen} is taken (${taken}): give the dashboard another address, e.g. \`npm run demo -- --listen 127.0.0.1:8090\``);
      return ExitCode.failed;
    }
    try {
      await installPackages(log, DEMO_PACKAGES);
    } catch (error) {
      log((error as Error).message);
      return ExitCode.failed;
    }

    const influxd = defaultInfluxdOptions(io.env);
    const influxStart = await startInfluxd(influxd, log);
    if (influxStart === 'started') cleanups.push({ name: 'influxd', run: () => stopInfluxd(influxd, log) });
    const influx = { url: `http://127.0.0.1:${influxd.httpPort}`, database: DEMO_DATABASE };

    if (mode !== 'loopback' && process.getuid?.() !== 0) {
      if (mode === 'netns') {
        log('--mode netns needs root (network namespaces); run it as root, or with --mode loopback');
        return ExitCode.failed;
      }
      log('not root: the district is simulated on loopback addresses. SNMP-side faults play (interfaces down, silent agents, saturation); link and power cuts cannot stop ICMP echoes there. Run as root for the full demo.');
    }
    const loaded = await loadInventoryToSimulate(join(root, 'config', 'example.yaml'), {});
    if (!loaded.result.ok) throw new Error(`the sample inventory does not load: ${loaded.result.errors.map((error) => formatConfigError(error, 'config/example.yaml')).join('; ')}`);
    const sample = loaded.result.config;
    const simulation = await startSimulation({
      config: sample,
      timeline: [],
      startMs: Date.now(),
      durationMs: 365 * DAY_MS,
      speed: 1,
      seed: scenario.seed,
      mode: mode === 'auto' ? (process.getuid?.() === 0 ? 'netns' : 'loopback') : mode,
      prefix: DEMO_PREFIX,
      subnetOffset: DEMO_SUBNET_OFFSET,
      log: (line) => log(`sim: ${line}`),
    });
    cleanups.push({ name: 'simulation', run: () => simulation.stop() });
    if (stopping.signal.aborted) return ExitCode.ok;

    mkdirSync(dataDir, { recursive: true });
    const configFile = join(dataDir, 'linkwatch.yaml');
    const collectorListen = `127.0.0.1:${await freeTcpPort()}`;
    const yaml = demoConfigYaml({ inventoryYaml: simulation.inventoryYaml, influxUrl: influx.url, listen: values.listen, collectorListen, dataDir, passwordHash: await hashPassword(DEMO_PASSWORD) });
    const parsed = parseConfig(yaml);
    if (!parsed.ok) throw new Error(`the demo's config is invalid (a bug): ${parsed.errors.map((error) => `${error.path}: ${error.message}`).join('; ')}`);
    await writeFile(configFile, yaml);

    // A fresh database each time: the history must join the live data without a leftover week.
    await influxQuery(influx, `DROP DATABASE ${ident(DEMO_DATABASE)}`);
    await ensureRetention({ settings: parsed.config.influx });
    if (history.ms > 0) {
      const started = Date.now();
      const toMs = started;
      const fromMs = toMs - history.ms;
      log(`writing ${values.history} of simulated history…`);
      const logger = createLogger({ level: 'warn', destination: process.stderr, service: 'demo-history' });
      const writers = await openPolicyWriters({ settings: parsed.config.influx, spoolDir: join(dataDir, 'history-spool'), spoolMaxBytes: 256 * 1024 * 1024, logger });
      let report: HistoryReport;
      try {
        const faults = planHistoryFaults({ config: parsed.config, fromMs, toMs, seed: scenario.seed });
        report = await writeHistory({
          // What `serve` runs: the history's alert settings are the live ones.
          config: parsed.config,
          specs: simulation.deviceSpecs,
          fromMs,
          toMs,
          faults,
          seed: scenario.seed,
          sink: writers,
          flush: () => writers.flush(),
          signal: stopping.signal,
          log: (line) => log(`history: ${line}`),
        });
      } catch (error) {
        if (stopping.signal.aborted) return ExitCode.ok;
        throw error;
      } finally {
        await writers.close();
      }
      await backfillHistoryRollups({ settings: parsed.config.influx, window: report.window, signal: stopping.signal });
      log(`history: ${report.points.toLocaleString('en')} points, ${report.outages.link} link outages, ${report.outages.site} site outages, in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    }
    if (stopping.signal.aborted) return ExitCode.ok;

    const serve = startServe({ configFile, logFile: join(dataDir, 'linkwatch.log'), listen: values.listen });
    cleanups.push({ name: 'linkwatch serve', run: () => stopChild(serve, log) });
    const healthy = await waitHealthy([`http://${values.listen}/healthz`, `http://${collectorListen}/healthz`], serve, stopping.signal);
    if (!healthy.ok) {
      if (stopping.signal.aborted) return ExitCode.ok;
      log(`linkwatch serve did not start: ${healthy.message}. Its log (${join(dataDir, 'linkwatch.log')}) ends:\n${tail(join(dataDir, 'linkwatch.log'), 15)}`);
      return ExitCode.failed;
    }

    const playing = playScenario({ scenario, simulation, signal: stopping.signal, log });
    say('');
    say(`linkwatch demo: the sample district, simulated (${simulation.mode === 'netns' ? 'network namespaces' : 'loopback'}): ${sample.sites.length} sites, ${sample.devices.length} devices, ${sample.links.length} links`);
    say(`  Dashboard / Bảng điều khiển:  http://${values.listen}/`);
    say(`  Login / Đăng nhập:            ${DEMO_USER} / ${DEMO_PASSWORD}`);
    say(`  Coming up / Sắp diễn ra (then again every ${scenario.duration / 60_000} min):`);
    for (const line of describeComing(playing.first, playing.startMs)) say(`    ${line}`);
    say(`  Files: ${dataDir} (linkwatch.yaml, linkwatch.log)`);
    say('Ctrl-C stops everything the demo started.');

    const exited = once(serve, 'exit').then(() => 'exited' as const);
    const why = await Promise.race([exited, new Promise<'signal'>((resolve) => stopping.signal.addEventListener('abort', () => resolve('signal'), { once: true }))]);
    playing.stop();
    if (why === 'exited') {
      log(`linkwatch serve stopped by itself (exit ${serve.exitCode ?? serve.signalCode}); its log ends:\n${tail(join(dataDir, 'linkwatch.log'), 15)}`);
      code = ExitCode.failed;
    }
  } catch (error) {
    // Ctrl-C while starting aborts whatever was under way: that is a stop, not a failure.
    if (!stopping.signal.aborted) {
      log(`failed: ${(error as Error).message}`);
      code = ExitCode.failed;
    }
  } finally {
    for (const cleanup of cleanups.reverse()) {
      await cleanup.run().catch((error: Error) => log(`stopping ${cleanup.name}: ${error.message}`));
    }
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    log('stopped');
  }
  return code;
}

async function readScenario(file: string): Promise<Scenario> {
  const parsed = parseScenario(parse(readFileSync(file, 'utf8')));
  if (!parsed.ok) throw new Error(parsed.errors.map((error) => formatConfigError(error, file)).join('; '));
  return parsed.scenario;
}

/**
 * The demo's scenario from now, again each time it ends, played through the simulation's
 * command path (the same one `linkwatch sim --control` serves): the simulated network started
 * before the history was written, and the faults must begin once the collector watches.
 */
function playScenario(options: { scenario: Scenario; simulation: Simulation; signal: AbortSignal; log: (line: string) => void }) {
  const { scenario, simulation, log } = options;
  const timers = new Set<NodeJS.Timeout>();
  const ids = { sites: simulation.inventory.sites.map((s) => s.id), devices: simulation.inventory.devices.map((d) => d.id), links: simulation.inventory.links.map((l) => l.id) };
  const expand = (startMs: number): ScheduledFault[] => {
    const timeline = expandTimeline(scenario, ids, startMs);
    if (!timeline.ok) throw new Error(`scenarios/demo.yaml: ${timeline.errors.map((error) => `${error.path}: ${error.message}`).join('; ')}`);
    return timeline.faults;
  };
  const later = (atMs: number, action: () => void) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      if (!options.signal.aborted) action();
    }, Math.max(0, atMs - Date.now()));
    timers.add(timer);
  };
  const play = (startMs: number, faults: readonly ScheduledFault[]) => {
    for (const scheduled of faults) {
      const { id: _id, startMs: at, endMs, ...fault } = scheduled;
      later(at, () => {
        simulation.inject(fault as never, endMs !== undefined ? endMs - at : undefined).catch((error: Error) => log(`sim: ${scheduled.id} ${scheduled.kind}: ${error.message}`));
      });
    }
    const next = startMs + scenario.duration;
    later(next, () => play(next, expand(next)));
  };
  const startMs = Date.now();
  const first = expand(startMs);
  play(startMs, first);
  return {
    startMs,
    first,
    stop: () => {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
    },
  };
}

/**
 * `linkwatch serve` in its own process, started the way this process was (the compiled build
 * with its heap limit, or the sources through tsx), in its own process group: Ctrl-C at the
 * terminal reaches the demo, which stops it once, in order (the collector flushes its points
 * before the simulated network goes away).
 */
function startServe(options: { configFile: string; logFile: string; listen: string }): ChildProcess {
  const logFd = openSync(options.logFile, 'a');
  const launcher = process.argv[1]!;
  const child = spawn(process.execPath, [...process.execArgv, launcher, 'serve', '--config', options.configFile, '--listen', options.listen], {
    detached: true,
    stdio: ['ignore', logFd, logFd],
    env: { ...process.env },
  });
  return child;
}

async function stopChild(child: ChildProcess, log: (line: string) => void): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timeout = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 15_000).unref());
  if ((await Promise.race([exited, timeout])) === 'timeout') {
    log('linkwatch serve did not stop within 15 s: killed');
    child.kill('SIGKILL');
    await exited;
  }
}

async function waitHealthy(urls: readonly string[], child: ChildProcess, signal: AbortSignal): Promise<{ ok: true } | { ok: false; message: string }> {
  const deadline = Date.now() + 60_000;
  const pending = new Set(urls);
  while (Date.now() < deadline && !signal.aborted) {
    if (child.exitCode !== null || child.signalCode !== null) return { ok: false, message: `it exited (${child.exitCode ?? child.signalCode})` };
    for (const url of [...pending]) {
      const status = await fetch(url, { signal: AbortSignal.timeout(2_000) }).then(
        (response) => response.status,
        () => 0,
      );
      if (status === 200) pending.delete(url);
    }
    if (pending.size === 0) return { ok: true };
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  return { ok: false, message: signal.aborted ? 'stopped' : `no healthy answer within 60 s from ${[...pending].join(', ')}` };
}

function tail(file: string, lines: number): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}
