import { describe, expect, it } from 'vitest';
import { deviceFacts, type InterfaceFact } from '../../../../../collector/facts.ts';
import { snmpPollPoints, toDeviceSample } from '../../../../../collector/points.ts';
import { assembleInterfaces, decodeSystem, hasCounters, systemRequestOids } from '../../../../../collector/probes/snmp/decode.ts';
import { toProbeJson } from '../../../../../collector/probes/snmp/format.ts';
import { ifEntry, ifXEntry } from '../../../../../collector/probes/snmp/oids.ts';
import type { SnmpProbeData } from '../../../../../collector/probes/snmp/probe.ts';
import { computeDeviceRates } from '../../../../../collector/rates.ts';
import { parseConfig } from '../../../../../config/load.ts';
import { getOf, readSnmprec, walkOf, type RecordedVarbind } from '../../../../helpers/snmprec.ts';

// Real agents' ifTable and ifXTable (test/fixtures/snmp/README.md) through the decoder, the
// probe's JSON, the inventory facts and the collector's points: every row the agent lists is
// an interface, and one without counters is listed but never measured.

interface Recording {
  file: string;
  rows: number;
  /** ifIndex → ifDescr of the rows without octet counters. */
  uncounted: Record<number, string>;
}

const recordings: Recording[] = [
  { file: 'cisco-c3750-stack.snmprec', rows: 59, uncounted: { 5186: 'StackSub-St3-1', 5187: 'StackSub-St3-2' } },
  { file: 'zte-zxr10-9908.snmprec', rows: 221, uncounted: { 1: 'null1', 2: 'mgmt_eth', 4314: 'vlan2003', 4315: 'vlan113', 4318: 'vlan99' } },
];

const load = (file: string) => readSnmprec(new URL(`../../../../fixtures/snmp/${file}`, import.meta.url));

/** Every ifIndex the recording has a cell for, in either table: the rows the agent lists. */
const listedIndexes = (recording: readonly RecordedVarbind[]): number[] => [
  ...new Set(
    recording
      .filter((varbind) => varbind.oid.startsWith(`${ifEntry}.`) || varbind.oid.startsWith(`${ifXEntry}.`))
      .map((varbind) => Number(varbind.oid.split('.').at(-1))),
  ),
].sort((a, b) => a - b);

function probeData(recording: readonly RecordedVarbind[], uptimeTicksAdded = 0): SnmpProbeData {
  const system = decodeSystem(getOf(recording, systemRequestOids));
  const interfaces = assembleInterfaces(walkOf(recording, ifEntry), walkOf(recording, ifXEntry));
  if (!system.ok || !interfaces.ok) throw new Error(`recording does not decode: ${JSON.stringify([system, interfaces])}`);
  return { system: { ...system.value, uptimeTicks: system.value.uptimeTicks + uptimeTicksAdded }, interfaces: interfaces.value, durationMs: 1 };
}

const loaded = parseConfig(`
sites: [{id: hub, name: Hub, kind: district-centre}]
devices: [{id: core, site: hub, role: switch, address: 10.0.0.1, snmp: {credentials: {version: 2c, community: public}}}]
`);
if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
const device = loaded.config.devices[0]!;

describe.each(recordings)('the recording $file', ({ file, rows, uncounted }) => {
  const recording = load(file);
  const data = probeData(recording);

  it(`decodes all ${rows} rows the agent lists, counterless ones included`, () => {
    expect(listedIndexes(recording)).toHaveLength(rows);
    expect(data.interfaces.map((iface) => iface.index)).toEqual(listedIndexes(recording));
    const withoutCounters = data.interfaces.filter((iface) => !hasCounters(iface));
    expect(Object.fromEntries(withoutCounters.map((iface) => [iface.index, iface.descr]))).toEqual(uncounted);
    for (const iface of withoutCounters) {
      expect(iface.type, iface.descr).toBeTypeOf('number');
      expect(iface.operStatus, iface.descr).not.toBe('unknown');
      expect(iface.inOctets, iface.descr).toBeUndefined();
    }
  });

  it('prints every interface in the probe JSON, counters null where the row has none', () => {
    const json = toProbeJson(data);
    expect(json.interfaces).toHaveLength(rows);
    const nulls = json.interfaces.filter((iface) => iface.inOctets === null);
    expect(nulls.map((iface) => [iface.index, iface.descr])).toEqual(Object.entries(uncounted).map(([index, descr]) => [Number(index), descr]));
    for (const iface of nulls) expect(iface.outOctets).toBeNull();
    expect(json.interfaces.filter((iface) => iface.inOctets !== null).every((iface) => /^\d+$/.test(iface.inOctets!))).toBe(true);
    expect(() => JSON.stringify(json)).not.toThrow();
  });

  it('lists every interface in the device facts', () => {
    const facts = deviceFacts(data.system, data.interfaces, []);
    expect(facts.interface_count).toBe(rows);
    const list = JSON.parse(facts.interfaces) as InterfaceFact[];
    expect(list.map((fact) => fact.index)).toEqual(listedIndexes(recording));
    for (const index of Object.keys(uncounted).map(Number)) {
      expect(list.find((fact) => fact.index === index)).toMatchObject({ type: expect.any(Number), speedBps: expect.any(Number) });
    }
  });

  it('writes status for every interface and traffic only for those with counters: no NaN, no discard events', () => {
    const first = toDeviceSample(1_000_000, data.system.uptimeTicks, data.interfaces);
    const later = probeData(recording, 6_000);
    const second = toDeviceSample(1_060_000, later.system.uptimeTicks, later.interfaces);
    const rates = computeDeviceRates(first, second);
    expect(rates.continuity).toEqual({ kind: 'continuous' });
    expect(rates.interfaces).toHaveLength(rows - Object.keys(uncounted).length);
    expect(rates.interfaces.every((rate) => rate.ok)).toBe(true);
    expect(rates.interfaces.map((rate) => rate.index)).not.toEqual(expect.arrayContaining(Object.keys(uncounted).map(Number)));

    const points = snmpPollPoints({ device, links: [], slotMs: 1_060_000, result: { ok: true, ...later }, rates });
    const count = (measurement: string) => points.filter((p) => p.measurement === measurement).length;
    expect(count('device_poll')).toBe(1);
    expect(points.find((p) => p.measurement === 'device_poll')!.fields).toMatchObject({ interfaces: rows });
    expect(count('interface_status')).toBe(rows);
    expect(count('interface_traffic')).toBe(rows - Object.keys(uncounted).length);
    expect(count('collector_event')).toBe(0);
    const notFinite = points.flatMap((p) =>
      Object.entries(p.fields)
        .filter(([, value]) => typeof value === 'number' && !Number.isFinite(value))
        .map(([field]) => `${p.measurement}.${field} ${JSON.stringify(p.tags)}`),
    );
    expect(notFinite).toEqual([]);
  });
});
