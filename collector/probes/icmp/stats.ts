import { probeFailure, type FailureReason, type ProbeResult } from '../result.ts';

/** What one round of echo requests to one target measured. */
export interface IcmpStats {
  sent: number;
  received: number;
  /** 0–100. */
  lossPct: number;
  /** `null` only when nothing was received. */
  rttMinMs: number | null;
  rttAvgMs: number | null;
  rttMaxMs: number | null;
  /**
   * Mean absolute difference between the RTTs of successive *received* replies, in sending
   * order: mean of |rtt[k] − rtt[k−1]| over the replies that arrived, lost echoes skipped (a
   * pair may span a gap). This is the simple form of RFC 3550's interarrival jitter without
   * its 1/16 smoothing, chosen because a round is only a handful of echoes. `null` when fewer
   * than two replies arrived: one RTT has no variation to measure, and 0 would claim a
   * perfectly steady link.
   */
  jitterMs: number | null;
}

export interface IcmpMeasurement extends IcmpStats {
  /** One entry per echo sent, in sending order; `null` for an echo that got no reply. */
  rttsMs: (number | null)[];
}

export type IcmpResult = ProbeResult<IcmpMeasurement>;

// The tools print RTTs with microsecond resolution; more digits would only be float noise
// (0.1 + 0.2) carried into storage and the CLI's JSON.
const round3 = (value: number): number => Math.round(value * 1000) / 1000;

const isRtt = (value: number | null): value is number =>
  typeof value === 'number' && Number.isFinite(value) && value >= 0;

/**
 * RTTs of one round (one entry per echo sent, `null` for a lost echo) → loss and RTT
 * statistics. Pure; an empty list means nothing was sent (loss 0%, every RTT field `null`).
 */
export function summarizeRtts(rttsMs: readonly (number | null)[]): IcmpStats {
  const replies = rttsMs.filter(isRtt);
  const sent = rttsMs.length;
  const received = replies.length;
  const lossPct = sent === 0 ? 0 : round3(((sent - received) / sent) * 100);
  if (received === 0) {
    return { sent, received, lossPct, rttMinMs: null, rttAvgMs: null, rttMaxMs: null, jitterMs: null };
  }
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  let deltas = 0;
  for (const [index, rtt] of replies.entries()) {
    sum += rtt;
    min = Math.min(min, rtt);
    max = Math.max(max, rtt);
    if (index > 0) deltas += Math.abs(rtt - (replies[index - 1] as number));
  }
  return {
    sent,
    received,
    lossPct,
    rttMinMs: round3(min),
    rttAvgMs: round3(sum / received),
    rttMaxMs: round3(max),
    jitterMs: received < 2 ? null : round3(deltas / (received - 1)),
  };
}

/** The spread of a round's answered echoes, as Smokeping draws it: the median and the quartiles
 * of the sorted RTTs (linear interpolation between ranks, so five echoes give the 2nd, 3rd and
 * 4th). `null` when nothing was answered. */
export interface EchoQuartiles {
  q1Ms: number;
  medianMs: number;
  q3Ms: number;
}

export function echoQuartiles(rttsMs: readonly (number | null)[]): EchoQuartiles | null {
  const sorted = rttsMs.filter(isRtt).sort((a, b) => a - b);
  if (sorted.length === 0) return null;
  const at = (share: number) => {
    const rank = (sorted.length - 1) * share;
    const below = Math.floor(rank);
    const above = Math.min(below + 1, sorted.length - 1);
    return round3(sorted[below]! + (rank - below) * (sorted[above]! - sorted[below]!));
  };
  return { q1Ms: at(0.25), medianMs: at(0.5), q3Ms: at(0.75) };
}

/** Why nothing came back, when the tool told us more than silence. */
export interface NoReplyEvidence {
  /** The network said so (ICMP unreachable, EHOSTUNREACH): the text that said it. */
  unreachable?: string | undefined;
  /** Anything else that explains the silence better than a timeout (resolution failure, …). */
  failure?: { reason: FailureReason; detail: string } | undefined;
}

/**
 * Turns a round's RTTs into the probe's tagged result. Partial loss is still `ok: true`: one
 * lost echo is loss, not an outage. Only a round with no reply at all fails, as `unreachable`
 * when the network said so, as whatever `evidence.failure` names, or else as `timeout`.
 */
export function icmpResultFromRtts(
  target: string,
  rttsMs: readonly (number | null)[],
  evidence: NoReplyEvidence = {},
): IcmpResult {
  const stats = summarizeRtts(rttsMs);
  if (stats.received > 0) return { ok: true, ...stats, rttsMs: [...rttsMs] };
  if (evidence.failure) {
    return probeFailure(evidence.failure.reason, `ICMP probe of ${target} failed: ${evidence.failure.detail}`);
  }
  if (evidence.unreachable !== undefined) {
    const tail = stats.sent === 0 ? 'no echo request could be sent' : `no reply to ${stats.sent} echo requests`;
    return probeFailure('unreachable', `${target} is unreachable: ${evidence.unreachable} (${tail})`);
  }
  return probeFailure(
    'timeout',
    stats.sent === 0
      ? `no echo request could be sent to ${target}`
      : `${target} did not answer any of ${stats.sent} echo requests`,
  );
}
