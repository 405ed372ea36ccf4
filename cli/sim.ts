import { createServer } from 'node:http';
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { parse } from 'yaml';
import { parseDuration } from '../config/duration.ts';
import { formatConfigError } from '../config/errors.ts';
import { loadConfigFile, parseConfig, type LoadResult } from '../config/load.ts';
import type { Config } from '../config/schema.ts';
import { durableFaultKinds, instantFaultKinds, type Fault } from '../simulator/faults.ts';
import { generateDistrict } from '../simulator/inventory.ts';
import { expandTimeline, parseScenario } from '../simulator/scenario.ts';
import { startSimulation, type Simulation } from '../simulator/simulation.ts';
import { stringify } from 'yaml';
import { ExitCode, UsageError, type CliIo } from './io.ts';

export const simHelp = `Usage: linkwatch sim --scenario FILE [--inventory FILE | --sites N]
                     [--write-inventory FILE] [--truth FILE] [--mode auto|netns|loopback]
                     [--speed X] [--control HOST:PORT] [--prefix NAME] [--subnet-offset N]

Starts a simulated district network (SNMP agents that answer like DrayTek, MikroTik, Cisco,
TP-Link and FortiGate routers, and ICMP targets) and plays the scenario's faults on schedule.
  --inventory FILE         simulate the sites, devices and links of this inventory (its
                           secrets are replaced by the simulator's own, so unset variables
                           without a fallback are given a stand-in)
  --sites N                or N generated sites (a district centre and N−1 communes)
  --write-inventory FILE   write the inventory that points at the simulated network (plain
                           credentials: they are the simulator's own); run the collector on it
  --truth FILE             the ground-truth log: one JSON line per fault applied, with its
                           start and end in epoch milliseconds
  --mode                   netns (root: one network namespace per site, so ICMP faults are
                           real), loopback (127.x addresses; ICMP faults cannot be played), or
                           auto (netns when root)
  --speed X                simulated time runs X times faster (144: a day in ten minutes)
  --control HOST:PORT      an HTTP endpoint to play faults on command:
                           POST /faults {"kind":"link-down","link":"nam-xe-internet","for":"10m"}
                           GET /faults, DELETE /faults/ID
  --prefix NAME            netns mode: the namespaces' and veths' names start with it (lwsim)
  --subnet-offset N        netns mode: site k (from 0) gets 10.251.(N+k+1).0/24 (N = 0); two
                           simulations at once need a prefix and subnets of their own
Shipped scenarios (scenarios/):
  on the sample inventory or --sites N:  calm-day, month, upstream-failure (N ≥ 2)
  on the sample inventory only:          storm-day (its faults name the sample's sites), demo (an
                                         hour in real time; \`linkwatch demo\` plays it)
Runs until the scenario's duration has passed, or SIGINT/SIGTERM.`;

