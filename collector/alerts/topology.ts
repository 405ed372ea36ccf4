import { linksBehind, sitesBehind } from '../../config/dependencies.ts';
import type { Config, Device, Link, Site } from '../../config/schema.ts';
import type { EntityKind, EntityState } from '../../model/alerts.ts';

// From each subject's own health to what it means: a link failing behind a failed upstream is
// `unreachable`, not `down`; a site whose links and devices all fail is dark. Pure: the engine
// passes what it knows, this decides.

export interface Topology {
  sites: ReadonlyMap<string, Site>;
  links: ReadonlyMap<string, Link>;
  devices: ReadonlyMap<string, Device>;
  linksOf: ReadonlyMap<string, readonly Link[]>;
  devicesOf: ReadonlyMap<string, readonly Device[]>;
  /** Sites cut off when a link fails: the sites of every link behind it (by `upstream`). */
  affectedBy: ReadonlyMap<string, readonly string[]>;
  /** Sites whose parent chain passes through a site. */
  childSitesOf: ReadonlyMap<string, readonly string[]>;
}

export function buildTopology(config: Pick<Config, 'sites' | 'links' | 'devices'>): Topology {
  const group = <T extends { site: string }>(items: readonly T[]) => {
    const map = new Map<string, T[]>();
    for (const item of items) {
      const list = map.get(item.site);
      if (list) list.push(item);
      else map.set(item.site, [item]);
    }
    return map;
  };
  // Only links and sites something depends on have anything behind them.
  const upstreams = new Set(config.links.flatMap((link) => (link.upstream === undefined ? [] : [link.upstream])));
  const parents = new Set(config.sites.flatMap((site) => (site.parent === undefined ? [] : [site.parent])));
  const siteOfLink = new Map(config.links.map((link) => [link.id, link.site]));
  const sorted = (ids: Iterable<string>) => [...new Set(ids)].sort();
  return {
    sites: new Map(config.sites.map((site) => [site.id, site])),
    links: new Map(config.links.map((link) => [link.id, link])),
    devices: new Map(config.devices.map((device) => [device.id, device])),
    linksOf: group(config.links),
    devicesOf: group(config.devices),
    affectedBy: new Map([...upstreams].map((id) => [id, sorted(linksBehind(id, config.links).map((link) => siteOfLink.get(link)!))])),
    childSitesOf: new Map([...parents].map((id) => [id, sorted(sitesBehind(id, config.sites))])),
  };
}

/** What the engine knows of one link or device. */
export interface OwnView {
  health: 'unknown' | 'up' | 'down';
  /** The latest round failed (or it is down). */
  failing: boolean;
  sinceMs: number;
  cause?: string;
  /** Up, but not well: loss, latency, an agent that stopped answering SNMP… */
  degradedBy?: string;
  /** When its latest round was, and when its current run of failures began. */
  lastRoundMs?: number;
  failStartMs?: number;
  /** Down, but its latest round answered: the outage may be ending. */
  recovering?: boolean;
  /** Its own rounds are flapping. */
  flapping?: boolean;
}

export interface Effective {
  state: EntityState;
  cause?: string;
  sinceMs: number;
  /** For unreachable subjects: the link or site at the root of the failure. */
  root?: { kind: 'link' | 'site'; id: string };
}

export interface SiteVerdict extends Effective {
  /** Every link and device fails and every link is decided down: most likely power. */
  dark: boolean;
  /** Every link and device fails, but some links are not decided yet: it may be going dark. */
  mayGoDark: boolean;
  /** More than one member, and every one of them failing its latest round (none merely not
   * polled yet): whatever fails at the site now fails with it. */
  allFailing: boolean;
}

export interface Verdicts {
  links: Map<string, Effective>;
  devices: Map<string, Effective>;
  sites: Map<string, SiteVerdict>;
}

export interface VerdictInput {
  topology: Topology;
  own(kind: 'link' | 'device', id: string): OwnView | undefined;
  /** The maintenance window covering a subject now, if any. */
  maintenance(kind: EntityKind, id: string): string | undefined;
}

/** Decides every subject's state. Memoised recursion: links look at their upstream chain and
 * their site's parent chain, which are acyclic (the config loader refuses cycles); a subject
 * met again while being decided counts as not failing. */
