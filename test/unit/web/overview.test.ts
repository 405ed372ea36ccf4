import { describe, expect, it } from 'vitest';
import type { LinkView, SiteView } from '../../../api/inventory.ts';
import type { StatusReport } from '../../../api/status.ts';
import { defaultPrefs, groupRows, isCompact, kindOptions, layoutItems, overviewRows, parsePrefs, providerOptions, stateCounts, visibleWindow, type OverviewFilter } from '../../../web/lib/overview.ts';

const site = (id: string, name: string): SiteView => ({ id, name, kind: 'commune', groups: [], devices: [], links: [`${id}-net`] });
const counts = { up: 0, degraded: 0, down: 0, unreachable: 0, maintenance: 0, unknown: 0, stale: 0 };
const status = (entries: [string, StatusReport['sites'][number]['state'], boolean][]): StatusReport => ({
  generatedMs: 0,
  counts: { sites: counts, devices: counts, links: counts },
  sites: entries.map(([id, state, stale]) => ({ id, state, stale })),
  devices: [],
  links: entries.map(([id, state, stale]) => ({ id: `${id}-net`, site: id, kind: 'internet', state, stale, flapping: false })),
});
const sites = [site('ta-van', 'Xã Tả Van'), site('nam-xe', 'Xã Nậm Xé'), site('ban-ho', 'Xã Bản Hồ'), site('y-ty', 'Xã Y Tý')];

describe('overview rows', () => {
  const report = status([
    ['ta-van', 'up', false],
    ['nam-xe', 'down', false],
    ['ban-ho', 'up', true],
    ['y-ty', 'maintenance', true],
  ]);

  it('puts problems first, shows stale data as stale, names from the inventory', () => {
    const rows = overviewRows(report, sites);
    expect(rows.map((row) => [row.id, row.state])).toEqual([
      ['nam-xe', 'down'],
      ['ban-ho', 'stale'],
      ['y-ty', 'maintenance'],
      ['ta-van', 'up'],
    ]);
    expect(rows[0]!.name).toBe('Xã Nậm Xé');
    expect(rows[1]!.links[0]!.shown).toBe('stale');
  });

  it.each([
    [{ search: 'nam xe' }, ['nam-xe']],
    [{ search: 'ta-van-net' }, ['ta-van']],
    [{ search: 'xa' }, ['nam-xe', 'ban-ho', 'y-ty', 'ta-van']],
    [{ states: new Set(['stale', 'up'] as const) }, ['ban-ho', 'ta-van']],
    [{ states: new Set<never>() }, ['nam-xe', 'ban-ho', 'y-ty', 'ta-van']],
    [{ search: 'nam', states: new Set(['up'] as const) }, []],
  ])('filters %o', (filter, ids) => {
    expect(overviewRows(report, sites, filter).map((row) => row.id)).toEqual(ids);
  });

  it('names a site missing from the inventory answer by its id, and counts by shown state', () => {
    const rows = overviewRows(report, []);
    expect(rows.map((row) => row.name)).toContain('nam-xe');
    expect(Object.fromEntries(stateCounts(rows))).toEqual({ down: 1, stale: 1, maintenance: 1, up: 1 });
  });
});

