import type { InfluxSettings } from '../config/schema.ts';
import type { DeviceFacts } from '../model/facts.ts';
import { createInfluxHttp, rows } from './influx.ts';
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
