import { isUtf8 } from 'node:buffer';
import { ifEntry, ifTableColumns, ifXEntry, ifXTableColumns, systemOids, type IfTableColumn, type IfXTableColumn, type SystemObject } from './oids.ts';

// Pure decoding: net-snmp varbinds in, typed values out. Nothing here touches the network, so
// every rule below is table-tested with hand-made varbinds (test/unit/collector/probes/snmp).

/** A varbind as net-snmp hands it over: `type` is the BER tag, `value` depends on it. */
export interface RawVarbind {
  oid: string;
  type?: number;
  value?: unknown;
}

/** BER tags of the SMI types (RFC 2578 §7.1, RFC 3416 §3), as net-snmp reports them. */
export const smiTags = {
  Integer32: 2,
  OctetString: 4,
  Null: 5,
  ObjectIdentifier: 6,
  IpAddress: 64,
  Counter32: 65,
  Gauge32: 66,
  TimeTicks: 67,
  Opaque: 68,
  Counter64: 70,
  noSuchObject: 128,
  noSuchInstance: 129,
  endOfMibView: 130,
} as const;

const tagNames: Record<number, string> = {
  1: 'BOOLEAN',
  2: 'Integer32',
  3: 'BIT STRING',
  4: 'OCTET STRING',
  5: 'NULL',
  6: 'OBJECT IDENTIFIER',
  64: 'IpAddress',
  65: 'Counter32',
  66: 'Gauge32',
  67: 'TimeTicks',
  68: 'Opaque',
  70: 'Counter64',
  128: 'noSuchObject',
  129: 'noSuchInstance',
  130: 'endOfMibView',
};

const typeName = (tag: number | undefined): string => (tag === undefined ? 'no type' : (tagNames[tag] ?? `type tag ${tag}`));

/** A decoded varbind value, tagged by its SMI type. */
export type SnmpValue =
  | { type: 'integer'; value: number }
  /** Printable UTF-8 as text, anything else as `0x…` hex (MAC addresses, binary ifAlias). */
  | { type: 'octetString'; value: string }
  | { type: 'oid'; value: string }
  | { type: 'ipAddress'; value: string }
  | { type: 'counter32'; value: number }
  | { type: 'gauge32'; value: number }
  /** Hundredths of a second. */
  | { type: 'timeTicks'; value: number }
  | { type: 'counter64'; value: bigint }
  | { type: 'opaque'; value: string }
  | { type: 'null' }
  /** The agent answered "no such thing" instead of a value. */
  | { type: 'missing'; exception: 'noSuchObject' | 'noSuchInstance' | 'endOfMibView' };

export type SnmpValueType = SnmpValue['type'];

/** SMI types that carry a value (everything but NULL and the exceptions). */
export type ValueKind = Exclude<SnmpValueType, 'null' | 'missing'>;
export type ValueOf<K extends ValueKind> = Extract<SnmpValue, { type: K }>['value'];

/** An answer that cannot be decoded. `oid` is the offending varbind's; `problem` names the object. */
export interface Malformed {
  ok: false;
  kind: 'malformed';
  oid: string;
  problem: string;
}

/** The agent answered, but without these objects. */
export interface Missing {
  ok: false;
  kind: 'missing';
  objects: string[];
}

export type Decoded<T> = { ok: true; value: T } | Malformed;

const malformed = (oid: string, problem: string): Malformed => ({ ok: false, kind: 'malformed', oid, problem });
const decoded = <T>(value: T): { ok: true; value: T } => ({ ok: true, value });

const MAX_UINT32 = 4294967295;
const MIN_INT32 = -2147483648;
const MAX_INT32 = 2147483647;
const OID_PATTERN = /^\d+(\.\d+)*$/;
const IPV4_PATTERN = /^\d{1,3}(\.\d{1,3}){3}$/;
// C0 and C1 control characters other than tab, CR and LF: their presence means binary data.
const CONTROL_CHARACTERS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;

