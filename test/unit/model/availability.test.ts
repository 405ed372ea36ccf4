import { describe, expect, it } from 'vitest';
import type { EntitySelector } from '../../../config/alerts.ts';
import {
  availability,
  clipIntervals,
  gapsFromBuckets,
  intersectIntervals,
  localDays,
  maintenanceIntervals,
  mergeIntervals,
  monthPeriod,
  selectorCovers,
  siteIntervals,
  subtractIntervals,
  totalMs,
  unknownFromStates,
  type CoveredSubject,
  type DownInterval,
  type Interval,
  type LinkIntervals,
  type RecordedState,
} from '../../../model/availability.ts';
import type { MaintenanceWindow } from '../../../model/maintenance.ts';

const S = 1_000;
const MIN = 60 * S;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const BASE = Date.UTC(2026, 10, 1); // 2026-11-01T00:00Z, on a day (and bucket) boundary
const ZONE = 'Asia/Ho_Chi_Minh'; // UTC+7, no daylight saving

/** [BASE + a hours, BASE + b hours). */
const h = (a: number, b: number): Interval => ({ startMs: BASE + a * HOUR, endMs: BASE + b * HOUR });
/** [BASE + a minutes, BASE + b minutes). */
const m = (a: number, b: number): Interval => ({ startMs: BASE + a * MIN, endMs: BASE + b * MIN });

describe('mergeIntervals', () => {
  it.each([
    ['empty input', [], []],
    ['a single interval', [h(1, 2)], [h(1, 2)]],
    ['overlapping', [h(1, 3), h(2, 4)], [h(1, 4)]],
    ['touching', [h(1, 2), h(2, 3)], [h(1, 3)]],
    ['disjoint', [h(1, 2), h(3, 4)], [h(1, 2), h(3, 4)]],
    ['unsorted', [h(5, 6), h(1, 2), h(3, 4)], [h(1, 2), h(3, 4), h(5, 6)]],
    ['unsorted and overlapping', [h(3, 5), h(1, 4)], [h(1, 5)]],
    ['nested', [h(1, 10), h(2, 3), h(4, 5)], [h(1, 10)]],
    ['nested, inner first', [h(2, 3), h(1, 10)], [h(1, 10)]],
    ['empty intervals dropped', [h(1, 1), h(2, 3), h(5, 4)], [h(2, 3)]],
    ['duplicates', [h(1, 2), h(1, 2)], [h(1, 2)]],
    ['a chain of touching and overlapping', [h(0, 1), h(1, 2), h(1.5, 3), h(4, 5)], [h(0, 3), h(4, 5)]],
  ] as const)('%s', (_label, input, expected) => {
    expect(mergeIntervals(input)).toEqual(expected);
  });

  it('leaves its input untouched', () => {
    const input = [h(3, 5), h(1, 4)];
    mergeIntervals(input);
    expect(input).toEqual([h(3, 5), h(1, 4)]);
  });
});

describe('clipIntervals', () => {
  const period = h(10, 20);
  it.each([
    ['empty input', [], []],
    ['wholly inside', [h(12, 14)], [h(12, 14)]],
    ['wholly before', [h(1, 5)], []],
    ['wholly after', [h(25, 30)], []],
    ['touching the start from before', [h(5, 10)], []],
    ['touching the end from after', [h(20, 25)], []],
    ['across the start', [h(5, 12)], [h(10, 12)]],
    ['across the end', [h(18, 25)], [h(18, 20)]],
    ['covering the whole period', [h(0, 30)], [h(10, 20)]],
    ['unsorted and overlapping, merged', [h(15, 25), h(5, 11), h(14, 16)], [h(10, 11), h(14, 20)]],
  ] as const)('%s', (_label, input, expected) => {
    expect(clipIntervals(input, period)).toEqual(expected);
  });
});

