import { describe, expect, it } from 'vitest';
import { smiTags, type RawVarbind } from '../../../collector/probes/snmp/decode.ts';
import { decodeTrap, notificationPduTypes, type RawNotification, type TrapDecoding, type TrapEvent } from '../../../collector/traps/decode.ts';
import { standardTrapOids, trapKinds, v1GenericTraps } from '../../../collector/traps/oids.ts';

// Hand-made PDUs shaped like net-snmp's receiver output (checked against snmptrap from Debian's
// net-snmp 5.9): OCTET STRING values are Buffers, OIDs and IpAddresses are dotted strings.

const AT = 1_700_000_000_000;
const SOURCE = '10.20.0.1';
const TRAP_OID = '1.3.6.1.6.3.1.1.4.1.0';
const UPTIME = '1.3.6.1.2.1.1.3.0';
const IF_INDEX = '1.3.6.1.2.1.2.2.1.1';
const IF_DESCR = '1.3.6.1.2.1.2.2.1.2';
const IF_ADMIN = '1.3.6.1.2.1.2.2.1.7';
const IF_OPER = '1.3.6.1.2.1.2.2.1.8';
const IF_NAME = '1.3.6.1.2.1.31.1.1.1.1';
const NET_SNMP_ENTERPRISE = '1.3.6.1.4.1.8072';

const int = (oid: string, value: unknown): RawVarbind => ({ oid, type: smiTags.Integer32, value });
const text = (oid: string, value: string): RawVarbind => ({ oid, type: smiTags.OctetString, value: Buffer.from(value) });
const oidValue = (oid: string, value: unknown): RawVarbind => ({ oid, type: smiTags.ObjectIdentifier, value });
const uptime: RawVarbind = { oid: UPTIME, type: smiTags.TimeTicks, value: 993740 };

const v2 = (trapOid: string | undefined, varbinds: RawVarbind[] = [], extra: Partial<RawNotification['pdu']> = {}, source = SOURCE): RawNotification => ({
  pdu: {
    type: notificationPduTypes.trapV2,
    varbinds: trapOid === undefined ? [uptime, ...varbinds] : [uptime, oidValue(TRAP_OID, trapOid), ...varbinds],
    ...extra,
  },
  rinfo: { address: source },
});

const v1 = (generic: unknown, varbinds: RawVarbind[] = [], extra: Partial<RawNotification['pdu']> = {}): RawNotification => ({
  pdu: { type: notificationPduTypes.trapV1, enterprise: NET_SNMP_ENTERPRISE, agentAddr: '192.168.1.1', generic, specific: 0, varbinds, ...extra },
  rinfo: { address: SOURCE },
});

const linkVarbinds = (index: number) => [int(`${IF_INDEX}.${index}`, index), int(`${IF_ADMIN}.${index}`, 1), int(`${IF_OPER}.${index}`, 2)];

const ok = (trap: Omit<TrapEvent, 'receivedAtMs' | 'source'> & { source?: string }): TrapDecoding => ({
  ok: true,
  trap: { source: SOURCE, receivedAtMs: AT, ...trap },
});

