import { describe, expect, it } from 'vitest';
import type { IcmpEngine, IcmpProbeOptions } from '../../../../../collector/probes/icmp/engines.ts';
import type { FpingEngine } from '../../../../../collector/probes/icmp/fping-engine.ts';
import {
  AUTO_FPING_THRESHOLD,
  chooseEngine,
  createIcmpProber,
  DEFAULT_ICMP_OPTIONS,
  type IcmpEngineSetting,
} from '../../../../../collector/probes/icmp/probe.ts';
import { icmpResultFromRtts, type IcmpResult } from '../../../../../collector/probes/icmp/stats.ts';

describe('chooseEngine', () => {
  it.each<[IcmpEngineSetting, number, number, boolean, 'ping' | 'fping']>([
    ['ping', 500, 1, true, 'ping'],
    ['fping', 1, 1, true, 'fping'],
    ['fping', 1, 1, false, 'fping'], // asked for explicitly: its absence shows up as internal results
    ['auto', 1, 1, true, 'ping'], // at the threshold: ping
    ['auto', 2, 1, true, 'fping'], // above it: fping
    ['auto', 200, 1, false, 'ping'], // no fping binary: ping
    ['auto', 0, 0, true, 'ping'], // nothing to probe
    ['auto', 20, 50, true, 'ping'],
    ['auto', 51, 50, true, 'fping'],
  ])('%s with %i targets, threshold %i, fping present %s → %s', (setting, targetCount, threshold, fpingAvailable, expected) => {
    expect(chooseEngine({ setting, targetCount, threshold, fpingAvailable })).toBe(expected);
  });

  it('the measured threshold puts single targets on ping and batches on fping', () => {
    expect(AUTO_FPING_THRESHOLD).toBe(1);
  });
});

/** An engine that records its calls and answers every target with one fast reply. */
function fakeEngine<N extends 'ping' | 'fping'>(name: N, available = true) {
  const calls: { targets: string[]; options: IcmpProbeOptions }[] = [];
  let availabilityChecks = 0;
  const engine = {
    name,
    async available() {
      availabilityChecks++;
      return available;
    },
    async probe(targets: readonly string[], options: IcmpProbeOptions) {
      calls.push({ targets: [...targets], options });
      return new Map<string, IcmpResult>(targets.map((target) => [target, icmpResultFromRtts(target, [1])]));
    },
  };
  return { engine, calls, availabilityChecks: () => availabilityChecks };
}

describe('createIcmpProber', () => {
  it('auto: ping for one target, fping for two, checking for fping once per prober', async () => {
    const ping = fakeEngine('ping');
    const fping = fakeEngine('fping');
    const prober = createIcmpProber({ engine: 'auto', engines: { ping: ping.engine as IcmpEngine, fping: fping.engine as FpingEngine } });
    await prober.probeOne('192.0.2.1');
    await prober.probe(['192.0.2.1', '192.0.2.2']);
    await prober.probe(['192.0.2.1', '192.0.2.2', '192.0.2.3']);
    expect(ping.calls.map((call) => call.targets.length)).toEqual([1]);
    expect(fping.calls.map((call) => call.targets.length)).toEqual([2, 3]);
    expect(fping.availabilityChecks()).toBe(1);
  });

  it('auto falls back to ping when fping is absent', async () => {
    const ping = fakeEngine('ping');
    const fping = fakeEngine('fping', false);
    const prober = createIcmpProber({ engine: 'auto', engines: { ping: ping.engine as IcmpEngine, fping: fping.engine as FpingEngine } });
    expect(await prober.engineFor(200)).toBe('ping');
    await prober.probe(['192.0.2.1', '192.0.2.2']);
    expect(ping.calls).toHaveLength(1);
    expect(fping.calls).toHaveLength(0);
  });

  it('auto with a real but missing fping binary detects the absence', async () => {
    const prober = createIcmpProber({ engine: 'auto', fpingBinary: '/nonexistent/fping' });
    expect(await prober.engineFor(200)).toBe('ping');
  });

  it('counts distinct targets when choosing', async () => {
    const ping = fakeEngine('ping');
    const fping = fakeEngine('fping');
    const prober = createIcmpProber({ engine: 'auto', engines: { ping: ping.engine as IcmpEngine, fping: fping.engine as FpingEngine } });
    await prober.probe(['192.0.2.1', '192.0.2.1']);
    expect(ping.calls).toHaveLength(1);
    expect(fping.calls).toHaveLength(0);
  });

  it('fills in the default options and lets the caller override some', async () => {
    const ping = fakeEngine('ping');
    const prober = createIcmpProber({ engine: 'ping', engines: { ping: ping.engine as IcmpEngine } });
    await prober.probeOne('192.0.2.1', { count: 3 });
    expect(ping.calls[0]?.options).toEqual({ ...DEFAULT_ICMP_OPTIONS, count: 3 });
  });

  it('rejects a setting outside the schema’s list and a bad threshold at construction', () => {
    expect(() => createIcmpProber({ engine: 'nmap' as IcmpEngineSetting })).toThrow('ICMP engine must be one of auto, ping, fping; got nmap');
    expect(() => createIcmpProber({ engine: 'auto', autoThreshold: -1 })).toThrow('autoThreshold');
  });
});