describe('intersectIntervals', () => {
  it.each([
    ['both empty', [], [], []],
    ['one side empty', [h(1, 5)], [], []],
    ['other side empty', [], [h(1, 5)], []],
    ['overlapping', [h(1, 5)], [h(3, 8)], [h(3, 5)]],
    ['touching only', [h(1, 3)], [h(3, 5)], []],
    ['disjoint', [h(1, 2)], [h(3, 4)], []],
    ['nested', [h(1, 10)], [h(2, 3), h(5, 6)], [h(2, 3), h(5, 6)]],
    ['identical', [h(1, 4)], [h(1, 4)], [h(1, 4)]],
    ['unsorted inputs', [h(6, 9), h(1, 4)], [h(8, 12), h(3, 7)], [h(3, 4), h(6, 7), h(8, 9)]],
    ['overlapping within one side', [h(1, 4), h(2, 6)], [h(5, 8)], [h(5, 6)]],
    ['same end on both sides', [h(1, 4), h(6, 8)], [h(2, 4), h(7, 9)], [h(2, 4), h(7, 8)]],
  ] as const)('%s', (_label, a, b, expected) => {
    expect(intersectIntervals(a, b)).toEqual(expected);
    expect(intersectIntervals(b, a)).toEqual(expected);
  });
});

describe('subtractIntervals', () => {
  it.each([
    ['both empty', [], [], []],
    ['nothing to take away', [h(1, 5)], [], [h(1, 5)]],
    ['nothing to take from', [], [h(1, 5)], []],
    ['a hole in the middle', [h(1, 10)], [h(3, 5)], [h(1, 3), h(5, 10)]],
    ['overlapping the start', [h(3, 10)], [h(1, 5)], [h(5, 10)]],
    ['overlapping the end', [h(1, 5)], [h(3, 10)], [h(1, 3)]],
    ['touching only', [h(1, 3)], [h(3, 5), h(0, 1)], [h(1, 3)]],
    ['disjoint', [h(1, 2)], [h(5, 6)], [h(1, 2)]],
    ['taken away wholly', [h(2, 4)], [h(1, 5)], []],
    ['exactly equal', [h(2, 4)], [h(2, 4)], []],
    ['several holes, unsorted', [h(0, 10)], [h(7, 8), h(1, 2), h(4, 5)], [h(0, 1), h(2, 4), h(5, 7), h(8, 10)]],
    ['overlapping holes', [h(0, 10)], [h(2, 5), h(4, 6)], [h(0, 2), h(6, 10)]],
    ['one hole over several intervals', [h(0, 2), h(3, 5), h(6, 8)], [h(1, 7)], [h(0, 1), h(7, 8)]],
    ['unsorted, overlapping minuend', [h(5, 9), h(0, 6)], [h(3, 4)], [h(0, 3), h(4, 9)]],
  ] as const)('%s', (_label, a, b, expected) => {
    expect(subtractIntervals(a, b)).toEqual(expected);
  });
});

describe('totalMs', () => {
  it.each([
    ['empty', [], 0],
    ['one interval', [h(1, 3)], 2 * HOUR],
    ['disjoint', [h(1, 2), h(3, 5)], 3 * HOUR],
    ['overlapping, counted once', [h(1, 3), h(2, 4)], 3 * HOUR],
    ['touching', [h(1, 2), h(2, 3)], 2 * HOUR],
    ['nested', [h(1, 10), h(2, 3)], 9 * HOUR],
    ['unsorted', [h(5, 6), h(1, 2)], 2 * HOUR],
    ['empty and inverted intervals count nothing', [h(1, 1), h(4, 3)], 0],
  ] as const)('%s', (_label, input, expected) => {
    expect(totalMs(input)).toBe(expected);
  });
});

