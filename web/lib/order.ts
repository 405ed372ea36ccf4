import type { ShownState } from './i18n.ts';

// Problems first: the order every list of sites, links and devices uses, worst state first
// (down > degraded > unreachable > stale > maintenance > up), then by name in Vietnamese
// collation ("Bản Hồ" before "Đà" before "Nậm Xé").

export const stateRank: Record<ShownState, number> = { down: 0, degraded: 1, unreachable: 2, stale: 3, unknown: 3, maintenance: 4, up: 5 };

/** The state a list shows: data too old to trust is stale whatever the last state was, except
 * while a declared window explains the silence. */
export const shownState = (item: { state: ShownState; stale?: boolean }): ShownState => (item.stale && item.state !== 'maintenance' ? 'stale' : item.state);

const collator = new Intl.Collator('vi', { sensitivity: 'base', numeric: true });

export function worstFirst<T extends { state: ShownState; stale?: boolean; name?: string; id: string }>(items: readonly T[]): T[] {
  return [...items].sort((a, b) => stateRank[shownState(a)] - stateRank[shownState(b)] || collator.compare(a.name ?? a.id, b.name ?? b.id) || collator.compare(a.id, b.id));
}

/** The worst of several states (a strip's bucket, a site's links). */
export function worstOf(states: readonly ShownState[]): ShownState | undefined {
  return states.reduce<ShownState | undefined>((worst, state) => (worst === undefined || stateRank[state] < stateRank[worst] ? state : worst), undefined);
}
