import { isIP } from 'node:net';
import { parseArgs } from 'node:util';
import { authProtocols, collectorDefaults, icmpEngines, privProtocols, type IcmpEngineSetting } from '../config/schema.ts';
import { toIcmpJson } from '../collector/probes/icmp/format.ts';
import { createIcmpProber, DEFAULT_ICMP_OPTIONS, type IcmpProbeOptions } from '../collector/probes/icmp/probe.ts';
import { toProbeJson } from '../collector/probes/snmp/format.ts';
import { DEFAULT_SNMP_OPTIONS, probeSnmp, type SnmpProbeOptions } from '../collector/probes/snmp/probe.ts';
import { formatBitsPerSecond, formatUptime } from './format.ts';
import { ExitCode, UsageError, writeJsonError, type CliIo } from './io.ts';
import { credentialsFromFlags, snmpCredentialOptions } from './snmp-flags.ts';

const snmpDefaults = DEFAULT_SNMP_OPTIONS;
const icmpDefaults = { ...DEFAULT_ICMP_OPTIONS, engine: collectorDefaults.icmp.engine };

export const probeHelp = `Usage:
  linkwatch probe snmp HOST[:PORT] [--snmp-version 1|2c|3] [--community C]
                 [--v3-user U [--security-level L] --auth-protocol P --auth-key K
                  --priv-protocol P --priv-key K] [--context NAME]
                 [--timeout MS] [--retries N] [--max-repetitions N] [--json]
  linkwatch probe icmp HOST [--count N] [--timeout MS] [--spacing MS]
                 [--engine ${icmpEngines.join('|')}] [--json]

Polls once and prints what the target says.
  snmp: the system group and one row per interface. IPv6 addresses go in brackets with a port:
        [2001:db8::1]:1161. The community and the v3 keys may instead come from the environment
        variables LINKWATCH_SNMP_COMMUNITY, LINKWATCH_SNMP_AUTH_KEY and LINKWATCH_SNMP_PRIV_KEY,
        which keeps them out of the process list.
        --auth-protocol: ${authProtocols.join(', ')}
        --priv-protocol: ${privProtocols.join(', ')} (aes = AES-128; aes256b = AES-256 Blumenthal,
                         aes256r = AES-256 Reeder/Cisco)
  icmp: echo statistics: sent, received, loss, RTT min/avg/max and jitter.

Defaults are the collector's (collector.snmp and collector.icmp of the config):
  snmp: --timeout ${snmpDefaults.timeoutMs} (per request) --retries ${snmpDefaults.retries} --max-repetitions ${snmpDefaults.maxRepetitions}
  icmp: --count ${icmpDefaults.count} --timeout ${icmpDefaults.timeoutMs} (per echo) --spacing ${icmpDefaults.intervalMs} --engine ${icmpDefaults.engine}

With --json every outcome is one JSON document on stdout; a failure has an "error" key,
{"reason", "message"} (for icmp beside the statistics: received 0, lossPct 100).

Exit codes: 0 answered; 1 no usable answer (timeout, auth failure, unreachable, malformed);
2 bad arguments.`;

export async function probeCommand(args: string[], io: CliIo): Promise<ExitCode> {
  const [kind, ...rest] = args;
  if (kind === 'snmp') return probeSnmpCommand(rest, io);
  if (kind === 'icmp') return probeIcmpCommand(rest, io);
  throw new UsageError(kind === undefined ? 'say what to probe: snmp or icmp' : `unknown probe kind "${kind}"; expected snmp or icmp`);
}

/** HOST, HOST:PORT, [IPv6]:PORT or a bare IPv6 address. */
export function parseHostPort(text: string, defaultPort: number): { host: string; port: number } {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(text);
  if (bracketed) return { host: bracketed[1]!, port: parsePort(bracketed[2], defaultPort) };
  if (isIP(text) === 6) return { host: text, port: defaultPort };
  const [host, port, extra] = text.split(':');
  if (!host || extra !== undefined) throw new UsageError(`cannot read "${text}" as HOST[:PORT]`);
  return { host, port: parsePort(port, defaultPort) };
}

function parsePort(text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const port = Number(text);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new UsageError(`port must be 1–65535; got "${text}"`);
  return port;
}

function positiveInteger(text: string | undefined, name: string, fallback: number, min = 1): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < min) throw new UsageError(`--${name} must be a whole number ≥ ${min}; got "${text}"`);
  return value;
}

