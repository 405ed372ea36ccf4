import { ID_PATTERN, type Device, type Link, type Site } from '../config/schema.ts';

// The network side's pure half: where every simulated device and link target lives (addresses,
// namespace and interface names), which links and sites sit behind a failed one, and the
// nftables ruleset that plays a site's ICMP faults. No I/O here; simulator/network.ts applies it.

export type NetworkMode = 'netns' | 'loopback';

/** The private range of netns mode. The test helpers (test/helpers/netns.ts) use 10.250.0.0/16. */
export const NETNS_RANGE = '10.251.0.0/16';
/** One /24 per site, 10.251.1.0/24 … 10.251.254.0/24. */
export const NETNS_MAX_SITES = 254;
/** .1 and .2 are the two ends of the site's veth; .3–.254 are the site's own addresses. */
export const NETNS_MAX_ADDRESSES_PER_SITE = 252;
/** Loopback mode starts at 127.77.1.0/24 and moves on to 127.78.x.0/24 … 127.254.x.0/24. */
export const LOOPBACK_FIRST_OCTET2 = 77;
export const LOOPBACK_MAX_SITES = (254 - LOOPBACK_FIRST_OCTET2 + 1) * 254;
/** .1–.254: nothing else lives in a loopback site's /24. */
export const LOOPBACK_MAX_ADDRESSES_PER_SITE = 254;
/** Linux's IFNAMSIZ − 1. */
export const MAX_INTERFACE_NAME = 15;
/** The namespace's end of the uplink veth. Only unique inside its own namespace, so fixed. */
export const NAMESPACE_UPLINK = 'uplink';
/** Every veth name and namespace name starts with the prefix: at most 8 characters keeps the
 * root-side veth `${prefix}v${slot}` within 15. Letters and digits only, so `-` and `v` can
 * separate the parts unambiguously (two prefixes never produce the same name). */
export const PREFIX_PATTERN = /^[a-z][a-z0-9]{0,7}$/;

export interface PlanInput {
  mode: NetworkMode;
  /** Names this simulation's namespaces and veths; two simulations at once need two prefixes. */
  prefix: string;
  /** Shifts the /24s: site k (0-based) gets slot `subnetOffset + k + 1`. Two simulations (or a
   * simulation and a test) at once need non-overlapping slots as well as distinct prefixes. */
  subnetOffset: number;
  snmpPort: number;
  sites: readonly Pick<Site, 'id'>[];
  devices: readonly Pick<Device, 'id' | 'site'>[];
  links: readonly Pick<Link, 'id' | 'site' | 'device' | 'targets'>[];
}

export interface DevicePlan {
  deviceId: string;
  siteId: string;
  /** Management address: SNMP on `snmpPort`, and ping. */
  address: string;
}

export interface LinkPlan {
  linkId: string;
  siteId: string;
  /** One per configured target in the configured order (gateway first, as the inventory lists
   * them); a link without targets still gets one, so every simulated link can be pinged. */
  targets: readonly string[];
  /** The device carrying the link, whose SNMP suffers with the link's packet loss. */
  device?: DevicePlan;
}

interface SitePlanBase {
  siteId: string;
  /** 1-based position of the site's /24 (after `subnetOffset`). */
  slot: number;
  subnet: string;
  /** Every address the site answers on, devices first, then link targets. */
  addresses: readonly string[];
}

export interface NetnsSitePlan extends SitePlanBase {
  /** `${prefix}-${slot}-${siteId}`: readable in `ip netns list`. */
  namespace: string;
  /** Root namespace's end of the veth pair, `${prefix}v${slot}`, addressed `hostAddress` (.1). */
  hostVeth: string;
  hostAddress: string;
  /** The namespace's end, addressed `nsAddress` (.2): the root namespace routes the site's /24
   * through it, so it resolves one neighbour per site rather than one per address (a district of
   * 254 sites would otherwise overflow the kernel's default ARP table of 1,024 entries). */
  nsVeth: typeof NAMESPACE_UPLINK;
  nsAddress: string;
}

export type LoopbackSitePlan = SitePlanBase;

interface PlanBase {
  prefix: string;
  snmpPort: number;
  devices: ReadonlyMap<string, DevicePlan>;
  links: ReadonlyMap<string, LinkPlan>;
}

export type NetworkPlan =
  | (PlanBase & { mode: 'netns'; sites: ReadonlyMap<string, NetnsSitePlan> })
  | (PlanBase & { mode: 'loopback'; sites: ReadonlyMap<string, LoopbackSitePlan> });

export type NetnsPlan = Extract<NetworkPlan, { mode: 'netns' }>;

export type PlanResult = { ok: true; plan: NetworkPlan } | { ok: false; problems: string[] };

