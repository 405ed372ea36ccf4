import type { ReportFormat } from '../../config/reports.ts';
import type { PeriodKind } from '../../model/report-period.ts';
import { DISTRICT_TIME_ZONE } from './format.ts';
import { label, type Locale, ui } from './i18n.ts';

// The Reports page's arithmetic, apart from the DOM: which periods it offers at a given instant,
// what they are called, whether a range of days typed in is one the API will answer, and the
// URL of each download. Calendar days are the district's (Asia/Ho_Chi_Minh, through Intl), never
// the machine's: a browser set to UTC must still offer December at 00:30 on 1 January in Hà Nội.

export type { PeriodKind };
/** The kinds offered as a list; `custom` is typed in as two days. */
export type ChoiceKind = Exclude<PeriodKind, 'custom'>;
export const choiceKinds = ['month', 'quarter', 'year'] as const satisfies readonly ChoiceKind[];

export interface PeriodChoice {
  kind: ChoiceKind;
  /** As the API's `period=` takes it: `2026-10`, `2026-Q4`, `2026`. */
  period: string;
  /** The period `nowMs` falls in: its figures run only up to now. */
  partial: boolean;
}

export type PeriodChoices = Record<ChoiceKind, PeriodChoice[]>;

/** Complete periods offered of each kind, after the current (partial) one. */
const COMPLETE_PERIODS: Record<ChoiceKind, number> = { month: 12, quarter: 4, year: 2 };

export const REPORTS_PATH = '/api/v1/reports';

/** Every format the page offers, in the order its links are shown: the print first. */
export const downloadFormats = ['pdf', 'csv', 'html', 'json'] as const satisfies readonly ReportFormat[];

const pad = (value: number, width = 2) => String(value).padStart(width, '0');

interface CalendarDay {
  year: number;
  month: number;
  day: number;
}

