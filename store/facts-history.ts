import type { InfluxSettings } from '../config/schema.ts';
import type { DeviceFacts, FactChange } from '../model/facts.ts';
import { createInfluxHttp, literal, rows, type InfluxHttp } from './influx.ts';
import { measurements } from './schema.ts';

/** The last facts recorded for each device, so a change across a restart is still noticed. */
export interface FactsHistory {
  lastFacts(deviceIds: readonly string[]): Promise<Map<string, DeviceFacts>>;
}

const factFields = Object.keys(measurements.device_facts.fields) as (keyof DeviceFacts)[];

/** Reads each device's last recorded facts, so that a firmware upgrade done while the collector
 * was stopped is still recorded as a change. */
export function createInfluxFactsHistory(settings: InfluxSettings): FactsHistory {
  const client = createInfluxHttp(settings);
  return {
    async lastFacts(deviceIds) {
      const wanted = new Set(deviceIds);
      const result = await client.query(`SELECT last(*) FROM "events"."device_facts" GROUP BY "device"`);
      const facts = new Map<string, DeviceFacts>();
      for (const [index, series] of (result.series ?? []).entries()) {
        const device = series.tags?.device ?? '';
        const row = rows(result, index)[0] ?? {};
        if (!wanted.has(device)) continue;
        const entry = Object.fromEntries(factFields.map((field) => [field, row[`last_${field}`] ?? (field === 'interface_count' ? 0 : '')]));
        facts.set(device, entry as unknown as DeviceFacts);
      }
      return facts;
    },
  };
}

/** A device's facts as last recorded, and when. */
export interface RecordedFacts {
  device: string;
  site?: string;
  facts: DeviceFacts;
  atMs: number;
}

/** Each device's newest device_facts point (one row per device: the last point, not the last
 * value of each field, so a field the device stopped reporting reads as absent); with `beforeMs`,
 * the newest before then (the inventory at a report period's end). */
export async function latestRecordedFacts(client: InfluxHttp, options: { signal?: AbortSignal; beforeMs?: number } = {}): Promise<Map<string, RecordedFacts>> {
  const before = options.beforeMs === undefined ? '' : ` WHERE time < ${Math.floor(options.beforeMs)}ms`;
  const result = await client.query(`SELECT * FROM "events"."device_facts"${before} GROUP BY "device" ORDER BY time DESC LIMIT 1`, { epoch: 'ms', ...(options.signal ? { signal: options.signal } : {}) });
  const found = new Map<string, RecordedFacts>();
  for (const [index, series] of (result.series ?? []).entries()) {
    const device = series.tags?.device;
    const row = rows(result, index)[0];
    if (!device || !row || typeof row.time !== 'number') continue;
    const entry = Object.fromEntries(factFields.map((field) => [field, row[field] ?? (field === 'interface_count' ? 0 : '')]));
    const site = typeof row.site === 'string' && row.site !== '' ? row.site : undefined;
    found.set(device, { device, ...(site ? { site } : {}), facts: entry as unknown as DeviceFacts, atMs: row.time });
  }
  return found;
}

/** A fact change as the store decodes it: the model's shape. */
export type RecordedFactChange = FactChange;

export interface FactChangesQuery {
  /** [fromMs, toMs): epoch ms. */
  fromMs: number;
  toMs: number;
  device?: string;
  /** Oldest first (a report's list) or newest first (the API's). */
  order: 'oldest' | 'newest';
  limit?: number;
  signal?: AbortSignal;
}

/** The recorded fact changes of a range, read and decoded in one place for the API's
 * /fact-changes and the audit reports' inventory. */
export async function recordedFactChanges(client: InfluxHttp, query: FactChangesQuery): Promise<RecordedFactChange[]> {
  const where = [`time >= ${Math.floor(query.fromMs)}ms`, `time < ${Math.ceil(query.toMs)}ms`, ...(query.device !== undefined ? [`"device" = ${literal(query.device)}`] : [])];
  const result = await client.query(
    `SELECT "before", "after", "device", "site", "fact" FROM "events"."fact_change" WHERE ${where.join(' AND ')} ORDER BY time ${query.order === 'oldest' ? 'ASC' : 'DESC'}${query.limit !== undefined ? ` LIMIT ${query.limit}` : ''}`,
    { epoch: 'ms', ...(query.signal ? { signal: query.signal } : {}) },
  );
  return rows(result).flatMap((row): RecordedFactChange[] =>
    typeof row.time === 'number' && typeof row.device === 'string' && typeof row.fact === 'string'
      ? [{ atMs: row.time, device: row.device, ...(typeof row.site === 'string' && row.site !== '' ? { site: row.site } : {}), fact: row.fact, before: typeof row.before === 'string' ? row.before : '', after: typeof row.after === 'string' ? row.after : '' }]
      : [],
  );
}
