import type { Columns, LatencyKey, TrafficKey } from '../../store/series.ts';
import { createFormatter } from './format.ts';
import type { Locale } from './i18n.ts';

// What the link detail hands to uPlot, shaped here so it can be tested without a browser:
// traffic mirrored around the axis with its capacity and 95th percentile, the Smokeping
// encoding of latency (grey bands of the echoes, the median coloured by loss), and the
// ranges the presets and a drag ask the API for. uPlot reads time in seconds; empty buckets
// stay null so a gap is drawn as a gap, never as zero.

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** A uPlot column: a value per bucket, null where the bucket is empty. */
export type Column = (number | null)[];

/**
 * The 95th percentile as traffic is billed: the values sorted ascending, the one at rank
 * ⌈0.95 n⌉ (1-based), empty buckets skipped. Null when no bucket has data.
 */
export function percentile95(values: readonly (number | null | undefined)[]): number | null {
  const known = values.filter((value): value is number => typeof value === 'number' && Number.isFinite(value)).sort((a, b) => a - b);
  if (known.length === 0) return null;
  return known[Math.ceil(0.95 * known.length) - 1]!;
}

/** Out drawn below the axis: every value negated, gaps kept. */
export const mirror = (values: readonly (number | null | undefined)[]): Column => values.map((value) => (typeof value === 'number' ? (value === 0 ? 0 : -value) : null));

const constant = (length: number, value: number | null): Column => Array.from({ length }, () => value);
const seconds = (times: readonly number[]): number[] => times.map((ms) => ms / 1_000);

export interface TrafficChart {
  /** [time s, in, −out, capacity down, −capacity up, p95 in, −p95 out] */
  data: [number[], Column, Column, Column, Column, Column, Column];
  p95: { inBps: number | null; outBps: number | null };
  /** Contracted capacity in bit/s, when the inventory gives one. */
  capacity: { inBps: number; outBps: number } | undefined;
}

/** The series indices of `TrafficChart.data`, so the element's series options cannot drift. */
export const TRAFFIC_SERIES = { in: 1, out: 2, capacityIn: 3, capacityOut: 4, p95In: 5, p95Out: 6 } as const;

/** In above the axis and Out mirrored below, the contracted capacity (download is In on a
 * link, upload Out) and the period's 95th percentile of the shown mean buckets as flat lines. */
export function trafficChart(columns: Pick<Columns<TrafficKey>, 'time' | 'inBps' | 'outBps'>, capacity?: { downMbps: number; upMbps: number }): TrafficChart {
  const n = columns.time.length;
  const inP95 = percentile95(columns.inBps);
  const outP95 = percentile95(columns.outBps);
  const capacityBps = capacity ? { inBps: capacity.downMbps * 1e6, outBps: capacity.upMbps * 1e6 } : undefined;
  return {
    data: [
      seconds(columns.time),
      columns.inBps.map((value) => value ?? null),
      mirror(columns.outBps),
      constant(n, capacityBps?.inBps ?? null),
      constant(n, capacityBps ? -capacityBps.outBps : null),
      constant(n, inP95),
      constant(n, outP95 === null ? null : -outP95),
    ],
    p95: { inBps: inP95, outBps: outP95 },
    capacity: capacityBps,
  };
}

/** Smokeping's loss steps, each coloured by a theme custom property (`--lw-loss-<step>`). */
export const lossSteps = [
  { step: 'none', upToPct: 0 },
  { step: 'le5', upToPct: 5 },
  { step: 'le10', upToPct: 10 },
  { step: 'le20', upToPct: 20 },
  { step: 'le50', upToPct: 50 },
  { step: 'over50', upToPct: 100 },
] as const;
export type LossStep = (typeof lossSteps)[number]['step'];

/** The step a round's loss falls in: 0 %, ≤ 5 %, ≤ 10 %, ≤ 20 %, ≤ 50 %, more. An unknown
 * loss beside a known median counts as none: the median proves echoes came back. */
