import { escape, InfluxDB } from 'influx';
import type { InfluxSettings } from '../../config/schema.ts';

// Everything that talks to InfluxDB goes through here. Queries and schema statements use the
// `influx` package; the writer's hot path POSTs line protocol itself (measured faster: see
// scripts/bench-writer.ts) with the URL and headers built below.

/** The `influx` package's client for `settings`. A fresh one per use: the package marks a host
 * unavailable after a failure and backs off, which would make the first queries after the
 * database returns fail for nothing. */
export function createInfluxClient(settings: InfluxSettings): InfluxDB {
  const url = new URL(settings.url);
  return new InfluxDB({
    host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: Number(url.port || (url.protocol === 'https:' ? 443 : 80)),
    protocol: url.protocol === 'https:' ? 'https' : 'http',
    database: settings.database,
    ...(settings.username ? { username: settings.username } : {}),
    ...(settings.password ? { password: settings.password.reveal() } : {}),
  });
}

/** An identifier (database, retention policy, measurement) quoted for InfluxQL. */
export const ident = (name: string): string => escape.quoted(name);

/** Headers for the writer's requests. Basic auth rather than `u=`/`p=` query parameters, so the
 * password never appears in a URL that could end up in a log. */
export function influxHeaders(settings: InfluxSettings): Record<string, string> {
  if (settings.username === undefined) return {};
  const credentials = `${settings.username}:${settings.password?.reveal() ?? ''}`;
  return { Authorization: `Basic ${Buffer.from(credentials, 'utf8').toString('base64')}` };
}

/** The configured URL for messages and logs, without any user:password written into it. */
export function displayUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.username === '' && parsed.password === '') return url;
    parsed.username = '';
    parsed.password = '';
    return parsed.toString();
  } catch {
    return '<invalid url>';
  }
}

/** `settings.url` with a path appended, tolerating a trailing slash in the configured URL. */
export const influxUrl = (settings: InfluxSettings, path: string, params: Record<string, string> = {}): string => {
  const url = new URL(settings.url.replace(/\/+$/, '') + path);
  for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
  return url.toString();
};

export interface QuerySeries {
  name?: string;
  tags?: Record<string, string>;
  columns: string[];
  values?: unknown[][];
}

/** One statement's result: InfluxDB reports statement errors inside a 200 response. */
export interface StatementResult {
  statement_id: number;
  series?: QuerySeries[];
  error?: string;
}

/** An InfluxQL statement InfluxDB refused, or a request that failed; the message names both. */
export class InfluxQueryError extends Error {
  constructor(
    message: string,
    readonly statement: string,
  ) {
    super(message);
    this.name = 'InfluxQueryError';
  }
}

export interface QueryOptions {
  /** The default database for the statement; `settings.database` when not given. */
  database?: string;
  /** Times as epoch numbers in this unit instead of RFC 3339 strings. */
  epoch?: 'ms' | 's';
  timeoutMs?: number;
  signal?: AbortSignal;
}

const abbreviate = (text: string) => (text.length > 200 ? `${text.slice(0, 200)}…` : text);

/**
 * Runs one InfluxQL statement (POST, so DDL and SELECT … INTO are allowed) and returns its raw
 * result. Throws InfluxQueryError on a failed request or a statement error.
 */
export async function influxQuery(settings: InfluxSettings, statement: string, options: QueryOptions = {}): Promise<StatementResult> {
  const timeout = AbortSignal.timeout(options.timeoutMs ?? 60_000);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  let response: { results?: StatementResult[] };
  try {
    response = (await createInfluxClient(settings).queryRaw(statement, {
      database: options.database ?? settings.database,
      ...(options.epoch ? { precision: options.epoch } : {}),
      method: 'POST',
      signal,
    })) as { results?: StatementResult[] };
  } catch (error) {
    throw new InfluxQueryError(`InfluxDB at ${displayUrl(settings.url)} did not run "${abbreviate(statement)}": ${(error as Error).message}`, statement);
  }
  const result = response?.results?.[0];
  if (result === undefined) throw new InfluxQueryError(`InfluxDB at ${displayUrl(settings.url)} returned no result for "${abbreviate(statement)}"`, statement);
  if (result.error !== undefined) throw new InfluxQueryError(`InfluxDB refused "${abbreviate(statement)}": ${result.error}`, statement);
  return result;
}

/** The rows of a result's series as objects keyed by column name. */
export function rows(result: StatementResult, seriesIndex = 0): Record<string, unknown>[] {
  const series = result.series?.[seriesIndex];
  if (!series) return [];
  return (series.values ?? []).map((values) => Object.fromEntries(series.columns.map((column, i) => [column, values[i]])));
}
