import { describe, expect, it } from 'vitest';
import type { SiteView } from '../../../api/inventory.ts';
import type { StatusReport } from '../../../api/status.ts';
import { overviewRows, stateCounts } from '../../../web/lib/overview.ts';

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
