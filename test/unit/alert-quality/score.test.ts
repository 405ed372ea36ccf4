import { describe, expect, it } from 'vitest';
import type { TruthRecord } from '../../../simulator/faults.ts';
import type { HarnessNetwork } from '../../../scripts/alert-quality/network.ts';
import type { NoticeBody, ReceivedNotice } from '../../../scripts/alert-quality/notices.ts';
import { formatReport } from '../../../scripts/alert-quality/report.ts';
import type { RootCause } from '../../../scripts/alert-quality/schedule.ts';
import { median, scoreRun, type Score } from '../../../scripts/alert-quality/score.ts';
import { settingsConfig } from '../../../scripts/alert-quality/settings.ts';
import { harnessTiming } from '../../../scripts/alert-quality/timing.ts';

// A hub h with communes a and b behind its uplink, independent communes c (internet + TSLCD) and
// d (internet only). Times in seconds from T0.
const network: HarnessNetwork = {
  sites: [
    { id: 'dc', kind: 'district-centre' },
    { id: 'h', kind: 'town', parent: 'dc' },
    { id: 'a', kind: 'commune', parent: 'h' },
    { id: 'b', kind: 'commune', parent: 'h' },
    { id: 'c', kind: 'commune', parent: 'dc' },
    { id: 'd', kind: 'commune', parent: 'dc' },
  ],
  devices: ['dc', 'h', 'a', 'b', 'c', 'd'].map((site) => ({ id: `${site}-router`, site })),
  links: [
    { id: 'dc-tslcd', site: 'dc', kind: 'tslcd', device: 'dc-router', interface: 'Gi0/0/1' },
    { id: 'h-uplink', site: 'h', kind: 'wan', device: 'h-router', interface: 'ether1' },
    { id: 'a-internet', site: 'a', kind: 'internet', device: 'a-router', interface: 'WAN1', upstream: 'h-uplink' },
    { id: 'b-internet', site: 'b', kind: 'internet', device: 'b-router', interface: 'WAN1', upstream: 'h-uplink' },
    { id: 'c-internet', site: 'c', kind: 'internet', device: 'c-router', interface: 'WAN1' },
    { id: 'c-tslcd', site: 'c', kind: 'tslcd', device: 'c-router', interface: 'WAN2', upstream: 'dc-tslcd' },
    { id: 'd-internet', site: 'd', kind: 'internet', device: 'd-router', interface: 'Gi0/0/0' },
  ],
};
// The defaults as of issue 14 written out: 42.8 s to see an ICMP end, 82.4 s an SNMP one,
// outages over 120 s must be told, silent agents over 191.4 s.
const timing = harnessTiming(
  settingsConfig({
    collector: { icmp: { interval: '30s', count: 5, spacing: '200ms', timeout: '1s' }, snmp: { interval: '60s', timeout: '5s', retries: 1 } },
    alerts: { downAfter: 3, upAfter: 2, grouping: '10s', flapping: { window: '15m', changes: 6, settleAfter: '10m' } },
    scale: 1,
    tickMs: 1_000,
  }),
  1_000,
);
const T0 = Date.UTC(2026, 10, 27, 1, 0, 0);
const t = (s: number) => T0 + s * 1_000;