function calendarDay(nowMs: number, timeZone: string): CalendarDay {
  const parts = Object.fromEntries(new Intl.DateTimeFormat('en-GB', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(nowMs).map((part) => [part.type, part.value]));
  return { year: Number(parts.year), month: Number(parts.month), day: Number(parts.day) };
}

const isoDay = (day: CalendarDay) => `${pad(day.year, 4)}-${pad(day.month)}-${pad(day.day)}`;

/** Today in the district, `YYYY-MM-DD`: the latest day a date input should allow. */
export const districtToday = (nowMs: number, timeZone: string = DISTRICT_TIME_ZONE): string => isoDay(calendarDay(nowMs, timeZone));

/** The current period of each kind, newest first, then the complete ones before it. */
export function periodChoices(nowMs: number, timeZone: string = DISTRICT_TIME_ZONE): PeriodChoices {
  const today = calendarDay(nowMs, timeZone);
  // Periods counted from year 0, so that stepping back across a new year is a subtraction.
  const monthIndex = today.year * 12 + (today.month - 1);
  const quarterIndex = today.year * 4 + Math.floor((today.month - 1) / 3);
  const back = (count: number) => Array.from({ length: count + 1 }, (_, step) => step);
  return {
    month: back(COMPLETE_PERIODS.month).map((step) => {
      const index = monthIndex - step;
      return { kind: 'month', period: `${pad(Math.floor(index / 12), 4)}-${pad((index % 12) + 1)}`, partial: step === 0 };
    }),
    quarter: back(COMPLETE_PERIODS.quarter).map((step) => {
      const index = quarterIndex - step;
      return { kind: 'quarter', period: `${pad(Math.floor(index / 4), 4)}-Q${(index % 4) + 1}`, partial: step === 0 };
    }),
    year: back(COMPLETE_PERIODS.year).map((step) => ({ kind: 'year', period: pad(today.year - step, 4), partial: step === 0 })),
  };
}

/** What the page selects first: the newest complete period, the one an audit usually asks for. */
export const defaultChoice = (choices: readonly PeriodChoice[]): PeriodChoice | undefined => choices.find((choice) => !choice.partial) ?? choices[0];

/** The days a custom range starts with: this month so far. */
export function defaultCustomRange(nowMs: number, timeZone: string = DISTRICT_TIME_ZONE): { firstDay: string; lastDay: string } {
  const today = calendarDay(nowMs, timeZone);
  return { firstDay: isoDay({ ...today, day: 1 }), lastDay: isoDay(today) };
}

export type CustomRangeProblem = 'missing' | 'invalid' | 'reversed' | 'not-begun';
export type CustomPeriod = { ok: true; period: string } | { ok: false; reason: CustomRangeProblem };

const ISO_DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** `2026-02-30` matches the pattern but is no day; a browser without a date picker lets it through. */
function isCalendarDay(text: string): boolean {
  const match = ISO_DAY.exec(text);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const check = new Date(Date.UTC(year, month - 1, day));
  return check.getUTCFullYear() === year && check.getUTCMonth() === month - 1 && check.getUTCDate() === day;
}

/**
 * Two `<input type="date">` values as the API's `first..last` (both days included), or why not.
 * A range that begins after today is refused here because the API refuses it (400) anyway.
 */
export function customPeriod(range: { firstDay: string; lastDay: string }, nowMs: number, timeZone: string = DISTRICT_TIME_ZONE): CustomPeriod {
  const firstDay = range.firstDay.trim();
  const lastDay = range.lastDay.trim();
  if (firstDay === '' || lastDay === '') return { ok: false, reason: 'missing' };
  if (!isCalendarDay(firstDay) || !isCalendarDay(lastDay)) return { ok: false, reason: 'invalid' };
  // ISO days compare as strings.
  if (lastDay < firstDay) return { ok: false, reason: 'reversed' };
  if (firstDay > districtToday(nowMs, timeZone)) return { ok: false, reason: 'not-begun' };
  return { ok: true, period: `${firstDay}..${lastDay}` };
}

/** A template of i18n.ts with its `{name}` holes filled; a hole without a value stays visible. */
export const fillIn = (template: string, values: Readonly<Record<string, string | number>>): string =>
  template.replace(/\{(\w+)\}/g, (hole, name: string) => (name in values ? String(values[name]) : hole));

const monthNames = [
  ui.reports.month1,
  ui.reports.month2,
  ui.reports.month3,
  ui.reports.month4,
  ui.reports.month5,
  ui.reports.month6,
  ui.reports.month7,
  ui.reports.month8,
  ui.reports.month9,
  ui.reports.month10,
  ui.reports.month11,
  ui.reports.month12,
] as const;

/** `2026-10-05` as the district writes a day: `05/10/2026`. */
export const shownDay = (isoDayText: string): string => isoDayText.split('-').reverse().join('/');

/** A period as the API names it, in words: "Tháng 10/2026", "Q4 2026", "Từ 01/10/2026 đến
 * 15/10/2026"; anything else is shown as it is rather than hidden. */
export function periodLabel(period: string, locale: Locale): string {
  let match = /^(\d{4})-(\d{2})$/.exec(period);
  if (match) {
    const month = Number(match[2]);
    const name = monthNames[month - 1];
    if (name) return fillIn(label(ui.reports.periodMonth, locale), { month, monthName: label(name, locale), year: match[1]! });
  }
  match = /^(\d{4})-Q([1-4])$/.exec(period);
  if (match) return fillIn(label(ui.reports.periodQuarter, locale), { quarter: match[2]!, year: match[1]! });
  match = /^(\d{4})$/.exec(period);
  if (match) return fillIn(label(ui.reports.periodYear, locale), { year: match[1]! });
  match = /^(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})$/.exec(period);
  if (match) return fillIn(label(ui.reports.periodDays, locale), { first: shownDay(match[1]!), last: shownDay(match[2]!) });
  return period;
}

/** A choice as its `<option>` shows it, the current period marked as not over. */
export const choiceLabel = (choice: PeriodChoice, locale: Locale): string =>
  choice.partial ? `${periodLabel(choice.period, locale)} (${label(ui.reports.partialChoice, locale)})` : periodLabel(choice.period, locale);

/** The API's URL for a report: same origin, so a plain link downloads it with the session. */
export function reportUrl(request: { period: string; format: ReportFormat; lang: Locale }): string {
  return `${REPORTS_PATH}?${new URLSearchParams({ period: request.period, format: request.format, lang: request.lang })}`;
}