const isBytes = (value: unknown): value is Uint8Array => value instanceof Uint8Array;
const hex = (bytes: Uint8Array): string => `0x${Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex')}`;

/**
 * OCTET STRING → text when the bytes are printable UTF-8, else `0x` + hex. One or more trailing
 * NUL bytes are dropped before the check because several agents NUL-terminate DisplayStrings;
 * a value that is nothing but NULs stays hex.
 */
export function octetsToText(bytes: Uint8Array): string {
  let end = bytes.length;
  while (end > 0 && bytes[end - 1] === 0) end--;
  if (end === 0) return bytes.length === 0 ? '' : hex(bytes);
  const body = Buffer.from(bytes.buffer, bytes.byteOffset, end);
  if (!isUtf8(body)) return hex(bytes);
  const text = body.toString('utf8');
  return CONTROL_CHARACTERS.test(text) ? hex(bytes) : text;
}

/**
 * Counter64 content octets → bigint. net-snmp hands over the raw BER INTEGER contents, which are
 * as short as the value allows (one octet for 0) and nine octets with a leading 0x00 when the top
 * bit is set. Eight octets with the top bit set (a sign bit, strictly) come from agents that
 * forget the padding; they are read as unsigned like every manager does. Returns undefined for
 * lengths no Counter64 can have.
 */
export function counter64FromBytes(bytes: Uint8Array): bigint | undefined {
  if (bytes.length === 0 || bytes.length > 9) return undefined;
  if (bytes.length === 9 && bytes[0] !== 0) return undefined;
  let value = 0n;
  for (const byte of bytes) value = (value << 8n) | BigInt(byte);
  return value;
}

/** Decodes one varbind by its tag; a value whose JavaScript shape does not fit the tag is malformed. */
// Module-level, not closures inside decodeVarbind: this runs once per varbind of every poll.
function shapeProblem(oid: string, type: number | undefined, value: unknown, expected: string): Malformed {
  // net-snmp's BER reader returns null for a value cut off by the end of the datagram.
  return value === null || value === undefined
    ? malformed(oid, `${typeName(type)} has no value (is the packet cut off?)`)
    : malformed(oid, `${typeName(type)} value is not ${expected}`);
}
function uint32Value(oid: string, type: number | undefined, value: unknown, kind: 'counter32' | 'gauge32' | 'timeTicks'): Decoded<SnmpValue> {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= MAX_UINT32
    ? decoded({ type: kind, value })
    : shapeProblem(oid, type, value, 'an unsigned 32-bit integer');
}

export function decodeVarbind(varbind: RawVarbind): Decoded<SnmpValue> {
  const { oid, type, value } = varbind;
  switch (type) {
    case smiTags.Integer32:
      return typeof value === 'number' && Number.isInteger(value) && value >= MIN_INT32 && value <= MAX_INT32
        ? decoded({ type: 'integer', value })
        : shapeProblem(oid, type, value, 'a 32-bit integer');
    case smiTags.OctetString:
      return isBytes(value) ? decoded({ type: 'octetString', value: octetsToText(value) }) : shapeProblem(oid, type, value, 'a byte string');
    case smiTags.ObjectIdentifier:
      return typeof value === 'string' && OID_PATTERN.test(value) ? decoded({ type: 'oid', value }) : shapeProblem(oid, type, value, 'a dotted OID');
    case smiTags.IpAddress:
      return typeof value === 'string' && IPV4_PATTERN.test(value) ? decoded({ type: 'ipAddress', value }) : shapeProblem(oid, type, value, 'an IPv4 address');
    case smiTags.Counter32:
      return uint32Value(oid, type, value, 'counter32');
    case smiTags.Gauge32:
      return uint32Value(oid, type, value, 'gauge32');
    case smiTags.TimeTicks:
      return uint32Value(oid, type, value, 'timeTicks');
    case smiTags.Opaque:
      return isBytes(value) ? decoded({ type: 'opaque', value: hex(value) }) : shapeProblem(oid, type, value, 'a byte string');
    case smiTags.Counter64: {
      if (!isBytes(value)) return shapeProblem(oid, type, value, 'a byte string');
      const counter = counter64FromBytes(value);
      return counter === undefined
        ? malformed(oid, `Counter64 of ${value.length} octets (${hex(value)}) does not fit 64 bits`)
        : decoded({ type: 'counter64', value: counter });
    }
    case smiTags.Null:
      return decoded({ type: 'null' });
    case smiTags.noSuchObject:
      return decoded({ type: 'missing', exception: 'noSuchObject' });
    case smiTags.noSuchInstance:
      return decoded({ type: 'missing', exception: 'noSuchInstance' });
    case smiTags.endOfMibView:
      return decoded({ type: 'missing', exception: 'endOfMibView' });
    default:
      return malformed(oid, `unsupported varbind type (${typeName(type)})`);
  }
}