type Fixture = { causes: RootCause[]; truth: TruthRecord[] };
const record = (id: string, kind: TruthRecord['kind'], subject: Pick<TruthRecord, 'link' | 'site' | 'device'>, from: number, to?: number, extra: Partial<TruthRecord> = {}): TruthRecord => ({
  id,
  kind,
  ...subject,
  startMs: t(from),
  ...(to !== undefined ? { endMs: t(to) } : {}),
  status: 'applied',
  ...extra,
});
const fixtures = {
  cut: (from = 100, to = 400): Fixture => ({
    causes: [{ id: 'q1', kind: 'link-down', lane: 'd', link: 'd-internet', startMs: t(from), endMs: t(to), faultIds: ['q1'] }],
    truth: [record('q1', 'link-down', { link: 'd-internet' }, from, to)],
  }),
  loss: (): Fixture => ({
    causes: [{ id: 'q2', kind: 'packet-loss', lane: 'c', link: 'c-internet', percent: 30, startMs: t(100), endMs: t(400), faultIds: ['q2'] }],
    truth: [record('q2', 'packet-loss', { link: 'c-internet' }, 100, 400)],
  }),
  upstream: (): Fixture => ({
    causes: [{ id: 'q3', kind: 'upstream-failure', lane: 'h', link: 'h-uplink', startMs: t(100), endMs: t(400), faultIds: ['q3'] }],
    truth: [record('q3', 'upstream-failure', { link: 'h-uplink' }, 100, 400, { affected: { sites: ['a', 'b'], links: ['a-internet', 'b-internet'], devices: [] } })],
  }),
  dark: (): Fixture => ({
    causes: [{ id: 'q4', kind: 'site-dark', lane: 'c', site: 'c', startMs: t(100), endMs: t(400), faultIds: ['q4'] }],
    truth: [record('q4', 'site-dark', { site: 'c' }, 100, 400, { affected: { sites: ['c'], links: ['c-internet', 'c-tslcd'], devices: ['c-router'] } })],
  }),
  silent: (to = 400): Fixture => ({
    causes: [{ id: 'q5', kind: 'agent-silent', lane: 'd', device: 'd-router', startMs: t(100), endMs: t(to), faultIds: ['q5'] }],
    truth: [record('q5', 'agent-silent', { device: 'd-router' }, 100, to)],
  }),
  reboot: (): Fixture => ({
    causes: [{ id: 'q6', kind: 'reboot', lane: 'd', device: 'd-router', site: 'd', darkMs: 60_000, startMs: t(100), endMs: t(160), faultIds: ['q6.dark', 'q6.reboot'] }],
    truth: [record('q6.dark', 'site-dark', { site: 'd' }, 100, 160, { affected: { sites: ['d'], links: ['d-internet'], devices: ['d-router'] } }), record('q6.reboot', 'reboot', { device: 'd-router' }, 160)],
  }),
  /** Downs of `down` s every `period` s from 100 s. */
  flap: (cycles: number, down: number, period: number): Fixture => {
    const ids = Array.from({ length: cycles }, (_, n) => `q7.${n + 1}`);
    return {
      causes: [{ id: 'q7', kind: 'flap', lane: 'c', link: 'c-internet', periodMs: period * 1_000, downMs: down * 1_000, cycles, startMs: t(100), endMs: t(100 + (cycles - 1) * period + down), faultIds: ids }],
      truth: ids.map((id, n) => record(id, 'link-down', { link: 'c-internet' }, 100 + n * period, 100 + n * period + down)),
    };
  },
};
const merge = (...list: Fixture[]): Fixture => ({ causes: list.flatMap((f) => f.causes), truth: list.flatMap((f) => f.truth) });

let serial = 0;
interface Message {
  id?: string;
  alertId?: string;
  event?: string;
  kind?: string;
  site?: string;
  link?: string;
  device?: string;
  interface?: string;
  settledState?: string;
  affected?: string[];
  at: number;
  started?: number;
  ended?: number;
}
const notice = (message: Message): ReceivedNotice => {
  const { at, started, ended, site, link, device, affected, ...rest } = message;
  const alertId = rest.alertId ?? `a${++serial}`;
  const event = rest.event ?? 'firing';
  return {
    receivedMs: t(at),
    body: {
      id: rest.id ?? `${alertId}:${event}`,
      alertId,
      event,
      kind: rest.kind ?? 'link-down',
      atMs: t(at) - 50,
      startedMs: t(started ?? 100),
      ...(ended !== undefined ? { endedMs: t(ended) } : {}),
      ...(site ? { site: { id: site } } : {}),
      ...(link ? { link: { id: link } } : {}),
      ...(device ? { device: { id: device } } : {}),
      ...(affected ? { affectedSites: affected.map((id) => ({ id })) } : {}),
      ...(rest.interface ? { interface: rest.interface } : {}),
      ...(rest.settledState ? { settledState: rest.settledState } : {}),
    },
  };
};
const score = (fixture: Fixture, notices: ReceivedNotice[]): Score => scoreRun({ network, causes: fixture.causes, truth: fixture.truth, notices, timing, runEndMs: t(3_000), originMs: T0 });
const verdictOf = (result: Score) => result.messages.map((message) => (message.judgement.verdict === 'false' ? message.judgement.reason : message.judgement.verdict));

