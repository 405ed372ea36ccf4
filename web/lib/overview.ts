import type { SiteView } from '../../api/inventory.ts';
import type { LinkStatus, StatusReport } from '../../api/status.ts';
import type { ShownState } from './i18n.ts';
import { shownState, worstFirst } from './order.ts';
import { matches } from './search.ts';

// What the overview shows, from the status and the inventory: one row per site, worst first,
// with its links, filtered by state and by a search that ignores diacritics. Pure, so the order
// and the filters are table-tested without a browser.

export interface SiteRow {
  id: string;
  name: string;
  state: ShownState;
  sinceMs?: number;
  links: (LinkStatus & { shown: ShownState })[];
}

export interface OverviewFilter {
  search?: string;
  states?: ReadonlySet<ShownState>;
}

export function overviewRows(status: StatusReport, sites: readonly SiteView[], filter: OverviewFilter = {}): SiteRow[] {
  const names = new Map(sites.map((site) => [site.id, site]));
  const linksOf = new Map<string, SiteRow['links']>();
  for (const link of status.links) linksOf.set(link.site, [...(linksOf.get(link.site) ?? []), { ...link, shown: shownState(link) }]);
  const rows = status.sites.map((site): SiteRow => ({
    id: site.id,
    name: names.get(site.id)?.name ?? site.id,
    state: shownState(site),
    ...(site.sinceMs !== undefined ? { sinceMs: site.sinceMs } : {}),
    links: linksOf.get(site.id) ?? [],
  }));
  const chosen = rows.filter(
    (row) =>
      (filter.states === undefined || filter.states.size === 0 || filter.states.has(row.state)) &&
      matches(filter.search ?? '', [row.name, row.id, ...row.links.flatMap((link) => [link.id, names.get(row.id)?.address])]),
  );
  return worstFirst(chosen);
}

/** Sites per shown state, for the header's filter buttons. */
export function stateCounts(rows: readonly SiteRow[]): Map<ShownState, number> {
  const counts = new Map<ShownState, number>();
  for (const row of rows) counts.set(row.state, (counts.get(row.state) ?? 0) + 1);
  return counts;
}
