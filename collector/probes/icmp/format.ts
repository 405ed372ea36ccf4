import type { FailureReason } from '../result.ts';
import type { IcmpResult, IcmpStats } from './stats.ts';

/** The CLI's `--json` shape for one ICMP result: the statistics' seven keys, in this order, and
 * nothing else (not the per-echo RTTs); a failure adds `error` after them. */
export type IcmpJson = IcmpStats & { error?: { reason: FailureReason; message: string } };

// A round that failed these ways never sent an echo: the options or the target were refused,
// or the tool could not run.
const notStarted: ReadonlySet<FailureReason> = new Set(['config', 'internal']);

/**
 * A failed probe prints as what it was, nothing received and 100% loss, so that `--json` has
 * the same keys either way, plus the reason and message under `error`. A failure does not carry
 * its echo count, so `sent` is the `requested` count of the round, or 0 when the round never
 * started (`config`, `internal`).
 */
export function toIcmpJson(result: IcmpResult, requested: number): IcmpJson {
  if (!result.ok) {
    const sent = notStarted.has(result.reason) ? 0 : requested;
    const error = { reason: result.reason, message: result.message };
    return { sent, received: 0, lossPct: 100, rttMinMs: null, rttAvgMs: null, rttMaxMs: null, jitterMs: null, error };
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
