import { describe, expect, it } from 'vitest';
import { availability, monthPeriod, type DownInterval } from '../../../model/availability.ts';
import { latencyFigures, nearestRank, scorecard, trafficFigures, type ScoredSite } from '../../../model/report-figures.ts';

// The exact figures of issue 11 §4 on the pure functions, and the report's own arithmetic.

const MIN = 60_000;
const ZONE = 'Asia/Ho_Chi_Minh';
const november = monthPeriod(2026, 11, ZONE); // 30 days
const october = monthPeriod(2026, 10, ZONE); // 31 days
const at = (period: { startMs: number }, minutes: number) => period.startMs + minutes * MIN;
const outage = (period: { startMs: number }, fromMin: number, lengthMin: number): DownInterval => ({ startMs: at(period, fromMin), endMs: at(period, fromMin + lengthMin), kind: 'outage', cause: 'no-reply' });
const figure = (period: { startMs: number; endMs: number }, down: DownInterval[], extra: { maintenance?: { startMs: number; endMs: number }[]; unknown?: { startMs: number; endMs: number }[] } = {}) =>
  availability({ periodFromMs: period.startMs, periodToMs: period.endMs, down, maintenance: extra.maintenance ?? [], unknown: extra.unknown ?? [] });

describe('availability, the figures of issue 11 §4', () => {
  it('one 45-minute outage: 99.896 % of a 30-day month, 99.899 % of a 31-day one', () => {
    expect(figure(november, [outage(november, 600, 45)]).availabilityPct).toBeCloseTo(99.896, 3);
    expect(figure(october, [outage(october, 600, 45)]).availabilityPct).toBeCloseTo(99.899, 3);
  });

  it('an outage from 31 Oct 23:50 to 1 Nov 00:20 gives October 10 minutes and November 20, flagged as crossing', () => {
    const crossing: DownInterval = { startMs: october.endMs - 10 * MIN, endMs: october.endMs + 20 * MIN, kind: 'outage' };
    const inOctober = figure(october, [crossing]);
    const inNovember = figure(november, [crossing]);
    expect(inOctober.downMs).toBe(10 * MIN);
    expect(inNovember.downMs).toBe(20 * MIN);
    expect(inOctober.outages[0]).toMatchObject({ startMs: crossing.startMs, endMs: crossing.endMs, clippedEnd: true, clippedStart: false, countedMs: 10 * MIN });
    expect(inNovember.outages[0]).toMatchObject({ clippedStart: true, clippedEnd: false, countedMs: 20 * MIN });
    expect(inOctober.n + inNovember.n).toBe(2);
  });

  it('60 minutes down inside a 120-minute window and 45 unplanned: 99.8955 % excluded, 99.7569 % raw', () => {
    const result = figure(november, [outage(november, 1_000, 60), outage(november, 5_000, 45)], { maintenance: [{ startMs: at(november, 970), endMs: at(november, 1_090) }] });
    expect(result.availabilityPct).toBeCloseTo(99.8955, 4);
    expect(result.rawAvailabilityPct).toBeCloseTo(99.7569, 4);
    expect(result.n).toBe(1);
  });

  it('8,500 of 8,640 five-minute samples, 9 of them down: 99.894 %, coverage 98.38 %, flagged', () => {
    const missing = Array.from({ length: 140 }, (_, i) => ({ startMs: at(november, 10 * i), endMs: at(november, 10 * i + 5) }));
    const down = Array.from({ length: 9 }, (_, i) => outage(november, 5 + 10 * i, 5));
    const result = figure(november, down, { unknown: missing });
    expect(result.availabilityPct).toBeCloseTo(99.894, 3);
    expect(result.coveragePct).toBeCloseTo(98.38, 2);
    expect(result.coverageFlag).toBe(true);
    expect(result.bounds.unknownAsDownPct).toBeCloseTo((100 * (8_640 - 140 - 9)) / 8_640, 6);
  });

  it('outages of 45, 10 and 5 minutes in 30 days: MTTR 20 minutes, MTBF 14,380 minutes, and MTBF / (MTBF + MTTR) is availability', () => {
    const result = figure(november, [outage(november, 100, 45), outage(november, 10_000, 10), outage(november, 30_000, 5)]);
    expect(result.mttrMs).toBe(20 * MIN);
    expect(result.mtbfMs).toBe(14_380 * MIN);
    expect((100 * result.mtbfMs!) / (result.mtbfMs! + result.mttrMs!)).toBeCloseTo(result.availabilityPct!, 9);
  });

  it('counts overlapping records of one failure once', () => {
    const result = figure(november, [outage(november, 100, 30), { ...outage(november, 110, 40), kind: 'unreachable' }]);
    expect(result.n).toBe(1);
    expect(result.downMs).toBe(50 * MIN);
    expect(result.outages).toHaveLength(2);
  });
});

