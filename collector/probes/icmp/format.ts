import type { IcmpResult, IcmpStats } from './stats.ts';

/** The CLI's `--json` shape for one ICMP result: the statistics' seven keys, in this order,
 * nothing else (not the per-echo RTTs). */
export type IcmpJson = IcmpStats;

/**
 * A failed probe has no measurements of its own; it prints as what it was (nothing received,
 * 100% loss) so that `--json` always has the same keys. The reason and message are the
 * CLI's to print next to it. `sent` is 0 for a failure because a failure does not carry it.
 */
export function toIcmpJson(result: IcmpResult): IcmpJson {
  if (!result.ok) {
    return { sent: 0, received: 0, lossPct: 100, rttMinMs: null, rttAvgMs: null, rttMaxMs: null, jitterMs: null };
  }
  return {
    sent: result.sent,
    received: result.received,
    lossPct: result.lossPct,
    rttMinMs: result.rttMinMs,
    rttAvgMs: result.rttAvgMs,
    rttMaxMs: result.rttMaxMs,
    jitterMs: result.jitterMs,
  };
}
