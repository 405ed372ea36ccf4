import type { ReactiveController, ReactiveControllerHost } from 'lit';
import uPlot from 'uplot';
import { DISTRICT_TIME_ZONE } from '../lib/format.ts';
import { keyboardZoom } from '../lib/link-charts.ts';

/** The element a chart lives in: it knows the range it shows and where the plot goes. */
export interface ChartHost extends ReactiveControllerHost, HTMLElement {
  readonly fromMs: number;
  readonly toMs: number;
  readonly syncKey: string;
  readonly renderRoot: HTMLElement | DocumentFragment;
}

const HEIGHT_PX = 260;
const MIN_WIDTH_PX = 280;

/** What both link charts share around uPlot: the plot's life with its element (made on draw,
 * resized with its box, destroyed on disconnect), the time axis in the district's zone, the range
 * fixed to the one asked for, the cursor synchronised between charts, and zoom asked of the
 * parent — by drag, double-click or keys on the focused plot — as `lw-zoom` / `lw-zoom-reset`
 * events, so the parent refetches and the buckets always fit the range shown. */
export class UplotChartController implements ReactiveController {
  private readonly host: ChartHost;
  private plot: uPlot | undefined;
  private resizer: ResizeObserver | undefined;
  private readonly onKey = (event: KeyboardEvent) => this.key(event);

  constructor(host: ChartHost) {
    this.host = host;
    host.addController(this);
  }

  hostConnected() {
    this.resizer = new ResizeObserver(() => this.fit());
  }

  hostDisconnected() {
    this.resizer?.disconnect();
    this.destroy();
  }

  /** The theme's value of a custom property as the canvas needs it (a canvas reads no CSS). */
  colour(name: string): string {
    return getComputedStyle(this.host).getPropertyValue(name).trim() || 'gray';
  }

  /** Grid and axis colours from the theme, for every axis. */
  axisStyle(): Pick<uPlot.Axis, 'stroke' | 'grid'> {
    return { stroke: this.colour('--lw-muted'), grid: { stroke: this.colour('--lw-border'), width: 1 } };
  }

  /** Draws anew into `.plot`, or clears it when there is nothing to draw. `options` are the
   * chart's own; the size, time zone, x range, cursor and zoom hooks are added here. */
  draw(spec: { options: Omit<uPlot.Options, 'width' | 'height'>; data: uPlot.AlignedData } | undefined) {
    this.destroy();
    const container = this.container;
    if (!container || !spec) return;
    this.resizer?.observe(container);
    container.tabIndex = 0;
    container.addEventListener('keydown', this.onKey);
    const { options } = spec;
    this.plot = new uPlot(
      {
        ...options,
        width: Math.max(MIN_WIDTH_PX, container.clientWidth),
        height: HEIGHT_PX,
        tzDate: (ts) => uPlot.tzDate(new Date(ts * 1_000), DISTRICT_TIME_ZONE),
        scales: { ...options.scales, x: { time: true, range: () => [this.host.fromMs / 1_000, this.host.toMs / 1_000] } },
        cursor: { sync: { key: this.host.syncKey }, drag: { x: true, y: false, setScale: false } },
        hooks: { ...options.hooks, setSelect: [(u) => this.selected(u)] },
      },
      spec.data,
      container,
    );
    this.plot.over.addEventListener('dblclick', () => this.reset());
  }

  private get container(): HTMLElement | null {
    return this.host.renderRoot.querySelector('.plot');
  }

  private destroy() {
    this.container?.removeEventListener('keydown', this.onKey);
    this.plot?.destroy();
    this.plot = undefined;
  }

  private fit() {
    const container = this.container;
    if (this.plot && container) this.plot.setSize({ width: Math.max(MIN_WIDTH_PX, container.clientWidth), height: HEIGHT_PX });
  }

  private selected(u: uPlot) {
    if (u.select.width < 3) return;
    const fromS = u.posToVal(u.select.left, 'x');
    const toS = u.posToVal(u.select.left + u.select.width, 'x');
    u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
    this.zoom(fromS, toS);
  }

  private key(event: KeyboardEvent) {
    const asked = keyboardZoom(event.key, this.host.fromMs, this.host.toMs);
    if (!asked) return;
    event.preventDefault();
    if (asked.kind === 'reset') this.reset();
    else this.zoom(asked.fromS, asked.toS);
  }

  private zoom(fromS: number, toS: number) {
    this.host.dispatchEvent(new CustomEvent('lw-zoom', { detail: { fromS, toS }, bubbles: true, composed: true }));
  }

  private reset() {
    this.host.dispatchEvent(new CustomEvent('lw-zoom-reset', { bubbles: true, composed: true }));
  }
}
