import { css, html, LitElement, type PropertyValues } from 'lit';
import type { LinkView } from '../../api/inventory.ts';
import type { StatusReport } from '../../api/status.ts';
import type { Fetched } from '../api/client.ts';
import { fetchDailyAvailability, fetchLatency, fetchLink, fetchTraffic, type AvailabilityAnswer, type LinkLatencyAnswer, type TrafficAnswer } from '../api/series.ts';
import { dayCells, outageRows } from '../lib/day-strip.ts';
import { createFormatter } from '../lib/format.ts';
import { label, stateLabels, type Locale, ui } from '../lib/i18n.ts';
import { latencyChart, maxPointsFor, presetNames, rangeQuery, trafficChart, zoomRange, type ChartRange, type Preset } from '../lib/link-charts.ts';
import { shownState } from '../lib/order.ts';
import { routeHref } from '../lib/route.ts';
import './lw-day-strip.ts';
import './lw-latency-chart.ts';
import './lw-outage-list.ts';
import './lw-traffic-chart.ts';
import { stateColours } from '../styles/state-colours.ts';

/** A fetch in flight, answered, or failed: each part of the view shows its own. */
type Load<T> = { kind: 'loading' } | { kind: 'ready'; value: T } | { kind: 'failed'; message: string };
const loaded = <T>(result: Fetched<T>): Load<T> => (result.ok ? { kind: 'ready', value: result.value } : { kind: 'failed', message: result.message });

const presetLabels: Record<Preset, keyof typeof ui.linkDetail> = { '3h': 'preset3h', '30h': 'preset30h', '10d': 'preset10d', '360d': 'preset360d' };
const STRIP_DAYS = 90;

/** One link's history: traffic, latency, daily availability and outages. */
export class LwLinkDetail extends LitElement {
  static override properties = {
    linkId: {},
    locale: {},
    status: { attribute: false },
    nowMs: { type: Number },
    range: { state: true },
    target: { state: true },
    link: { state: true },
    traffic: { state: true },
    latency: { state: true },
    daily: { state: true },
  };
  declare linkId: string;
  declare locale: Locale;
  declare status: StatusReport | undefined;
  declare nowMs: number;
  declare range: ChartRange;
  /** The ICMP target shown, by address; the first when not chosen. */
  declare target: string | undefined;
  declare link: Load<LinkView>;
  declare traffic: Load<TrafficAnswer>;
  declare latency: Load<LinkLatencyAnswer>;
  declare daily: Load<AvailabilityAnswer>;
  /** Kept across a zoom so a dragged range is read at the preset's density. */
  private maxPoints = 0;
  /** Answers to an older request are dropped: the newest range wins. */
  private seriesRequest = 0;
  private linkRequest = 0;

  constructor() {
    super();
    this.linkId = '';
    this.locale = 'vi';
    this.nowMs = Date.now();
    this.range = { kind: 'preset', preset: '3h' };
    this.link = { kind: 'loading' };
    this.traffic = { kind: 'loading' };
    this.latency = { kind: 'loading' };
    this.daily = { kind: 'loading' };
  }

  static override styles = [
    stateColours,
    css`
    :host { display: block; }
    a { color: var(--lw-focus); }
    header { display: flex; flex-wrap: wrap; align-items: baseline; gap: 0.5rem 1.5rem; }
    h2 { margin: 0.5rem 0; font-size: 1.3rem; }
    dl { display: grid; grid-template-columns: max-content 1fr; gap: 0.2rem 1rem; margin: 0 0 1rem; }
    dt { color: var(--lw-muted); }
    dd { margin: 0; }
    section { background: var(--lw-surface); border: 1px solid var(--lw-border); border-radius: 0.4rem; padding: 0.6rem 0.8rem; margin-block-end: 1rem; }
    h3 { margin: 0 0 0.4rem; font-size: 1.05rem; }
    .toolbar { display: flex; flex-wrap: wrap; gap: 0.4rem; align-items: center; margin-block-end: 0.5rem; }
    button, select { font: inherit; padding: 0.35rem 0.7rem; border-radius: 0.4rem; border: 1px solid var(--lw-border); background: var(--lw-surface); color: var(--lw-text); cursor: pointer; }
    button[aria-pressed='true'] { outline: 2px solid var(--lw-focus); font-weight: 600; }
    button:focus-visible, select:focus-visible, a:focus-visible { outline: 2px solid var(--lw-focus); outline-offset: 2px; }
    .hint, .muted { color: var(--lw-muted); font-size: 0.9rem; margin: 0.2rem 0; }
    .failed { color: var(--lw-down); font-weight: 600; }
    .state { font-weight: 600; color: var(--state-colour); }
  `,
  ];