describe('scoreRun: judging each claim against the truth', () => {
  it.each<[string, Fixture, Message, string]>([
    ['a cut told while down', fixtures.cut(), { link: 'd-internet', site: 'd', at: 170, started: 102 }, 'true'],
    ['a cut told 40 s after it ended (within 42.8 s)', fixtures.cut(), { link: 'd-internet', at: 440, started: 102 }, 'true'],
    ['a cut told 50 s after it ended', fixtures.cut(), { link: 'd-internet', at: 450, started: 102 }, 'after-end'],
    ['a cut told after it ended, saying so (brief)', fixtures.cut(), { event: 'brief', link: 'd-internet', at: 450, started: 102, ended: 401 }, 'true'],
    ['a site dark while its router answered', fixtures.cut(), { kind: 'site-dark', site: 'd', at: 170, started: 102 }, 'no-outage'],
    ['a device down while it answered ping', fixtures.cut(), { kind: 'device-down', device: 'd-router', site: 'd', at: 200 }, 'no-outage'],
    ['a recovery while the cut went on', fixtures.cut(), { event: 'resolved', link: 'd-internet', at: 260, ended: 250 }, 'recovery-while-down'],
    ['a recovery after the mend', fixtures.cut(), { event: 'resolved', link: 'd-internet', at: 460, ended: 401 }, 'true'],
    ['a silent agent while its link was cut (the agent answered)', fixtures.cut(), { kind: 'agent-silent', device: 'd-router', site: 'd', at: 250 }, 'agent-answering'],
    ['a silent agent while its link lost packets', fixtures.loss(), { kind: 'agent-silent', device: 'c-router', site: 'c', at: 250 }, 'agent-answering'],
    ['loss on the lossy link', fixtures.loss(), { kind: 'loss', link: 'c-internet', site: 'c', at: 420, started: 110 }, 'true'],
    ['loss on a clean link', fixtures.loss(), { kind: 'loss', link: 'd-internet', site: 'd', at: 250 }, 'no-loss'],
    ['an outage of a lossy link', fixtures.loss(), { link: 'c-internet', site: 'c', at: 250 }, 'no-outage'],
    ['the hub uplink down, naming its communes', fixtures.upstream(), { kind: 'upstream-down', link: 'h-uplink', site: 'h', affected: ['a', 'b'], at: 180 }, 'true'],
    ['a commune dark after its hub came back', fixtures.upstream(), { kind: 'site-dark', site: 'a', at: 470, started: 102 }, 'no-outage'],
    ['a commune link down after its hub came back', fixtures.upstream(), { link: 'a-internet', site: 'a', at: 470, started: 102 }, 'after-end'],
    ['a dark site', fixtures.dark(), { kind: 'site-dark', site: 'c', at: 200 }, 'true'],
    ['its router down', fixtures.dark(), { kind: 'device-down', device: 'c-router', site: 'c', at: 250 }, 'true'],
    ['a link down refined to the dark site (updated)', fixtures.dark(), { event: 'updated', kind: 'site-dark', site: 'c', at: 230 }, 'true'],
    ['a silent agent', fixtures.silent(), { kind: 'agent-silent', device: 'd-router', site: 'd', at: 300 }, 'true'],
    ['a silent agent told as a dead device', fixtures.silent(), { kind: 'device-down', device: 'd-router', site: 'd', at: 300 }, 'no-outage'],
    ['an interface down on the cut link', fixtures.cut(), { kind: 'interface-down', device: 'd-router', interface: 'Gi0/0/0', site: 'd', at: 200 }, 'true'],
    ['a reboot after the reboot', fixtures.reboot(), { event: 'event', kind: 'reboot', device: 'd-router', site: 'd', at: 200, started: 200 }, 'true'],
    ['a reboot where there was none', fixtures.cut(), { event: 'event', kind: 'reboot', device: 'd-router', site: 'd', at: 200, started: 200 }, 'no-reboot'],
    ['flapping on the flapping link', fixtures.flap(4, 40, 80), { kind: 'flapping', link: 'c-internet', site: 'c', at: 400 }, 'true'],
    ['flapping settled up after the last down', fixtures.flap(4, 40, 80), { event: 'resolved', kind: 'flapping', link: 'c-internet', site: 'c', settledState: 'up', at: 1_000, ended: 990 }, 'true'],
    ['flapping on a steady link', fixtures.flap(4, 40, 80), { kind: 'flapping', link: 'd-internet', site: 'd', at: 400 }, 'no-outage'],
    ['an event the scorer does not know', fixtures.cut(), { event: 'wobbling', link: 'd-internet', at: 200 }, 'unjudged'],
    ['a kind the scorer does not know', fixtures.cut(), { kind: 'brownout', link: 'd-internet', at: 200 }, 'unjudged'],
  ])('%s', (_name, fixture, message, expected) => {
    expect(verdictOf(score(fixture, [notice(message)]))).toEqual([expected]);
  });
});