const expectationNames: Record<SnmpValueType, string> = {
  integer: 'Integer32',
  octetString: 'OCTET STRING',
  oid: 'OBJECT IDENTIFIER',
  ipAddress: 'IpAddress',
  counter32: 'Counter32',
  gauge32: 'Gauge32',
  timeTicks: 'TimeTicks',
  counter64: 'Counter64',
  opaque: 'Opaque',
  null: 'NULL',
  missing: 'an exception',
};

/**
 * Decodes `varbind` and checks that its type is one of `accepted`; `name` (e.g. `ifDescr.3`)
 * goes into the problem text so a technician can find the object with snmpget.
 */
export function expectValue<K extends ValueKind>(varbind: RawVarbind, name: string, accepted: readonly K[]): Decoded<ValueOf<K>> {
  const result = decodeVarbind(varbind);
  if (!result.ok) return malformed(result.oid, `${name}: ${result.problem}`);
  const value = result.value;
  if (!(accepted as readonly SnmpValueType[]).includes(value.type)) {
    const wanted = accepted.map((kind) => expectationNames[kind]).join(' or ');
    return malformed(varbind.oid, `${name} is ${typeName(varbind.type)}, expected ${wanted}`);
  }
  return decoded((value as { value: unknown }).value as ValueOf<K>);
}

// ---------------------------------------------------------------------------------------------
// System group
// ---------------------------------------------------------------------------------------------

/** SNMPv2-MIB system group. */
export interface SnmpSystem {
  descr: string;
  objectId: string;
  name: string;
  /** sysUpTime in hundredths of a second (TimeTicks); wraps after 497 days. */
  uptimeTicks: number;
  location: string;
  contact: string;
}

/** The system objects in the order `decodeSystem` expects them: ask for exactly these. */
export const systemRequestOids: readonly string[] = Object.values(systemOids);

/**
 * Decodes the answer to a GET of `systemRequestOids`. Every object is required: all six are
 * mandatory in SNMPv2-MIB's systemGroup, so an absent one means a restricted view or a broken
 * agent, and the result names which ones are absent instead of inventing values.
 */
export function decodeSystem(varbinds: readonly RawVarbind[]): Decoded<SnmpSystem> | Missing {
  const names = Object.keys(systemOids) as SystemObject[];
  if (varbinds.length !== names.length) {
    return malformed(varbinds[0]?.oid ?? systemOids.sysDescr, `asked for ${names.length} system objects, got ${varbinds.length} varbinds`);
  }
  const missing: string[] = [];
  const values = new Map<SystemObject, string | number>();
  for (const [i, name] of names.entries()) {
    const varbind = varbinds[i]!;
    if (varbind.oid !== systemOids[name]) {
      return malformed(varbind.oid, `asked for ${name}.0 (${systemOids[name]}) and got ${varbind.oid} instead`);
    }
    const value = decodeVarbind(varbind);
    if (value.ok && value.value.type === 'missing') {
      missing.push(`${name}.0`);
      continue;
    }
    const checked =
      name === 'sysUpTime'
        ? expectValue(varbind, `${name}.0`, ['timeTicks'])
        : expectValue(varbind, `${name}.0`, name === 'sysObjectID' ? ['oid'] : ['octetString']);
    if (!checked.ok) return checked;
    values.set(name, checked.value);
  }
  if (missing.length > 0) return { ok: false, kind: 'missing', objects: missing };
  return decoded({
    descr: values.get('sysDescr') as string,
    objectId: values.get('sysObjectID') as string,
    name: values.get('sysName') as string,
    uptimeTicks: values.get('sysUpTime') as number,
    location: values.get('sysLocation') as string,
    contact: values.get('sysContact') as string,
  });
}