/** The SNMP probe's options from the command line; a flag left out takes the collector's default. */
export function snmpOptionsFromFlags(flags: { timeout?: string; retries?: string; 'max-repetitions'?: string }): Required<SnmpProbeOptions> {
  return {
    ...snmpDefaults,
    timeoutMs: positiveInteger(flags.timeout, 'timeout', snmpDefaults.timeoutMs),
    retries: positiveInteger(flags.retries, 'retries', snmpDefaults.retries, 0),
    maxRepetitions: positiveInteger(flags['max-repetitions'], 'max-repetitions', snmpDefaults.maxRepetitions),
  };
}

/** The ICMP probe's engine and options from the command line; a flag left out takes the
 * collector's default. */
export function icmpSettingsFromFlags(flags: { count?: string; timeout?: string; spacing?: string; engine?: string }): {
  engine: IcmpEngineSetting;
  options: IcmpProbeOptions;
} {
  const engine = (flags.engine ?? icmpDefaults.engine) as IcmpEngineSetting;
  if (!icmpEngines.includes(engine)) throw new UsageError(`--engine: expected one of ${icmpEngines.join(', ')}; got "${flags.engine}"`);
  return {
    engine,
    options: {
      count: positiveInteger(flags.count, 'count', icmpDefaults.count),
      timeoutMs: positiveInteger(flags.timeout, 'timeout', icmpDefaults.timeoutMs),
      intervalMs: positiveInteger(flags.spacing, 'spacing', icmpDefaults.intervalMs),
    },
  };
}

async function probeSnmpCommand(args: string[], io: CliIo): Promise<ExitCode> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      ...snmpCredentialOptions,
      timeout: { type: 'string' },
      retries: { type: 'string' },
      'max-repetitions': { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });
  if (positionals.length !== 1) throw new UsageError('give exactly one HOST[:PORT]');
  const { host, port } = parseHostPort(positionals[0]!, 161);
  const credentials = credentialsFromFlags(values, io.env);
  const options = snmpOptionsFromFlags(values);
  const result = await probeSnmp({ device: `${host}:${port}`, host, port, credentials }, options);
  if (!result.ok) {
    if (values.json) writeJsonError(io, { reason: result.reason, message: result.message });
    else io.stderr.write(`linkwatch probe snmp: ${result.reason}: ${result.message}\n`);
    return ExitCode.failed;
  }
  if (values.json) {
    io.stdout.write(`${JSON.stringify(toProbeJson(result))}\n`);
    return ExitCode.ok;
  }
  const { system, interfaces } = result;
  const lines = [
    `System      ${system.name}`,
    `Description ${system.descr.replace(/\s+/g, ' ')}`,
    `Object ID   ${system.objectId}`,
    `Uptime      ${formatUptime(system.uptimeTicks / 100)}`,
    `Location    ${system.location}`,
    `Contact     ${system.contact}`,
    '',
  ];
  const rows = interfaces.map((iface) => [
    String(iface.index),
    iface.name,
    `${iface.operStatus}/${iface.adminStatus}`,
    formatBitsPerSecond(iface.speedBps),
    iface.inOctets?.toString() ?? '-',
    iface.outOctets?.toString() ?? '-',
    iface.alias,
  ]);
  lines.push(...table(['INDEX', 'NAME', 'OPER/ADMIN', 'SPEED', 'IN OCTETS', 'OUT OCTETS', 'ALIAS'], rows));
  io.stdout.write(`${lines.join('\n')}\n`);
  return ExitCode.ok;
}

async function probeIcmpCommand(args: string[], io: CliIo): Promise<ExitCode> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      count: { type: 'string' },
      timeout: { type: 'string' },
      spacing: { type: 'string' },
      engine: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });
  if (positionals.length !== 1) throw new UsageError('give exactly one HOST');
  const { engine, options } = icmpSettingsFromFlags(values);
  const host = positionals[0]!;
  const result = await createIcmpProber({ engine }).probeOne(host, options);
  if (values.json) {
    io.stdout.write(`${JSON.stringify(toIcmpJson(result, options.count))}\n`);
    return result.ok ? ExitCode.ok : ExitCode.failed;
  }
  if (!result.ok) {
    io.stderr.write(`linkwatch probe icmp: ${result.reason}: ${result.message}\n`);
    return ExitCode.failed;
  }
  const ms = (value: number | null) => (value === null ? '-' : `${value.toFixed(2)} ms`);
  io.stdout.write(
    `${host}: ${result.received}/${result.sent} replies, ${result.lossPct}% loss, ` +
      `rtt min/avg/max ${ms(result.rttMinMs)} / ${ms(result.rttAvgMs)} / ${ms(result.rttMaxMs)}, jitter ${ms(result.jitterMs)}\n`,
  );
  return ExitCode.ok;
}

function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  const line = (cells: string[]) => cells.map((cell, column) => cell.padEnd(widths[column]!)).join('  ').trimEnd();
  return [line(header), ...rows.map(line)];
}