describe('availability', () => {
  // November 2026: 30 days = 720 hours.
  const FROM = BASE;
  const TO = Date.UTC(2026, 11, 1);
  const PERIOD_MS = 30 * DAY;
  const run = (down: DownInterval[], maintenance: Interval[] = [], unknown: Interval[] = [], minCoveragePct?: number) =>
    availability({ periodFromMs: FROM, periodToMs: TO, down, maintenance, unknown, ...(minCoveragePct !== undefined ? { minCoveragePct } : {}) });

  it('without outages is 100 %', () => {
    const result = run([]);
    expect(result).toEqual({
      periodFromMs: FROM,
      periodToMs: TO,
      availabilityPct: 100,
      rawAvailabilityPct: 100,
      coveragePct: 100,
      coverageFlag: false,
      bounds: { unknownAsDownPct: 100, unknownAsUpPct: 100 },
      upMs: PERIOD_MS,
      downMs: 0,
      maintenanceMs: 0,
      unknownMs: 0,
      outages: [],
      n: 0,
      mttrMs: null,
      mtbfMs: null,
    });
  });

  it('one 3-hour outage in 30 days', () => {
    const result = run([{ ...h(48, 51), cause: 'link-down', kind: 'outage' }]);
    expect(result.availabilityPct).toBeCloseTo((100 * 717) / 720, 10);
    expect(result.rawAvailabilityPct).toBeCloseTo((100 * 717) / 720, 10);
    expect(result.downMs).toBe(3 * HOUR);
    expect(result.upMs).toBe(717 * HOUR);
    expect(result.n).toBe(1);
    expect(result.mttrMs).toBe(3 * HOUR);
    expect(result.mtbfMs).toBe(717 * HOUR);
    expect(result.coveragePct).toBe(100);
    expect(result.coverageFlag).toBe(false);
    expect(result.outages).toEqual([
      {
        startMs: BASE + 48 * HOUR,
        endMs: BASE + 51 * HOUR,
        durationMs: 3 * HOUR,
        countedMs: 3 * HOUR,
        cause: 'link-down',
        kind: 'outage',
        clippedStart: false,
        clippedEnd: false,
        inMaintenance: false,
        ongoing: false,
      },
    ]);
  });

  it('an outage wholly inside maintenance counts only in the raw figure', () => {
    const result = run([h(101, 103)], [h(100, 104)]);
    expect(result.availabilityPct).toBe(100);
    expect(result.rawAvailabilityPct).toBeCloseTo((100 * 718) / 720, 10);
    expect(result.rawAvailabilityPct!).toBeLessThan(100);
    expect(result.downMs).toBe(0);
    expect(result.maintenanceMs).toBe(4 * HOUR);
    expect(result.upMs).toBe(716 * HOUR);
    expect(result.n).toBe(0);
    expect(result.mttrMs).toBeNull();
    expect(result.mtbfMs).toBeNull();
    expect(result.outages).toHaveLength(1);
    expect(result.outages[0]!).toMatchObject({ durationMs: 2 * HOUR, countedMs: 0, inMaintenance: true, cause: null, kind: null });
  });

  it('an outage half inside maintenance counts the half outside', () => {
    const result = run([h(100, 102)], [h(99, 101)]);
    expect(result.downMs).toBe(1 * HOUR);
    expect(result.maintenanceMs).toBe(2 * HOUR);
    expect(result.upMs).toBe(717 * HOUR);
    expect(result.availabilityPct).toBeCloseTo((100 * 717) / 718, 10);
    expect(result.rawAvailabilityPct).toBeCloseTo((100 * 718) / 720, 10);
    expect(result.n).toBe(1);
    expect(result.mttrMs).toBe(1 * HOUR);
    expect(result.outages[0]!).toMatchObject({ durationMs: 2 * HOUR, countedMs: 1 * HOUR, inMaintenance: false });
  });

  it('outages across the period start and end are clipped, with their real extent kept', () => {
    const before: DownInterval = { startMs: FROM - 2 * HOUR, endMs: FROM + 1 * HOUR, kind: 'unreachable' };
    const open: DownInterval = { startMs: TO - 1 * HOUR, endMs: TO + 5 * HOUR, open: true };
    const outside: DownInterval = { startMs: FROM - 5 * HOUR, endMs: FROM - 4 * HOUR };
    const touching: DownInterval = { startMs: TO, endMs: TO + HOUR };
    const result = run([open, outside, before, touching]);
    expect(result.downMs).toBe(2 * HOUR);
    expect(result.n).toBe(2);
    expect(result.outages).toEqual([
      {
        startMs: FROM - 2 * HOUR,
        endMs: FROM + 1 * HOUR,
        durationMs: 3 * HOUR,
        countedMs: 1 * HOUR,
        cause: null,
        kind: 'unreachable',
        clippedStart: true,
        clippedEnd: false,
        inMaintenance: false,
        ongoing: false,
      },
      {
        startMs: TO - 1 * HOUR,
        endMs: TO + 5 * HOUR,
        durationMs: 6 * HOUR,
        countedMs: 1 * HOUR,
        cause: null,
        kind: null,
        clippedStart: false,
        clippedEnd: true,
        inMaintenance: false,
        ongoing: true,
      },
    ]);
  });

  it.each([
    ['absent', undefined, false],
    ['false', false, false],
    ['true', true, true],
  ] as const)('ongoing copies the open flag when it is %s', (_label, open, ongoing) => {
    const outage: DownInterval = { ...h(10, 11), ...(open !== undefined ? { open } : {}) };
    expect(run([outage]).outages[0]!.ongoing).toBe(ongoing);
  });

  it('unknown time lowers coverage, widens the bounds, and the part of an outage without data is unknown, not down', () => {
    // 12 hours unknown, one of them during a 3-hour outage: down needs evidence, so 2 hours
    // down, 12 unknown, 706 up.
    const result = run([h(200, 203)], [], [h(202, 214)]);
    expect(result.downMs).toBe(2 * HOUR);
    expect(result.unknownMs).toBe(12 * HOUR);
    expect(result.upMs).toBe(706 * HOUR);
    expect(result.n).toBe(1);
    expect(result.outages[0]!.countedMs).toBe(2 * HOUR);
    expect(result.availabilityPct).toBeCloseTo((100 * 706) / 708, 10);
    expect(result.coveragePct).toBeCloseTo(100 * (1 - 12 / 720), 10);
    expect(result.coverageFlag).toBe(true);
    expect(result.bounds.unknownAsDownPct).toBeCloseTo((100 * 706) / 720, 10);
    expect(result.bounds.unknownAsUpPct).toBeCloseTo((100 * 718) / 720, 10);
    expect(result.rawAvailabilityPct).toBeCloseTo((100 * 706) / 708, 10);
  });

  it('does not count an open outage while the collector wrote nothing', () => {
    const result = run([{ ...h(100, 720), open: true } as DownInterval], [], [h(101, 720)]);
    expect(result.downMs).toBe(1 * HOUR);
    expect(result.outages[0]).toMatchObject({ countedMs: HOUR, ongoing: true, inMaintenance: false });
  });

  it.each([
    // label, unknown hours, minCoveragePct, flag
    ['6 hours unknown: 99.17 % ≥ 99', 6, undefined, false],
    ['7.2 hours unknown: exactly 99 % is not under 99', 7.2, undefined, false],
    ['8 hours unknown: 98.9 % < 99', 8, undefined, true],
    ['12 hours unknown, threshold 98', 12, 98, false],
    ['1 hour unknown, threshold 99.9', 1, 99.9, true],
  ] as const)('coverage flag: %s', (_label, unknownHours, minCoveragePct, flag) => {
    const result = run([], [], [h(0, unknownHours)], minCoveragePct);
    expect(result.coveragePct).toBeCloseTo(100 * (1 - unknownHours / 720), 10);
    expect(result.coverageFlag).toBe(flag);
    expect(result.availabilityPct).toBe(100);
  });

  it('unknown time inside maintenance is maintenance, not unknown', () => {
    const result = run([], [h(10, 14)], [h(12, 16)]);
    expect(result.maintenanceMs).toBe(4 * HOUR);
    expect(result.unknownMs).toBe(2 * HOUR);
    expect(result.upMs).toBe(714 * HOUR);
  });

  it('everything unknown has no figure and no coverage', () => {
    const result = run([], [], [{ startMs: FROM - DAY, endMs: TO + DAY }]);
    expect(result.availabilityPct).toBeNull();
    expect(result.rawAvailabilityPct).toBeNull();
    expect(result.coveragePct).toBe(0);
    expect(result.coverageFlag).toBe(true);
    expect(result.unknownMs).toBe(PERIOD_MS);
    expect(result.upMs).toBe(0);
    expect(result.bounds).toEqual({ unknownAsDownPct: 0, unknownAsUpPct: 100 });
  });

  it('overlapping outage records are not double counted', () => {
    const result = run([
      { ...h(10, 13), kind: 'outage' },
      { ...h(11, 14), kind: 'unreachable' },
    ]);
    expect(result.downMs).toBe(4 * HOUR);
    expect(result.upMs).toBe(716 * HOUR);
    expect(result.availabilityPct).toBeCloseTo((100 * 716) / 720, 10);
    expect(result.rawAvailabilityPct).toBeCloseTo((100 * 716) / 720, 10);
    expect(result.outages.map((o) => o.countedMs)).toEqual([3 * HOUR, 3 * HOUR]);
  });

  it('lists outages in time order and drops empty ones', () => {
    const result = run([h(30, 31), h(5, 5), h(10, 12)]);
    expect(result.outages.map((o) => o.startMs)).toEqual([BASE + 10 * HOUR, BASE + 30 * HOUR]);
    expect(result.downMs).toBe(3 * HOUR);
  });

  it('every class adds up to the period', () => {
    const result = run([h(10, 20), h(50, 51)], [h(15, 25)], [h(18, 30), h(700, 800)]);
    expect(result.upMs + result.downMs + result.maintenanceMs + result.unknownMs).toBe(PERIOD_MS);
    expect(result.maintenanceMs).toBe(10 * HOUR);
    expect(result.downMs).toBe(6 * HOUR); // 10–15 and 50–51
    expect(result.unknownMs).toBe(25 * HOUR); // 25–30 and 700–720
  });
});

