import type { SnmpInterface, SnmpSystem } from './probes/snmp/probe.ts';
import { chassisOf, type PhysicalEntity } from './probes/snmp/entity.ts';
import type { DeviceFacts } from '../model/facts.ts';

export type { DeviceFacts } from '../model/facts.ts';


export interface InterfaceFact {
  index: number;
  name: string;
  /** IANAifType; null when the agent gave the row no ifType. */
  type: number | null;
  speedBps: number;
}

export function deviceFacts(system: SnmpSystem, interfaces: readonly SnmpInterface[], entities: readonly PhysicalEntity[]): DeviceFacts {
  const chassis = chassisOf(entities);
  const list: InterfaceFact[] = interfaces.map((iface) => ({ index: iface.index, name: iface.name, type: iface.type ?? null, speedBps: iface.speedBps }));
  return {
    sys_descr: system.descr,
    sys_object_id: system.objectId,
    sys_name: system.name,
    sys_location: system.location,
    sys_contact: system.contact,
    model: chassis?.model ?? '',
    serial: chassis?.serial ?? '',
    manufacturer: chassis?.manufacturer ?? '',
    hardware_rev: chassis?.hardwareRev ?? '',
    firmware_rev: chassis?.firmwareRev ?? '',
    software_rev: chassis?.softwareRev ?? '',
    interface_count: list.length,
    interfaces: JSON.stringify(list),
  };
}

export interface FactChange {
  /** A device_facts field, or `interface:NAME` for an interface added, removed or changed. */
  fact: string;
  before: string;
  after: string;
}

const describeInterface = (iface: InterfaceFact | undefined) => (iface ? `ifIndex ${iface.index}, type ${iface.type ?? 'unknown'}, ${iface.speedBps} bit/s` : '');

/**
 * What changed between two sets of facts: a device replaced (serial), firmware upgraded, an
 * interface added or removed, a speed changed. The interface list is compared by name, so a
 * re-indexing shows as a change of ifIndex, not as a removal and an addition.
 */
export function diffFacts(before: DeviceFacts, after: DeviceFacts): FactChange[] {
  const changes: FactChange[] = [];
  for (const key of Object.keys(after) as (keyof DeviceFacts)[]) {
    if (key === 'interfaces' || key === 'interface_count' || key === 'sys_descr') continue;
    if (String(before[key]) !== String(after[key])) changes.push({ fact: key, before: String(before[key]), after: String(after[key]) });
  }
  // sysDescr often embeds the firmware version: record it, but only when the text really changed.
  if (before.sys_descr !== after.sys_descr) changes.push({ fact: 'sys_descr', before: before.sys_descr, after: after.sys_descr });
  const parse = (text: string): Map<string, InterfaceFact> => {
    try {
      return new Map((JSON.parse(text) as InterfaceFact[]).map((iface) => [iface.name, iface]));
    } catch {
      return new Map();
    }
  };
  const old = parse(before.interfaces);
  const now = parse(after.interfaces);
  for (const name of new Set([...old.keys(), ...now.keys()])) {
    const a = old.get(name);
    const b = now.get(name);
    if (a && b && a.speedBps === b.speedBps && a.type === b.type && a.index === b.index) continue;
    changes.push({ fact: `interface:${name}`, before: describeInterface(a), after: describeInterface(b) });
  }
  return changes;
}