describe('nearestRank', () => {
  it('takes the 8,208th of 8,640 ascending for the 95th percentile', () => {
    const values = Array.from({ length: 8_640 }, (_, i) => 8_640 - i); // 8640 … 1, unsorted order
    expect(nearestRank(values, 0.95)).toEqual({ value: 8_208, n: 8_640 });
  });
  it.each([
    [[], 0.95, { value: null, n: 0 }],
    [[null, undefined, 7], 0.95, { value: 7, n: 1 }],
    [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20], 0.95, { value: 19, n: 20 }],
    [[5, 1, 3], 0.5, { value: 3, n: 3 }],
    [[1, 2, 3, 4], 0.5, { value: 2, n: 4 }],
    [[4, 4, 4], 1, { value: 4, n: 3 }],
  ] as const)('%j at %d → %j', (values, q, expected) => {
    expect(nearestRank(values, q)).toEqual(expected);
  });
  it('differs from the rounded position (LibreNMS, InfluxQL) where ⌈0.95 n⌉ and round(0.95 n) part', () => {
    // n = 13: ⌈12.35⌉ is the 13th value, round(12.35) the 12th.
    const values = Array.from({ length: 13 }, (_, i) => i + 1);
    expect(nearestRank(values, 0.95).value).toBe(13);
    expect(values[Math.round(0.95 * 13) - 1]).toBe(12);
  });
});

describe('trafficFigures', () => {
  const base = { expected: 10, upgradeSharePct: 80 };
  it('keeps missing buckets missing, bills the higher direction, and flags a link short of upload', () => {
    const result = trafficFigures({
      ...base,
      inBps: [10e6, null, 20e6, 30e6, 40e6, null, null, null, null, null],
      outBps: [45e6, null, 45e6, 45e6, 45e6, null, null, null, null, null],
      inMaxBps: [12e6, null, 25e6, 60e6, 41e6],
      capacity: { downMbps: 100, upMbps: 50 },
    });
    expect(result.n).toBe(4);
    expect(result.coveragePct).toBe(40);
    expect(result.in).toEqual({ avgBps: 25e6, peakBps: 60e6, p95Bps: 40e6, avgUtilizationPct: 25, p95UtilizationPct: 40 });
    expect(result.out.p95UtilizationPct).toBe(90);
    expect(result).toMatchObject({ billedBps: 45e6, billedDirection: 'out', needsUpgrade: true });
  });
  it('has no verdict without a capacity or without traffic', () => {
    expect(trafficFigures({ ...base, inBps: [1e6], outBps: [1e6] }).needsUpgrade).toBeNull();
    const silent = trafficFigures({ ...base, inBps: [null, null], outBps: [], capacity: { downMbps: 10, upMbps: 10 } });
    expect(silent).toMatchObject({ n: 0, billedBps: null, billedDirection: null, needsUpgrade: null });
    expect(silent.in.avgBps).toBeNull();
  });
  it('does not flag at exactly the share', () => {
    expect(trafficFigures({ ...base, inBps: [80e6], outBps: [1e6], capacity: { downMbps: 100, upMbps: 100 } }).needsUpgrade).toBe(false);
  });
});

describe('latencyFigures', () => {
  it('averages and ranks the known buckets only', () => {
    expect(latencyFigures({ rttMs: [10, null, 30, 20], lossPct: [0, 0, 100, null] })).toEqual({ n: 3, rttAvgMs: 20, rttMedianMs: 20, rttP95Ms: 30, lossAvgPct: 100 / 3, lossP95Pct: 100 });
  });
});

describe('scorecard', () => {
  const settings = { workingAvailabilityPct: 95, highSpeedMbps: 100, targetAvailabilityPct: 99 };
  const site = (id: string, availabilityPct: number | null, devices: ScoredSite['devices'], links: ScoredSite['links']): ScoredSite => ({ id, availabilityPct, devices, links });
  const sites = [
    site('a', 99.9, [{ id: 'a-r', availabilityPct: 99.9 }], [{ id: 'a-net', kind: 'internet', availabilityPct: 99.9, downMbps: 200 }, { id: 'a-ts', kind: 'tslcd', availabilityPct: 99 }]),
    site('b', 98, [{ id: 'b-r', availabilityPct: 99 }], [{ id: 'b-net', kind: 'internet', availabilityPct: 98, downMbps: 50 }]),
    site('c', 90, [], [{ id: 'c-net', kind: 'internet', availabilityPct: 90 }, { id: 'c-ts', kind: 'tslcd', availabilityPct: 40 }]),
    site('d', null, [{ id: 'd-r', availabilityPct: null }], []),
  ];
  const card = scorecard(sites, settings);
  it('counts the sites with a working LAN and internet, and says why the others miss', () => {
    expect(card.lanAndInternet).toEqual({ met: 2, of: 4, pct: 50, missing: [{ site: 'c', reason: 'no-lan' }, { site: 'd', reason: 'lan-not-working' }] });
  });
  it('counts high-speed by contracted download on a working internet link', () => {
    expect(card.highSpeed.missing).toEqual([{ site: 'b', reason: 'below-high-speed' }, { site: 'c', reason: 'no-capacity' }, { site: 'd', reason: 'no-internet' }]);
    expect(card.highSpeed.pct).toBe(25);
  });
  it('counts the sites on the specialised data network', () => {
    expect(card.tslcd.missing).toEqual([{ site: 'b', reason: 'no-tslcd' }, { site: 'c', reason: 'tslcd-not-working' }, { site: 'd', reason: 'no-tslcd' }]);
  });
  it('averages the sites with a figure, and lists those under target or without data', () => {
    expect(card.averageAvailabilityPct).toBeCloseTo((99.9 + 98 + 90) / 3, 9);
    expect(card.availabilityTarget.missing).toEqual([{ site: 'b', reason: 'below-target' }, { site: 'c', reason: 'below-target' }, { site: 'd', reason: 'no-data' }]);
  });
  it('has no share without sites', () => {
    expect(scorecard([], settings).lanAndInternet).toEqual({ met: 0, of: 0, pct: null, missing: [] });
  });
});
