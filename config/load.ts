import { readFile } from 'node:fs/promises';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, visit, type Document } from 'yaml';
import { crossCheck } from './cross-check.ts';
import { formatPath, zodIssuesToConfigErrors, type ConfigError, type PathSegment } from './errors.ts';
import { configSchema, type AlertSettings, type Config, type Device, type ParsedConfig } from './schema.ts';

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

  // Every layer is checked in the same run, so one run lists every problem: unset variables,
  // the schema, then references. A value left empty by an unset variable is reported once, as
  // the variable.
  const expanded = expandEnv(raw, options.env ?? {});
  const parsed = configSchema.safeParse(expanded.value);
  const unsetAt = new Set(expanded.errors.map((error) => error.path));
  const schemaErrors = parsed.success ? [] : zodIssuesToConfigErrors(parsed.error.issues, expanded.value, configSchema).filter((error) => !unsetAt.has(error.path));
  const errors = [...expanded.errors, ...schemaErrors, ...crossCheck(expanded.value)];
  if (errors.length > 0 || !parsed.success) return { ok: false, errors: inFileOrder(locate(errors)) };
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
  return { collector: config.collector, influx: config.influx, sites: config.sites, devices, links: config.links, alerts: config.alerts as AlertSettings, api: config.api, reports: config.reports };
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value) && (Array.isArray(value) || Object.getPrototypeOf(value) === Object.prototype)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/** Problems in the order a technician reads the file; those without a position (a missing
 * top-level section) first. The sort is stable, so problems at one place keep their order. */
function inFileOrder(errors: ConfigError[]): ConfigError[] {
  return [...errors].sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
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