/** The first three octets of a site's /24. */
export function siteNetwork(mode: NetworkMode, slot: number): string {
  if (mode === 'netns') return `10.251.${slot}`;
  return `127.${LOOPBACK_FIRST_OCTET2 + Math.floor((slot - 1) / 254)}.${((slot - 1) % 254) + 1}`;
}

export const namespaceName = (prefix: string, slot: number, siteId: string): string => `${prefix}-${slot}-${siteId}`;
export const hostVethName = (prefix: string, slot: number): string => `${prefix}v${slot}`;

/** Matches the namespaces a simulation with this prefix makes, and nothing else (not the test
 * helpers' `lw-label-slot`, not another prefix's). For clearing a crashed run's leftovers. */
export const ownNamespacePattern = (prefix: string): RegExp => new RegExp(`^${prefix}-\\d{1,3}-[a-z0-9_-]+$`);
export const ownHostVethPattern = (prefix: string): RegExp => new RegExp(`^${prefix}v\\d{1,3}$`);

/**
 * Sites, devices and links → addresses and names. Pure and deterministic: the same input gives
 * the same plan. Every problem is reported, naming the value.
 */
export function planNetwork(input: PlanInput): PlanResult {
  const problems: string[] = [];
  const { mode, prefix, subnetOffset, snmpPort } = input;

  if (!PREFIX_PATTERN.test(prefix)) {
    problems.push(`prefix "${prefix}" must be 1–8 characters, a lowercase letter then lowercase letters or digits (it starts every namespace and veth name; Linux allows 15 characters)`);
  }
  if (!Number.isInteger(subnetOffset) || subnetOffset < 0) problems.push(`subnetOffset must be a whole number ≥ 0; got ${subnetOffset}`);
  if (!Number.isInteger(snmpPort) || snmpPort < 1 || snmpPort > 65535) problems.push(`snmpPort must be 1–65535; got ${snmpPort}`);

  const maxSites = mode === 'netns' ? NETNS_MAX_SITES : LOOPBACK_MAX_SITES;
  if (Number.isInteger(subnetOffset) && subnetOffset + input.sites.length > maxSites) {
    problems.push(
      mode === 'netns'
        ? `netns mode supports at most ${NETNS_MAX_SITES} sites (one /24 each, 10.251.1.0/24 … 10.251.254.0/24); got ${input.sites.length} sites from subnetOffset ${subnetOffset}: use loopback mode for more`
        : `loopback mode supports at most ${LOOPBACK_MAX_SITES} sites; got ${input.sites.length} sites from subnetOffset ${subnetOffset}`,
    );
  }

  const siteIndex = new Map<string, number>();
  input.sites.forEach((site, index) => {
    if (!ID_PATTERN.test(site.id)) problems.push(`sites[${index}].id "${site.id}" is not a valid id (it becomes part of a namespace name)`);
    if (siteIndex.has(site.id)) problems.push(`sites[${index}].id "${site.id}" is used twice`);
    else siteIndex.set(site.id, index);
  });
  const deviceIds = new Set<string>();
  input.devices.forEach((device, index) => {
    if (deviceIds.has(device.id)) problems.push(`devices[${index}].id "${device.id}" is used twice`);
    deviceIds.add(device.id);
    if (!siteIndex.has(device.site)) problems.push(`devices[${index}] ("${device.id}"): site "${device.site}" is not among the sites`);
  });
  const linkIds = new Set<string>();
  input.links.forEach((link, index) => {
    if (linkIds.has(link.id)) problems.push(`links[${index}].id "${link.id}" is used twice`);
    linkIds.add(link.id);
    if (!siteIndex.has(link.site)) problems.push(`links[${index}] ("${link.id}"): site "${link.site}" is not among the sites`);
    if (link.device !== undefined && !deviceIds.has(link.device)) {
      problems.push(`links[${index}] ("${link.id}"): device "${link.device}" is not among the devices`);
    }
  });

  // How many addresses each site needs, checked before any is handed out.
  const needed = new Map<string, number>(input.sites.map((site) => [site.id, 0]));
  for (const device of input.devices) if (needed.has(device.site)) needed.set(device.site, needed.get(device.site)! + 1);
  for (const link of input.links) if (needed.has(link.site)) needed.set(link.site, needed.get(link.site)! + Math.max(link.targets.length, 1));
  const perSite = mode === 'netns' ? NETNS_MAX_ADDRESSES_PER_SITE : LOOPBACK_MAX_ADDRESSES_PER_SITE;
  for (const [siteId, count] of needed) {
    if (count > perSite) problems.push(`site "${siteId}" needs ${count} addresses (devices + link targets); ${mode} mode gives a site at most ${perSite}`);
  }

  if (problems.length > 0) return { ok: false, problems };

  const firstHost = mode === 'netns' ? 3 : 1;
  const nextHost = new Map<string, number>(input.sites.map((site) => [site.id, firstHost]));
  const siteAddresses = new Map<string, string[]>(input.sites.map((site) => [site.id, []]));
  const slotOf = (siteId: string) => subnetOffset + siteIndex.get(siteId)! + 1;
  const take = (siteId: string): string => {
    const host = nextHost.get(siteId)!;
    nextHost.set(siteId, host + 1);
    const address = `${siteNetwork(mode, slotOf(siteId))}.${host}`;
    siteAddresses.get(siteId)!.push(address);
    return address;
  };

  const devices = new Map<string, DevicePlan>();
  for (const device of input.devices) devices.set(device.id, Object.freeze({ deviceId: device.id, siteId: device.site, address: take(device.site) }));

  const links = new Map<string, LinkPlan>();
  for (const link of input.links) {
    const targets = Object.freeze(Array.from({ length: Math.max(link.targets.length, 1) }, () => take(link.site)));
    const device = link.device === undefined ? undefined : devices.get(link.device);
    links.set(link.id, Object.freeze({ linkId: link.id, siteId: link.site, targets, ...(device ? { device } : {}) }));
  }

  const base = { prefix, snmpPort, devices, links };
  if (mode === 'netns') {
    const sites = new Map<string, NetnsSitePlan>();
    for (const site of input.sites) {
      const slot = slotOf(site.id);
      sites.set(site.id, Object.freeze({
        siteId: site.id,
        slot,
        subnet: `${siteNetwork(mode, slot)}.0/24`,
        addresses: Object.freeze(siteAddresses.get(site.id)!),
        namespace: namespaceName(prefix, slot, site.id),
        hostVeth: hostVethName(prefix, slot),
        hostAddress: `${siteNetwork(mode, slot)}.1`,
        nsVeth: NAMESPACE_UPLINK,
        nsAddress: `${siteNetwork(mode, slot)}.2`,
      }));
    }
    return { ok: true, plan: { ...base, mode, sites } };
  }
  const sites = new Map<string, LoopbackSitePlan>();
  for (const site of input.sites) {
    const slot = slotOf(site.id);
    sites.set(site.id, Object.freeze({ siteId: site.id, slot, subnet: `${siteNetwork(mode, slot)}.0/24`, addresses: Object.freeze(siteAddresses.get(site.id)!) }));
  }
  return { ok: true, plan: { ...base, mode, sites } };
}

