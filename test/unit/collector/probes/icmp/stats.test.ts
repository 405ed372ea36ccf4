import { describe, expect, it } from 'vitest';
import { icmpResultFromRtts, summarizeRtts, type IcmpStats, echoQuartiles } from '../../../../../collector/probes/icmp/stats.ts';

describe('summarizeRtts', () => {
  it.each<[string, (number | null)[], IcmpStats]>([
    ['all answered', [1, 2, 3], { sent: 3, received: 3, lossPct: 0, rttMinMs: 1, rttAvgMs: 2, rttMaxMs: 3, jitterMs: 1 }],
    ['all lost', [null, null, null], { sent: 3, received: 0, lossPct: 100, rttMinMs: null, rttAvgMs: null, rttMaxMs: null, jitterMs: null }],
    ['nothing sent', [], { sent: 0, received: 0, lossPct: 0, rttMinMs: null, rttAvgMs: null, rttMaxMs: null, jitterMs: null }],
    ['one lost of five', [10, 12, null, 11, 15], { sent: 5, received: 4, lossPct: 20, rttMinMs: 10, rttAvgMs: 12, rttMaxMs: 15, jitterMs: 2.333 }],
    ['one lost of three: loss rounded to µ-precision', [5, null, 5], { sent: 3, received: 2, lossPct: 33.333, rttMinMs: 5, rttAvgMs: 5, rttMaxMs: 5, jitterMs: 0 }],
    ['a single reply has no jitter', [null, 7.5, null], { sent: 3, received: 1, lossPct: 66.667, rttMinMs: 7.5, rttAvgMs: 7.5, rttMaxMs: 7.5, jitterMs: null }],
    // |10−20| + |30−10| + |20−30| = 40 over 3 pairs
    ['jitter is the mean |Δ| of successive replies', [20, 10, 30, 20], { sent: 4, received: 4, lossPct: 0, rttMinMs: 10, rttAvgMs: 20, rttMaxMs: 30, jitterMs: 13.333 }],
    // a steady ramp has jitter equal to its step, whatever its spread
    ['a steady ramp', [1, 2, 3, 4, 5], { sent: 5, received: 5, lossPct: 0, rttMinMs: 1, rttAvgMs: 3, rttMaxMs: 5, jitterMs: 1 }],
    // lost echoes are skipped: pairs (1,5) and (5,9) span the gaps
    ['pairs span lost echoes', [1, null, 5, null, 9], { sent: 5, received: 3, lossPct: 40, rttMinMs: 1, rttAvgMs: 5, rttMaxMs: 9, jitterMs: 4 }],
    ['float noise is rounded away', [0.1, 0.2], { sent: 2, received: 2, lossPct: 0, rttMinMs: 0.1, rttAvgMs: 0.15, rttMaxMs: 0.2, jitterMs: 0.1 }],
  ])('%s', (_name, rtts, expected) => {
    expect(summarizeRtts(rtts)).toEqual(expected);
  });

  it('does not modify its input', () => {
    const rtts = Object.freeze([3, null, 1]);
    summarizeRtts(rtts);
    expect(rtts).toEqual([3, null, 1]);
  });
});

describe('icmpResultFromRtts', () => {
  it('partial loss is a success with its loss percentage', () => {
    const result = icmpResultFromRtts('10.0.0.1', [1, null, 1, 1]);
    expect(result).toMatchObject({ ok: true, sent: 4, received: 3, lossPct: 25, rttsMs: [1, null, 1, 1] });
  });

  it('no reply and no other evidence is a timeout naming the target', () => {
    expect(icmpResultFromRtts('10.0.0.1', [null, null])).toEqual({
      ok: false,
      reason: 'timeout',
      message: '10.0.0.1 did not answer any of 2 echo requests',
    });
  });

  it('no reply and an ICMP unreachable is unreachable, quoting who said so', () => {
    const result = icmpResultFromRtts('10.0.0.1', [null, null], { unreachable: 'ICMP Host Unreachable from 10.0.0.254' });
    expect(result).toEqual({
      ok: false,
      reason: 'unreachable',
      message: '10.0.0.1 is unreachable: ICMP Host Unreachable from 10.0.0.254 (no reply to 2 echo requests)',
    });
  });

  it('a reply outweighs an unreachable message about another echo', () => {
    expect(icmpResultFromRtts('10.0.0.1', [null, 2], { unreachable: 'ICMP Host Unreachable from 10.0.0.254' }).ok).toBe(true);
  });

  it('a named failure wins over unreachable evidence', () => {
    const result = icmpResultFromRtts('x.invalid', [], { unreachable: 'no route', failure: { reason: 'config', detail: 'name did not resolve' } });
    expect(result).toMatchObject({ ok: false, reason: 'config' });
    expect(!result.ok && result.message).toContain('x.invalid');
  });
});

describe('echoQuartiles', () => {
  it.each<[string, (number | null)[], ReturnType<typeof echoQuartiles>]>([
    ['five echoes: the 2nd, 3rd and 4th sorted', [30, 10, 50, 20, 40], { q1Ms: 20, medianMs: 30, q3Ms: 40 }],
    ['lost echoes are skipped, not counted as zero', [null, 12, null, 10], { q1Ms: 10.5, medianMs: 11, q3Ms: 11.5 }],
    ['one reply is every quartile', [null, 7.25, null], { q1Ms: 7.25, medianMs: 7.25, q3Ms: 7.25 }],
    ['four echoes interpolate between ranks', [1, 2, 3, 4], { q1Ms: 1.75, medianMs: 2.5, q3Ms: 3.25 }],
    ['nothing answered', [null, null, null], null],
    ['nothing sent', [], null],
  ])('%s', (_name, rtts, expected) => {
    expect(echoQuartiles(rtts)).toEqual(expected);
  });

  it('keeps microseconds, not float noise', () => {
    expect(echoQuartiles([0.1, 0.2, 0.30000000000000004])).toEqual({ q1Ms: 0.15, medianMs: 0.2, q3Ms: 0.25 });
  });
});
