import { css, html, LitElement, svg } from 'lit';
import type { LinkView, SiteView } from '../../api/inventory.ts';
import { label, stateLabels, type Locale, type ShownState, ui } from '../lib/i18n.ts';
import { layoutMap, type MapLayout } from '../lib/map.ts';
import type { SiteRow } from '../lib/overview.ts';
import { routeHref } from '../lib/route.ts';
import { stateColours } from '../styles/state-colours.ts';

const WIDTH = 960;
const HEIGHT = 540;
const R = 9;

/** A shape per state, so the map reads without colour: circle up, triangle degraded, cross down,
 * diamond unreachable, square maintenance, hollow circle no data. */
function shape(state: ShownState, x: number, y: number) {
  switch (state) {
    case 'up':
      return svg`<circle cx=${x} cy=${y} r=${R}></circle>`;
    case 'degraded':
      return svg`<polygon points=${`${x},${y - R - 1} ${x + R + 1},${y + R} ${x - R - 1},${y + R}`}></polygon>`;
    case 'down':
      return svg`<path d=${`M${x - R},${y - R + 3} l3,-3 l${R - 3},${R - 3} l${R - 3},-${R - 3} l3,3 l-${R - 3},${R - 3} l${R - 3},${R - 3} l-3,3 l-${R - 3},-${R - 3} l-${R - 3},${R - 3} l-3,-3 l${R - 3},-${R - 3} z`}></path>`;
    case 'unreachable':
      return svg`<polygon points=${`${x},${y - R - 2} ${x + R + 2},${y} ${x},${y + R + 2} ${x - R - 2},${y}`}></polygon>`;
    case 'maintenance':
      return svg`<rect x=${x - R + 1} y=${y - R + 1} width=${2 * R - 2} height=${2 * R - 2}></rect>`;
    case 'unknown':
    case 'stale':
      return svg`<circle class="hollow" cx=${x} cy=${y} r=${R - 1}></circle>`;
  }
}

/** The schematic map: sites at their coordinates on plain SVG, lines to their parents and
 * upstream sites, each site a shape and colour by state with its name and state as a title,
 * reachable by keyboard (its first link's page). Sites without coordinates wait in a row below. */
export class LwSiteMap extends LitElement {
  static override properties = {
    rows: { attribute: false },
    sites: { attribute: false },
    links: { attribute: false },
    locale: {},
  };
  declare rows: SiteRow[];
  declare sites: SiteView[];
  declare links: LinkView[];
  declare locale: Locale;
  private cached: { sites: SiteView[]; links: LinkView[]; ids: string; layout: MapLayout } | undefined;

  constructor() {
    super();
    this.rows = [];
    this.sites = [];
    this.links = [];
    this.locale = 'vi';
  }

  static override styles = [
    stateColours,
    css`
    :host { display: block; }
    svg { inline-size: 100%; block-size: auto; background: var(--lw-surface); border: 1px solid var(--lw-border); border-radius: 0.4rem; }
    line { stroke: var(--lw-border); stroke-width: 1.5; }
    g.site { fill: var(--state-colour); stroke: var(--lw-surface); stroke-width: 1; }
    g.site .hollow { fill: var(--lw-surface); stroke: var(--state-colour); stroke-width: 2.5; }
    text { fill: var(--lw-text); stroke: none; font-size: 11px; }
    .unplaced { fill: var(--lw-muted); font-size: 12px; }
    a:focus-visible g.site, a:focus g.site { stroke: var(--lw-focus); stroke-width: 3; }
    p { color: var(--lw-muted); font-size: 0.9rem; }
  `,
  ];

  /** The layout depends on the inventory and the sites shown, not on their states: kept while
   * those stay, so a state change redraws colours without recomputing positions. */
  private layout(): MapLayout {
    const ids = this.rows.map((row) => row.id).join(',');
    if (this.cached && this.cached.sites === this.sites && this.cached.links === this.links && this.cached.ids === ids) return this.cached.layout;
    const shown = new Set(this.rows.map((row) => row.id));
    const inventory = new Map(this.sites.map((site) => [site.id, site]));
    const siteOfLink = new Map(this.links.map((link) => [link.id, link.site]));
    const mapSites = this.rows.map((row) => {
      const view = inventory.get(row.id);
      return { id: row.id, ...(view?.location ? { location: view.location } : {}), ...(view?.parent !== undefined && shown.has(view.parent) ? { parent: view.parent } : {}) };
    });
    const hints = this.links.filter((link) => shown.has(link.site)).map((link) => ({ site: link.site, ...(link.upstream !== undefined && siteOfLink.has(link.upstream) ? { upstreamSite: siteOfLink.get(link.upstream)! } : {}) }));
    const layout = layoutMap(mapSites, hints, { width: WIDTH, height: mapSites.some((site) => site.location) ? HEIGHT : 0, padding: 30, spacing: 60 });
    this.cached = { sites: this.sites, links: this.links, ids, layout };
    return layout;
  }

  override render() {
    const layout = this.layout();
    const rows = new Map(this.rows.map((row) => [row.id, row]));
    const height = Math.max(layout.height, 80);
    return html`
      <svg viewBox="0 0 ${WIDTH} ${height}" role="group" aria-label=${label(ui.overview.mapTitle, this.locale)}>
        ${layout.lines.map((line) => svg`<line data-from=${line.from} data-to=${line.to} x1=${line.x1} y1=${line.y1} x2=${line.x2} y2=${line.y2}></line>`)}
        ${layout.unplacedTop !== undefined ? svg`<text class="unplaced" x="8" y=${layout.unplacedTop + 14}>${label(ui.overview.unplaced, this.locale)} (${layout.unplaced})</text>` : ''}
        ${layout.sites.map((place) => {
          const row = rows.get(place.id);
          if (!row) return '';
          const title = `${row.name} · ${stateLabels[row.state].icon} ${label(stateLabels[row.state], this.locale)}`;
          const first = row.links[0];
          const body = svg`<g class="site" data-map-site=${row.id} data-state=${row.state} data-placed=${place.placed ? 'yes' : 'no'}><title>${title}</title>${shape(row.state, place.x, place.y)}<text x=${place.x + R + 4} y=${place.y + 4}>${row.name}</text></g>`;
          return first ? svg`<a href=${routeHref({ view: 'link', id: first.id })} aria-label=${title}>${body}</a>` : body;
        })}
      </svg>
      <p>${label(ui.overview.mapLegend, this.locale)}${layout.unplaced > 0 ? html` · ${label(ui.overview.unplaced, this.locale)}: ${layout.unplaced}` : ''}</p>
    `;
  }
}

customElements.define('lw-site-map', LwSiteMap);

declare global {
  interface HTMLElementTagNameMap {
    'lw-site-map': LwSiteMap;
  }
}
