import { InfluxDB } from 'influx';
import type { InfluxSettings } from '../../config/schema.ts';

/** The `influx` package's client for queries and schema management (the hot write path POSTs
 * line protocol itself: see writer.ts). */
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
