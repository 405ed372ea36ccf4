/**
 * `npm run services -- install|start|stop|status|restart`
 *
 * Installs the Debian packages linkwatch's tests and benchmarks need (when root), and runs a
 * project-local InfluxDB 1.x bound to 127.0.0.1 with its data under .data/influxdb. It only ever
 * stops the influxd it started itself (recorded in a pid file and checked against /proc).
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { packageRoot } from '../config/package-root.ts';

const run = promisify(execFile);

const PROJECT_ROOT = packageRoot(import.meta.url);

/** Every Debian package the project uses: database, reference SNMP agent and tools, ICMP,
 * namespaces and packet loss for tests, Prometheus' snmp_exporter for the benchmark baseline. */
export const DEBIAN_PACKAGES = [
  'influxdb',
  'snmpd',
  'snmp',
  'iputils-ping',
  'fping',
  'iproute2',
  'nftables',
  'prometheus-snmp-exporter',
  // The dashboard's browser tests drive Debian's Chromium (playwright-core downloads nothing),
  // which also prints the PDF reports.
  'chromium',
  // docker-compose.yml is validated offline (`docker-compose config -q`): no engine runs here.
  'docker-compose',
] as const;

export interface InfluxdOptions {
  /** Folder for config, data, pid file and log. */
  dir: string;
  httpPort: number;
  rpcPort: number;
  /** Require a user (tests of credentials); the first one is made with CREATE USER … WITH ALL PRIVILEGES. */
  authEnabled?: boolean;
}

export const defaultInfluxdOptions = (env: NodeJS.ProcessEnv): InfluxdOptions => ({
  dir: env.LINKWATCH_INFLUX_DIR ?? join(PROJECT_ROOT, '.data', 'influxdb'),
  httpPort: Number(env.LINKWATCH_INFLUX_PORT ?? 8086),
  rpcPort: Number(env.LINKWATCH_INFLUX_RPC_PORT ?? 8088),
});

const paths = (options: InfluxdOptions) => ({
  config: join(options.dir, 'influxdb.conf'),
  pid: join(options.dir, 'influxd.pid'),
  log: join(options.dir, 'influxd.log'),
});

export function influxdConfig(options: InfluxdOptions): string {
  const dir = options.dir;
  // Settings measured to work on Debian's influxdb 1.6 (see shared/MACHINE-NOTES.md).
  return `reporting-disabled = true
bind-address = "127.0.0.1:${options.rpcPort}"

[meta]
  dir = "${join(dir, 'meta')}"

[data]
  dir = "${join(dir, 'data')}"
  wal-dir = "${join(dir, 'wal')}"
  query-log-enabled = false

[monitor]
  store-enabled = false

[http]
  enabled = true
  bind-address = "127.0.0.1:${options.httpPort}"
  log-enabled = false
  auth-enabled = ${options.authEnabled === true}

[continuous_queries]
  enabled = true
  log-enabled = false
`;
}

async function pingInflux(port: number): Promise<boolean> {
  try {
    const response = await fetch(`http://127.0.0.1:${port}/ping`, { signal: AbortSignal.timeout(1000) });
    return response.status === 204;
  } catch {
    return false;
  }
}

/** The pid of the influxd this project started, if it is still that process. */
function ourInfluxdPid(options: InfluxdOptions): number | undefined {
  const { pid: pidFile, config } = paths(options);
  if (!existsSync(pidFile)) return undefined;
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    if (cmdline.some((arg) => arg.endsWith('influxd')) && cmdline.includes(config)) return pid;
  } catch {
    // Not running any more.
  }
  return undefined;
}

/** What `startInfluxd` found: whoever started an influxd is the one to stop it. */
export type InfluxdStart = 'started' | 'already-ours' | 'foreign';

