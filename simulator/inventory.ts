import { stringify } from 'yaml';
import { parseConfig } from '../config/load.ts';
import type { Config, Device, SnmpCredentials } from '../config/schema.ts';
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

/** Collector intervals that suit the simulation's speed: a compressed day needs short intervals. */
export function collectorIntervalsFor(speed: number): { snmp: string; icmp: string } {
  const seconds = (normal: number) => `${Math.max(1, Math.round(normal / speed))}s`;
  return { snmp: seconds(60), icmp: seconds(30) };
}

/**
 * The inventory that points at the simulated network: every device at its simulated address
 * with the simulator's plain credentials, every link's targets replaced by simulated ones, and
 * collector intervals suited to the simulation's speed. Validated before it is returned.
 */
export function simulatedInventory(config: Config, network: Pick<SimNetwork, 'deviceAddress' | 'linkTargets'>, options: { speed: number }): { config: Config; yaml: string } {
  const intervals = collectorIntervalsFor(options.speed);
  const document = {
    collector: { snmp: { interval: intervals.snmp, timeout: '2s', retries: 1 }, icmp: { interval: intervals.icmp, count: 3, timeout: '500ms', spacing: '100ms' } },
    influx: { url: config.influx.url, database: config.influx.database },
    sites: config.sites.map((site) => dropUndefined({ ...site })),
    devices: config.devices.map((device) => {
      const { snmp, ...rest } = device;
      const where = network.deviceAddress(device.id);
      return dropUndefined({
        ...rest,
        address: where.host,
        ...(snmp ? { snmp: { credentials: simulatedCredentials(snmp.credentials), port: where.port } } : {}),
      });
    }),
    links: config.links.map((link) => dropUndefined({ ...link, targets: network.linkTargets(link.id) })),
  };
  const yaml = `# Written by \`linkwatch sim\`: this inventory points at the simulated network. The credentials\n# are the simulator's own, in plain form, so any SNMP tool can be pointed at these devices.\n${stringify(document, { lineWidth: 0 })}`;
  const parsed = parseConfig(yaml);
  if (!parsed.ok) throw new Error(`the simulated inventory is invalid (a simulator bug): ${parsed.errors.map((error) => `${error.path}: ${error.message}`).join('; ')}`);
  return { config: parsed.config, yaml };
}

function dropUndefined<T extends Record<string, unknown>>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