// ---------------------------------------------------------------------------------------------
// Interfaces
// ---------------------------------------------------------------------------------------------

/** ifOperStatus / ifAdminStatus as words (IF-MIB). */
export type InterfaceStatus = 'up' | 'down' | 'testing' | 'unknown' | 'dormant' | 'notPresent' | 'lowerLayerDown';

const statusWords: Record<number, InterfaceStatus> = {
  1: 'up',
  2: 'down',
  3: 'testing',
  4: 'unknown',
  5: 'dormant',
  6: 'notPresent',
  7: 'lowerLayerDown',
};

/** IF-MIB status number → word. Values outside the MIB's enumeration read as `unknown`. */
export const interfaceStatusWord = (value: number | undefined): InterfaceStatus =>
  (value === undefined ? undefined : statusWords[value]) ?? 'unknown';

// The ifTypes met on district and commune networks (IANAifType-MIB); others keep just the number.
const ifTypeNames: Record<number, string> = {
  1: 'other',
  6: 'ethernetCsmacd',
  22: 'propPointToPointSerial',
  23: 'ppp',
  24: 'softwareLoopback',
  32: 'frameRelay',
  37: 'atm',
  49: 'aal5',
  53: 'propVirtual',
  62: 'fastEther',
  71: 'ieee80211',
  94: 'adsl',
  97: 'vdsl',
  108: 'pppMultilinkBundle',
  117: 'gigabitEthernet',
  131: 'tunnel',
  135: 'l2vlan',
  136: 'l3ipvlan',
  150: 'mplsTunnel',
  161: 'ieee8023adLag',
  166: 'mpls',
  188: 'radioMAC',
  209: 'bridge',
  230: 'adsl2',
  238: 'adsl2plus',
  243: 'wwanPP',
  244: 'wwanPP2',
  251: 'vdsl2',
};

/** IANAifType name for common interface types; undefined for the rest. */
export const ifTypeName = (type: number): string | undefined => ifTypeNames[type];

/** ifSpeed's ceiling: IF-MIB says an interface faster than this reports it and sets ifHighSpeed. */
export const IF_SPEED_SATURATED = 4294967295;

/**
 * Bits per second from ifSpeed (bit/s, saturates at 2^32−1) and ifHighSpeed (Mbit/s, rounded).
 * ifHighSpeed wins whenever present, except that an exact ifSpeed within ifHighSpeed's rounding
 * (e.g. a 2.048 Mbit/s E1 reporting ifHighSpeed 2) is kept for its precision.
 */
export function interfaceSpeedBps(ifSpeed: number | undefined, ifHighSpeed: number | undefined): number {
  if (ifHighSpeed === undefined) return ifSpeed ?? 0;
  const high = ifHighSpeed * 1_000_000;
  if (ifSpeed === undefined || ifSpeed === IF_SPEED_SATURATED) return high;
  return Math.round(ifSpeed / 1_000_000) === ifHighSpeed ? ifSpeed : high;
}

/** Octet counters of an interface that has them, with the width wraps are judged by. */
export interface InterfaceCounters {
  /** Width of inOctets/outOctets and the unicast packet counters, for wrap handling. */
  counterBits: 32 | 64;
  inOctets: bigint;
  outOctets: bigint;
  inUcastPkts?: bigint;
  outUcastPkts?: bigint;
}

