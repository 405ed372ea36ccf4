import type { InfluxHttp } from './influx.ts';
import { rows } from './influx.ts';

// The newest point per link and per device, for the API's status snapshot: one query per
// measurement over a short window, grouped so the answer is one row per series, whatever the
// number of points in the window.

export interface LatestTraffic {
  link: string;
  atMs: number;
  inBps?: number;
  outBps?: number;
  inUtilizationPct?: number;
  outUtilizationPct?: number;
}

export interface LatestIcmp {
  /** The link the target belongs to, or the device whose address it is. */
  owner: { kind: 'link' | 'device'; id: string };
  target: string;
  atMs: number;
  up: boolean;
  lossPct?: number;
  rttAvgMs?: number;
  rttMinMs?: number;
  rttMaxMs?: number;
  /** The round's median echo; absent in rounds written before it was recorded. */
  rttMedianMs?: number;
  jitterMs?: number;
}

export interface LatestPoll {
  device: string;
  atMs: number;
  reachable: boolean;
  reason?: string;
}

export interface LatestMeasures {
  traffic: LatestTraffic[];
  icmp: LatestIcmp[];
  polls: LatestPoll[];
}

const num = (value: unknown): number | undefined => (typeof value === 'number' && Number.isFinite(value) ? value : undefined);
const str = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

/** Rows of every series of a result, each with its group-by tags merged in. */
function groupedRows(result: Awaited<ReturnType<InfluxHttp['query']>>): Record<string, unknown>[] {
  return (result.series ?? []).flatMap((series, index) => rows(result, index).map((row) => ({ ...series.tags, ...row })));
}

/** Pure: decodes the three answers, dropping rows without a time or an owner. */
export function decodeLatest(traffic: readonly Record<string, unknown>[], icmp: readonly Record<string, unknown>[], polls: readonly Record<string, unknown>[]): LatestMeasures {
  return {
    traffic: traffic.flatMap((row) => {
      const link = str(row.link);
      const atMs = num(row.time);
      if (link === undefined || atMs === undefined) return [];
      return [{ link, atMs, inBps: num(row.in_bps), outBps: num(row.out_bps), inUtilizationPct: num(row.in_utilization_pct), outUtilizationPct: num(row.out_utilization_pct) }];
    }),
    icmp: icmp.flatMap((row) => {
      const atMs = num(row.time);
      const link = str(row.link);
      const device = str(row.device);
      const owner = link ? { kind: 'link' as const, id: link } : device ? { kind: 'device' as const, id: device } : undefined;
      if (atMs === undefined || owner === undefined) return [];
      return [
        {
          owner,
          target: str(row.target) ?? '?',
          atMs,
          up: num(row.up) === 1,
          lossPct: num(row.loss_pct),
          rttAvgMs: num(row.rtt_avg_ms),
          rttMinMs: num(row.rtt_min_ms),
          rttMaxMs: num(row.rtt_max_ms),
          rttMedianMs: num(row.rtt_median_ms),
          jitterMs: num(row.jitter_ms),
        },
      ];
    }),
    polls: polls.flatMap((row) => {
      const device = str(row.device);
      const atMs = num(row.time);
      if (device === undefined || atMs === undefined) return [];
      const reason = str(row.reason);
      return [{ device, atMs, reachable: num(row.reachable) === 1, ...(reason ? { reason } : {}) }];
    }),
  };
}

/** The newest traffic, ICMP round and SNMP poll per link, target and device since `sinceMs`. */
export async function latestMeasures(influx: InfluxHttp, options: { sinceMs: number; signal?: AbortSignal }): Promise<LatestMeasures> {
  const since = `time >= ${Math.floor(options.sinceMs)}ms`;
  const query = (statement: string) => influx.query(statement, { epoch: 'ms', ...(options.signal ? { signal: options.signal } : {}) });
  const [traffic, icmp, polls] = await Promise.all([
    query(`SELECT "in_bps", "out_bps", "in_utilization_pct", "out_utilization_pct" FROM "raw"."interface_traffic" WHERE ${since} AND "link" != '' GROUP BY "link" ORDER BY time DESC LIMIT 1`),
    query(`SELECT "up", "loss_pct", "rtt_avg_ms", "rtt_min_ms", "rtt_max_ms", "rtt_median_ms", "jitter_ms" FROM "raw"."icmp" WHERE ${since} GROUP BY "link", "device", "target" ORDER BY time DESC LIMIT 1`),
    query(`SELECT "reachable", "reason" FROM "raw"."device_poll" WHERE ${since} GROUP BY "device" ORDER BY time DESC LIMIT 1`),
  ]);
  return decodeLatest(groupedRows(traffic), groupedRows(icmp), groupedRows(polls));
}
