import { css } from 'lit';

/** The fills of strip cells, shared by the 24-hour state strip and the 90-day strip: a cell
 * takes its colour from `--cell` and its pattern from `data-pattern` (see CellPattern), so a
 * strip read in grey, or by someone who does not tell red from green, still shows the bad
 * stretches. A strip sets `--stripe` and `--stripe-gap` (hatching) and `--dot-spacing` to suit
 * its cell size. */
export const cellPatterns = css`
  [data-pattern] { background-color: var(--cell); }
  [data-pattern='hatched'] { background-image: repeating-linear-gradient(135deg, transparent 0 var(--stripe, 2px), var(--lw-surface) var(--stripe, 2px) calc(var(--stripe, 2px) + var(--stripe-gap, 1px))); }
  [data-pattern='crossed'] {
    background-image:
      repeating-linear-gradient(45deg, transparent 0 var(--stripe, 2px), var(--lw-surface) var(--stripe, 2px) calc(var(--stripe, 2px) + var(--stripe-gap, 1px))),
      repeating-linear-gradient(135deg, transparent 0 var(--stripe, 2px), var(--lw-surface) var(--stripe, 2px) calc(var(--stripe, 2px) + var(--stripe-gap, 1px)));
  }
  [data-pattern='dotted'] {
    background-color: transparent;
    background-image: radial-gradient(circle, var(--cell) 1px, transparent 1.3px);
    background-size: var(--dot-spacing, 4px) var(--dot-spacing, 4px);
    outline: 1px solid var(--cell);
    outline-offset: -1px;
  }
`;
