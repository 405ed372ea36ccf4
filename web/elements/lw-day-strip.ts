import { css, html, LitElement } from 'lit';
import { dayLook, gridMove, gridRows, dayTitle, type DayCell, type DayKind } from '../lib/day-strip.ts';
import { createFormatter } from '../lib/format.ts';
import { label, type Locale, ui } from '../lib/i18n.ts';
import { cellPatterns } from '../styles/cell-patterns.ts';
import { stateColours } from '../styles/state-colours.ts';

/** Days per row of the strip: three rows of thirty for 90 days, narrow enough at 360 px. */
const COLUMNS = 30;
const kindLabels: Record<DayKind, keyof typeof ui.linkDetail> = { up: 'dayUp', down: 'dayDown', poor: 'dayPoor' };
const kindIcons: Record<DayKind, string> = { up: '●', down: '✕', poor: '?' };

/** Daily availability as a grid of cells, one per day: plain when up, hatched with downtime,
 * dotted without enough data. One cell is in the tab order at a time (a roving tabindex); the
 * arrow keys move between days and the focused day's figures show beneath the grid. */
export class LwDayStrip extends LitElement {
  static override properties = { cells: { attribute: false }, locale: {}, active: { state: true } };
  declare cells: DayCell[];
  declare locale: Locale;
  /** The cell in the tab order; the newest day until someone moves. */
  declare active: number | undefined;

  constructor() {
    super();
    this.cells = [];
    this.locale = 'vi';
  }

  static override styles = [
    stateColours,
    cellPatterns,
    css`
    :host { display: block; --stripe: 3px; --stripe-gap: 3px; --dot-spacing: 5px; }
    [role='grid'] { display: grid; gap: 2px; }
    [role='row'] { display: grid; grid-template-columns: repeat(${COLUMNS}, minmax(0, 1fr)); gap: 2px; }
    [role='gridcell'] { block-size: 1.6rem; border-radius: 2px; border: 1px solid var(--lw-border); cursor: default; }
    [role='gridcell']:focus-visible { outline: 2px solid var(--lw-focus); outline-offset: 1px; }
    [data-pattern] { --cell: var(--state-colour); }
    .tip { min-block-size: 1.5em; margin: 0.4rem 0; font-variant-numeric: tabular-nums; }
    .legend { display: flex; flex-wrap: wrap; gap: 0.3rem 1rem; list-style: none; padding: 0; margin: 0.3rem 0; font-size: 0.85rem; }
    .legend li { display: flex; align-items: center; gap: 0.3rem; }
    .legend [data-kind] { display: inline-block; inline-size: 1rem; block-size: 1rem; border: 1px solid var(--lw-border); border-radius: 2px; }
    .hint { color: var(--lw-muted); font-size: 0.85rem; margin: 0; }
  `,
  ];

  private focusedIndex(): number {
    return Math.min(this.active ?? this.cells.length - 1, this.cells.length - 1);
  }

  private titleOf(cell: DayCell): string {
    const format = createFormatter({ locale: this.locale });
    return dayTitle(cell, format, { noData: label(ui.linkDetail.noData, this.locale), coverage: label(ui.linkDetail.coverage, this.locale) });
  }

  /** The title with the day's kind in words, for screen readers: the pattern is not read out. */
  private spokenOf(cell: DayCell): string {
    return `${this.titleOf(cell)} · ${label(ui.linkDetail[kindLabels[cell.kind]], this.locale)}`;
  }

  private onKey(event: KeyboardEvent) {
    const next = gridMove(this.focusedIndex(), event.key, { count: this.cells.length, columns: COLUMNS });
    if (next === undefined) return;
    event.preventDefault();
    this.active = next;
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>(`[data-index="${next}"]`)?.focus());
  }

  override render() {
    const words = ui.linkDetail;
    const focused = this.focusedIndex();
    const shown = this.cells[focused];
    return html`
      <div role="grid" aria-label=${label(words.availability, this.locale)} aria-describedby="hint" @keydown=${(event: KeyboardEvent) => this.onKey(event)}>
        ${gridRows(
          this.cells.map((cell, index) => ({ cell, index })),
          COLUMNS,
        ).map(
          (row) => html`<div role="row">
            ${row.map(({ cell, index }) => {
              const title = this.titleOf(cell);
              return html`<span
                role="gridcell"
                data-index=${index}
                data-kind=${cell.kind}
                data-state=${dayLook[cell.kind].state}
                data-pattern=${dayLook[cell.kind].pattern}
                data-day=${cell.startMs}
                tabindex=${index === focused ? 0 : -1}
                title=${title}
                aria-label=${this.spokenOf(cell)}
                aria-selected=${index === focused ? 'true' : 'false'}
                @focus=${() => (this.active = index)}
                @click=${() => (this.active = index)}
              ></span>`;
            })}
          </div>`,
        )}
      </div>
      <p class="tip" aria-live="polite" data-tip>${shown ? `${kindIcons[shown.kind]} ${this.spokenOf(shown)}` : ''}</p>
      <ul class="legend">
        ${(['up', 'down', 'poor'] as const).map((kind) => html`<li><span data-kind=${kind} data-state=${dayLook[kind].state} data-pattern=${dayLook[kind].pattern} aria-hidden="true"></span>${kindIcons[kind]} ${label(words[kindLabels[kind]], this.locale)}</li>`)}
      </ul>
      <p class="hint" id="hint">${label(words.stripHint, this.locale)}</p>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'lw-day-strip': LwDayStrip;
  }
}

customElements.define('lw-day-strip', LwDayStrip);
