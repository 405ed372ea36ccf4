import { isIPv4 } from 'node:net';
import { expectValue, interfaceStatusWord, type InterfaceStatus, type RawVarbind } from '../probes/snmp/decode.ts';
import {
  interfaceVarbindPrefixes,
  otherV1GenericTraps,
  snmpTrapOid,
  standardTrapOids,
  trapKinds,
  v1GenericTraps,
  type InterfaceVarbind,
  type TrapKind,
} from './oids.ts';

// Pure decoding: a notification as net-snmp's receiver hands it over in, a typed trap event out.
// Nothing here touches the network, so every rule is table-tested with hand-made PDUs
// (test/unit/traps). What reaches this module has already passed the community check.

export type { TrapKind } from './oids.ts';
export { trapKinds } from './oids.ts';

/** One received notification the alert engine can act on before the next poll. */
export interface TrapEvent {
  kind: TrapKind;
  /** IP address the datagram came from (an IPv4-mapped IPv6 address is given as IPv4). */
  source: string;
  /** A v1 Trap-PDU's agent-addr, which differs from `source` when a proxy or NAT forwarded it. */
  agentAddress?: string;
  ifIndex?: number;
  /** ifName when the trap carries it, else ifDescr: what the device calls the interface. */
  ifName?: string;
  adminStatus?: InterfaceStatus;
  operStatus?: InterfaceStatus;
  receivedAtMs: number;
}

/** `unsupported`: a well-formed notification linkwatch does not act on (vendor traps, authenticationFailure…). */
export type TrapDecoding =
  | { ok: true; trap: TrapEvent }
  | { ok: false; reason: 'unsupported' | 'malformed'; message: string };

/** The PDU fields net-snmp fills in for notifications; `unknown` where a sender controls the value. */
export interface RawNotificationPdu {
  type?: unknown;
  /** v1 Trap-PDU only. */
  enterprise?: unknown;
  agentAddr?: unknown;
  generic?: unknown;
  specific?: unknown;
  varbinds?: unknown;
}

/** What net-snmp's receiver callback gets for a notification: `{pdu, rinfo}`. */
export interface RawNotification {
  pdu: RawNotificationPdu;
  rinfo: { address?: unknown };
}

/** BER tags of the notification PDUs (RFC 1157 §4.1.6, RFC 3416 §3). */
export const notificationPduTypes = Object.freeze({ trapV1: 0xa4, inform: 0xa6, trapV2: 0xa7 });

type Failure = Extract<TrapDecoding, { ok: false }>;
const malformed = (message: string): Failure => ({ ok: false, reason: 'malformed', message });
const unsupported = (message: string): Failure => ({ ok: false, reason: 'unsupported', message });

const OID_PATTERN = /^\d+(\.\d+)*$/;
const MAX_INT32 = 2147483647;

const kindByOid: ReadonlyMap<string, TrapKind> = new Map(trapKinds.map((kind) => [standardTrapOids[kind], kind]));
const kindByGeneric: ReadonlyMap<number, TrapKind> = new Map(trapKinds.map((kind) => [v1GenericTraps[kind], kind]));

// The MIB names, for messages a technician can match against snmptrapd output.
const mibNames: Readonly<Record<TrapKind, string>> = Object.freeze({
  'cold-start': 'coldStart',
  'warm-start': 'warmStart',
  'link-down': 'linkDown',
  'link-up': 'linkUp',
});
const actedOn = trapKinds.map((kind) => mibNames[kind]).join(', ');

/**
 * A net-snmp notification → a trap event, or why it is not one. v1 Trap-PDUs are read from
 * generic-trap and agent-addr; SNMPv2-Trap-PDUs and InformRequests from snmpTrapOID.0, looked for
 * anywhere in the list (RFC 3416 puts it second, and a few agents do not). For linkDown/linkUp the
 * IF-MIB varbinds give the interface; other varbinds are ignored, so vendor extras never fail a
 * trap, but a varbind that is used and holds the wrong type does.
 */
