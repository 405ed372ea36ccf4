import type { Config, Device, Link, Site } from '../config/schema.ts';
import type { RecordedFacts } from '../store/facts-history.ts';

// The inventory as the API shows it: what the config says, with what SNMP discovered. Built
// field by field, never by spreading a config object, so a credential added to the config later
// cannot reach a response by accident.

export interface InterfaceView {
  index: number;
  name: string;
  type: number | null;
  speedBps: number | null;
}

export interface FactsView {
  sysDescr: string;
  sysName: string;
  sysObjectId: string;
  sysLocation: string;
  sysContact: string;
  manufacturer: string;
  model: string;
  serial: string;
  hardwareRev: string;
  firmwareRev: string;
  softwareRev: string;
  interfaces: InterfaceView[];
  /** When the collector last recorded them. */
  seenMs: number;
}

export interface SiteView {
  id: string;
  name: string;
  kind: Site['kind'];
  parent?: string;
  groups: readonly string[];
  location?: { lat: number; lon: number };
  address?: string;
  contact?: { name?: string; phone?: string };
  devices: string[];
  links: string[];
}

export interface DeviceView {
  id: string;
  site: string;
  role: Device['role'];
  name?: string;
  address: string;
  /** How it is polled; never the credentials. */
  snmp?: { version: '1' | '2c' | '3'; port: number; intervalMs: number };
  links: string[];
  facts?: FactsView;
}

export interface LinkView {
  id: string;
  site: string;
  kind: Link['kind'];
  name?: string;
  provider?: string;
  circuit?: string;
  supportPhone?: string;
  capacity?: { downMbps: number; upMbps: number };
  device?: string;
  interface?: string;
  /** The interface's speed as the device last reported it. */
  interfaceSpeedBps?: number;
  upstream?: string;
  targets: { address: string; role: string; name?: string }[];
  icmp: { intervalMs: number; count: number };
}

/** The object without its undefined fields (absent, not `null`, in JSON answers). */
export const defined = <T extends object>(value: T): T => Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;

function parseInterfaces(json: string): InterfaceView[] {
  try {
    const list: unknown = JSON.parse(json);
    if (!Array.isArray(list)) return [];
    return list.flatMap((entry: Record<string, unknown>) =>
      typeof entry?.index === 'number' && typeof entry.name === 'string'
        ? [{ index: entry.index, name: entry.name, type: typeof entry.type === 'number' ? entry.type : null, speedBps: typeof entry.speedBps === 'number' ? entry.speedBps : null }]
        : [],
    );
  } catch {
    return [];
  }
}

export function factsView(recorded: RecordedFacts): FactsView {
  const f = recorded.facts;
  return {
    sysDescr: f.sys_descr,
    sysName: f.sys_name,
    sysObjectId: f.sys_object_id,
    sysLocation: f.sys_location,
    sysContact: f.sys_contact,
    manufacturer: f.manufacturer,
    model: f.model,
    serial: f.serial,
    hardwareRev: f.hardware_rev,
    firmwareRev: f.firmware_rev,
    softwareRev: f.software_rev,
    interfaces: parseInterfaces(f.interfaces),
    seenMs: recorded.atMs,
  };
}

export function siteView(config: Config, site: Site): SiteView {
  return defined({
    id: site.id,
    name: site.name,
    kind: site.kind,
    parent: site.parent,
    groups: site.groups,
    location: site.location && { lat: site.location.lat, lon: site.location.lon },
    address: site.address,
    contact: site.contact && defined({ name: site.contact.name, phone: site.contact.phone }),
    devices: config.devices.filter((device) => device.site === site.id).map((device) => device.id),
    links: config.links.filter((link) => link.site === site.id).map((link) => link.id),
  });
}

export function deviceView(config: Config, device: Device, facts: ReadonlyMap<string, RecordedFacts>): DeviceView {
  const recorded = facts.get(device.id);
  return defined({
    id: device.id,
    site: device.site,
    role: device.role,
    name: device.name,
    address: device.address,
    snmp: device.snmp && { version: device.snmp.credentials.version, port: device.snmp.port, intervalMs: device.snmp.interval },
    links: config.links.filter((link) => link.device === device.id).map((link) => link.id),
    facts: recorded && factsView(recorded),
  });
}

export function linkView(config: Config, link: Link, facts: ReadonlyMap<string, RecordedFacts>): LinkView {
  const recorded = link.device ? facts.get(link.device) : undefined;
  const speed = recorded && link.interface ? parseInterfaces(recorded.facts.interfaces).find((iface) => iface.name === link.interface)?.speedBps : undefined;
  return defined({
    id: link.id,
    site: link.site,
    kind: link.kind,
    name: link.name,
    provider: link.provider,
    circuit: link.circuit,
    supportPhone: link.supportPhone,
    capacity: link.capacity && { downMbps: link.capacity.downMbps, upMbps: link.capacity.upMbps },
    device: link.device,
    interface: link.interface,
    interfaceSpeedBps: speed ?? undefined,
    upstream: link.upstream,
    targets: link.targets.map((target) => defined({ address: target.address, role: target.role, name: target.name })),
    icmp: { intervalMs: link.icmp?.interval ?? config.collector.icmp.interval, count: link.icmp?.count ?? config.collector.icmp.count },
  });
}