  protected override willUpdate(changed: PropertyValues<this>) {
    if (changed.has('linkId')) {
      this.range = { kind: 'preset', preset: this.range.preset };
      this.target = undefined;
      void this.loadLink();
      void this.loadSeries();
      return;
    }
    if (changed.has('range')) void this.loadSeries();
    const before = changed.get('status') as StatusReport | undefined;
    // The live preset follows the status: a new report means new rounds were written.
    if (changed.has('status') && before !== undefined && before.generatedMs !== this.status?.generatedMs && this.range.kind === 'preset' && this.range.preset === '3h') void this.loadSeries();
  }

  private async loadLink() {
    const id = this.linkId;
    const request = ++this.linkRequest;
    this.link = { kind: 'loading' };
    this.daily = { kind: 'loading' };
    const [link, daily] = await Promise.all([fetchLink(id), fetchDailyAvailability(id, STRIP_DAYS)]);
    if (request !== this.linkRequest) return;
    this.link = loaded(link);
    this.daily = loaded(daily);
  }

  private async loadSeries() {
    if (!this.linkId) return;
    const request = ++this.seriesRequest;
    if (this.range.kind === 'preset' || this.maxPoints === 0) this.maxPoints = maxPointsFor(this.clientWidth || 800);
    const params = { ...rangeQuery(this.range), maxPoints: this.maxPoints };
    const [traffic, latency] = await Promise.all([fetchTraffic(this.linkId, params), fetchLatency(this.linkId, params)]);
    if (request !== this.seriesRequest) return;
    this.traffic = loaded(traffic);
    this.latency = loaded(latency);
  }

  private zoom(event: CustomEvent<{ fromS: number; toS: number }>) {
    const next = zoomRange(this.range.preset, event.detail.fromS, event.detail.toS);
    if (next) this.range = next;
  }

  private failed(message: string) {
    return html`<p class="failed" role="alert">✕ ${label(ui.linkDetail.failed, this.locale)}: ${message}</p>`;
  }

  private loading() {
    return html`<p class="muted" aria-live="polite">${label(ui.linkDetail.loading, this.locale)}</p>`;
  }

  private header() {
    const words = ui.linkDetail;
    const format = createFormatter({ locale: this.locale });
    const status = this.status?.links.find((entry) => entry.id === this.linkId);
    const shown = status ? shownState(status) : undefined;
    const link = this.link.kind === 'ready' ? this.link.value : undefined;
    const stateText = shown
      ? html`<span class="state" data-state=${shown}><span aria-hidden="true">${stateLabels[shown].icon}</span> ${label(stateLabels[shown], this.locale)}</span>${
          status?.sinceMs !== undefined ? html` · ${label(words.since, this.locale)} ${format.dateTime(status.sinceMs)} (${format.duration(this.nowMs - status.sinceMs)})` : ''
        }`
      : html`<span class="muted">${label(words.loading, this.locale)}</span>`;
    return html`
      <header>
        <h2>${link?.name ?? this.linkId} <span class="muted">${link?.name ? this.linkId : ''}</span></h2>
      </header>
      ${this.link.kind === 'failed' ? this.failed(this.link.message) : ''}
      <dl>
        <dt>${label(words.state, this.locale)}</dt><dd data-link-state=${shown ?? ''}>${stateText}</dd>
        ${link
          ? html`
              <dt>${label(words.site, this.locale)}</dt><dd>${link.site}</dd>
              <dt>${label(words.kind, this.locale)}</dt><dd>${label(link.kind === 'tslcd' ? words.kindTslcd : words.kindInternet, this.locale)}</dd>
              <dt>${label(words.provider, this.locale)}</dt><dd>${link.provider ?? label(words.none, this.locale)}</dd>
              ${link.circuit ? html`<dt>${label(words.circuit, this.locale)}</dt><dd>${link.circuit}</dd>` : ''}
              ${link.supportPhone ? html`<dt>${label(words.supportPhone, this.locale)}</dt><dd><a href="tel:${link.supportPhone}">${link.supportPhone}</a></dd>` : ''}
              <dt>${label(words.capacity, this.locale)}</dt>
              <dd data-capacity>${link.capacity ? `↓ ${format.bitRate(link.capacity.downMbps * 1e6)} · ↑ ${format.bitRate(link.capacity.upMbps * 1e6)}` : label(words.none, this.locale)}</dd>
            `
          : ''}
      </dl>`;
  }

