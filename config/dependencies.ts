import type { Link, Site } from './schema.ts';

// The dependency tree of the inventory: which links and sites depend on another. Read by the
// alert engine (what an upstream failure cuts off) and the simulator (what it takes down).

// Ids of every item whose `parentOf` chain passes through `rootId`, in input order, `rootId`
// itself excluded. Cycles (which a config could hold) end the walk instead of looping.
function behind<T extends { id: string }>(rootId: string, items: readonly T[], parentOf: (item: T) => string | undefined): string[] {
  const children = new Map<string, string[]>();
  for (const item of items) {
    const parent = parentOf(item);
    if (parent === undefined) continue;
    const list = children.get(parent) ?? [];
    list.push(item.id);
    children.set(parent, list);
  }
  const found = new Set<string>();
  const queue = [rootId];
  while (queue.length > 0) {
    for (const child of children.get(queue.shift()!) ?? []) {
      if (child === rootId || found.has(child)) continue;
      found.add(child);
      queue.push(child);
    }
  }
  return items.filter((item) => found.has(item.id)).map((item) => item.id);
}

/**
 * The links whose traffic passes through `linkId` (transitively, by `upstream`), in inventory
 * order, `linkId` excluded: an upstream failure is `linkId` and all of these going down.
 */
export function linksBehind(linkId: string, links: readonly Pick<Link, 'id' | 'upstream'>[]): string[] {
  return behind(linkId, links, (link) => link.upstream);
}

/** The sites that reach the network through `siteId` (transitively, by `parent`), `siteId` excluded. */
export function sitesBehind(siteId: string, sites: readonly Pick<Site, 'id' | 'parent'>[]): string[] {
  return behind(siteId, sites, (site) => site.parent);
}
