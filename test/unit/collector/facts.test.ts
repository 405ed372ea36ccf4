import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { deviceFacts, diffFacts } from '../../../collector/facts.ts';
import { chassisOf, decodeEntities } from '../../../collector/probes/snmp/entity.ts';
import type { RawVarbind } from '../../../collector/probes/snmp/decode.ts';
import type { SnmpInterface, SnmpSystem } from '../../../collector/probes/snmp/probe.ts';

const recorded = JSON.parse(readFileSync(new URL('../../fixtures/snmp/cisco-isr4331-entity.json', import.meta.url), 'utf8')) as {
  varbinds: { oid: string; type: number; value: string | number }[];
};
const varbinds: RawVarbind[] = recorded.varbinds.map((v) => ({ oid: v.oid, type: v.type, value: typeof v.value === 'string' ? Buffer.from(v.value) : v.value }));

const system: SnmpSystem = { descr: 'Cisco IOS XE Software, Version 16.09.05', objectId: '1.3.6.1.4.1.9.1.2068', name: 'vb-core', uptimeTicks: 100, location: 'Văn Bàn', contact: 'noc' };
const iface = (index: number, name: string, speedBps = 1e9): SnmpInterface => ({
  index,
  name,
  descr: name,
  alias: '',
  type: 6,
  typeName: 'ethernetCsmacd',
  speedBps,
  operStatus: 'up',
  adminStatus: 'up',
  counterBits: 64,
  inOctets: 0n,
  outOctets: 0n,
});

describe('ENTITY-MIB', () => {
  it('decodes a recorded entPhysicalTable and finds the chassis', () => {
    const result = decodeEntities(varbinds);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value).toHaveLength(5);
    expect(chassisOf(result.value)).toMatchObject({ index: 1, model: 'ISR4331/K9', serial: 'FDO2213A0KL', firmwareRev: '16.9(4r)', softwareRev: '16.9.5', manufacturer: 'Cisco Systems Inc' });
    expect(result.value.map((entity) => entity.className)).toEqual(['chassis', 'container', 'powerSupply', 'module', 'module']);
  });

  it('is empty, not an error, for an agent without ENTITY-MIB', () => {
    expect(decodeEntities([])).toEqual({ ok: true, value: [] });
  });

  it('reports a wrongly typed column as malformed, naming it', () => {
    const bad = decodeEntities([{ oid: '1.3.6.1.2.1.47.1.1.1.1.5.1', type: 4, value: Buffer.from('chassis') }]);
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.problem).toContain('entPhysicalclass.1');
  });
});

describe('device facts', () => {
  const entities = (() => {
    const result = decodeEntities(varbinds);
    if (!result.ok) throw new Error('fixture');
    return result.value;
  })();
  const before = deviceFacts(system, [iface(1, 'Gi0/0/0'), iface(2, 'Gi0/0/1')], entities);

  it('takes model, serial and revisions from the chassis', () => {
    expect(before).toMatchObject({ model: 'ISR4331/K9', serial: 'FDO2213A0KL', firmware_rev: '16.9(4r)', interface_count: 2, sys_location: 'Văn Bàn' });
  });

  it('finds nothing changed between identical facts', () => {
    expect(diffFacts(before, { ...before })).toEqual([]);
  });

  it.each([
    ['a replaced device', { serial: 'FDO9999Z0ZZ' }, [{ fact: 'serial', before: 'FDO2213A0KL', after: 'FDO9999Z0ZZ' }]],
    ['a firmware upgrade', { software_rev: '17.3.4', sys_descr: 'Cisco IOS XE Software, Version 17.03.04' }, [
      { fact: 'software_rev', before: '16.9.5', after: '17.3.4' },
      { fact: 'sys_descr', before: 'Cisco IOS XE Software, Version 16.09.05', after: 'Cisco IOS XE Software, Version 17.03.04' },
    ]],
  ])('records %s', (_name, change, expected) => {
    expect(diffFacts(before, { ...before, ...change })).toEqual(expected);
  });

  it('records an interface added, one removed and a speed change', () => {
    const after = deviceFacts(system, [iface(1, 'Gi0/0/0', 100e6), iface(3, 'Gi0/0/2')], entities);
    const changes = diffFacts(before, after);
    expect(changes).toEqual([
      { fact: 'interface:Gi0/0/0', before: 'ifIndex 1, type 6, 1000000000 bit/s', after: 'ifIndex 1, type 6, 100000000 bit/s' },
      { fact: 'interface:Gi0/0/1', before: 'ifIndex 2, type 6, 1000000000 bit/s', after: '' },
      { fact: 'interface:Gi0/0/2', before: '', after: 'ifIndex 3, type 6, 1000000000 bit/s' },
    ]);
  });
});
