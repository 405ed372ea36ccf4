import { causeKinds } from './schedule.ts';
import { detectabilityRule, falseReasons, subjectText, type KindSummary, type Score } from './score.ts';
import type { HarnessTiming } from './timing.ts';

// The score as an engineer reads it: a table per fault kind, the tolerances it was judged with,
// every false and missed item with why, and last one JSON line with the same figures. Pure.

export interface ReportContext {
  label: { interval: string; seed: number; sites: number; minutes: number };
  timing: HarnessTiming;
  originMs: number;
}

const cell = (value: number | null, digits = 0) => (value === null ? '–' : value.toFixed(digits));
const pair = (a: number | null, b: number | null, digits = 0) => `${cell(a, digits)} / ${cell(b, digits)}`;
const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** The table: one row per fault kind, then all. */
export function scoreTable(score: Score): string[] {
  const header = ['fault kind', 'n', 'notified', 'notice s med/max', 'recovery s med/max', 'msgs/cause med/max', 'false', 'missed'];
  const row = (name: string, summary: KindSummary) => [
    name,
    String(summary.count),
    `${summary.notified}/${summary.count}`,
    pair(summary.medianNoticeS, summary.maxNoticeS),
    pair(summary.medianRecoveryS, summary.maxRecoveryS),
    pair(summary.medianNoticesPerCause, summary.maxNoticesPerCause, summary.medianNoticesPerCause !== null && !Number.isInteger(summary.medianNoticesPerCause) ? 1 : 0),
    String(summary.false),
    String(summary.missed),
  ];
  const unattributedFalse = score.falseNotices.filter((item) => item.causeId === undefined).length;
  const rows = [
    ...causeKinds.filter((kind) => score.byKind[kind].count > 0).map((kind) => row(kind, score.byKind[kind])),
    ['(no fault)', '–', '–', '–', '–', `${score.overall.unattributed} msgs`, String(unattributedFalse), '–'],
    row('all', score.overall),
  ];
  const widths = header.map((title, index) => Math.max(title.length, ...rows.map((cells) => cells[index]!.length)));
  const line = (cells: string[]) => cells.map((text, index) => (index === 0 ? text.padEnd(widths[index]!) : text.padStart(widths[index]!))).join('  ');
  return [line(header), widths.map((width) => '-'.repeat(width)).join('  '), ...rows.map(line)];
}

/** The tolerances and rules the score was judged with. */
export function tolerances(timing: HarnessTiming): string[] {
  return [
    `a down notice is false when it arrives later than ${s(timing.icmpEndSeenMs)} after an ICMP-judged outage ended (link, upstream, dark site: ICMP interval ${s(timing.icmpIntervalMs)} + round ${s(timing.icmpRoundMs)} + evaluation ${s(timing.evaluationMs)} + grouping ${s(timing.groupingMs)}), or ${s(timing.snmpEndSeenMs)} after an SNMP-judged one (device down, silent agent, interface: SNMP interval ${s(timing.snmpIntervalMs)} + slowest device round ${s(timing.snmpPollMs)} + evaluation + grouping); flapping is true while the subject had an outage within flapping.window (${s(timing.flapping.windowMs)}); a brief (one message with start and end) is never late`,
    `a recovery is false when the same truth outage began at least ${s(timing.startSlackMs)} before the claimed end and still lasted when the message arrived`,
    `messages are attributed to a fault by their alert's subject (link, site, device, interface, affected sites) and start, from ${s(timing.startSlackMs)} before the fault to the quiet time after it (${s(timing.quietAfterMs)}; flaps + settleAfter ${s(timing.flapping.settleAfterMs)})`,
    ...detectabilityRule(timing),
    'notified = causes with a true notice; times: notice = first true notice − truth start; recovery = last true recovery (resolved, brief) of an alert that told the problem − truth end; msgs/cause counts every message attributed to a cause (false ones too) but repeats and escalations, over causes with any message',
  ];
}