describe('siteIntervals', () => {
  const period = h(0, 10);
  const siteDown = (i: Interval): DownInterval => ({ ...i, cause: 'site-dark', kind: 'outage' });

  it.each<[string, LinkIntervals[], DownInterval[], Interval[]]>([
    ['one link: its downtime, clipped, and its unknown time', [{ down: [h(-2, 1), h(4, 5)], unknown: [h(7, 12)] }], [siteDown(h(0, 1)), siteDown(h(4, 5))], [h(7, 10)]],
    ['two links down together: down only while both are', [{ down: [h(1, 5)], unknown: [] }, { down: [h(3, 7)], unknown: [] }], [siteDown(h(3, 5))], []],
    ['one link down, the other up: up', [{ down: [h(1, 5)], unknown: [] }, { down: [], unknown: [] }], [], []],
    ['one link down, the other without data: unknown', [{ down: [h(2, 6)], unknown: [] }, { down: [], unknown: [h(2, 6)] }], [], [h(2, 6)]],
    ['both links without data: unknown', [{ down: [], unknown: [h(1, 3)] }, { down: [], unknown: [h(2, 4)] }], [], [h(2, 3)]],
    ['one without data, the other up: up', [{ down: [], unknown: [h(0, 10)] }, { down: [], unknown: [] }], [], []],
    [
      'three links, mixed',
      [
        { down: [h(1, 6)], unknown: [] },
        { down: [h(2, 8)], unknown: [] },
        { down: [h(4, 5)], unknown: [h(5, 9)] },
      ],
      [siteDown(h(4, 5))],
      [h(5, 6)],
    ],
  ])('%s', (_label, links, down, unknown) => {
    expect(siteIntervals(links, period)).toEqual({ down, unknown });
  });

  it('calls a spell upstream when every link outage in it was unreachable, and ongoing when one is still open at the end', () => {
    const cut = siteIntervals(
      [
        { down: [{ ...h(2, 10), kind: 'unreachable', open: true }], unknown: [] },
        { down: [{ ...h(1, 10), kind: 'unreachable' }], unknown: [] },
      ],
      period,
    );
    expect(cut.down).toEqual([{ ...h(2, 10), cause: 'upstream', kind: 'unreachable', open: true }]);
    const own = siteIntervals([{ down: [{ ...h(2, 4), kind: 'outage' }], unknown: [] }, { down: [{ ...h(1, 5), kind: 'unreachable' }], unknown: [] }], period);
    expect(own.down).toEqual([siteDown(h(2, 4))]);
  });

  it('a site without links is unknown for the whole period', () => {
    expect(siteIntervals([], period)).toEqual({ down: [], unknown: [period] });
  });
});

