import type { SiteView } from '../../api/inventory.ts';
import type { LinkStatus, StatusReport } from '../../api/status.ts';
import type { ShownState } from './i18n.ts';
import { shownState, worstFirst, worstOf } from './order.ts';

// The wall screen's maths: which sites need a look (everything not up), how many are fine, how
// many cards fit the screen, which page shows now, and whether the data can still be trusted.
// Pure, so paging and staleness are table-tested without a browser or a real clock.

/** A site that is not up, or is up with a link that is not: a card on the wall. */
export interface KioskItem {
  id: string;
  name: string;
  state: ShownState;
  sinceMs?: number;
  /** Its links that are not up, worst first. */
  links: (Pick<LinkStatus, 'id' | 'kind' | 'sinceMs'> & { shown: ShownState })[];
}

export interface KioskSummary {
  /** Worst first, then by Vietnamese name. */
  items: KioskItem[];
  up: number;
  total: number;
}

export function kioskSummary(status: StatusReport, sites: readonly SiteView[]): KioskSummary {
  const names = new Map(sites.map((site) => [site.id, site.name]));
  const linksBySite = new Map<string, KioskItem['links']>();
  for (const link of status.links) {
    const shown = shownState(link);
    if (shown === 'up') continue;
    const entry = { id: link.id, kind: link.kind, ...(link.sinceMs !== undefined ? { sinceMs: link.sinceMs } : {}), shown };
    linksBySite.set(link.site, [...(linksBySite.get(link.site) ?? []), entry]);
  }
  const items: KioskItem[] = [];
  let up = 0;
  for (const site of status.sites) {
    const own = shownState(site);
    const links = linksBySite.get(site.id) ?? [];
    // A site the engine calls up with a link down (its TSLCD alone, say) still needs a look.
    const state = worstOf([own, ...links.map((link) => link.shown)]) ?? own;
    if (state === 'up') {
      up += 1;
      continue;
    }
    const sinceMs = own !== 'up' ? site.sinceMs : links.map((link) => link.sinceMs).find((since) => since !== undefined);
    const ranked = worstFirst(links.map((link) => ({ ...link, state: link.shown })));
    items.push({ id: site.id, name: names.get(site.id) ?? site.id, state, ...(sinceMs !== undefined ? { sinceMs } : {}), links: ranked.map(({ state: _state, ...link }) => link) });
  }
  return { items: worstFirst(items), up, total: status.sites.length };
}

/** How many cards of a given size fit an area: whole columns and rows, at least one card, so
 * a tiny window still shows something and pages through the rest. */
export function gridCapacity(area: { widthPx: number; heightPx: number }, card: { minWidthPx: number; heightPx: number; gapPx: number }): { columns: number; rows: number; perPage: number } {
  const fit = (space: number, size: number) => Math.max(1, Math.floor((space + card.gapPx) / (size + card.gapPx)));
  const columns = fit(area.widthPx, card.minWidthPx);
  const rows = fit(area.heightPx, card.heightPx);
  return { columns, rows, perPage: columns * rows };
}

export const PAGE_MS = 15_000;

export interface KioskPage<T> {
  /** 0-based. */
  index: number;
  count: number;
  items: T[];
}

/** The page shown at `elapsedMs` after the rotation began: one page when everything fits,
 * otherwise the next one every `pageMs`, back to the first after the last. */
export function pageAt<T>(items: readonly T[], perPage: number, elapsedMs: number, pageMs: number = PAGE_MS): KioskPage<T> {
  const size = Math.max(1, Math.floor(perPage));
  const count = Math.max(1, Math.ceil(items.length / size));
  const index = count === 1 ? 0 : Math.floor(Math.max(0, elapsedMs) / pageMs) % count;
  return { index, count, items: items.slice(index * size, (index + 1) * size) };
}

/** Past this the wall says its data is old, as lw-app's banner does: two status rounds. */
export const KIOSK_STALE_AFTER_MS = 2 * 60_000;

export type Freshness = { kind: 'waiting' } | { kind: 'fresh'; generatedMs: number } | { kind: 'stale'; generatedMs: number; ageMs: number };

export function freshness(generatedMs: number | undefined, nowMs: number, staleAfterMs: number = KIOSK_STALE_AFTER_MS): Freshness {
  if (generatedMs === undefined) return { kind: 'waiting' };
  const ageMs = nowMs - generatedMs;
  return ageMs > staleAfterMs ? { kind: 'stale', generatedMs, ageMs } : { kind: 'fresh', generatedMs };
}
