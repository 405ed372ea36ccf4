import { stringify } from 'yaml';
import type { core } from 'zod';
import { formatDuration } from '../config/duration.ts';
import { parseConfig } from '../config/load.ts';
import { configSchema, durationSchema, type Config, type Device, type SnmpCredentials } from '../config/schema.ts';
import type { SimNetwork } from './contracts.ts';
import { communeName, slug } from './names.ts';
import { profileById } from './profiles.ts';

// The networks the simulator plays: generated districts of N sites, or a given inventory, and
// the inventory it writes back so the collector (or any SNMP tool) can be pointed at it.

/** The simulator's own credentials: written in plain form into the inventory it produces. */
export const SIM_COMMUNITY = 'linkwatch-sim';
export const SIM_AUTH_KEY = 'linkwatch-sim-auth';
export const SIM_PRIV_KEY = 'linkwatch-sim-priv';

const COMMUNE_PROFILES = ['draytek-vigor2927', 'mikrotik-hex', 'tplink-er605', 'fortigate-60f', 'draytek-vigor2925'] as const;

/**
 * A district of `sites` sites: a district centre (Cisco core router, internet and TSLCD uplinks,
 * SNMPv3) and communes with one router each (vendors in rotation), an internet line, and for two
 * communes in three a TSLCD line behind the district's. Returns YAML-ready data.
 */
export function generateDistrict(options: { sites: number; seed?: number }): Record<string, unknown> {
  const count = options.sites;
  if (!Number.isInteger(count) || count < 1) throw new Error(`--sites must be a whole number ≥ 1; got ${count}`);
  const sites: Record<string, unknown>[] = [{ id: 'dc', name: 'Trung tâm huyện (mô phỏng)', kind: 'district-centre', groups: ['core'] }];
  const devices: Record<string, unknown>[] = [
    { id: 'dc-router', site: 'dc', role: 'router', name: 'Cisco ISR 4331', address: '127.0.0.1', snmp: { credentials: 'core' } },
  ];
  const links: Record<string, unknown>[] = [
    { id: 'dc-internet', site: 'dc', kind: 'internet', provider: 'VNPT', capacity: { downMbps: 300, upMbps: 300 }, device: 'dc-router', interface: 'Gi0/0/0', targets: ['127.0.0.1'] },
    { id: 'dc-tslcd', site: 'dc', kind: 'tslcd', provider: 'VNPT', capacity: { downMbps: 100, upMbps: 100 }, device: 'dc-router', interface: 'Gi0/0/1', targets: ['127.0.0.1'] },
  ];
  const used = new Set(['dc']);
  for (let n = 0; n < count - 1; n++) {
    const name = communeName(n);
    let id = slug(name);
    while (used.has(id)) id = `${id}-x`;
    used.add(id);
    const profile = profileById(COMMUNE_PROFILES[n % COMMUNE_PROFILES.length]!);
    const group = `cum-${(n % 4) + 1}`;
    sites.push({ id, name: `Xã ${name}`, kind: 'commune', parent: 'dc', groups: [group] });
    devices.push({ id: `${id}-router`, site: id, role: 'router', name: `${profile.vendor} ${profile.model}`, address: '127.0.0.1', snmp: { credentials: 'communes' } });
    const speed = [30, 50, 80, 100][n % 4]!;
    links.push({ id: `${id}-internet`, site: id, kind: 'internet', provider: n % 2 ? 'Viettel' : 'VNPT', capacity: { downMbps: speed, upMbps: speed }, device: `${id}-router`, interface: profile.wanOrder[0], targets: ['127.0.0.1'] });
    if (n % 3 !== 2) {
      links.push({ id: `${id}-tslcd`, site: id, kind: 'tslcd', provider: 'VNPT', capacity: { downMbps: 10, upMbps: 10 }, device: `${id}-router`, interface: profile.wanOrder[1], targets: ['127.0.0.1'], upstream: 'dc-tslcd' });
    }
  }
  return {
    credentials: {
      communes: { version: '2c', community: SIM_COMMUNITY },
      core: { version: 3, user: 'linkwatch', authProtocol: 'sha256', authKey: SIM_AUTH_KEY, privProtocol: 'aes', privKey: SIM_PRIV_KEY },
    },
    sites,
    devices,
    links,
  };
}

