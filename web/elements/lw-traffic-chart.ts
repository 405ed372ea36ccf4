/// <reference types="vite/client" />
import { css, html, LitElement, unsafeCSS, type PropertyValues } from 'lit';
import uPlot from 'uplot';
import uplotCss from 'uplot/dist/uPlot.min.css?inline';
import { createFormatter, DISTRICT_TIME_ZONE } from '../lib/format.ts';
import { label, type Locale, ui } from '../lib/i18n.ts';
import { axisTimeLabel, symmetricRange, TRAFFIC_SERIES, withAlpha, type TrafficChart } from '../lib/link-charts.ts';

/** Traffic of a link: In above the axis, Out mirrored below, the contracted capacity dashed and
 * the 95th percentile. A drag asks for that range (`lw-zoom`), a double-click for the preset
 * (`lw-zoom-reset`); the parent refetches, so the buckets always fit the range shown. */
export class LwTrafficChart extends LitElement {
  static override properties = { chart: { attribute: false }, locale: {}, fromMs: { type: Number }, toMs: { type: Number }, syncKey: {} };
  declare chart: TrafficChart | undefined;
  declare locale: Locale;
  declare fromMs: number;
  declare toMs: number;
  declare syncKey: string;
  private plot: uPlot | undefined;
  private resizer: ResizeObserver | undefined;

  constructor() {
    super();
    this.locale = 'vi';
    this.fromMs = 0;
    this.toMs = 0;
    this.syncKey = 'lw-link';
  }

  /** What was handed to uPlot, for tests and for whoever reads the page's data. */
  get chartData(): TrafficChart['data'] | undefined {
    return this.chart?.data;
  }

  static override styles = [
    unsafeCSS(uplotCss),
    css`
      :host { display: block; --in: var(--lw-traffic-in, #1a5fb4); --out: var(--lw-traffic-out, #26a269); --capacity: var(--lw-down); --p95: var(--lw-degraded); }
      .plot { inline-size: 100%; min-block-size: 16rem; }
      .uplot { inline-size: 100%; font-family: inherit; }
      .u-legend { color: var(--lw-text); font-size: 0.85rem; }
      .u-select { background: color-mix(in srgb, var(--lw-focus) 20%, transparent); }
      p { margin: 0.3rem 0; color: var(--lw-muted); }
    `,
  ];

  override connectedCallback() {
    super.connectedCallback();
    this.resizer = new ResizeObserver(() => this.fit());
  }

  override disconnectedCallback() {
    super.disconnectedCallback();
    this.resizer?.disconnect();
    this.plot?.destroy();
    this.plot = undefined;
  }

  private get container(): HTMLElement | null {
    return this.renderRoot.querySelector('.plot');
  }

  private fit() {
    const container = this.container;
    if (this.plot && container) this.plot.setSize({ width: Math.max(280, container.clientWidth), height: 260 });
  }

  protected override updated(changed: PropertyValues<this>) {
    if (changed.has('chart') || changed.has('locale') || changed.has('fromMs') || changed.has('toMs')) this.draw();
  }

  private colour(name: string): string {
    return getComputedStyle(this).getPropertyValue(name).trim() || 'gray';
  }

