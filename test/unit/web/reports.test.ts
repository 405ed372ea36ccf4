import { describe, expect, it } from 'vitest';
import { choiceLabel, customPeriod, defaultChoice, defaultCustomRange, districtToday, fillIn, periodChoices, periodLabel, reportUrl, type CustomPeriod } from '../../../web/lib/reports.ts';

// The Reports page's pure parts: the periods offered at an instant, in the district's calendar
// (not the machine's: these run in whatever zone the test host has), their names in both
// languages, the custom range's checks, and the download URLs.

const DECEMBER_7 = Date.parse('2026-12-07T10:00:00+07:00');
/** Already 2027 in Hà Nội, still 31 December 2026 in UTC. */
const NEW_YEAR_HANOI = Date.parse('2027-01-01T00:30:00+07:00');
const LAST_MINUTE_OF_2026 = Date.parse('2026-12-31T23:59:00+07:00');

const periods = (nowMs: number, timeZone?: string) => {
  const choices = periodChoices(nowMs, timeZone);
  return {
    month: choices.month.map((choice) => `${choice.period}${choice.partial ? '*' : ''}`),
    quarter: choices.quarter.map((choice) => `${choice.period}${choice.partial ? '*' : ''}`),
    year: choices.year.map((choice) => `${choice.period}${choice.partial ? '*' : ''}`),
  };
};

describe('periodChoices (* marks the partial, current period)', () => {
  it.each([
    [
      '7 December 2026',
      DECEMBER_7,
      undefined,
      {
        month: ['2026-12*', '2026-11', '2026-10', '2026-09', '2026-08', '2026-07', '2026-06', '2026-05', '2026-04', '2026-03', '2026-02', '2026-01', '2025-12'],
        quarter: ['2026-Q4*', '2026-Q3', '2026-Q2', '2026-Q1', '2025-Q4'],
        year: ['2026*', '2025', '2024'],
      },
    ],
    [
      '00:30 on 1 January 2027 in Hà Nội',
      NEW_YEAR_HANOI,
      undefined,
      {
        month: ['2027-01*', '2026-12', '2026-11', '2026-10', '2026-09', '2026-08', '2026-07', '2026-06', '2026-05', '2026-04', '2026-03', '2026-02', '2026-01'],
        quarter: ['2027-Q1*', '2026-Q4', '2026-Q3', '2026-Q2', '2026-Q1'],
        year: ['2027*', '2026', '2025'],
      },
    ],
    [
      'the same instant in UTC, still 2026',
      NEW_YEAR_HANOI,
      'UTC',
      {
        month: ['2026-12*', '2026-11', '2026-10', '2026-09', '2026-08', '2026-07', '2026-06', '2026-05', '2026-04', '2026-03', '2026-02', '2026-01', '2025-12'],
        quarter: ['2026-Q4*', '2026-Q3', '2026-Q2', '2026-Q1', '2025-Q4'],
        year: ['2026*', '2025', '2024'],
      },
    ],
    [
      '23:59 on 31 December 2026 in Hà Nội',
      LAST_MINUTE_OF_2026,
      undefined,
      {
        month: ['2026-12*', '2026-11', '2026-10', '2026-09', '2026-08', '2026-07', '2026-06', '2026-05', '2026-04', '2026-03', '2026-02', '2026-01', '2025-12'],
        quarter: ['2026-Q4*', '2026-Q3', '2026-Q2', '2026-Q1', '2025-Q4'],
        year: ['2026*', '2025', '2024'],
      },
    ],
  ])('at %s', (_, nowMs, timeZone, expected) => {
    expect(periods(nowMs, timeZone)).toEqual(expected);
  });

  it.each([
    [DECEMBER_7, { month: '2026-11', quarter: '2026-Q3', year: '2025' }],
    [NEW_YEAR_HANOI, { month: '2026-12', quarter: '2026-Q4', year: '2026' }],
  ])('selects the newest complete period first (at %i)', (nowMs, expected) => {
    const choices = periodChoices(nowMs);
    expect({ month: defaultChoice(choices.month)?.period, quarter: defaultChoice(choices.quarter)?.period, year: defaultChoice(choices.year)?.period }).toEqual(expected);
  });

  it('falls back to the only choice, or none', () => {
    expect(defaultChoice([{ kind: 'month', period: '2026-12', partial: true }])?.period).toBe('2026-12');
    expect(defaultChoice([])).toBeUndefined();
  });
});

