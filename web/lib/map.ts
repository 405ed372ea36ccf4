// The schematic map: sites placed by their coordinates on a plain SVG (no tiles: nothing may be
// fetched from outside), parents joined by lines. Longitude is scaled by cos(latitude) so a
// district keeps its shape; sites without coordinates are set in rows beneath, told apart.
// Pure, so the projection and the fallback are table-tested.

export interface MapSite {
  id: string;
  location?: { lat: number; lon: number };
  /** The site it hangs from (config `sites[].parent`). */
  parent?: string;
}

export interface MapLinkHint {
  site: string;
  /** The site of the link it depends on (config `links[].upstream`, resolved to its site). */
  upstreamSite?: string;
}

export interface PlacedSite {
  id: string;
  x: number;
  y: number;
  placed: boolean;
}

export interface MapLine {
  from: string;
  to: string;
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}

export interface MapLayout {
  width: number;
  height: number;
  sites: PlacedSite[];
  lines: MapLine[];
  /** Where the row of sites without coordinates begins; absent when every site has them. */
  unplacedTop?: number;
  unplaced: number;
}

export interface MapOptions {
  width: number;
  /** Of the placed part; the unplaced rows add to it. */
  height: number;
  padding: number;
  /** Between sites in the unplaced rows. */
  spacing: number;
}

export function layoutMap(sites: readonly MapSite[], hints: readonly MapLinkHint[], options: MapOptions): MapLayout {
  const { width, padding, spacing } = options;
  const located = sites.filter((site): site is MapSite & { location: { lat: number; lon: number } } => site.location !== undefined);
  const others = sites.filter((site) => site.location === undefined);
  const out: PlacedSite[] = [];
  let placedHeight = 0;
  if (located.length > 0) {
    const meanLat = located.reduce((sum, site) => sum + site.location.lat, 0) / located.length;
    const scaleX = Math.cos((meanLat * Math.PI) / 180);
    const xs = located.map((site) => site.location.lon * scaleX);
    const ys = located.map((site) => -site.location.lat);
    const [minX, maxX, minY, maxY] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
    const spanX = maxX - minX;
    const spanY = maxY - minY;
    const innerW = width - 2 * padding;
    const innerH = options.height - 2 * padding;
    // One scale for both axes (the shape is kept); a single site, or sites in a line, centred.
    const scale = Math.min(spanX > 0 ? innerW / spanX : Infinity, spanY > 0 ? innerH / spanY : Infinity);
    const k = Number.isFinite(scale) ? scale : 0;
    const offsetX = padding + (innerW - spanX * k) / 2;
    const offsetY = padding + (innerH - spanY * k) / 2;
    located.forEach((site, i) => out.push({ id: site.id, x: round(offsetX + (xs[i]! - minX) * k), y: round(offsetY + (ys[i]! - minY) * k), placed: true }));
    placedHeight = options.height;
  }
  let unplacedTop: number | undefined;
  if (others.length > 0) {
    unplacedTop = placedHeight;
    const perRow = Math.max(1, Math.floor((width - 2 * padding) / spacing) + 1);
    others.forEach((site, i) => out.push({ id: site.id, x: round(padding + (i % perRow) * spacing), y: round(unplacedTop! + padding + Math.floor(i / perRow) * spacing), placed: false }));
  }
  const rowsBelow = others.length === 0 ? 0 : Math.ceil(others.length / Math.max(1, Math.floor((width - 2 * padding) / spacing) + 1));
  const height = placedHeight + (rowsBelow > 0 ? 2 * padding + (rowsBelow - 1) * spacing : 0);

  const at = new Map(out.map((site) => [site.id, site]));
  const seen = new Set<string>();
  const lines: MapLine[] = [];
  const join = (from: string, to: string | undefined) => {
    if (to === undefined || to === from) return;
    const a = at.get(from);
    const b = at.get(to);
    const key = from < to ? `${from}\u0000${to}` : `${to}\u0000${from}`;
    if (!a || !b || seen.has(key)) return;
    seen.add(key);
    lines.push({ from, to, x1: a.x, y1: a.y, x2: b.x, y2: b.y });
  };
  for (const site of sites) join(site.id, site.parent);
  for (const hint of hints) join(hint.site, hint.upstreamSite);
  return { width, height, sites: out, lines, ...(unplacedTop !== undefined ? { unplacedTop } : {}), unplaced: others.length };
}

const round = (value: number) => Math.round(value * 10) / 10;
