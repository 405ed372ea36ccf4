import type { AlertSettings, EntitySelector, RuleSettings } from '../../config/alerts.ts';
import type { Device, Link, Site } from '../../config/schema.ts';
import type { DeviceInfo, EntityKind, LinkInfo, SiteInfo } from '../../model/alerts.ts';
import type { TrackerSettings } from './state.ts';

// The alert settings that apply to one subject: the defaults, then every override that matches
// it, in order (later wins). Pure; the engine caches the result per config.

export interface SubjectSettings {
  tracker: TrackerSettings;
  rules: RuleSettings;
}

export interface Subject {
  kind: EntityKind;
  id: string;
  site: string;
  groups: readonly string[];
}

/** Whether a selector picks a subject: a site or group selector picks the site and everything in
 * it; a link or device selector picks only that one. Empty selectors pick everything. */
export function selects(selector: EntitySelector, subject: Subject): boolean {
  const lists = [selector.groups, selector.sites, selector.links, selector.devices];
  if (lists.every((list) => list === undefined || list.length === 0)) return true;
  if (selector.sites?.includes(subject.site)) return true;
  if (selector.groups?.some((group) => subject.groups.includes(group))) return true;
  if (subject.kind === 'link' && selector.links?.includes(subject.id)) return true;
  if (subject.kind === 'device' && selector.devices?.includes(subject.id)) return true;
  return false;
}

export function settingsFor(alerts: AlertSettings, subject: Subject): SubjectSettings {
  let tracker: TrackerSettings = { downAfter: alerts.downAfter, upAfter: alerts.upAfter, flapping: { ...alerts.flapping } };
  const rules = structuredClone(alerts.rules) as RuleSettings;
  for (const override of alerts.overrides) {
    if (!selects(override.match, subject)) continue;
    tracker = {
      downAfter: override.downAfter ?? tracker.downAfter,
      upAfter: override.upAfter ?? tracker.upAfter,
      flapping: { ...tracker.flapping, ...override.flapping },
    };
    for (const [name, changes] of Object.entries(override.rules ?? {})) {
      Object.assign(rules[name as keyof RuleSettings], changes);
    }
  }
  return { tracker, rules };
}

/** `sites` by id: called for every subject on every evaluation while a window is in force. */
export function subjectOf(sites: ReadonlyMap<string, Site>, kind: EntityKind, item: Site | Link | Device): Subject {
  const siteId = kind === 'site' ? item.id : (item as Link | Device).site;
  return { kind, id: item.id, site: siteId, groups: sites.get(siteId)?.groups ?? [] };
}

// Snapshots for messages: what an operator needs to act, nothing secret.
export const siteInfo = (site: Site): SiteInfo => ({ id: site.id, name: site.name, kind: site.kind, groups: site.groups, contact: site.contact });
export const linkInfo = (link: Link): LinkInfo => ({ id: link.id, name: link.name, kind: link.kind, provider: link.provider, circuit: link.circuit, supportPhone: link.supportPhone });
export const deviceInfo = (device: Device): DeviceInfo => ({ id: device.id, name: device.name, role: device.role, address: device.address });