describe('period labels', () => {
  it.each([
    ['2026-10', 'Tháng 10/2026', 'October 2026'],
    ['2027-01', 'Tháng 1/2027', 'January 2027'],
    ['2026-Q4', 'Quý 4/2026', 'Q4 2026'],
    ['2026', 'Năm 2026', '2026'],
    ['2026-10-01..2026-10-15', 'Từ 01/10/2026 đến 15/10/2026', '01/10/2026 to 15/10/2026'],
    ['2026-13', '2026-13', '2026-13'],
    ['last week', 'last week', 'last week'],
  ])('%s is "%s" / "%s"', (period, vi, en) => {
    expect(periodLabel(period, 'vi')).toBe(vi);
    expect(periodLabel(period, 'en')).toBe(en);
  });

  it('marks the current period as not over', () => {
    const [current, previous] = periodChoices(DECEMBER_7).month;
    expect(choiceLabel(current!, 'vi')).toBe('Tháng 12/2026 (chưa hết kỳ)');
    expect(choiceLabel(current!, 'en')).toBe('December 2026 (not over yet)');
    expect(choiceLabel(previous!, 'vi')).toBe('Tháng 11/2026');
  });

  it('fills the holes it has values for and leaves the others visible', () => {
    expect(fillIn('{a} và {b}', { a: 1 })).toBe('1 và {b}');
  });
});

describe('customPeriod', () => {
  it.each<[string, string, number, string | undefined, CustomPeriod]>([
    ['2026-10-01', '2026-10-15', DECEMBER_7, undefined, { ok: true, period: '2026-10-01..2026-10-15' }],
    ['2026-10-01', '2026-10-01', DECEMBER_7, undefined, { ok: true, period: '2026-10-01..2026-10-01' }],
    [' 2026-10-01 ', '2026-10-02', DECEMBER_7, undefined, { ok: true, period: '2026-10-01..2026-10-02' }],
    // The last day may run past today: the report is then partial, as the API makes it.
    ['2026-12-07', '2026-12-31', DECEMBER_7, undefined, { ok: true, period: '2026-12-07..2026-12-31' }],
    ['', '2026-10-15', DECEMBER_7, undefined, { ok: false, reason: 'missing' }],
    ['2026-10-01', '', DECEMBER_7, undefined, { ok: false, reason: 'missing' }],
    ['2026-02-30', '2026-03-01', DECEMBER_7, undefined, { ok: false, reason: 'invalid' }],
    ['1/10/2026', '2026-10-15', DECEMBER_7, undefined, { ok: false, reason: 'invalid' }],
    ['2026-10-15', '2026-10-01', DECEMBER_7, undefined, { ok: false, reason: 'reversed' }],
    ['2026-12-08', '2026-12-09', DECEMBER_7, undefined, { ok: false, reason: 'not-begun' }],
    // 1 January has begun in Hà Nội at 00:30, not yet in UTC.
    ['2027-01-01', '2027-01-01', NEW_YEAR_HANOI, undefined, { ok: true, period: '2027-01-01..2027-01-01' }],
    ['2027-01-01', '2027-01-01', NEW_YEAR_HANOI, 'UTC', { ok: false, reason: 'not-begun' }],
  ])('%s..%s at %i (%s) → %o', (firstDay, lastDay, nowMs, timeZone, expected) => {
    expect(customPeriod({ firstDay, lastDay }, nowMs, timeZone)).toEqual(expected);
  });

  it.each([
    [DECEMBER_7, '2026-12-07', { firstDay: '2026-12-01', lastDay: '2026-12-07' }],
    [NEW_YEAR_HANOI, '2027-01-01', { firstDay: '2027-01-01', lastDay: '2027-01-01' }],
  ])('today and the range offered first, at %i', (nowMs, today, range) => {
    expect(districtToday(nowMs)).toBe(today);
    expect(defaultCustomRange(nowMs)).toEqual(range);
    expect(customPeriod(range, nowMs).ok).toBe(true);
  });
});

describe('reportUrl', () => {
  it.each([
    [{ period: '2026-10', format: 'csv', lang: 'vi' }, '/api/v1/reports?period=2026-10&format=csv&lang=vi'],
    [{ period: '2026-Q4', format: 'pdf', lang: 'en' }, '/api/v1/reports?period=2026-Q4&format=pdf&lang=en'],
    [{ period: '2026', format: 'html', lang: 'vi' }, '/api/v1/reports?period=2026&format=html&lang=vi'],
    [{ period: '2026-10-01..2026-10-15', format: 'json', lang: 'en' }, '/api/v1/reports?period=2026-10-01..2026-10-15&format=json&lang=en'],
  ] as const)('%o → %s', (request, url) => {
    expect(reportUrl(request)).toBe(url);
  });
});
