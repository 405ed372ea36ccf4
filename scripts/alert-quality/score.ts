import type { AlertKind } from '../../model/alerts.ts';
import { linksBehind, sitesBehind } from '../../config/dependencies.ts';
import type { TruthRecord } from '../../simulator/faults.ts';
import type { HarnessNetwork } from './network.ts';
import type { NoticeBody, ReceivedNotice } from './notices.ts';
import { causeKinds, quietAfter, type CauseKind, type RootCause } from './schedule.ts';
import type { HarnessTiming } from './timing.ts';

// Scores notifications against the simulator's ground truth: attributes each message to a root
// cause by its subject and time, judges its claim against what really happened, and sums up
// delays, message counts, false notices and missed outages per fault kind. Pure.

export interface ScoreInput {
  network: HarnessNetwork;
  causes: readonly RootCause[];
  truth: readonly TruthRecord[];
  notices: readonly ReceivedNotice[];
  timing: HarnessTiming;
  /** Faults the truth log left without an end end here; details count seconds from `originMs`. */
  runEndMs: number;
  originMs: number;
}

/** Why a message's claim is false. */
export const falseReasons = {
  'no-outage': 'an outage claimed where the truth has none (of that kind, on that subject)',
  'after-end': 'a problem notice that arrived after the problem had ended (beyond the tolerance), without saying so',
  'agent-answering': 'a silent agent claimed while the agent was answering',
  'no-loss': 'packet loss claimed where the link lost none',
  'no-fault': 'a threshold breach claimed where no fault was playing',
  'no-reboot': 'a reboot claimed where the device did not reboot',
  'recovery-while-down': 'a recovery claimed while the truth says still down',
} as const;
export type FalseReason = keyof typeof falseReasons;

/** What a message of each alert kind says is true of its subject. */
export const claimKinds = ['link-outage', 'device-outage', 'site-dark', 'flapping', 'interface-down', 'agent-silent', 'loss', 'threshold', 'reboot', 'own'] as const;
export type Claim = (typeof claimKinds)[number];
export const claimOfKind = {
  'link-down': 'link-outage',
  'upstream-down': 'link-outage',
  'device-down': 'device-outage',
  'site-dark': 'site-dark',
  flapping: 'flapping',
  'interface-down': 'interface-down',
  'agent-silent': 'agent-silent',
  loss: 'loss',
  rtt: 'threshold',
  utilisation: 'threshold',
  'interface-errors': 'threshold',
  reboot: 'reboot',
  'collector-write': 'own',
  'peer-silent': 'own',
  test: 'own',
} as const satisfies { [K in AlertKind]: Claim };

/** The claims the quality test holds to "no false outage notice" (README's outage kinds). */
export const outageClaims: readonly Claim[] = ['link-outage', 'device-outage', 'site-dark', 'flapping'];
const falseReasonOf: Record<Claim, FalseReason> = {
  'link-outage': 'no-outage',
  'device-outage': 'no-outage',
  'site-dark': 'no-outage',
  flapping: 'no-outage',
  'interface-down': 'no-outage',
  'agent-silent': 'agent-answering',
  loss: 'no-loss',
  threshold: 'no-fault',
  reboot: 'no-reboot',
  own: 'no-fault',
};

/** What an event says: a problem there now, one that came and went (`brief`), its end, a
 * one-shot, a re-send of an open alert, or something this scorer does not know. */
type EventRole = 'present' | 'past' | 'recovery' | 'one-shot' | 'resend' | 'ignored' | 'unknown';
function roleOf(body: NoticeBody): EventRole {
  switch (body.event) {
    case 'firing':
    case 'updated':
      return 'present';
    case 'brief':
      return 'past';
    // A flapping alert that settled down says the subject is down now.
    case 'resolved':
      return body.settledState === 'down' ? 'present' : 'recovery';
    case 'event':
      return 'one-shot';
    case 'repeat':
    case 'escalated':
      return 'resend';
    case 'test':
      return 'ignored';
    default:
      return 'unknown';
  }
}
/** Events that tell of a problem: the first true one is the cause's notice. */
const NOTICE_EVENTS = new Set(['firing', 'updated', 'brief', 'event']);
/** Re-sends and tests are not counted as messages of a cause. */
const UNCOUNTED_EVENTS = new Set(['repeat', 'escalated', 'test']);

