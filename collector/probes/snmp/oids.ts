// Object identifiers the SNMP probe reads, by their MIB names. Numbers come from SNMPv2-MIB
// (RFC 3418) and IF-MIB (RFC 2863); the names match the MIBs so `snmpwalk` output and these
// constants can be compared by eye.

/** SNMPv2-MIB system group scalars, instance `.0` included: what one GET asks for. */
export const systemOids = {
  sysDescr: '1.3.6.1.2.1.1.1.0',
  sysObjectID: '1.3.6.1.2.1.1.2.0',
  sysUpTime: '1.3.6.1.2.1.1.3.0',
  sysContact: '1.3.6.1.2.1.1.4.0',
  sysName: '1.3.6.1.2.1.1.5.0',
  sysLocation: '1.3.6.1.2.1.1.6.0',
} as const;

export type SystemObject = keyof typeof systemOids;

/** IF-MIB ifEntry: walk this to get every ifTable column; rows are `ifEntry.COLUMN.ifIndex`. */
export const ifEntry = '1.3.6.1.2.1.2.2.1';

/** ifTable column numbers (sub-identifiers under ifEntry). */
export const ifTableColumns = {
  ifIndex: 1,
  ifDescr: 2,
  ifType: 3,
  ifMtu: 4,
  ifSpeed: 5,
  ifPhysAddress: 6,
  ifAdminStatus: 7,
  ifOperStatus: 8,
  ifLastChange: 9,
  ifInOctets: 10,
  ifInUcastPkts: 11,
  ifInNUcastPkts: 12,
  ifInDiscards: 13,
  ifInErrors: 14,
  ifInUnknownProtos: 15,
  ifOutOctets: 16,
  ifOutUcastPkts: 17,
  ifOutNUcastPkts: 18,
  ifOutDiscards: 19,
  ifOutErrors: 20,
  ifOutQLen: 21,
  ifSpecific: 22,
} as const;

/** IF-MIB ifXEntry (RFC 2863): names, 64-bit counters, ifHighSpeed and ifAlias. */
export const ifXEntry = '1.3.6.1.2.1.31.1.1.1';

/** ifXTable column numbers (sub-identifiers under ifXEntry). */
export const ifXTableColumns = {
  ifName: 1,
  ifInMulticastPkts: 2,
  ifInBroadcastPkts: 3,
  ifOutMulticastPkts: 4,
  ifOutBroadcastPkts: 5,
  ifHCInOctets: 6,
  ifHCInUcastPkts: 7,
  ifHCInMulticastPkts: 8,
  ifHCInBroadcastPkts: 9,
  ifHCOutOctets: 10,
  ifHCOutUcastPkts: 11,
  ifHCOutMulticastPkts: 12,
  ifHCOutBroadcastPkts: 13,
  ifLinkUpDownTrapEnable: 14,
  ifHighSpeed: 15,
  ifPromiscuousMode: 16,
  ifConnectorPresent: 17,
  ifAlias: 18,
  ifCounterDiscontinuityTime: 19,
} as const;

export type IfTableColumn = keyof typeof ifTableColumns;
export type IfXTableColumn = keyof typeof ifXTableColumns;

/** `ENTRY.COLUMN.INDEX` for one cell, e.g. `cellOid(ifEntry, ifTableColumns.ifDescr, 3)`. */
export const cellOid = (entry: string, column: number, index: number): string => `${entry}.${column}.${index}`;
