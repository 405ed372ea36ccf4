import type { DeviceView, LinkView, SiteView } from '../../api/inventory.ts';
import type { FactChangeView } from '../../api/routes/inventory.ts';
import { getJson, type Fetched } from './client.ts';

// The inventory's fetchers: what the config says about sites, devices and links, what SNMP
// discovered, and the changes it saw. Each answers a `Fetched` result, never a throw.

export const fetchDevices = () => getJson<{ devices: DeviceView[] }>('/api/v1/devices');
export const fetchLinks = () => getJson<{ links: LinkView[] }>('/api/v1/links');
export const fetchInventorySites = () => getJson<{ sites: SiteView[] }>('/api/v1/sites');
export const fetchFactChanges = () => getJson<{ changes: FactChangeView[]; truncated: boolean }>('/api/v1/fact-changes');

export interface InventoryData {
  sites: SiteView[];
  devices: DeviceView[];
  links: LinkView[];
  /** The history is an extra: an inventory without it is still worth showing, with a word why. */
  changes: Fetched<FactChangeView[]>;
}

/** The four answers the inventory view needs, as one result: the first failure, or all of them. */
export async function fetchInventory(): Promise<Fetched<InventoryData>> {
  const [sites, devices, links, changes] = await Promise.all([fetchInventorySites(), fetchDevices(), fetchLinks(), fetchFactChanges()]);
  if (!sites.ok) return sites;
  if (!devices.ok) return devices;
  if (!links.ok) return links;
  return { ok: true, value: { sites: sites.value.sites, devices: devices.value.devices, links: links.value.links, changes: changes.ok ? { ok: true, value: changes.value.changes } : changes } };
}
