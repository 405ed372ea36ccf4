import { describe, expect, it } from 'vitest';
import { stateOfCode, stripCodes } from '../../../model/strips.ts';
import { createFormatter } from '../../../web/lib/format.ts';
import { cellPattern, stripCells, stripRuns, stripSentence, withCurrent } from '../../../web/lib/strip.ts';

const H = 3_600_000;
// 00:00 in Hanoi is 17:00 UTC the day before.
const FROM = Date.UTC(2026, 11, 6, 17, 0);
const answer = { fromMs: FROM, bucketMs: H, codes: stateOfCode };
const vi = createFormatter({ locale: 'vi' });

describe('strip cells', () => {
  it('decodes one cell per letter with its time, unknown letters as no data', () => {
    const cells = stripCells('udgx', answer);
    expect(cells.map((cell) => cell.state)).toEqual(['up', 'down', 'degraded', 'unknown']);
    expect(cells[1]).toEqual({ index: 1, startMs: FROM + H, endMs: FROM + 2 * H, state: 'down' });
  });

  it('has no cells for a link the answer does not know', () => {
    expect(stripCells(undefined, answer)).toEqual([]);
  });

  it.each([
    ['down', 'crossed'],
    ['degraded', 'hatched'],
    ['unreachable', 'hatched'],
    ['unknown', 'dotted'],
    ['up', 'solid'],
  ] as const)('draws %s %s, never by colour alone', (state, pattern) => {
    expect(cellPattern[state]).toBe(pattern);
  });

  it.each([
    ['uuuu', [['up', 4]]],
    ['uddu', [['up', 1], ['down', 2], ['up', 1]]],
    ['nngd', [['unknown', 2], ['degraded', 1], ['down', 1]]],
    ['', []],
  ])('merges %s into runs', (strip, runs) => {
    expect(stripRuns(stripCells(strip, answer)).map((run) => [run.state, run.cells])).toEqual(runs);
  });

  it('tells the problem runs in one sentence, or that it was up throughout', () => {
    expect(stripSentence(stripCells('uddu', answer), vi, 'vi', 'up')).toBe('Mất kết nối 01:00–03:00');
    expect(stripSentence(stripCells('nuuu', answer), vi, 'en', 'up')).toBe('No data 00:00–01:00');
    expect(stripSentence(stripCells('uuuu', answer), vi, 'vi', 'Hoạt động suốt 24 giờ')).toBe('Hoạt động suốt 24 giờ');
  });
});

describe('the strip beside the current state', () => {
  const letters = (cells: ReturnType<typeof stripCells>) => cells.map((cell) => stripCodes[cell.state === 'stale' ? 'unknown' : cell.state]).join('');
  it.each([
    ['down', 'uudu'],
    ['up', 'uuuu'],
    ['stale', 'uunu'],
  ] as const)('marks the bucket of now %s when worse', (current, expected) => {
    expect(letters(withCurrent(stripCells('uuuu', answer), current, FROM + 2.5 * H))).toBe(expected);
  });

  it('keeps a worse bucket as it is', () => {
    expect(letters(withCurrent(stripCells('uudu', answer), 'degraded', FROM + 2.5 * H))).toBe('uudu');
  });
});
