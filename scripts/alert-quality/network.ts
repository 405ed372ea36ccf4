import { linksBehind, sitesBehind } from '../../config/dependencies.ts';
import type { Device, Link, Site } from '../../config/schema.ts';
import { SIM_COMMUNITY } from '../../simulator/inventory.ts';
import { communeName, slug } from '../../simulator/names.ts';
import { profileById } from '../../simulator/profiles.ts';

// The district the alert-quality harness plays: a district centre, hub towns with communes
// behind them (their links pass through the hub's uplink), and independent communes; a mix of
// single-link (internet) and dual-link (internet + TSLCD) sites, one SNMP router each. Pure.

/** What the schedule and the scorer need of the network: ids and the dependency tree. */
export interface HarnessNetwork {
  sites: readonly Pick<Site, 'id' | 'kind' | 'parent'>[];
  devices: readonly Pick<Device, 'id' | 'site'>[];
  links: readonly Pick<Link, 'id' | 'site' | 'kind' | 'device' | 'interface' | 'upstream'>[];
}

const COMMUNE_PROFILES = ['draytek-vigor2927', 'mikrotik-hex', 'tplink-er605', 'fortigate-60f', 'draytek-vigor2925'] as const;
const CHILDREN_PER_HUB = 3;

/** Hubs for a district of `sites`: 3 from 20 sites, 2 from 10, 1 from 6, none below. */
export function hubCount(sites: number): number {
  if (sites >= 20) return 3;
  if (sites >= 10) return 2;
  return sites >= 6 ? 1 : 0;
}

/**
 * The harness's district of `sites` sites (≥ 3), as YAML-ready inventory data in the shape of
 * simulator/inventory.ts generateDistrict: site 0 is the district centre; then `hubCount` towns,
 * each followed by its 3 communes (`parent` = the town, every link's `upstream` = the town's
 * uplink); then independent communes (`parent` = the centre, their TSLCD behind the centre's).
 * Every third commune has an internet line only; the others add a TSLCD line.
 */
export function harnessDistrict(options: { sites: number }): Record<string, unknown> {
  const count = options.sites;
  if (!Number.isInteger(count) || count < 3) throw new Error(`--sites must be a whole number ≥ 3 (a district centre and two communes); got ${count}`);
  const sites: Record<string, unknown>[] = [{ id: 'dc', name: 'Trung tâm huyện (mô phỏng)', kind: 'district-centre', groups: ['core'] }];
  const devices: Record<string, unknown>[] = [{ id: 'dc-router', site: 'dc', role: 'router', name: 'Cisco ISR 4331', address: '127.0.0.1', snmp: { credentials: 'sim' } }];
  const links: Record<string, unknown>[] = [
    { id: 'dc-internet', site: 'dc', kind: 'internet', provider: 'VNPT', capacity: { downMbps: 300, upMbps: 300 }, device: 'dc-router', interface: 'Gi0/0/0', targets: ['127.0.0.1'] },
    { id: 'dc-tslcd', site: 'dc', kind: 'tslcd', provider: 'VNPT', capacity: { downMbps: 100, upMbps: 100 }, device: 'dc-router', interface: 'Gi0/0/1', targets: ['127.0.0.1'] },
  ];
  const used = new Set(['dc']);
  let names = 0;
  const nextName = () => {
    const name = communeName(names++);
    let id = slug(name);
    while (used.has(id)) id = `${id}-x`;
    used.add(id);
    return { id, name };
  };
  let communes = 0;
  const router = (id: string, site: string, profileId: string) => {
    const profile = profileById(profileId);
    devices.push({ id, site, role: 'router', name: `${profile.vendor} ${profile.model}`, address: '127.0.0.1', snmp: { credentials: 'sim' } });
    return profile;
  };
  const commune = (parent: string, uplink: { internet?: string; tslcd: string }) => {
    const n = communes++;
    const { id, name } = nextName();
    sites.push({ id, name: `Xã ${name}`, kind: 'commune', parent, groups: [`cum-${(n % 4) + 1}`] });
    const profile = router(`${id}-router`, id, COMMUNE_PROFILES[n % COMMUNE_PROFILES.length]!);
    const speed = [30, 50, 80, 100][n % 4]!;
    links.push({ id: `${id}-internet`, site: id, kind: 'internet', provider: n % 2 ? 'Viettel' : 'VNPT', capacity: { downMbps: speed, upMbps: speed }, device: `${id}-router`, interface: profile.wanOrder[0], targets: ['127.0.0.1'], ...(uplink.internet ? { upstream: uplink.internet } : {}) });
    if (n % 3 !== 2) {
      links.push({ id: `${id}-tslcd`, site: id, kind: 'tslcd', provider: 'VNPT', capacity: { downMbps: 10, upMbps: 10 }, device: `${id}-router`, interface: profile.wanOrder[1], targets: ['127.0.0.1'], upstream: uplink.tslcd });
    }
  };

  const hubs = hubCount(count);
  for (let h = 0; h < hubs; h++) {
    const { id, name } = nextName();
    sites.push({ id, name: `Thị trấn ${name}`, kind: 'town', parent: 'dc', groups: ['thi-tran'] });
    const profile = router(`${id}-router`, id, 'mikrotik-hex');
    // The town's one uplink carries its communes' lines too: its cut is an upstream failure.
    const uplink = `${id}-uplink`;
    links.push({ id: uplink, site: id, kind: 'wan', provider: 'VNPT', capacity: { downMbps: 200, upMbps: 200 }, device: `${id}-router`, interface: profile.wanOrder[0], targets: ['127.0.0.1'] });
    for (let c = 0; c < CHILDREN_PER_HUB; c++) commune(id, { internet: uplink, tslcd: uplink });
  }
  const independent = count - 1 - hubs * (1 + CHILDREN_PER_HUB);
  for (let n = 0; n < independent; n++) commune('dc', { tslcd: 'dc-tslcd' });
  return {
    credentials: { sim: { version: '2c', community: SIM_COMMUNITY } },
    sites,
    devices,
    links,
  };
}

/** A lane: sites that take at most one fault at a time (a hub and its communes, or one commune). */
export interface Lane {
  id: string;
  /** Links whose cut is an upstream failure (links behind them), in inventory order. */
  upstreamLinks: string[];
  /** Sites with nothing behind them: where link, site and device faults are played. */
  leaves: string[];
}

/**
 * The fault lanes of a network: every site directly under the district centre (or without a
 * parent) with everything behind it. The district centre itself takes no fault: its TSLCD line
 * carries every independent commune's, and a fault there would overlap every lane.
 */
export function lanesOf(network: HarnessNetwork): Lane[] {
  const centre = network.sites.find((site) => site.kind === 'district-centre')?.id;
  const roots = network.sites.filter((site) => site.id !== centre && (site.parent === undefined || site.parent === centre));
  return roots.map((root) => {
    const members = [root.id, ...sitesBehind(root.id, network.sites)];
    const upstreamLinks = network.links.filter((link) => members.includes(link.site) && linksBehind(link.id, network.links).length > 0).map((link) => link.id);
    const leaves = members.filter((site) => sitesBehind(site, network.sites).length === 0 && !network.links.some((link) => link.site === site && upstreamLinks.includes(link.id)));
    return { id: root.id, upstreamLinks, leaves };
  });
}
