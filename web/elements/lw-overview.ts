import { css, html, LitElement } from 'lit';
import { styleMap } from 'lit/directives/style-map.js';
import type { LinkView, SiteView } from '../../api/inventory.ts';
import type { StatusReport } from '../../api/status.ts';
import type { StripsAnswer } from '../../model/strips.ts';
import { fetchLinks, fetchStrips } from '../api/overview.ts';
import { label, stateLabels, type Locale, type ShownState, ui } from '../lib/i18n.ts';
import { stateRank } from '../lib/order.ts';
import {
  groupRows,
  isCompact,
  kindOptions,
  layoutItems,
  overviewRows,
  parsePrefs,
  providerOptions,
  stateCounts,
  visibleWindow,
  type Density,
  type Grouping,
  type LayoutItem,
  type LayoutSizes,
  type SiteRow,
} from '../lib/overview.ts';
import { routeHref } from '../lib/route.ts';
import './lw-site-map.ts';
import { siteTileStyles } from './lw-site-tile.ts';
import { stateColours } from '../styles/state-colours.ts';

type LinkKind = StatusReport['links'][number]['kind'];
type ViewMode = 'list' | 'map';

const PREFS_KEY = 'linkwatch.overview';
const STRIP_HOURS = 24;
const STRIP_BUCKETS = 48;
/** The strips change by one bucket per half hour; a minute keeps a new outage close behind. */
const STRIP_REFRESH_MS = 60_000;
/** Rows drawn beyond the screen either way, so a quick scroll does not show blanks. */
const OVERSCAN_PX = 600;
/** Below this many sites every row is drawn: windowing is for districts joined into provinces. */
const WINDOW_FROM = 40;

const kindLabel = { internet: ui.overview.kindInternet, tslcd: ui.overview.kindTslcd, wan: ui.overview.kindWan, lan: ui.overview.kindLan } as const;
const groupLabel: Record<Grouping, (typeof ui.overview)[keyof typeof ui.overview]> = { none: ui.overview.groupNone, state: ui.overview.groupState, parent: ui.overview.groupParent };
const densityLabel: Record<Density, (typeof ui.overview)[keyof typeof ui.overview]> = { auto: ui.overview.densityAuto, tiles: ui.overview.densityTiles, compact: ui.overview.densityCompact };

/** Heights the windowed list assumes; its CSS holds each row to them. Narrow screens stack a
 * link's figures over its strip. */
const sizesFor = (width: number): Omit<LayoutSizes, 'columns'> => (width < 720 ? { heading: 40, tileBase: 52, tileLink: 92, siteStrip: 20, square: 48 } : { heading: 40, tileBase: 52, tileLink: 46, siteStrip: 20, square: 48 });

/** The overview: counts per state, link kinds and providers that filter, a search, then the
 * sites worst first as tiles, as compact squares (automatic past 60 sites) or on the map. Only
 * the rows on screen are in the page once there are many. */
export class LwOverview extends LitElement {
  static override properties = {
    status: { attribute: false },
    sites: { attribute: false },
    locale: {},
    nowMs: { type: Number },
    search: { state: true },
    chosen: { state: true },
    kinds: { state: true },
    providers: { state: true },
    mode: { state: true },
    density: { state: true },
    grouping: { state: true },
    strips: { state: true },
    links: { state: true },
    viewport: { state: true },
  };
  declare status: StatusReport | undefined;
  declare sites: SiteView[];
  declare locale: Locale;
  declare nowMs: number;
  declare search: string;
  declare chosen: Set<ShownState>;
  declare kinds: Set<LinkKind>;
  declare providers: Set<string>;
  declare mode: ViewMode;
  declare density: Density;
  declare grouping: Grouping;
  declare strips: StripsAnswer | undefined;
  declare links: LinkView[];
  /** Where the list is on screen: its top relative to the viewport's, the viewport's height and the list's width. */
  declare viewport: { top: number; height: number; width: number };
  private stripTimer: number | undefined;
  private frame: number | undefined;
  private resizeObserver: ResizeObserver | undefined;
  private readonly onScroll = () => this.measureSoon();