export async function simCommand(args: string[], io: CliIo): Promise<ExitCode> {
  const { values } = parseArgs({
    args,
    options: {
      scenario: { type: 'string' },
      inventory: { type: 'string' },
      sites: { type: 'string' },
      'write-inventory': { type: 'string' },
      truth: { type: 'string' },
      mode: { type: 'string', default: 'auto' },
      speed: { type: 'string' },
      control: { type: 'string' },
      prefix: { type: 'string' },
      'subnet-offset': { type: 'string' },
    },
  });
  if (!values.scenario) throw new UsageError('--scenario FILE is required');
  if (values.inventory && values.sites) throw new UsageError('give --inventory or --sites, not both');
  const mode = values.mode;
  if (mode !== 'auto' && mode !== 'netns' && mode !== 'loopback') throw new UsageError(`--mode must be auto, netns or loopback; got "${mode}"`);

  const scenarioFile = values.scenario;
  let raw: unknown;
  try {
    raw = parse(await readFile(scenarioFile, 'utf8'));
  } catch (error) {
    io.stderr.write(`${scenarioFile}: ${(error as Error).message}\n`);
    return ExitCode.usage;
  }
  const parsed = parseScenario(raw);
  if (!parsed.ok) {
    for (const error of parsed.errors) io.stderr.write(`${formatConfigError(error, scenarioFile)}\n`);
    return ExitCode.usage;
  }
  const scenario = parsed.scenario;
  const speed = values.speed !== undefined ? Number(values.speed) : scenario.speed;
  if (!(speed > 0)) throw new UsageError(`--speed must be a positive number; got "${values.speed}"`);

  const subnetOffset = values['subnet-offset'] !== undefined ? Number(values['subnet-offset']) : undefined;
  if (subnetOffset !== undefined && !(Number.isInteger(subnetOffset) && subnetOffset >= 0)) {
    throw new UsageError(`--subnet-offset must be a whole number ≥ 0; got "${values['subnet-offset']}"`);
  }
  if (values.sites !== undefined && scenario.network && 'inventory' in scenario.network && scenario.network.only) {
    throw new UsageError(
      `scenario ${scenarioFile} ("${scenario.name}") is for its own inventory only (${scenario.network.inventory}): its faults name that inventory's sites, devices and links, which a generated district (--sites ${values.sites}) does not have. Run it without --sites, or with --inventory FILE of an inventory with the same ids; on a generated district, play one that works with --sites (listed below).`,
    );
  }

  // The network: the command line wins over the scenario's own choice.
  const network =
    values.sites !== undefined
      ? { sites: Number(values.sites) }
      : values.inventory !== undefined
        ? { inventory: values.inventory }
        : (scenario.network ?? { sites: 22 });
  let config: Config;
  if ('sites' in network) {
    if (!Number.isInteger(network.sites) || network.sites < 1) throw new UsageError(`--sites must be a whole number ≥ 1; got "${values.sites}"`);
    const generated = parseConfig(stringify(generateDistrict({ sites: network.sites, seed: scenario.seed })));
    if (!generated.ok) throw new Error(`generated inventory invalid: ${JSON.stringify(generated.errors)}`);
    config = generated.config;
  } else {
    // A scenario's inventory path is relative to the scenario file.
    const file = values.inventory ?? resolve(dirname(scenarioFile), network.inventory);
    const loaded = await loadInventoryToSimulate(file, io.env);
    if (!loaded.result.ok) {
      for (const error of loaded.result.errors) io.stderr.write(`${formatConfigError(error, file)}\n`);
      if (loaded.standIns.length > 0) io.stderr.write(`(unset, so given the stand-in "${STAND_IN}": ${loaded.standIns.join(', ')})\n`);
      return ExitCode.usage;
    }
    config = loaded.result.config;
  }

  const startMs = scenario.start ? Date.parse(scenario.start) : Date.now();
  const timeline = expandTimeline(scenario, { sites: config.sites.map((s) => s.id), devices: config.devices.map((d) => d.id), links: config.links.map((l) => l.id) }, startMs);
  if (!timeline.ok) {
    for (const error of timeline.errors) io.stderr.write(`${formatConfigError(error, scenarioFile)}\n`);
    if ('sites' in network && timeline.errors.some((error) => error.message.startsWith('unknown '))) {
      const shown = config.sites.slice(0, 6).map((site) => site.id);
      io.stderr.write(
        `${scenarioFile} names ids that a generated district of ${network.sites} site${network.sites === 1 ? '' : 's'} does not have: its sites are ${shown.join(', ')}${config.sites.length > shown.length ? `, … (${config.sites.length} in all)` : ''}, with a router SITE-router at each and the links dc-internet, dc-tslcd, SITE-internet and (two communes in three) SITE-tslcd.\n`,
      );
    }
    return ExitCode.usage;
  }

  const log = (message: string) => io.stderr.write(`[sim] ${message}\n`);
  const simulation = await startSimulation({
    config,
    timeline: timeline.faults,
    startMs,
    durationMs: scenario.duration,
    speed,
    seed: scenario.seed,
    mode,
    ...(values.prefix ? { prefix: values.prefix } : {}),
    ...(subnetOffset !== undefined ? { subnetOffset } : {}),
    truthFile: values.truth,
    log,
  });
  if (values['write-inventory']) {
    await writeFile(values['write-inventory'], simulation.inventoryYaml);
    log(`inventory written to ${values['write-inventory']}`);
  }
  const control = values.control ? await startControl(values.control, simulation, log) : undefined;
  log(`scenario "${scenario.name}": ${timeline.faults.length} faults over ${scenario.duration / 3_600_000} h simulated, ${(scenario.duration / speed / 60_000).toFixed(1)} min real`);

  const stopped = await Promise.race([
    simulation.finished.then(() => 'finished' as const),
    new Promise<'signal'>((resolve) => {
      process.once('SIGINT', () => resolve('signal'));
      process.once('SIGTERM', () => resolve('signal'));
    }),
  ]);
  log(stopped === 'finished' ? 'scenario finished' : 'stopping');
  control?.close();
  await simulation.stop();
  return ExitCode.ok;
}