describe('scoreRun: per cause', () => {
  it('times a cut from truth start to notice and from mend to recovery, two messages', () => {
    const result = score(fixtures.cut(), [notice({ alertId: 'x', link: 'd-internet', site: 'd', at: 170, started: 102 }), notice({ alertId: 'x', event: 'resolved', link: 'd-internet', site: 'd', at: 460, ended: 401 })]);
    expect(result.causes.map((entry) => ({ delay: entry.noticeDelayMs, recovery: entry.recoveryDelayMs, messages: entry.messages.length, missed: entry.missed }))).toEqual([{ delay: 70_000, recovery: 60_000, messages: 2, missed: false }]);
    expect(result.falseNotices).toEqual([]);
    expect(result.byKind['link-down']).toMatchObject({ count: 1, notified: 1, medianNoticeS: 70, maxNoticeS: 70, medianRecoveryS: 60, maxNoticesPerCause: 2, false: 0, missed: 0 });
  });

  it('takes a brief as both the notice and the recovery', () => {
    const result = score(fixtures.cut(100, 160), [notice({ event: 'brief', link: 'd-internet', at: 190, started: 102, ended: 161 })]);
    expect(result.causes[0]).toMatchObject({ noticeDelayMs: 90_000, recoveryDelayMs: 30_000, notified: true });
    expect(result.falseNotices).toEqual([]);
  });

  it('attributes a commune’s late notice to its hub’s cut, and counts every message of it', () => {
    const result = score(fixtures.upstream(), [
      notice({ alertId: 'up', kind: 'upstream-down', link: 'h-uplink', site: 'h', affected: ['a', 'b'], at: 180 }),
      notice({ alertId: 'up', event: 'resolved', kind: 'upstream-down', link: 'h-uplink', site: 'h', at: 450, ended: 401 }),
      notice({ alertId: 'child', kind: 'site-dark', site: 'a', at: 460, started: 102 }),
      notice({ alertId: 'child', event: 'resolved', kind: 'site-dark', site: 'a', at: 463, ended: 455 }),
    ]);
    expect(result.causes[0]!.messages.map((message) => message.notice.body.alertId)).toEqual(['up', 'up', 'child', 'child']);
    expect(result.falseNotices.map((item) => [item.alertId, item.causeId, item.reason])).toEqual([['child', 'q3', 'no-outage']]);
    expect(result.byKind['upstream-failure']).toMatchObject({ false: 1, maxNoticesPerCause: 4, medianRecoveryS: 50 });
  });

  it('keeps a message on a subject without a fault apart, and false when it claims an outage', () => {
    const result = score(fixtures.cut(), [notice({ link: 'dc-tslcd', site: 'dc', at: 200 })]);
    expect(result.unattributed).toHaveLength(1);
    expect(result.falseNotices.map((item) => [item.causeId, item.reason])).toEqual([[undefined, 'no-outage']]);
    expect(result.overall).toMatchObject({ false: 1, unattributed: 1, notices: 1 });
    expect(result.causes[0]!.messages).toEqual([]);
  });

  it('counts a message delivered twice once, and repeats not at all', () => {
    const first = notice({ alertId: 'x', link: 'd-internet', at: 170 });
    const result = score(fixtures.cut(), [first, { ...first, receivedMs: first.receivedMs + 5_000 }, notice({ alertId: 'x', event: 'repeat', id: 'x:repeat:1', link: 'd-internet', at: 300 })]);
    expect(result.causes[0]!.messages.map((message) => message.notice.body.event)).toEqual(['firing']);
    expect(result.overall.notices).toBe(1);
  });

  it('counts an updated alert as another message of the same cause', () => {
    const result = score(fixtures.dark(), [
      notice({ alertId: 'x', link: 'c-internet', site: 'c', at: 170 }),
      notice({ alertId: 'x', event: 'updated', kind: 'site-dark', site: 'c', at: 200 }),
      notice({ alertId: 'x', event: 'resolved', kind: 'site-dark', site: 'c', at: 440, ended: 401 }),
    ]);
    expect(result.causes[0]).toMatchObject({ noticeDelayMs: 70_000, recoveryDelayMs: 40_000 });
    expect(result.causes[0]!.messages).toHaveLength(3);
    expect(result.falseNotices).toEqual([]);
  });

  it('does not time a notice from a false message', () => {
    const result = score(fixtures.loss(), [notice({ kind: 'agent-silent', device: 'c-router', site: 'c', at: 250 }), notice({ kind: 'loss', link: 'c-internet', site: 'c', at: 390, started: 110 })]);
    expect(result.causes[0]!.noticeDelayMs).toBe(290_000);
    expect(result.byKind['packet-loss']).toMatchObject({ false: 1, maxNoticesPerCause: 2 });
  });

  it.each<[string, Message, number | undefined]>([
    ['a down while down', { link: 'd-internet', at: 170, started: 102 }, undefined],
    ['a down 40 s after the end', { link: 'd-internet', at: 440, started: 102 }, 40_000],
    ['a brief after the end', { event: 'brief', link: 'd-internet', at: 440, started: 102, ended: 401 }, undefined],
  ])('notes %s as late but true when within the tolerance', (_name, message, lateMs) => {
    const result = score(fixtures.cut(), [notice(message)]);
    expect(result.lateDowns.map((entry) => (entry.judgement.verdict === 'true' ? entry.judgement.lateMs : 'not true'))).toEqual(lateMs === undefined ? [] : [lateMs]);
    expect(result.falseNotices).toEqual([]);
  });

  it('lists alerts told and never recovered', () => {
    const result = score(fixtures.cut(), [notice({ alertId: 'x', link: 'd-internet', site: 'd', at: 170 })]);
    expect(result.open.map((item) => [item.alertId, item.causeId])).toEqual([['x', 'q1']]);
    expect(result.causes[0]!.recoveryDelayMs).toBeUndefined();
  });

  it('leaves out causes the simulator could not apply', () => {
    const fixture = fixtures.cut();
    const result = score({ ...fixture, truth: fixture.truth.map((entry) => ({ ...entry, status: 'unsupported' as const, note: 'needs root' })) }, []);
    expect(result.unplayed.map((cause) => cause.id)).toEqual(['q1']);
    expect(result.overall.count).toBe(0);
  });
});