  private toolbar() {
    const words = ui.linkDetail;
    const format = createFormatter({ locale: this.locale });
    const range = this.range;
    return html`<div class="toolbar" role="group" aria-label=${label(words.range, this.locale)}>
        ${presetNames.map(
          (preset) => html`<button data-preset=${preset} aria-pressed=${range.kind === 'preset' && range.preset === preset ? 'true' : 'false'} @click=${() => (this.range = { kind: 'preset', preset })}>
            ${label(words[presetLabels[preset]], this.locale)}
          </button>`,
        )}
        ${range.kind === 'zoom'
          ? html`<span data-zoomed>${label(words.zoomed, this.locale)} ${format.dateTime(range.fromMs)} – ${format.dateTime(range.toMs)}</span>
              <button data-reset @click=${() => (this.range = { kind: 'preset', preset: range.preset })}>${label(words.resetZoom, this.locale)}</button>`
          : ''}
      </div>
      <p class="hint">${label(words.zoomHint, this.locale)}</p>`;
  }

  private trafficSection() {
    const words = ui.linkDetail;
    const traffic = this.traffic;
    const link = this.link.kind === 'ready' ? this.link.value : undefined;
    let body;
    if (traffic.kind === 'loading') body = this.loading();
    else if (traffic.kind === 'failed') body = link && (link.device === undefined || link.interface === undefined) ? html`<p class="muted">${label(words.noTraffic, this.locale)}</p>` : this.failed(traffic.message);
    else
      body = html`<lw-traffic-chart
        data-from-ms=${traffic.value.fromMs}
        data-to-ms=${traffic.value.toMs}
        .chart=${trafficChart(traffic.value.columns, link?.capacity)}
        .fromMs=${traffic.value.fromMs}
        .toMs=${traffic.value.toMs}
        syncKey=${`lw-link-${this.linkId}`}
        locale=${this.locale}
      ></lw-traffic-chart>`;
    return html`<section data-section="traffic"><h3>${label(words.traffic, this.locale)}</h3>${body}</section>`;
  }

  private latencySection() {
    const words = ui.linkDetail;
    const latency = this.latency;
    let body;
    if (latency.kind === 'loading') body = this.loading();
    else if (latency.kind === 'failed') body = this.failed(latency.message);
    else {
      const targets = latency.value.targets;
      const chosen = targets.find((entry) => entry.target === this.target) ?? targets[0];
      body = html`${targets.length > 1
          ? html`<label>${label(words.target, this.locale)}
              <select @change=${(event: Event) => (this.target = (event.target as HTMLSelectElement).value)}>
                ${targets.map((entry) => html`<option value=${entry.target} ?selected=${entry === chosen}>${entry.target}</option>`)}
              </select></label>`
          : chosen
            ? html`<p class="muted">${label(words.target, this.locale)}: ${chosen.target}</p>`
            : ''}
        ${chosen
          ? html`<lw-latency-chart
              data-target=${chosen.target}
              .chart=${latencyChart(chosen.columns)}
              .fromMs=${latency.value.fromMs}
              .toMs=${latency.value.toMs}
              syncKey=${`lw-link-${this.linkId}`}
              locale=${this.locale}
            ></lw-latency-chart>`
          : html`<p class="muted">${label(words.noData, this.locale)}</p>`}`;
    }
    return html`<section data-section="latency"><h3>${label(words.latency, this.locale)}</h3>${body}</section>`;
  }

  private availabilitySections() {
    const words = ui.linkDetail;
    const daily = this.daily;
    const format = createFormatter({ locale: this.locale });
    if (daily.kind !== 'ready') {
      const body = daily.kind === 'loading' ? this.loading() : this.failed(daily.message);
      return html`<section data-section="availability"><h3>${label(words.availability, this.locale)}</h3>${body}</section>`;
    }
    const answer = daily.value;
    return html`<section data-section="availability">
        <h3>${label(words.availability, this.locale)}${answer.availabilityPct !== null ? html` · <span data-availability>${format.percent(answer.availabilityPct)}</span>` : ''}</h3>
        <lw-day-strip .cells=${dayCells(answer.days ?? [], STRIP_DAYS)} locale=${this.locale}></lw-day-strip>
      </section>
      <section data-section="outages">
        <h3>${label(words.outages, this.locale)}</h3>
        <lw-outage-list .rows=${outageRows(answer.outages)} locale=${this.locale} .nowMs=${this.nowMs}></lw-outage-list>
      </section>`;
  }

  override render() {
    return html`<a href=${routeHref({ view: 'overview' })}>← ${label(ui.linkDetail.back, this.locale)}</a>
      ${this.header()}
      <div @lw-zoom=${(event: CustomEvent<{ fromS: number; toS: number }>) => this.zoom(event)} @lw-zoom-reset=${() => (this.range = { kind: 'preset', preset: this.range.preset })}>
        ${this.toolbar()} ${this.trafficSection()} ${this.latencySection()}
      </div>
      ${this.availabilitySections()}`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'lw-link-detail': LwLinkDetail;
  }
}

customElements.define('lw-link-detail', LwLinkDetail);