/** The simulator's stand-in for a device's credentials: same version (and v3 protocols), its own keys. */
export function simulatedCredentials(credentials: SnmpCredentials): Record<string, unknown> {
  if (credentials.version !== '3') return { version: credentials.version, community: SIM_COMMUNITY };
  const base = { version: '3', user: credentials.user, level: credentials.level };
  if (credentials.level === 'noAuthNoPriv') return base;
  const auth = { authProtocol: credentials.authProtocol, authKey: SIM_AUTH_KEY };
  if (credentials.level === 'authNoPriv') return { ...base, ...auth };
  return { ...base, ...auth, privProtocol: credentials.privProtocol, privKey: SIM_PRIV_KEY };
}

const VENDOR_WORDS: readonly [RegExp, string][] = [
  [/cisco|isr/, 'cisco-isr4331'],
  [/mikrotik|routeros/, 'mikrotik-hex'],
  [/draytek|vigor/, 'draytek-vigor2927'],
  [/tp-?link|omada/, 'tplink-er605'],
  [/forti/, 'fortigate-60f'],
];

/** Which vendor profile plays a device: the vendor its name mentions, else Cisco for the
 * district centre, else the commune vendors in rotation. */
export function profileFor(device: Pick<Device, 'name' | 'id'>, index: number, siteKind: string): string {
  const text = `${device.name ?? ''} ${device.id}`.toLowerCase();
  const named = VENDOR_WORDS.find(([pattern]) => pattern.test(text));
  if (named) return named[1];
  if (siteKind === 'district-centre') return 'cisco-isr4331';
  return COMMUNE_PROFILES[index % COMMUNE_PROFILES.length]!;
}

/** A poll interval compressed by the simulation's speed: whole seconds, at least 1 s. */
export function scaledInterval(ms: number, speed: number): string {
  return formatDuration(Math.max(1, Math.round(ms / speed / 1_000)) * 1_000);
}

/** Collector intervals that suit the simulation's speed: a compressed day needs short intervals.
 * `normal` is the inventory's own (collector.snmp.interval, collector.icmp.interval). */
export function collectorIntervalsFor(speed: number, normal: { snmp: number; icmp: number }): { snmp: string; icmp: string } {
  return { snmp: scaledInterval(normal.snmp, speed), icmp: scaledInterval(normal.icmp, speed) };
}

/**
 * The simulated inventory's own waits, in ms. They are not scaled: the simulated agents answer
 * in real time at any speed, so short waits suffice; a longer per-item timeout (written for a
 * slow real device) is cut to these, or a silent agent would stretch over many compressed rounds.
 */
const SIMULATED_PROBES = { snmp: { timeout: 2_000, retries: 1 }, icmp: { timeout: 500, count: 3, spacing: 100 } } as const;

type Path = readonly (string | '*')[];

/**
 * Where the config schema takes a duration (`durationSchema` of config/fields.ts), as paths
 * with `*` for list items and record values. Read from the schema, so a duration added to it is
 * written back as a duration too, never as the milliseconds it parsed into.
 */
export function durationPaths(schema: core.$ZodType = configSchema, path: Path = []): Path[] {
  if (schema === durationSchema) return [path];
  const def = schema._zod.def;
  switch (def.type) {
    case 'object':
      return Object.entries((def as core.$ZodObjectDef).shape).flatMap(([key, child]) => durationPaths(child, [...path, key]));
    case 'array':
      return durationPaths((def as core.$ZodArrayDef).element, [...path, '*']);
    case 'record':
      return durationPaths((def as core.$ZodRecordDef).valueType, [...path, '*']);
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'nonoptional':
    case 'readonly':
    case 'catch':
      return durationPaths((def as core.$ZodOptionalDef).innerType, path);
    case 'pipe':
      return [...durationPaths((def as core.$ZodPipeDef).in, path), ...durationPaths((def as core.$ZodPipeDef).out, path)];
    case 'union':
      return (def as core.$ZodUnionDef).options.flatMap((option) => durationPaths(option, path));
    default:
      return [];
  }
}

type InventoryList = 'sites' | 'devices' | 'links';
const itemPaths = (list: InventoryList): Path[] => durationPaths().filter((path) => path[0] === list && path[1] === '*').map((path) => path.slice(2));
/** Per list, the duration paths inside one item (`snmp.interval` for devices, …). */
const itemDurationPaths: Record<InventoryList, Path[]> = { sites: itemPaths('sites'), devices: itemPaths('devices'), links: itemPaths('links') };

