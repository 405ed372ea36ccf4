import { describe, expect, it } from 'vitest';
import { parsePeriod, previousMonth } from '../../../model/report-period.ts';

const ZONE = 'Asia/Ho_Chi_Minh';
const local = (iso: string) => Date.parse(`${iso}T00:00:00+07:00`);

describe('parsePeriod', () => {
  it.each([
    ['2026-10', 'month', '2026-10', '2026-10-01', '2026-10-31', '2026-11-01'],
    ['2026-12', 'month', '2026-12', '2026-12-01', '2026-12-31', '2027-01-01'],
    ['2028-02', 'month', '2028-02', '2028-02-01', '2028-02-29', '2028-03-01'],
    ['2026-q4', 'quarter', '2026-Q4', '2026-10-01', '2026-12-31', '2027-01-01'],
    ['2026-Q1', 'quarter', '2026-Q1', '2026-01-01', '2026-03-31', '2026-04-01'],
    ['2026-Q2', 'quarter', '2026-Q2', '2026-04-01', '2026-06-30', '2026-07-01'],
    ['2026', 'year', '2026', '2026-01-01', '2026-12-31', '2027-01-01'],
    [' 2026-10-01..2026-10-15 ', 'custom', '2026-10-01..2026-10-15', '2026-10-01', '2026-10-15', '2026-10-16'],
    ['2026-10-31..2026-10-31', 'custom', '2026-10-31..2026-10-31', '2026-10-31', '2026-10-31', '2026-11-01'],
  ])('%s is a %s from local midnight, the end excluded', (text, kind, label, firstDay, lastDay, after) => {
    const result = parsePeriod(text, ZONE);
    expect(result).toEqual({ ok: true, period: { kind, label, firstDay, lastDay, startMs: local(firstDay), endMs: local(after), timeZone: ZONE } });
  });

  it.each([
    ['2026-13', 'month 13 does not exist'],
    ['2026-Q5', 'must be a month'],
    ['october', 'must be a month (2026-10)'],
    ['2026-02-30..2026-03-01', '"2026-02-30" is not a day'],
    ['2026-10-15..2026-10-01', 'the last day is before the first'],
    ['', 'must be'],
  ])('refuses %j, saying %s', (text, message) => {
    const result = parsePeriod(text, ZONE);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toContain(message);
  });

  it('knows the month before, in the district zone', () => {
    expect(previousMonth(Date.parse('2026-11-01T00:30:00+07:00'), ZONE)).toBe('2026-10');
    // 31 Oct 17:30 UTC is already 1 Nov in Hà Nội.
    expect(previousMonth(Date.parse('2026-10-31T17:30:00Z'), ZONE)).toBe('2026-10');
    expect(previousMonth(Date.parse('2027-01-01T08:00:00+07:00'), ZONE)).toBe('2026-12');
  });
});
