import { counted, justNow, label, type Locale } from './i18n.ts';

// Every number, date and duration the dashboard shows goes through one formatter per locale:
// dates dd/MM/yyyy HH:mm on a 24-hour clock in the district's time zone, numbers 1.234.567,89
// in Vietnamese (1,234,567.89 in English), percentages "99,95 %", rates in Mbps, RTT in ms.

export const DISTRICT_TIME_ZONE = 'Asia/Ho_Chi_Minh';
/** Between a number and its unit, so "99,95 %" never breaks across lines. */
const NBSP = '\u00a0';
const intlLocale: Record<Locale, string> = { vi: 'vi-VN', en: 'en-GB' };

export interface Formatter {
  locale: Locale;
  /** 07/03/2026 14:05 */
  dateTime(ms: number): string;
  /** 07/03/2026 */
  date(ms: number): string;
  /** 14:05 */
  time(ms: number): string;
  number(value: number, fractionDigits?: number): string;
  /** 99,95 % (two decimals unless told) */
  percent(value: number, fractionDigits?: number): string;
  /** bit/s as Mbps (Gbps from 1,000 Mbps, kbps under 1 Mbps): "12,3 Mbps" */
  bitRate(bps: number): string;
  /** "24,5 ms" */
  milliseconds(ms: number): string;
  /** The two largest units of a duration: "9 phút 55 giây", "2 giờ 5 phút", "45 giây". */
  duration(ms: number): string;
  /** How long ago, in words: "5 phút trước", "vừa xong" / "5 minutes ago", "now". */
  ago(ms: number, nowMs: number): string;
}

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const DURATION_UNITS = [
  ['day', DAY],
  ['hour', HOUR],
  ['minute', MINUTE],
  ['second', SECOND],
] as const;

export function createFormatter(options: { locale: Locale; timeZone?: string }): Formatter {
  const { locale } = options;
  const timeZone = options.timeZone ?? DISTRICT_TIME_ZONE;
  const tag = intlLocale[locale];
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  const fields = (ms: number) => Object.fromEntries(parts.formatToParts(ms).map((part) => [part.type, part.value])) as Record<Intl.DateTimeFormatPartTypes, string>;
  const numbers = new Map<number, Intl.NumberFormat>();
  const numberFormat = (digits: number) => {
    let format = numbers.get(digits);
    if (!format) numbers.set(digits, (format = new Intl.NumberFormat(tag, { minimumFractionDigits: digits, maximumFractionDigits: digits })));
    return format;
  };
  const relative = new Intl.RelativeTimeFormat(tag, { numeric: 'always' });
  const number = (value: number, fractionDigits = 0) => numberFormat(fractionDigits).format(value);
  /** Three significant figures, no trailing zeros: 12,3 · 1,5 · 640. */
  const significant = new Intl.NumberFormat(tag, { maximumSignificantDigits: 3 });
  const figure = (value: number) => significant.format(value);

  return {
    locale,
    dateTime(ms) {
      const f = fields(ms);
      return `${f.day}/${f.month}/${f.year} ${f.hour}:${f.minute}`;
    },
    date(ms) {
      const f = fields(ms);
      return `${f.day}/${f.month}/${f.year}`;
    },
    time(ms) {
      const f = fields(ms);
      return `${f.hour}:${f.minute}`;
    },
    number,
    percent: (value, fractionDigits = 2) => `${number(value, fractionDigits)}${NBSP}%`,
    bitRate(bps) {
      const mbps = bps / 1e6;
      // From 999,5 Mbps three figures would print "1.000 Mbps".
      if (mbps >= 999.5) return `${figure(mbps / 1_000)}${NBSP}Gbps`;
      if (mbps >= 0.9995 || bps === 0) return `${figure(mbps)}${NBSP}Mbps`;
      return `${figure(bps / 1_000)}${NBSP}kbps`;
    },
    milliseconds: (ms) => `${number(ms, ms >= 100 ? 0 : 1)}${NBSP}ms`,
    duration(ms) {
      let rest = Math.max(0, Math.round(ms / SECOND)) * SECOND;
      const counts = DURATION_UNITS.map(([unit, size]) => {
        const count = Math.floor(rest / size);
        rest -= count * size;
        return { unit, count };
      });
      const first = counts.findIndex((entry) => entry.count > 0);
      if (first === -1) return counted(0, 'second', locale);
      return counts
        .slice(first, first + 2)
        .filter((entry) => entry.count > 0)
        .map((entry) => counted(entry.count, entry.unit, locale))
        .join(' ');
    },
    ago(ms, nowMs) {
      const elapsed = Math.max(0, nowMs - ms);
      if (elapsed < 45 * SECOND) return label(justNow, locale);
      if (elapsed < HOUR) return relative.format(-Math.round(elapsed / MINUTE), 'minute');
      if (elapsed < DAY) return relative.format(-Math.round(elapsed / HOUR), 'hour');
      return relative.format(-Math.round(elapsed / DAY), 'day');
    },
  };
}