describe('scoreRun: missed', () => {
  it.each<[string, Fixture, Message[], boolean]>([
    ['a 300 s cut never told', fixtures.cut(100, 400), [], true],
    ['a 100 s cut never told (not surely detectable)', fixtures.cut(100, 200), [], false],
    ['a 300 s cut told late', fixtures.cut(100, 400), [{ link: 'd-internet', at: 500, started: 102 }], false],
    ['a dark site told only by its link', fixtures.dark(), [{ link: 'c-internet', site: 'c', at: 200 }], false],
    ['a dark site told only as a silent agent', fixtures.dark(), [{ kind: 'agent-silent', device: 'c-router', site: 'c', at: 200 }], true],
    ['a 300 s silent agent never told', fixtures.silent(400), [], true],
    ['a 150 s silent agent never told', fixtures.silent(250), [], false],
    ['a silent agent told', fixtures.silent(400), [{ kind: 'agent-silent', device: 'd-router', site: 'd', at: 300 }], false],
    ['packet loss never told', fixtures.loss(), [], false],
    ['a 60 s reboot never told', fixtures.reboot(), [], false],
    ['a flap of 4 downs of 40 s every 80 s (blips) never told', fixtures.flap(4, 40, 80), [], false],
    ['a flap of 3 downs of 150 s every 300 s never told', fixtures.flap(3, 150, 300), [], true],
    ['a flap of 3 downs of 150 s told by its outages', fixtures.flap(3, 150, 300), [{ link: 'c-internet', site: 'c', at: 250, started: 101 }], false],
    ['a flap of 3 downs of 150 s told as flapping', fixtures.flap(3, 150, 300), [{ kind: 'flapping', link: 'c-internet', site: 'c', at: 700 }], false],
    ['a flap of 3 downs of 150 s told only by loss', fixtures.flap(3, 150, 300), [{ kind: 'loss', link: 'c-internet', site: 'c', at: 700 }], true],
    ['a hub cut told only by a false dark commune', fixtures.upstream(), [{ kind: 'site-dark', site: 'a', at: 200 }], true],
  ])('%s', (_name, fixture, messages, missed) => {
    const result = score(fixture, messages.map(notice));
    expect(result.missed.map((item) => item.causeId)).toEqual(missed ? [fixture.causes[0]!.id] : []);
  });
});