/** `lateMs`: a down notice that arrived after its outage had ended, within the tolerance (what a
 * `brief` would have said in one message). */
export type Verdict = { verdict: 'true'; lateMs?: number } | { verdict: 'false'; reason: FalseReason; detail: string } | { verdict: 'unjudged'; detail: string };

/** Claims whose down notices are checked for arriving after the outage ended. */
const DOWN_CLAIMS: readonly Claim[] = ['link-outage', 'device-outage', 'site-dark', 'interface-down'];

export interface ScoredMessage {
  notice: ReceivedNotice;
  causeId?: string;
  claim?: Claim;
  judgement: Verdict;
  /** Counted as a message of its cause (repeats, escalations and tests are not). */
  counted: boolean;
}

export interface FalseNotice {
  noticeId: string;
  alertId: string;
  event: string;
  kind: string;
  subject: string;
  receivedMs: number;
  causeId?: string;
  causeKind?: CauseKind;
  claim: Claim;
  reason: FalseReason;
  detail: string;
}

export interface CauseScore {
  cause: RootCause;
  /** From the truth log: the first fault's start, the last one's end. */
  startMs: number;
  endMs: number;
  /** How long the outage lasted, for the detectability rule (flaps: their longest down). */
  outageMs: number;
  messages: ScoredMessage[];
  /** First true notice − truth start (a false one does not tell the problem). */
  noticeDelayMs?: number;
  /** Last true recovery (`resolved`, `brief`) of an alert that told the problem − truth end. */
  recoveryDelayMs?: number;
  /** Told by a true notice. */
  notified: boolean;
  /** Long enough that it must be notified (the rule is in `detectabilityRule`). */
  mustNotify: boolean;
  missed: boolean;
  falseCount: number;
}

export interface MissedCause {
  causeId: string;
  kind: CauseKind;
  subject: string;
  startMs: number;
  endMs: number;
  detail: string;
}

export interface OpenAlert {
  alertId: string;
  kind: string;
  subject: string;
  causeId?: string;
  lastEvent: string;
  receivedMs: number;
}

export interface KindSummary {
  count: number;
  notified: number;
  medianNoticeS: number | null;
  maxNoticeS: number | null;
  medianRecoveryS: number | null;
  maxRecoveryS: number | null;
  medianNoticesPerCause: number | null;
  maxNoticesPerCause: number | null;
  false: number;
  missed: number;
}

export interface Score {
  causes: CauseScore[];
  messages: ScoredMessage[];
  falseNotices: FalseNotice[];
  missed: MissedCause[];
  /** Alerts told (firing, updated) that never got a recovery. */
  open: OpenAlert[];
  /** Messages no cause explains (the false ones among them are in `falseNotices` too). */
  unattributed: ScoredMessage[];
  unjudged: ScoredMessage[];
  /** Down notices that arrived after their outage had ended, within the tolerance: true, but
   * what one `brief` message would have told. */
  lateDowns: ScoredMessage[];
  /** Causes the truth log has no applied fault of. */
  unplayed: RootCause[];
  byKind: Record<CauseKind, KindSummary>;
  /** Messages of no cause are in `false` and `notices`, not in the per-cause figures. */
  overall: KindSummary & { notices: number; unattributed: number; lateDowns: number };
}

// ---------------------------------------------------------------------------------------------
// The truth as intervals per subject
// ---------------------------------------------------------------------------------------------

interface Interval {
  startMs: number;
  endMs: number;
  causeId?: string;
  faultId: string;
  /** For details: `link-down q3`. */
  what: string;
}

interface TruthView {
  linkDown: Map<string, Interval[]>;
  /** The agent not answering SNMP (silent agent, dark site). */
  agentSilent: Map<string, Interval[]>;
  /** The device not answering at all (dark site). */
  addressSilent: Map<string, Interval[]>;
  siteDark: Map<string, Interval[]>;
  linkLoss: Map<string, Interval[]>;
  /** Instants. */
  reboots: Map<string, Interval[]>;
  /** Every applied fault by the sites it touched, for details. */
  bySite: Map<string, Interval[]>;
}