  constructor() {
    super();
    this.sites = [];
    this.locale = 'vi';
    this.nowMs = Date.now();
    this.search = '';
    this.chosen = new Set();
    this.kinds = new Set();
    this.providers = new Set();
    const prefs = parsePrefs(localStorage.getItem(PREFS_KEY));
    this.mode = prefs.mode;
    this.density = prefs.density;
    this.grouping = prefs.grouping;
    this.links = [];
    this.viewport = { top: 0, height: 900, width: 1200 };
  }

  static override styles = [
    stateColours,
    siteTileStyles,
    css`
    :host { display: block; }
    .filters { display: flex; flex-wrap: wrap; gap: 0.5rem; margin-block-end: 0.6rem; align-items: center; }
    .options { display: flex; flex-wrap: wrap; gap: 0.5rem 1rem; margin-block-end: 1rem; align-items: center; font-size: 0.9rem; }
    .options label { display: inline-flex; gap: 0.4rem; align-items: center; }
    [role='group'] { display: inline-flex; flex-wrap: wrap; gap: 0.3rem; align-items: center; }
    button, select { font: inherit; padding: 0.35rem 0.7rem; border-radius: 0.4rem; border: 1px solid var(--lw-border); background: var(--lw-surface); color: var(--lw-text); cursor: pointer; }
    button[aria-pressed='true'] { outline: 2px solid var(--lw-focus); font-weight: 600; }
    button:focus-visible, select:focus-visible, input:focus-visible, a:focus-visible { outline: 3px solid var(--lw-focus); outline-offset: 2px; }
    button .icon { color: var(--state-colour); }
    input { font: inherit; padding: 0.4rem 0.6rem; min-inline-size: min(16rem, 100%); border: 1px solid var(--lw-border); border-radius: 0.4rem; background: var(--lw-surface); color: var(--lw-text); }
    .shown { color: var(--lw-muted); font-size: 0.9rem; }
    ol { list-style: none; padding: 0; margin: 0; }
    ol > li { box-sizing: border-box; padding-block-end: 0.5rem; }
    .tile { box-sizing: border-box; block-size: 100%; padding: 0.6rem 0.8rem; border-radius: 0.4rem; background: var(--lw-surface); border-inline-start: 0.4rem solid var(--state-colour); }
    .windowed .tile { overflow: hidden; }
    h3 { margin: 0; padding-block: 0.5rem; font-size: 1rem; box-sizing: border-box; }
    h3 .icon { color: var(--state-colour); }
    ol > li.square-row { padding-block-end: 4px; }
    .squares { display: flex; gap: 4px; padding: 0; margin: 0; list-style: none; }
    .squares li { inline-size: 44px; block-size: 44px; }
    .squares a { position: relative; box-sizing: border-box; display: grid; place-items: center; inline-size: 100%; block-size: 100%; border-radius: 4px; background: var(--state-colour); color: var(--lw-surface); text-decoration: none; font-weight: 700; font-size: 1.1rem; }
    .squares [data-state='up'] a { background: var(--lw-surface); color: var(--lw-up); border: 2px solid var(--lw-up); }
    .squares a .tip { display: none; position: absolute; inset-block-start: 100%; inset-inline-start: 0; z-index: 2; white-space: nowrap; padding: 0.2rem 0.4rem; border-radius: 0.3rem; background: var(--lw-text); color: var(--lw-surface); font-size: 0.8rem; font-weight: 400; }
    .squares a:hover .tip, .squares a:focus .tip { display: block; }
  `,
  ];

  override connectedCallback() {
    super.connectedCallback();
    window.addEventListener('scroll', this.onScroll, { passive: true });
    window.addEventListener('resize', this.onScroll, { passive: true });
    this.resizeObserver = new ResizeObserver(() => this.measureSoon());
    this.resizeObserver.observe(this);
    void this.loadLinks();
    void this.loadStrips();
    this.stripTimer = window.setInterval(() => void this.loadStrips(), STRIP_REFRESH_MS);
  }

  override disconnectedCallback() {
    super.disconnectedCallback();
    window.removeEventListener('scroll', this.onScroll);
    window.removeEventListener('resize', this.onScroll);
    this.resizeObserver?.disconnect();
    window.clearInterval(this.stripTimer);
    if (this.frame !== undefined) cancelAnimationFrame(this.frame);
  }

  private async loadLinks() {
    const answer = await fetchLinks();
    if (answer.ok) this.links = answer.value.links;
  }

