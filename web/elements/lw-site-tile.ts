import { css, html, LitElement } from 'lit';
import { styleMap } from 'lit/directives/style-map.js';
import type { StripsAnswer } from '../../model/strips.ts';
import { createFormatter, type Formatter } from '../lib/format.ts';
import { label, stateLabels, type Locale, type ShownState, ui } from '../lib/i18n.ts';
import type { LinkRow, SiteRow } from '../lib/overview.ts';
import { routeHref } from '../lib/route.ts';
import { stripCells, withCurrent } from '../lib/strip.ts';
import './lw-state-strip.ts';

/** The tile's look, for the element that holds tiles (they render in its shadow root). */
export const siteTileStyles = css`
  lw-site-tile { display: block; }
  lw-site-tile .site { display: flex; justify-content: space-between; flex-wrap: wrap; gap: 0.2rem 1rem; font-weight: 600; }
  lw-site-tile .site .state { color: var(--state-colour); }
  lw-site-tile ul { margin: 0.3rem 0 0; padding: 0; list-style: none; font-size: 0.9rem; color: var(--lw-muted); display: grid; gap: 0.3rem; }
  lw-site-tile li { display: grid; grid-template-columns: minmax(9rem, 1.2fr) minmax(12rem, 2fr) minmax(8rem, 1.5fr); gap: 0.2rem 0.8rem; align-items: center; }
  @media (max-width: 720px) { lw-site-tile li { grid-template-columns: 1fr; } }
  lw-site-tile a { color: var(--lw-text); text-decoration: none; font-weight: 600; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
  lw-site-tile a:hover { text-decoration: underline; }
  lw-site-tile a:focus-visible { outline: 2px solid var(--lw-focus); outline-offset: 2px; }
  lw-site-tile .icon { color: var(--state-colour); }
  lw-site-tile .figures { display: flex; flex-wrap: wrap; gap: 0.1rem 0.7rem; align-items: center; }
  lw-site-tile .share { display: inline-flex; align-items: center; gap: 0.3rem; }
  lw-site-tile .bar { inline-size: 3rem; block-size: 0.5rem; border: 1px solid var(--lw-border); border-radius: 2px; overflow: hidden; }
  lw-site-tile .bar > span { display: block; block-size: 100%; background: var(--lw-muted); }
  lw-site-tile .bar.high > span { background: var(--lw-degraded); }
  lw-site-tile .age { font-size: 0.8rem; }
  lw-site-tile .site-strip { margin-block-start: 0.3rem; }
`;

const kindLabel = { internet: ui.overview.kindInternet, tslcd: ui.overview.kindTslcd, wan: ui.overview.kindWan, lan: ui.overview.kindLan } as const;

/** One site: its name, state and since when, the site's own 24-hour strip when it has more than
 * one link (the site is down only while all of them are), then a line per link with its state,
 * RTT, loss, traffic as a share of the contracted capacity, its 24-hour strip and data age. */
export class LwSiteTile extends LitElement {
  static override properties = {
    row: { attribute: false },
    strips: { attribute: false },
    locale: {},
    nowMs: { type: Number },
  };
  declare row: SiteRow | undefined;
  declare strips: StripsAnswer | undefined;
  declare locale: Locale;
  declare nowMs: number;

  constructor() {
    super();
    this.locale = 'vi';
    this.nowMs = Date.now();
  }

  /** In the light DOM, inside the overview's shadow root: the list's text (a row's
   * textContent, a search of the page) includes the tile's, and the overview styles it. */
  protected override createRenderRoot() {
    return this;
  }



  private stateText(state: ShownState) {
    const entry = stateLabels[state];
    return html`<span class="icon" aria-hidden="true">${entry.icon}</span> ${label(entry, this.locale)}`;
  }

  private share(direction: 'in' | 'out', link: LinkRow, format: Formatter) {
    const bps = direction === 'in' ? link.inBps : link.outBps;
    if (bps === undefined) return '';
    const pct = direction === 'in' ? link.inUtilizationPct : link.outUtilizationPct;
    const arrow = direction === 'in' ? '↓' : '↑';
    const words = label(direction === 'in' ? ui.overview.inShare : ui.overview.outShare, this.locale);
    if (pct === undefined) return html`<span class="share" data-share=${direction} title=${`${words}: ${label(ui.overview.noCapacity, this.locale)}`}>${arrow} ${format.bitRate(bps)}</span>`;
    const width = Math.min(100, Math.max(0, pct));
    return html`<span class="share" data-share=${direction} data-pct=${pct} title=${`${words}: ${format.bitRate(bps)}`}>${arrow}
      <span class="bar ${pct >= 80 ? 'high' : ''}" role="meter" aria-label=${words} aria-valuemin="0" aria-valuemax="100" aria-valuenow=${width}><span style=${styleMap({ inlineSize: `${width}%` })}></span></span>
      ${format.percent(pct, 0)}</span>`;
  }

  private link(link: LinkRow, format: Formatter) {
    const ageMs = Math.max(link.icmpMs ?? -Infinity, link.trafficMs ?? -Infinity);
    const name = link.name ?? `${label(kindLabel[link.kind], this.locale)}${link.provider ? ` ${link.provider}` : ''}`;
    return html`<li data-link=${link.id} data-state=${link.shown} data-kind=${link.kind} data-provider=${link.provider ?? ''}>
      <a href=${routeHref({ view: 'link', id: link.id })} title=${link.id}>${this.stateText(link.shown)} · ${name}</a>
      <span class="figures">
        ${link.rttMs !== undefined ? html`<span data-rtt title=${label(ui.overview.rtt, this.locale)}>${format.milliseconds(link.rttMs)}</span>` : ''}
        ${link.lossPct !== undefined ? html`<span data-loss title=${label(ui.overview.loss, this.locale)}>${label(ui.overview.loss, this.locale)} ${format.percent(link.lossPct, 0)}</span>` : ''}
        ${this.share('in', link, format)} ${this.share('out', link, format)}
        <span class="age" data-age>${Number.isFinite(ageMs) ? `${label(ui.overview.dataAge, this.locale)} ${format.ago(ageMs, this.nowMs)}` : label(ui.overview.noData, this.locale)}</span>
      </span>
      <lw-state-strip data-strip=${link.id} .cells=${this.strips ? withCurrent(stripCells(this.strips.links[link.id], this.strips), link.shown, this.nowMs) : []} locale=${this.locale}></lw-state-strip>
    </li>`;
  }

  override render() {
    const row = this.row;
    if (!row) return html``;
    const format = createFormatter({ locale: this.locale });
    return html`
      <div class="site" data-state=${row.state}>
        <span class="name">${row.name}</span>
        <span class="state">${this.stateText(row.state)}${row.sinceMs !== undefined ? html` · ${format.duration(this.nowMs - row.sinceMs)}` : ''}</span>
      </div>
      ${row.links.length > 1 && this.strips
        ? html`<lw-state-strip class="site-strip" data-site-strip=${row.id} .cells=${withCurrent(stripCells(this.strips.sites[row.id], this.strips), row.state, this.nowMs)} locale=${this.locale}></lw-state-strip>`
        : ''}
      <ul class="links">${row.links.map((link) => this.link(link, format))}</ul>
    `;
  }
}

customElements.define('lw-site-tile', LwSiteTile);

declare global {
  interface HTMLElementTagNameMap {
    'lw-site-tile': LwSiteTile;
  }
}
