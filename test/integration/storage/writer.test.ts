import { rm } from 'node:fs/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Secret } from '../../../config/secret.ts';
import type { InfluxSettings } from '../../../config/schema.ts';
import { ensureRetention } from '../../../store/retention.ts';
import { point, type Point } from '../../../store/schema.ts';
import { openSpool, type Spool } from '../../../collector/storage/spool.ts';
import { createInfluxWriter, type InfluxWriter } from '../../../collector/storage/writer.ts';
import { privateInflux, recordingLogger, scalar, selectRows, tempDir, type PrivateInflux } from '../../helpers/influx.ts';

const PORT = 18220;
const HOUR = 3_600_000;

let influx: PrivateInflux;
beforeAll(async () => {
  influx = await privateInflux(PORT);
});
afterAll(async () => {
  await influx?.dispose();
});

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

async function setup(settings: InfluxSettings, policies?: Parameters<typeof ensureRetention>[0]['policies']) {
  await ensureRetention({ settings, policies });
  const dir = await tempDir('linkwatch-writer-spool-');
  const spool: Spool = await openSpool({ dir });
  const { logger, lines } = recordingLogger();
  const writer: InfluxWriter = createInfluxWriter({ settings, spool, logger, batchSize: 500, maxBatchAgeMs: 50, retryMs: 200 });
  cleanup.push(async () => {
    await writer.close();
    await spool.close();
    await rm(dir, { recursive: true, force: true });
  });
  return { writer, spool, lines };
}

/** `series` interfaces × `times` timestamps, one minute apart, ending `endMs`. */
function traffic(series: number, times: number, endMs: number, scale = 1): Point[] {
  const points: Point[] = [];
  for (let t = 0; t < times; t++) {
    for (let s = 0; s < series; s++) {
      points.push(point('interface_traffic', endMs - (times - 1 - t) * 60_000, { site: `site-${s % 7}`, device: `r${s}`, interface: 'ether1' }, { in_bps: (s * 1000 + t) * scale, out_bps: t, if_index: 1 }));
    }
  }
  return points;
}

describe('the InfluxDB writer against influxd', () => {
  it('(b) writes points readable with InfluxQL; the same points twice are stored once, last write wins', async () => {
    const settings = influx.settings('lw_b', { username: 'collector', password: new Secret('hunter2-not-in-logs') });
    const { writer, lines } = await setup(settings);
    const end = Math.floor(Date.now() / 60_000) * 60_000;
    const points = traffic(50, 20, end);

    writer.write(points);
    await writer.flush();
    expect(await scalar(settings, 'SELECT count("in_bps") FROM "raw"."interface_traffic"')).toBe(1000);
    expect(await selectRows(settings, `SELECT "in_bps", "out_bps", "if_index" FROM "raw"."interface_traffic" WHERE "device" = 'r3' ORDER BY time DESC LIMIT 1`)).toEqual([
      { time: end, in_bps: 3019, out_bps: 19, if_index: 1 },
    ]);

    writer.write(points);
    await writer.flush();
    expect(await scalar(settings, 'SELECT count("in_bps") FROM "raw"."interface_traffic"')).toBe(1000);

    writer.write(traffic(50, 20, end, 2));
    await writer.flush();
    expect(await scalar(settings, 'SELECT count("in_bps") FROM "raw"."interface_traffic"')).toBe(1000);
    expect(await scalar(settings, `SELECT last("in_bps") FROM "raw"."interface_traffic" WHERE "device" = 'r3'`)).toBe(6038);

    const stats = writer.stats();
    expect(stats).toMatchObject({ state: 'up', pointsWritten: 3000, batchesSpooled: 0, spool: { batches: 0 } });
    expect(Object.values(stats.pointsDropped).every((count) => count === 0)).toBe(true);
    expect(stats.lastWriteAtMs).toBeGreaterThan(end - 60_000);
    expect(stats.latencyMs.last).toBeGreaterThan(0);
    expect(JSON.stringify(lines)).not.toContain('hunter2');
  });

  it('(e) a partial write beyond the retention period keeps the rest, counts the dropped points and spools nothing', async () => {
    const settings = influx.settings('lw_e');
    const { writer, lines, spool } = await setup(settings, {
      raw: { duration: '1h', shardDuration: '1h', isDefault: true },
      rollup_5m: { duration: '2h', shardDuration: '1h', isDefault: false },
      rollup_1h: { duration: '4h', shardDuration: '1h', isDefault: false },
      events: { duration: '4h', shardDuration: '1h', isDefault: false },
    });
    const now = Date.now();
    const fresh = traffic(20, 5, now); // 100 points within the hour
    const stale = traffic(10, 1, now - 2 * HOUR).map((p) => ({ ...p, tags: { ...p.tags, interface: 'old' } })); // 10 points two hours old
    writer.write([...fresh.slice(0, 50), ...stale, ...fresh.slice(50)]);
    await writer.flush();

    expect(await scalar(settings, 'SELECT count("in_bps") FROM "raw"."interface_traffic"')).toBe(100);
    const stats = writer.stats();
    expect(stats.pointsDropped['beyond-retention']).toBe(10);
    expect(stats.pointsWritten).toBe(100);
    expect(stats).toMatchObject({ state: 'up', batchesSpooled: 0 });
    expect(spool.stats()).toMatchObject({ batches: 0, bytes: 0 });
    expect(lines.find((line) => line.msg.includes('older than the retention policy'))?.obj).toMatchObject({ dropped: 10 });
  });

  it('a field type conflict is counted and logged with the offending line, never spooled or retried', async () => {
    const settings = influx.settings('lw_conflict');
    const { writer, lines, spool } = await setup(settings);
    const now = Date.now();
    // Someone else wrote `up` as a float first.
    const other = await fetch(`${influx.url}/write?db=lw_conflict&rp=raw&precision=ms`, { method: 'POST', body: `icmp,link=x,site=x up=0.5 ${now - 1000}` });
    expect(other.status).toBe(204);

    writer.write([
      point('icmp', now, { site: 's', link: 'l1', target: 't' }, { up: 1, sent: 5 }),
      point('device_poll', now, { site: 's', device: 'r1' }, { reachable: 1, duration_ms: 12 }),
    ]);
    await writer.flush();

    const stats = writer.stats();
    expect(stats.pointsDropped['field-type-conflict']).toBe(1);
    expect(stats).toMatchObject({ pointsWritten: 1, batchesSpooled: 0, state: 'up' });
    expect(spool.stats().batches).toBe(0);
    expect(await scalar(settings, 'SELECT count("reachable") FROM "raw"."device_poll"')).toBe(1);
    const logged = lines.find((line) => line.level === 'error');
    expect(logged?.obj).toMatchObject({ reason: 'field-type-conflict', dropped: 1, line: `icmp,link=l1,site=s,target=t up=1i,sent=5i ${now}` });
  });
});