export function scoreDetails(score: Score, originMs: number): string[] {
  const at = (ms: number) => `+${((ms - originMs) / 1000).toFixed(1)} s`;
  const lines: string[] = [];
  if (score.falseNotices.length > 0) {
    lines.push(`false notices (${score.falseNotices.length}):`);
    for (const item of score.falseNotices) {
      lines.push(`  ${at(item.receivedMs)} ${item.kind}:${item.event} — ${item.subject} — ${item.causeId ? `during ${item.causeId} (${item.causeKind})` : 'no fault there'} — ${item.reason}: ${falseReasons[item.reason]}`);
      lines.push(`      ${item.detail} [alert ${item.alertId}]`);
    }
  }
  if (score.missed.length > 0) {
    lines.push(`missed (${score.missed.length}):`);
    for (const item of score.missed) lines.push(`  ${item.causeId} ${item.kind} — ${item.subject} — ${at(item.startMs)}…${at(item.endMs)} — ${item.detail}`);
  }
  const noisy = score.causes.filter((entry) => entry.messages.length > 2);
  if (noisy.length > 0) {
    lines.push(`more than 2 messages for one cause (${noisy.length}; the short seed holds every kind but flaps to 2):`);
    for (const entry of noisy) lines.push(`  ${entry.cause.id} ${entry.cause.kind} ${at(entry.startMs)}…${at(entry.endMs)}: ${entry.messages.map((message) => `${at(message.notice.receivedMs)} ${message.notice.body.kind}:${message.notice.body.event}${message.notice.body.link ? ` ${message.notice.body.link.id}` : message.notice.body.site ? ` ${message.notice.body.site.id}` : ''}`).join(', ')}`);
  }
  if (score.lateDowns.length > 0) {
    lines.push(`down notices that arrived after the outage had ended, within the tolerance (${score.lateDowns.length}; one brief message would have told it):`);
    for (const message of score.lateDowns) {
      const { body } = message.notice;
      const late = message.judgement.verdict === 'true' ? (message.judgement.lateMs ?? 0) : 0;
      lines.push(`  ${at(message.notice.receivedMs)} ${body.kind}:${body.event} — ${subjectText(body)} — ${(late / 1000).toFixed(1)} s after the end — ${message.causeId ?? 'no fault'}`);
    }
  }
  if (score.open.length > 0) {
    lines.push(`alerts never recovered by the end (${score.open.length}):`);
    for (const item of score.open) lines.push(`  ${at(item.receivedMs)} ${item.kind}:${item.lastEvent} — ${item.subject} — ${item.causeId ?? 'no fault'} [alert ${item.alertId}]`);
  }
  const otherUnattributed = score.unattributed.filter((message) => message.judgement.verdict !== 'false');
  if (otherUnattributed.length > 0) {
    lines.push(`messages of no fault, not false (${otherUnattributed.length}):`);
    for (const message of otherUnattributed) lines.push(`  ${at(message.notice.receivedMs)} ${message.notice.body.kind}:${message.notice.body.event} — ${message.notice.body.title ?? message.notice.body.id}`);
  }
  if (score.unjudged.length > 0) {
    lines.push(`not judged (${score.unjudged.length}):`);
    for (const message of score.unjudged) lines.push(`  ${at(message.notice.receivedMs)} ${message.notice.body.kind}:${message.notice.body.event} — ${message.judgement.verdict === 'unjudged' ? message.judgement.detail : ''}`);
  }
  if (score.unplayed.length > 0) lines.push(`faults the simulator did not apply: ${score.unplayed.map((cause) => `${cause.id} ${cause.kind}`).join(', ')}`);
  return lines;
}

/** The last line: one JSON object with the table's figures. */
export function scoreJson(score: Score, context: ReportContext): Record<string, unknown> {
  const { overall } = score;
  return {
    bench: 'alert-quality',
    ...context.label,
    faults: overall.count,
    notices: overall.notices,
    medianNoticeS: overall.medianNoticeS,
    maxNoticeS: overall.maxNoticeS,
    medianRecoveryS: overall.medianRecoveryS,
    maxRecoveryS: overall.maxRecoveryS,
    medianNoticesPerCause: overall.medianNoticesPerCause,
    maxNoticesPerCause: overall.maxNoticesPerCause,
    false: overall.false,
    missed: overall.missed,
    unattributed: overall.unattributed,
    open: score.open.length,
    lateDowns: overall.lateDowns,
    falseByReason: Object.fromEntries(Object.keys(falseReasons).map((reason) => [reason, score.falseNotices.filter((item) => item.reason === reason).length]).filter(([, count]) => count !== 0)),
    tolerancesS: {
      icmpEndSeen: context.timing.icmpEndSeenMs / 1000,
      snmpEndSeen: context.timing.snmpEndSeenMs / 1000,
      outageDetectable: context.timing.outageDetectableMs / 1000,
      agentSilentDetectable: context.timing.agentSilentDetectableMs / 1000,
    },
    byKind: Object.fromEntries(causeKinds.filter((kind) => score.byKind[kind].count > 0).map((kind) => [kind, score.byKind[kind]])),
  };
}

export function formatReport(score: Score, context: ReportContext): string {
  const { label } = context;
  return [
    `alert quality: ICMP every ${label.interval}, seed ${label.seed}, ${label.sites} sites, ${label.minutes} min of faults`,
    '',
    ...scoreTable(score),
    '',
    'rules and tolerances:',
    ...tolerances(context.timing).map((line) => `  - ${line}`),
    '',
    ...scoreDetails(score, context.originMs),
    JSON.stringify(scoreJson(score, context)),
  ].join('\n');
}
