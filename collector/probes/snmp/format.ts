import type { InterfaceStatus } from './decode.ts';
import type { SnmpProbeData } from './probe.ts';

/** The `linkwatch probe snmp --json` document. Counters are decimal strings: JSON numbers lose
 * 64-bit precision; they are null for an interface whose row has no octet counters. */
export interface SnmpProbeJson {
  system: {
    descr: string;
    objectId: string;
    name: string;
    /** Whole seconds of sysUpTime. */
    uptimeSeconds: number;
    location: string;
    contact: string;
  };
  interfaces: {
    index: number;
    name: string;
    descr: string;
    alias: string;
    /** IANAifType number (6 = ethernetCsmacd); null when the agent gave no ifType. */
    type: number | null;
    speedBps: number;
    operStatus: InterfaceStatus;
    adminStatus: InterfaceStatus;
    inOctets: string | null;
    outOctets: string | null;
  }[];
}

/** Formats a successful SNMP probe for the CLI; keys come out in the documented order. */
export function toProbeJson(result: SnmpProbeData): SnmpProbeJson {
  const { system } = result;
  return {
    system: {
      descr: system.descr,
      objectId: system.objectId,
      name: system.name,
      uptimeSeconds: Math.floor(system.uptimeTicks / 100),
      location: system.location,
      contact: system.contact,
    },
    interfaces: result.interfaces.map((iface) => ({
      index: iface.index,
      name: iface.name,
      descr: iface.descr,
      alias: iface.alias,
      type: iface.type ?? null,
      speedBps: iface.speedBps,
      operStatus: iface.operStatus,
      adminStatus: iface.adminStatus,
      inOctets: iface.inOctets?.toString() ?? null,
      outOctets: iface.outOctets?.toString() ?? null,
    })),
  };
}
