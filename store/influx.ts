/**
 * The one InfluxDB 1.x client: the collector's writer, the alert engine's control store, the
 * retention set-up, the CLI and the API all reach the database through here.
 *
 * Requests are plain fetch calls to /query, /write and /ping. The `influx` package's HTTP pool
 * was tried first; its retry and host back-off leave timers behind a failed request, and it
 * answers a 5xx with the status text alone, which leaves nothing to classify. The package still
 * supplies InfluxQL and line-protocol escaping (`ident`, `escape`), where its correctness is
 * what keeps a parameter from reaching a query as code.
 *
 * Credentials never travel in a URL: `influx.username`/`influx.password`, or a `user:pass@`
 * written into `influx.url`, become a Basic header, and every message names the URL without
 * them. A database that cannot be used throws StoreError with a reason a caller can act on
 * (`unreachable`, `auth`, `database-missing`, `refused`) and a message that says what to do.
 */
import { escape } from 'influx';
import type { InfluxSettings } from '../config/schema.ts';

/** Why the store could not be used. `refused`: InfluxDB answered, and said no (a bad
 * statement, a write it would not take, a server error). */
export const storeFailures = ['unreachable', 'auth', 'database-missing', 'refused'] as const;
export type StoreFailure = (typeof storeFailures)[number];

/** InfluxDB could not do what was asked. `url` is the configured URL with any password removed;
 * `statement` the InfluxQL that failed, when there was one. */
export class StoreError extends Error {
  override readonly name = 'StoreError';
  constructor(
    readonly reason: StoreFailure,
    readonly url: string,
    message: string,
    readonly statement?: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

/** An identifier (database, retention policy, measurement) quoted for InfluxQL. */
export const ident = (name: string): string => escape.quoted(name);

/**
 * A string literal quoted for InfluxQL (a tag value in a WHERE clause). Not the influx
 * package's stringLit: it escapes quotes but not backslashes, so a value ending in `\` would
 * escape its own closing quote and the text after it would become code. InfluxQL's scanner reads
 * `\\` and `\'` inside '…', so both are escaped, backslashes first.
 */
export const literal = (value: string): string => `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

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

/** Where a request goes and with which headers. fetch refuses a URL with credentials in it, and
 * would print them in its error: they are moved into the Authorization header. The settings'
 * username wins over one written into the URL. */
export function endpoint(settings: InfluxSettings, path: '/query' | '/write' | '/ping', params: Record<string, string> = {}): { url: string; headers: Record<string, string> } {
  const url = new URL(settings.url.replace(/\/+$/, '') + path);
  for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
  const inUrl = url.username !== '' ? { username: decodeURIComponent(url.username), password: decodeURIComponent(url.password) } : undefined;
  url.username = '';
  url.password = '';
  const credentials =
    settings.username !== undefined ? `${settings.username}:${settings.password?.reveal() ?? ''}` : inUrl ? `${inUrl.username}:${inUrl.password}` : undefined;
  const headers: Record<string, string> = credentials === undefined ? {} : { Authorization: `Basic ${Buffer.from(credentials, 'utf8').toString('base64')}` };
  return { url: url.toString(), headers };
}

/** InfluxDB's answer, classified. Pure: the same status and text always give the same reason. */
export function classifyRefusal(status: number, text: string): StoreFailure {
  if (status === 401 || status === 403) return 'auth';
  if (/database not found|retention policy not found/i.test(text)) return 'database-missing';
  return 'refused';
}

/** What a caller can do about each failure, after what happened. */
function adviceFor(reason: StoreFailure, url: string, database: string, detail: string): string {
  switch (reason) {
    case 'unreachable':
      return `cannot reach InfluxDB at ${url} (${detail}): is it running? Check influx.url in the config; \`npm run services -- start\` runs a local one`;
    case 'database-missing':
      return `InfluxDB at ${url} has no database "${database}" or no retention policy it needs (${detail}): start the collector once, which creates them, or check influx.database in the config`;
    case 'auth':
      return `InfluxDB at ${url} refused the credentials (${detail}): check influx.username and influx.password in the config`;
    case 'refused':
      return `InfluxDB at ${url} refused the request: ${detail}`;
  }
}

/** The error text of a failed response: InfluxDB answers `{"error": "…"}`; a proxy may not. */
export function errorText(body: string): string {
  try {
    return String((JSON.parse(body) as { error?: unknown }).error ?? body);
  } catch {
    return body.slice(0, 200);
  }
}

/** Why fetch itself failed (no answer at all): the system's code, or the timeout. */
export function unreachableDetail(error: unknown, timeoutMs: number): string {
  if ((error as Error).name === 'TimeoutError') return `no answer within ${timeoutMs} ms`;
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error as Error).message;
}

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

