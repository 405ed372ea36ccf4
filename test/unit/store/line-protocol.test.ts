import { describe, expect, it } from 'vitest';
import { toLine } from '../../../store/line-protocol.ts';
import { point } from '../../../store/schema.ts';

describe('toLine', () => {
  it.each([
    [
      'floats, integers, sorted tags',
      point('interface_traffic', 1_700_000_000_000, { site: 'nam-xe', device: 'r1', interface: 'ether1' }, { in_bps: 1.5e6, out_bps: 0, if_index: 3 }),
      'interface_traffic,device=r1,interface=ether1,site=nam-xe in_bps=1500000,out_bps=0,if_index=3i 1700000000000',
    ],
    [
      'escaped tag values and quoted strings',
      point('collector_event', 5, { site: 'a b', device: 'r,1', kind: 'reboot' }, { message: 'say "hi" \\ bye', interface: 'Gi0/0=1' }),
      'collector_event,device=r\\,1,kind=reboot,site=a\\ b message="say \\"hi\\" \\\\ bye",interface="Gi0/0=1" 5',
    ],
    [
      'empty tags omitted, non-finite numbers dropped',
      point('icmp', 7, { site: 's', link: 'l', target: '' }, { up: 0, rtt_avg_ms: Number.NaN, loss_pct: Number.POSITIVE_INFINITY, reason: 'timeout' }),
      'icmp,link=l,site=s up=0i,reason="timeout" 7',
    ],
    ['Vietnamese text in strings', point('fact_change', 1, { site: 's', device: 'd', fact: 'sys_location' }, { before: 'Nậm Xé', after: 'Chiềng Ken' }), 'fact_change,device=d,fact=sys_location,site=s before="Nậm Xé",after="Chiềng Ken" 1'],
  ])('%s', (_name, input, expected) => {
    expect(toLine(input)).toBe(expected);
  });

  it('returns undefined when no field is left', () => {
    expect(toLine(point('icmp', 1, { site: 's' }, { rtt_avg_ms: Number.NaN }))).toBeUndefined();
  });
});
