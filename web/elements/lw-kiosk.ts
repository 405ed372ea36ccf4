import { css, html, LitElement, unsafeCSS } from 'lit';
import { keyed } from 'lit/directives/keyed.js';
import type { SiteView } from '../../api/inventory.ts';
import type { StatusReport } from '../../api/status.ts';
import { createFormatter } from '../lib/format.ts';
import { linkKindLabels } from '../lib/inventory.ts';
import { label, stateLabels, type Locale, type ShownState, ui } from '../lib/i18n.ts';
import { freshness, gridCapacity, kioskSummary, pageAt } from '../lib/kiosk.ts';
import { stateColours } from '../styles/state-colours.ts';

/** A card's size on the wall: four columns and three rows on a 1920×1080 screen. The paging
 * maths and the CSS read the same numbers. */
const CARD = { minWidthPx: 440, heightPx: 230, gapPx: 16 } as const;
/** Links listed on one card; the rest are counted, so a card never grows past its slot. */
const LINKS_PER_CARD = 3;
/** Room kept under the grid for the page number. */
const PAGER_PX = 56;

/** The wall screen: everything not up shown large, the up sites as a count, a clock. No
 * pointer or keyboard is needed: pages turn by themselves. */
export class LwKiosk extends LitElement {
  static override properties = {
    locale: {},
    status: { attribute: false },
    sites: { attribute: false },
    nowMs: { type: Number },
    clockMs: { state: true },
    perPage: { state: true },
  };
  declare locale: Locale;
  declare status: StatusReport | undefined;
  declare sites: SiteView[];
  declare nowMs: number;
  /** The element's own clock, a tick a second: the wall's clock must not wait for lw-app's. */
  declare clockMs: number;
  declare perPage: number;
  private ticker: number | undefined;
  private rotationStartMs = Date.now();
  private readonly resize = new ResizeObserver(() => this.measure());
  private readonly onWindowResize = () => this.measure();

  constructor() {
    super();
    this.locale = 'vi';
    this.sites = [];
    this.nowMs = Date.now();
    this.clockMs = Date.now();
    this.perPage = 12;
  }

  static override styles = [
    stateColours,
    css`
    :host { display: block; cursor: none; color: var(--lw-text); }
    .top { display: flex; justify-content: space-between; align-items: center; gap: 2rem; flex-wrap: wrap; margin-block-end: 1.5rem; }
    .up { display: flex; align-items: baseline; gap: 1rem; flex-wrap: wrap; }
    .up .figure { font-size: 5rem; font-weight: 700; line-height: 1; color: var(--state-colour); }
    .up .words { font-size: 2rem; }
    .clock { text-align: end; }
    .clock time { display: block; font-size: 5rem; font-weight: 700; line-height: 1; font-variant-numeric: tabular-nums; }
    .updated { font-size: 1.3rem; color: var(--lw-muted); }
    .updated[data-freshness='stale'] { color: var(--lw-banner-text); background: var(--lw-banner); padding: 0.2rem 0.6rem; border-radius: 0.3rem; font-weight: 700; }
    ol.grid { list-style: none; margin: 0; padding: 0; display: grid; gap: ${unsafeCSS(CARD.gapPx)}px; grid-template-columns: repeat(auto-fill, minmax(${unsafeCSS(CARD.minWidthPx)}px, 1fr)); grid-auto-rows: ${unsafeCSS(CARD.heightPx)}px; }
    .card { box-sizing: border-box; overflow: hidden; padding: 0.8rem 1rem; border-radius: 0.5rem; background: var(--lw-surface); border-inline-start: 0.8rem solid var(--state-colour); }
    .card .name { font-size: 2rem; font-weight: 700; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
    .card .state { font-size: 1.6rem; font-weight: 700; color: var(--state-colour); }
    .card .since { font-size: 1.2rem; color: var(--lw-muted); }
    .card ul { list-style: none; margin: 0.3rem 0 0; padding: 0; font-size: 1.2rem; }
    .card ul li { white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
    .all-up { font-size: 3rem; font-weight: 700; color: var(--lw-up); text-align: center; margin-block: 4rem; }
    .pager { font-size: 1.3rem; color: var(--lw-muted); text-align: end; margin: 0.6rem 0 0; block-size: 2rem; }
    /* A new page fades in (the grid is re-created per page), unless motion is unwelcome. */
    @media (prefers-reduced-motion: no-preference) {
      ol.grid { animation: turn 0.6s ease-out; }
      @keyframes turn { from { opacity: 0; } to { opacity: 1; } }
    }
  `,
  ];