/** An interface whose row carries no octet counters (stack sub-ports, some VLAN and management
 * interfaces): it is in the inventory with its type, status and speed, and has no traffic. */
export interface Uncounted {
  counterBits?: undefined;
  inOctets?: undefined;
  outOctets?: undefined;
  inUcastPkts?: undefined;
  outUcastPkts?: undefined;
}

/** One interface: its ifTable row joined with its ifXTable row. */
export type SnmpInterface = {
  index: number;
  /** ifName, or ifDescr when the agent has no (or an empty) ifName. */
  name: string;
  descr: string;
  /** ifAlias, the description an operator typed; empty when unset. */
  alias: string;
  /** IANAifType number; undefined when the row has no ifType (a row seen only in ifXTable). */
  type?: number;
  typeName: string | undefined;
  mtu?: number;
  speedBps: number;
  operStatus: InterfaceStatus;
  adminStatus: InterfaceStatus;
  /** Errors and discards exist only as Counter32 in IF-MIB, whatever counterBits says. */
  inErrors?: bigint;
  outErrors?: bigint;
  inDiscards?: bigint;
  outDiscards?: bigint;
} & (InterfaceCounters | Uncounted);

/** Whether an interface has octet counters, i.e. traffic to measure. */
export const hasCounters = (iface: SnmpInterface): iface is SnmpInterface & InterfaceCounters => iface.counterBits !== undefined;

type Row = Map<number, RawVarbind>;

const ifTableNames = invert(ifTableColumns);
const ifXTableNames = invert(ifXTableColumns);

function invert(columns: Record<string, number>): Record<number, string> {
  return Object.fromEntries(Object.entries(columns).map(([name, column]) => [column, name]));
}

/** Splits walked varbinds of `entry` into rows keyed by ifIndex, columns keyed by number. */
function groupRows(entry: string, varbinds: readonly RawVarbind[]): Decoded<Map<number, Row>> {
  const rows = new Map<number, Row>();
  const prefix = `${entry}.`;
  for (const varbind of varbinds) {
    if (!varbind.oid.startsWith(prefix)) return malformed(varbind.oid, `walk of ${entry} returned an OID outside it`);
    // COLUMN.INDEX, split at the one dot without an array (this runs once per walked varbind).
    const oid = varbind.oid;
    const dot = oid.indexOf('.', prefix.length);
    const column = dot < 0 ? Number.NaN : Number(oid.slice(prefix.length, dot));
    const index = dot < 0 || oid.indexOf('.', dot + 1) >= 0 ? Number.NaN : Number(oid.slice(dot + 1));
    // ifIndex is a single sub-identifier in 1..2^31−1 (IF-MIB InterfaceIndex).
    if (!Number.isInteger(column) || !Number.isInteger(index) || index < 1 || index > MAX_INT32) {
      return malformed(varbind.oid, `row index is not a single ifIndex`);
    }
    let row = rows.get(index);
    if (!row) rows.set(index, (row = new Map()));
    row.set(column, varbind);
  }
  return decoded(rows);
}

/** Decodes a cell if present; `accepted` lists the SMI types the column may carry. */
function cell<K extends ValueKind>(
  row: Row | undefined,
  column: number,
  names: Record<number, string>,
  index: number,
  accepted: readonly K[],
): Decoded<ValueOf<K>> | { ok: true; value: undefined } {
  const varbind = row?.get(column);
  if (!varbind) return decoded(undefined);
  const value = decodeVarbind(varbind);
  if (!value.ok) return malformed(value.oid, `${names[column] ?? `column ${column}`}.${index}: ${value.problem}`);
  // An exception inside a walk is not a value; treat the cell as absent.
  if (value.value.type === 'missing') return decoded(undefined);
  if (!(accepted as readonly SnmpValueType[]).includes(value.value.type)) {
    const wanted = accepted.map((kind) => expectationNames[kind]).join(' or ');
    return malformed(varbind.oid, `${names[column] ?? `column ${column}`}.${index} is ${typeName(varbind.type)}, expected ${wanted}`);
  }
  return decoded((value.value as { value: unknown }).value as ValueOf<K>);
}

