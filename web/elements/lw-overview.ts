import { css, html, LitElement } from 'lit';
import type { SiteView } from '../../api/inventory.ts';
import type { StatusReport } from '../../api/status.ts';
import { createFormatter } from '../lib/format.ts';
import { label, stateLabels, type Locale, type ShownState, ui } from '../lib/i18n.ts';
import { stateRank } from '../lib/order.ts';
import { overviewRows, stateCounts } from '../lib/overview.ts';


/** The overview: counts per state that filter, then one row per site, worst first. */
export class LwOverview extends LitElement {
  static override properties = {
    status: { attribute: false },
    sites: { attribute: false },
    locale: {},
    nowMs: { type: Number },
    search: { state: true },
    chosen: { state: true },
  };
  declare status: StatusReport | undefined;
  declare sites: SiteView[];
  declare locale: Locale;
  declare nowMs: number;
  declare search: string;
  declare chosen: Set<ShownState>;

  constructor() {
    super();
    this.sites = [];
    this.locale = 'vi';
    this.nowMs = Date.now();
    this.search = '';
    this.chosen = new Set();
  }

  static override styles = css`
    :host { display: block; }
    .filters { display: flex; flex-wrap: wrap; gap: 0.5rem; margin-block-end: 1rem; }
    button { font: inherit; padding: 0.4rem 0.8rem; border-radius: 0.4rem; border: 1px solid var(--lw-border); background: var(--lw-surface); color: var(--lw-text); cursor: pointer; }
    button[aria-pressed='true'] { outline: 2px solid var(--lw-focus); }
    input { font: inherit; padding: 0.4rem 0.6rem; min-inline-size: 16rem; border: 1px solid var(--lw-border); border-radius: 0.4rem; background: var(--lw-surface); color: var(--lw-text); }
    ol { list-style: none; padding: 0; margin: 0; display: grid; gap: 0.5rem; }
    li { padding: 0.6rem 0.8rem; border-radius: 0.4rem; background: var(--lw-surface); border-inline-start: 0.4rem solid var(--state-colour); }
    .site { display: flex; justify-content: space-between; gap: 1rem; font-weight: 600; }
    .links { margin: 0.3rem 0 0; padding: 0; list-style: none; font-size: 0.9rem; color: var(--lw-muted); }
    .links li { padding: 0; background: none; border: none; }
    [data-state='up'] { --state-colour: var(--lw-up); }
    [data-state='degraded'] { --state-colour: var(--lw-degraded); }
    [data-state='down'] { --state-colour: var(--lw-down); }
    [data-state='unreachable'] { --state-colour: var(--lw-unreachable); }
    [data-state='maintenance'] { --state-colour: var(--lw-maintenance); }
    [data-state='stale'], [data-state='unknown'] { --state-colour: var(--lw-stale); }
  `;

  private toggle(state: ShownState | undefined) {
    const next = new Set(this.chosen);
    if (state === undefined) next.clear();
    else if (next.has(state)) next.delete(state);
    else next.add(state);
    this.chosen = next;
  }

  private stateText(state: ShownState) {
    const entry = stateLabels[state];
    return html`<span class="state" aria-hidden="true">${entry.icon}</span> ${label(entry, this.locale)}`;
  }

  override render() {
    if (!this.status) return html``;
    const format = createFormatter({ locale: this.locale });
    const all = overviewRows(this.status, this.sites);
    const rows = overviewRows(this.status, this.sites, { search: this.search, states: this.chosen });
    const counts = [...stateCounts(all)].sort(([a], [b]) => stateRank[a] - stateRank[b]);
    return html`
      <div class="filters" role="toolbar">
        <button aria-pressed=${this.chosen.size === 0 ? 'true' : 'false'} @click=${() => this.toggle(undefined)}>${label(ui.overview.all, this.locale)} · ${all.length}</button>
        ${counts.map(
          ([state, count]) =>
            html`<button data-state=${state} data-filter=${state} aria-pressed=${this.chosen.has(state) ? 'true' : 'false'} @click=${() => this.toggle(state)}>${this.stateText(state)} · ${count}</button>`,
        )}
        <input type="search" aria-label=${label(ui.overview.search, this.locale)} placeholder=${label(ui.overview.search, this.locale)} .value=${this.search} @input=${(event: Event) => (this.search = (event.target as HTMLInputElement).value)} />
      </div>
      ${rows.length === 0 ? html`<p>${label(ui.overview.none, this.locale)}</p>` : ''}
      <ol>
        ${rows.map(
          (row) => html`<li data-site=${row.id} data-state=${row.state}>
            <div class="site">
              <span class="name">${row.name}</span>
              <span>${this.stateText(row.state)}${row.sinceMs !== undefined && row.state !== 'up' ? html` · ${format.duration(this.nowMs - row.sinceMs)}` : ''}</span>
            </div>
            <ul class="links">
              ${row.links.map(
                (link) => html`<li data-link=${link.id} data-state=${link.shown}>
                  ${this.stateText(link.shown)} · ${link.kind === 'tslcd' ? 'TSLCD' : link.id}
                  ${link.rttMs !== undefined ? html` · ${format.milliseconds(link.rttMs)}` : ''}${link.lossPct !== undefined ? html` · ${format.percent(link.lossPct, 0)}` : ''}
                  ${link.inBps !== undefined ? html` · ↓ ${format.bitRate(link.inBps)}` : ''}${link.outBps !== undefined ? html` ↑ ${format.bitRate(link.outBps)}` : ''}
                </li>`,
              )}
            </ul>
          </li>`,
        )}
      </ol>
    `;
  }
}

customElements.define('lw-overview', LwOverview);