function buildView(input: ScoreInput, causeOfFault: Map<string, RootCause>): TruthView {
  const view: TruthView = { linkDown: new Map(), agentSilent: new Map(), addressSilent: new Map(), siteDark: new Map(), linkLoss: new Map(), reboots: new Map(), bySite: new Map() };
  const add = (map: Map<string, Interval[]>, key: string, interval: Interval) => map.set(key, [...(map.get(key) ?? []), interval]);
  const siteOfLink = new Map(input.network.links.map((link) => [link.id, link.site]));
  const siteOfDevice = new Map(input.network.devices.map((device) => [device.id, device.site]));
  for (const record of input.truth) {
    if (record.status !== 'applied') continue;
    const cause = causeOfFault.get(record.id);
    const endMs = record.endMs ?? (record.kind === 'reboot' ? record.startMs : input.runEndMs);
    const subject = record.link ?? record.site ?? record.device ?? '';
    const percent = cause?.kind === 'packet-loss' ? ` ${cause.percent} %` : '';
    const interval: Interval = { startMs: record.startMs, endMs, causeId: cause?.id, faultId: record.id, what: `${record.kind}${percent} ${subject} (${record.id})` };
    const sites = new Set<string>();
    switch (record.kind) {
      case 'link-down':
        add(view.linkDown, record.link!, interval);
        sites.add(siteOfLink.get(record.link!)!);
        break;
      case 'upstream-failure':
        for (const link of [record.link!, ...(record.affected?.links ?? linksBehind(record.link!, input.network.links))]) {
          add(view.linkDown, link, interval);
          sites.add(siteOfLink.get(link)!);
        }
        break;
      case 'site-dark': {
        const links = record.affected?.links ?? input.network.links.filter((link) => link.site === record.site).map((link) => link.id);
        const devices = record.affected?.devices ?? input.network.devices.filter((device) => device.site === record.site).map((device) => device.id);
        add(view.siteDark, record.site!, interval);
        for (const link of links) add(view.linkDown, link, interval);
        for (const device of devices) {
          add(view.agentSilent, device, interval);
          add(view.addressSilent, device, interval);
        }
        sites.add(record.site!);
        break;
      }
      case 'agent-silent':
        add(view.agentSilent, record.device!, interval);
        sites.add(siteOfDevice.get(record.device!)!);
        break;
      case 'packet-loss':
        add(view.linkLoss, record.link!, interval);
        sites.add(siteOfLink.get(record.link!)!);
        break;
      case 'reboot':
        add(view.reboots, record.device!, interval);
        sites.add(siteOfDevice.get(record.device!)!);
        break;
      default:
        // Not played by this harness's schedules; still shown in details.
        for (const id of [record.site, siteOfLink.get(record.link ?? ''), siteOfDevice.get(record.device ?? '')]) if (id) sites.add(id);
    }
    for (const site of sites) if (site) add(view.bySite, site, interval);
  }
  return view;
}

// ---------------------------------------------------------------------------------------------
// Subjects and footprints
// ---------------------------------------------------------------------------------------------

interface Footprint {
  links: Set<string>;
  sites: Set<string>;
  devices: Set<string>;
}

function footprintOf(cause: RootCause, network: HarnessNetwork): Footprint {
  const atSites = (sites: Set<string>): Footprint => ({
    sites,
    links: new Set(network.links.filter((link) => sites.has(link.site)).map((link) => link.id)),
    devices: new Set(network.devices.filter((device) => sites.has(device.site)).map((device) => device.id)),
  });
  const siteOfLink = (id: string) => network.links.find((link) => link.id === id)?.site;
  switch (cause.kind) {
    case 'link-down':
    case 'flap':
    case 'packet-loss':
    case 'upstream-failure': {
      const links = [cause.link, ...(cause.kind === 'upstream-failure' ? linksBehind(cause.link, network.links) : [])];
      const sites = new Set(links.map(siteOfLink).filter((site): site is string => site !== undefined));
      const footprint = atSites(sites);
      // A single link's fault: the site's other link is not part of it.
      if (cause.kind !== 'upstream-failure') footprint.links = new Set(links);
      return footprint;
    }
    case 'site-dark':
      return atSites(new Set([cause.site, ...sitesBehind(cause.site, network.sites)]));
    case 'reboot':
      return atSites(new Set([cause.site, ...sitesBehind(cause.site, network.sites)]));
    case 'agent-silent': {
      const site = network.devices.find((device) => device.id === cause.device)?.site;
      const footprint = atSites(new Set(site ? [site] : []));
      footprint.devices = new Set([cause.device]);
      return footprint;
    }
  }
}