describe('selectorCovers', () => {
  const link: CoveredSubject = { kind: 'link', id: 'l1', site: 'hq', groups: ['north', 'core'] };
  const device: CoveredSubject = { kind: 'device', id: 'l1', site: 'hq', groups: ['north'] };
  const site: CoveredSubject = { kind: 'site', id: 'hq', site: 'hq', groups: ['north'] };

  it.each<[string, EntitySelector, CoveredSubject, boolean]>([
    ['empty selector covers a link', {}, link, true],
    ['empty selector covers a device', {}, device, true],
    ['empty selector covers a site', {}, site, true],
    ['selector of empty lists covers everything', { sites: [], groups: [], links: [], devices: [] }, device, true],
    ['site selector covers the site', { sites: ['hq'] }, site, true],
    ['site selector covers a link at the site', { sites: ['hq'] }, link, true],
    ['site selector covers a device at the site', { sites: ['hq'] }, device, true],
    ['other site selector covers nothing here', { sites: ['branch'] }, link, false],
    ['group selector covers a link in the group', { groups: ['core'] }, link, true],
    ['group selector covers the site in the group', { groups: ['north'] }, site, true],
    ['group selector of another group', { groups: ['south'] }, device, false],
    ['link selector covers that link', { links: ['l1'] }, link, true],
    ['link selector does not cover another link', { links: ['l2'] }, link, false],
    ['link selector does not cover a device with the same id', { links: ['l1'] }, device, false],
    ['link selector does not cover the site', { links: ['l1'] }, site, false],
    ['device selector covers that device', { devices: ['l1'] }, device, true],
    ['device selector does not cover a link with the same id', { devices: ['l1'] }, link, false],
    ['lists are alternatives: one matching list is enough', { sites: ['branch'], links: ['l1'] }, link, true],
  ])('%s', (_label, selector, subject, covered) => {
    expect(selectorCovers(selector, subject)).toBe(covered);
  });
});

