import { writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { isIP } from 'node:net';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { parse as parseYaml, stringify } from 'yaml';
import { formatPath } from '../config/errors.ts';
import { authProtocols, configSchema, ID_PATTERN, privProtocols, type DeviceRole, type SnmpCredentials } from '../config/schema.ts';
import { probeFailure, type FailureReason } from '../collector/probes/result.ts';
import { toProbeJson } from '../collector/probes/snmp/format.ts';
import {
  checkSnmpSettings,
  DEFAULT_SNMP_OPTIONS,
  probeSnmp,
  type SnmpInterface,
  type SnmpProbeOptions,
  type SnmpProbeResult,
  type SnmpSystem,
  type SnmpTarget,
} from '../collector/probes/snmp/probe.ts';
import { unsupportedCrypto } from '../collector/probes/snmp/session.ts';
import { mapLimited } from '../model/map-limited.ts';
import { formatBitsPerSecond } from './format.ts';
import { ExitCode, UsageError, writeJsonError, type CliIo } from './io.ts';
import { credentialsFromFlags, SNMP_SECRET_VARIABLES, snmpCredentialOptions } from './snmp-flags.ts';

// `linkwatch discover`: an SNMP sweep of one subnet, printed as inventory entries for a person to
// review. The pure halves (CIDR expansion, role guess, ids, rendering, the bounded sweep with an
// injected probe) are exported for table tests; the command wires them to probeSnmp.

/** The largest sweep at all: a /16. Beyond it a sweep at a polite rate takes hours. */
export const MAX_SWEEP_HOSTS = 65_536;

export const DISCOVER_DEFAULTS = Object.freeze({
  concurrency: 32,
  rate: 100,
  timeoutMs: 1_000,
  retries: 0,
  port: 161,
  // A /20: larger needs --max-hosts, so a mistyped /16 (11 minutes of traffic at the default
  // rate, through a commune's thin uplink) is a decision, not an accident.
  maxHosts: 4_096,
});

/** Where the generated config tells the collector to read each secret: the same variables this
 * command reads, so one environment serves both. */
export const SECRET_VARIABLES = SNMP_SECRET_VARIABLES;

/** The site of every generated entry: not a valid id on purpose, so a config that still holds
 * it fails `check-config` at that very line. */
export const SITE_PLACEHOLDER = 'CHANGE-ME';

export const discoverHelp = `Usage:
  linkwatch discover CIDR [--snmp-version 1|2c|3] [--community C]
                 [--v3-user U [--security-level L] --auth-protocol P --auth-key K
                  --priv-protocol P --priv-key K] [--context NAME] [--port N] [--profile NAME]
                 [--concurrency N] [--rate N] [--timeout MS] [--retries N] [--max-repetitions N]
                 [--max-hosts N] [--out FILE] [--json] [--verbose]

Sweeps an IPv4 subnet with SNMP and prints, for the devices that answer, inventory entries to
review and paste into the config: a \`devices:\` section (id from sysName, site ${SITE_PLACEHOLDER},
role guessed from sysDescr and sysObjectID, name, address, snmp credentials, interfaces: all),
each entry followed by comments with its sysDescr, location, contact and interfaces, and a
commented \`links:\` section of hints. Entries are sorted by address.

  CIDR                IPv4 network, /16 to /32 (a bare address is a /32); network and broadcast
                      addresses are skipped below /31.
  --max-hosts N       refuse sweeps of more than N addresses (default ${DISCOVER_DEFAULTS.maxHosts}, at most ${MAX_SWEEP_HOSTS}).
  --community, --auth-key, --priv-key
                      as for \`linkwatch probe snmp\`; or the environment variables
                      ${SECRET_VARIABLES.community}, ${SECRET_VARIABLES.authKey} and
                      ${SECRET_VARIABLES.privKey}, which keeps them out of the process list.
                      The output never holds a secret: inline credentials name those
                      variables as \${...}, for the collector to read from its environment.
                      --auth-protocol: ${authProtocols.join(', ')}
                      --priv-protocol: ${privProtocols.join(', ')}
  --profile NAME      write \`credentials: NAME\` (a profile under credentials:) instead.
  --port N            the devices' SNMP port (default ${DISCOVER_DEFAULTS.port}).
  --concurrency N     hosts probed at once, at most (default ${DISCOVER_DEFAULTS.concurrency}).
  --rate N            new hosts per second, at most (default ${DISCOVER_DEFAULTS.rate}).
  --timeout MS        per request (default ${DISCOVER_DEFAULTS.timeoutMs}); --retries N per request (default ${DISCOVER_DEFAULTS.retries}).
  --out FILE          write the document to FILE, which must not exist yet, instead of stdout.
  --json              print the devices found as one JSON document instead of YAML.
  --verbose           list on stderr every address that gave no usable answer, with the reason.

Stderr gets a progress line once a second on a terminal and a summary line always. Addresses
that do not answer, or refuse the credentials, are counted and are not errors; agents that answer
without a usable system group are always listed on stderr.

Exit codes: 0 swept (even if nothing answered); 1 --out could not be written; 2 bad arguments.`;

// ---------------------------------------------------------------------------------------------
// CIDR
// ---------------------------------------------------------------------------------------------

export type HostsResult = { ok: true; cidr: string; hosts: string[] } | { ok: false; message: string };

const toNumber = (address: string): number => address.split('.').reduce((value, octet) => value * 256 + Number(octet), 0);
const toAddress = (value: number): string => [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join('.');

/** `order` for sorting dotted IPv4 addresses numerically (10.0.0.9 before 10.0.0.10). */
export const compareAddresses = (a: string, b: string): number => toNumber(a) - toNumber(b);

/**
 * The addresses a sweep of `cidr` probes, in order. A host bit set in the given address is
 * forgiven (10.1.2.3/24 sweeps 10.1.2.0/24), since people often copy an interface's address.
 */
export function hostsOf(cidr: string, options: { maxHosts?: number } = {}): HostsResult {
  const maxHosts = options.maxHosts ?? DISCOVER_DEFAULTS.maxHosts;
  const match = /^([^/\s]+)(?:\/(\d{1,2}))?$/.exec(cidr.trim());
  const address = match?.[1] ?? '';
  if (isIP(address) === 6 || (match === null && cidr.includes(':'))) return { ok: false, message: `"${cidr}" is IPv6: discover sweeps IPv4 networks only` };
  if (!match || isIP(address) !== 4) return { ok: false, message: `cannot read "${cidr}" as an IPv4 network such as 10.20.1.0/24` };
  const prefix = match[2] === undefined ? 32 : Number(match[2]);
  if (prefix > 32) return { ok: false, message: `"${cidr}": an IPv4 prefix is /0 to /32` };
  if (prefix < 16) {
    return { ok: false, message: `${cidr} is larger than a /16, the largest sweep (${MAX_SWEEP_HOSTS} addresses): sweep it one /16 or smaller at a time` };
  }
  const size = 2 ** (32 - prefix);
  const network = toNumber(address) - (toNumber(address) % size);
  // RFC 3021: a /31 is a point-to-point pair with no network or broadcast address.
  const [first, last] = prefix >= 31 ? [network, network + size - 1] : [network + 1, network + size - 2];
  const count = last - first + 1;
  const canonical = `${toAddress(network)}/${prefix}`;
  if (count > maxHosts) {
    const minutes = Math.ceil(count / DISCOVER_DEFAULTS.rate / 60);
    return {
      ok: false,
      message: `${canonical} has ${count} addresses, more than --max-hosts ${maxHosts} (about ${minutes} min at ${DISCOVER_DEFAULTS.rate} hosts/s): ` +
        `pass --max-hosts ${Math.min(MAX_SWEEP_HOSTS, count)} to sweep it, or sweep a smaller network`,
    };
  }
  return { ok: true, cidr: canonical, hosts: Array.from({ length: count }, (_, i) => toAddress(first + i)) };
}

// ---------------------------------------------------------------------------------------------
// Role guess
// ---------------------------------------------------------------------------------------------

interface RoleRule {
  role: DeviceRole;
  descr: RegExp;
  /** IANA private enterprise numbers (1.3.6.1.4.1.N) of vendors that make only this kind. */
  enterprises?: readonly number[];
}

// Order matters: the first rule whose sysDescr pattern matches wins, so the narrower kinds
// (a MikroTik cAP runs RouterOS, a Catalyst runs IOS, FortiOS is a router too) come first.
const ROLE_RULES: readonly RoleRule[] = [
  { role: 'ups', descr: /\bUPS\b|Smart-UPS|Symmetra|APC Web\/SNMP|Network Management Card|PowerNet|\bEaton\b|Powerware|\bSantak\b/i, enterprises: [318, 534, 705] },
  { role: 'access-point', descr: /access[ -]?point|\bUAP\b|UniFi\s*AP|Aironet|\bAIR-C?AP|\bEAP\d{3}|Ruckus|\b[cw]AP\b/i, enterprises: [25053] },
  {
    role: 'firewall',
    descr: /FortiGate|FortiOS|pfSense|OPNsense|Sophos|SonicWall|Palo Alto|PAN-OS|Adaptive Security Appliance|\bASA\d{0,4}\b|Check ?Point|WatchGuard/i,
    enterprises: [12356, 25461, 8741, 2620, 3097],
  },
  {
    role: 'switch',
    descr: /\bswitch(?:ing)?\b|Catalyst|\bC(?:2950|2960|3560|3650|3750|3850|9200|9300|9500)|Nexus|NX-OS|\bCRS\d|SwOS|JetStream|ProCurve|\bEX\d{4}\b|\bQFX|Quidway S|\bS\d{4}-|\bSG\d{3}|\bCBS\d{3}/i,
  },
  {
    role: 'router',
    descr: /Cisco IOS|IOS[- ]XE|IOS XR|RouterOS|JUNOS|Juniper|Vigor|DrayTek|EdgeOS|EdgeRouter|VyOS|OpenWrt|\brouter\b|Versatile Routing Platform|ZyWALL/i,
    enterprises: [9, 14988, 2636, 7367],
  },
  { role: 'modem', descr: /\bmodem\b|\bONT\b|\bONU\b|GPON|EchoLife|ZXHN|\bHG\d{4}|\b[AV]?DSL\b/i },
  // Net-SNMP on a plain OS: in a district office that is mostly a server or a NAS.
  { role: 'server', descr: /\bLinux\b|Windows|FreeBSD|Ubuntu|Debian|CentOS|Red Hat|ESXi|Synology|DiskStation|QNAP/i, enterprises: [8072, 311, 6876] },
];

/** A guess, for a person to check: sysDescr decides when it names the kind, else the vendor's
 * enterprise number, else `other`. */
export function guessRole(sysDescr: string, sysObjectId: string): DeviceRole {
  const byDescr = ROLE_RULES.find((rule) => rule.descr.test(sysDescr));
  if (byDescr) return byDescr.role;
  const enterprise = /^\.?1\.3\.6\.1\.4\.1\.(\d+)/.exec(sysObjectId)?.[1];
  const byVendor = enterprise === undefined ? undefined : ROLE_RULES.find((rule) => rule.enterprises?.includes(Number(enterprise)));
  return byVendor?.role ?? 'other';
}

// ---------------------------------------------------------------------------------------------
// Ids
// ---------------------------------------------------------------------------------------------

const MAX_ID = 64;
const trimId = (text: string): string => text.slice(0, MAX_ID).replace(/[-_]+$/, '');

/** "Nậm-Xé Router.huyen.local" → "nam-xe-router-huyen-local"; the address when sysName gives
 * nothing usable. */
export function idFor(sysName: string, address: string): string {
  const slug = trimId(
    sysName
      .normalize('NFD')
      .replace(/[\u0300-\u036f]/g, '')
      .replace(/[đĐ]/g, 'd')
      .toLowerCase()
      .replace(/[^a-z0-9_]+/g, '-')
      .replace(/^[-_]+/, ''),
  );
  return ID_PATTERN.test(slug) ? slug : address.replace(/\./g, '-');
}

/** The same ids in order, repeats suffixed -2, -3, … (kept within 64 characters). */
export function uniqueIds(ids: readonly string[]): string[] {
  const taken = new Set<string>();
  return ids.map((id) => {
    let candidate = id;
    for (let n = 2; taken.has(candidate); n++) candidate = `${trimId(id.slice(0, MAX_ID - `-${n}`.length))}-${n}`;
    taken.add(candidate);
    return candidate;
  });
}

// ---------------------------------------------------------------------------------------------
// Found devices → inventory entries → YAML
// ---------------------------------------------------------------------------------------------

export interface FoundDevice {
  address: string;
  port: number;
  system: SnmpSystem;
  interfaces: readonly SnmpInterface[];
}

export interface InventoryEntry extends FoundDevice {
  id: string;
  role: DeviceRole;
}

/** Sorted by address, each with a unique id and a guessed role. */
export function inventoryEntries(found: readonly FoundDevice[]): InventoryEntry[] {
  const sorted = [...found].sort((a, b) => compareAddresses(a.address, b.address));
  const ids = uniqueIds(sorted.map((device) => idFor(device.system.name, device.address)));
  return sorted.map((device, i) => ({ ...device, id: ids[i]!, role: guessRole(device.system.descr, device.system.objectId) }));
}

const placeholder = (variable: string): string => `\${${variable}}`;

/** The credentials as the config writes them, every secret a `${VARIABLE}` reference. */
export function credentialsForConfig(credentials: SnmpCredentials): Record<string, string> {
  if (credentials.version !== '3') return { version: credentials.version, community: placeholder(SECRET_VARIABLES.community) };
  const base = { version: '3', user: credentials.user, level: credentials.level, ...(credentials.context ? { context: credentials.context } : {}) };
  if (credentials.level === 'noAuthNoPriv') return base;
  const auth = { authProtocol: credentials.authProtocol, authKey: placeholder(SECRET_VARIABLES.authKey) };
  if (credentials.level === 'authNoPriv') return { ...base, ...auth };
  return { ...base, ...auth, privProtocol: credentials.privProtocol, privKey: placeholder(SECRET_VARIABLES.privKey) };
}

/** Agent-supplied text goes into comments: one line, no control characters, bounded. */
const commentText = (text: string, max = 160): string => {
  const line = text.replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ').replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
};

const flowScalar = (text: string): string => (/^[A-Za-z][\w./-]*$/.test(text) ? text : JSON.stringify(text));

const isLoopback = (iface: SnmpInterface): boolean => iface.type === 24 || /^(?:lo\d*|loopback\d*|null\d*)$/i.test(iface.name);
// Names routers give their uplinks, and the carriers whose name staff type into ifAlias.
const WAN_LIKE = /wan|internet|uplink|pppoe|dialer|gpon|fibre|fiber|sfp|tslcd|vnpt|viettel|fpt|mobifone|cmc|^gi(?:gabitethernet)?0\/0\/[01]$|^ether1$/i;
const TSLCD_LIKE = /tslcd|tr[uư]y[eề]n s[oố] li[eệ]u/i;

/** The link kind a hint proposes: the government data network when the alias says so. */
const hintKind = (iface: SnmpInterface): 'tslcd' | 'internet' => (TSLCD_LIKE.test(`${iface.name} ${iface.alias}`) ? 'tslcd' : 'internet');

/** The interfaces most likely to carry a line, for the links hints: WAN-like names first, up only. */
export function linkCandidates(interfaces: readonly SnmpInterface[], max = 2): SnmpInterface[] {
  const up = interfaces.filter((iface) => iface.operStatus === 'up' && !isLoopback(iface));
  const wanLike = up.filter((iface) => WAN_LIKE.test(iface.name) || WAN_LIKE.test(iface.alias));
  return (wanLike.length > 0 ? wanLike : up).slice(0, max);
}

function interfaceComments(interfaces: readonly SnmpInterface[]): string[] {
  if (interfaces.length === 0) return ['# interfaces: none listed by the agent'];
  const rows = interfaces.map((iface) => [
    commentText(iface.name, 40),
    formatBitsPerSecond(iface.speedBps),
    `${iface.operStatus}/${iface.adminStatus}`,
    iface.alias ? JSON.stringify(commentText(iface.alias, 60)) : '',
  ]);
  const widths = [0, 1, 2].map((column) => Math.max(...rows.map((row) => row[column]!.length)));
  return [
    '# interfaces (name, speed, oper/admin status, alias):',
    ...rows.map((row) => `#   ${row.map((cell, column) => (column < 3 ? cell.padEnd(widths[column]!) : cell)).join('  ').trimEnd()}`),
  ];
}

export interface RenderOptions {
  entries: readonly InventoryEntry[];
  /** The sweep's credentials: written with every secret as a `${VARIABLE}` reference. */
  credentials: SnmpCredentials;
  /** Write `credentials: PROFILE` in each entry instead, and the profile's shape in the header. */
  profile?: string;
  /** The network swept and how many addresses, for the header. */
  cidr: string;
  swept: number;
}

/** The `devices:` section as YAML, each entry followed by comments, then commented link hints. */
export function renderInventoryYaml(options: RenderOptions): string {
  const { entries, profile } = options;
  const inline = credentialsForConfig(options.credentials);
  const credentialsValue = profile ?? inline;
  const variables = Object.values(inline).filter((value) => value.startsWith('${'));
  const reads =
    variables.length === 0
      ? ['no secret is needed at this security level']
      : [`the collector reads ${variables.length === 1 ? 'the secret' : 'the secrets'} in its environment, from`, `  ${variables.join(' and ')}`];
  const header = [`# Found by \`linkwatch discover ${options.cidr}\`: ${entries.length} of ${options.swept} addresses answered.`];
  if (entries.length === 0) return `${header.join('\n')}\ndevices: []\n`;
  header.push(
    `# To review before pasting under the config's devices: set each site (${SITE_PLACEHOLDER} is a`,
    '# placeholder check-config refuses), check each role (guessed from sysDescr and sysObjectID),',
    '# and keep or narrow interfaces: all.',
  );
  if (profile !== undefined) {
    header.push(
      `# credentials: ${profile} names a profile under the config's credentials:, for example`,
      `#   credentials: ${stringify({ [profile]: inline }, { collectionStyle: 'flow', lineWidth: 0 }).trim()}`,
      ...reads.map((line, i) => `# ${i === 0 ? `(${line}` : line}${i === reads.length - 1 ? ')' : ''}`),
    );
  } else {
    header.push(
      ...reads.map((line, i) => `# ${i === 0 ? `Inline credentials: ${line}` : line}${i === reads.length - 1 ? ';' : ''}`),
      '# a profile under credentials: (and --profile NAME here) saves repeating them.',
    );
  }

  const lines = [...header, 'devices:'];
  for (const entry of entries) {
    const name = entry.system.name.trim();
    const device = {
      id: entry.id,
      site: SITE_PLACEHOLDER,
      role: entry.role,
      ...(name ? { name } : {}),
      address: entry.address,
      snmp: { credentials: credentialsValue, ...(entry.port !== DISCOVER_DEFAULTS.port ? { port: entry.port } : {}) },
      interfaces: 'all',
    };
    const yaml = stringify([device], { lineWidth: 0 }).trimEnd();
    lines.push(...yaml.split('\n').map((line) => `  ${line}`));
    const comments = [
      `# sysDescr:    ${commentText(entry.system.descr)}`,
      `# sysObjectID: ${commentText(entry.system.objectId)}`,
      `# location:    ${commentText(entry.system.location)}`,
      `# contact:     ${commentText(entry.system.contact)}`,
      ...interfaceComments(entry.interfaces),
    ];
    lines.push(...comments.map((comment) => `    ${comment}`));
  }
  const hints = entries.flatMap((entry) =>
    linkCandidates(entry.interfaces).map(
      (iface) => `#   - {id: ${SITE_PLACEHOLDER}, site: ${SITE_PLACEHOLDER}, kind: ${hintKind(iface)}, device: ${entry.id}, interface: ${flowScalar(iface.name)}}`,
    ),
  );
  lines.push(
    '',
    '# Links: for each line a device carries, an entry under the config\'s links: (kind internet, tslcd,',
    '# wan or lan; targets: addresses to ping beyond it). Candidates, from the interfaces that are up:',
    '# links:',
    ...(hints.length > 0 ? hints : ['#   (no interface is up)']),
  );
  return `${lines.join('\n')}\n`;
}

/** Checks the rendered YAML the way the config loader would read its device entries (with the
 * site placeholder stood in for by a valid id, as the sites are the reader's to fill in). */
export function checkInventoryYaml(text: string): { ok: true; devices: number } | { ok: false; problems: string[] } {
  let document: unknown;
  try {
    document = parseYaml(text);
  } catch (error) {
    return { ok: false, problems: [`not YAML: ${(error as Error).message}`] };
  }
  const devices = (document as { devices?: unknown } | null)?.devices;
  if (!Array.isArray(devices)) return { ok: false, problems: ['no devices: list'] };
  const deviceSchema = configSchema.shape.devices.unwrap().element;
  const problems: string[] = [];
  const ids = new Set<string>();
  devices.forEach((raw: unknown, index) => {
    const entry = raw as Record<string, unknown>;
    const parsed = deviceSchema.safeParse({ ...entry, site: entry.site === SITE_PLACEHOLDER ? 'change-me' : entry.site });
    if (!parsed.success) problems.push(...parsed.error.issues.map((issue) => `devices[${index}].${formatPath(issue.path as (string | number)[])}: ${issue.message}`));
    else if (ids.has(parsed.data.id)) problems.push(`devices[${index}].id: "${parsed.data.id}" is used twice`);
    else ids.add(parsed.data.id);
  });
  return problems.length > 0 ? { ok: false, problems } : { ok: true, devices: devices.length };
}

// ---------------------------------------------------------------------------------------------
// The sweep
// ---------------------------------------------------------------------------------------------

export interface HostOutcome {
  address: string;
  result: SnmpProbeResult;
}

export interface SweepOptions {
  hosts: readonly string[];
  /** Probes in flight at most. */
  concurrency: number;
  /** New hosts started per second at most. */
  ratePerSecond: number;
  /** Never expected to throw; if it does, the host's outcome is an `internal` failure. */
  probe(address: string): Promise<SnmpProbeResult>;
  onSettled?(outcome: HostOutcome): void;
}

/**
 * Probes every host, at most `concurrency` at once and at most `ratePerSecond` new ones a second
 * (host i starts no earlier than i / rate seconds in, so a burst never follows a slow stretch).
 * Outcomes come back in the hosts' order.
 */
export async function sweep(options: SweepOptions): Promise<HostOutcome[]> {
  const { hosts } = options;
  const spacingMs = 1_000 / options.ratePerSecond;
  const startedAt = performance.now();
  return mapLimited(hosts, options.concurrency, async (address, index): Promise<HostOutcome> => {
    // Timers may fire a fraction of a millisecond early: wait until the slot has truly come.
    for (let wait = startedAt + index * spacingMs - performance.now(); wait > 0; wait = startedAt + index * spacingMs - performance.now()) {
      await sleep(Math.ceil(wait));
    }
    let result: SnmpProbeResult;
    try {
      result = await options.probe(address);
    } catch (error) {
      result = probeFailure('internal', `${address}: unexpected error: ${error instanceof Error ? error.message : String(error)}`);
    }
    const outcome = { address, result };
    options.onSettled?.(outcome);
    return outcome;
  });
}

// ---------------------------------------------------------------------------------------------
// The command
// ---------------------------------------------------------------------------------------------

/** What the command reaches the network through; tests pass a fake. */
export interface DiscoverDeps {
  probe(target: SnmpTarget, options: SnmpProbeOptions): Promise<SnmpProbeResult>;
}

const wholeNumber = (text: string | undefined, name: string, fallback: number, min: number, max: number): number => {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isInteger(value) || value < min || value > max) {
    throw new UsageError(`--${name} must be a whole number from ${min} to ${max}; got "${text}"`);
  }
  return value;
};

// Failures that say nothing is there to inventory (or not for these credentials): counted, and
// listed only with --verbose. Anything else is an agent that answered unusably, worth a line.
const QUIET_REASONS: ReadonlySet<FailureReason> = new Set(['timeout', 'unreachable', 'auth']);
const reasonWords: Partial<Record<FailureReason, string>> = { timeout: 'no answer', auth: 'auth failure' };

const isTty = (stream: CliIo['stderr']): boolean => (stream as { isTTY?: boolean }).isTTY === true;

export async function runDiscover(args: string[], io: CliIo, deps: DiscoverDeps = { probe: probeSnmp }): Promise<ExitCode> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      ...snmpCredentialOptions,
      port: { type: 'string' },
      profile: { type: 'string' },
      concurrency: { type: 'string' },
      rate: { type: 'string' },
      timeout: { type: 'string' },
      retries: { type: 'string' },
      'max-repetitions': { type: 'string' },
      'max-hosts': { type: 'string' },
      out: { type: 'string' },
      json: { type: 'boolean', default: false },
      verbose: { type: 'boolean', default: false },
    },
  });
  if (positionals.length !== 1) throw new UsageError('give exactly one CIDR, such as 10.20.1.0/24');
  const maxHosts = wholeNumber(values['max-hosts'], 'max-hosts', DISCOVER_DEFAULTS.maxHosts, 1, MAX_SWEEP_HOSTS);
  const range = hostsOf(positionals[0]!, { maxHosts });
  if (!range.ok) throw new UsageError(range.message);
  const concurrency = wholeNumber(values.concurrency, 'concurrency', DISCOVER_DEFAULTS.concurrency, 1, 1_024);
  const rate = wholeNumber(values.rate, 'rate', DISCOVER_DEFAULTS.rate, 1, 10_000);
  const port = wholeNumber(values.port, 'port', DISCOVER_DEFAULTS.port, 1, 65_535);
  const options: SnmpProbeOptions = {
    ...DEFAULT_SNMP_OPTIONS,
    timeoutMs: wholeNumber(values.timeout, 'timeout', DISCOVER_DEFAULTS.timeoutMs, 1, 600_000),
    retries: wholeNumber(values.retries, 'retries', DISCOVER_DEFAULTS.retries, 0, 10),
    maxRepetitions: wholeNumber(values['max-repetitions'], 'max-repetitions', DEFAULT_SNMP_OPTIONS.maxRepetitions, 1, 1_000),
  };
  const profile = values.profile;
  if (profile !== undefined && !ID_PATTERN.test(profile)) {
    throw new UsageError(`--profile "${profile}" is not a valid profile name: 1–64 lowercase letters, digits, "-" or "_"`);
  }
  const credentials = credentialsFromFlags(values, io.env, { requireCommunity: true });
  // Checked once here: otherwise every host would come back with the same `config` failure.
  const problem = checkSnmpSettings({ device: 'discover', host: range.hosts[0]!, port, credentials }, options) ?? unsupportedCrypto(credentials);
  if (problem) throw new UsageError(problem);
  if (values.out !== undefined && existsSync(values.out)) {
    throw new UsageError(`--out ${values.out} exists; give a new file (the output is a fragment to review, not a whole config)`);
  }

  const total = range.hosts.length;
  let settled = 0;
  let answered = 0;
  let progressShown = false;
  const progress = () => `swept ${settled}/${total}, ${answered} answered`;
  const ticker = isTty(io.stderr)
    ? setInterval(() => {
        progressShown = true;
        io.stderr.write(`\r\x1b[K${progress()}`);
      }, 1_000)
    : undefined;
  const started = performance.now();
  let outcomes: HostOutcome[];
  try {
    outcomes = await sweep({
      hosts: range.hosts,
      concurrency,
      ratePerSecond: rate,
      probe: (address) => deps.probe({ device: address, host: address, port, credentials }, options),
      onSettled: ({ result }) => {
        settled++;
        if (result.ok) answered++;
      },
    });
  } finally {
    if (ticker) clearInterval(ticker);
    if (progressShown) io.stderr.write('\r\x1b[K');
  }
  const seconds = (performance.now() - started) / 1_000;

  const found: FoundDevice[] = [];
  const failed: { address: string; reason: FailureReason; message: string }[] = [];
  for (const { address, result } of outcomes) {
    if (result.ok) found.push({ address, port, system: result.system, interfaces: result.interfaces });
    else failed.push({ address, reason: result.reason, message: result.message });
  }
  const counts = new Map<FailureReason, number>();
  for (const failure of failed) counts.set(failure.reason, (counts.get(failure.reason) ?? 0) + 1);

  for (const failure of failed) {
    // The probe's message starts by naming the target; the address leads the line already.
    const detail = failure.message.replace(/^router \S+: /, '');
    if (values.verbose || !QUIET_REASONS.has(failure.reason)) io.stderr.write(`  ${failure.address}: ${failure.reason}: ${detail}\n`);
  }
  const failureSummary = [...counts].map(([reason, count]) => `${count} ${reasonWords[reason] ?? reason}`).join(', ');
  const where = `swept ${total} address${total === 1 ? '' : 'es'} of ${range.cidr} in ${seconds.toFixed(1)} s`;
  io.stderr.write(
    found.length > 0
      ? `linkwatch discover: ${where}: ${found.length} answered${failureSummary ? `, ${failureSummary}` : ''}\n`
      : `linkwatch discover: ${where}: nothing answered (${failureSummary}); check the credentials and --port${values.verbose ? '' : ', or add --verbose'}\n`,
  );

  const entries = inventoryEntries(found);
  let document: string;
  if (values.json) {
    document = `${JSON.stringify({
      cidr: range.cidr,
      swept: total,
      answered: found.length,
      failures: Object.fromEntries(counts),
      devices: entries.map((entry) => ({ id: entry.id, role: entry.role, address: entry.address, port: entry.port, ...toProbeJson({ system: entry.system, interfaces: [...entry.interfaces], durationMs: 0 }) })),
      ...(values.verbose ? { failed } : {}),
    })}\n`;
  } else {
    document = renderInventoryYaml({
      entries,
      credentials,
      ...(profile !== undefined ? { profile } : {}),
      cidr: range.cidr,
      swept: total,
    });
    const check = checkInventoryYaml(document);
    if (!check.ok) throw new Error(`linkwatch discover made an invalid inventory (a bug): ${check.problems.join('; ')}`);
  }

  if (values.out === undefined) {
    io.stdout.write(document);
    return ExitCode.ok;
  }
  try {
    // `wx`: a file that appeared during the sweep is not overwritten either.
    await writeFile(values.out, document, { flag: 'wx' });
  } catch (error) {
    const message = `cannot write ${values.out}: ${(error as Error).message}`;
    if (values.json) writeJsonError(io, { reason: 'internal', message });
    else io.stderr.write(`linkwatch discover: ${message}\n`);
    return ExitCode.failed;
  }
  io.stderr.write(`linkwatch discover: wrote ${found.length} device${found.length === 1 ? '' : 's'} to ${values.out}\n`);
  return ExitCode.ok;
}

export const discoverCommand = (args: string[], io: CliIo): Promise<ExitCode> => runDiscover(args, io);