export async function startInfluxd(options: InfluxdOptions, log: (line: string) => void): Promise<InfluxdStart> {
  if (ourInfluxdPid(options) !== undefined && (await pingInflux(options.httpPort))) {
    log(`influxd already running on 127.0.0.1:${options.httpPort} (started by linkwatch)`);
    return 'already-ours';
  }
  if (await pingInflux(options.httpPort)) {
    log(`an InfluxDB not started by linkwatch already answers on 127.0.0.1:${options.httpPort}; using it`);
    return 'foreign';
  }
  if (!existsSync('/usr/bin/influxd')) {
    throw new Error('influxd is not installed: run `npm run services -- install` as root (Debian package "influxdb")');
  }
  const files = paths(options);
  mkdirSync(options.dir, { recursive: true });
  writeFileSync(files.config, influxdConfig(options));
  const logFd = openSync(files.log, 'a');
  const child = spawn('/usr/bin/influxd', ['run', '-config', files.config], { detached: true, stdio: ['ignore', logFd, logFd] });
  child.unref();
  writeFileSync(files.pid, `${child.pid}\n`);
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (await pingInflux(options.httpPort)) {
      log(`influxd started on 127.0.0.1:${options.httpPort} (pid ${child.pid}, data in ${options.dir})`);
      return 'started';
    }
    if (child.exitCode !== null || ourInfluxdPid(options) === undefined) break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const tail = readFileSync(files.log, 'utf8').split('\n').slice(-15).join('\n');
  throw new Error(`influxd did not answer /ping on 127.0.0.1:${options.httpPort} within 30 s; last log lines:\n${tail}`);
}

export async function stopInfluxd(options: InfluxdOptions, log: (line: string) => void): Promise<void> {
  const pid = ourInfluxdPid(options);
  if (pid === undefined) {
    log('influxd: nothing to stop (no influxd started by linkwatch is running)');
    return;
  }
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline && ourInfluxdPid(options) !== undefined) await new Promise((resolve) => setTimeout(resolve, 100));
  if (ourInfluxdPid(options) !== undefined) process.kill(pid, 'SIGKILL');
  rmSync(paths(options).pid, { force: true });
  log(`influxd stopped (pid ${pid})`);
}

/** What `npm run demo` needs: the database, ICMP, and namespaces with packet loss for the
 * simulated district's faults (snmpd and its tools to poke at the simulated routers). */
export const DEMO_PACKAGES = ['influxdb', 'snmpd', 'snmp', 'iputils-ping', 'fping', 'iproute2', 'nftables'] as const satisfies readonly (typeof DEBIAN_PACKAGES)[number][];

export async function installPackages(log: (line: string) => void, packages: readonly string[] = DEBIAN_PACKAGES): Promise<void> {
  const missing: string[] = [];
  for (const name of packages) {
    const status = await run('dpkg-query', ['-W', '-f=${Status}', name]).then(
      ({ stdout }) => stdout,
      () => '',
    );
    if (!status.includes('install ok installed')) missing.push(name);
  }
  if (missing.length === 0) {
    log('Debian packages: all present');
    return;
  }
  if (process.getuid?.() !== 0) {
    throw new Error(`missing Debian packages: ${missing.join(' ')}\nInstall them as root:\n  sudo apt-get update && sudo apt-get install -y ${missing.join(' ')}`);
  }
  log(`installing Debian packages: ${missing.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  await runVisible('apt-get', ['update', '-qq'], env);
  await runVisible('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], env);
}

function runVisible(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: 'inherit', env });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${command} ${args.join(' ')} exited with ${code}`))));
  });
}

async function cli(action: string | undefined): Promise<number> {
  const options = defaultInfluxdOptions(process.env);
  const log = (line: string) => console.log(line);
  switch (action) {
    case 'install':
      await installPackages(log);
      return 0;
    case 'start':
      await installPackages(log);
      await startInfluxd(options, log);
      return 0;
    case 'stop':
      await stopInfluxd(options, log);
      return 0;
    case 'restart':
      await stopInfluxd(options, log);
      await startInfluxd(options, log);
      return 0;
    case 'status': {
      const pid = ourInfluxdPid(options);
      const answers = await pingInflux(options.httpPort);
      console.log(`influxd: ${answers ? 'answering' : 'not answering'} on 127.0.0.1:${options.httpPort}${pid ? ` (pid ${pid}, started by linkwatch)` : ''}`);
      return answers ? 0 : 3;
    }
    default:
      console.error('Usage: npm run services -- install|start|stop|restart|status');
      return 2;
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  cli(process.argv[2]).then(
    (code) => process.exit(code),
    (error: Error) => {
      console.error(`services: ${error.message}`);
      process.exit(1);
    },
  );
}