export function lossStep(lossPct: number | null | undefined): LossStep {
  const pct = lossPct ?? 0;
  return lossSteps.find((entry) => pct <= entry.upToPct)?.step ?? 'over50';
}

/**
 * The median split into one column per loss step, each bucket in its own step's column. A
 * bucket also repeats its successor's value, so the line stays joined where the step changes
 * (the segment takes the colour of the bucket it starts from) and one bucket alone still draws.
 */
export function medianByLossStep(median: readonly (number | null)[], loss: readonly (number | null)[]): Record<LossStep, Column> {
  const byStep = Object.fromEntries(lossSteps.map(({ step }) => [step, constant(median.length, null)])) as Record<LossStep, Column>;
  median.forEach((value, i) => {
    if (value === null) return;
    const column = byStep[lossStep(loss[i])];
    column[i] = value;
    const next = median[i + 1];
    if (next !== null && next !== undefined) column[i + 1] = next;
  });
  return byStep;
}

export interface LatencyChart {
  /** [time s, min, max, q1, q3, median, …median per loss step (lossSteps order), loss %] */
  data: [number[], Column, Column, Column, Column, Column, ...Column[]];
  /** Buckets whose median is the mean: rounds recorded before medians were. */
  medianFromMean: number;
}

/** The series indices of `LatencyChart.data`. */
export const LATENCY_SERIES = { min: 1, max: 2, q1: 3, q3: 4, median: 5, firstStep: 6, loss: 6 + lossSteps.length } as const;

/** uPlot bands, outer first so the inner one paints over it: min..max, then q1..q3. */
export const LATENCY_BANDS = [
  { layer: 'outer', series: [LATENCY_SERIES.max, LATENCY_SERIES.min] },
  { layer: 'inner', series: [LATENCY_SERIES.q3, LATENCY_SERIES.q1] },
] as const;

type LatencyColumns = Pick<Columns<LatencyKey>, 'time' | 'rttMinMs' | 'rttAvgMs' | 'rttMaxMs' | 'lossPct'> & Partial<Pick<Columns<LatencyKey>, 'rttQ1Ms' | 'rttMedianMs' | 'rttQ3Ms'>>;

/**
 * Smokeping's encoding of one target: the light band from the fastest to the slowest echo,
 * the darker one between the quartiles (where echoes concentrate), the median line coloured by
 * loss, and loss itself as a series of its own so it is not colour alone. Rounds without
 * quartiles (recorded before them) have no inner band and use their mean as the median.
 */
export function latencyChart(columns: LatencyColumns): LatencyChart {
  const n = columns.time.length;
  const at = (column: readonly (number | null)[] | undefined, i: number) => column?.[i] ?? null;
  let medianFromMean = 0;
  const median = columns.time.map((_, i) => {
    const value = at(columns.rttMedianMs, i);
    if (value !== null) return value;
    const mean = at(columns.rttAvgMs, i);
    if (mean !== null) medianFromMean++;
    return mean;
  });
  const loss = columns.time.map((_, i) => at(columns.lossPct, i));
  const byStep = medianByLossStep(median, loss);
  const q = (column: readonly (number | null)[] | undefined) => (column ? column.map((value) => value ?? null) : constant(n, null));
  return {
    data: [seconds(columns.time), q(columns.rttMinMs), q(columns.rttMaxMs), q(columns.rttQ1Ms), q(columns.rttQ3Ms), median, ...lossSteps.map(({ step }) => byStep[step]), loss],
    medianFromMean,
  };
}

/** "07/03 14:05", the time axis's labels: day and 24-hour clock in the district's zone. */
export function axisTimeLabel(ms: number, locale: Locale): string {
  const format = createFormatter({ locale });
  return `${format.date(ms).slice(0, 5)} ${format.time(ms)}`;
}

export const presets = { '3h': 3 * HOUR_MS, '30h': 30 * HOUR_MS, '10d': 10 * DAY_MS, '360d': 360 * DAY_MS } as const;
export type Preset = keyof typeof presets;
export const presetNames = Object.keys(presets) as Preset[];