describe('maintenanceIntervals', () => {
  const subject: CoveredSubject = { kind: 'link', id: 'l1', site: 'hq', groups: [] };
  const window = (extra: Partial<MaintenanceWindow>): MaintenanceWindow => ({ id: 'w', source: 'store', match: { sites: ['hq'] }, ...extra });
  const range = h(0, 10);

  it.each<[string, MaintenanceWindow[], Interval[]]>([
    ['no windows', [], []],
    ['one-off inside the range', [window({ ...h(2, 4) })], [h(2, 4)]],
    ['one-off clipped to the range', [window({ ...h(-3, 2) }), window({ id: 'w2', ...h(8, 15) })], [h(0, 2), h(8, 10)]],
    ['one-off outside the range', [window({ ...h(12, 15) })], []],
    ['ended early', [window({ ...h(1, 6), endedMs: BASE + 3 * HOUR })], [h(1, 3)]],
    ['cancelled before it began', [window({ ...h(5, 8), endedMs: BASE + 2 * HOUR })], []],
    ['ended after its end changes nothing', [window({ ...h(1, 3), endedMs: BASE + 5 * HOUR })], [h(1, 3)]],
    ['overlapping windows merged', [window({ ...h(1, 4) }), window({ id: 'w2', ...h(3, 6) })], [h(1, 6)]],
    ['a window not covering the subject gives nothing', [window({ ...h(1, 4), match: { sites: ['branch'] } })], []],
    ['a device window does not cover a link with the same id', [window({ ...h(1, 4), match: { devices: ['l1'] } })], []],
    ['a one-off without an end is never in force', [window({ startMs: BASE + HOUR })], []],
  ])('%s', (_label, windows, expected) => {
    expect(maintenanceIntervals(windows, subject, range, ZONE)).toEqual(expected);
  });

  // Monday 2 November 2026 00:00 local = Sunday 1 November 17:00 UTC; a week to the next Monday.
  const week: Interval = { startMs: Date.UTC(2026, 10, 1, 17), endMs: Date.UTC(2026, 10, 8, 17) };
  const saturdayNight = window({ every: { days: ['sat'], from: '22:00', to: '02:00' } });

  it('a recurring Saturday-night window runs from Saturday 22:00 local past midnight to Sunday 02:00', () => {
    // Saturday 7 November 22:00 local = 15:00 UTC; Sunday 8 November 02:00 local = Saturday 19:00 UTC.
    expect(maintenanceIntervals([saturdayNight], subject, week, ZONE)).toEqual([{ startMs: Date.UTC(2026, 10, 7, 15), endMs: Date.UTC(2026, 10, 7, 19) }]);
  });

  it('a range starting on Sunday midnight still gets the end of Saturday night', () => {
    const sunday: Interval = { startMs: Date.UTC(2026, 10, 7, 17), endMs: Date.UTC(2026, 10, 8, 17) };
    expect(maintenanceIntervals([saturdayNight], subject, sunday, ZONE)).toEqual([{ startMs: Date.UTC(2026, 10, 7, 17), endMs: Date.UTC(2026, 10, 7, 19) }]);
  });

  it('a daily recurring window gives one interval a day', () => {
    const daily = window({ every: { from: '01:00', to: '03:00' } });
    const found = maintenanceIntervals([daily], subject, week, ZONE);
    expect(found).toHaveLength(7);
    // 01:00 local = 18:00 UTC the day before.
    expect(found[0]!).toEqual({ startMs: Date.UTC(2026, 10, 1, 18), endMs: Date.UTC(2026, 10, 1, 20) });
    expect(found[6]!).toEqual({ startMs: Date.UTC(2026, 10, 7, 18), endMs: Date.UTC(2026, 10, 7, 20) });
  });

  it('a recurring window ended early stops at endedMs', () => {
    const ended = window({ every: { days: ['sat'], from: '22:00', to: '02:00' }, endedMs: Date.UTC(2026, 10, 7, 16) });
    expect(maintenanceIntervals([ended], subject, week, ZONE)).toEqual([{ startMs: Date.UTC(2026, 10, 7, 15), endMs: Date.UTC(2026, 10, 7, 16) }]);
  });

  it('a recurring window not covering the subject gives nothing', () => {
    expect(maintenanceIntervals([{ ...saturdayNight, match: { links: ['l2'] } }], subject, week, ZONE)).toEqual([]);
  });
});