export function decide(input: VerdictInput): Verdicts {
  const { topology, maintenance } = input;
  // Each subject's view is asked for several times (by itself, its site, what is behind it).
  const views = { link: new Map<string, OwnView | undefined>(), device: new Map<string, OwnView | undefined>() };
  const own = (kind: 'link' | 'device', id: string): OwnView | undefined => {
    const cache = views[kind];
    if (cache.has(id)) return cache.get(id);
    const view = input.own(kind, id);
    cache.set(id, view);
    return view;
  };
  const links = new Map<string, Effective>();
  const devices = new Map<string, Effective>();
  const sites = new Map<string, SiteVerdict>();
  const deciding = new Set<string>();
  const decidingSites = new Set<string>();

  const unknown = (sinceMs = 0): Effective => ({ state: 'unknown', sinceMs });

  /** The nearest failure above a link: a down upstream link or a dark parent site. */
  // Something above under maintenance and down covers what is behind it: the works on the
  // district's line are not forty outages in the communes.
  const ownDown = (kind: 'link' | 'device', id: string) => own(kind, id)?.health === 'down';
  const failureAbove = (link: Link): Effective['root'] => {
    if (link.upstream !== undefined) {
      const upstream = linkVerdict(link.upstream);
      if (upstream.state === 'down' || (upstream.state === 'maintenance' && ownDown('link', link.upstream))) return { kind: 'link', id: link.upstream };
      if (upstream.state === 'unreachable') return upstream.root;
    }
    return parentFailure(link.site);
  };
  const parentFailure = (siteId: string): Effective['root'] => {
    const parent = topology.sites.get(siteId)?.parent;
    if (parent === undefined) return undefined;
    const verdict = siteVerdict(parent);
    if (verdict.state === 'down') return { kind: 'site', id: parent };
    if (verdict.state === 'unreachable') return verdict.root;
    if (verdict.state === 'maintenance') {
      const links = topology.linksOf.get(parent) ?? [];
      if (links.length > 0 && links.every((link) => ownDown('link', link.id))) return { kind: 'site', id: parent };
    }
    return undefined;
  };
  const causeOf = (root: NonNullable<Effective['root']>) => `${root.kind === 'link' ? 'upstream' : 'parent'}:${root.id}`;

  function linkVerdict(id: string): Effective {
    const done = links.get(id);
    if (done) return done;
    if (deciding.has(id)) return unknown();
    deciding.add(id);
    const link = topology.links.get(id);
    const view = own('link', id);
    let verdict: Effective;
    const window = maintenance('link', id);
    if (!link) verdict = unknown();
    else if (window !== undefined) verdict = { state: 'maintenance', cause: `maintenance:${window}`, sinceMs: view?.sinceMs ?? 0 };
    else if (!view || view.health === 'unknown') verdict = unknown(view?.sinceMs);
    else if (view.health === 'down') {
      const root = failureAbove(link);
      verdict = root ? { state: 'unreachable', cause: causeOf(root), sinceMs: view.sinceMs, root } : { state: 'down', cause: view.cause, sinceMs: view.sinceMs };
    } else if (view.degradedBy) verdict = { state: 'degraded', cause: view.degradedBy, sinceMs: view.sinceMs };
    else verdict = { state: 'up', sinceMs: view.sinceMs };
    deciding.delete(id);
    links.set(id, verdict);
    return verdict;
  }

  function deviceVerdict(id: string): Effective {
    const done = devices.get(id);
    if (done) return done;
    const device = topology.devices.get(id);
    const view = own('device', id);
    let verdict: Effective;
    const window = maintenance('device', id);
    if (!device) verdict = unknown();
    else if (window !== undefined) verdict = { state: 'maintenance', cause: `maintenance:${window}`, sinceMs: view?.sinceMs ?? 0 };
    else if (!view || view.health === 'unknown') verdict = unknown(view?.sinceMs);
    else if (view.health === 'down') {
      // A device is reached through its site's links: when all of them are cut off from above,
      // its silence is theirs.
      const siteLinks = (topology.linksOf.get(device.site) ?? []).map((link) => linkVerdict(link.id));
      const cutOff = siteLinks.length > 0 && siteLinks.every((verdict) => verdict.state === 'unreachable' || verdict.state === 'down') ? siteLinks.find((verdict) => verdict.state === 'unreachable')?.root : undefined;
      const root = cutOff ?? parentFailure(device.site);
      verdict = root ? { state: 'unreachable', cause: causeOf(root), sinceMs: view.sinceMs, root } : { state: 'down', cause: view.cause, sinceMs: view.sinceMs };
    } else if (view.degradedBy) verdict = { state: 'degraded', cause: view.degradedBy, sinceMs: view.sinceMs };
    else verdict = { state: 'up', sinceMs: view.sinceMs };
    devices.set(id, verdict);
    return verdict;
  }

  function siteVerdict(id: string): SiteVerdict {
    const done = sites.get(id);
    if (done) return done;
    if (decidingSites.has(id)) return { ...unknown(), dark: false, mayGoDark: false, allFailing: false };
    decidingSites.add(id);
    const siteLinks = topology.linksOf.get(id) ?? [];
    const siteDevices = topology.devicesOf.get(id) ?? [];
    const members = [
      ...siteLinks.map((link) => ({ verdict: linkVerdict(link.id), view: own('link', link.id), isLink: true })),
      ...siteDevices.map((device) => ({ verdict: deviceVerdict(device.id), view: own('device', device.id), isLink: false })),
    ].filter((member) => member.verdict.state !== 'maintenance' && member.verdict.state !== 'unknown');
    const window = maintenance('site', id);
    const earliest = (list: typeof members) => Math.min(...list.map((member) => member.verdict.sinceMs));
    let verdict: SiteVerdict;
    if (window !== undefined) verdict = { state: 'maintenance', cause: `maintenance:${window}`, sinceMs: 0, dark: false, mayGoDark: false, allFailing: false };
    else if (members.length === 0) verdict = { ...unknown(), dark: false, mayGoDark: false, allFailing: false };
    else {
      // A device not polled since the site's links began failing may be failing too: it is
      // polled less often than links are pinged, and the site's fate waits for its next poll.
      const linkFailStarts = members.filter((member) => member.isLink && member.view?.failing).map((member) => member.view!.failStartMs ?? member.verdict.sinceMs);
      const failuresBegan = linkFailStarts.length > 0 ? Math.min(...linkFailStarts) : Infinity;
      const stale = (member: (typeof members)[number]) => !member.isLink && !member.view?.failing && (member.view?.lastRoundMs ?? -Infinity) < failuresBegan;
      const allFailing = members.every((member) => member.view?.failing || stale(member));
      const anyStale = members.some(stale);
      const failed = members.filter((member) => member.verdict.state === 'down' || member.verdict.state === 'unreachable');
      const unreachable = members.find((member) => member.verdict.state === 'unreachable');
      const linksDecided = members.filter((member) => member.isLink).every((member) => member.verdict.state === 'down' || member.verdict.state === 'unreachable');
      const failingTogether = members.length > 1 && allFailing && !anyStale;
      if (failed.length === members.length && unreachable) {
        verdict = { state: 'unreachable', cause: unreachable.verdict.cause, root: unreachable.verdict.root, sinceMs: earliest(failed), dark: false, mayGoDark: false, allFailing: failingTogether };
      } else if (allFailing && !anyStale && linksDecided && members.some((member) => member.isLink && member.verdict.state === 'down') && !unreachable) {
        // Devices need only be failing: their SNMP rounds are slower than the links' pings, and
        // the site's darkness must not wait for them.
        const linkFailures = members.filter((member) => member.isLink);
        // One link and nothing else is that link's outage, not a dark site.
        verdict = { state: 'down', cause: members.length > 1 ? 'site-dark' : linkFailures[0]!.verdict.cause, sinceMs: earliest(linkFailures), dark: members.length > 1, mayGoDark: false, allFailing: failingTogether };
      } else {
        const mayGoDark = allFailing && !unreachable;
        const troubled = members.filter((member) => member.verdict.state !== 'up');
        verdict =
          troubled.length > 0
            ? { state: 'degraded', cause: troubled.map((member) => member.verdict.state).includes('down') ? 'partial-outage' : troubled[0]!.verdict.cause, sinceMs: earliest(troubled), dark: false, mayGoDark, allFailing: failingTogether }
            : { state: 'up', sinceMs: earliest(members), dark: false, mayGoDark, allFailing: failingTogether };
      }
    }
    decidingSites.delete(id);
    sites.set(id, verdict);
    return verdict;
  }

  for (const id of topology.links.keys()) linkVerdict(id);
  for (const id of topology.devices.keys()) deviceVerdict(id);
  for (const id of topology.sites.keys()) siteVerdict(id);
  return { links, devices, sites };
}
