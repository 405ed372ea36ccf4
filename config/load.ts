import { readFile } from 'node:fs/promises';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, visit, type Document } from 'yaml';
import { formatPath, suggest, zodIssuesToConfigErrors, type ConfigError, type PathSegment } from './errors.ts';
import { configSchema, type AlertSettings, type Config, type Device, type ParsedConfig } from './schema.ts';
import { compileSelector } from './selectors.ts';
import { parseLocalDateTime } from './time.ts';

export type LoadResult = { ok: true; config: Config } | { ok: false; errors: ConfigError[] };

export interface ParseOptions {
  /** Where `${VAR}` references are looked up; the loader never reads process.env itself. */
  env?: Readonly<Record<string, string | undefined>>;
}

/** Reads, validates and resolves a config file. Never throws for a bad file: every problem
 * comes back as a located error. */
export async function loadConfigFile(file: string, options: ParseOptions = {}): Promise<LoadResult> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    return { ok: false, errors: [{ path: '(file)', message: `cannot read ${file}: ${(error as Error).message}` }] };
  }
  return parseConfig(text, options);
}

export function parseConfig(text: string, options: ParseOptions = {}): LoadResult {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    return {
      ok: false,
      // One syntax slip makes the parser complain about every token after it; the first few say it all.
      errors: doc.errors.slice(0, 5).map((error) => {
        const position = lineCounter.linePos(error.pos[0]);
        return { path: '(yaml)', message: error.message.split('\n')[0] ?? error.message, line: position.line, column: position.col };
      }),
    };
  }
  keepLeadingZeroNumbersAsText(doc);
  const raw: unknown = doc.toJS({ maxAliasCount: 100 }) ?? {};
  const locate = (errors: ConfigError[]): ConfigError[] => errors.map((error) => withPosition(error, doc, lineCounter));

  const expanded = expandEnv(raw, options.env ?? {});
  if (expanded.errors.length > 0) return { ok: false, errors: locate(expanded.errors) };

  const parsed = configSchema.safeParse(expanded.value);
  if (!parsed.success) return { ok: false, errors: locate(zodIssuesToConfigErrors(parsed.error.issues, expanded.value, configSchema)) };

  const errors = crossCheck(parsed.data);
  if (errors.length > 0) return { ok: false, errors: locate(errors) };
  return { ok: true, config: deepFreeze(resolve(parsed.data)) };
}

/** YAML reads the phone number 0912345678 as the integer 912345678, silently dropping the 0.
 * A number written with a leading 0 or + is kept as the text the person typed. */
function keepLeadingZeroNumbersAsText(doc: Document): void {
  visit(doc, {
    Scalar(_key, node) {
      if (typeof node.value === 'number' && node.source !== undefined && /^[+0]\d/.test(node.source)) node.value = node.source;
    },
  });
}

const ENV_REFERENCE = /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

/** `${NAME}` and `${NAME:-default}` in any string; `$$` is a literal `$`. */
function expandEnv(value: unknown, env: Readonly<Record<string, string | undefined>>): { value: unknown; errors: ConfigError[] } {
  const errors: ConfigError[] = [];
  const walk = (node: unknown, path: PathSegment[]): unknown => {
    if (typeof node === 'string') {
      return node.replace(ENV_REFERENCE, (match, name: string | undefined, fallback: string | undefined) => {
        if (match === '$$') return '$';
        const found = env[name!];
        if (found !== undefined && found !== '') return found;
        if (fallback !== undefined) return fallback;
        errors.push({ path: formatPath(path), message: `environment variable ${name} is not set`, unsetVariable: name! });
        return '';
      });
    }
    if (Array.isArray(node)) return node.map((item, index) => walk(item, [...path, index]));
    if (node !== null && typeof node === 'object') {
      return Object.fromEntries(Object.entries(node).map(([key, item]) => [key, walk(item, [...path, key])]));
    }
    return node;
  };
  return { value: walk(value, []), errors };
}

