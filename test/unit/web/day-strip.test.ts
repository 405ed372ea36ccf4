import { describe, expect, it } from 'vitest';
import type { OutageInPeriod } from '../../../model/availability.ts';
import { dayCells, dayKind, dayTitle, gridMove, gridRows, outageCause, outageRows, type DayFigures } from '../../../web/lib/day-strip.ts';
import { createFormatter } from '../../../web/lib/format.ts';

const day = (over: Partial<DayFigures> = {}): DayFigures => ({ periodFromMs: Date.UTC(2026, 2, 6, 17), periodToMs: Date.UTC(2026, 2, 7, 17), availabilityPct: 100, coveragePct: 100, coverageFlag: false, downMs: 0, n: 0, ...over });
const words = { noData: 'Không có dữ liệu', coverage: 'dữ liệu' };

describe('day cells', () => {
  it.each([
    { figures: day(), kind: 'up' },
    { figures: day({ downMs: 1_000, n: 1, availabilityPct: 99 }), kind: 'down' },
    { figures: day({ coverageFlag: true, coveragePct: 40 }), kind: 'poor' },
    { figures: day({ availabilityPct: null, coveragePct: 0, coverageFlag: true }), kind: 'poor' },
    // Downtime wins over thin data.
    { figures: day({ coverageFlag: true, downMs: 60_000, n: 1 }), kind: 'down' },
  ])('a day is $kind', ({ figures, kind }) => {
    expect(dayKind(figures)).toBe(kind);
  });
  it('keeps the newest 90 days', () => {
    const days = Array.from({ length: 91 }, (_, i) => day({ periodFromMs: i }));
    const cells = dayCells(days);
    expect(cells).toHaveLength(90);
    expect(cells[0]!.startMs).toBe(1);
  });
  it('tells a day in words', () => {
    const format = createFormatter({ locale: 'vi' });
    const [cell] = dayCells([day({ availabilityPct: 99.31, n: 2, downMs: 595_000 })]);
    expect(dayTitle(cell!, format, words)).toBe('07/03/2026 · 99,31\u00a0% · 2 lần gián đoạn · 9 phút 55 giây');
    const [empty] = dayCells([day({ availabilityPct: null, coverageFlag: true, coveragePct: 0 })]);
    expect(dayTitle(empty!, format, words)).toBe('07/03/2026 · Không có dữ liệu · 0 lần gián đoạn');
    const [thin] = dayCells([day({ coverageFlag: true, coveragePct: 40 })]);
    expect(dayTitle(thin!, createFormatter({ locale: 'en' }), { noData: 'No data', coverage: 'data' })).toBe('07/03/2026 · 100.00\u00a0% · 0 outages · data 40.00\u00a0%');
  });
});

describe('grid keys', () => {
  const layout = { count: 90, columns: 30 };
  it.each([
    { from: 5, key: 'ArrowRight', to: 6 },
    { from: 5, key: 'ArrowLeft', to: 4 },
    { from: 0, key: 'ArrowLeft', to: 0 },
    { from: 89, key: 'ArrowRight', to: 89 },
    { from: 5, key: 'ArrowDown', to: 35 },
    { from: 65, key: 'ArrowDown', to: 89 },
    { from: 35, key: 'ArrowUp', to: 5 },
    { from: 5, key: 'ArrowUp', to: 0 },
    { from: 35, key: 'Home', to: 30 },
    { from: 35, key: 'End', to: 59 },
    { from: 35, key: 'PageUp', to: 0 },
    { from: 35, key: 'PageDown', to: 89 },
    { from: 35, key: 'a', to: undefined },
  ])('$key from $from goes to $to', ({ from, key, to }) => {
    expect(gridMove(from, key, layout)).toBe(to);
  });
  it('moves nowhere in an empty grid', () => {
    expect(gridMove(0, 'ArrowRight', { count: 0, columns: 30 })).toBeUndefined();
  });
  it('cuts cells into rows', () => {
    expect(gridRows([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
  });
});

describe('outages', () => {
  const outage = (over: Partial<OutageInPeriod>): OutageInPeriod => ({ startMs: 0, endMs: 60_000, durationMs: 60_000, countedMs: 60_000, cause: 'no-reply', kind: 'outage', clippedStart: false, clippedEnd: false, inMaintenance: false, ongoing: false, ...over });
  it.each([
    { given: { cause: 'no-reply', kind: 'outage' }, expected: { kind: 'own', code: 'no-reply' } },
    { given: { cause: 'upstream:core-vnpt', kind: 'unreachable' }, expected: { kind: 'upstream', of: { kind: 'link', id: 'core-vnpt' }, code: 'upstream:core-vnpt' } },
    { given: { cause: 'parent:huyen', kind: 'unreachable' }, expected: { kind: 'upstream', of: { kind: 'site', id: 'huyen' }, code: 'parent:huyen' } },
    { given: { cause: null, kind: 'unreachable' }, expected: { kind: 'upstream', of: undefined, code: null } },
  ])('cause $given.cause is $expected.kind', ({ given, expected }) => {
    expect(outageCause(given)).toEqual(expected);
  });
  it('lists newest first, an ongoing one without an end', () => {
    const rows = outageRows([outage({ startMs: 1 }), outage({ startMs: 5, ongoing: true, endMs: 9 })]);
    expect(rows.map((row) => [row.startMs, row.endMs])).toEqual([[5, undefined], [1, 60_000]]);
  });
});