describe('overview filters by link, grouping and windowing', () => {
  const report: StatusReport = {
    ...status([]),
    sites: [
      { id: 'ta-van', state: 'up', stale: false },
      { id: 'nam-xe', state: 'down', stale: false },
      { id: 'ban-ho', state: 'degraded', stale: false },
    ],
    links: [
      { id: 'ta-van-vnpt', site: 'ta-van', kind: 'internet', state: 'up', stale: false, flapping: false },
      { id: 'ta-van-tslcd', site: 'ta-van', kind: 'tslcd', state: 'up', stale: false, flapping: false },
      { id: 'nam-xe-viettel', site: 'nam-xe', kind: 'internet', state: 'down', stale: false, flapping: false },
      { id: 'ban-ho-tslcd', site: 'ban-ho', kind: 'tslcd', state: 'degraded', stale: false, flapping: false },
    ],
  };
  const view = (id: string, site: string, kind: LinkView['kind'], provider?: string): LinkView => ({ id, site, kind, ...(provider ? { provider } : {}), targets: [], icmp: { intervalMs: 30_000, count: 5 } });
  const inventory = [view('ta-van-vnpt', 'ta-van', 'internet', 'VNPT'), view('ta-van-tslcd', 'ta-van', 'tslcd', 'VNPT'), view('nam-xe-viettel', 'nam-xe', 'internet', 'Viettel'), view('ban-ho-tslcd', 'ban-ho', 'tslcd')];
  const siteViews: SiteView[] = [{ ...site('ta-van', 'Xã Tả Van'), parent: 'ban-ho' }, { ...site('nam-xe', 'Xã Nậm Xé'), parent: 'ban-ho' }, site('ban-ho', 'Xã Bản Hồ')];
  const ids = (filter: OverviewFilter) => overviewRows(report, siteViews, filter, inventory).map((row) => [row.id, row.links.map((link) => link.id).join(',')]);

  it.each<[string, OverviewFilter, string[][]]>([
    ['no filter: every link', {}, [['nam-xe', 'nam-xe-viettel'], ['ban-ho', 'ban-ho-tslcd'], ['ta-van', 'ta-van-vnpt,ta-van-tslcd']]],
    ['TSLCD: sites with one, only that link', { kinds: new Set(['tslcd'] as const) }, [['ban-ho', 'ban-ho-tslcd'], ['ta-van', 'ta-van-tslcd']]],
    ['Viettel', { providers: new Set(['Viettel']) }, [['nam-xe', 'nam-xe-viettel']]],
    ['VNPT and internet, on the same link', { providers: new Set(['VNPT']), kinds: new Set(['internet'] as const) }, [['ta-van', 'ta-van-vnpt']]],
    ['VNPT and a state', { providers: new Set(['VNPT']), states: new Set(['down'] as const) }, []],
    ['a provider found by the search', { search: 'viettel' }, [['nam-xe', 'nam-xe-viettel']]],
  ])('%s', (_, filter, expected) => {
    expect(ids(filter)).toEqual(expected);
  });

  it('lists providers and kinds once, in order', () => {
    expect(providerOptions(inventory)).toEqual(['Viettel', 'VNPT']);
    expect(kindOptions(report.links)).toEqual(['internet', 'tslcd']);
  });

  it('turns compact past 60 sites unless told', () => {
    expect([isCompact('auto', 60), isCompact('auto', 61), isCompact('tiles', 500), isCompact('compact', 3)]).toEqual([false, true, false, true]);
  });

  it('groups by state and by parent, worst group first', () => {
    const rows = overviewRows(report, siteViews, {}, inventory);
    expect(groupRows(rows, 'state').map((group) => [group.key, group.rows.length])).toEqual([['down', 1], ['degraded', 1], ['up', 1]]);
    expect(groupRows(rows, 'parent').map((group) => [group.key, group.rows.map((row) => row.id)])).toEqual([['ban-ho', ['nam-xe', 'ta-van']], ['', ['ban-ho']]]);
    expect(groupRows(rows, 'none')).toHaveLength(1);
  });

  const sizes = { heading: 40, tileBase: 50, tileLink: 40, siteStrip: 15, square: 48, columns: 2 };
  it('lays out tiles by their links (and the site strip of a site with two), squares in rows of the width, headings when grouped', () => {
    const rows = overviewRows(report, siteViews, {}, inventory);
    expect(layoutItems(groupRows(rows, 'none'), false, sizes).map((item) => [item.kind, item.height])).toEqual([['tile', 90], ['tile', 90], ['tile', 145]]);
    expect(layoutItems(groupRows(rows, 'none'), true, sizes).map((item) => (item.kind === 'squares' ? item.rows.length : item.kind))).toEqual([2, 1]);
    expect(layoutItems(groupRows(rows, 'state'), true, sizes).map((item) => item.kind)).toEqual(['heading', 'squares', 'heading', 'squares', 'heading', 'squares']);
  });

  it.each([
    [{ top: 0, height: 250, overscan: 0 }, { start: 0, end: 3, before: 0, after: 700 }],
    [{ top: 350, height: 100, overscan: 0 }, { start: 3, end: 5, before: 300, after: 500 }],
    [{ top: 350, height: 100, overscan: 100 }, { start: 2, end: 6, before: 200, after: 400 }],
    [{ top: -500, height: 400, overscan: 0 }, { start: 0, end: 0, before: 0, after: 1000 }],
    [{ top: 5000, height: 400, overscan: 0 }, { start: 10, end: 10, before: 1000, after: 0 }],
  ])('windows ten rows of 100 px at %o', (view, expected) => {
    expect(visibleWindow(Array(10).fill(100), view)).toEqual(expected);
  });
});

describe('overview preferences', () => {
  it.each([
    [null, defaultPrefs],
    ['not json', defaultPrefs],
    ['[1]', defaultPrefs],
    ['{"mode":"map","density":"compact","grouping":"parent"}', { mode: 'map', density: 'compact', grouping: 'parent' }],
    ['{"mode":"globe","density":"compact"}', { mode: 'list', density: 'compact', grouping: 'none' }],
  ])('reads %s', (text, prefs) => {
    expect(parsePrefs(text)).toEqual(prefs);
  });
});