/**
 * One site, device or link as the simulated inventory writes it: the item's own settings
 * (a device's `snmp`, a link's `icmp`, mirroring the collector's sections) without those equal
 * to the collector's (a device's are merged with them at load), every duration written as one,
 * intervals scaled by the speed and waits cut to the simulator's own.
 */
function simulatedItem(list: InventoryList, item: Record<string, unknown>, config: Config, speed: number): Record<string, unknown> {
  const collector = config.collector as unknown as Record<string, Record<string, unknown> | undefined>;
  const out: Record<string, unknown> = { ...item };
  for (const [section, value] of Object.entries(out)) {
    const global = collector[section];
    if (!global || typeof global !== 'object' || !value || typeof value !== 'object' || Array.isArray(value)) continue;
    const own = Object.fromEntries(Object.entries(value).filter(([key, setting]) => setting !== global[key]));
    if (Object.keys(own).length > 0) out[section] = own;
    else delete out[section];
  }
  for (const path of itemDurationPaths[list]) {
    const key = path.at(-1)!;
    const limit = (SIMULATED_PROBES as Record<string, Record<string, number> | undefined>)[String(path[0])]?.[key];
    updateAt(out, path, (ms) => (key === 'interval' ? scaledInterval(ms, speed) : formatDuration(limit !== undefined ? Math.min(ms, limit) : ms)));
  }
  return out;
}

/** Replaces the numbers found at `path` (`*`: every element) in a plain, unfrozen copy. */
function updateAt(node: unknown, path: Path, update: (ms: number) => string): void {
  if (!node || typeof node !== 'object') return;
  const [head, ...rest] = path;
  const record = node as Record<string, unknown>;
  const keys = head === '*' ? Object.keys(record) : head !== undefined && head in record ? [head] : [];
  for (const key of keys) {
    if (rest.length > 0) updateAt(record[key], rest, update);
    else if (typeof record[key] === 'number') record[key] = update(record[key]);
  }
}

/**
 * The inventory that points at the simulated network: every device at its simulated address
 * with the simulator's plain credentials, every link's targets replaced by simulated ones, and
 * collector intervals (the global ones and each item's own) suited to the simulation's speed.
 * Validated before it is returned.
 */
export function simulatedInventory(config: Config, network: Pick<SimNetwork, 'deviceAddress' | 'linkTargets'>, options: { speed: number }): { config: Config; yaml: string } {
  const { speed } = options;
  const intervals = collectorIntervalsFor(speed, { snmp: config.collector.snmp.interval, icmp: config.collector.icmp.interval });
  const { snmp: snmpWaits, icmp: icmpWaits } = SIMULATED_PROBES;
  const document = {
    collector: {
      snmp: { interval: intervals.snmp, timeout: formatDuration(snmpWaits.timeout), retries: snmpWaits.retries },
      icmp: { interval: intervals.icmp, count: icmpWaits.count, timeout: formatDuration(icmpWaits.timeout), spacing: formatDuration(icmpWaits.spacing) },
    },
    influx: { url: config.influx.url, database: config.influx.database },
    sites: config.sites.map((site) => simulatedItem('sites', dropUndefined({ ...site }), config, speed)),
    devices: config.devices.map((device) => {
      const { snmp, ...rest } = device;
      const where = network.deviceAddress(device.id);
      // The profile name is for display only: the simulator writes the credentials inline.
      const { credentials, profile: _profile, port: _port, ...settings } = snmp ?? ({} as Partial<NonNullable<Device['snmp']>>);
      const item = dropUndefined({ ...rest, address: where.host, ...(snmp ? { snmp: { credentials: simulatedCredentials(credentials!), port: where.port, ...settings } } : {}) });
      return simulatedItem('devices', item, config, speed);
    }),
    links: config.links.map((link) => simulatedItem('links', dropUndefined({ ...link, targets: network.linkTargets(link.id) }), config, speed)),
  };
  const yaml = `# Written by \`linkwatch sim\`: this inventory points at the simulated network. The credentials\n# are the simulator's own, in plain form, so any SNMP tool can be pointed at these devices.\n${stringify(document, { lineWidth: 0 })}`;
  const parsed = parseConfig(yaml);
  if (!parsed.ok) throw new Error(`the simulated inventory is invalid (a simulator bug): ${parsed.errors.map((error) => `${error.path}: ${error.message}`).join('; ')}`);
  return { config: parsed.config, yaml };
}

function dropUndefined<T extends Record<string, unknown>>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
