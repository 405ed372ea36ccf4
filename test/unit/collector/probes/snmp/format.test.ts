import { describe, expect, it } from 'vitest';
import { toProbeJson } from '../../../../../collector/probes/snmp/format.ts';
import type { SnmpProbeData } from '../../../../../collector/probes/snmp/probe.ts';

const data: SnmpProbeData = {
  system: {
    descr: 'RouterOS RB750Gr3',
    objectId: '1.3.6.1.4.1.14988.1',
    name: 'nam-xe',
    uptimeTicks: 8_640_099,
    location: 'UBND xã Nậm Xe',
    contact: 'IT huyện Phong Thổ',
  },
  interfaces: [
    {
      index: 1,
      name: 'ether1',
      descr: 'ether1',
      alias: 'WAN – VNPT',
      type: 6,
      typeName: 'ethernetCsmacd',
      mtu: 1500,
      speedBps: 1_000_000_000,
      operStatus: 'up',
      adminStatus: 'up',
      counterBits: 64,
      inOctets: 18_446_744_073_709_551_615n,
      outOctets: 12n,
      inUcastPkts: 5n,
      outUcastPkts: 6n,
      inErrors: 0n,
      outErrors: 0n,
      inDiscards: 0n,
      outDiscards: 0n,
    },
    {
      index: 7,
      name: 'pppoe-out1',
      descr: 'pppoe-out1',
      alias: '',
      type: 23,
      typeName: 'ppp',
      speedBps: 0,
      operStatus: 'lowerLayerDown',
      adminStatus: 'down',
      counterBits: 32,
      inOctets: 4_294_967_295n,
      outOctets: 0n,
    },
    {
      index: 5186,
      name: 'StackSub-St3-1',
      descr: 'StackSub-St3-1',
      alias: '',
      type: 53,
      typeName: 'propVirtual',
      speedBps: 0,
      operStatus: 'down',
      adminStatus: 'down',
    },
  ],
  durationMs: 41.2,
  requests: 9,
};

describe('toProbeJson', () => {
  it('produces exactly the documented document, keys in order, counters as decimal strings (null without counters)', () => {
    expect(JSON.stringify(toProbeJson(data))).toBe(
      JSON.stringify({
        system: {
          descr: 'RouterOS RB750Gr3',
          objectId: '1.3.6.1.4.1.14988.1',
          name: 'nam-xe',
          uptimeSeconds: 86400,
          location: 'UBND xã Nậm Xe',
          contact: 'IT huyện Phong Thổ',
        },
        interfaces: [
          {
            index: 1,
            name: 'ether1',
            descr: 'ether1',
            alias: 'WAN – VNPT',
            type: 6,
            speedBps: 1000000000,
            operStatus: 'up',
            adminStatus: 'up',
            inOctets: '18446744073709551615',
            outOctets: '12',
          },
          {
            index: 7,
            name: 'pppoe-out1',
            descr: 'pppoe-out1',
            alias: '',
            type: 23,
            speedBps: 0,
            operStatus: 'lowerLayerDown',
            adminStatus: 'down',
            inOctets: '4294967295',
            outOctets: '0',
          },
          {
            index: 5186,
            name: 'StackSub-St3-1',
            descr: 'StackSub-St3-1',
            alias: '',
            type: 53,
            speedBps: 0,
            operStatus: 'down',
            adminStatus: 'down',
            inOctets: null,
            outOctets: null,
          },
        ],
      }),
    );
  });

  it('accepts a successful probe result as it comes', () => {
    const result = { ok: true as const, ...data };
    expect(toProbeJson(result).interfaces).toHaveLength(3);
  });

  it('is JSON-safe: no bigint survives', () => {
    expect(() => JSON.stringify(toProbeJson(data))).not.toThrow();
  });
});
