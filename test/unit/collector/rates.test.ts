import { describe, expect, it } from 'vitest';
import { assessContinuity, computeDeviceRates, type Counter, type DeviceSample, type InterfaceSample } from '../../../collector/rates.ts';

const c32 = (value: number | bigint): Counter => ({ value: BigInt(value), bits: 32 });
const c64 = (value: number | bigint): Counter => ({ value: BigInt(value), bits: 64 });

const iface = (name: string, index: number, inOctets: Counter, outOctets: Counter, extra: Partial<InterfaceSample> = {}): InterfaceSample => ({
  name,
  index,
  speedBps: 100e6,
  counters: { inOctets, outOctets },
  ...extra,
});

const sample = (atS: number, uptimeS: number, interfaces: InterfaceSample[]): DeviceSample => ({ atMs: atS * 1000, uptimeTicks: uptimeS * 100, interfaces });

describe('computeDeviceRates', () => {
  it.each<[string, DeviceSample, DeviceSample, Record<string, unknown>]>([
    [
      'plain Counter64 growth',
      sample(0, 1000, [iface('ether1', 1, c64(1_000_000), c64(0))]),
      sample(60, 1060, [iface('ether1', 1, c64(1_000_000 + 7_500_000), c64(750_000))]),
      { ok: true, inBps: 1_000_000, outBps: 100_000, wrapped: [] },
    ],
    [
      'a Counter32 wrap',
      sample(0, 1000, [iface('WAN1', 2, c32(2 ** 32 - 1000), c32(10))]),
      sample(10, 1010, [iface('WAN1', 2, c32(249_000), c32(10))]),
      { ok: true, inBps: 200_000, outBps: 0, wrapped: ['inOctets'] },
    ],
    [
      'a Counter64 that went backwards',
      sample(0, 1000, [iface('ether1', 1, c64(5_000_000_000n), c64(0))]),
      sample(60, 1060, [iface('ether1', 1, c64(1_000n), c64(0))]),
      { ok: false, reason: 'counter-reset' },
    ],
    [
      'a Counter32 "wrap" that would exceed the interface speed (a reset)',
      sample(0, 1000, [iface('WAN1', 2, c32(100), c32(0), { speedBps: 10e6 })]),
      sample(60, 1060, [iface('WAN1', 2, c32(50), c32(0), { speedBps: 10e6 })]),
      { ok: false, reason: 'over-speed' },
    ],
    [
      'a rate above speed plus tolerance',
      sample(0, 1000, [iface('WAN1', 2, c64(0), c64(0), { speedBps: 10e6 })]),
      sample(10, 1010, [iface('WAN1', 2, c64(14_000_000), c64(0), { speedBps: 10e6 })]),
      { ok: false, reason: 'over-speed' },
    ],
    [
      'a rate just under speed plus tolerance is kept',
      sample(0, 1000, [iface('WAN1', 2, c64(0), c64(0), { speedBps: 10e6 })]),
      sample(10, 1010, [iface('WAN1', 2, c64(13_700_000), c64(0), { speedBps: 10e6 })]),
      { ok: true, inBps: 10_960_000 },
    ],
    [
      're-indexing: the same ifName under another ifIndex',
      sample(0, 1000, [iface('ether1', 1, c64(0), c64(0))]),
      sample(60, 1060, [iface('ether1', 7, c64(100), c64(100))]),
      { ok: false, reason: 'reindexed' },
    ],
    [
      'a new interface',
      sample(0, 1000, [iface('ether1', 1, c64(0), c64(0))]),
      sample(60, 1060, [iface('ether1', 1, c64(0), c64(0)), iface('ether9', 9, c64(0), c64(0))]),
      { ok: true },
    ],
    [
      'counters that switched from 32 to 64 bits',
      sample(0, 1000, [iface('ether1', 1, c32(0), c32(0))]),
      sample(60, 1060, [iface('ether1', 1, c64(100), c64(100))]),
      { ok: false, reason: 'counter-type-changed' },
    ],
    [
      'a reboot: sysUpTime and counters reset',
      sample(0, 500_000, [iface('ether1', 1, c64(9_000_000), c64(9_000_000))]),
      sample(60, 30, [iface('ether1', 1, c64(1_000), c64(1_000))]),
      { ok: false, reason: 'reboot' },
    ],
  ])('%s', (_name, previous, current, expected) => {
    const [first] = computeDeviceRates(previous, current).interfaces;
    expect(first).toMatchObject(expected);
  });

  it('reports a first sample for an interface seen for the first time', () => {
    const result = computeDeviceRates(sample(0, 1000, []), sample(60, 1060, [iface('ether9', 9, c64(0), c64(0))]));
    expect(result.interfaces[0]).toMatchObject({ ok: false, reason: 'first-sample' });
  });

  it('gives no result at all for an interface without octet counters (a stack sub-port), and a first sample when they appear', () => {
    const bare = (errors?: Counter): InterfaceSample => ({ name: 'StackSub-St3-1', index: 5186, speedBps: 0, counters: errors ? { inErrors: errors } : {} });
    const half = iface('Gi3/0/1', 11101, c64(0), c64(0), { counters: { inOctets: c64(0) } });
    const steady = computeDeviceRates(sample(0, 1000, [bare(), bare(c32(1)), half]), sample(60, 1060, [bare(), bare(c32(9)), half]));
    expect(steady.interfaces).toEqual([]);
    const appeared = computeDeviceRates(sample(0, 1000, [bare()]), sample(60, 1060, [{ ...bare(), counters: { inOctets: c64(10), outOctets: c64(10) } }]));
    expect(appeared.interfaces).toEqual([{ ok: false, name: 'StackSub-St3-1', index: 5186, reason: 'first-sample', message: 'no octet counters in the previous sample' }]);
  });

  it('computes packet, error and discard rates where both samples have them', () => {
    const previous = sample(0, 1000, [iface('e', 1, c64(0), c64(0), { counters: { inOctets: c64(0), outOctets: c64(0), inUcastPkts: c64(0), inErrors: c32(2 ** 32 - 5), outDiscards: c32(10) } })]);
    const current = sample(10, 1010, [iface('e', 1, c64(0), c64(0), { counters: { inOctets: c64(0), outOctets: c64(0), inUcastPkts: c64(1000), inErrors: c32(5), outDiscards: c32(30) } })]);
    expect(computeDeviceRates(previous, current).interfaces[0]).toMatchObject({ ok: true, inPps: 100, inErrorsPs: 1, outDiscardsPs: 2, wrapped: ['inErrors'] });
  });
});