/** The link a device's interface carries, for interface alerts. */
const linkOfInterface = (network: HarnessNetwork, device: string | undefined, name: string | undefined) =>
  device === undefined || name === undefined ? undefined : network.links.find((link) => link.device === device && link.interface === name)?.id;

function touches(body: NoticeBody, footprint: Footprint, network: HarnessNetwork): boolean {
  const links = [body.link?.id, body.upstream?.link?.id, linkOfInterface(network, body.device?.id, body.interface)];
  const sites = [body.site?.id, body.upstream?.site?.id, ...(body.affectedSites ?? []).map((site) => site.id)];
  return links.some((id) => id !== undefined && footprint.links.has(id)) || sites.some((id) => id !== undefined && footprint.sites.has(id)) || (body.device !== undefined && footprint.devices.has(body.device.id));
}

export const subjectText = (body: NoticeBody): string =>
  [body.site && `site ${body.site.id}`, body.link && `link ${body.link.id}`, body.device && `device ${body.device.id}`, body.interface && `interface ${body.interface}`, body.affectedSites?.length ? `affecting ${body.affectedSites.map((site) => site.id).join(', ')}` : undefined].filter(Boolean).join(', ') || '(no subject)';

const causeSubject = (cause: RootCause): string => {
  switch (cause.kind) {
    case 'link-down':
    case 'upstream-failure':
      return `link ${cause.link}`;
    case 'flap':
      return `link ${cause.link}, ${cause.cycles} × ${(cause.downMs / 1000).toFixed(0)} s down every ${(cause.periodMs / 1000).toFixed(0)} s`;
    case 'packet-loss':
      return `link ${cause.link}, ${cause.percent} %`;
    case 'site-dark':
      return `site ${cause.site}`;
    case 'reboot':
      return `device ${cause.device}, dark ${(cause.darkMs / 1000).toFixed(0)} s`;
    case 'agent-silent':
      return `device ${cause.device}`;
  }
};

// ---------------------------------------------------------------------------------------------
// Judging a claim
// ---------------------------------------------------------------------------------------------

interface ClaimTruth {
  intervals: Interval[];
  /** How long after the truth's end a claim that it is still there is tolerated. */
  toleranceMs: number;
  sites: string[];
}

function claimTruth(claim: Claim, body: NoticeBody, view: TruthView, input: ScoreInput): ClaimTruth | undefined {
  const { network, timing } = input;
  const get = (map: Map<string, Interval[]>, id: string | undefined) => (id === undefined ? [] : (map.get(id) ?? []));
  const site = body.site?.id;
  const sites = site ? [site] : [];
  const icmp = timing.icmpEndSeenMs;
  const snmp = timing.snmpEndSeenMs;
  const linksOfSite = (id: string | undefined) => network.links.filter((link) => link.site === id).map((link) => link.id);
  switch (claim) {
    case 'link-outage':
      return body.link ? { intervals: get(view.linkDown, body.link.id), toleranceMs: icmp, sites } : undefined;
    case 'device-outage':
      return body.device ? { intervals: get(view.addressSilent, body.device.id), toleranceMs: snmp, sites } : undefined;
    case 'site-dark':
      return site ? { intervals: get(view.siteDark, site), toleranceMs: icmp, sites } : undefined;
    case 'flapping': {
      // Flapping is a claim about the engine's window: some outage of the subject within it.
      const toleranceMs = timing.flapping.windowMs;
      if (body.link) return { intervals: get(view.linkDown, body.link.id), toleranceMs, sites };
      if (body.device) {
        const links = network.links.filter((link) => link.device === body.device!.id).map((link) => link.id);
        return { intervals: [...get(view.agentSilent, body.device.id), ...links.flatMap((link) => get(view.linkDown, link))], toleranceMs, sites };
      }
      return site ? { intervals: [...get(view.siteDark, site), ...linksOfSite(site).flatMap((link) => get(view.linkDown, link))], toleranceMs, sites } : undefined;
    }
    case 'interface-down': {
      const link = linkOfInterface(network, body.device?.id, body.interface);
      return link ? { intervals: get(view.linkDown, link), toleranceMs: snmp, sites } : undefined;
    }
    case 'agent-silent':
      return body.device ? { intervals: get(view.agentSilent, body.device.id), toleranceMs: snmp, sites } : undefined;
    case 'loss':
      return body.link ? { intervals: [...get(view.linkLoss, body.link.id), ...get(view.linkDown, body.link.id)], toleranceMs: icmp, sites } : undefined;
    case 'threshold': {
      if (body.link) return { intervals: [...get(view.linkLoss, body.link.id), ...get(view.linkDown, body.link.id)], toleranceMs: icmp, sites };
      if (body.device) return { intervals: get(view.agentSilent, body.device.id), toleranceMs: snmp, sites };
      return site ? { intervals: get(view.bySite, site), toleranceMs: icmp, sites } : undefined;
    }
    case 'reboot':
      // Seen at the first poll after the device answers again.
      return body.device ? { intervals: get(view.reboots, body.device.id), toleranceMs: snmp + timing.snmpIntervalMs, sites } : undefined;
    case 'own':
      return undefined;
  }
}

