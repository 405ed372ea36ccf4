import type { OutageInPeriod } from '../../model/availability.ts';
import type { Formatter } from './format.ts';
import { counted } from './i18n.ts';
import type { CellPattern } from './strip.ts';

// The 90-day availability strip and the outage list, shaped from the availability answer:
// one cell per local day with its kind (the pattern it is drawn with), its tooltip text, the
// arrow-key moves of the grid, and the outages newest first with their cause told apart.

/** A day's figures as the API gives them (per=day). */
export interface DayFigures {
  periodFromMs: number;
  periodToMs: number;
  availabilityPct: number | null;
  coveragePct: number;
  coverageFlag: boolean;
  downMs: number;
  n: number;
}

/** How a day is drawn: plain when up, hatched with downtime, dotted when the figure rests on
 * too little data. Downtime wins over thin data: an outage must never hide behind a gap. */
export type DayKind = 'up' | 'down' | 'poor';

export interface DayCell {
  startMs: number;
  endMs: number;
  kind: DayKind;
  availabilityPct: number | null;
  coveragePct: number;
  outages: number;
  downMs: number;
}

/** How a day is drawn, in the shared strip patterns: plain in the up colour, hatched in the down
 * colour, dotted in the no-data colour. */
export const dayLook: Record<DayKind, { state: 'up' | 'down' | 'stale'; pattern: CellPattern }> = {
  up: { state: 'up', pattern: 'solid' },
  down: { state: 'down', pattern: 'hatched' },
  poor: { state: 'stale', pattern: 'dotted' },
};

export const dayKind = (day: DayFigures): DayKind => (day.downMs > 0 || day.n > 0 ? 'down' : day.coverageFlag || day.availabilityPct === null ? 'poor' : 'up');

/** The newest `count` days, oldest first (the answer's first day is usually a part-day). */
export function dayCells(days: readonly DayFigures[], count = 90): DayCell[] {
  return days.slice(-count).map((day) => ({
    startMs: day.periodFromMs,
    endMs: day.periodToMs,
    kind: dayKind(day),
    availabilityPct: day.availabilityPct,
    coveragePct: day.coveragePct,
    outages: day.n,
    downMs: day.downMs,
  }));
}

/** "07/03/2026 · 99,31 % · 2 lần gián đoạn · 9 phút 55 giây"; a day without data says how
 * much it had ("dữ liệu 40,00 %") instead of a figure that means nothing. */
export function dayTitle(cell: DayCell, format: Formatter, words: { noData: string; coverage: string }): string {
  const parts = [format.date(cell.startMs), cell.availabilityPct === null ? words.noData : format.percent(cell.availabilityPct), counted(cell.outages, 'outage', format.locale)];
  if (cell.downMs > 0) parts.push(format.duration(cell.downMs));
  if (cell.kind === 'poor' && cell.availabilityPct !== null) parts.push(`${words.coverage} ${format.percent(cell.coveragePct)}`);
  return parts.join(' · ');
}

/** Where a key moves the focus in a grid of `count` cells laid out `columns` wide; undefined for
 * keys the grid does not handle, so they keep their usual meaning. */
export function gridMove(index: number, key: string, layout: { count: number; columns: number }): number | undefined {
  const { count, columns } = layout;
  if (count === 0) return undefined;
  const rowStart = index - (index % columns);
  const target: Record<string, number> = {
    ArrowLeft: index - 1,
    ArrowRight: index + 1,
    ArrowUp: index - columns,
    ArrowDown: index + columns,
    Home: rowStart,
    End: rowStart + columns - 1,
    PageUp: 0,
    PageDown: count - 1,
  };
  const next = target[key];
  if (next === undefined) return undefined;
  return Math.min(count - 1, Math.max(0, next));
}

/** The rows of a grid: cells `columns` at a time. */
export const gridRows = <T>(cells: readonly T[], columns: number): T[][] => Array.from({ length: Math.ceil(cells.length / columns) }, (_, row) => cells.slice(row * columns, (row + 1) * columns));

/** Why an outage happened: the link itself, or something it depends on (an upstream link or
 * the parent site), which the engine records as `unreachable` with a cause naming it. */
export type OutageCause = { kind: 'own'; code: string | null } | { kind: 'upstream'; of: { kind: 'link' | 'site'; id: string } | undefined; code: string | null };

export function outageCause(outage: Pick<OutageInPeriod, 'cause' | 'kind'>): OutageCause {
  const code = outage.cause;
  const upstream = code?.match(/^(upstream|parent):(.+)$/);
  if (upstream) return { kind: 'upstream', of: { kind: upstream[1] === 'upstream' ? 'link' : 'site', id: upstream[2]! }, code };
  if (outage.kind === 'unreachable') return { kind: 'upstream', of: undefined, code };
  return { kind: 'own', code };
}

export interface OutageRow {
  startMs: number;
  /** Absent while ongoing. */
  endMs: number | undefined;
  durationMs: number;
  cause: OutageCause;
  inMaintenance: boolean;
}

/** The outages newest first; an ongoing one has no end, and lasts until now. */
export function outageRows(outages: readonly OutageInPeriod[]): OutageRow[] {
  return [...outages]
    .sort((a, b) => b.startMs - a.startMs)
    .map((outage) => ({ startMs: outage.startMs, endMs: outage.ongoing ? undefined : outage.endMs, durationMs: outage.durationMs, cause: outageCause(outage), inMaintenance: outage.inMaintenance }));
}
