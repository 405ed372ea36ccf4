import type { Config } from '../../config/schema.ts';

// The README's "two-minute arithmetic" as a function, so the figures it prints, the engine's
// tests and the end-to-end tests all hold linkwatch to the same bound. Pure.

export interface NoticeTimingSettings {
  icmp: Pick<Config['collector']['icmp'], 'interval' | 'count' | 'spacing' | 'timeout'>;
  alerts: Pick<Config['alerts'], 'downAfter' | 'grouping'>;
  /** How often the engine evaluates (a second in the daemon). */
  evaluationMs: number;
}

/** One ICMP round when every echo is lost: the last echo's send plus its timeout. */
export function lostRoundMs(icmp: NoticeTimingSettings['icmp']): number {
  return (icmp.count - 1) * icmp.spacing + icmp.timeout;
}

/**
 * The worst case from a clean cut of a link whose upstream is up (no loss before it, no hold) to
 * its down message leaving for the channels: the first round to lose echoes starts at most an
 * interval after the cut, `downAfter` rounds of lost echoes, the last one's timeout, an
 * evaluation, the grouping delay, and the one more ping of the link before the message leaves
 * with the evaluation that reads its answer.
 */
export function cleanCutNoticeMs({ icmp, alerts, evaluationMs }: NoticeTimingSettings): number {
  return icmp.interval * alerts.downAfter + lostRoundMs(icmp) + evaluationMs + alerts.grouping + lostRoundMs(icmp) + evaluationMs;
}