// Agents mix up Counter32 and Gauge32 for unsigned 32-bit columns (ifSpeed as Counter32 is
// common); both carry the same range, so either is accepted where one of them is specified.
const UNSIGNED32 = ['counter32', 'gauge32'] as const;
const INTEGER = ['integer'] as const;
const TEXT = ['octetString'] as const;
const COUNTER64 = ['counter64'] as const;

const big = (value: number | undefined): bigint | undefined => (value === undefined ? undefined : BigInt(value));

/** The ifTable columns `assembleInterfaces` reads: the probe walks these and no others (about
 * half the table). ifIndex is walked for the rows it lists, since every row has it. */
export const ifTableColumnsRead = [
  'ifIndex', 'ifDescr', 'ifType', 'ifMtu', 'ifSpeed', 'ifAdminStatus', 'ifOperStatus',
  'ifInOctets', 'ifInUcastPkts', 'ifInDiscards', 'ifInErrors', 'ifOutOctets', 'ifOutUcastPkts', 'ifOutDiscards', 'ifOutErrors',
] as const satisfies readonly IfTableColumn[];
/** The ifXTable columns `assembleInterfaces` reads. */
export const ifXTableColumnsRead = ['ifName', 'ifHCInOctets', 'ifHCInUcastPkts', 'ifHCOutOctets', 'ifHCOutUcastPkts', 'ifHighSpeed', 'ifAlias'] as const satisfies readonly IfXTableColumn[];
type IfTableColumnRead = (typeof ifTableColumnsRead)[number];
type IfXTableColumnRead = (typeof ifXTableColumnsRead)[number];

/**
 * Joins walked ifTable and ifXTable varbinds into interfaces ordered by ifIndex. Every index
 * the agent lists in either table, in any column, is an interface: an inventory lists what the
 * device reports, and real agents leave cells out (a Catalyst 3750's StackSub ports have no
 * counters, a ZTE ZXR10's VLAN interfaces only status and speed; test/fixtures/snmp). Octet
 * counters are taken as a pair, the HC pair first, then the 32-bit pair; a row with neither pair
 * is an interface without counters (see `Uncounted`), which gets no traffic. Other absent cells
 * get defaults (name ← ifDescr, alias '', status `unknown`, speed 0, type undefined). A column
 * holding the wrong SMI type fails the whole decode with the OID named.
 */
