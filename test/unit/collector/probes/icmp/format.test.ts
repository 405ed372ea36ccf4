import { describe, expect, it } from 'vitest';
import { toIcmpJson } from '../../../../../collector/probes/icmp/format.ts';
import { icmpResultFromRtts } from '../../../../../collector/probes/icmp/stats.ts';

describe('toIcmpJson', () => {
  it('prints exactly the seven CLI keys, in order, without rttsMs or ok', () => {
    const json = JSON.stringify(toIcmpJson(icmpResultFromRtts('127.0.0.1', [0.05, null, 0.07])));
    expect(json).toBe('{"sent":3,"received":2,"lossPct":33.333,"rttMinMs":0.05,"rttAvgMs":0.06,"rttMaxMs":0.07,"jitterMs":0.02}');
  });

  it('prints a failure with the same keys: nothing received', () => {
    const json = toIcmpJson(icmpResultFromRtts('10.0.0.1', [null]));
    expect(Object.keys(json)).toEqual(['sent', 'received', 'lossPct', 'rttMinMs', 'rttAvgMs', 'rttMaxMs', 'jitterMs']);
    expect(json).toMatchObject({ received: 0, lossPct: 100, rttAvgMs: null });
  });
});
