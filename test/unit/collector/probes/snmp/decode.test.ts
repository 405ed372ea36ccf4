import { describe, expect, it } from 'vitest';
import {
  counter64FromBytes,
  decodeSystem,
  decodeVarbind,
  expectValue,
  octetsToText,
  smiTags,
  systemRequestOids,
  type RawVarbind,
} from '../../../../../collector/probes/snmp/decode.ts';
import { systemOids } from '../../../../../collector/probes/snmp/oids.ts';

const OID = '1.3.6.1.2.1.1.1.0';
const bytes = (hex: string) => Buffer.from(hex.replace(/\s/g, ''), 'hex');
const vb = (type: number | undefined, value: unknown, oid = OID): RawVarbind => ({ oid, type, value });

describe('decodeVarbind', () => {
  it.each<[string, RawVarbind, unknown]>([
    ['Integer32', vb(smiTags.Integer32, -5), { type: 'integer', value: -5 }],
    ['Integer32 max', vb(smiTags.Integer32, 2147483647), { type: 'integer', value: 2147483647 }],
    ['OCTET STRING, ASCII', vb(smiTags.OctetString, Buffer.from('GigabitEthernet0/1')), { type: 'octetString', value: 'GigabitEthernet0/1' }],
    ['OCTET STRING, empty', vb(smiTags.OctetString, Buffer.alloc(0)), { type: 'octetString', value: '' }],
    ['OBJECT IDENTIFIER', vb(smiTags.ObjectIdentifier, '1.3.6.1.4.1.9.1.1045'), { type: 'oid', value: '1.3.6.1.4.1.9.1.1045' }],
    ['IpAddress', vb(smiTags.IpAddress, '10.0.0.1'), { type: 'ipAddress', value: '10.0.0.1' }],
    ['Counter32', vb(smiTags.Counter32, 4294967295), { type: 'counter32', value: 4294967295 }],
    ['Gauge32', vb(smiTags.Gauge32, 1000000000), { type: 'gauge32', value: 1000000000 }],
    ['TimeTicks', vb(smiTags.TimeTicks, 123456), { type: 'timeTicks', value: 123456 }],
    ['Counter64 from a Buffer', vb(smiTags.Counter64, bytes('0100000000')), { type: 'counter64', value: 4294967296n }],
    ['Opaque as hex', vb(smiTags.Opaque, bytes('9f780442f60000')), { type: 'opaque', value: '0x9f780442f60000' }],
    ['NULL', vb(smiTags.Null, null), { type: 'null' }],
    ['noSuchObject', vb(smiTags.noSuchObject, null), { type: 'missing', exception: 'noSuchObject' }],
    ['noSuchInstance', vb(smiTags.noSuchInstance, null), { type: 'missing', exception: 'noSuchInstance' }],
    ['endOfMibView', vb(smiTags.endOfMibView, null), { type: 'missing', exception: 'endOfMibView' }],
  ])('%s', (_name, varbind, expected) => {
    expect(decodeVarbind(varbind)).toEqual({ ok: true, value: expected });
  });

  it.each<[string, RawVarbind, RegExp]>([
    ['Integer32 as text', vb(smiTags.Integer32, '5'), /Integer32 value is not a 32-bit integer/],
    ['Integer32 out of range', vb(smiTags.Integer32, 2 ** 31), /not a 32-bit integer/],
    ['Counter32 negative', vb(smiTags.Counter32, -1), /Counter32 value is not an unsigned 32-bit integer/],
    ['Gauge32 fractional', vb(smiTags.Gauge32, 1.5), /not an unsigned 32-bit integer/],
    ['TimeTicks above 2^32', vb(smiTags.TimeTicks, 2 ** 32), /not an unsigned 32-bit integer/],
    ['OCTET STRING as a JS string', vb(smiTags.OctetString, 'text'), /OCTET STRING value is not a byte string/],
    ['OCTET STRING cut off (net-snmp reads null)', vb(smiTags.OctetString, null), /OCTET STRING has no value \(is the packet cut off\?\)/],
    ['Counter32 cut off', vb(smiTags.Counter32, undefined), /Counter32 has no value/],
    ['OID with letters', vb(smiTags.ObjectIdentifier, 'iso.3.6'), /not a dotted OID/],
    ['IpAddress of 5 octets', vb(smiTags.IpAddress, '1.2.3.4.5'), /not an IPv4 address/],
    ['Counter64 of 10 octets', vb(smiTags.Counter64, bytes('00112233445566778899')), /Counter64 of 10 octets .* does not fit 64 bits/],
    ['Counter64 as a number', vb(smiTags.Counter64, 42), /Counter64 value is not a byte string/],
    ['BIT STRING', vb(3, '0101'), /unsupported varbind type \(BIT STRING\)/],
    ['unknown tag', vb(99, 1), /unsupported varbind type \(type tag 99\)/],
    ['no tag at all', vb(undefined, 1), /unsupported varbind type \(no type\)/],
  ])('%s is malformed', (_name, varbind, problem) => {
    const result = decodeVarbind(varbind);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.kind).toBe('malformed');
    expect(result.oid).toBe(OID);
    expect(result.problem).toMatch(problem);
  });
});