/** Checks that need the whole inventory: unique ids, references that resolve, no cycles. */
function crossCheck(config: ParsedConfig): ConfigError[] {
  const errors: ConfigError[] = [];
  const error = (path: PathSegment[], message: string) => errors.push({ path: formatPath(path), message });

  const indexIds = (list: readonly { id: string }[], name: 'sites' | 'devices' | 'links') => {
    const seen = new Map<string, number>();
    list.forEach((item, index) => {
      const first = seen.get(item.id);
      if (first !== undefined) error([name, index, 'id'], `duplicate id "${item.id}" (first used at ${name}[${first}])`);
      else seen.set(item.id, index);
    });
    return seen;
  };
  const sites = indexIds(config.sites, 'sites');
  const devices = indexIds(config.devices, 'devices');
  const links = indexIds(config.links, 'links');
  const profiles = Object.keys(config.credentials);

  const mustExist = (ids: Map<string, number>, kind: string, id: string | undefined, path: PathSegment[]) => {
    if (id !== undefined && !ids.has(id)) error(path, `unknown ${kind} "${id}"${suggest(id, [...ids.keys()])}`);
  };

  config.sites.forEach((site, i) => {
    mustExist(sites, 'site', site.parent, ['sites', i, 'parent']);
  });
  config.devices.forEach((device, i) => {
    mustExist(sites, 'site', device.site, ['devices', i, 'site']);
    const credentials = device.snmp?.credentials;
    if (typeof credentials === 'string' && !profiles.includes(credentials)) {
      error(['devices', i, 'snmp', 'credentials'], `unknown credential profile "${credentials}"; defined profiles: ${profiles.join(', ') || '(none)'}`);
    }
    if (Array.isArray(device.interfaces)) {
      device.interfaces.forEach((selector, s) => {
        const compiled = compileSelector(selector);
        if (!compiled.ok) error(['devices', i, 'interfaces', s], compiled.message);
      });
    }
  });
  config.links.forEach((link, i) => {
    mustExist(sites, 'site', link.site, ['links', i, 'site']);
    mustExist(devices, 'device', link.device, ['links', i, 'device']);
    mustExist(links, 'link', link.upstream, ['links', i, 'upstream']);
  });

  errors.push(...crossCheckAlerts(config, { sites, devices, links }));

  findCycles(config.sites, (site) => site.parent).forEach(({ index, cycle }) =>
    error(['sites', index, 'parent'], `parent cycle: ${cycle.join(' → ')}`),
  );
  findCycles(config.links, (link) => link.upstream).forEach(({ index, cycle }) =>
    error(['links', index, 'upstream'], `upstream cycle: ${cycle.join(' → ')}`),
  );
  return errors;
}

/** References inside `alerts`: selectors, routes and channels must name things that exist. */
function crossCheckAlerts(config: ParsedConfig, ids: { sites: Map<string, number>; devices: Map<string, number>; links: Map<string, number> }): ConfigError[] {
  const errors: ConfigError[] = [];
  const error = (path: PathSegment[], message: string) => errors.push({ path: formatPath(path), message });
  const alerts = config.alerts;
  const groups = new Set(config.sites.flatMap((site) => site.groups));
  const checkList = (known: Set<string> | Map<string, number>, kind: string, list: readonly string[] | undefined, path: PathSegment[]) =>
    list?.forEach((id, i) => {
      if (!known.has(id)) error([...path, i], `unknown ${kind} "${id}"${suggest(id, [...known.keys()])}`);
    });
  const checkSelector = (selector: { groups?: string[]; sites?: string[]; links?: string[]; devices?: string[] }, path: PathSegment[]) => {
    checkList(groups, 'site group', selector.groups, [...path, 'groups']);
    checkList(ids.sites, 'site', selector.sites, [...path, 'sites']);
    checkList(ids.links, 'link', 'links' in selector ? selector.links : undefined, [...path, 'links']);
    checkList(ids.devices, 'device', 'devices' in selector ? selector.devices : undefined, [...path, 'devices']);
  };
  alerts.overrides.forEach((override, i) => checkSelector(override.match, ['alerts', 'overrides', i, 'match']));
  alerts.maintenance.forEach((window, i) => checkSelector(window.match, ['alerts', 'maintenance', i, 'match']));
  const channels = new Set(Object.keys(alerts.channels));
  const routes = new Map<string, number>();
  alerts.routes.forEach((route, i) => {
    if (routes.has(route.id)) error(['alerts', 'routes', i, 'id'], `duplicate route id "${route.id}" (first used at alerts.routes[${routes.get(route.id)}])`);
    else routes.set(route.id, i);
    checkList(channels, 'channel', route.channels, ['alerts', 'routes', i, 'channels']);
    checkSelector(route.match, ['alerts', 'routes', i, 'match']);
  });
  alerts.routes.forEach((route, i) => {
    if (!route.escalate) return;
    if (!routes.has(route.escalate.route)) error(['alerts', 'routes', i, 'escalate', 'route'], `unknown route "${route.escalate.route}"${suggest(route.escalate.route, [...routes.keys()])}`);
    else if (route.escalate.route === route.id) error(['alerts', 'routes', i, 'escalate', 'route'], 'a route cannot escalate to itself');
  });
  const peers = new Set<string>();
  alerts.peers.forEach((peer, i) => {
    if (peers.has(peer.id)) error(['alerts', 'peers', i, 'id'], `duplicate peer id "${peer.id}"`);
    peers.add(peer.id);
  });
  const windows = new Set<string>();
  alerts.maintenance.forEach((window, i) => {
    if (windows.has(window.id)) error(['alerts', 'maintenance', i, 'id'], `duplicate maintenance window id "${window.id}"`);
    windows.add(window.id);
    for (const key of ['start', 'end'] as const) {
      const text = window[key];
      if (text !== undefined && parseLocalDateTime(text, alerts.timezone) === undefined) {
        error(['alerts', 'maintenance', i, key], `expected a date and time such as 2026-12-01T22:00 or 2026-12-01T22:00+07:00; got "${text}"`);
      }
    }
    const start = window.start && parseLocalDateTime(window.start, alerts.timezone);
    const end = window.end && parseLocalDateTime(window.end, alerts.timezone);
    if (start && end && end <= start) error(['alerts', 'maintenance', i, 'end'], 'must be after start');
  });
  return errors;
}