describe('monthPeriod', () => {
  it.each([
    // label, year, month, start, end, days
    ['February 2028 (leap year)', 2028, 2, Date.UTC(2028, 0, 31, 17), Date.UTC(2028, 1, 29, 17), 29],
    ['February 2027', 2027, 2, Date.UTC(2027, 0, 31, 17), Date.UTC(2027, 1, 28, 17), 28],
    ['December 2027 rolls into the next year', 2027, 12, Date.UTC(2027, 10, 30, 17), Date.UTC(2027, 11, 31, 17), 31],
    ['January 2028', 2028, 1, Date.UTC(2027, 11, 31, 17), Date.UTC(2028, 0, 31, 17), 31],
    ['November 2026', 2026, 11, Date.UTC(2026, 9, 31, 17), Date.UTC(2026, 10, 30, 17), 30],
  ] as const)('%s', (_label, year, month, startMs, endMs, days) => {
    const period = monthPeriod(year, month, ZONE);
    expect(period).toEqual({ startMs, endMs });
    expect((period.endMs - period.startMs) / DAY).toBe(days);
  });

  it('in UTC a month starts at midnight UTC', () => {
    expect(monthPeriod(2028, 2, 'UTC')).toEqual({ startMs: Date.UTC(2028, 1, 1), endMs: Date.UTC(2028, 2, 1) });
  });
});

describe('unknownFromStates', () => {
  const period = h(0, 10);
  const at = (hours: number, state: string): RecordedState => ({ atMs: BASE + hours * HOUR, state });

  it.each<[string, RecordedState | undefined, RecordedState[], Interval[]]>([
    ['nothing recorded: the whole period', undefined, [], [h(0, 10)]],
    ['nothing recorded in the period, changes only outside it', undefined, [at(-3, 'up'), at(12, 'down')], [h(0, 10)]],
    ['known initial, no changes', at(-5, 'up'), [], []],
    ['known initial, known changes', at(-5, 'up'), [at(2, 'down'), at(4, 'up')], []],
    ['no initial, first record mid-period: unknown before it', undefined, [at(3, 'up')], [h(0, 3)]],
    ['no initial, first record unknown: unknown on until the next change', undefined, [at(3, 'unknown'), at(5, 'up')], [h(0, 5)]],
    ['an unknown state mid-period until the next change', at(-1, 'up'), [at(2, 'unknown'), at(6, 'down')], [h(2, 6)]],
    ['an unknown state to the end of the period', at(-1, 'up'), [at(7, 'unknown')], [h(7, 10)]],
    ['an unknown initial until the first change', at(-1, 'unknown'), [at(4, 'up')], [h(0, 4)]],
    ['an unknown initial with no changes: the whole period', at(-1, 'unknown'), [], [h(0, 10)]],
    ['unknown repeated: merged', at(-1, 'unknown'), [at(2, 'unknown'), at(5, 'up')], [h(0, 5)]],
    ['changes outside the period ignored', at(-1, 'up'), [at(-0.5, 'unknown'), at(10, 'unknown'), at(11, 'unknown')], []],
    ['unsorted changes', at(-1, 'up'), [at(8, 'up'), at(2, 'unknown'), at(5, 'down'), at(6, 'unknown')], [h(2, 5), h(6, 8)]],
  ])('%s', (_label, initial, changes, expected) => {
    expect(unknownFromStates(initial, changes, period)).toEqual(expected);
  });
});