describe('assessContinuity', () => {
  const counters = (value: number) => [iface('ether1', 1, c64(value), c64(value)), iface('ether2', 2, c64(value), c64(value))];

  it.each<[string, DeviceSample, DeviceSample, string]>([
    ['uptime advanced with the clock', sample(0, 1000, counters(10)), sample(60, 1060, counters(20)), 'continuous'],
    ['uptime advanced a little less than the clock (slow answer)', sample(0, 1000, counters(10)), sample(60, 1052, counters(20)), 'continuous'],
    ['sysUpTime wrapped at 2^32 ticks (497 days)', sample(0, (2 ** 32 - 3000) / 100, counters(10)), sample(60, 30, counters(20)), 'uptime-wrapped'],
    ['the agent restarted but the counters kept counting', sample(0, 500_000, counters(10)), sample(60, 20, counters(20)), 'agent-restarted'],
    ['the device rebooted: uptime and counters reset', sample(0, 500_000, counters(1_000_000)), sample(60, 20, counters(5)), 'rebooted'],
    ['rebooted shortly after a previous boot (uptime grew, but less than the clock)', sample(0, 30, counters(1_000_000)), sample(300, 50, counters(5)), 'rebooted'],
    ['uptime went back with no interface to compare', sample(0, 500_000, []), sample(60, 20, []), 'rebooted'],
  ])('%s', (_name, previous, current, kind) => {
    expect(assessContinuity(previous, current).kind).toBe(kind);
  });

  it('keeps the previous uptime for the reboot event', () => {
    expect(assessContinuity(sample(0, 500_000, counters(9)), sample(60, 20, counters(1)))).toEqual({ kind: 'rebooted', previousUptimeTicks: 50_000_000 });
  });

  it('computes rates through an uptime wrap and an agent restart', () => {
    const wrapped = computeDeviceRates(sample(0, (2 ** 32 - 300) / 100, counters(0)), sample(10, 7, counters(1000)));
    expect(wrapped.continuity.kind).toBe('uptime-wrapped');
    expect(wrapped.interfaces[0]).toMatchObject({ ok: true, inBps: 800 });
    const restarted = computeDeviceRates(sample(0, 500_000, counters(0)), sample(10, 3, counters(1000)));
    expect(restarted.continuity.kind).toBe('agent-restarted');
    expect(restarted.interfaces[0]).toMatchObject({ ok: true, inBps: 800 });
  });
});