describe('decodeTrap: traps linkwatch acts on', () => {
  it.each<[string, RawNotification, TrapDecoding]>([
    [
      'v2c linkDown with ifIndex, statuses and ifName',
      v2(standardTrapOids['link-down'], [...linkVarbinds(2), text(`${IF_NAME}.2`, 'Gi0/1')]),
      ok({ kind: 'link-down', ifIndex: 2, ifName: 'Gi0/1', adminStatus: 'up', operStatus: 'down' }),
    ],
    [
      'v2c linkUp with ifDescr only: ifDescr names the interface',
      v2(standardTrapOids['link-up'], [int(`${IF_INDEX}.7`, 7), int(`${IF_OPER}.7`, 1), text(`${IF_DESCR}.7`, 'GigabitEthernet0/0/1')]),
      ok({ kind: 'link-up', ifIndex: 7, ifName: 'GigabitEthernet0/0/1', operStatus: 'up' }),
    ],
    [
      'ifName wins over ifDescr, whatever the order',
      v2(standardTrapOids['link-up'], [text(`${IF_DESCR}.7`, 'GigabitEthernet0/0/1'), text(`${IF_NAME}.7`, 'Gi0/0/1')]),
      ok({ kind: 'link-up', ifIndex: 7, ifName: 'Gi0/0/1' }),
    ],
    [
      'an empty ifName falls back to ifDescr',
      v2(standardTrapOids['link-up'], [text(`${IF_NAME}.7`, ''), text(`${IF_DESCR}.7`, 'eth0')]),
      ok({ kind: 'link-up', ifIndex: 7, ifName: 'eth0' }),
    ],
    [
      'ifIndex taken from the instance when the agent sends only the status columns',
      v2(standardTrapOids['link-down'], [int(`${IF_ADMIN}.12`, 2), int(`${IF_OPER}.12`, 2)]),
      ok({ kind: 'link-down', ifIndex: 12, adminStatus: 'down', operStatus: 'down' }),
    ],
    [
      'an ifOperStatus outside the MIB reads as unknown',
      v2(standardTrapOids['link-down'], [int(`${IF_OPER}.3`, 42)]),
      ok({ kind: 'link-down', ifIndex: 3, operStatus: 'unknown' }),
    ],
    [
      'lowerLayerDown',
      v2(standardTrapOids['link-down'], [int(`${IF_OPER}.3`, 7)]),
      ok({ kind: 'link-down', ifIndex: 3, operStatus: 'lowerLayerDown' }),
    ],
    ['v2c linkDown without interface varbinds', v2(standardTrapOids['link-down']), ok({ kind: 'link-down' })],
    ['v2c coldStart', v2(standardTrapOids['cold-start']), ok({ kind: 'cold-start' })],
    ['v2c warmStart', v2(standardTrapOids['warm-start']), ok({ kind: 'warm-start' })],
    [
      'coldStart ignores interface varbinds',
      v2(standardTrapOids['cold-start'], linkVarbinds(2)),
      ok({ kind: 'cold-start' }),
    ],
    [
      'vendor varbinds (Cisco locIfReason, wrong-typed or not) are ignored',
      v2(standardTrapOids['link-down'], [
        ...linkVarbinds(4),
        text('1.3.6.1.4.1.9.2.2.1.1.20.4', 'administratively down'),
        { oid: '1.3.6.1.4.1.9.9.999.1', type: 99, value: 'odd' },
      ]),
      ok({ kind: 'link-down', ifIndex: 4, adminStatus: 'up', operStatus: 'down' }),
    ],
    [
      'snmpTrapOID.0 out of place (not second) is still found',
      { pdu: { type: notificationPduTypes.trapV2, varbinds: [...linkVarbinds(2), uptime, oidValue(TRAP_OID, standardTrapOids['link-up'])] }, rinfo: { address: SOURCE } },
      ok({ kind: 'link-up', ifIndex: 2, adminStatus: 'up', operStatus: 'down' }),
    ],
    [
      'InformRequest is read like a trap',
      v2(standardTrapOids['link-up'], [], { type: notificationPduTypes.inform }),
      ok({ kind: 'link-up' }),
    ],
    [
      'IPv4-mapped IPv6 sender given as IPv4',
      v2(standardTrapOids['cold-start'], [], {}, '::ffff:10.20.0.1'),
      ok({ kind: 'cold-start', source: '10.20.0.1' }),
    ],
    ['IPv6 sender kept', v2(standardTrapOids['cold-start'], [], {}, 'fd00::1'), ok({ kind: 'cold-start', source: 'fd00::1' })],
    [
      'v1 linkDown (generic 2) with agent-addr',
      v1(2, linkVarbinds(3)),
      ok({ kind: 'link-down', agentAddress: '192.168.1.1', ifIndex: 3, adminStatus: 'up', operStatus: 'down' }),
    ],
    [
      'v1 linkUp (generic 3), RFC 1215 style: ifIndex only',
      v1(3, [int(`${IF_INDEX}.3`, 3)]),
      ok({ kind: 'link-up', agentAddress: '192.168.1.1', ifIndex: 3 }),
    ],
    ['v1 coldStart (generic 0)', v1(0), ok({ kind: 'cold-start', agentAddress: '192.168.1.1' })],
    ['v1 warmStart (generic 1)', v1(1), ok({ kind: 'warm-start', agentAddress: '192.168.1.1' })],
    ['v1 agent-addr 0.0.0.0 names no device and is left out', v1(0, [], { agentAddr: '0.0.0.0' }), ok({ kind: 'cold-start' })],
  ])('%s', (_name, notification, expected) => {
    expect(decodeTrap(notification, AT)).toEqual(expected);
  });

  it('maps every kind both ways (v1 generic-trap and v2 snmpTrapOID)', () => {
    for (const kind of trapKinds) {
      expect(decodeTrap(v2(standardTrapOids[kind]), AT)).toMatchObject({ ok: true, trap: { kind } });
      expect(decodeTrap(v1(v1GenericTraps[kind]), AT)).toMatchObject({ ok: true, trap: { kind } });
    }
  });
});

describe('decodeTrap: unsupported', () => {
  it.each<[string, RawNotification, RegExp]>([
    ['a vendor notification', v2('1.3.6.1.4.1.9.9.43.2.0.1'), /notification 1\.3\.6\.1\.4\.1\.9\.9\.43\.2\.0\.1: linkwatch acts on coldStart, warmStart, linkDown, linkUp only/],
    ['authenticationFailure (v2)', v2('1.3.6.1.6.3.1.1.5.5'), /notification 1\.3\.6\.1\.6\.3\.1\.1\.5\.5/],
    ['v1 authenticationFailure', v1(4), /v1 authenticationFailure trap: linkwatch acts on/],
    ['v1 egpNeighborLoss', v1(5), /v1 egpNeighborLoss trap/],
    ['v1 enterprise-specific', v1(6, [], { specific: 17 }), /v1 enterpriseSpecific trap 1\.3\.6\.1\.4\.1\.8072 specific-trap 17/],
    ['a GetRequest PDU', { pdu: { type: 0xa0, varbinds: [] }, rinfo: { address: SOURCE } }, /PDU type 0xa0 is not a notification/],
    ['a Report PDU', { pdu: { type: 0xa8, varbinds: [] }, rinfo: { address: SOURCE } }, /PDU type 0xa8/],
  ])('%s', (_name, notification, message) => {
    const result = decodeTrap(notification, AT);
    expect(result).toMatchObject({ ok: false, reason: 'unsupported' });
    if (!result.ok) expect(result.message).toMatch(message);
  });
});