const overlaps = (interval: Interval, fromMs: number, toMs: number) => interval.startMs <= toMs && interval.endMs >= fromMs;

function judge(notice: ReceivedNotice, claim: Claim | undefined, view: TruthView, input: ScoreInput): Verdict {
  const { body, receivedMs } = notice;
  const role = roleOf(body);
  if (role === 'ignored') return { verdict: 'unjudged', detail: 'a test message' };
  if (role === 'unknown') return { verdict: 'unjudged', detail: `event "${body.event}" is unknown to the scorer: counted as a message, not judged` };
  if (claim === undefined) return { verdict: 'unjudged', detail: `kind "${body.kind}" is unknown to the scorer: counted as a message, not judged` };
  if (claim === 'own') return { verdict: 'unjudged', detail: `${body.kind} is about the collector itself` };
  const truth = claimTruth(claim, body, view, input);
  if (!truth) return { verdict: 'unjudged', detail: `a ${body.kind} message without the subject its claim needs` };
  const { intervals, toleranceMs } = truth;
  const slack = input.timing.startSlackMs;
  const at = (ms: number) => `+${((ms - input.originMs) / 1000).toFixed(1)} s`;
  const happened = (fromMs: number, toMs: number) => {
    const seen = truth.sites.flatMap((site) => view.bySite.get(site) ?? []).filter((interval) => overlaps(interval, fromMs, toMs));
    const text = [...new Set(seen.map((interval) => `${interval.what} ${at(interval.startMs)}…${at(interval.endMs)}`))].join('; ');
    return text === '' ? 'no fault at the site then' : `at the site then: ${text}`;
  };
  const refuted = (reason: FalseReason, detail: string): Verdict => ({ verdict: 'false', reason, detail });

  switch (role) {
    case 'present':
    case 'resend':
    case 'one-shot': {
      const recent = intervals.filter((interval) => overlaps(interval, receivedMs - toleranceMs, receivedMs));
      if (recent.length > 0) {
        const lastEndMs = Math.max(...recent.map((interval) => interval.endMs));
        return role !== 'one-shot' && DOWN_CLAIMS.includes(claim) && lastEndMs < receivedMs ? { verdict: 'true', lateMs: receivedMs - lastEndMs } : { verdict: 'true' };
      }
      const earlier = intervals.filter((interval) => overlaps(interval, body.startedMs - slack, receivedMs)).sort((a, b) => b.endMs - a.endMs)[0];
      if (earlier && claim !== 'reboot') {
        return refuted('after-end', `${body.event} ${body.kind} arrived at ${at(receivedMs)}, ${((receivedMs - earlier.endMs) / 1000).toFixed(1)} s after ${earlier.what} ended at ${at(earlier.endMs)} (tolerance ${(toleranceMs / 1000).toFixed(1)} s)`);
      }
      return refuted(falseReasonOf[claim], `${body.event} ${body.kind} at ${at(receivedMs)} (started ${at(body.startedMs)}); ${happened(body.startedMs - toleranceMs, receivedMs)}`);
    }
    case 'past': {
      const endedMs = body.endedMs ?? receivedMs;
      if (intervals.some((interval) => overlaps(interval, body.startedMs - slack, endedMs + toleranceMs))) return { verdict: 'true' };
      return refuted(falseReasonOf[claim], `${body.event} ${body.kind} for ${at(body.startedMs)}…${at(endedMs)}; ${happened(body.startedMs - toleranceMs, endedMs + toleranceMs)}`);
    }
    case 'recovery': {
      // Ends of rules measured on rounds (loss, thresholds) and one-shots are not judged.
      if (claim === 'loss' || claim === 'threshold' || claim === 'reboot') return { verdict: 'true' };
      const claimedEndMs = body.endedMs ?? receivedMs;
      const still = intervals.find((interval) => interval.startMs <= claimedEndMs - slack && interval.endMs > receivedMs);
      if (still) return refuted('recovery-while-down', `${body.kind} resolved at ${at(receivedMs)} (ended ${at(claimedEndMs)}) while ${still.what} lasted until ${at(still.endMs)}`);
      return { verdict: 'true' };
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Scoring
// ---------------------------------------------------------------------------------------------

export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}
const max = (values: readonly number[]): number | null => (values.length === 0 ? null : Math.max(...values));
const seconds = (ms: number | null) => (ms === null ? null : Math.round(ms / 100) / 10);

/** The rule an outage (or silent agent) is held to: long enough that it must be notified. A
 * flap is held to its longest down: shorter downs are blips to any engine (fewer than downAfter
 * failed rounds), whether it counts them as flapping or as loss. */
export function mustNotify(cause: RootCause, periods: readonly Interval[], timing: HarnessTiming): boolean {
  const longest = Math.max(0, ...periods.map((period) => period.endMs - period.startMs));
  switch (cause.kind) {
    case 'link-down':
    case 'upstream-failure':
    case 'site-dark':
    case 'reboot':
    case 'flap':
      return longest > timing.outageDetectableMs;
    case 'agent-silent':
      return longest > timing.agentSilentDetectableMs;
    case 'packet-loss':
      return false;
  }
}

/** Words for the report: the rules above, with this run's figures. */
export function detectabilityRule(timing: HarnessTiming): string[] {
  const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  return [
    `an outage (link-down, upstream-failure, site-dark, a reboot's dark time) must be notified when longer than (downAfter + 1) × ICMP interval = ${s(timing.outageDetectableMs)}`,
    `a silent agent when longer than (downAfter + 1) × SNMP interval + a slowest device round = ${s(timing.agentSilentDetectableMs)}`,
    `a flap when one of its downs is longer than that; a flapping notice or outage notices count`,
    'an outage is notified by a notice (firing, updated, brief) of an outage kind (link-down, upstream-down, device-down, site-dark, flapping, interface-down) that is true or merely late; a silent agent by agent-silent or device-down',
    'packet loss and the reboot message itself are never counted as missed',
  ];
}

export function scoreRun(input: ScoreInput): Score {
  const { network, timing } = input;
  const causeOfFault = new Map<string, RootCause>();
  for (const cause of input.causes) for (const id of cause.faultIds) causeOfFault.set(id, cause);
  const view = buildView(input, causeOfFault);

  // Causes as played: their applied truth records.
  const applied = new Map<string, TruthRecord[]>();
  for (const record of input.truth) {
    const cause = causeOfFault.get(record.id);
    if (!cause || record.status !== 'applied') continue;
    applied.set(cause.id, [...(applied.get(cause.id) ?? []), record]);
  }
  const unplayed = input.causes.filter((cause) => !applied.has(cause.id));
  const played = input.causes
    .filter((cause) => applied.has(cause.id))
    .map((cause) => {
      const records = applied.get(cause.id)!;
      const durable = records.filter((record) => record.kind !== 'reboot');
      const periods: Interval[] = (durable.length > 0 ? durable : records).map((record) => ({ startMs: record.startMs, endMs: record.endMs ?? (record.kind === 'reboot' ? record.startMs : input.runEndMs), faultId: record.id, what: record.kind }));
      return { cause, periods, startMs: Math.min(...periods.map((p) => p.startMs)), endMs: Math.max(...periods.map((p) => p.endMs)), footprint: footprintOf(cause, network) };
    });

  // One message per id (delivery is at least once), in arrival order.
  const seen = new Set<string>();
  const notices = [...input.notices].sort((a, b) => a.receivedMs - b.receivedMs).filter((notice) => !seen.has(notice.body.id) && seen.add(notice.body.id));

  // Attribution by alert: its first message's subject and start pick the cause; every message
  // of the alert follows (an `updated` refines the kind, not the problem).
  const causeOfAlert = new Map<string, string | undefined>();
  const attribute = (body: NoticeBody, receivedMs: number): string | undefined => {
    const candidates = played.filter((entry) => touches(body, entry.footprint, network));
    const within = (anchorMs: number, extraMs: number) =>
      candidates
        .filter((entry) => entry.startMs - timing.startSlackMs <= anchorMs && anchorMs <= entry.endMs + quietAfter(entry.cause.kind, timing) + extraMs)
        .sort((a, b) => b.startMs - a.startMs)[0];
    return (within(body.startedMs, 0) ?? within(receivedMs, timing.snmpEndSeenMs))?.cause.id;
  };
  const messages: ScoredMessage[] = notices.map((notice) => {
    const { body } = notice;
    if (!causeOfAlert.has(body.alertId)) causeOfAlert.set(body.alertId, attribute(body, notice.receivedMs));
    const causeId = causeOfAlert.get(body.alertId);
    const claim: Claim | undefined = (claimOfKind as Record<string, Claim>)[body.kind];
    return { notice, causeId, claim, judgement: judge(notice, claim, view, input), counted: !UNCOUNTED_EVENTS.has(body.event) };
  });

  const causeById = new Map(played.map((entry) => [entry.cause.id, entry.cause]));
  const falseNotices: FalseNotice[] = messages.flatMap((message) => {
    if (message.judgement.verdict !== 'false') return [];
    const { body, receivedMs } = message.notice;
    const cause = message.causeId ? causeById.get(message.causeId) : undefined;
    return [{ noticeId: body.id, alertId: body.alertId, event: body.event, kind: body.kind, subject: subjectText(body), receivedMs, causeId: cause?.id, causeKind: cause?.kind, claim: message.claim!, reason: message.judgement.reason, detail: message.judgement.detail }];
  });

  const causes: CauseScore[] = played.map((entry) => {
    const own = messages.filter((message) => message.causeId === entry.cause.id && message.counted);
    const noticesOf = own.filter((message) => NOTICE_EVENTS.has(message.notice.body.event));
    const trueNotices = noticesOf.filter((message) => message.judgement.verdict !== 'false');
    const firstTrue = trueNotices[0];
    // The recovery of an alert that told the problem (closing a false alert tells nothing).
    const toldAlerts = new Set(trueNotices.map((message) => message.notice.body.alertId));
    const recoveries = own.filter((message) => {
      const { body } = message.notice;
      const recovery = body.event === 'brief' || (body.event === 'resolved' && body.settledState !== 'down');
      return recovery && toldAlerts.has(body.alertId) && message.judgement.verdict !== 'false' && message.notice.receivedMs >= entry.endMs - timing.startSlackMs;
    });
    const lastRecovery = recoveries.at(-1);
    const outageMs = Math.max(0, ...entry.periods.map((period) => period.endMs - period.startMs));
    const needed = mustNotify(entry.cause, entry.periods, timing);
    const wanted: readonly Claim[] = entry.cause.kind === 'agent-silent' ? ['agent-silent', 'device-outage'] : [...outageClaims, 'interface-down'];
    // A late notice still told the outage (it is false for being late); a wrong claim did not.
    const notifiedForRule = noticesOf.some(
      (message) => message.claim !== undefined && wanted.includes(message.claim) && (message.judgement.verdict !== 'false' || message.judgement.reason === 'after-end'),
    );
    return {
      cause: entry.cause,
      startMs: entry.startMs,
      endMs: entry.endMs,
      outageMs,
      messages: own,
      noticeDelayMs: firstTrue ? firstTrue.notice.receivedMs - entry.startMs : undefined,
      recoveryDelayMs: lastRecovery ? lastRecovery.notice.receivedMs - entry.endMs : undefined,
      notified: firstTrue !== undefined,
      mustNotify: needed,
      missed: needed && !notifiedForRule,
      falseCount: falseNotices.filter((item) => item.causeId === entry.cause.id).length,
    };
  });

  const missed: MissedCause[] = causes
    .filter((entry) => entry.missed)
    .map((entry) => {
      const got = entry.messages.map((message) => `${message.notice.body.kind}:${message.notice.body.event}`);
      const threshold = entry.cause.kind === 'agent-silent' ? timing.agentSilentDetectableMs : timing.outageDetectableMs;
      const lasted = entry.cause.kind === 'flap' ? 'its longest down lasted' : `${entry.cause.kind} lasted`;
      return {
        causeId: entry.cause.id,
        kind: entry.cause.kind,
        subject: causeSubject(entry.cause),
        startMs: entry.startMs,
        endMs: entry.endMs,
        detail: `${lasted} ${(entry.outageMs / 1000).toFixed(1)} s (must be notified past ${(threshold / 1000).toFixed(1)} s); messages: ${got.length > 0 ? got.join(', ') : 'none'}`,
      };
    });

  // Alerts told and never recovered by the end of the run.
  const open: OpenAlert[] = [];
  const byAlert = new Map<string, ScoredMessage[]>();
  for (const message of messages) byAlert.set(message.notice.body.alertId, [...(byAlert.get(message.notice.body.alertId) ?? []), message]);
  for (const [alertId, list] of byAlert) {
    const events = list.map((message) => message.notice.body.event);
    if (!events.some((event) => event === 'firing' || event === 'updated')) continue;
    if (events.some((event) => event === 'resolved' || event === 'brief')) continue;
    const last = list.at(-1)!;
    open.push({ alertId, kind: last.notice.body.kind, subject: subjectText(last.notice.body), causeId: last.causeId, lastEvent: last.notice.body.event, receivedMs: last.notice.receivedMs });
  }

  const summarise = (list: CauseScore[], falseCount: number): KindSummary => {
    const notifiedList = list.filter((entry) => entry.messages.length > 0);
    const noticeDelays = list.flatMap((entry) => (entry.noticeDelayMs === undefined ? [] : [entry.noticeDelayMs]));
    const recoveryDelays = list.flatMap((entry) => (entry.recoveryDelayMs === undefined ? [] : [entry.recoveryDelayMs]));
    const counts = notifiedList.map((entry) => entry.messages.length);
    return {
      count: list.length,
      notified: list.filter((entry) => entry.notified).length,
      medianNoticeS: seconds(median(noticeDelays)),
      maxNoticeS: seconds(max(noticeDelays)),
      medianRecoveryS: seconds(median(recoveryDelays)),
      maxRecoveryS: seconds(max(recoveryDelays)),
      medianNoticesPerCause: median(counts),
      maxNoticesPerCause: max(counts),
      false: falseCount,
      missed: list.filter((entry) => entry.missed).length,
    };
  };
  const byKind = Object.fromEntries(
    causeKinds.map((kind) => [kind, summarise(causes.filter((entry) => entry.cause.kind === kind), falseNotices.filter((item) => item.causeKind === kind).length)]),
  ) as Record<CauseKind, KindSummary>;
  const unattributed = messages.filter((message) => message.causeId === undefined && message.notice.body.event !== 'test');
  const lateDowns = messages.filter((message) => message.judgement.verdict === 'true' && message.judgement.lateMs !== undefined);
  return {
    causes,
    messages,
    falseNotices,
    missed,
    open,
    unattributed,
    unjudged: messages.filter((message) => message.judgement.verdict === 'unjudged' && message.notice.body.event !== 'test'),
    lateDowns,
    unplayed,
    byKind,
    overall: { ...summarise(causes, falseNotices.length), notices: messages.filter((message) => message.counted).length, unattributed: unattributed.length, lateDowns: lateDowns.length },
  };
}
