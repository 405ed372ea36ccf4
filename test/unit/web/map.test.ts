import { describe, expect, it } from 'vitest';
import { layoutMap } from '../../../web/lib/map.ts';

const options = { width: 400, height: 300, padding: 20, spacing: 50 };

describe('the schematic map', () => {
  it('keeps north up and east right, fitting the sites inside the padding', () => {
    const layout = layoutMap(
      [
        { id: 'north', location: { lat: 22.4, lon: 103.9 } },
        { id: 'south', location: { lat: 22.0, lon: 103.9 } },
        { id: 'east', location: { lat: 22.2, lon: 104.1 } },
      ],
      [],
      options,
    );
    const at = Object.fromEntries(layout.sites.map((site) => [site.id, site]));
    expect(at.north!.y).toBeLessThan(at.south!.y);
    expect(at.east!.x).toBeGreaterThan(at.north!.x);
    for (const site of layout.sites) {
      expect(site.x).toBeGreaterThanOrEqual(20);
      expect(site.x).toBeLessThanOrEqual(380);
      expect(site.y).toBeGreaterThanOrEqual(20);
      expect(site.y).toBeLessThanOrEqual(280);
    }
    // One scale for both axes: 0.4° of latitude fills the height, so 0.2° of longitude (×cos 22.2°) is ≈ 0.46 of it.
    expect((at.east!.x - at.north!.x) / (at.south!.y - at.north!.y)).toBeCloseTo(0.5 * Math.cos((22.2 * Math.PI) / 180), 2);
    expect(layout.unplaced).toBe(0);
    expect(layout.unplacedTop).toBeUndefined();
  });

  it('centres a single site, and sets sites without coordinates in rows beneath', () => {
    const layout = layoutMap([{ id: 'a', location: { lat: 22, lon: 104 } }, ...Array.from({ length: 9 }, (_, i) => ({ id: `u${i}` }))], [], options);
    const a = layout.sites.find((site) => site.id === 'a')!;
    expect([a.x, a.y, a.placed]).toEqual([200, 150, true]);
    const unplaced = layout.sites.filter((site) => !site.placed);
    expect(unplaced).toHaveLength(9);
    expect(layout.unplacedTop).toBe(300);
    expect(unplaced.every((site) => site.y > 300)).toBe(true);
    // 360 px across at 50 px: 8 a row, the ninth on a second row.
    expect(new Set(unplaced.map((site) => site.y)).size).toBe(2);
    expect(layout.height).toBe(300 + 40 + 50);
  });

  it('joins sites to their parents and upstream sites once, skipping unknown ones', () => {
    const layout = layoutMap(
      [
        { id: 'hub', location: { lat: 22.2, lon: 104 } },
        { id: 'a', parent: 'hub', location: { lat: 22.3, lon: 104 } },
        { id: 'b', parent: 'gone' },
      ],
      [
        { site: 'a', upstreamSite: 'hub' },
        { site: 'b', upstreamSite: 'hub' },
        { site: 'hub', upstreamSite: 'hub' },
      ],
      options,
    );
    expect(layout.lines.map((line) => `${line.from}>${line.to}`)).toEqual(['a>hub', 'b>hub']);
  });

  it('draws only unplaced rows when no site has coordinates', () => {
    const layout = layoutMap([{ id: 'a' }, { id: 'b' }], [], { ...options, height: 0 });
    expect(layout.unplacedTop).toBe(0);
    expect(layout.sites.map((site) => [site.x, site.y])).toEqual([
      [20, 20],
      [70, 20],
    ]);
  });
});