export function decodeTrap(notification: RawNotification, receivedAtMs: number): TrapDecoding {
  const source = sourceAddress(notification.rinfo?.address);
  if (source === undefined) return malformed('the sender address is missing');
  const pdu = notification.pdu;
  if (typeof pdu !== 'object' || pdu === null) return malformed('the notification has no PDU');
  const varbinds = varbindList(pdu.varbinds);
  if (!varbinds.ok) return varbinds;

  let header: Decoded<Header>;
  switch (pdu.type) {
    case notificationPduTypes.trapV1:
      header = decodeV1Header(pdu);
      break;
    case notificationPduTypes.trapV2:
    case notificationPduTypes.inform:
      header = decodeTrapOid(varbinds.value);
      break;
    default:
      return unsupported(`PDU type ${describePduType(pdu.type)} is not a notification`);
  }
  if (!header.ok) return header;

  const { kind, agentAddress } = header.value;
  const trap: TrapEvent = { kind, source, ...(agentAddress === undefined ? {} : { agentAddress }), receivedAtMs };
  if (kind !== 'link-down' && kind !== 'link-up') return { ok: true, trap };
  const link = decodeInterface(varbinds.value, mibNames[kind]);
  if (!link.ok) return link;
  return { ok: true, trap: { ...trap, ...link.value } };
}

type Decoded<T> = { ok: true; value: T } | Failure;

/** What the PDU itself says, before the varbinds are read. */
interface Header {
  kind: TrapKind;
  agentAddress?: string;
}

/** IPv4-mapped IPv6 (`::ffff:10.0.0.1`, what a dual-stack `::` socket reports for IPv4 senders)
 * is given as plain IPv4, so the address matches the device's configured one. */
function sourceAddress(address: unknown): string | undefined {
  if (typeof address !== 'string' || address === '') return undefined;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return mapped ? mapped[1] : address;
}

function varbindList(value: unknown): Decoded<RawVarbind[]> {
  // net-snmp always sets an array; anything else means the PDU object is not one of its own.
  if (!Array.isArray(value)) return malformed('the varbind list is missing');
  for (const [position, varbind] of value.entries()) {
    if (typeof varbind !== 'object' || varbind === null || typeof (varbind as { oid?: unknown }).oid !== 'string') {
      return malformed(`varbind ${position + 1} has no OID`);
    }
  }
  return { ok: true, value: value as RawVarbind[] };
}

function describePduType(type: unknown): string {
  return typeof type === 'number' ? `0x${type.toString(16)}` : String(type);
}

function decodeV1Header(pdu: RawNotificationPdu): Decoded<Header> {
  const { enterprise, agentAddr, generic, specific } = pdu;
  if (typeof enterprise !== 'string' || !OID_PATTERN.test(enterprise)) return malformed('v1 Trap-PDU: enterprise is not an OID');
  if (typeof agentAddr !== 'string' || !isIPv4(agentAddr)) return malformed('v1 Trap-PDU: agent-addr is not an IPv4 address');
  if (typeof generic !== 'number' || !Number.isInteger(generic)) return malformed('v1 Trap-PDU: generic-trap is not an integer');
  const kind = kindByGeneric.get(generic);
  if (kind === undefined) {
    const name = otherV1GenericTraps[generic];
    if (name === undefined) return malformed(`v1 Trap-PDU: generic-trap ${generic} is outside 0..6`);
    const detail = generic === 6 ? ` ${enterprise} specific-trap ${typeof specific === 'number' ? specific : '?'}` : '';
    return unsupported(`v1 ${name} trap${detail}: linkwatch acts on ${actedOn} only`);
  }
  // 0.0.0.0 is what agents without a configured source address send; it names no device.
  return { ok: true, value: agentAddr === '0.0.0.0' ? { kind } : { kind, agentAddress: agentAddr } };
}

