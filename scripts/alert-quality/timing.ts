import type { Config } from '../../config/schema.ts';

// Every tolerance and threshold the harness uses, derived from the collector and alert settings
// it runs with, so the schedule (gaps between faults) and the scorer (what counts as late,
// detectable or attributable) agree and scale with the settings. Pure.

export interface HarnessTiming {
  icmpIntervalMs: number;
  /** One ICMP round: the last echo's send plus its timeout, (count − 1) × spacing + timeout. */
  icmpRoundMs: number;
  snmpIntervalMs: number;
  /** One device round at its slowest: every SNMP try timing out, then its address pinged. */
  snmpPollMs: number;
  /** The engine's evaluation period (its tick). */
  evaluationMs: number;
  groupingMs: number;
  downAfter: number;
  upAfter: number;
  flapping: { windowMs: number; changes: number; settleAfterMs: number };
  /** An outage longer than this, (downAfter + 1) × ICMP interval, is surely `downAfter` failed
   * rounds in a row whatever the rounds' phase: one never notified is missed. */
  outageDetectableMs: number;
  /** The same for a silent agent: (downAfter + 1) × SNMP interval + a slowest device round. */
  agentSilentDetectableMs: number;
  /** How long linkwatch needs to see an ICMP-judged outage (link, upstream, dark site) end: one
   * ICMP interval + a round + an evaluation + grouping. A down notice arriving later than this
   * after the outage ended, without saying it ended, is false. */
  icmpEndSeenMs: number;
  /** The same for SNMP-judged problems (device down, silent agent, reboot): one SNMP interval +
   * a slowest device round + an evaluation + grouping. */
  snmpEndSeenMs: number;
  /** A first failed round may have begun just before the cut (its echoes lost after it): an
   * alert's backdated start may precede the truth's by a round and an evaluation. */
  startSlackMs: number;
  /** The least quiet time the schedule leaves on a lane after a fault ends (and the scorer
   * attributes late messages to it): recovery seen on both probes, upAfter good rounds, and
   * two spare ICMP intervals. Flaps add flapping.settleAfter. */
  quietAfterMs: number;
  /** Before the first fault: every subject polled twice and up. */
  leadInMs: number;
}

export function harnessTiming(config: Pick<Config, 'collector' | 'alerts'>, evaluationMs: number): HarnessTiming {
  const { icmp, snmp } = config.collector;
  const alerts = config.alerts;
  const icmpRoundMs = (icmp.count - 1) * icmp.spacing + icmp.timeout;
  // The address ping after a silent agent: 3 echoes (README, States).
  const snmpPollMs = snmp.timeout * (snmp.retries + 1) + 2 * icmp.spacing + icmp.timeout;
  const icmpEndSeenMs = icmp.interval + icmpRoundMs + evaluationMs + alerts.grouping;
  const snmpEndSeenMs = snmp.interval + snmpPollMs + evaluationMs + alerts.grouping;
  return {
    icmpIntervalMs: icmp.interval,
    icmpRoundMs,
    snmpIntervalMs: snmp.interval,
    snmpPollMs,
    evaluationMs,
    groupingMs: alerts.grouping,
    downAfter: alerts.downAfter,
    upAfter: alerts.upAfter,
    flapping: { windowMs: alerts.flapping.window, changes: alerts.flapping.changes, settleAfterMs: alerts.flapping.settleAfter },
    outageDetectableMs: (alerts.downAfter + 1) * icmp.interval,
    agentSilentDetectableMs: (alerts.downAfter + 1) * snmp.interval + snmpPollMs,
    icmpEndSeenMs,
    snmpEndSeenMs,
    startSlackMs: icmpRoundMs + evaluationMs,
    quietAfterMs: Math.max(icmpEndSeenMs + alerts.upAfter * icmp.interval, snmpEndSeenMs) + 2 * icmp.interval,
    leadInMs: Math.max(2 * snmp.interval + snmpPollMs, (alerts.upAfter + 1) * icmp.interval) + alerts.grouping + 2 * evaluationMs,
  };
}
