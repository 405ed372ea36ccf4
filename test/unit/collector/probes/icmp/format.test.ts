import { describe, expect, it } from 'vitest';
import { toIcmpJson } from '../../../../../collector/probes/icmp/format.ts';
import { icmpResultFromRtts } from '../../../../../collector/probes/icmp/stats.ts';
import { probeFailure } from '../../../../../collector/probes/result.ts';

describe('toIcmpJson', () => {
  it('prints exactly the seven CLI keys, in order, without rttsMs or ok', () => {
    const json = JSON.stringify(toIcmpJson(icmpResultFromRtts('127.0.0.1', [0.05, null, 0.07]), 3));
    expect(json).toBe('{"sent":3,"received":2,"lossPct":33.333,"rttMinMs":0.05,"rttAvgMs":0.06,"rttMaxMs":0.07,"jitterMs":0.02}');
  });

  it('prints a failure with the same keys, nothing received, and the error after them', () => {
    const json = toIcmpJson(icmpResultFromRtts('10.0.0.1', [null, null]), 2);
    expect(Object.keys(json)).toEqual(['sent', 'received', 'lossPct', 'rttMinMs', 'rttAvgMs', 'rttMaxMs', 'jitterMs', 'error']);
    expect(json).toEqual({
      sent: 2,
      received: 0,
      lossPct: 100,
      rttMinMs: null,
      rttAvgMs: null,
      rttMaxMs: null,
      jitterMs: null,
      error: { reason: 'timeout', message: '10.0.0.1 did not answer any of 2 echo requests' },
    });
  });

  it.each([
    ['unreachable', 3],
    ['timeout', 3],
    ['config', 0],
    ['internal', 0],
  ] as const)('counts the echoes of a round that failed with %s as %s sent', (reason, sent) => {
    expect(toIcmpJson(probeFailure(reason, 'x'), 3)).toMatchObject({ sent, received: 0, lossPct: 100, error: { reason, message: 'x' } });
  });
});
