import { describe, expect, it } from 'vitest';
import { axisTimeLabel, keyboardZoom, LATENCY_BANDS, LATENCY_SERIES, latencyChart, lossStep, maxPointsFor, medianByLossStep, mirror, percentile95, rangeQuery, symmetricRange, trafficChart, withAlpha, zoomRange } from '../../../web/lib/link-charts.ts';

describe('percentile95', () => {
  it.each([
    { values: [], expected: null },
    { values: [null, null], expected: null },
    { values: [7], expected: 7 },
    // 20 values: rank ⌈19⌉ = 19 → 19 (the largest is the 20th, left out).
    { values: Array.from({ length: 20 }, (_, i) => 20 - i), expected: 19 },
    // 10 values: rank ⌈9.5⌉ = 10 → the largest.
    { values: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], expected: 10 },
    // Nulls are skipped, not counted as zero: 21 known values, rank ⌈19.95⌉ = 20.
    { values: [...Array.from({ length: 21 }, (_, i) => i + 1), null, null, null], expected: 20 },
  ])('of $values.length values is $expected', ({ values, expected }) => {
    expect(percentile95(values)).toBe(expected);
  });
});

describe('traffic', () => {
  it('mirrors Out below the axis and keeps gaps as gaps', () => {
    expect(mirror([1, null, 0, 3])).toEqual([-1, null, 0, -3]);
  });
  it('builds In, −Out, capacity and the 95th percentile, times in seconds', () => {
    const chart = trafficChart({ time: [0, 60_000, 120_000], inBps: [2e6, null, 4e6], outBps: [1e6, null, 3e6] }, { downMbps: 10, upMbps: 5 });
    expect(chart.data).toEqual([[0, 60, 120], [2e6, null, 4e6], [-1e6, null, -3e6], [1e7, 1e7, 1e7], [-5e6, -5e6, -5e6], [4e6, 4e6, 4e6], [-3e6, -3e6, -3e6]]);
    expect(chart.p95).toEqual({ inBps: 4e6, outBps: 3e6 });
  });
  it('has no capacity line without a contracted capacity', () => {
    expect(trafficChart({ time: [0], inBps: [1], outBps: [1] }).data[3]).toEqual([null]);
  });
  it('reads a mirrored axis symmetrically', () => {
    expect(symmetricRange(-50, 100)).toEqual([-105, 105]);
    expect(symmetricRange(null, null)).toEqual([-1, 1]);
  });
});

describe('latency, Smokeping encoding', () => {
  it.each([
    [null, 'none'], [0, 'none'], [0.1, 'le5'], [5, 'le5'], [5.1, 'le10'], [10, 'le10'], [20, 'le20'], [50, 'le50'], [50.1, 'over50'], [100, 'over50'],
  ] as const)('loss %s %% is step %s', (loss, step) => {
    expect(lossStep(loss)).toBe(step);
  });

  it('splits the median by loss step, joined to the next bucket', () => {
    const steps = medianByLossStep([10, 11, null, 12], [0, 20, 0, 0]);
    expect(steps.none).toEqual([10, 11, null, 12]);
    expect(steps.le20).toEqual([null, 11, null, null]);
    expect(steps.le5).toEqual([null, null, null, null]);
  });

  it('uses the median where recorded and the mean before, and lays out the bands', () => {
    const chart = latencyChart({
      time: [0, 30_000],
      rttMinMs: [5, 6],
      rttAvgMs: [9, 20],
      rttMaxMs: [30, 40],
      rttQ1Ms: [7, null],
      rttMedianMs: [8, null],
      rttQ3Ms: [12, null],
      lossPct: [0, 40],
    });
    expect(chart.data[LATENCY_SERIES.median]).toEqual([8, 20]);
    expect(chart.data[LATENCY_SERIES.q1]).toEqual([7, null]);
    expect(chart.data[LATENCY_SERIES.loss]).toEqual([0, 40]);
    expect(chart.medianFromMean).toBe(1);
    expect(chart.data).toHaveLength(LATENCY_SERIES.loss + 1);
    expect(LATENCY_BANDS.map((band) => band.series)).toEqual([[LATENCY_SERIES.max, LATENCY_SERIES.min], [LATENCY_SERIES.q3, LATENCY_SERIES.q1]]);
  });

  it('has no inner band when the API sends no quartiles', () => {
    const chart = latencyChart({ time: [0], rttMinMs: [1], rttAvgMs: [2], rttMaxMs: [3], lossPct: [null] });
    expect(chart.data[LATENCY_SERIES.q3]).toEqual([null]);
    expect(chart.data[LATENCY_SERIES.median]).toEqual([2]);
  });
});

describe('ranges', () => {
  it('asks for a preset relative to the server clock, a zoom in epoch ms', () => {
    expect(rangeQuery({ kind: 'preset', preset: '30h' })).toEqual({ from: '-30h' });
    expect(rangeQuery({ kind: 'zoom', preset: '3h', fromMs: 1_000, toMs: 2_000 })).toEqual({ from: '1000', to: '2000' });
  });
  it('turns a drag into a range, either direction, widening a tiny one', () => {
    expect(zoomRange('3h', 2_000, 1_000)).toEqual({ kind: 'zoom', preset: '3h', fromMs: 1_000_000, toMs: 2_000_000 });
    expect(zoomRange('3h', 1_000, 1_000)).toBeUndefined();
    expect(zoomRange('3h', 1_000, 1_010)).toEqual({ kind: 'zoom', preset: '3h', fromMs: 855_000, toMs: 1_155_000 });
  });
  it.each([
    ['+', { kind: 'zoom', fromS: 1_250, toS: 1_750 }],
    ['=', { kind: 'zoom', fromS: 1_250, toS: 1_750 }],
    ['-', { kind: 'zoom', fromS: 500, toS: 2_500 }],
    ['ArrowLeft', { kind: 'zoom', fromS: 750, toS: 1_750 }],
    ['ArrowRight', { kind: 'zoom', fromS: 1_250, toS: 2_250 }],
    ['Escape', { kind: 'reset' }],
    ['0', { kind: 'reset' }],
    ['a', undefined],
    ['Tab', undefined],
  ])('turns the key %s on a chart showing 1,000–2,000 s into %o', (key, expected) => {
    expect(keyboardZoom(key, 1_000_000, 2_000_000)).toEqual(expected);
  });
  it('asks nothing of an empty range but a reset', () => {
    expect(keyboardZoom('+', 0, 0)).toBeUndefined();
    expect(keyboardZoom('Escape', 0, 0)).toEqual({ kind: 'reset' });
  });
  it('keeps maxPoints within what the API allows', () => {
    expect(maxPointsFor(1_000)).toBe(500);
    expect(maxPointsFor(0)).toBe(100);
    expect(maxPointsFor(100_000)).toBe(2_000);
  });
  it('labels the time axis dd/MM HH:mm in Asia/Ho_Chi_Minh', () => {
    expect(axisTimeLabel(Date.UTC(2026, 2, 7, 17, 5), 'vi')).toBe('08/03 00:05');
  });
  it('makes a theme colour translucent', () => {
    expect(withAlpha('#1a5fb4', 0.2)).toBe('#1a5fb433');
    expect(withAlpha('gray', 0.2)).toBe('gray');
  });
});
