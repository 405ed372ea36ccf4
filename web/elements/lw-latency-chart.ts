import { css, html, LitElement, unsafeCSS, type PropertyValues } from 'lit';
import type uPlot from 'uplot';
import { createFormatter } from '../lib/format.ts';
import { label, type Locale, ui } from '../lib/i18n.ts';
import { axisTimeLabel, LATENCY_BANDS, LATENCY_SERIES, lossSteps, withAlpha, type LatencyChart, type LossStep } from '../lib/link-charts.ts';
import { UplotChartController } from '../controllers/uplot-chart.ts';
import { chartStyles } from '../styles/chart.ts';

/** The legend's word for each loss step. */
const stepLabels: Record<LossStep, keyof typeof ui.linkDetail> = { none: 'lossNone', le5: 'lossLe5', le10: 'lossLe10', le20: 'lossLe20', le50: 'lossLe50', over50: 'lossOver50' };

/** Latency of one ICMP target in Smokeping's encoding: grey bands of the echoes (fastest to
 * slowest, and the middle half darker), the median coloured by the round's loss, and loss as a
 * series of its own on the right axis. Zoom is asked of the parent through the chart controller. */
export class LwLatencyChart extends LitElement {
  static override properties = { chart: { attribute: false }, locale: {}, fromMs: { type: Number }, toMs: { type: Number }, syncKey: {} };
  declare chart: LatencyChart | undefined;
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
  get chartData(): LatencyChart['data'] | undefined {
    return this.chart?.data;
  }

  // Colours are the theme's (theme.css, light and dark). Legend rows of the per-step median columns are hidden:
  // the loss legend below tells the steps, and the median row gives the value.
  static override styles = [
    chartStyles,
    css`
      :host {
        display: block;
        --band-outer: var(--lw-band-outer);
        --band-inner: var(--lw-band-inner);
        --loss-none: var(--lw-loss-none);
        --loss-le5: var(--lw-loss-le5);
        --loss-le10: var(--lw-loss-le10);
        --loss-le20: var(--lw-loss-le20);
        --loss-le50: var(--lw-loss-le50);
        --loss-over50: var(--lw-loss-over50);
        --loss-series: var(--lw-loss-series);
      }
      .u-legend .u-series:nth-child(n + ${LATENCY_SERIES.firstStep + 1}):nth-child(-n + ${LATENCY_SERIES.loss}) { display: none; }
      ul { list-style: none; display: flex; flex-wrap: wrap; gap: 0.3rem 1rem; padding: 0; margin: 0.3rem 0; font-size: 0.85rem; color: var(--lw-text); }
      li { display: flex; align-items: center; gap: 0.3rem; }
      .swatch { inline-size: 1.4rem; block-size: 0.35rem; border-radius: 0.1rem; }
      .band.outer { block-size: 0.8rem; background: var(--band-outer); opacity: 0.45; }
      .band.inner { block-size: 0.8rem; background: var(--band-inner); opacity: 0.7; }
      ${unsafeCSS(lossSteps.map(({ step }) => `.step[data-swatch='${step}'] { background: var(--loss-${step}); }`).join('\n'))}
      .lossline { border-block-start: 2px dashed var(--loss-series); block-size: 0; }
    `,
  ];

  protected override updated(changed: PropertyValues<this>) {
    if (changed.has('chart') || changed.has('locale') || changed.has('fromMs') || changed.has('toMs')) this.plot.draw(this.chart && { options: this.options(), data: this.chart.data as uPlot.AlignedData });
  }

  private options(): Omit<uPlot.Options, 'width' | 'height'> {
    const colour = (name: string) => this.plot.colour(name);
    const format = createFormatter({ locale: this.locale });
    const words = ui.linkDetail;
    const ms = (value: number | null) => (value === null ? '—' : format.milliseconds(value));
    const outer = colour('--band-outer');
    const inner = colour('--band-inner');
    const edge = (text: string, colour: string): uPlot.Series => ({ label: text, stroke: withAlpha(colour, 0.6), width: 1, points: { show: false }, value: (_u, v) => ms(v) });
    const series: uPlot.Series[] = [];
    series[0] = { label: '', value: (_u, s) => (s === null ? '—' : format.dateTime(s * 1_000)) };
    series[LATENCY_SERIES.min] = edge(label(words.rttMin, this.locale), outer);
    series[LATENCY_SERIES.max] = edge(label(words.rttMax, this.locale), outer);
    series[LATENCY_SERIES.q1] = edge(label(words.rttQ1, this.locale), inner);
    series[LATENCY_SERIES.q3] = edge(label(words.rttQ3, this.locale), inner);
    // The median's value for the legend and the cursor; its line is drawn by the step columns.
    series[LATENCY_SERIES.median] = { label: label(words.median, this.locale), stroke: 'transparent', width: 0, points: { show: false }, value: (_u, v) => ms(v) };
    lossSteps.forEach(({ step }, i) => {
      series[LATENCY_SERIES.firstStep + i] = { label: label(words[stepLabels[step]], this.locale), stroke: colour(`--loss-${step}`), width: 2.5, value: (_u, v) => ms(v) };
    });
    series[LATENCY_SERIES.loss] = {
      label: label(words.loss, this.locale),
      scale: 'loss',
      stroke: colour('--loss-series'),
      dash: [4, 3],
      width: 1.5,
      value: (_u, v) => (v === null ? '—' : format.percent(v, 1)),
    };
    const axis = this.plot.axisStyle();
    return {
      scales: {
        y: { range: (_u, _min, max) => [0, Math.max(1, (max ?? 0) * 1.1)] },
        loss: { range: [0, 100] },
      },
      series,
      bands: LATENCY_BANDS.map((band) => ({ series: [band.series[0], band.series[1]], fill: withAlpha(band.layer === 'outer' ? outer : inner, band.layer === 'outer' ? 0.35 : 0.6) })),
      axes: [
        { ...axis, space: 110, values: (_u, splits) => splits.map((s) => axisTimeLabel(s * 1_000, this.locale)) },
        { ...axis, size: 70, values: (_u, splits) => splits.map((s) => format.milliseconds(s)) },
        { scale: 'loss', side: 1, stroke: colour('--loss-series'), grid: { show: false }, size: 60, values: (_u, splits) => splits.map((s) => format.percent(s, 0)) },
      ],
    };
  }

  override render() {
    const words = ui.linkDetail;
    return html`<div class="plot" role="group" aria-label=${`${label(words.latency, this.locale)} — ${label(words.chartKeys, this.locale)}`}></div>
      <ul aria-label=${label(words.lossLegend, this.locale)} data-legend="loss">
        <li><span class="swatch band outer" aria-hidden="true"></span>${label(words.bandOuter, this.locale)}</li>
        <li><span class="swatch band inner" aria-hidden="true"></span>${label(words.bandInner, this.locale)}</li>
        <li><span class="swatch lossline" aria-hidden="true"></span>${label(words.loss, this.locale)}</li>
        <li>${label(words.lossLegend, this.locale)}:</li>
        ${lossSteps.map(
          ({ step }) => html`<li data-step=${step}><span class="swatch step" data-swatch=${step} aria-hidden="true"></span>${label(words[stepLabels[step]], this.locale)}</li>`,
        )}
      </ul>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'lw-latency-chart': LwLatencyChart;
  }
}

customElements.define('lw-latency-chart', LwLatencyChart);