  override connectedCallback() {
    super.connectedCallback();
    this.rotationStartMs = Date.now();
    this.clockMs = Date.now();
    this.ticker = window.setInterval(() => (this.clockMs = Date.now()), 1_000);
    this.resize.observe(this);
    window.addEventListener('resize', this.onWindowResize);
  }

  override disconnectedCallback() {
    super.disconnectedCallback();
    window.clearInterval(this.ticker);
    this.ticker = undefined;
    this.resize.disconnect();
    window.removeEventListener('resize', this.onWindowResize);
  }

  /** Cards that fit between the grid's top and the bottom of the window. */
  private measure() {
    const grid = this.renderRoot.querySelector('ol.grid') ?? this.renderRoot.querySelector('.top');
    const top = grid instanceof HTMLElement ? (grid.matches('ol.grid') ? grid.getBoundingClientRect().top : grid.getBoundingClientRect().bottom) : 0;
    const { perPage } = gridCapacity({ widthPx: this.getBoundingClientRect().width, heightPx: window.innerHeight - top - PAGER_PX }, CARD);
    if (perPage !== this.perPage) this.perPage = perPage;
  }

  override updated() {
    this.measure();
  }

  private stateText(state: ShownState) {
    const entry = stateLabels[state];
    return html`<span aria-hidden="true">${entry.icon}</span> ${label(entry, this.locale)}`;
  }

  override render() {
    const format = createFormatter({ locale: this.locale });
    const clockMs = Math.max(this.clockMs, this.nowMs);
    const fresh = freshness(this.status?.generatedMs, clockMs);
    const clock = html`<div class="clock">
      <time data-clock aria-label=${label(ui.kiosk.clock, this.locale)} datetime=${new Date(clockMs).toISOString()}>${format.time(clockMs)}</time>
      <span class="updated" data-freshness=${fresh.kind}>
        ${fresh.kind === 'waiting' ? label(ui.kiosk.waiting, this.locale) : ''}
        ${fresh.kind === 'fresh' ? html`${label(ui.kiosk.updated, this.locale)} ${format.time(fresh.generatedMs)}` : ''}
        ${fresh.kind === 'stale' ? html`<span aria-hidden="true">${stateLabels.stale.icon}</span> ${label(ui.kiosk.staleData, this.locale)} · ${format.ago(fresh.generatedMs, clockMs)}` : ''}
      </span>
    </div>`;
    if (!this.status) return html`<div class="top"><div></div>${clock}</div>`;
    const summary = kioskSummary(this.status, this.sites);
    const page = pageAt(summary.items, this.perPage, clockMs - this.rotationStartMs);
    // Old data must never look green: the count takes the stale colour and icon.
    const upState: ShownState = fresh.kind === 'stale' ? 'stale' : 'up';
    return html`
      <div class="top">
        <div class="up" data-state=${upState} data-up-count=${summary.up}>
          <span class="figure"><span aria-hidden="true">${stateLabels[upState].icon}</span> ${format.number(summary.up)}</span>
          <span class="words">${label(ui.kiosk.ofSites, this.locale)} ${format.number(summary.total)} · ${label(ui.kiosk.upCount, this.locale)}</span>
        </div>
        ${clock}
      </div>
      ${summary.items.length === 0
        ? html`<p class="all-up" data-state=${upState}><span aria-hidden="true">${stateLabels[upState].icon}</span> ${label(ui.kiosk.allUp, this.locale)}</p>`
        : html`<section aria-label=${label(ui.kiosk.problems, this.locale)}>
            ${keyed(page.index, html`<ol class="grid" data-page=${page.index}>
              ${page.items.map(
                (item) => html`<li class="card" data-site=${item.id} data-state=${item.state}>
                  <div class="name">${item.name}</div>
                  <div class="state">${this.stateText(item.state)}</div>
                  ${item.sinceMs !== undefined ? html`<div class="since">${label(ui.kiosk.since, this.locale)} ${format.time(item.sinceMs)} · ${format.duration(clockMs - item.sinceMs)}</div>` : ''}
                  <ul>
                    ${item.links.slice(0, LINKS_PER_CARD).map((link) => html`<li data-link=${link.id} data-state=${link.shown}>${this.stateText(link.shown)} · ${label(linkKindLabels[link.kind], this.locale)} · ${link.id}</li>`)}
                    ${item.links.length > LINKS_PER_CARD ? html`<li>+${format.number(item.links.length - LINKS_PER_CARD)} ${label(ui.kiosk.more, this.locale)}</li>` : ''}
                  </ul>
                </li>`,
              )}
            </ol>`)}
            <p class="pager" data-pages=${page.count}>${page.count > 1 ? `${label(ui.kiosk.page, this.locale)} ${page.index + 1}/${page.count}` : ''}</p>
          </section>`}
    `;
  }
}

customElements.define('lw-kiosk', LwKiosk);
