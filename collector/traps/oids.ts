// Object identifiers of the notifications linkwatch acts on. Numbers come from SNMPv2-MIB
// (RFC 3418), IF-MIB (RFC 2863) and RFC 1157's generic-trap numbers; the names match the MIBs
// so `snmptrapd` output and these constants can be compared by eye.

import { ifEntry, ifTableColumns, ifXEntry, ifXTableColumns } from '../probes/snmp/oids.ts';

/** The notifications a trap can announce, in the words the alert engine uses. */
export const trapKinds = ['cold-start', 'warm-start', 'link-down', 'link-up'] as const;
export type TrapKind = (typeof trapKinds)[number];

/** snmpTrapOID.0: the varbind of an SNMPv2-Trap-PDU (or InformRequest) that says what it is. */
export const snmpTrapOid = '1.3.6.1.6.3.1.1.4.1.0';

/** sysUpTime.0: the first varbind of every SNMPv2 notification. */
export const sysUpTimeInstance = '1.3.6.1.2.1.1.3.0';

// Records keyed by TrapKind: a kind added to the list fails to compile here until it is mapped.

/** SNMPv2-MIB snmpTraps: the value of snmpTrapOID.0 for each kind. */
export const standardTrapOids: Readonly<Record<TrapKind, string>> = Object.freeze({
  'cold-start': '1.3.6.1.6.3.1.1.5.1',
  'warm-start': '1.3.6.1.6.3.1.1.5.2',
  'link-down': '1.3.6.1.6.3.1.1.5.3',
  'link-up': '1.3.6.1.6.3.1.1.5.4',
});

/** RFC 1157 Trap-PDU generic-trap numbers for each kind. */
export const v1GenericTraps: Readonly<Record<TrapKind, number>> = Object.freeze({
  'cold-start': 0,
  'warm-start': 1,
  'link-down': 2,
  'link-up': 3,
});

/** v1 generic-trap numbers linkwatch does not act on, named for the message that says so. */
export const otherV1GenericTraps: Readonly<Record<number, string>> = Object.freeze({
  4: 'authenticationFailure',
  5: 'egpNeighborLoss',
  6: 'enterpriseSpecific',
});

/** Column prefixes of the interface varbinds a link trap carries; the instance is the ifIndex. */
export const interfaceVarbindPrefixes = Object.freeze({
  ifIndex: `${ifEntry}.${ifTableColumns.ifIndex}.`,
  ifDescr: `${ifEntry}.${ifTableColumns.ifDescr}.`,
  ifAdminStatus: `${ifEntry}.${ifTableColumns.ifAdminStatus}.`,
  ifOperStatus: `${ifEntry}.${ifTableColumns.ifOperStatus}.`,
  ifName: `${ifXEntry}.${ifXTableColumns.ifName}.`,
});

export type InterfaceVarbind = keyof typeof interfaceVarbindPrefixes;
