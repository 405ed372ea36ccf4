import { describe, expect, it } from 'vitest';
import { icmpSettingsFromFlags, probeHelp, snmpOptionsFromFlags } from '../../../cli/probe.ts';
import { DEFAULT_ICMP_OPTIONS } from '../../../collector/probes/icmp/probe.ts';
import { DEFAULT_SNMP_OPTIONS } from '../../../collector/probes/snmp/probe.ts';
import { parseConfig } from '../../../config/load.ts';

// One default per setting: `linkwatch probe` without flags asks the way the collector polls a
// device whose config leaves every setting out.

const loaded = parseConfig('collector: {}\n');
if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
const { snmp, icmp } = loaded.config.collector;

describe('linkwatch probe defaults', () => {
  it('snmp: timeout, retries and max-repetitions are the collector’s', () => {
    expect(snmpOptionsFromFlags({})).toMatchObject({ timeoutMs: snmp.timeout, retries: snmp.retries, maxRepetitions: snmp.maxRepetitions });
    expect(DEFAULT_SNMP_OPTIONS).toMatchObject({ timeoutMs: snmp.timeout, retries: snmp.retries, maxRepetitions: snmp.maxRepetitions });
  });

  it('snmp: a device without its own timeout and retries gets the same', () => {
    const device = parseConfig(`
sites: [{id: hub, name: Hub, kind: district-centre}]
devices: [{id: core, site: hub, role: switch, address: 10.0.0.1, snmp: {credentials: {version: 2c, community: public}}}]
`);
    if (!device.ok) throw new Error(JSON.stringify(device.errors));
    expect(device.config.devices[0]!.snmp).toMatchObject({ timeout: snmpOptionsFromFlags({}).timeoutMs, retries: snmpOptionsFromFlags({}).retries });
  });

  it('icmp: count, timeout, spacing and engine are the collector’s', () => {
    expect(icmpSettingsFromFlags({})).toEqual({ engine: icmp.engine, options: { count: icmp.count, timeoutMs: icmp.timeout, intervalMs: icmp.spacing } });
    expect(DEFAULT_ICMP_OPTIONS).toEqual({ count: icmp.count, timeoutMs: icmp.timeout, intervalMs: icmp.spacing });
  });

  it('flags override them', () => {
    expect(snmpOptionsFromFlags({ timeout: '800', retries: '0', 'max-repetitions': '50' })).toMatchObject({ timeoutMs: 800, retries: 0, maxRepetitions: 50 });
    expect(icmpSettingsFromFlags({ count: '3', timeout: '300', spacing: '50', engine: 'fping' })).toEqual({ engine: 'fping', options: { count: 3, timeoutMs: 300, intervalMs: 50 } });
  });

  it.each([
    [() => snmpOptionsFromFlags({ timeout: '0' }), '--timeout must be a whole number ≥ 1; got "0"'],
    [() => snmpOptionsFromFlags({ retries: '-1' }), '--retries must be a whole number ≥ 0; got "-1"'],
    [() => icmpSettingsFromFlags({ spacing: '0.5' }), '--spacing must be a whole number ≥ 1; got "0.5"'],
    [() => icmpSettingsFromFlags({ engine: 'nmap' }), '--engine: expected one of auto, ping, fping; got "nmap"'],
  ])('refuses bad values (%#)', (build, message) => {
    expect(build).toThrow(message);
  });

  it('states the defaults in --help, from the same values', () => {
    expect(probeHelp).toContain(`--timeout ${snmp.timeout} (per request) --retries ${snmp.retries} --max-repetitions ${snmp.maxRepetitions}`);
    expect(probeHelp).toContain(`--count ${icmp.count} --timeout ${icmp.timeout} (per echo) --spacing ${icmp.spacing} --engine ${icmp.engine}`);
  });
});
