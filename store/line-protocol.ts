import { escape } from 'influx';
import { measurements, type MeasurementName, type Point } from './schema.ts';

const stringField = (value: string) => `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

/**
 * One InfluxDB line (millisecond precision) for a point, typed by the schema: integers get their
 * `i`, strings are quoted, non-finite numbers are left out (InfluxDB rejects NaN and Infinity).
 * Tags are sorted, as InfluxDB recommends, and empty tags are omitted. Returns undefined for a
 * point left with no field.
 */
export function toLine(point: Point): string | undefined {
  const spec = measurements[point.measurement as MeasurementName];
  const tags = Object.entries(point.tags as Record<string, string | undefined>)
    .filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== '')
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, value]) => `,${escape.tag(key)}=${escape.tag(value)}`)
    .join('');
  const fields: string[] = [];
  for (const [key, value] of Object.entries(point.fields as Record<string, string | number | undefined>)) {
    if (value === undefined) continue;
    const type = (spec.fields as Record<string, { type: string }>)[key]?.type;
    if (type === 'string') fields.push(`${escape.tag(key)}=${stringField(String(value))}`);
    else if (typeof value !== 'number' || !Number.isFinite(value)) continue;
    else if (type === 'integer') fields.push(`${escape.tag(key)}=${Math.round(value)}i`);
    else fields.push(`${escape.tag(key)}=${value}`);
  }
  if (fields.length === 0) return undefined;
  return `${escape.measurement(point.measurement)}${tags} ${fields.join(',')} ${Math.round(point.timeMs)}`;
}