describe('counter64FromBytes', () => {
  // net-snmp passes the BER INTEGER contents through untouched: as few octets as the value needs,
  // plus a leading 0x00 when the top bit of the first octet would otherwise be set.
  it.each<[string, string, bigint | undefined]>([
    ['zero in one octet', '00', 0n],
    ['one octet', '7f', 127n],
    ['0x80 needs a pad octet', '0080', 128n],
    ['two octets', '0100', 256n],
    ['three octets', '012345', 0x012345n],
    ['five octets (just past 2^32)', '0100000000', 4294967296n],
    ['seven octets', '0fffffffffffff', 0x0fffffffffffffn],
    ['eight octets', '7fffffffffffffff', 9223372036854775807n],
    ['nine octets, 2^63', '008000000000000000', 9223372036854775808n],
    ['nine octets, 2^64 − 1', '00ffffffffffffffff', 18446744073709551615n],
    ['eight octets with the top bit set and no pad (sloppy agents): read unsigned', 'ffffffffffffffff', 18446744073709551615n],
    ['empty', '', undefined],
    ['nine octets without the pad', '01ffffffffffffffff', undefined],
    ['ten octets', '0000ffffffffffffffff', undefined],
  ])('%s', (_name, hex, expected) => {
    expect(counter64FromBytes(bytes(hex))).toBe(expected);
  });
});

describe('octetsToText', () => {
  it.each<[string, Buffer, string]>([
    ['ASCII', Buffer.from('WAN to district'), 'WAN to district'],
    ['Vietnamese UTF-8', Buffer.from('Cổng WAN – xã Nậm Xe'), 'Cổng WAN – xã Nậm Xe'],
    ['tabs and line breaks are text', Buffer.from('line 1\r\n\tline 2'), 'line 1\r\n\tline 2'],
    ['trailing NUL dropped (NUL-terminated DisplayString)', Buffer.from('eth0\u0000'), 'eth0'],
    ['several trailing NULs dropped', Buffer.from('eth0\u0000\u0000'), 'eth0'],
    ['MAC address', bytes('00155d0a0b0c'), '0x00155d0a0b0c'],
    ['MAC that ends in 00 stays hex', bytes('00155d0a0b00'), '0x00155d0a0b00'],
    ['MAC of printable bytes only reads as text (inherent to OCTET STRING)', Buffer.from('ABCDEF'), 'ABCDEF'],
    ['only NULs stay hex', bytes('000000'), '0x000000'],
    ['invalid UTF-8', bytes('c328'), '0xc328'],
    ['Latin-1 byte', bytes('63e1'), '0x63e1'],
    ['embedded NUL', Buffer.from('ab\u0000cd'), '0x6162006364'],
    ['bell character', Buffer.from('ring\u0007'), '0x72696e6707'],
    ['DEL', Buffer.from('x\u007f'), '0x787f'],
    ['C1 control encoded in UTF-8', Buffer.from('x\u0085'), '0x78c285'],
    ['empty', Buffer.alloc(0), ''],
  ])('%s', (_name, input, expected) => {
    expect(octetsToText(input)).toBe(expected);
  });

  it('reads a Buffer view into a larger ArrayBuffer correctly', () => {
    const pool = Buffer.from('xxxxeth1yyyy');
    expect(octetsToText(pool.subarray(4, 8))).toBe('eth1');
    expect(octetsToText(bytes('ff00ff0a0b0cff').subarray(1, 6))).toBe('0x00ff0a0b0c');
  });
});

