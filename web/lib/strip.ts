import type { StripsAnswer } from '../../model/strips.ts';
import type { Formatter } from './format.ts';
import { label, stateLabels, type Locale, type ShownState } from './i18n.ts';
import { stateRank } from './order.ts';

// The 24-hour strip of a link or site, from the server's one-letter-per-bucket answer: the
// cells with their time and state, the runs of one state (for the tooltip and the screen
// reader's sentence), and how each state is drawn. Pure, table-tested without a browser.

export interface StripCell {
  index: number;
  startMs: number;
  endMs: number;
  state: ShownState;
}

/** How a cell is drawn besides its colour: a strip read in grey, or by someone who does not
 * tell red from green, still shows where it was down. */
export type CellPattern = 'solid' | 'hatched' | 'dotted' | 'crossed';
export const cellPattern: Record<ShownState, CellPattern> = {
  up: 'solid',
  maintenance: 'solid',
  down: 'crossed',
  degraded: 'hatched',
  unreachable: 'hatched',
  unknown: 'dotted',
  stale: 'dotted',
};

/** The cells of one strip; none when the answer has no strip for the entity (a link added since
 * the answer was made). A letter the answer does not define is drawn as no data. */
export function stripCells(strip: string | undefined, answer: Pick<StripsAnswer, 'fromMs' | 'bucketMs' | 'codes'>): StripCell[] {
  if (strip === undefined) return [];
  const codes = answer.codes as Readonly<Record<string, ShownState | undefined>>;
  return [...strip].map((code, index) => ({ index, startMs: answer.fromMs + index * answer.bucketMs, endMs: answer.fromMs + (index + 1) * answer.bucketMs, state: codes[code] ?? 'unknown' }));
}

export interface StripRun {
  state: ShownState;
  startMs: number;
  endMs: number;
  cells: number;
}

/** Neighbouring cells of one state merged: "down 10:00–11:30" reads better than three cells. */
export function stripRuns(cells: readonly StripCell[]): StripRun[] {
  const runs: StripRun[] = [];
  for (const cell of cells) {
    const last = runs.at(-1);
    if (last && last.state === cell.state) {
      last.endMs = cell.endMs;
      last.cells += 1;
    } else runs.push({ state: cell.state, startMs: cell.startMs, endMs: cell.endMs, cells: 1 });
  }
  return runs;
}

/** One sentence for a screen reader: only the runs that are not up, or "up" throughout. */
export function stripSentence(cells: readonly StripCell[], format: Formatter, locale: Locale, upThroughout: string): string {
  const problems = stripRuns(cells).filter((run) => run.state !== 'up');
  if (cells.length > 0 && problems.length === 0) return upThroughout;
  return problems.map((run) => `${label(stateLabels[run.state], locale)} ${format.time(run.startMs)}–${format.time(run.endMs)}`).join('; ');
}

/** The bucket holding `nowMs` made at least as bad as the state shown now: the strips are read
 * once a minute, the status on every change, and a tile must not say down beside a green strip. */
export function withCurrent(cells: readonly StripCell[], current: ShownState, nowMs: number): StripCell[] {
  const shown: ShownState = current === 'stale' ? 'unknown' : current;
  return cells.map((cell) => (cell.startMs <= nowMs && nowMs < cell.endMs && stateRank[shown] < stateRank[cell.state] ? { ...cell, state: shown } : cell));
}