describe('gapsFromBuckets', () => {
  const STEP = 5 * MIN;
  const buckets = (...minutes: number[]) => minutes.map((minute) => BASE + minute * MIN);

  it.each<[string, number[], Interval, number | undefined, Interval[]]>([
    ['all buckets present', buckets(0, 5, 10, 15, 20, 25), m(0, 30), undefined, []],
    ['nothing present: one gap', [], m(0, 30), undefined, [m(0, 30)]],
    ['one bucket missing', buckets(0, 5, 15, 20, 25), m(0, 30), undefined, [m(10, 15)]],
    ['adjacent missing buckets merged', buckets(0, 20, 25), m(0, 30), undefined, [m(5, 20)]],
    ['separate gaps', buckets(5, 10, 20), m(0, 30), undefined, [m(0, 5), m(15, 20), m(25, 30)]],
    ['period starting mid-bucket: first gap cut at the start', buckets(5, 10), m(2, 15), undefined, [m(2, 5)]],
    ['period starting mid-bucket with that bucket present', buckets(0, 10), m(2, 15), undefined, [m(5, 10)]],
    ['period ending mid-bucket: last gap cut at the end', buckets(0, 5), m(0, 13), undefined, [m(10, 13)]],
    ['nothing after checkedUntilMs is a gap', buckets(0), m(0, 30), BASE + 20 * MIN, [m(5, 20)]],
    ['checkedUntilMs mid-bucket', buckets(0, 5), m(0, 30), BASE + 17 * MIN, [m(10, 17)]],
    ['checkedUntilMs past the period end changes nothing', buckets(0, 5, 10), m(0, 20), BASE + 60 * MIN, [m(15, 20)]],
    ['checkedUntilMs before the period: no gaps', [], m(0, 30), BASE - MIN, []],
    ['present buckets outside the period ignored', buckets(-5, 30, 35), m(0, 10), undefined, [m(0, 10)]],
  ])('%s', (_label, present, period, checkedUntilMs, expected) => {
    expect(gapsFromBuckets(present, STEP, period, checkedUntilMs)).toEqual(expected);
  });

  it('takes any iterable of bucket starts', () => {
    expect(gapsFromBuckets(new Set(buckets(0, 10)), STEP, m(0, 15))).toEqual([m(5, 10)]);
  });
});

describe('localDays', () => {
  // 1 February 2028 00:00 local = 31 January 17:00 UTC.
  const day = (d: number) => Date.UTC(2028, 0, 31 + d, 17);

  it.each<[string, Interval, Interval[]]>([
    [
      'three days from local midnight',
      { startMs: day(0), endMs: day(3) },
      [
        { startMs: day(0), endMs: day(1) },
        { startMs: day(1), endMs: day(2) },
        { startMs: day(2), endMs: day(3) },
      ],
    ],
    [
      'starting mid-day: the first day cut at the start',
      { startMs: Date.UTC(2028, 1, 1, 5), endMs: day(3) },
      [
        { startMs: Date.UTC(2028, 1, 1, 5), endMs: day(1) },
        { startMs: day(1), endMs: day(2) },
        { startMs: day(2), endMs: day(3) },
      ],
    ],
    [
      'ending mid-day: the last day cut at the end',
      { startMs: day(0), endMs: Date.UTC(2028, 1, 3, 5) },
      [
        { startMs: day(0), endMs: day(1) },
        { startMs: day(1), endMs: day(2) },
        { startMs: day(2), endMs: Date.UTC(2028, 1, 3, 5) },
      ],
    ],
    ['within one local day', { startMs: Date.UTC(2028, 1, 1, 1), endMs: Date.UTC(2028, 1, 1, 9) }, [{ startMs: Date.UTC(2028, 1, 1, 1), endMs: Date.UTC(2028, 1, 1, 9) }]],
    [
      'across the leap day',
      { startMs: Date.UTC(2028, 1, 27, 17), endMs: Date.UTC(2028, 2, 1, 17) },
      [
        { startMs: Date.UTC(2028, 1, 27, 17), endMs: Date.UTC(2028, 1, 28, 17) },
        { startMs: Date.UTC(2028, 1, 28, 17), endMs: Date.UTC(2028, 1, 29, 17) },
        { startMs: Date.UTC(2028, 1, 29, 17), endMs: Date.UTC(2028, 2, 1, 17) },
      ],
    ],
    ['an empty period has no days', { startMs: day(1), endMs: day(1) }, []],
  ])('%s', (_label, period, expected) => {
    expect(localDays(period, ZONE)).toEqual(expected);
  });

  it('a month gives its number of days', () => {
    expect(localDays(monthPeriod(2028, 2, ZONE), ZONE)).toHaveLength(29);
  });
});