describe('expectValue', () => {
  it('returns the value when the type is accepted', () => {
    expect(expectValue(vb(smiTags.Gauge32, 7), 'ifSpeed.1', ['counter32', 'gauge32'])).toEqual({ ok: true, value: 7 });
  });

  it.each<[string, RawVarbind, readonly ('counter32' | 'gauge32' | 'counter64' | 'octetString' | 'timeTicks')[], string]>([
    ['OCTET STRING where a Counter is expected', vb(smiTags.OctetString, Buffer.from('12')), ['counter32'], 'ifInOctets.3 is OCTET STRING, expected Counter32'],
    ['Counter32 where Counter64 is expected', vb(smiTags.Counter32, 5), ['counter64'], 'ifInOctets.3 is Counter32, expected Counter64'],
    ['two accepted types listed', vb(smiTags.Integer32, 5), ['counter32', 'gauge32'], 'ifInOctets.3 is Integer32, expected Counter32 or Gauge32'],
    ['noSuchInstance is not a value', vb(smiTags.noSuchInstance, null), ['timeTicks'], 'ifInOctets.3 is noSuchInstance, expected TimeTicks'],
    ['a malformed value keeps its reason', vb(smiTags.Counter64, bytes('')), ['counter64'], 'ifInOctets.3: Counter64 of 0 octets (0x) does not fit 64 bits'],
  ])('%s', (_name, varbind, accepted, problem) => {
    expect(expectValue(varbind, 'ifInOctets.3', accepted)).toEqual({ ok: false, kind: 'malformed', oid: OID, problem });
  });
});

describe('decodeSystem', () => {
  const answer = (overrides: Partial<Record<keyof typeof systemOids, RawVarbind>> = {}): RawVarbind[] => {
    const normal: Record<keyof typeof systemOids, RawVarbind> = {
      sysDescr: vb(smiTags.OctetString, Buffer.from('Cisco IOS Software, C2900'), systemOids.sysDescr),
      sysObjectID: vb(smiTags.ObjectIdentifier, '1.3.6.1.4.1.9.1.1045', systemOids.sysObjectID),
      sysUpTime: vb(smiTags.TimeTicks, 8640000, systemOids.sysUpTime),
      sysContact: vb(smiTags.OctetString, Buffer.from('IT huyện'), systemOids.sysContact),
      sysName: vb(smiTags.OctetString, Buffer.from('nam-xe'), systemOids.sysName),
      sysLocation: vb(smiTags.OctetString, Buffer.alloc(0), systemOids.sysLocation),
    };
    return Object.entries({ ...normal, ...overrides }).map(([, varbind]) => varbind);
  };

  it('asks for the six system objects in MIB order', () => {
    expect(systemRequestOids).toEqual([
      '1.3.6.1.2.1.1.1.0',
      '1.3.6.1.2.1.1.2.0',
      '1.3.6.1.2.1.1.3.0',
      '1.3.6.1.2.1.1.4.0',
      '1.3.6.1.2.1.1.5.0',
      '1.3.6.1.2.1.1.6.0',
    ]);
  });

  it('decodes a complete answer', () => {
    expect(decodeSystem(answer())).toEqual({
      ok: true,
      value: {
        descr: 'Cisco IOS Software, C2900',
        objectId: '1.3.6.1.4.1.9.1.1045',
        name: 'nam-xe',
        uptimeTicks: 8640000,
        location: '',
        contact: 'IT huyện',
      },
    });
  });

  it('names every object the agent says it does not have', () => {
    const result = decodeSystem(
      answer({
        sysContact: vb(smiTags.noSuchObject, null, systemOids.sysContact),
        sysLocation: vb(smiTags.noSuchInstance, null, systemOids.sysLocation),
      }),
    );
    expect(result).toEqual({ ok: false, kind: 'missing', objects: ['sysContact.0', 'sysLocation.0'] });
  });

  it.each<[string, RawVarbind[], string, string]>([
    [
      'sysUpTime as an OCTET STRING',
      answer({ sysUpTime: vb(smiTags.OctetString, Buffer.from('5 days'), systemOids.sysUpTime) }),
      systemOids.sysUpTime,
      'sysUpTime.0 is OCTET STRING, expected TimeTicks',
    ],
    [
      'sysObjectID as an OCTET STRING',
      answer({ sysObjectID: vb(smiTags.OctetString, Buffer.from('1.3.6'), systemOids.sysObjectID) }),
      systemOids.sysObjectID,
      'sysObjectID.0 is OCTET STRING, expected OBJECT IDENTIFIER',
    ],
    [
      'an OID the request did not ask for',
      answer({ sysName: vb(smiTags.OctetString, Buffer.from('x'), '1.3.6.1.2.1.1.9.0') }),
      '1.3.6.1.2.1.1.9.0',
      'asked for sysName.0 (1.3.6.1.2.1.1.5.0) and got 1.3.6.1.2.1.1.9.0 instead',
    ],
    ['too few varbinds', answer().slice(0, 4), systemOids.sysDescr, 'asked for 6 system objects, got 4 varbinds'],
  ])('%s is malformed', (_name, varbinds, oid, problem) => {
    expect(decodeSystem(varbinds)).toEqual({ ok: false, kind: 'malformed', oid, problem });
  });
});
