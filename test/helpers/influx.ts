/**
 * A private influxd per test file (its own ports in 18200–18299 and a temp dir), so stopping and
 * restarting it never disturbs the shared one on 8086 that other tests use.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InfluxDB } from 'influx';
import type { InfluxSettings } from '../../config/schema.ts';
import { influxQuery, rows } from '../../store/influx.ts';
import type { WriterLogger } from '../../collector/storage/writer.ts';
import { startInfluxd, stopInfluxd, type InfluxdOptions } from '../../scripts/services.ts';

export interface PrivateInflux {
  options: InfluxdOptions;
  url: string;
  settings(database: string, extra?: Partial<InfluxSettings>): InfluxSettings;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Stops influxd and removes its data. */
  dispose(): Promise<void>;
  log: string[];
}

export async function privateInflux(httpPort: number, extra: { authEnabled?: boolean } = {}): Promise<PrivateInflux> {
  const dir = await mkdtemp(join(tmpdir(), `linkwatch-influxd-${httpPort}-`));
  const options: InfluxdOptions = { dir, httpPort, rpcPort: httpPort + 1, ...extra };
  const log: string[] = [];
  const record = (line: string) => log.push(line);
  const url = `http://127.0.0.1:${httpPort}`;
  const influx: PrivateInflux = {
    options,
    url,
    log,
    settings: (database, extra = {}) => ({ url, database, ...extra }),
    start: async () => {
      await startInfluxd(options, record);
    },
    stop: () => stopInfluxd(options, record),
    async dispose() {
      await stopInfluxd(options, record);
      await rm(dir, { recursive: true, force: true });
    },
  };
  await influx.start();
  return influx;
}

/** The `influx` package's own client, for tests that check what linkwatch's client wrote or set
 * up through a second, independent reader. */
export function packageClient(settings: Pick<InfluxSettings, 'url' | 'database'>): InfluxDB {
  const url = new URL(settings.url);
  return new InfluxDB({ host: url.hostname, port: Number(url.port || 80), protocol: 'http', database: settings.database });
}

/** The single number a `SELECT count(x) …` (or sum) returns, 0 when there is no row. */
export async function scalar(settings: InfluxSettings, statement: string): Promise<number> {
  const row = rows(await influxQuery(settings, statement, { database: settings.database }))[0];
  if (!row) return 0;
  const value = Object.entries(row).find(([column]) => column !== 'time')?.[1];
  return typeof value === 'number' ? value : 0;
}

/** Every row of every series, tags merged in, times in epoch ms. */
export async function selectRows(settings: InfluxSettings, statement: string): Promise<Record<string, unknown>[]> {
  const result = await influxQuery(settings, statement, { database: settings.database, epoch: 'ms' });
  return (result.series ?? []).flatMap((_, index) => rows(result, index).map((row) => ({ ...result.series![index]!.tags, ...row })));
}

export interface LogLine {
  level: 'info' | 'warn' | 'error';
  obj: object;
  msg: string;
}

export function recordingLogger(echo = false): { logger: WriterLogger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const at = (level: LogLine['level']) => (obj: object, msg: string) => {
    lines.push({ level, obj, msg });
    if (echo) console.log(`[${level}] ${msg} ${JSON.stringify(obj)}`);
  };
  return { logger: { info: at('info'), warn: at('warn'), error: at('error') }, lines };
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `condition` every 100 ms until it holds or `timeoutMs` passes. */
export async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(100);
  }
}

export async function tempDir(prefix: string): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}