/** What one link of a site currently suffers, for `chaosRuleset`. */
export interface LinkChaos {
  targets: readonly string[];
  /** The carrying device's SNMP address and port, which packet loss also hits. */
  snmp?: { address: string; port: number };
  down: boolean;
  /** 0–100; fractions allowed (0.01 % resolution). */
  lossPercent: number;
}

/** nftables table inside a site's namespace holding its ICMP faults. */
export const CHAOS_TABLE = 'chaos';

/**
 * The whole `inet chaos` table of one namespace, as an `nft -f` script that replaces the previous
 * one in a single transaction (declare, delete, re-declare: the first line makes the delete safe
 * when the table does not exist yet). With no fault the table is simply removed.
 *
 * A downed link drops everything addressed to its targets, so echoes time out as they do when a
 * fibre is cut, rather than drawing an ICMP error. Loss draws `numgen random mod 10000`, giving
 * 0.01 % steps; nft refuses `lt 10000`, so 100 % is a plain drop.
 */
export function chaosRuleset(links: readonly LinkChaos[]): string {
  const rules: string[] = [];
  const set = (addresses: readonly string[]) => (addresses.length === 1 ? addresses[0]! : `{ ${addresses.join(', ')} }`);
  for (const link of links) {
    if (link.targets.length === 0) continue;
    if (link.down) {
      rules.push(`ip daddr ${set(link.targets)} drop`);
      continue;
    }
    const below = Math.round(Math.min(Math.max(link.lossPercent, 0), 100) * 100);
    if (below === 0) continue;
    const draw = below >= 10_000 ? '' : `numgen random mod 10000 lt ${below} `;
    rules.push(`ip daddr ${set(link.targets)} meta l4proto icmp ${draw}drop`);
    if (link.snmp) rules.push(`ip daddr ${link.snmp.address} udp dport ${link.snmp.port} ${draw}drop`);
  }
  const reset = `table inet ${CHAOS_TABLE}\ndelete table inet ${CHAOS_TABLE}\n`;
  if (rules.length === 0) return reset;
  return `${reset}table inet ${CHAOS_TABLE} {\n  chain input {\n    type filter hook input priority 0; policy accept;\n${rules.map((rule) => `    ${rule}\n`).join('')}  }\n}\n`;
}