export interface QueryOptions {
  /** The default database for the statement; `settings.database` when not given. */
  database?: string;
  /** Times as epoch numbers in this unit instead of RFC 3339 strings. */
  epoch?: 'ms' | 's';
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface WriteOptions {
  /** The retention policy the points go to. */
  policy: string;
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface InfluxHttp {
  /** The configured URL without credentials, for messages. */
  readonly url: string;
  /** Runs one InfluxQL statement (POST, so DDL and SELECT … INTO are allowed). */
  query(statement: string, options?: QueryOptions): Promise<StatementResult>;
  /** Writes line-protocol lines (precision ms); resolves when InfluxDB stored them all. */
  write(lines: readonly string[], options: WriteOptions): Promise<void>;
  /** True when /ping answers 204 within the timeout. */
  ping(options?: { timeoutMs?: number }): Promise<boolean>;
}

const abbreviate = (text: string) => (text.length > 200 ? `${text.slice(0, 200)}…` : text);

export function createInfluxHttp(settings: InfluxSettings, defaults: { timeoutMs?: number } = {}): InfluxHttp {
  const url = displayUrl(settings.url);
  const defaultTimeoutMs = defaults.timeoutMs ?? 60_000;

  const fail = (reason: StoreFailure, detail: string, statement?: string, status?: number) =>
    new StoreError(reason, url, adviceFor(reason, url, settings.database, detail), statement, status);

  const post = async (path: '/query' | '/write', params: Record<string, string>, body: string, contentType: string, options: { timeoutMs?: number; signal?: AbortSignal }, statement?: string) => {
    const timeoutMs = options.timeoutMs ?? defaultTimeoutMs;
    const timeout = AbortSignal.timeout(timeoutMs);
    const { url: requestUrl, headers } = endpoint(settings, path, params);
    try {
      const response = await fetch(requestUrl, {
        method: 'POST',
        headers: { ...headers, 'Content-Type': contentType },
        body,
        signal: options.signal ? AbortSignal.any([options.signal, timeout]) : timeout,
      });
      return { status: response.status, body: await response.text() };
    } catch (error) {
      // The caller's own abort is theirs to handle, not a database failure.
      if (options.signal?.aborted) throw options.signal.reason;
      throw fail('unreachable', unreachableDetail(error, timeoutMs), statement);
    }
  };

  return {
    url,

    async query(statement, options = {}) {
      const params: Record<string, string> = { db: options.database ?? settings.database, ...(options.epoch ? { epoch: options.epoch } : {}) };
      const shown = abbreviate(statement);
      const response = await post('/query', params, new URLSearchParams({ q: statement }).toString(), 'application/x-www-form-urlencoded', options, statement);
      if (response.status !== 200) {
        const text = errorText(response.body);
        throw fail(classifyRefusal(response.status, text), `HTTP ${response.status}: ${text} (in ${shown})`, statement, response.status);
      }
      let result: StatementResult | undefined;
      try {
        result = (JSON.parse(response.body) as { results?: StatementResult[] }).results?.[0];
      } catch {
        throw fail('refused', `an answer that is not JSON to ${shown}: ${abbreviate(response.body)}`, statement, response.status);
      }
      if (result === undefined) throw fail('refused', `no result for ${shown}`, statement, response.status);
      if (result.error !== undefined) throw fail(classifyRefusal(200, result.error), `${result.error} (in ${shown})`, statement, response.status);
      return result;
    },

    async write(lines, options) {
      const response = await post('/write', { db: settings.database, rp: options.policy, precision: 'ms' }, lines.join('\n'), 'text/plain; charset=utf-8', options);
      if (response.status !== 204) {
        const text = errorText(response.body);
        throw fail(classifyRefusal(response.status, text), `HTTP ${response.status}: ${text}`, undefined, response.status);
      }
    },

    async ping(options = {}) {
      const { url: pingUrl, headers } = endpoint(settings, '/ping');
      try {
        const response = await fetch(pingUrl, { headers, signal: AbortSignal.timeout(options.timeoutMs ?? 2_000) });
        await response.arrayBuffer();
        return response.status === 204;
      } catch {
        return false;
      }
    },
  };
}

/** Runs one statement with a client made for it: for one-off statements (set-up, scripts). */
export const influxQuery = (settings: InfluxSettings, statement: string, options: QueryOptions = {}): Promise<StatementResult> =>
  createInfluxHttp(settings).query(statement, options);

/** The rows of a result's series as objects keyed by column name. */
export function rows(result: StatementResult, seriesIndex = 0): Record<string, unknown>[] {
  const series = result.series?.[seriesIndex];
  if (!series) return [];
  return (series.values ?? []).map((values) => Object.fromEntries(series.columns.map((column, i) => [column, values[i]])));
}
