import { parseLocalDateTime } from '../config/time.ts';
import type { Interval } from './availability.ts';

// The period of a report, as typed after `--period` or `?period=`: calendar days in the
// district's zone, the first day included and the end excluded (issue 11 §3). Pure.

export type PeriodKind = 'month' | 'quarter' | 'year' | 'custom';

export interface ReportPeriod extends Interval {
  kind: PeriodKind;
  /** As typed, normalised: `2026-10`, `2026-Q4`, `2026`, `2026-10-01..2026-10-15`. */
  label: string;
  /** The first day and the last day included, `YYYY-MM-DD`, local. */
  firstDay: string;
  lastDay: string;
  timeZone: string;
}

export type PeriodResult = { ok: true; period: ReportPeriod } | { ok: false; message: string };

const pad = (n: number, width = 2) => String(n).padStart(width, '0');
const isoDay = (year: number, month: number, day: number) => `${pad(year, 4)}-${pad(month)}-${pad(day)}`;

/** The calendar day after `year-month-day` (month 1–12), by the proleptic Gregorian calendar. */
function nextDay(year: number, month: number, day: number): [number, number, number] {
  const next = new Date(Date.UTC(year, month - 1, day + 1));
  return [next.getUTCFullYear(), next.getUTCMonth() + 1, next.getUTCDate()];
}

function validDay(text: string): [number, number, number] | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!match) return undefined;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const check = new Date(Date.UTC(year, month - 1, day));
  return check.getUTCFullYear() === year && check.getUTCMonth() === month - 1 && check.getUTCDate() === day ? [year, month, day] : undefined;
}

const FORMS = 'a month (2026-10), a quarter (2026-Q4), a year (2026) or days (2026-10-01..2026-10-15, both included)';

/** Days `[first, afterLast)` as a period; `lastDay` is the day before `afterLast`. */
function between(kind: PeriodKind, label: string, first: [number, number, number], afterLast: [number, number, number], lastDay: string, timeZone: string): PeriodResult {
  const startMs = parseLocalDateTime(`${isoDay(...first)}T00:00`, timeZone);
  const endMs = parseLocalDateTime(`${isoDay(...afterLast)}T00:00`, timeZone);
  if (startMs === undefined || endMs === undefined || endMs <= startMs) return { ok: false, message: `period "${label}": not a range of days` };
  return { ok: true, period: { kind, label, startMs, endMs, firstDay: isoDay(...first), lastDay, timeZone } };
}

export function parsePeriod(text: string, timeZone: string): PeriodResult {
  const typed = text.trim();
  let match = /^(\d{4})-(\d{2})$/.exec(typed);
  if (match) {
    const [year, month] = [Number(match[1]), Number(match[2])];
    if (month < 1 || month > 12) return { ok: false, message: `period "${typed}": month ${match[2]} does not exist` };
    const after: [number, number, number] = month === 12 ? [year + 1, 1, 1] : [year, month + 1, 1];
    const last = new Date(Date.UTC(after[0], after[1] - 1, 0));
    return between('month', typed, [year, month, 1], after, isoDay(year, month, last.getUTCDate()), timeZone);
  }
  match = /^(\d{4})-[Qq]([1-4])$/.exec(typed);
  if (match) {
    const [year, quarter] = [Number(match[1]), Number(match[2])];
    const firstMonth = (quarter - 1) * 3 + 1;
    const after: [number, number, number] = quarter === 4 ? [year + 1, 1, 1] : [year, firstMonth + 3, 1];
    const last = new Date(Date.UTC(after[0], after[1] - 1, 0));
    return between('quarter', `${year}-Q${quarter}`, [year, firstMonth, 1], after, isoDay(year, firstMonth + 2, last.getUTCDate()), timeZone);
  }
  match = /^(\d{4})$/.exec(typed);
  if (match) {
    const year = Number(match[1]);
    return between('year', typed, [year, 1, 1], [year + 1, 1, 1], isoDay(year, 12, 31), timeZone);
  }
  match = /^(\S+)\.\.(\S+)$/.exec(typed);
  if (match) {
    const first = validDay(match[1]!);
    const last = validDay(match[2]!);
    if (!first) return { ok: false, message: `period "${typed}": "${match[1]}" is not a day YYYY-MM-DD` };
    if (!last) return { ok: false, message: `period "${typed}": "${match[2]}" is not a day YYYY-MM-DD` };
    if (isoDay(...last) < isoDay(...first)) return { ok: false, message: `period "${typed}": the last day is before the first` };
    return between('custom', typed, first, nextDay(...last), isoDay(...last), timeZone);
  }
  return { ok: false, message: `period "${typed}": must be ${FORMS}` };
}

/** The month before the one `nowMs` falls in, in `timeZone`: what a report scheduled on the
 * first of the month covers. */
export function previousMonth(nowMs: number, timeZone: string): string {
  const parts = Object.fromEntries(new Intl.DateTimeFormat('en-GB', { timeZone, year: 'numeric', month: '2-digit' }).formatToParts(nowMs).map((part) => [part.type, part.value]));
  const [year, month] = [Number(parts.year), Number(parts.month)];
  return month === 1 ? `${year - 1}-12` : `${year}-${pad(month - 1)}`;
}
