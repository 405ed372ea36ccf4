import { formatPath, suggest, type ConfigError, type PathSegment } from './errors.ts';
import { interfaceSelectorSchema } from './schema.ts';
import { compileSelector } from './selectors.ts';
import { parseLocalDateTime } from './time.ts';

// Checks that need the whole inventory: unique ids, references that resolve, no cycles.
//
// They read the document as written (after ${VAR} expansion), not the schema's output, so they
// run even while some entries are still invalid: a technician fixing a config sees the unknown
// site of a device beside that device's misspelt role, in one run, instead of one layer of
// problems per run. Each check reads only the fields it needs and skips any that is not text;
// the schema reports those.

type Mapping = Readonly<Record<string, unknown>>;

const mappingOf = (value: unknown): Mapping | undefined =>
  value !== null && typeof value === 'object' && !Array.isArray(value) && Object.getPrototypeOf(value) === Object.prototype ? (value as Mapping) : undefined;
const listOf = (value: unknown): readonly unknown[] => (Array.isArray(value) ? value : []);
const textOf = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
/** Every entry of a list that is a mapping, with its index in the list as written. */
const entriesOf = (value: unknown): { entry: Mapping; index: number }[] =>
  listOf(value).flatMap((item, index) => {
    const entry = mappingOf(item);
    return entry ? [{ entry, index }] : [];
  });

interface Inventory {
  sites: Map<string, number>;
  devices: Map<string, number>;
  links: Map<string, number>;
}

export function crossCheck(document: unknown): ConfigError[] {
  const root = mappingOf(document) ?? {};
  const errors: ConfigError[] = [];
  const error = (path: PathSegment[], message: string) => errors.push({ path: formatPath(path), message });

  const indexIds = (name: 'sites' | 'devices' | 'links') => {
    const seen = new Map<string, number>();
    for (const { entry, index } of entriesOf(root[name])) {
      const id = textOf(entry.id);
      if (id === undefined) continue;
      const first = seen.get(id);
      if (first !== undefined) error([name, index, 'id'], `duplicate id "${id}" (first used at ${name}[${first}])`);
      else seen.set(id, index);
    }
    return seen;
  };
  const inventory: Inventory = { sites: indexIds('sites'), devices: indexIds('devices'), links: indexIds('links') };
  const profiles = Object.keys(mappingOf(root.credentials) ?? {});

  const mustExist = (ids: Map<string, number>, kind: string, value: unknown, path: PathSegment[]) => {
    const id = textOf(value);
    if (id !== undefined && !ids.has(id)) error(path, `unknown ${kind} "${id}"${suggest(id, [...ids.keys()])}`);
  };

  for (const { entry: site, index } of entriesOf(root.sites)) mustExist(inventory.sites, 'site', site.parent, ['sites', index, 'parent']);
  for (const { entry: device, index } of entriesOf(root.devices)) {
    mustExist(inventory.sites, 'site', device.site, ['devices', index, 'site']);
    const profile = textOf(mappingOf(device.snmp)?.credentials);
    if (profile !== undefined && !profiles.includes(profile)) {
      error(['devices', index, 'snmp', 'credentials'], profiles.length === 0
        ? `unknown credential profile "${profile}": no profiles are defined under credentials`
        : `unknown credential profile "${profile}"${suggest(profile, profiles)}; defined: ${profiles.join(', ')}`);
    }
    listOf(device.interfaces).forEach((raw, s) => {
      // A selector the schema refuses is reported by the schema; this checks the patterns in it.
      const selector = interfaceSelectorSchema.safeParse(raw);
      const compiled = selector.success ? compileSelector(selector.data) : undefined;
      if (compiled && !compiled.ok) error(['devices', index, 'interfaces', s], compiled.message);
    });
  }
  for (const { entry: link, index } of entriesOf(root.links)) {
    mustExist(inventory.sites, 'site', link.site, ['links', index, 'site']);
    mustExist(inventory.devices, 'device', link.device, ['links', index, 'device']);
    mustExist(inventory.links, 'link', link.upstream, ['links', index, 'upstream']);
  }

  errors.push(...crossCheckAlerts(root, inventory));

  // The monthly report goes out through an e-mail channel of alerts.channels.
  const monthly = mappingOf(mappingOf(root.reports)?.monthly);
  const channelName = textOf(monthly?.channel);
  if (channelName !== undefined) {
    const channels = mappingOf(mappingOf(root.alerts)?.channels) ?? {};
    const channel = mappingOf(channels[channelName]);
    if (!channel) error(['reports', 'monthly', 'channel'], `unknown channel "${channelName}"${suggest(channelName, Object.keys(channels))}`);
    else if (textOf(channel.type) !== undefined && channel.type !== 'email') error(['reports', 'monthly', 'channel'], `channel "${channelName}" is a ${String(channel.type)} channel; reports are sent by e-mail`);
  }

  findCycles(entriesOf(root.sites), 'parent').forEach(({ index, cycle }) => error(['sites', index, 'parent'], `parent cycle: ${cycle.join(' → ')}`));
  findCycles(entriesOf(root.links), 'upstream').forEach(({ index, cycle }) => error(['links', index, 'upstream'], `upstream cycle: ${cycle.join(' → ')}`));
  return errors;
}

