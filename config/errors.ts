import type { z } from 'zod';

/** One problem in a config file, located by its path (`devices[3].snmp.version`) and, where the
 * YAML source is known, its line and column. */
export interface ConfigError {
  path: string;
  message: string;
  line?: number;
  column?: number;
  /** The `${NAME}` reference that had no value and no fallback, when that is the problem. */
  unsetVariable?: string;
}

export type PathSegment = string | number;

export function formatPath(path: readonly PathSegment[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (/^[A-Za-z_][\w-]*$/.test(segment)) out += out ? `.${segment}` : segment;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out || '(top level)';
}

export function formatConfigError(error: ConfigError, file?: string): string {
  const where = [file, error.line, error.column].filter((part) => part !== undefined).join(':');
  return `${where ? `${where}: ` : ''}${error.path}: ${error.message}`;
}

const describeValue = (value: unknown): string => {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return String(value);
};

const valueAt = (root: unknown, path: readonly PathSegment[]): unknown => {
  let node = root;
  for (const segment of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<PathSegment, unknown>)[segment];
  }
  return node;
};

type AnySchema = z.core.$ZodType;

/** Walks the schema along a data path to list the keys an object there accepts, so an unknown
 * key error can name the allowed ones. Unions contribute the keys of every alternative. */
function allowedKeysAt(schema: AnySchema, path: readonly PathSegment[]): Set<string> {
  const found = new Set<string>();
  const visit = (node: AnySchema, rest: readonly PathSegment[], depth: number) => {
    if (depth > 40) return;
    const def = node._zod.def as unknown as Record<string, unknown> & { type: string };
    switch (def.type) {
      case 'optional':
      case 'default':
      case 'prefault':
      case 'nullable':
      case 'readonly':
        return visit(def.innerType as AnySchema, rest, depth + 1);
      case 'pipe': {
        const input = def.in as AnySchema;
        return visit(input._zod.def.type === 'transform' ? (def.out as AnySchema) : input, rest, depth + 1);
      }
      case 'union':
        for (const option of def.options as AnySchema[]) visit(option, rest, depth + 1);
        return;
      case 'array':
        if (typeof rest[0] === 'number') visit(def.element as AnySchema, rest.slice(1), depth + 1);
        return;
      case 'record':
        if (rest.length > 0) visit(def.valueType as AnySchema, rest.slice(1), depth + 1);
        return;
      case 'object': {
        const shape = def.shape as Record<string, AnySchema>;
        if (rest.length === 0) {
          for (const key of Object.keys(shape)) found.add(key);
          return;
        }
        const child = shape[String(rest[0])];
        if (child) visit(child, rest.slice(1), depth + 1);
        return;
      }
      default:
        return;
    }
  };
  visit(schema, path, 0);
  return found;
}

/** Turns zod's issues into messages a technician can act on: the path, what is allowed, and
 * what was found. */
export function zodIssuesToConfigErrors(issues: readonly z.core.$ZodIssue[], input: unknown, schema: AnySchema, basePath: readonly PathSegment[] = []): ConfigError[] {
  const errors: ConfigError[] = [];
  for (const issue of issues) {
    const path = [...basePath, ...(issue.path as PathSegment[])];
    const got = valueAt(input, path);
    const push = (message: string, at = path) => errors.push({ path: formatPath(at), message });
    switch (issue.code) {
      case 'invalid_value':
        push(`expected one of ${issue.values.map(String).join(', ')}; got ${describeValue(got)}`);
        break;
      case 'invalid_type':
        push(got === undefined ? `is required (${issue.expected})` : `expected ${issue.expected}; got ${describeValue(got)}`);
        break;
      case 'unrecognized_keys':
        for (const key of issue.keys) {
          const allowed = [...allowedKeysAt(schema, path)].sort();
          push(`unknown key${suggest(key, allowed)}${allowed.length ? `; allowed keys here: ${allowed.join(', ')}` : ''}`, [...path, key]);
        }
        break;
      case 'invalid_union': {
        const discriminated = issue as typeof issue & { discriminator?: string; options?: unknown[] };
        if (got === undefined) {
          push('is required');
          break;
        }
        if (discriminated.options && discriminated.discriminator !== undefined) {
          push(`expected one of ${discriminated.options.map(String).join(', ')}; got ${describeValue(got)}`);
          break;
        }
        // Report the alternative that came closest: the one whose complaints are deepest and fewest.
        const ranked = issue.errors
          .map((branch) => ({ branch, score: branch.reduce((sum, i) => sum + (i.path.length === 0 ? 100 : 1), 0) }))
          .sort((a, b) => a.score - b.score);
        const best = ranked[0];
        if (best && best.score < 100) errors.push(...zodIssuesToConfigErrors(best.branch, input, schema, path));
        else if (got !== null && typeof got === 'object' && !Array.isArray(got)) {
          const allowed = [...allowedKeysAt(schema, path)].sort();
          push(`expected a mapping with one of the keys ${allowed.join(', ')}; got one with ${Object.keys(got).join(', ') || 'no keys'}`);
        } else push(`${issue.message}; got ${describeValue(got)}`);
        break;
      }
      default:
        push(issue.message);
    }
  }
  return errors;
}

/** `; did you mean "timeout"?` when a known word is a typo away. */
export function suggest(word: string, known: readonly string[]): string {
  const limit = Math.max(1, Math.floor(word.length / 4));
  const best = known
    .map((candidate) => ({ candidate, distance: editDistance(candidate, word) }))
    .filter(({ distance }) => distance <= limit)
    .sort((a, b) => a.distance - b.distance)[0];
  return best ? `; did you mean "${best.candidate}"?` : '';
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}
