import type { InfluxSettings } from '../../config/schema.ts';
import type { FactsHistory } from '../collector.ts';
import type { DeviceFacts } from '../facts.ts';
import { createInfluxClient } from './influx-client.ts';
import { measurements } from './schema.ts';

const factFields = Object.keys(measurements.device_facts.fields) as (keyof DeviceFacts)[];

/** Reads each device's last recorded facts, so that a firmware upgrade done while the collector
 * was stopped is still recorded as a change. */
export function createInfluxFactsHistory(settings: InfluxSettings): FactsHistory {
  const client = createInfluxClient(settings);
  return {
    async lastFacts(deviceIds) {
      const wanted = new Set(deviceIds);
      const rows = await client.query<Record<string, unknown>>(`SELECT last(*) FROM "events"."device_facts" GROUP BY "device"`);
      const facts = new Map<string, DeviceFacts>();
      for (const row of rows) {
        const device = String((row as { device?: unknown }).device ?? '');
        if (!wanted.has(device)) continue;
        const entry = Object.fromEntries(factFields.map((field) => [field, row[`last_${field}`] ?? (field === 'interface_count' ? 0 : '')]));
        facts.set(device, entry as unknown as DeviceFacts);
      }
      return facts;
    },
  };
}