function decodeTrapOid(varbinds: readonly RawVarbind[]): Decoded<Header> {
  const varbind = varbinds.find((candidate) => candidate.oid === snmpTrapOid);
  if (!varbind) return malformed('SNMPv2 notification without snmpTrapOID.0 (RFC 3416 §4.2.6 requires it as the second varbind)');
  const oid = expectValue(varbind, 'snmpTrapOID.0', ['oid']);
  if (!oid.ok) return malformed(oid.problem);
  const kind = kindByOid.get(oid.value);
  return kind === undefined ? unsupported(`notification ${oid.value}: linkwatch acts on ${actedOn} only`) : { ok: true, value: { kind } };
}

type InterfaceFields = Pick<TrapEvent, 'ifIndex' | 'ifName' | 'adminStatus' | 'operStatus'>;

const interfaceColumns = Object.entries(interfaceVarbindPrefixes) as [InterfaceVarbind, string][];

/**
 * The interface a linkDown/linkUp is about, from IF-MIB varbinds (`ifIndex.N`, `ifAdminStatus.N`,
 * `ifOperStatus.N`, and the ifName/ifDescr some agents add). The instance N of every one is the
 * ifIndex, so the ifIndex is known even from an agent that sends only the status columns. Varbinds
 * naming two different interfaces are malformed: there is no telling which one went down.
 */
function decodeInterface(varbinds: readonly RawVarbind[], trapName: string): Decoded<InterfaceFields> {
  let ifIndex: number | undefined;
  let indexFrom = '';
  const found: Partial<Record<InterfaceVarbind, RawVarbind>> = {};
  for (const varbind of varbinds) {
    const column = interfaceColumns.find(([, prefix]) => varbind.oid.startsWith(prefix));
    if (!column) continue;
    const [name, prefix] = column;
    const instance = varbind.oid.slice(prefix.length);
    const index = Number(instance);
    if (!/^\d+$/.test(instance) || index < 1 || index > MAX_INT32) return malformed(`${trapName}: ${name}.${instance} is not indexed by one ifIndex`);
    if (ifIndex !== undefined && index !== ifIndex) {
      return malformed(`${trapName}: varbinds name two interfaces (${indexFrom} and ${name}.${index})`);
    }
    ifIndex = index;
    indexFrom ||= `${name}.${index}`;
    found[name] ??= varbind;
  }
  if (ifIndex === undefined) return { ok: true, value: {} };

  const fields: InterfaceFields = { ifIndex };
  if (found.ifIndex) {
    const value = expectValue(found.ifIndex, `ifIndex.${ifIndex}`, ['integer']);
    if (!value.ok) return malformed(`${trapName}: ${value.problem}`);
    if (value.value !== ifIndex) return malformed(`${trapName}: ifIndex.${ifIndex} holds ${value.value}`);
  }
  for (const [column, field] of [
    ['ifAdminStatus', 'adminStatus'],
    ['ifOperStatus', 'operStatus'],
  ] as const) {
    const varbind = found[column];
    if (!varbind) continue;
    const value = expectValue(varbind, `${column}.${ifIndex}`, ['integer']);
    if (!value.ok) return malformed(`${trapName}: ${value.problem}`);
    fields[field] = interfaceStatusWord(value.value);
  }
  // ifName is the short name operators type in the config (Gi0/1); ifDescr is the fallback the
  // poller uses too, so a trap and a poll name the interface the same way.
  for (const column of ['ifName', 'ifDescr'] as const) {
    const varbind = found[column];
    if (!varbind) continue;
    const value = expectValue(varbind, `${column}.${ifIndex}`, ['octetString']);
    if (!value.ok) return malformed(`${trapName}: ${value.problem}`);
    if (fields.ifName === undefined && value.value !== '') fields.ifName = value.value;
  }
  return { ok: true, value: fields };
}
