import { spawn, type ChildProcess } from 'node:child_process';
import dgram from 'node:dgram';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import snmp from 'net-snmp';
import type { AuthProtocol, PrivProtocol, SecurityLevel } from '../../config/schema.ts';

// A real Debian snmpd (net-snmp 5.9) per test file, in the foreground, on a free loopback UDP
// port or inside a test network namespace. Facts it relies on are in MACHINE-NOTES.md: the
// address goes in the config file only, and persistentDir lives apart from the config because
// snmpd rewrites snmpd.conf there on shutdown.

/** An SNMPv3 user to create in the agent. Keys are plain strings: this is test data. */
export interface SnmpdUser {
  name: string;
  level: SecurityLevel;
  authProtocol?: AuthProtocol;
  authKey?: string;
  privProtocol?: PrivProtocol;
  privKey?: string;
}

export interface SnmpdOptions {
  /** Read-only v1/v2c communities, readable from anywhere. */
  communities?: string[];
  users?: SnmpdUser[];
  /** Run inside this namespace (`ip netns exec`), listening on its address, port 161. */
  namespace?: { name: string; address: string };
  sysName?: string;
  sysLocation?: string;
  sysContact?: string;
  /** More snmpd.conf lines: views, restricted communities. */
  extraConfig?: string[];
}

export interface RunningSnmpd {
  readonly host: string;
  readonly port: number;
  /** What snmpd printed so far (`-Lo`): connections, authentication failures. */
  log(): string;
  stop(): Promise<void>;
}

/** Protocol names as snmpd's createUser spells them. Debian's 5.9.3 takes all of these. */
export const snmpdAuthNames: Readonly<Record<AuthProtocol, string>> = {
  md5: 'MD5',
  sha: 'SHA',
  sha224: 'SHA-224',
  sha256: 'SHA-256',
  sha384: 'SHA-384',
  sha512: 'SHA-512',
};

/** `AES-256` is the Blumenthal key extension, `AES-256-C` the Reeder/Cisco one. */
export const snmpdPrivNames: Readonly<Record<PrivProtocol, string>> = {
  des: 'DES',
  aes: 'AES',
  aes256b: 'AES-256',
  aes256r: 'AES-256-C',
};

const levelWords: Readonly<Record<SecurityLevel, string>> = { noAuthNoPriv: 'noauth', authNoPriv: 'auth', authPriv: 'priv' };

function createUserLine(user: SnmpdUser): string {
  if (user.level === 'noAuthNoPriv') return `createUser ${user.name}`;
  const auth = `${snmpdAuthNames[user.authProtocol!]} "${user.authKey}"`;
  if (user.level === 'authNoPriv') return `createUser ${user.name} ${auth}`;
  return `createUser ${user.name} ${auth} ${snmpdPrivNames[user.privProtocol!]} "${user.privKey}"`;
}

function snmpdConfig(options: SnmpdOptions, address: string, port: number, persistentDir: string): string {
  return [
    `[snmp] persistentDir ${persistentDir}`,
    `agentAddress udp:${address}:${port}`,
    `sysName ${options.sysName ?? 'linkwatch-test'}`,
    `sysLocation ${options.sysLocation ?? 'test bench'}`,
    `sysContact ${options.sysContact ?? 'it@example.invalid'}`,
    ...(options.communities ?? []).map((community) => `rocommunity ${community}`),
    ...(options.users ?? []).flatMap((user) => [`rouser -s usm ${user.name} ${levelWords[user.level]}`, createUserLine(user)]),
    ...(options.extraConfig ?? []),
    '',
  ].join('\n');
}

async function freeUdpPort(): Promise<number> {
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(0, '127.0.0.1', resolve);
  });
  const { port } = socket.address();
  await new Promise<void>((resolve) => socket.close(() => resolve()));
  return port;
}

/** Resolves once the agent answers anything: a v3 discovery for an unknown user gets a report. */
async function answers(host: string, port: number): Promise<boolean> {
  const nobody = { name: 'lw-readiness', level: snmp.SecurityLevel.noAuthNoPriv };
  const session = snmp.createV3Session(host, nobody, { port, timeout: 200, retries: 0 });
  session.on('error', () => undefined);
  try {
    return await new Promise<boolean>((resolve) => {
      session.get(['1.3.6.1.2.1.1.3.0'], (error) => resolve(!error || (error as Error).name !== 'RequestTimedOutError'));
    });
  } finally {
    session.close();
  }
}

const exited = (child: ChildProcess) => child.exitCode !== null || child.signalCode !== null;

function waitForExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (exited(child)) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

async function launch(options: SnmpdOptions): Promise<RunningSnmpd & { started: boolean }> {
  const host = options.namespace?.address ?? '127.0.0.1';
  // Inside a namespace the port space is the namespace's own: use the real SNMP port.
  const port = options.namespace ? 161 : await freeUdpPort();
  const configDir = await mkdtemp(join(tmpdir(), 'lw-snmpd-conf-'));
  const persistentDir = await mkdtemp(join(tmpdir(), 'lw-snmpd-state-'));
  const configFile = join(configDir, 'snmpd.conf');
  await writeFile(configFile, snmpdConfig(options, host, port, persistentDir), { mode: 0o600 });

  const agent = ['snmpd', '-f', '-Lo', '-C', '-c', configFile, '-p', join(configDir, 'snmpd.pid')];
  const [command, ...args] = options.namespace ? ['ip', 'netns', 'exec', options.namespace.name, ...agent] : agent;
  // MIBS="" skips loading Debian's partial MIB set, which only produces warnings.
  const child = spawn(command!, args, { env: { ...process.env, MIBS: '' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.on('error', (error) => (output += `\nspawn failed: ${error.message}`));

  const cleanUp = async () => {
    await rm(configDir, { recursive: true, force: true });
    await rm(persistentDir, { recursive: true, force: true });
  };
  const stop = async () => {
    if (!exited(child)) {
      child.kill('SIGTERM');
      if (!(await waitForExit(child, 5000))) {
        child.kill('SIGKILL');
        await waitForExit(child, 2000);
      }
    }
    await cleanUp();
  };

  const until = Date.now() + 10_000;
  let started = false;
  while (Date.now() < until && !exited(child)) {
    if (output.includes('NET-SNMP version') && (await answers(host, port))) {
      started = true;
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  if (!started) await stop();
  return { host, port, started, log: () => output, stop };
}

/**
 * Starts snmpd with `options` and waits until it answers. On loopback a port taken between
 * choosing it and snmpd binding it makes snmpd exit; that is retried with another port.
 */
export async function startSnmpd(options: SnmpdOptions = {}): Promise<RunningSnmpd> {
  let lastLog = '';
  for (let attempt = 0; attempt < 3; attempt++) {
    const { started, ...running } = await launch(options);
    if (started) return running;
    lastLog = running.log();
  }
  throw new Error(`snmpd did not start and answer within 10 s:\n${lastLog}`);
}