  private draw() {
    const container = this.container;
    this.plot?.destroy();
    this.plot = undefined;
    if (!container || !this.chart) return;
    this.resizer?.observe(container);
    const format = createFormatter({ locale: this.locale });
    const rate = (value: number | null) => (value === null ? '—' : format.bitRate(Math.abs(value)));
    const { p95 } = this.chart;
    const words = ui.linkDetail;
    const dashed = [6, 4];
    const flat = { points: { show: false }, width: 1.5 };
    const series: uPlot.Series[] = [];
    series[0] = { label: '', value: (_u, s) => (s === null ? '—' : format.dateTime(s * 1_000)) };
    series[TRAFFIC_SERIES.in] = { label: label(words.trafficIn, this.locale), stroke: this.colour('--in'), fill: withAlpha(this.colour('--in'), 0.2), value: (_u, v) => rate(v), width: 1.5 };
    series[TRAFFIC_SERIES.out] = { label: label(words.trafficOut, this.locale), stroke: this.colour('--out'), fill: withAlpha(this.colour('--out'), 0.2), value: (_u, v) => rate(v), width: 1.5 };
    series[TRAFFIC_SERIES.capacityIn] = { ...flat, label: label(words.capacityIn, this.locale), stroke: this.colour('--capacity'), dash: dashed, value: (_u, v) => rate(v) };
    series[TRAFFIC_SERIES.capacityOut] = { ...flat, label: label(words.capacityOut, this.locale), stroke: this.colour('--capacity'), dash: dashed, value: (_u, v) => rate(v) };
    series[TRAFFIC_SERIES.p95In] = { ...flat, label: `${label(words.p95In, this.locale)} ${p95.inBps === null ? '—' : format.bitRate(p95.inBps)}`, stroke: this.colour('--p95'), dash: [2, 3], value: (_u, v) => rate(v) };
    series[TRAFFIC_SERIES.p95Out] = { ...flat, label: `${label(words.p95Out, this.locale)} ${p95.outBps === null ? '—' : format.bitRate(p95.outBps)}`, stroke: this.colour('--p95'), dash: [2, 3], value: (_u, v) => rate(v) };
    const axisColour = this.colour('--lw-muted');
    const grid = { stroke: this.colour('--lw-border'), width: 1 };
    const options: uPlot.Options = {
      width: Math.max(280, container.clientWidth),
      height: 260,
      tzDate: (ts) => uPlot.tzDate(new Date(ts * 1_000), DISTRICT_TIME_ZONE),
      scales: { x: { time: true, range: () => [this.fromMs / 1_000, this.toMs / 1_000] }, y: { range: (_u, min, max) => symmetricRange(min, max) } },
      series,
      axes: [
        { stroke: axisColour, grid, space: 110, values: (_u, splits) => splits.map((s) => axisTimeLabel(s * 1_000, this.locale)) },
        { stroke: axisColour, grid, size: 80, values: (_u, splits) => splits.map((s) => format.bitRate(Math.abs(s))) },
      ],
      cursor: { sync: { key: this.syncKey }, drag: { x: true, y: false, setScale: false } },
      hooks: { setSelect: [(u) => this.selected(u)] },
    };
    this.plot = new uPlot(options, this.chart.data as uPlot.AlignedData, container);
    this.plot.over.addEventListener('dblclick', () => this.dispatchEvent(new CustomEvent('lw-zoom-reset', { bubbles: true, composed: true })));
  }

  private selected(u: uPlot) {
    if (u.select.width < 3) return;
    const fromS = u.posToVal(u.select.left, 'x');
    const toS = u.posToVal(u.select.left + u.select.width, 'x');
    u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
    this.dispatchEvent(new CustomEvent('lw-zoom', { detail: { fromS, toS }, bubbles: true, composed: true }));
  }

  override render() {
    const p95 = this.chart?.p95;
    const format = createFormatter({ locale: this.locale });
    return html`<div class="plot" role="group" aria-label=${label(ui.linkDetail.traffic, this.locale)}></div>
      ${p95
        ? html`<p data-p95-in=${p95.inBps ?? ''} data-p95-out=${p95.outBps ?? ''}>
            ${label(ui.linkDetail.p95In, this.locale)}: ${p95.inBps === null ? '—' : format.bitRate(p95.inBps)} ·
            ${label(ui.linkDetail.p95Out, this.locale)}: ${p95.outBps === null ? '—' : format.bitRate(p95.outBps)}
            ${this.chart?.capacity ? html` · ${label(ui.linkDetail.capacity, this.locale)}: ↓ ${format.bitRate(this.chart.capacity.inBps)} ↑ ${format.bitRate(this.chart.capacity.outBps)}` : ''}
          </p>`
        : ''}`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'lw-traffic-chart': LwTrafficChart;
  }
}

customElements.define('lw-traffic-chart', LwTrafficChart);
