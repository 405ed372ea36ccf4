import { describe, expect, it } from 'vitest';
import type { SiteView } from '../../../api/inventory.ts';
import type { StatusReport } from '../../../api/status.ts';
import { createFormatter } from '../../../web/lib/format.ts';
import { BOM, csvField, csvFileName, inventoryColumns, tableRows, toCsv, type CellContext } from '../../../web/lib/inventory.ts';
import { freshness, gridCapacity, kioskSummary, pageAt } from '../../../web/lib/kiosk.ts';

// The wall screen's and the inventory's pure parts: which sites the wall shows and how it pages,
// when it calls its data stale, and the CSV that Excel must open with Vietnamese intact.

const site = (id: string, name: string, extra: Partial<SiteView> = {}): SiteView => ({ id, name, kind: 'commune', groups: [], devices: [], links: [], ...extra });
const status = (sites: [string, string][], links: [string, string, string][] = []): StatusReport =>
  ({
    generatedMs: 0,
    counts: {},
    sites: sites.map(([id, state]) => ({ id, state, sinceMs: 1_000 })),
    devices: [],
    links: links.map(([id, siteId, state]) => ({ id, site: siteId, kind: 'internet', state, sinceMs: 2_000 })),
  }) as unknown as StatusReport;

describe('kioskSummary', () => {
  it('shows every site not up, worst first, and counts the rest', () => {
    const summary = kioskSummary(status([['a', 'up'], ['b', 'degraded'], ['c', 'down'], ['d', 'up']]), [site('a', 'Tả Van'), site('b', 'Bản Hồ'), site('c', 'Nậm Xé'), site('d', 'Đà')]);
    expect(summary.items.map((item) => [item.id, item.state])).toEqual([['c', 'down'], ['b', 'degraded']]);
    expect(summary).toMatchObject({ up: 2, total: 4 });
  });

  it('shows a site called up whose link is down', () => {
    const summary = kioskSummary(status([['a', 'up']], [['a-tslcd', 'a', 'down']]), [site('a', 'Tả Van')]);
    expect(summary.items.map((item) => [item.id, item.state, item.links.map((link) => link.id)])).toEqual([['a', 'down', ['a-tslcd']]]);
    expect(summary.up).toBe(0);
  });
});

describe('wall-screen paging', () => {
  it.each([
    [{ widthPx: 1920, heightPx: 1080 }, { columns: 4, rows: 4, perPage: 16 }],
    [{ widthPx: 100, heightPx: 50 }, { columns: 1, rows: 1, perPage: 1 }],
  ])('fits %o', (area, expected) => {
    expect(gridCapacity(area, { minWidthPx: 420, heightPx: 220, gapPx: 24 })).toEqual(expected);
  });

  it.each([
    [0, 0, [1, 2, 3]],
    [14_999, 0, [1, 2, 3]],
    [15_000, 1, [4, 5, 6]],
    [30_000, 2, [7]],
    [45_000, 0, [1, 2, 3]],
  ])('at %i ms shows page %i', (elapsedMs, index, items) => {
    expect(pageAt([1, 2, 3, 4, 5, 6, 7], 3, elapsedMs)).toEqual({ index, count: 3, items });
  });

  it('does not rotate what fits on one page', () => {
    expect(pageAt([1, 2], 3, 60_000)).toEqual({ index: 0, count: 1, items: [1, 2] });
  });

  it.each([
    [undefined, 'waiting'],
    [0, 'fresh'],
    [-120_000, 'fresh'],
    [-120_001, 'stale'],
  ])('data generated at %s is %s', (generatedMs, kind) => {
    expect(freshness(generatedMs, 0).kind).toBe(kind);
  });
});

describe('inventory CSV', () => {
  it.each([
    ['plain', 'plain'],
    ['Xã Nậm Xé, Lào Cai', '"Xã Nậm Xé, Lào Cai"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\nlines', '"two\nlines"'],
    ['=HYPERLINK("x")', `"'=HYPERLINK(""x"")"`],
    ['-12.5', '-12.5'],
    ['-rf', "'-rf"],
  ])('%j → %s', (value, expected) => {
    expect(csvField(value)).toBe(expected);
  });

  const context = (locale: 'vi' | 'en'): CellContext => ({ format: createFormatter({ locale }), locale, nowMs: Date.UTC(2026, 11, 7, 7, 5), siteName: (id) => id });
  const sites = [site('nam-xe', 'Xã Nậm Xé', { address: 'Thôn 1, Nậm Xé', location: { lat: 22.1, lon: 104.05 } }), site('ban-ho', 'Xã Bản Hồ')];

  it('starts with a BOM, heads its columns in the chosen language, ends lines with CRLF', () => {
    const csv = toCsv(sites, inventoryColumns.sites, context('vi'));
    expect(csv.startsWith(BOM)).toBe(true);
    const lines = csv.slice(1).split('\r\n');
    expect(lines.at(-1)).toBe('');
    expect(lines[1]).toContain('Xã Nậm Xé,nam-xe');
    expect(lines[1]).toContain('"Thôn 1, Nậm Xé"');
    // Machine-readable numbers: a decimal point, not the Vietnamese comma a CSV would split.
    expect(lines[1]).toContain('22.1,104.05');
    expect(toCsv(sites, inventoryColumns.sites, context('en')).split('\r\n')[0]).not.toBe(lines[0]);
  });

  it('searches without diacritics and sorts in Vietnamese collation', () => {
    expect(tableRows(sites, inventoryColumns.sites, context('vi'), { search: 'nam xe' }).map((row) => row.id)).toEqual(['nam-xe']);
    expect(tableRows(sites, inventoryColumns.sites, context('vi'), { sort: { column: 'name', direction: 'ascending' } }).map((row) => row.id)).toEqual(['ban-ho', 'nam-xe']);
  });

  it('names the file by tab and local time', () => {
    expect(csvFileName('devices', Date.UTC(2026, 11, 7, 7, 5), createFormatter({ locale: 'vi' }))).toBe('linkwatch-devices-20261207-1405.csv');
  });
});
