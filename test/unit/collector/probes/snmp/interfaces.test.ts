import { describe, expect, it } from 'vitest';
import {
  assembleInterfaces,
  compareOids,
  hasCounters,
  ifTypeName,
  interfaceSpeedBps,
  interfaceStatusWord,
  isInSubtree,
  smiTags,
  type RawVarbind,
} from '../../../../../collector/probes/snmp/decode.ts';
import { cellOid, ifEntry, ifTableColumns as T, ifXEntry, ifXTableColumns as X } from '../../../../../collector/probes/snmp/oids.ts';

// Captured-shape varbinds, built the way net-snmp hands them over (BER tag + JS value).
const text = (value: string) => ({ type: smiTags.OctetString, value: Buffer.from(value) });
const int = (value: number) => ({ type: smiTags.Integer32, value });
const c32 = (value: number) => ({ type: smiTags.Counter32, value });
const g32 = (value: number) => ({ type: smiTags.Gauge32, value });
const c64 = (value: bigint) => {
  let hex = value.toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  if (Number.parseInt(hex.slice(0, 2), 16) >= 0x80) hex = `00${hex}`;
  return { type: smiTags.Counter64, value: Buffer.from(hex, 'hex') };
};
type Cell = { type: number; value: unknown };

const rows = (entry: string, table: Record<number, Record<number, Cell>>): RawVarbind[] =>
  // A walk returns column by column: every row's column 1, then every row's column 2, …
  Object.entries(table)
    .flatMap(([index, columns]) =>
      Object.entries(entry === ifEntry ? { [T.ifIndex]: int(Number(index)), ...columns } : columns).map(([column, cell]) => ({
        column: Number(column),
        index: Number(index),
        cell,
      })),
    )
    .sort((a, b) => a.column - b.column || a.index - b.index)
    .map(({ column, index, cell }) => ({ oid: cellOid(entry, column, index), ...cell }));

const ifRow = (descr: string, extra: Record<number, Cell> = {}): Record<number, Cell> => ({
  [T.ifDescr]: text(descr),
  [T.ifType]: int(6),
  [T.ifMtu]: int(1500),
  [T.ifSpeed]: g32(100_000_000),
  [T.ifPhysAddress]: { type: smiTags.OctetString, value: Buffer.from('00155d0a0b0c', 'hex') },
  [T.ifAdminStatus]: int(1),
  [T.ifOperStatus]: int(1),
  [T.ifInOctets]: c32(1000),
  [T.ifInUcastPkts]: c32(10),
  [T.ifInDiscards]: c32(1),
  [T.ifInErrors]: c32(2),
  [T.ifOutOctets]: c32(2000),
  [T.ifOutUcastPkts]: c32(20),
  [T.ifOutDiscards]: c32(3),
  [T.ifOutErrors]: c32(4),
  ...extra,
});

const ifXRow = (name: string, extra: Record<number, Cell> = {}): Record<number, Cell> => ({
  [X.ifName]: text(name),
  [X.ifHCInOctets]: c64(5_000_000_000n),
  [X.ifHCInUcastPkts]: c64(50n),
  [X.ifHCOutOctets]: c64(6_000_000_000n),
  [X.ifHCOutUcastPkts]: c64(60n),
  [X.ifHighSpeed]: g32(100),
  [X.ifAlias]: text('to commune hall'),
  ...extra,
});

const assemble = (ifTable: Record<number, Record<number, Cell>>, ifXTable: Record<number, Record<number, Cell>> = {}) =>
  assembleInterfaces(rows(ifEntry, ifTable), rows(ifXEntry, ifXTable));

const interfaces = (result: ReturnType<typeof assemble>) => {
  if (!result.ok) throw new Error(`expected interfaces, got ${JSON.stringify(result)}`);
  return result.value;
};

