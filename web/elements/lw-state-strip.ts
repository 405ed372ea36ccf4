import { css, html, LitElement } from 'lit';
import { createFormatter } from '../lib/format.ts';
import { label, stateLabels, type Locale, ui } from '../lib/i18n.ts';
import { cellPatterns } from '../styles/cell-patterns.ts';
import { stateColours } from '../styles/state-colours.ts';
import { cellPattern, stripSentence, type StripCell } from '../lib/strip.ts';

/** A 24-hour strip: one cell per bucket, its worst state by colour AND pattern (crossed down,
 * hatched degraded or unreachable, dotted no data), each with a tooltip of its time and state;
 * one sentence of the problem runs for screen readers. */
export class LwStateStrip extends LitElement {
  static override properties = {
    cells: { attribute: false },
    locale: {},
  };
  declare cells: StripCell[];
  declare locale: Locale;

  constructor() {
    super();
    this.cells = [];
    this.locale = 'vi';
  }

  static override styles = [
    stateColours,
    cellPatterns,
    css`
    :host { display: block; }
    .strip { display: grid; grid-auto-flow: column; grid-auto-columns: 1fr; gap: 1px; block-size: 0.9rem; min-inline-size: 8rem; }
    .cell { --cell: var(--state-colour); border-radius: 1px; }
    .missing { font-size: 0.8rem; color: var(--lw-muted); }
  `,
  ];

  override render() {
    const format = createFormatter({ locale: this.locale });
    if (this.cells.length === 0) return html`<span class="missing">${label(ui.overview.stripMissing, this.locale)}</span>`;
    const sentence = `${label(ui.overview.strip, this.locale)}: ${stripSentence(this.cells, format, this.locale, label(ui.overview.stripUp, this.locale))}`;
    return html`<div class="strip" role="img" aria-label=${sentence} title=${sentence}>
      ${this.cells.map(
        (cell) =>
          html`<span class="cell" data-bucket=${cell.index} data-start=${cell.startMs} data-state=${cell.state} data-pattern=${cellPattern[cell.state]} title=${`${format.time(cell.startMs)}–${format.time(cell.endMs)} ${stateLabels[cell.state].icon} ${label(stateLabels[cell.state], this.locale)}`}></span>`,
      )}
    </div>`;
  }
}

customElements.define('lw-state-strip', LwStateStrip);

declare global {
  interface HTMLElementTagNameMap {
    'lw-state-strip': LwStateStrip;
  }
}
