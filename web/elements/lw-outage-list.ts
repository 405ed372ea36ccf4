import { css, html, LitElement } from 'lit';
import type { OutageRow } from '../lib/day-strip.ts';
import { createFormatter } from '../lib/format.ts';
import { label, type Locale, ui } from '../lib/i18n.ts';

/** A link's outages, newest first: when, how long, and whether the link itself failed or
 * something upstream of it did (which its provider cannot fix). */
export class LwOutageList extends LitElement {
  static override properties = { rows: { attribute: false }, locale: {}, nowMs: { type: Number } };
  declare rows: OutageRow[];
  declare locale: Locale;
  declare nowMs: number;

  constructor() {
    super();
    this.rows = [];
    this.locale = 'vi';
    this.nowMs = Date.now();
  }

  static override styles = css`
    :host { display: block; overflow-x: auto; }
    table { border-collapse: collapse; inline-size: 100%; font-variant-numeric: tabular-nums; }
    th, td { text-align: start; padding: 0.35rem 0.5rem; border-block-end: 1px solid var(--lw-border); vertical-align: top; }
    th { color: var(--lw-muted); font-weight: 600; font-size: 0.9rem; }
    [data-ongoing] .end { color: var(--lw-down); font-weight: 600; }
    .code { color: var(--lw-muted); font-size: 0.85rem; }
    p { color: var(--lw-muted); }
  `;

  private cause(row: OutageRow) {
    const words = ui.linkDetail;
    const cause = row.cause;
    const what = cause.kind === 'own' ? label(words.causeOwn, this.locale) : `${label(words.causeUpstream, this.locale)}${cause.of ? ` (${cause.of.id})` : ''}`;
    return html`<span data-cause=${cause.kind}>${cause.kind === 'own' ? '✕' : '◌'} ${what}</span>${cause.code ? html` <span class="code">${cause.code}</span>` : ''}${
      row.inMaintenance ? html` · ⚒ ${label(words.inMaintenance, this.locale)}` : ''
    }`;
  }

  override render() {
    const words = ui.linkDetail;
    if (this.rows.length === 0) return html`<p data-empty>${label(words.noOutages, this.locale)}</p>`;
    const format = createFormatter({ locale: this.locale });
    return html`<table>
      <thead>
        <tr><th scope="col">${label(words.start, this.locale)}</th><th scope="col">${label(words.end, this.locale)}</th><th scope="col">${label(words.duration, this.locale)}</th><th scope="col">${label(words.cause, this.locale)}</th></tr>
      </thead>
      <tbody>
        ${this.rows.map(
          (row) => html`<tr data-outage=${row.startMs} ?data-ongoing=${row.endMs === undefined}>
            <td>${format.dateTime(row.startMs)}</td>
            <td class="end">${row.endMs === undefined ? `● ${label(words.ongoing, this.locale)}` : format.dateTime(row.endMs)}</td>
            <td>${format.duration(row.endMs === undefined ? Math.max(row.durationMs, this.nowMs - row.startMs) : row.durationMs)}</td>
            <td>${this.cause(row)}</td>
          </tr>`,
        )}
      </tbody>
    </table>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'lw-outage-list': LwOutageList;
  }
}

customElements.define('lw-outage-list', LwOutageList);