describe('assembleInterfaces', () => {
  it('joins ifTable and ifXTable rows by ifIndex, 64-bit counters preferred', () => {
    const [wan] = interfaces(assemble({ 3: ifRow('GigabitEthernet0/1') }, { 3: ifXRow('Gi0/1') }));
    expect(wan).toEqual({
      index: 3,
      name: 'Gi0/1',
      descr: 'GigabitEthernet0/1',
      alias: 'to commune hall',
      type: 6,
      typeName: 'ethernetCsmacd',
      mtu: 1500,
      speedBps: 100_000_000,
      operStatus: 'up',
      adminStatus: 'up',
      counterBits: 64,
      inOctets: 5_000_000_000n,
      outOctets: 6_000_000_000n,
      inUcastPkts: 50n,
      outUcastPkts: 60n,
      inErrors: 2n,
      outErrors: 4n,
      inDiscards: 1n,
      outDiscards: 3n,
    });
  });

  it('orders interfaces by ifIndex, not by walk order', () => {
    const result = interfaces(assemble({ 10: ifRow('b'), 2: ifRow('a'), 1000001: ifRow('c') }));
    expect(result.map((iface) => iface.index)).toEqual([2, 10, 1000001]);
  });

  it('falls back to 32-bit counters when the agent has no ifXTable (SNMPv1, old agents)', () => {
    const [iface] = interfaces(assemble({ 1: ifRow('eth0') }));
    expect(iface).toMatchObject({
      name: 'eth0',
      alias: '',
      counterBits: 32,
      inOctets: 1000n,
      outOctets: 2000n,
      inUcastPkts: 10n,
      outUcastPkts: 20n,
    });
  });

  it('falls back per row: one interface without HC counters does not downgrade the others', () => {
    const ifX = { 1: ifXRow('fast'), 2: ifXRow('slow') };
    delete ifX[2][X.ifHCInOctets];
    delete ifX[2][X.ifHCOutOctets];
    const [fast, slow] = interfaces(assemble({ 1: ifRow('fast'), 2: ifRow('slow') }, ifX));
    expect(fast).toMatchObject({ counterBits: 64, inOctets: 5_000_000_000n });
    // Unicast packets follow the octets' width so a wrap is judged with the right modulus.
    expect(slow).toMatchObject({ counterBits: 32, inOctets: 1000n, outOctets: 2000n, inUcastPkts: 10n, outUcastPkts: 20n });
  });

  it('uses 32-bit octets when only one HC octet counter is present', () => {
    const ifX = { 1: ifXRow('half') };
    delete ifX[1][X.ifHCOutOctets];
    expect(interfaces(assemble({ 1: ifRow('half') }, ifX))[0]).toMatchObject({ counterBits: 32, inOctets: 1000n, outOctets: 2000n });
  });

  it('leaves unicast packets undefined when the 64-bit octet counters have no 64-bit packet counters', () => {
    const ifX = { 1: ifXRow('x') };
    delete ifX[1][X.ifHCInUcastPkts];
    delete ifX[1][X.ifHCOutUcastPkts];
    const [iface] = interfaces(assemble({ 1: ifRow('x') }, ifX));
    expect(iface).toMatchObject({ counterBits: 64 });
    expect(iface!.inUcastPkts).toBeUndefined();
    expect(iface!.outUcastPkts).toBeUndefined();
  });

  it('fills gaps: no ifName → ifDescr, empty ifName → ifDescr, no ifAlias → "", no ifMtu → undefined, no status → unknown', () => {
    const base = ifRow('Serial0/0/0');
    delete base[T.ifMtu];
    delete base[T.ifOperStatus];
    delete base[T.ifAdminStatus];
    const ifX = { 1: ifXRow('') };
    delete ifX[1][X.ifAlias];
    const [serial] = interfaces(assemble({ 1: base }, ifX));
    expect(serial).toMatchObject({ name: 'Serial0/0/0', alias: '', operStatus: 'unknown', adminStatus: 'unknown' });
    expect(serial).not.toHaveProperty('mtu');
    expect(interfaces(assemble({ 1: ifRow('Serial0/0/0') }))[0]!.name).toBe('Serial0/0/0');
  });

  it('keeps every row the agent lists, in either table and in any column; counters are optional', () => {
    const noCounters = ifRow('StackSub-St1-1', { [T.ifType]: int(53), [T.ifSpeed]: g32(0), [T.ifAdminStatus]: int(2), [T.ifOperStatus]: int(2) });
    for (const column of [T.ifMtu, T.ifInOctets, T.ifInUcastPkts, T.ifInDiscards, T.ifInErrors, T.ifOutOctets, T.ifOutUcastPkts, T.ifOutDiscards, T.ifOutErrors]) delete noCounters[column];
    const noType = ifRow('weird');
    delete noType[T.ifType];
    const onlyIn = ifRow('half');
    delete onlyIn[T.ifOutOctets];
    const result = interfaces(
      assemble(
        { 1: ifRow('eth0'), 7: noCounters, 8: noType, 10: onlyIn },
        { 1: ifXRow('eth0'), 7: { [X.ifName]: text('StackSub-St1-1'), [X.ifHighSpeed]: g32(0) }, 9: { [X.ifName]: text('ppp1') } },
      ),
    );
    expect(result.map((iface) => iface.index)).toEqual([1, 7, 8, 9, 10]);
    const [, stackSub, weird, ppp, half] = result;
    expect(stackSub).toEqual({
      index: 7,
      name: 'StackSub-St1-1',
      descr: 'StackSub-St1-1',
      alias: '',
      type: 53,
      typeName: 'propVirtual',
      speedBps: 0,
      operStatus: 'down',
      adminStatus: 'down',
      inErrors: undefined,
      outErrors: undefined,
      inDiscards: undefined,
      outDiscards: undefined,
    });
    expect(hasCounters(stackSub!)).toBe(false);
    // ifType is mandatory in IF-MIB, but a row without it is still a row the agent lists.
    expect(weird).toMatchObject({ name: 'weird', typeName: undefined, counterBits: 32 });
    expect(weird).not.toHaveProperty('type');
    // A row only in ifXTable (created between the two walks, or an agent that lists it there only).
    expect(ppp).toMatchObject({ index: 9, name: 'ppp1', descr: '', operStatus: 'unknown', adminStatus: 'unknown', speedBps: 0 });
    expect(hasCounters(ppp!)).toBe(false);
    // Counters come in pairs: half a pair is no counters, not a zero.
    expect(half!.inOctets).toBeUndefined();
    expect(half!.counterBits).toBeUndefined();
    expect(half!.inErrors).toBe(2n);
  });

  it('treats an exception value inside a walk as an absent cell', () => {
    const row = ifRow('eth0', { [T.ifMtu]: { type: smiTags.noSuchInstance, value: null } });
    expect(interfaces(assemble({ 1: row }))[0]).not.toHaveProperty('mtu');
  });

  it('accepts Counter32 and Gauge32 interchangeably for unsigned columns', () => {
    const row = ifRow('eth0', { [T.ifSpeed]: c32(10_000_000), [T.ifInOctets]: g32(77) });
    expect(interfaces(assemble({ 1: row }))[0]).toMatchObject({ speedBps: 10_000_000, inOctets: 77n });
  });

  it('returns no interfaces for an agent without ifTable', () => {
    expect(assemble({})).toEqual({ ok: true, value: [] });
  });

  it('ignores columns it does not read, whatever their type', () => {
    const row = ifRow('eth0', { [T.ifSpecific]: { type: smiTags.OctetString, value: Buffer.from('junk') }, [T.ifLastChange]: text('x') });
    expect(assemble({ 1: row }).ok).toBe(true);
  });

  it.each<[string, Record<number, Record<number, Cell>>, Record<number, Record<number, Cell>>, string, string]>([
    [
      'OCTET STRING where ifInOctets (Counter32) belongs',
      { 4: ifRow('eth3', { [T.ifInOctets]: text('1000') }) },
      {},
      cellOid(ifEntry, T.ifInOctets, 4),
      'ifInOctets.4 is OCTET STRING, expected Counter32 or Gauge32',
    ],
    [
      'Counter32 where ifHCOutOctets (Counter64) belongs',
      { 2: ifRow('eth1') },
      { 2: ifXRow('eth1', { [X.ifHCOutOctets]: c32(5) }) },
      cellOid(ifXEntry, X.ifHCOutOctets, 2),
      'ifHCOutOctets.2 is Counter32, expected Counter64',
    ],
    [
      'Integer32 where ifDescr belongs',
      { 1: ifRow('x', { [T.ifDescr]: int(5) }) },
      {},
      cellOid(ifEntry, T.ifDescr, 1),
      'ifDescr.1 is Integer32, expected OCTET STRING',
    ],
    [
      'Gauge32 where ifOperStatus belongs',
      { 1: ifRow('x', { [T.ifOperStatus]: g32(1) }) },
      {},
      cellOid(ifEntry, T.ifOperStatus, 1),
      'ifOperStatus.1 is Gauge32, expected Integer32',
    ],
    [
      'a Counter64 that does not fit 64 bits',
      { 1: ifRow('x') },
      { 1: ifXRow('x', { [X.ifHCInOctets]: { type: smiTags.Counter64, value: Buffer.from('01ffffffffffffffff', 'hex') } }) },
      cellOid(ifXEntry, X.ifHCInOctets, 1),
      'ifHCInOctets.1: Counter64 of 9 octets (0x01ffffffffffffffff) does not fit 64 bits',
    ],
    [
      'a 32-bit counter of the wrong type, even on a row that has HC counters',
      { 1: ifRow('x', { [T.ifOutOctets]: text('0') }) },
      { 1: ifXRow('x') },
      cellOid(ifEntry, T.ifOutOctets, 1),
      'ifOutOctets.1 is OCTET STRING, expected Counter32 or Gauge32',
    ],
  ])('%s → malformed, naming the object and OID', (_name, ifTable, ifXTable, oid, problem) => {
    expect(assemble(ifTable, ifXTable)).toEqual({ ok: false, kind: 'malformed', oid, problem });
  });

  it.each<[string, RawVarbind, string]>([
    ['a two-part index', { oid: `${ifEntry}.2.1.5`, ...text('x') }, `${ifEntry}.2.1.5`],
    ['index 0', { oid: `${ifEntry}.2.0`, ...text('x') }, `${ifEntry}.2.0`],
    ['a column without index', { oid: `${ifEntry}.2`, ...text('x') }, `${ifEntry}.2`],
  ])('rejects %s', (_name, varbind, oid) => {
    expect(assembleInterfaces([varbind], [])).toEqual({ ok: false, kind: 'malformed', oid, problem: 'row index is not a single ifIndex' });
  });

  it('rejects an OID outside the walked table', () => {
    const result = assembleInterfaces([{ oid: '1.3.6.1.2.1.1.1.0', ...text('x') }], []);
    expect(result).toMatchObject({ ok: false, kind: 'malformed', oid: '1.3.6.1.2.1.1.1.0' });
  });
});

