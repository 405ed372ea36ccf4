import { css, html, LitElement, type PropertyValues } from 'lit';
import type uPlot from 'uplot';
import { createFormatter } from '../lib/format.ts';
import { label, type Locale, ui } from '../lib/i18n.ts';
import { axisTimeLabel, symmetricRange, TRAFFIC_SERIES, withAlpha, type TrafficChart } from '../lib/link-charts.ts';
import { UplotChartController } from '../controllers/uplot-chart.ts';
import { chartStyles } from '../styles/chart.ts';

/** Traffic of a link: In above the axis, Out mirrored below, the contracted capacity dashed and
 * the 95th percentile. Zoom is asked of the parent through the chart controller's events. */
export class LwTrafficChart extends LitElement {
  static override properties = { chart: { attribute: false }, locale: {}, fromMs: { type: Number }, toMs: { type: Number }, syncKey: {} };
  declare chart: TrafficChart | undefined;
  declare locale: Locale;
  declare fromMs: number;
  declare toMs: number;
  declare syncKey: string;
  private readonly plot = new UplotChartController(this);

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
    chartStyles,
    css`
      :host { display: block; --in: var(--lw-traffic-in); --out: var(--lw-traffic-out); --capacity: var(--lw-down); --p95: var(--lw-degraded); }
      p { margin: 0.3rem 0; color: var(--lw-muted); }
    `,
  ];

  protected override updated(changed: PropertyValues<this>) {
    if (changed.has('chart') || changed.has('locale') || changed.has('fromMs') || changed.has('toMs')) this.plot.draw(this.chart && { options: this.options(this.chart), data: this.chart.data as uPlot.AlignedData });
  }

  private options(chart: TrafficChart): Omit<uPlot.Options, 'width' | 'height'> {
    const format = createFormatter({ locale: this.locale });
    const colour = (name: string) => this.plot.colour(name);
    const rate = (value: number | null) => (value === null ? '—' : format.bitRate(Math.abs(value)));
    const { p95 } = chart;
    const words = ui.linkDetail;
    const dashed = [6, 4];
    const flat = { points: { show: false }, width: 1.5 };
    const series: uPlot.Series[] = [];
    series[0] = { label: '', value: (_u, s) => (s === null ? '—' : format.dateTime(s * 1_000)) };
    series[TRAFFIC_SERIES.in] = { label: label(words.trafficIn, this.locale), stroke: colour('--in'), fill: withAlpha(colour('--in'), 0.2), value: (_u, v) => rate(v), width: 1.5 };
    series[TRAFFIC_SERIES.out] = { label: label(words.trafficOut, this.locale), stroke: colour('--out'), fill: withAlpha(colour('--out'), 0.2), value: (_u, v) => rate(v), width: 1.5 };
    series[TRAFFIC_SERIES.capacityIn] = { ...flat, label: label(words.capacityIn, this.locale), stroke: colour('--capacity'), dash: dashed, value: (_u, v) => rate(v) };
    series[TRAFFIC_SERIES.capacityOut] = { ...flat, label: label(words.capacityOut, this.locale), stroke: colour('--capacity'), dash: dashed, value: (_u, v) => rate(v) };
    series[TRAFFIC_SERIES.p95In] = { ...flat, label: `${label(words.p95In, this.locale)} ${p95.inBps === null ? '—' : format.bitRate(p95.inBps)}`, stroke: colour('--p95'), dash: [2, 3], value: (_u, v) => rate(v) };
    series[TRAFFIC_SERIES.p95Out] = { ...flat, label: `${label(words.p95Out, this.locale)} ${p95.outBps === null ? '—' : format.bitRate(p95.outBps)}`, stroke: colour('--p95'), dash: [2, 3], value: (_u, v) => rate(v) };
    const axis = this.plot.axisStyle();
    return {
      scales: { y: { range: (_u, min, max) => symmetricRange(min, max) } },
      series,
      axes: [
        { ...axis, space: 110, values: (_u, splits) => splits.map((s) => axisTimeLabel(s * 1_000, this.locale)) },
        { ...axis, size: 80, values: (_u, splits) => splits.map((s) => format.bitRate(Math.abs(s))) },
      ],
    };
  }

  override render() {
    const p95 = this.chart?.p95;
    const format = createFormatter({ locale: this.locale });
    return html`<div class="plot" role="group" aria-label=${`${label(ui.linkDetail.traffic, this.locale)} — ${label(ui.linkDetail.chartKeys, this.locale)}`}></div>
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
