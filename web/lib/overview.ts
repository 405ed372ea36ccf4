import type { LinkView, SiteView } from '../../api/inventory.ts';
import type { LinkStatus, StatusReport } from '../../api/status.ts';
import type { ShownState } from './i18n.ts';
import { shownState, stateRank, worstFirst } from './order.ts';
import { matches } from './search.ts';

// What the overview shows, from the status and the inventory: one row per site, worst first,
// with its links, filtered by state, link kind, provider and a search that ignores diacritics;
// then grouped, and laid out as rows of known height so that only the visible ones are drawn.
// Pure, so the order, the filters and the windowing are table-tested without a browser.

export type LinkRow = LinkStatus & { shown: ShownState; provider?: string; name?: string; capacity?: { downMbps: number; upMbps: number } };

export interface SiteRow {
  id: string;
  name: string;
  state: ShownState;
  sinceMs?: number;
  parent?: string;
  links: LinkRow[];
}

export interface OverviewFilter {
  search?: string;
  states?: ReadonlySet<ShownState>;
  /** Link kinds (internet, tslcd, …): a site is kept when one of its links is of a kind chosen,
   * and only those links are shown. */
  kinds?: ReadonlySet<LinkStatus['kind']>;
  /** Providers as the inventory names them (VNPT, Viettel); combined with kinds on each link. */
  providers?: ReadonlySet<string>;
}

const chosen = <T>(set: ReadonlySet<T> | undefined, value: T) => set === undefined || set.size === 0 || set.has(value);

export function overviewRows(status: StatusReport, sites: readonly SiteView[], filter: OverviewFilter = {}, inventory: readonly LinkView[] = []): SiteRow[] {
  const names = new Map(sites.map((site) => [site.id, site]));
  const views = new Map(inventory.map((link) => [link.id, link]));
  const linksOf = new Map<string, LinkRow[]>();
  for (const link of status.links) {
    const view = views.get(link.id);
    const row: LinkRow = { ...link, shown: shownState(link), ...(view?.provider !== undefined ? { provider: view.provider } : {}), ...(view?.name !== undefined ? { name: view.name } : {}), ...(view?.capacity !== undefined ? { capacity: view.capacity } : {}) };
    const list = linksOf.get(link.site);
    if (list) list.push(row);
    else linksOf.set(link.site, [row]);
  }
  const byLink = (filter.kinds?.size ?? 0) > 0 || (filter.providers?.size ?? 0) > 0;
  const rows: SiteRow[] = [];
  for (const site of status.sites) {
    const view = names.get(site.id);
    const all = linksOf.get(site.id) ?? [];
    const links = byLink ? all.filter((link) => chosen(filter.kinds, link.kind) && chosen(filter.providers, link.provider ?? '')) : all;
    if (byLink && links.length === 0) continue;
    const row: SiteRow = { id: site.id, name: view?.name ?? site.id, state: shownState(site), ...(site.sinceMs !== undefined ? { sinceMs: site.sinceMs } : {}), ...(view?.parent !== undefined ? { parent: view.parent } : {}), links };
    if (!chosen(filter.states, row.state)) continue;
    if (!matches(filter.search ?? '', [row.name, row.id, view?.address, ...all.flatMap((link) => [link.id, link.name, link.provider])])) continue;
    rows.push(row);
  }
  return worstFirst(rows);
}

/** Sites per shown state, for the header's filter buttons. */
export function stateCounts(rows: readonly SiteRow[]): Map<ShownState, number> {
  const counts = new Map<ShownState, number>();
  for (const row of rows) counts.set(row.state, (counts.get(row.state) ?? 0) + 1);
  return counts;
}

/** The providers the inventory names, each once, in Vietnamese collation; links without one are
 * left out of the list (they are still shown unfiltered). */
export function providerOptions(links: readonly LinkView[]): string[] {
  const collator = new Intl.Collator('vi', { sensitivity: 'base' });
  return [...new Set(links.flatMap((link) => (link.provider ? [link.provider] : [])))].sort(collator.compare);
}

/** The link kinds present, in the config's order. */
export function kindOptions(links: readonly { kind: LinkStatus['kind'] }[]): LinkStatus['kind'][] {
  const order: LinkStatus['kind'][] = ['internet', 'tslcd', 'wan', 'lan'];
  const present = new Set(links.map((link) => link.kind));
  return order.filter((kind) => present.has(kind));
}

/** Past this many sites the tiles become squares: a province does not fit in tiles. */
export const COMPACT_FROM = 60;

export type Density = 'auto' | 'tiles' | 'compact';
export const isCompact = (density: Density, count: number): boolean => density === 'compact' || (density === 'auto' && count > COMPACT_FROM);

export type Grouping = 'none' | 'state' | 'parent';

