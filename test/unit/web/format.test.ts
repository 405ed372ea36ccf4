import { describe, expect, it } from 'vitest';
import { createFormatter } from '../../../web/lib/format.ts';

const vi = createFormatter({ locale: 'vi' });
const en = createFormatter({ locale: 'en' });
const nb = (text: string) => text.replace(/ /g, '\u00a0');
// 07/03/2026 14:05 in Asia/Ho_Chi_Minh (UTC+7, no daylight saving).
const T = Date.UTC(2026, 2, 7, 7, 5, 30);
const S = 1_000;
const MIN = 60 * S;
const HOUR = 60 * MIN;

describe('the formatter', () => {
  it.each([
    ['dateTime', T, '07/03/2026 14:05'],
    ['date', T, '07/03/2026'],
    ['time', T, '14:05'],
    // Midnight in the district is the previous UTC day.
    ['dateTime', Date.UTC(2026, 9, 31, 17, 0), '01/11/2026 00:00'],
    ['dateTime', Date.UTC(2026, 0, 1, 16, 59), '01/01/2026 23:59'],
  ] as const)('%s(%d) is %s in both locales, on a 24-hour clock in the district', (method, ms, expected) => {
    expect(vi[method](ms)).toBe(expected);
    expect(en[method](ms)).toBe(expected);
  });

  it('follows a time zone given instead', () => {
    expect(createFormatter({ locale: 'vi', timeZone: 'UTC' }).dateTime(T)).toBe('07/03/2026 07:05');
  });

  it.each([
    [1234567.89, 2, '1.234.567,89', '1,234,567.89'],
    [0, 0, '0', '0'],
    [-42.5, 1, '-42,5', '-42.5'],
  ])('number(%d, %d)', (value, digits, inVi, inEn) => {
    expect(vi.number(value, digits)).toBe(inVi);
    expect(en.number(value, digits)).toBe(inEn);
  });

  it.each([
    [99.95, undefined, '99,95 %'],
    [99.3125, undefined, '99,31 %'],
    [100, 0, '100 %'],
    [99.8955, 4, '99,8955 %'],
  ])('percent(%d) in Vietnamese is %s, the unit never on a line of its own', (value, digits, expected) => {
    expect(vi.percent(value, digits)).toBe(nb(expected));
  });

  it.each([
    [42_000_000, '42 Mbps', '42 Mbps'],
    [12_345_678, '12,3 Mbps', '12.3 Mbps'],
    [1_500_000, '1,5 Mbps', '1.5 Mbps'],
    [2_500_000_000, '2,5 Gbps', '2.5 Gbps'],
    [640_000, '640 kbps', '640 kbps'],
    [999_800_000, '1 Gbps', '1 Gbps'],
    [999_800, '1 Mbps', '1 Mbps'],
    [0, '0 Mbps', '0 Mbps'],
  ])('bitRate(%d)', (bps, inVi, inEn) => {
    expect(vi.bitRate(bps)).toBe(nb(inVi));
    expect(en.bitRate(bps)).toBe(nb(inEn));
  });

  it.each([
    [24.5, '24,5 ms'],
    [312.4, '312 ms'],
  ])('milliseconds(%d)', (ms, expected) => {
    expect(vi.milliseconds(ms)).toBe(nb(expected));
  });

  it.each([
    [9 * MIN + 55 * S, '9 phút 55 giây', '9 minutes 55 seconds'],
    [45 * S, '45 giây', '45 seconds'],
    [1 * MIN, '1 phút', '1 minute'],
    [2 * HOUR + 5 * MIN + 59 * S, '2 giờ 5 phút', '2 hours 5 minutes'],
    [2 * HOUR + 30 * S, '2 giờ', '2 hours'],
    [3 * 24 * HOUR + 4 * HOUR, '3 ngày 4 giờ', '3 days 4 hours'],
    [0, '0 giây', '0 seconds'],
    [400, '0 giây', '0 seconds'],
    [-5 * S, '0 giây', '0 seconds'],
  ])('duration(%d)', (ms, inVi, inEn) => {
    expect(vi.duration(ms)).toBe(inVi);
    expect(en.duration(ms)).toBe(inEn);
  });

  it.each([
    [10 * S, 'vừa xong', 'just now'],
    [5 * MIN, '5 phút trước', '5 minutes ago'],
    [90 * MIN, '2 giờ trước', '2 hours ago'],
    [3 * 24 * HOUR, '3 ngày trước', '3 days ago'],
    [-MIN, 'vừa xong', 'just now'],
  ])('ago(now − %d)', (elapsed, inVi, inEn) => {
    expect(vi.ago(T - elapsed, T)).toBe(inVi);
    expect(en.ago(T - elapsed, T)).toBe(inEn);
  });
});