/** What an unset variable of the simulated inventory becomes: any secret is replaced anyway. */
const STAND_IN = 'linkwatch-sim-stand-in';

/**
 * Loads an inventory to simulate. The simulator replaces its secrets with its own, so the
 * variables it needs are not asked of the user: each one the loader reports unset (set to
 * nothing, with no `${NAME:-fallback}`) gets a stand-in and the file is loaded again. A
 * fallback is kept, since it may be an address or a URL that a stand-in would not be.
 */
export async function loadInventoryToSimulate(file: string, env: CliIo['env']): Promise<{ result: LoadResult; standIns: string[] }> {
  const first = await loadConfigFile(file, { env });
  if (first.ok) return { result: first, standIns: [] };
  const standIns = [...new Set(first.errors.flatMap((error) => error.unsetVariable ?? []))];
  if (standIns.length === 0) return { result: first, standIns };
  const result = await loadConfigFile(file, { env: { ...env, ...Object.fromEntries(standIns.map((name) => [name, STAND_IN])) } });
  return { result, standIns };
}

const faultKinds = new Set<string>([...durableFaultKinds, ...instantFaultKinds]);

async function startControl(listen: string, simulation: Simulation, log: (message: string) => void) {
  const match = /^(.*):(\d+)$/.exec(listen);
  if (!match) throw new UsageError(`--control must be HOST:PORT; got "${listen}"`);
  const server = createServer((request, response) => {
    const reply = (status: number, body: unknown) => response.writeHead(status, { 'content-type': 'application/json' }).end(`${JSON.stringify(body)}\n`);
    const url = request.url ?? '/';
    if (request.method === 'GET' && url === '/faults') return reply(200, simulation.active());
    const ending = /^\/faults\/([\w.-]+)$/.exec(url);
    if (request.method === 'DELETE' && ending) {
      void simulation.end(ending[1]!).then(() => reply(200, { ended: ending[1] }));
      return;
    }
    if (request.method !== 'POST' || url !== '/faults') return reply(404, { error: { code: 'not_found', message: 'try GET/POST /faults or DELETE /faults/ID' } });
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      let fault: Fault & { for?: string };
      try {
        fault = JSON.parse(body) as Fault & { for?: string };
      } catch {
        return reply(400, { error: { code: 'bad_json', message: 'the body must be a JSON fault' } });
      }
      if (!faultKinds.has(fault.kind)) return reply(400, { error: { code: 'bad_kind', message: `kind must be one of ${[...faultKinds].join(', ')}` } });
      let durationMs: number | undefined;
      if (fault.for !== undefined) {
        const parsedFor = parseDuration(String(fault.for));
        if (!parsedFor.ok) return reply(400, { error: { code: 'bad_duration', message: `for: ${parsedFor.message}` } });
        durationMs = parsedFor.ms;
      }
      const { for: _ignored, ...rest } = fault;
      simulation.inject(rest as Fault, durationMs).then(
        (record) => reply(201, record),
        (error: Error) => reply(500, { error: { code: 'failed', message: error.message } }),
      );
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(Number(match[2]), match[1]!.replace(/^\[(.*)\]$/, '$1'), resolve);
  });
  log(`control endpoint on http://${listen}/faults`);
  return { close: () => server.close() };
}
