import { z } from 'zod';

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

/** Walks the schema along a data path to the nodes that validate the value there: several
 * where a union offers alternatives, each with the wrappers (default, optional…) it sits in. */
function schemaNodesAt(schema: AnySchema, path: readonly PathSegment[]): AnySchema[] {
  const found: AnySchema[] = [];
  const visit = (node: AnySchema, rest: readonly PathSegment[], depth: number) => {
    if (depth > 40) return;
    if (rest.length === 0) found.push(node);
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
        const child = rest.length > 0 ? (def.shape as Record<string, AnySchema>)[String(rest[0])] : undefined;
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

/** The keys an object at this path accepts, so an unknown key error can name the allowed ones.
 * Unions contribute the keys of every alternative. */
function allowedKeysAt(schema: AnySchema, path: readonly PathSegment[]): string[] {
  const keys = schemaNodesAt(schema, path).flatMap((node) => {
    const def = node._zod.def as unknown as { type: string; shape?: Record<string, unknown> };
    return def.type === 'object' ? Object.keys(def.shape ?? {}) : [];
  });
  return [...new Set(keys)].sort();
}

/** What a field accepts, in words, where the schema says it with `.describe()`. */
function descriptionAt(schema: AnySchema, path: readonly PathSegment[]): string | undefined {
  for (const node of schemaNodesAt(schema, path)) {
    const description = z.globalRegistry.get(node)?.description;
    if (description) return description;
  }
  return undefined;
}

/** zod's own texts ("Too small: expected number to be >=1", "Invalid input") are rewritten;
 * a message the schema gives is kept as written. */
const isZodsOwnText = (message: string) => /^(?:Too (?:small|big)|Invalid )/.test(message);

const typeNames: Record<string, string> = {
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  object: 'a mapping (key: value)',
  array: 'a list',
  date: 'a date',
};
const typeName = (expected: string) => typeNames[expected] ?? expected;

function sizeMessage(issue: z.core.$ZodIssueTooSmall | z.core.$ZodIssueTooBig, got: unknown): string {
  const small = issue.code === 'too_small';
  const bound = Number(small ? (issue as z.core.$ZodIssueTooSmall).minimum : (issue as z.core.$ZodIssueTooBig).maximum);
  const inclusive = issue.inclusive !== false;
  switch (issue.origin) {
    case 'string':
      if (small) return bound <= 1 ? 'must not be empty' : `must be at least ${bound} characters`;
      return `must be at most ${bound} characters`;
    case 'array':
    case 'set':
      if (small) return bound <= 1 ? 'must list at least one entry' : `must list at least ${bound} entries`;
      return `must list at most ${bound} entries`;
    default: {
      const relation = small ? (inclusive ? 'at least' : 'greater than') : inclusive ? 'at most' : 'less than';
      return `must be ${relation} ${bound}; got ${describeValue(got)}`;
    }
  }
}

/** "\"off\" or text": what each alternative of a union wanted, from its complaints about the value. */
function alternativesWanted(branches: readonly (readonly z.core.$ZodIssue[])[]): string[] {
  const wanted = branches.flatMap((branch) =>
    branch.slice(0, 1).flatMap((issue) => {
      if (issue.code === 'invalid_value') return issue.values.map((value) => JSON.stringify(value));
      if (issue.code === 'invalid_type') return [typeName(issue.expected)];
      return isZodsOwnText(issue.message) ? [] : [issue.message.replace(/^must be /, '')];
    }),
  );
  return [...new Set(wanted)];
}

/** Turns zod's issues into messages a technician can act on: the path, what is allowed, and
 * what was found. */
export function zodIssuesToConfigErrors(issues: readonly z.core.$ZodIssue[], input: unknown, schema: AnySchema, basePath: readonly PathSegment[] = []): ConfigError[] {
  const errors: ConfigError[] = [];
  for (const issue of issues) {
    const path = [...basePath, ...(issue.path as PathSegment[])];
    const got = valueAt(input, path);
    const push = (message: string, at = path) => errors.push({ path: formatPath(at), message });
    const described = descriptionAt(schema, path);
    switch (issue.code) {
      case 'invalid_value':
        push(`expected ${issue.values.length === 1 ? JSON.stringify(issue.values[0]) : `one of ${issue.values.map(String).join(', ')}`}; got ${describeValue(got)}`);
        break;
      case 'invalid_type':
        if (got === undefined) push(`is required (${described ?? typeName(issue.expected)})`);
        else push(`expected ${described ?? typeName(issue.expected)}; got ${describeValue(got)}`);
        break;
      case 'too_small':
      case 'too_big':
        push(isZodsOwnText(issue.message) ? sizeMessage(issue, got) : issue.message);
        break;
      case 'unrecognized_keys':
        for (const key of issue.keys) {
          const allowed = allowedKeysAt(schema, path);
          push(`unknown key${suggest(key, allowed)}${allowed.length ? `; allowed keys here: ${allowed.join(', ')}` : ''}`, [...path, key]);
        }
        break;
      case 'invalid_key': {
        // A record's key (a credential profile's or a channel's name) broke the id rule.
        const why = issue.issues.map((inner) => (isZodsOwnText(inner.message) ? 'not allowed here' : inner.message)).join('; ');
        push(`the name ${JSON.stringify(path[path.length - 1])} ${why}`);
        break;
      }
      case 'invalid_union': {
        const discriminated = issue as typeof issue & { discriminator?: string; options?: unknown[] };
        if (got === undefined) {
          push(`is required${described ? ` (${described})` : ''}`);
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
        else if (described) push(`expected ${described}; got ${describeValue(got)}`);
        else if (got !== null && typeof got === 'object' && !Array.isArray(got)) {
          const allowed = allowedKeysAt(schema, path);
          push(`expected a mapping with one of the keys ${allowed.join(', ')}; got one with ${Object.keys(got).join(', ') || 'no keys'}`);
        } else {
          const wanted = alternativesWanted(issue.errors);
          push(wanted.length > 0 ? `expected ${wanted.join(' or ')}; got ${describeValue(got)}` : `${issue.message}; got ${describeValue(got)}`);
        }
        break;
      }
      case 'invalid_format':
        push(isZodsOwnText(issue.message) ? `expected ${described ?? `a valid ${issue.format}`}; got ${describeValue(got)}` : issue.message);
        break;
      default:
        push(isZodsOwnText(issue.message) && described ? `expected ${described}; got ${describeValue(got)}` : issue.message);
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