describe('decodeTrap: malformed', () => {
  const down = standardTrapOids['link-down'];
  it.each<[string, RawNotification, RegExp]>([
    ['v2c without snmpTrapOID.0', v2(undefined, linkVarbinds(2)), /without snmpTrapOID\.0/],
    ['v2c with no varbinds at all', { pdu: { type: notificationPduTypes.trapV2, varbinds: [] }, rinfo: { address: SOURCE } }, /without snmpTrapOID\.0/],
    [
      'snmpTrapOID.0 as OCTET STRING',
      { pdu: { type: notificationPduTypes.trapV2, varbinds: [uptime, text(TRAP_OID, '1.3.6.1.6.3.1.1.5.3')] }, rinfo: { address: SOURCE } },
      /snmpTrapOID\.0 is OCTET STRING, expected OBJECT IDENTIFIER/,
    ],
    [
      'snmpTrapOID.0 cut off (net-snmp reads null)',
      { pdu: { type: notificationPduTypes.trapV2, varbinds: [uptime, oidValue(TRAP_OID, null)] }, rinfo: { address: SOURCE } },
      /snmpTrapOID\.0: OBJECT IDENTIFIER has no value/,
    ],
    ['ifIndex as OCTET STRING', v2(down, [text(`${IF_INDEX}.2`, '2')]), /linkDown: ifIndex\.2 is OCTET STRING, expected Integer32/],
    ['ifIndex value differs from its instance', v2(down, [int(`${IF_INDEX}.2`, 3)]), /ifIndex\.2 holds 3/],
    ['ifOperStatus as Gauge32', v2(down, [{ oid: `${IF_OPER}.2`, type: smiTags.Gauge32, value: 2 }]), /ifOperStatus\.2 is Gauge32, expected Integer32/],
    ['ifAdminStatus as a JS string', v2(down, [int(`${IF_ADMIN}.2`, 'up')]), /ifAdminStatus\.2: Integer32 value is not a 32-bit integer/],
    ['ifName as Integer32', v2(down, [int(`${IF_NAME}.2`, 5)]), /ifName\.2 is Integer32, expected OCTET STRING/],
    ['ifDescr as a JS string, not bytes', v2(down, [{ oid: `${IF_DESCR}.2`, type: smiTags.OctetString, value: 'eth0' }]), /ifDescr\.2: OCTET STRING value is not a byte string/],
    ['varbinds for two interfaces', v2(down, [int(`${IF_INDEX}.2`, 2), int(`${IF_OPER}.3`, 2)]), /two interfaces \(ifIndex\.2 and ifOperStatus\.3\)/],
    ['an instance that is not one ifIndex', v2(down, [int(`${IF_OPER}.2.1`, 2)]), /ifOperStatus\.2\.1 is not indexed by one ifIndex/],
    ['ifIndex 0', v2(down, [int(`${IF_INDEX}.0`, 0)]), /ifIndex\.0 is not indexed by one ifIndex/],
    ['varbinds not a list', { pdu: { type: notificationPduTypes.trapV2, varbinds: 'x' }, rinfo: { address: SOURCE } }, /varbind list is missing/],
    ['a varbind without an OID', { pdu: { type: notificationPduTypes.trapV2, varbinds: [uptime, { type: 2, value: 1 }] }, rinfo: { address: SOURCE } }, /varbind 2 has no OID/],
    ['no sender address', { pdu: { type: notificationPduTypes.trapV2, varbinds: [] }, rinfo: {} }, /sender address is missing/],
    ['v1 generic-trap outside 0..6', v1(9), /generic-trap 9 is outside 0\.\.6/],
    ['v1 generic-trap not a number', v1('2'), /generic-trap is not an integer/],
    ['v1 agent-addr not IPv4', v1(2, [], { agentAddr: '1.2.3' }), /agent-addr is not an IPv4 address/],
    ['v1 agent-addr missing (cut off)', v1(2, [], { agentAddr: null }), /agent-addr is not an IPv4 address/],
    ['v1 enterprise not an OID', v1(2, [], { enterprise: 7 }), /enterprise is not an OID/],
    ['v1 linkDown with a wrong-typed ifIndex', v1(2, [text(`${IF_INDEX}.3`, 'three')]), /linkDown: ifIndex\.3 is OCTET STRING/],
  ])('%s', (_name, notification, message) => {
    const result = decodeTrap(notification, AT);
    expect(result).toMatchObject({ ok: false, reason: 'malformed' });
    if (!result.ok) expect(result.message).toMatch(message);
  });
});