  /** A failed read keeps the strips shown: an old strip is better than none, and the status
   * banner already tells when the API cannot be read. */
  private async loadStrips() {
    const answer = await fetchStrips({ hours: STRIP_HOURS, buckets: STRIP_BUCKETS });
    if (answer.ok) this.strips = answer.value;
  }

  private measureSoon() {
    if (this.frame !== undefined) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = undefined;
      const list = this.renderRoot.querySelector('ol');
      if (!list) return;
      const rect = list.getBoundingClientRect();
      const next = { top: Math.round(-rect.top), height: window.innerHeight, width: Math.round(rect.width) };
      const now = this.viewport;
      // Redraw only when the window of rows could change: a 50-pixel step is under a row.
      if (Math.abs(next.top - now.top) >= 50 || next.height !== now.height || next.width !== now.width) this.viewport = next;
    });
  }

  /** Filters, density and new data move the list: measured after each render, at most once a
   * frame, and only a move of 50 px or more renders again, so this cannot loop. */
  protected override updated(changed: Map<PropertyKey, unknown>) {
    this.measureSoon();
    if (changed.has('mode') || changed.has('density') || changed.has('grouping')) localStorage.setItem(PREFS_KEY, JSON.stringify({ mode: this.mode, density: this.density, grouping: this.grouping }));
  }

  private toggleIn<T>(set: Set<T>, value: T | undefined): Set<T> {
    const next = new Set(set);
    if (value === undefined) next.clear();
    else if (next.has(value)) next.delete(value);
    else next.add(value);
    return next;
  }

  private stateText(state: ShownState) {
    const entry = stateLabels[state];
    return html`<span class="icon" aria-hidden="true">${entry.icon}</span> ${label(entry, this.locale)}`;
  }

  private filters(all: readonly SiteRow[]) {
    const counts = [...stateCounts(all)].sort(([a], [b]) => stateRank[a] - stateRank[b]);
    const kinds = kindOptions(this.status?.links ?? []);
    const providers = providerOptions(this.links);
    const l = (entry: { vi: string; en: string }) => label(entry, this.locale);
    return html`
      <div class="filters" role="toolbar" aria-label=${l(ui.overview.states)}>
        <button aria-pressed=${this.chosen.size === 0 ? 'true' : 'false'} @click=${() => (this.chosen = new Set())}>${l(ui.overview.all)} · ${all.length}</button>
        ${counts.map(
          ([state, count]) =>
            html`<button data-state=${state} data-filter=${state} aria-pressed=${this.chosen.has(state) ? 'true' : 'false'} @click=${() => (this.chosen = this.toggleIn(this.chosen, state))}>${this.stateText(state)} · ${count}</button>`,
        )}
        <input type="search" aria-label=${l(ui.overview.search)} placeholder=${l(ui.overview.search)} .value=${this.search} @input=${(event: Event) => (this.search = (event.target as HTMLInputElement).value)} />
      </div>
      <div class="options">
        ${kinds.length > 1
          ? html`<span role="group" aria-label=${l(ui.overview.kinds)}>${l(ui.overview.kinds)}:
              ${kinds.map((kind) => html`<button data-kind-filter=${kind} aria-pressed=${this.kinds.has(kind) ? 'true' : 'false'} @click=${() => (this.kinds = this.toggleIn(this.kinds, kind))}>${l(kindLabel[kind])}</button>`)}</span>`
          : ''}
        ${providers.length > 1
          ? html`<span role="group" aria-label=${l(ui.overview.providers)}>${l(ui.overview.providers)}:
              ${providers.map((provider) => html`<button data-provider-filter=${provider} aria-pressed=${this.providers.has(provider) ? 'true' : 'false'} @click=${() => (this.providers = this.toggleIn(this.providers, provider))}>${provider}</button>`)}</span>`
          : ''}
        <span role="group" aria-label=${l(ui.overview.view)}>
          ${(['list', 'map'] as const).map((mode) => html`<button data-view=${mode} aria-pressed=${this.mode === mode ? 'true' : 'false'} @click=${() => (this.mode = mode)}>${l(mode === 'list' ? ui.overview.viewList : ui.overview.viewMap)}</button>`)}
        </span>
        ${this.mode === 'list'
          ? html`<span role="group" aria-label=${l(ui.overview.density)}>${l(ui.overview.density)}:
                ${(['auto', 'tiles', 'compact'] as const).map((density) => html`<button data-density=${density} aria-pressed=${this.density === density ? 'true' : 'false'} @click=${() => (this.density = density)}>${l(densityLabel[density])}</button>`)}</span>
              <span role="group" aria-label=${l(ui.overview.group)}>${l(ui.overview.group)}:
                ${(['none', 'state', 'parent'] as const).map((grouping) => html`<button data-group-by=${grouping} aria-pressed=${this.grouping === grouping ? 'true' : 'false'} @click=${() => (this.grouping = grouping)}>${l(groupLabel[grouping])}</button>`)}</span>`
          : ''}
      </div>`;
  }

  private heading(item: Extract<LayoutItem, { kind: 'heading' }>, names: ReadonlyMap<string, string>) {
    const text =
      this.grouping === 'state'
        ? this.stateText(item.key as ShownState)
        : this.grouping === 'parent'
          ? item.key === ''
            ? label(ui.overview.noParent, this.locale)
            : (names.get(item.key) ?? item.key)
          : '';
    return html`<h3 data-group=${item.key} data-state=${item.worst}>${text} · ${item.count}</h3>`;
  }

  private item(item: LayoutItem, windowed: boolean, names: ReadonlyMap<string, string>) {
    const size = windowed ? styleMap({ blockSize: `${item.height}px` }) : styleMap({});
    switch (item.kind) {
      case 'heading':
        return html`<li class="heading" style=${size}>${this.heading(item, names)}</li>`;
      case 'tile':
        return html`<li data-site=${item.row.id} data-state=${item.row.state} style=${size}>
          <lw-site-tile class="tile" data-state=${item.row.state} .row=${item.row} .strips=${this.strips} locale=${this.locale} .nowMs=${this.nowMs}></lw-site-tile>
        </li>`;
      case 'squares':
        return html`<li class="square-row" style=${size}><ul class="squares">
          ${item.rows.map((row) => {
            const entry = stateLabels[row.state];
            const text = `${row.name} · ${label(entry, this.locale)}`;
            const first = row.links[0];
            return html`<li data-site=${row.id} data-state=${row.state} data-compact>
              <a href=${first ? routeHref({ view: 'link', id: first.id }) : '#/'} aria-label=${text} title=${text}><span aria-hidden="true">${entry.icon}</span><span class="tip" aria-hidden="true">${text}</span></a>
            </li>`;
          })}
        </ul></li>`;
    }
  }

  override render() {
    if (!this.status) return html``;
    const all = overviewRows(this.status, this.sites, {}, this.links);
    const rows = overviewRows(this.status, this.sites, { search: this.search, states: this.chosen, kinds: this.kinds, providers: this.providers }, this.links);
    const names = new Map(this.sites.map((site) => [site.id, site.name]));
    const head = html`${this.filters(all)}<p class="shown" aria-live="polite">${rows.length} / ${all.length} ${label(ui.overview.shown, this.locale)}</p>`;
    if (rows.length === 0) return html`${head}<p>${label(ui.overview.none, this.locale)}</p><ol></ol>`;
    if (this.mode === 'map') return html`${head}<lw-site-map .rows=${rows} .sites=${this.sites} .links=${this.links} locale=${this.locale}></lw-site-map>`;

    const compact = isCompact(this.density, all.length);
    const sizes = sizesFor(this.viewport.width);
    const columns = Math.max(1, Math.floor((this.viewport.width + 4) / 48));
    const items = layoutItems(groupRows(rows, this.grouping), compact, { ...sizes, columns });
    const windowed = rows.length >= WINDOW_FROM;
    const span = windowed ? visibleWindow(items.map((item) => item.height), { top: this.viewport.top, height: this.viewport.height, overscan: OVERSCAN_PX }) : { start: 0, end: items.length, before: 0, after: 0 };
    return html`${head}
      <ol class=${windowed ? 'windowed' : ''} data-compact=${compact ? 'yes' : 'no'} data-rows=${rows.length} style=${styleMap({ paddingBlockStart: `${span.before}px`, paddingBlockEnd: `${span.after}px` })}>
        ${items.slice(span.start, span.end).map((item) => this.item(item, windowed, names))}
      </ol>`;
  }
}

customElements.define('lw-overview', LwOverview);

declare global {
  interface HTMLElementTagNameMap {
    'lw-overview': LwOverview;
  }
}