/** What the charts show: a preset ending now, or a range dragged out of one. */
export type ChartRange = { kind: 'preset'; preset: Preset } | { kind: 'zoom'; preset: Preset; fromMs: number; toMs: number };

/** The shortest range a drag zooms to: below this the buckets are single rounds anyway. */
export const MIN_ZOOM_MS = 5 * 60_000;

/** A drag from `fromS` to `toS` (uPlot's seconds, either order) as a range, or nothing when the
 * drag was a click (narrower than `MIN_ZOOM_MS` is widened around its middle). */
export function zoomRange(preset: Preset, fromS: number, toS: number): ChartRange | undefined {
  if (!Number.isFinite(fromS) || !Number.isFinite(toS) || fromS === toS) return undefined;
  let fromMs = Math.round(Math.min(fromS, toS) * 1_000);
  let toMs = Math.round(Math.max(fromS, toS) * 1_000);
  if (toMs - fromMs < MIN_ZOOM_MS) {
    const middle = (fromMs + toMs) / 2;
    fromMs = Math.round(middle - MIN_ZOOM_MS / 2);
    toMs = fromMs + MIN_ZOOM_MS;
  }
  return { kind: 'zoom', preset, fromMs, toMs };
}

/** What a key pressed on a focused chart asks for: a new range (in uPlot's seconds, as a drag
 * gives) or the preset back. `+` zooms to the middle half, `-` doubles the range around its
 * middle, the arrows pan by a quarter, Escape or 0 resets; other keys ask for nothing. */
export type KeyboardZoom = { kind: 'zoom'; fromS: number; toS: number } | { kind: 'reset' };

export function keyboardZoom(key: string, shownFromMs: number, shownToMs: number): KeyboardZoom | undefined {
  const span = shownToMs - shownFromMs;
  if (!Number.isFinite(span) || span <= 0) return key === 'Escape' || key === '0' ? { kind: 'reset' } : undefined;
  const middle = (shownFromMs + shownToMs) / 2;
  const to = (fromMs: number, toMs: number): KeyboardZoom => ({ kind: 'zoom', fromS: fromMs / 1_000, toS: toMs / 1_000 });
  switch (key) {
    case '+':
    case '=':
      return to(middle - span / 4, middle + span / 4);
    case '-':
    case '_':
      return to(middle - span, middle + span);
    case 'ArrowLeft':
      return to(shownFromMs - span / 4, shownToMs - span / 4);
    case 'ArrowRight':
      return to(shownFromMs + span / 4, shownToMs + span / 4);
    case 'Escape':
    case '0':
      return { kind: 'reset' };
    default:
      return undefined;
  }
}

/** A range as the API's query: a preset relative to the server's clock (`-3h`), so the live
 * view follows the present; a zoom in epoch ms. */
export function rangeQuery(range: ChartRange): { from: string; to?: string } {
  if (range.kind === 'zoom') return { from: String(range.fromMs), to: String(range.toMs) };
  return { from: `-${range.preset}` };
}

/** One bucket per two pixels of chart, within what the API allows (store: MAX_POINTS 2,000). */
export const maxPointsFor = (widthPx: number): number => Math.min(2_000, Math.max(100, Math.round((Number.isFinite(widthPx) ? widthPx : 0) / 2)));

/** Axis range of a mirrored chart: symmetric, so In and Out read at the same scale. */
export function symmetricRange(min: number | null, max: number | null): [number, number] {
  const extent = Math.max(Math.abs(min ?? 0), Math.abs(max ?? 0));
  const top = extent > 0 ? extent * 1.05 : 1;
  return [-top, top];
}

/** A theme colour made translucent for a fill: `#rrggbb` gets an alpha byte; anything else
 * (a colour the canvas parses but this cannot rewrite) is returned as it is. */
export function withAlpha(colour: string, alpha: number): string {
  if (!/^#[0-9a-f]{6}$/i.test(colour)) return colour;
  const byte = Math.round(Math.min(1, Math.max(0, alpha)) * 255);
  return `${colour}${byte.toString(16).padStart(2, '0')}`;
}
