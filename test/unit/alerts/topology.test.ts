import { describe, expect, it } from 'vitest';
import { buildTopology, decide, type OwnView } from '../../../collector/alerts/topology.ts';
import { parseConfig } from '../../../config/load.ts';

// Verdicts from own health, table-tested: what a failure means given the dependency tree.

const config = (() => {
  const result = parseConfig(`
sites:
  - {id: dc, name: DC, kind: district-centre}
  - {id: a, name: A, kind: commune, parent: dc}
  - {id: b, name: B, kind: commune, parent: dc}
  - {id: solo, name: Solo, kind: commune}
devices:
  - {id: dc-router, site: dc, role: router, address: 10.0.0.1}
  - {id: a-router, site: a, role: router, address: 10.1.0.1}
  - {id: b-router, site: b, role: router, address: 10.2.0.1}
links:
  - {id: dc-tslcd, site: dc, kind: tslcd, targets: [10.0.1.1]}
  - {id: a-tslcd, site: a, kind: tslcd, upstream: dc-tslcd, targets: [10.1.1.1]}
  - {id: a-internet, site: a, kind: internet, targets: [10.1.1.2]}
  - {id: b-tslcd, site: b, kind: tslcd, upstream: dc-tslcd, targets: [10.2.1.1]}
  - {id: solo-internet, site: solo, kind: internet, targets: [10.3.1.1]}
`);
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.config;
})();
const topology = buildTopology(config);

const up: OwnView = { health: 'up', failing: false, sinceMs: 0, lastRoundMs: 100 };
const down: OwnView = { health: 'down', failing: true, sinceMs: 50, failStartMs: 50, lastRoundMs: 100 };
const failingNow: OwnView = { health: 'up', failing: true, sinceMs: 0, failStartMs: 95, lastRoundMs: 100 };
/** A device last polled before the links began failing. */
const stale: OwnView = { health: 'up', failing: false, sinceMs: 0, lastRoundMs: 10 };

function verdicts(own: Record<string, OwnView>, maintenance: Record<string, string> = {}) {
  return decide({ topology, own: (kind, id) => own[id] ?? up, maintenance: (kind, id) => maintenance[`${kind}:${id}`] });
}

describe('topology', () => {
  it('lists the sites cut off by a link, through the whole upstream chain', () => {
    expect(topology.affectedBy.get('dc-tslcd')).toEqual(['a', 'b']);
    expect(topology.childSitesOf.get('dc')).toEqual(['a', 'b']);
  });
});