describe('interfaceSpeedBps', () => {
  it.each<[string, number | undefined, number | undefined, number]>([
    ['ifSpeed only', 100_000_000, undefined, 100_000_000],
    ['neither', undefined, undefined, 0],
    ['ifHighSpeed only', undefined, 10_000, 10_000_000_000],
    ['saturated ifSpeed: 10G', 4294967295, 10_000, 10_000_000_000],
    ['saturated ifSpeed without ifHighSpeed stays saturated', 4294967295, undefined, 4294967295],
    ['both agree: 1G', 1_000_000_000, 1000, 1_000_000_000],
    ['E1 keeps ifSpeed precision within ifHighSpeed rounding', 2_048_000, 2, 2_048_000],
    ['T1 keeps ifSpeed precision', 1_544_000, 2, 1_544_000],
    ['ifSpeed 0 but ifHighSpeed set: ifHighSpeed wins', 0, 1000, 1_000_000_000],
    ['disagreement: ifHighSpeed wins', 10_000_000, 100, 100_000_000],
    ['ADSL at 512 kbit/s with ifHighSpeed 1', 512_000, 1, 512_000],
    ['ifHighSpeed 0 with a small ifSpeed', 64_000, 0, 64_000],
  ])('%s', (_name, ifSpeed, ifHighSpeed, expected) => {
    expect(interfaceSpeedBps(ifSpeed, ifHighSpeed)).toBe(expected);
  });
});