export function assembleInterfaces(ifTable: readonly RawVarbind[], ifXTable: readonly RawVarbind[]): Decoded<SnmpInterface[]> {
  const base = groupRows(ifEntry, ifTable);
  if (!base.ok) return base;
  const extended = groupRows(ifXEntry, ifXTable);
  if (!extended.ok) return extended;
  const interfaces: SnmpInterface[] = [];
  const indexes = new Set([...base.value.keys(), ...extended.value.keys()]);
  for (const index of [...indexes].sort((a, b) => a - b)) {
    const row = base.value.get(index);
    const xRow = extended.value.get(index);
    // The first decode error wins; reading on after it is harmless and keeps this flat.
    let failure: Malformed | undefined;
    const keep = <T>(result: Decoded<T> | { ok: true; value: undefined }): T | undefined => {
      if (result.ok) return result.value;
      failure ??= result;
      return undefined;
    };
    // Typed by the lists above: reading a column the probe does not walk fails to compile.
    const t = <K extends ValueKind>(column: IfTableColumnRead, accepted: readonly K[]) => keep(cell(row, ifTableColumns[column], ifTableNames, index, accepted));
    const x = <K extends ValueKind>(column: IfXTableColumnRead, accepted: readonly K[]) => keep(cell(xRow, ifXTableColumns[column], ifXTableNames, index, accepted));

    const descr = t('ifDescr', TEXT) ?? '';
    const type = t('ifType', INTEGER);
    const mtu = t('ifMtu', INTEGER);
    const speed = t('ifSpeed', UNSIGNED32);
    const adminStatus = t('ifAdminStatus', INTEGER);
    const operStatus = t('ifOperStatus', INTEGER);
    const inOctets = t('ifInOctets', UNSIGNED32);
    const inUcast = t('ifInUcastPkts', UNSIGNED32);
    const inDiscards = t('ifInDiscards', UNSIGNED32);
    const inErrors = t('ifInErrors', UNSIGNED32);
    const outOctets = t('ifOutOctets', UNSIGNED32);
    const outUcast = t('ifOutUcastPkts', UNSIGNED32);
    const outDiscards = t('ifOutDiscards', UNSIGNED32);
    const outErrors = t('ifOutErrors', UNSIGNED32);
    const name = x('ifName', TEXT);
    const hcInOctets = x('ifHCInOctets', COUNTER64);
    const hcInUcast = x('ifHCInUcastPkts', COUNTER64);
    const hcOutOctets = x('ifHCOutOctets', COUNTER64);
    const hcOutUcast = x('ifHCOutUcastPkts', COUNTER64);
    const highSpeed = x('ifHighSpeed', UNSIGNED32);
    const alias = x('ifAlias', TEXT);
    if (failure) return failure;

    let counters: InterfaceCounters | Uncounted = {};
    if (hcInOctets !== undefined && hcOutOctets !== undefined) {
      counters = { counterBits: 64, inOctets: hcInOctets, outOctets: hcOutOctets, inUcastPkts: hcInUcast, outUcastPkts: hcOutUcast };
    } else if (inOctets !== undefined && outOctets !== undefined) {
      counters = {
        counterBits: 32,
        inOctets: BigInt(inOctets),
        outOctets: BigInt(outOctets),
        inUcastPkts: big(inUcast),
        outUcastPkts: big(outUcast),
      };
    }

    interfaces.push({
      index,
      name: name ? name : descr,
      descr,
      alias: alias ?? '',
      ...(type === undefined ? {} : { type }),
      typeName: type === undefined ? undefined : ifTypeName(type),
      ...(mtu === undefined ? {} : { mtu }),
      speedBps: interfaceSpeedBps(speed, highSpeed),
      operStatus: interfaceStatusWord(operStatus),
      adminStatus: interfaceStatusWord(adminStatus),
      ...counters,
      inErrors: big(inErrors),
      outErrors: big(outErrors),
      inDiscards: big(inDiscards),
      outDiscards: big(outDiscards),
    });
  }
  return decoded(interfaces);
}

// ---------------------------------------------------------------------------------------------
// OID ordering, for walking
// ---------------------------------------------------------------------------------------------

/** Lexicographic order of OIDs by sub-identifier, the order GETNEXT walks in. */
export function compareOids(a: string, b: string): number {
  // Skip the common prefix, then compare the sub-identifiers there by length and digits: no
  // arrays, no Number() per component (this runs once per walked varbind).
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  if (i === a.length && i === b.length) return 0;
  let start = i;
  while (start > 0 && a.charCodeAt(start - 1) !== 46) start--;
  let endA = start;
  while (endA < a.length && a.charCodeAt(endA) !== 46) endA++;
  let endB = start;
  while (endB < b.length && b.charCodeAt(endB) !== 46) endB++;
  if (endA === start) return -1; // a ended: it is a prefix of b
  if (endB === start) return 1;
  if (endA - start !== endB - start) return endA - start - (endB - start);
  if (i < endA && i < endB) return a.charCodeAt(i) - b.charCodeAt(i);
  return endA === a.length ? (endB === b.length ? 0 : -1) : 1;
}

/** Whether `oid` lies strictly below `root` (`1.3.6.1.2` contains `1.3.6.1.2.1`, not `1.3.6.1.20`). */
export const isInSubtree = (root: string, oid: string): boolean => oid.startsWith(`${root}.`);