describe('verdicts', () => {
  it.each([
    ['all up', {}, { 'a-tslcd': 'up', a: 'up', dc: 'up' }],
    ['one link down: the link is down, its site degraded', { 'a-internet': down }, { 'a-internet': 'down', a: 'degraded', 'a-tslcd': 'up' }],
    ['upstream down: links behind it unreachable', { 'dc-tslcd': down, 'a-tslcd': down, 'b-tslcd': down }, { 'dc-tslcd': 'down', 'a-tslcd': 'unreachable', 'b-tslcd': 'unreachable', a: 'degraded', dc: 'degraded' }],
    ['upstream down, a site with nothing else left: the site is unreachable', { 'dc-tslcd': down, 'b-tslcd': down, 'b-router': down }, { b: 'unreachable', 'b-router': 'unreachable' }],
    ['a child failing while its upstream is up: down', { 'a-tslcd': down }, { 'a-tslcd': 'down' }],
    ['everything at a site down: dark', { 'a-tslcd': down, 'a-internet': down, 'a-router': down }, { a: 'down' }],
    ['the parent dark: its children’s failures are unreachable', { 'dc-tslcd': down, 'dc-router': down, 'a-internet': down, 'a-tslcd': down }, { dc: 'down', 'a-internet': 'unreachable', 'a-tslcd': 'unreachable' }],
    ['a single-link site without devices: down, not dark', { 'solo-internet': down }, { solo: 'down', 'solo-internet': 'down' }],
  ] as const)('%s', (_name, own, expected) => {
    const result = verdicts(own as Record<string, OwnView>);
    for (const [id, state] of Object.entries(expected)) {
      const verdict = result.links.get(id) ?? result.devices.get(id) ?? result.sites.get(id);
      expect(verdict?.state, id).toBe(state);
    }
  });

  it('covers what is behind a link or a parent site under maintenance and down', () => {
    const works = verdicts({ 'dc-tslcd': down, 'a-tslcd': down }, { 'link:dc-tslcd': 'works' });
    expect(works.links.get('dc-tslcd')?.state).toBe('maintenance');
    expect(works.links.get('a-tslcd')).toMatchObject({ state: 'unreachable', cause: 'upstream:dc-tslcd' });
    // Maintenance on an upstream that is up does not hide a child's own outage.
    expect(verdicts({ 'a-tslcd': down }, { 'link:dc-tslcd': 'works' }).links.get('a-tslcd')?.state).toBe('down');
    const parentWorks = verdicts({ 'dc-tslcd': down, 'dc-router': down, 'a-internet': down }, { 'site:dc': 'power' });
    expect(parentWorks.links.get('a-internet')).toMatchObject({ state: 'unreachable', cause: 'parent:dc' });
  });

  it('names the root of an unreachable subject', () => {
    const result = verdicts({ 'dc-tslcd': down, 'a-tslcd': down });
    expect(result.links.get('a-tslcd')).toMatchObject({ cause: 'upstream:dc-tslcd', root: { kind: 'link', id: 'dc-tslcd' } });
  });

  it('flags a site as dark only when its links are decided and its devices fail too', () => {
    expect(verdicts({ 'a-tslcd': down, 'a-internet': down, 'a-router': down }).sites.get('a')).toMatchObject({ dark: true, mayGoDark: false });
    // A link still undecided: the site may be going dark.
    expect(verdicts({ 'a-tslcd': down, 'a-internet': failingNow, 'a-router': down }).sites.get('a')).toMatchObject({ dark: false, mayGoDark: true });
    // The router not polled since the links began failing: wait for it.
    expect(verdicts({ 'a-tslcd': down, 'a-internet': down, 'a-router': stale }).sites.get('a')).toMatchObject({ dark: false, mayGoDark: true });
    // The router answered after the links failed: the site has power, its links are cut.
    expect(verdicts({ 'a-tslcd': down, 'a-internet': down }).sites.get('a')).toMatchObject({ dark: false, mayGoDark: false, state: 'degraded' });
    expect(verdicts({ 'solo-internet': down }).sites.get('solo')).toMatchObject({ dark: false });
  });

  it('says a site may be going dark, and is failing as a whole, before any of its links is decided', () => {
    // Every member failing its latest round, nothing decided: its router is worth polling now.
    expect(verdicts({ 'a-tslcd': failingNow, 'a-internet': failingNow, 'a-router': failingNow }).sites.get('a')).toMatchObject({ state: 'up', dark: false, mayGoDark: true, allFailing: true });
    // The router not polled since: it may be going dark, but it is not known to fail as a whole.
    expect(verdicts({ 'a-tslcd': failingNow, 'a-internet': failingNow, 'a-router': stale }).sites.get('a')).toMatchObject({ mayGoDark: true, allFailing: false });
    // A lone link failing is that link's, not its site's.
    expect(verdicts({ 'solo-internet': failingNow }).sites.get('solo')).toMatchObject({ allFailing: false });
  });

  it('puts a subject under maintenance ahead of its own state, and leaves it out of its site', () => {
    const result = verdicts({ 'a-internet': down }, { 'link:a-internet': 'works' });
    expect(result.links.get('a-internet')).toMatchObject({ state: 'maintenance', cause: 'maintenance:works' });
    expect(result.sites.get('a')?.state).toBe('up');
  });
});