describe('median', () => {
  it.each([
    [[], null],
    [[5], 5],
    [[3, 1, 2], 2],
    [[4, 1, 3, 2], 2.5],
  ])('%j → %s', (values, expected) => {
    expect(median(values)).toBe(expected);
  });
});

describe('formatReport', () => {
  it('prints the table, the false items with why, and last one JSON line with the same figures', () => {
    const fixture = merge(fixtures.cut(), fixtures.upstream());
    const result = score(fixture, [
      notice({ alertId: 'x', link: 'd-internet', site: 'd', at: 170 }),
      notice({ alertId: 'x', event: 'resolved', link: 'd-internet', site: 'd', at: 460, ended: 401 }),
      notice({ alertId: 'child', kind: 'site-dark', site: 'a', at: 460, started: 102 }),
    ]);
    const text = formatReport(result, { label: { interval: '30s', seed: 1, sites: 6, minutes: 10 }, timing, originMs: T0 });
    const lines = text.split('\n');
    const json = JSON.parse(lines.at(-1)!) as Record<string, unknown>;
    expect(json).toMatchObject({ interval: '30s', seed: 1, faults: 2, notices: 3, medianNoticeS: 70, false: 1, missed: 1, byKind: { 'link-down': { count: 1 }, 'upstream-failure': { count: 1, missed: 1 } } });
    expect(lines.find((line) => line.startsWith('link-down'))).toMatch(/link-down\s+1\s+1\/1\s+70 \/ 70\s+60 \/ 60\s+2 \/ 2\s+0\s+0/);
    expect(text).toContain('false notices (1):');
    expect(text).toContain('site-dark:firing — site a — during q3 (upstream-failure) — no-outage');
    expect(text).toContain('missed (1):');
    expect(text).toContain('42.8 s');
  });
});
