import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import snmp from 'net-snmp';

// Debian snmpd agents inside a test namespace, each listening on many UDP ports of the
// namespace's address; every port stands for one router. Facts this relies on
// (shared/MACHINE-NOTES.md, measured again for this file):
// - the addresses go in the config file only (also giving them on the command line binds twice);
// - persistentDir lives apart from the config, because snmpd rewrites snmpd.conf there on exit;
// - snmpd joins repeated `agentAddress` values into one buffer of SPRINT_MAX_LEN (2560) bytes, so
//   one agent takes about 140 `ADDR:PORT` endpoints; past that it fails with
//   `Error opening specified endpoint "10."`. Several agents share the ports instead.

/** snmpd's SPRINT_MAX_LEN, less the terminating NUL: the longest `agentAddress` list it keeps. */
export const AGENT_ADDRESS_MAX_CHARS = 2559;

/** How many `ADDR:PORT` endpoints (five-digit ports) fit one snmpd's address list. */
export const maxPortsPerAgent = (address: string): number => Math.floor((AGENT_ADDRESS_MAX_CHARS + 1) / (`${address}:65535`.length + 1));

/** Splits `ports` over as few agents as the address limit allows, as evenly as possible. */
export function splitPorts(ports: readonly number[], perAgentMax: number): number[][] {
  if (!(Number.isInteger(perAgentMax) && perAgentMax >= 1)) throw new Error(`ports per agent must be a whole number ≥ 1; got ${perAgentMax}`);
  const agents = Math.ceil(ports.length / perAgentMax);
  const size = Math.ceil(ports.length / agents);
  return Array.from({ length: agents }, (_, i) => ports.slice(i * size, (i + 1) * size)).filter((group) => group.length > 0);
}

export interface AgentConfigOptions {
  address: string;
  ports: readonly number[];
  community: string;
  persistentDir: string;
  sysName: string;
}

/** snmpd.conf for one agent of the farm. Throws when the address list would be cut short. */
export function agentConfig(options: AgentConfigOptions): string {
  const endpoints = options.ports.map((port) => `${options.address}:${port}`).join(',');
  if (endpoints.length > AGENT_ADDRESS_MAX_CHARS) {
    throw new Error(
      `${options.ports.length} endpoints make an agentAddress list of ${endpoints.length} characters; snmpd keeps ${AGENT_ADDRESS_MAX_CHARS}: ` +
        `use at most ${maxPortsPerAgent(options.address)} ports per agent`,
    );
  }
  return [
    `[snmp] persistentDir ${options.persistentDir}`,
    `agentAddress ${endpoints}`,
    `sysName ${options.sysName}`,
    'sysLocation linkwatch collector benchmark',
    'sysContact it@example.invalid',
    `rocommunity ${options.community}`,
    '',
  ].join('\n');
}

export interface SnmpdFarmOptions {
  namespace: string;
  address: string;
  ports: readonly number[];
  community: string;
  /** Working folder: one config folder and one state folder per agent go below it. */
  dir: string;
  /** Default: as many as one agent's address list holds. */
  portsPerAgent?: number;
  log: (line: string) => void;
}

export interface RunningAgent {
  pid: number;
  ports: readonly number[];
  /** What snmpd printed (`-Lo`). */
  output(): string;
}

export interface SnmpdFarm {
  agents: readonly RunningAgent[];
  stop(): Promise<void>;
}

const exited = (child: ChildProcess) => child.exitCode !== null || child.signalCode !== null;

async function waitForExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (exited(child)) return true;
  return Promise.race([new Promise<boolean>((resolve) => child.once('exit', () => resolve(true))), sleep(ms, false)]);
}

/** Stops a child by its pid: SIGTERM, then SIGKILL after `graceMs`. */
export async function stopChild(child: ChildProcess, graceMs = 5000): Promise<void> {
  if (exited(child)) return;
  child.kill('SIGTERM');
  if (await waitForExit(child, graceMs)) return;
  child.kill('SIGKILL');
  await waitForExit(child, 2000);
}

/** One v2c GET of sysUpTime; true when the port answers. */
async function answers(host: string, port: number, community: string): Promise<boolean> {
  const session = snmp.createSession(host, community, { port, timeout: 300, retries: 0, version: snmp.Version2c });
  session.on('error', () => undefined);
  try {
    return await new Promise<boolean>((resolve) => session.get(['1.3.6.1.2.1.1.3.0'], (error) => resolve(!error)));
  } finally {
    session.close();
  }
}

/**
 * Starts the agents and resolves once the first and last port of each answer SNMP. On failure
 * every agent already started is stopped before the error is thrown.
 */
export async function startSnmpdFarm(options: SnmpdFarmOptions): Promise<SnmpdFarm> {
  const { address, community, log } = options;
  const groups = splitPorts(options.ports, options.portsPerAgent ?? maxPortsPerAgent(address));
  const children: ChildProcess[] = [];
  const stop = async () => {
    await Promise.all(children.map((child) => stopChild(child)));
  };
  try {
    const agents: RunningAgent[] = [];
    for (const [index, ports] of groups.entries()) {
      const configDir = join(options.dir, `agent-${index}`);
      const persistentDir = join(options.dir, `agent-${index}-state`);
      await mkdir(configDir, { recursive: true });
      await mkdir(persistentDir, { recursive: true });
      const configFile = join(configDir, 'snmpd.conf');
      await writeFile(configFile, agentConfig({ address, ports, community, persistentDir, sysName: `bench-agent-${index}` }), { mode: 0o600 });
      const args = ['netns', 'exec', options.namespace, 'snmpd', '-f', '-Lo', '-C', '-c', configFile, '-p', join(configDir, 'snmpd.pid')];
      // MIBS="" skips Debian's partial MIB set, which only prints warnings. `ip netns exec`
      // execs snmpd in place, so the child's pid is the agent's.
      const child = spawn('ip', args, { env: { ...process.env, MIBS: '' }, stdio: ['ignore', 'pipe', 'pipe'] });
      children.push(child);
      let output = '';
      child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.on('error', (error) => (output += `\nspawn failed: ${error.message}`));
      agents.push({ pid: child.pid ?? -1, ports, output: () => output });
    }

    const deadline = Date.now() + 15_000;
    for (const [index, agent] of agents.entries()) {
      const child = children[index]!;
      const first = agent.ports[0]!;
      const last = agent.ports.at(-1)!;
      for (;;) {
        if (exited(child)) throw new Error(`snmpd agent ${index} (ports ${first}–${last}) exited:\n${agent.output().trim()}`);
        if ((await answers(address, first, community)) && (await answers(address, last, community))) break;
        if (Date.now() > deadline) throw new Error(`snmpd agent ${index} (ports ${first}–${last}) did not answer within 15 s:\n${agent.output().trim()}`);
        await sleep(100);
      }
    }
    log(`snmpd: ${agents.length} agents in ${options.namespace} on ${address}, ports ${options.ports[0]}–${options.ports.at(-1)} (${groups.map((g) => g.length).join('/')} each), pids ${agents.map((a) => a.pid).join(' ')}`);
    return { agents, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
