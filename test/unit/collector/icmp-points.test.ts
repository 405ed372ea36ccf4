import { describe, expect, it } from 'vitest';
import { icmpRoundPoints } from '../../../collector/points.ts';
import type { IcmpResult } from '../../../collector/probes/icmp/probe.ts';
import { icmpResultFromRtts } from '../../../collector/probes/icmp/stats.ts';
import { testConfig } from '../../helpers/api.ts';

// The ICMP point of a round carries the spread of its echoes (median and quartiles) that the
// dashboard draws as Smokeping's bands; a round with no reply carries none.

const config = testConfig(`
sites: [{id: ta-van, name: Tả Van, kind: commune}]
links: [{id: ta-van-vnpt, site: ta-van, kind: internet, targets: [127.0.0.3, 127.0.0.4]}]
`);
const link = config.links[0]!;

describe('icmpRoundPoints', () => {
  it('writes the median and quartiles of the answered echoes, per target', () => {
    const results = new Map<string, IcmpResult>([
      ['127.0.0.3', icmpResultFromRtts('127.0.0.3', [30, 10, null, 50, 20, 40])],
      ['127.0.0.4', icmpResultFromRtts('127.0.0.4', [null, null, null])],
    ]);
    const [answered, silent] = icmpRoundPoints(link, 60_000, results, 6);
    expect(answered!.tags).toEqual({ site: 'ta-van', link: 'ta-van-vnpt', target: '127.0.0.3' });
    expect(answered!.fields).toMatchObject({ up: 1, sent: 6, received: 5, rtt_min_ms: 10, rtt_max_ms: 50, rtt_q1_ms: 20, rtt_median_ms: 30, rtt_q3_ms: 40 });
    const silentFields = silent!.fields as Record<string, unknown>;
    expect(silentFields.up).toBe(0);
    expect(silentFields.rtt_median_ms).toBeUndefined();
    expect(silentFields.rtt_q1_ms).toBeUndefined();
  });
});