describe('interfaceStatusWord', () => {
  it.each<[number | undefined, string]>([
    [1, 'up'],
    [2, 'down'],
    [3, 'testing'],
    [4, 'unknown'],
    [5, 'dormant'],
    [6, 'notPresent'],
    [7, 'lowerLayerDown'],
    [0, 'unknown'],
    [8, 'unknown'],
    [undefined, 'unknown'],
  ])('%s → %s', (value, word) => {
    expect(interfaceStatusWord(value)).toBe(word);
  });
});

describe('ifTypeName', () => {
  it.each<[number, string | undefined]>([
    [6, 'ethernetCsmacd'],
    [24, 'softwareLoopback'],
    [23, 'ppp'],
    [131, 'tunnel'],
    [135, 'l2vlan'],
    [161, 'ieee8023adLag'],
    [71, 'ieee80211'],
    [9999, undefined],
  ])('%s → %s', (type, name) => {
    expect(ifTypeName(type)).toBe(name);
  });
});

describe('OID order', () => {
  it.each<[string, string, number]>([
    ['1.3.6.1.2.1.2.2.1.2.10', '1.3.6.1.2.1.2.2.1.2.9', 1],
    ['1.3.6.1.2.1.2.2.1.2.9', '1.3.6.1.2.1.2.2.1.2.10', -1],
    ['1.3.6.1', '1.3.6.1.2', -1],
    ['1.3.6.1.2', '1.3.6.1.2', 0],
  ])('compareOids(%s, %s) has sign %s', (a, b, sign) => {
    expect(Math.sign(compareOids(a, b))).toBe(sign);
  });

  it.each<[string, string, boolean]>([
    ['1.3.6.1.2.1.2.2.1', '1.3.6.1.2.1.2.2.1.2.1', true],
    ['1.3.6.1.2.1.2.2.1', '1.3.6.1.2.1.2.2.1', false],
    ['1.3.6.1.2.1.2.2.1', '1.3.6.1.2.1.2.2.10.1', false],
    ['1.3.6.1.2.1.2.2.1', '1.3.6.1.2.1.31.1.1.1.1.1', false],
  ])('isInSubtree(%s, %s) is %s', (root, oid, inside) => {
    expect(isInSubtree(root, oid)).toBe(inside);
  });
});