/** How someone last left the overview, kept across reloads (a wall of 300 squares should not
 * turn back into tiles every morning). */
export interface OverviewPrefs {
  mode: 'list' | 'map';
  density: Density;
  grouping: Grouping;
}
export const defaultPrefs: OverviewPrefs = { mode: 'list', density: 'auto', grouping: 'none' };

/** Stored text back to preferences; anything unknown (an older version, a hand edit) falls
 * back to the default of that field alone. */
export function parsePrefs(text: string | null): OverviewPrefs {
  let value: unknown;
  try {
    value = text === null ? {} : JSON.parse(text);
  } catch {
    value = {};
  }
  const record = typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
  const pick = <T extends string>(key: keyof OverviewPrefs, allowed: readonly T[], fallback: T): T => (allowed.includes(record[key] as T) ? (record[key] as T) : fallback);
  return {
    mode: pick('mode', ['list', 'map'], defaultPrefs.mode),
    density: pick('density', ['auto', 'tiles', 'compact'], defaultPrefs.density),
    grouping: pick('grouping', ['none', 'state', 'parent'], defaultPrefs.grouping),
  };
}

export interface RowGroup {
  /** A state for `state`, a site id (or '' for none) for `parent`, '' for `none`. */
  key: string;
  rows: SiteRow[];
}

/** Groups keep the worst-first order inside; the groups themselves go worst first too (by state
 * rank, or by their worst site for parents), so a problem is never below a screen of green. */
export function groupRows(rows: readonly SiteRow[], by: Grouping): RowGroup[] {
  if (by === 'none') return [{ key: '', rows: [...rows] }];
  const groups = new Map<string, SiteRow[]>();
  for (const row of rows) {
    const key = by === 'state' ? row.state : (row.parent ?? '');
    const list = groups.get(key);
    if (list) list.push(row);
    else groups.set(key, [row]);
  }
  // Rows arrive worst first, so each group's first row is its worst.
  return [...groups.entries()].map(([key, list]) => ({ key, rows: list })).sort((a, b) => stateRank[a.rows[0]!.state] - stateRank[b.rows[0]!.state]);
}

/** What the list draws, in order, each with its height in pixels: a group's heading, a site's
 * tile, or a row of compact squares. */
export type LayoutItem =
  | { kind: 'heading'; key: string; count: number; worst: ShownState; height: number }
  | { kind: 'tile'; row: SiteRow; height: number }
  | { kind: 'squares'; rows: SiteRow[]; height: number };

export interface LayoutSizes {
  heading: number;
  /** A tile without links, and each link line. */
  tileBase: number;
  tileLink: number;
  /** The site's own strip, drawn when it has more than one link. */
  siteStrip: number;
  square: number;
  /** Squares per row, from the list's width. */
  columns: number;
}

export function layoutItems(groups: readonly RowGroup[], compact: boolean, sizes: LayoutSizes): LayoutItem[] {
  const items: LayoutItem[] = [];
  const columns = Math.max(1, Math.floor(sizes.columns));
  for (const group of groups) {
    if (group.rows.length === 0) continue;
    if (group.key !== '' || groups.length > 1) items.push({ kind: 'heading', key: group.key, count: group.rows.length, worst: group.rows[0]!.state, height: sizes.heading });
    if (compact) {
      for (let i = 0; i < group.rows.length; i += columns) items.push({ kind: 'squares', rows: group.rows.slice(i, i + columns), height: sizes.square });
    } else {
      for (const row of group.rows) items.push({ kind: 'tile', row, height: sizes.tileBase + sizes.tileLink * Math.max(1, row.links.length) + (row.links.length > 1 ? sizes.siteStrip : 0) });
    }
  }
  return items;
}

export interface VisibleWindow {
  start: number;
  /** Exclusive. */
  end: number;
  /** Space standing for the items before and after, so the scroll bar stays true. */
  before: number;
  after: number;
}

/** The items that cross the viewport (plus `overscan` pixels either side). `top` is how far the
 * viewport's top is below the list's top (negative while the list starts lower on the page). */
export function visibleWindow(heights: readonly number[], view: { top: number; height: number; overscan: number }): VisibleWindow {
  const from = view.top - view.overscan;
  const to = view.top + view.height + view.overscan;
  let offset = 0;
  let start = heights.length;
  let before = 0;
  for (let i = 0; i < heights.length; i += 1) {
    if (offset + heights[i]! > from) {
      start = i;
      before = offset;
      break;
    }
    offset += heights[i]!;
  }
  if (start === heights.length) before = offset;
  let end = start;
  let cursor = before;
  while (end < heights.length && cursor < to) cursor += heights[end++]!;
  let after = 0;
  for (let i = end; i < heights.length; i += 1) after += heights[i]!;
  return { start, end, before, after };
}