/** References inside `alerts`: selectors, routes and channels must name things that exist. */
function crossCheckAlerts(root: Mapping, inventory: Inventory): ConfigError[] {
  const errors: ConfigError[] = [];
  const error = (path: PathSegment[], message: string) => errors.push({ path: formatPath(path), message });
  const alerts = mappingOf(root.alerts) ?? {};
  const groups = new Set(entriesOf(root.sites).flatMap(({ entry }) => listOf(entry.groups).flatMap((group) => textOf(group) ?? [])));
  const checkList = (known: ReadonlySet<string> | ReadonlyMap<string, number>, kind: string, list: unknown, path: PathSegment[]) =>
    listOf(list).forEach((item, i) => {
      const id = textOf(item);
      if (id !== undefined && !known.has(id)) error([...path, i], `unknown ${kind} "${id}"${suggest(id, [...known.keys()])}`);
    });
  const checkSelector = (selector: unknown, path: PathSegment[]) => {
    const match = mappingOf(selector) ?? {};
    checkList(groups, 'site group', match.groups, [...path, 'groups']);
    checkList(inventory.sites, 'site', match.sites, [...path, 'sites']);
    checkList(inventory.links, 'link', match.links, [...path, 'links']);
    checkList(inventory.devices, 'device', match.devices, [...path, 'devices']);
  };
  for (const { entry, index } of entriesOf(alerts.overrides)) checkSelector(entry.match, ['alerts', 'overrides', index, 'match']);
  for (const { entry, index } of entriesOf(alerts.maintenance)) checkSelector(entry.match, ['alerts', 'maintenance', index, 'match']);

  const channels = new Set(Object.keys(mappingOf(alerts.channels) ?? {}));
  const routes = new Map<string, number>();
  for (const { entry: route, index } of entriesOf(alerts.routes)) {
    const id = textOf(route.id);
    if (id !== undefined && routes.has(id)) error(['alerts', 'routes', index, 'id'], `duplicate route id "${id}" (first used at alerts.routes[${routes.get(id)}])`);
    else if (id !== undefined) routes.set(id, index);
    checkList(channels, 'channel', route.channels, ['alerts', 'routes', index, 'channels']);
    checkSelector(route.match, ['alerts', 'routes', index, 'match']);
  }
  for (const { entry: route, index } of entriesOf(alerts.routes)) {
    const target = textOf(mappingOf(route.escalate)?.route);
    if (target === undefined) continue;
    const path = ['alerts', 'routes', index, 'escalate', 'route'];
    if (!routes.has(target)) error(path, `unknown route "${target}"${suggest(target, [...routes.keys()])}`);
    else if (target === textOf(route.id)) error(path, 'a route cannot escalate to itself');
  }

  const peers = new Set<string>();
  for (const { entry: peer, index } of entriesOf(alerts.peers)) {
    const id = textOf(peer.id);
    if (id === undefined) continue;
    if (peers.has(id)) error(['alerts', 'peers', index, 'id'], `duplicate peer id "${id}"`);
    peers.add(id);
  }

  const timezone = validTimezone(textOf(alerts.timezone));
  const windows = new Set<string>();
  for (const { entry: window, index } of entriesOf(alerts.maintenance)) {
    const id = textOf(window.id);
    if (id !== undefined && windows.has(id)) error(['alerts', 'maintenance', index, 'id'], `duplicate maintenance window id "${id}"`);
    if (id !== undefined) windows.add(id);
    // With a zone the schema refuses, local times cannot be read; the zone's error says why.
    if (timezone === undefined) continue;
    const times = (['start', 'end'] as const).map((key) => {
      const text = textOf(window[key]);
      const ms = text === undefined ? undefined : parseLocalDateTime(text, timezone);
      if (text !== undefined && ms === undefined) {
        error(['alerts', 'maintenance', index, key], `expected a date and time such as 2026-12-01T22:00 or 2026-12-01T22:00+07:00; got "${text}"`);
      }
      return ms;
    });
    const [start, end] = times;
    if (start !== undefined && end !== undefined && end <= start) error(['alerts', 'maintenance', index, 'end'], 'must be after start');
  }
  return errors;
}

/** The zone local times are read in: the one written, the schema's default when none is. */
function validTimezone(zone: string | undefined): string | undefined {
  const candidate = zone ?? 'Asia/Ho_Chi_Minh';
  try {
    new Intl.DateTimeFormat('en', { timeZone: candidate });
    return candidate;
  } catch {
    return undefined;
  }
}

/** Reports each cycle once, at the member that appears first in the list. */
function findCycles(entries: readonly { entry: Mapping; index: number }[], key: 'parent' | 'upstream'): { index: number; cycle: string[] }[] {
  const byId = new Map<string, { next: string | undefined; index: number }>();
  for (const { entry, index } of entries) {
    const id = textOf(entry.id);
    if (id !== undefined && !byId.has(id)) byId.set(id, { next: textOf(entry[key]), index });
  }
  const reported = new Set<string>();
  const cycles: { index: number; cycle: string[] }[] = [];
  for (const start of byId.keys()) {
    const trail: string[] = [];
    let current: string | undefined = start;
    while (current !== undefined && byId.has(current) && !trail.includes(current)) {
      trail.push(current);
      current = byId.get(current)!.next;
    }
    if (current === undefined || !trail.includes(current)) continue;
    const cycle = trail.slice(trail.indexOf(current));
    if (cycle.some((id) => reported.has(id))) continue;
    cycle.forEach((id) => reported.add(id));
    const from = cycle.reduce((best, id) => (byId.get(id)!.index < byId.get(best)!.index ? id : best));
    const at = cycle.indexOf(from);
    cycles.push({ index: byId.get(from)!.index, cycle: [...cycle.slice(at), ...cycle.slice(0, at), from] });
  }
  return cycles;
}