/** Reports each cycle once, at the member that appears first in the list. */
function findCycles<T extends { id: string }>(items: readonly T[], next: (item: T) => string | undefined): { index: number; cycle: string[] }[] {
  const byId = new Map(items.map((item, index) => [item.id, { item, index }]));
  const reported = new Set<string>();
  const cycles: { index: number; cycle: string[] }[] = [];
  items.forEach((start) => {
    const trail: string[] = [];
    let current: string | undefined = start.id;
    while (current !== undefined && byId.has(current) && !trail.includes(current)) {
      trail.push(current);
      current = next(byId.get(current)!.item);
    }
    if (current === undefined || !trail.includes(current)) return;
    const cycle = trail.slice(trail.indexOf(current));
    if (cycle.some((id) => reported.has(id))) return;
    cycle.forEach((id) => reported.add(id));
    const first = Math.min(...cycle.map((id) => byId.get(id)!.index));
    const from = items[first]!.id;
    const rotated = [...cycle.slice(cycle.indexOf(from)), ...cycle.slice(0, cycle.indexOf(from)), from];
    cycles.push({ index: first, cycle: rotated });
  });
  return cycles;
}

function resolve(config: ParsedConfig): Config {
  const defaults = config.collector.snmp;
  const devices: Device[] = config.devices.map((device) => {
    const { snmp, ...rest } = device;
    if (!snmp) return rest;
    const profile = typeof snmp.credentials === 'string' ? snmp.credentials : undefined;
    const credentials = profile !== undefined ? config.credentials[profile]! : (snmp.credentials as Exclude<typeof snmp.credentials, string>);
    return {
      ...rest,
      snmp: {
        credentials,
        profile,
        port: snmp.port,
        interval: snmp.interval ?? defaults.interval,
        timeout: snmp.timeout ?? defaults.timeout,
        retries: snmp.retries ?? defaults.retries,
      },
    };
  });
  return { collector: config.collector, influx: config.influx, sites: config.sites, devices, links: config.links, alerts: config.alerts as AlertSettings };
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value) && (Array.isArray(value) || Object.getPrototypeOf(value) === Object.prototype)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/** Adds line:column to an error by finding its path in the YAML document (or the nearest
 * existing parent, for a missing key). */
function withPosition(error: ConfigError, doc: Document, lineCounter: LineCounter): ConfigError {
  const segments = parsePath(error.path);
  for (let length = segments.length; length >= 0; length--) {
    const node = doc.getIn(segments.slice(0, length), true);
    const range = node && (isScalar(node) || isMap(node) || isSeq(node)) ? node.range : undefined;
    if (range) {
      const { line, col } = lineCounter.linePos(range[0]);
      return { ...error, line, column: col };
    }
  }
  return error;
}

function parsePath(path: string): PathSegment[] {
  const segments: PathSegment[] = [];
  for (const match of path.matchAll(/([A-Za-z_][\w-]*)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]/g)) {
    if (match[1] !== undefined) segments.push(match[1]);
    else if (match[2] !== undefined) segments.push(Number(match[2]));
    else if (match[3] !== undefined) segments.push(JSON.parse(match[3]) as string);
  }
  return segments;
}
