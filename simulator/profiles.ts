import type { Link } from '../config/schema.ts';
import { hash32 } from './traffic.ts';

/**
 * Vendor profiles: how each kind of commune router answers SNMP. sysObjectID arcs start with
 * the vendor's real IANA enterprise number (Cisco 9, DrayTek 7367, TP-Link 11863, Fortinet
 * 12356, MikroTik 14988); sysDescr strings follow what the real firmware prints. Interface
 * names, ifTypes, counter widths and ENTITY-MIB presence follow the real devices, so a probe or
 * a technician's snmpwalk sees what it would see in the district.
 */

/** IANAifType numbers used by the profiles. */
export const ifType = {
  other: 1,
  ethernetCsmacd: 6,
  ppp: 23,
  softwareLoopback: 24,
  propVirtual: 53,
  tunnel: 131,
  l2vlan: 135,
  ieee8023adLag: 161,
  bridge: 209,
} as const;

/**
 * What an interface does, which decides its traffic and status:
 * `wan` carries a link (down with no cable when no link is assigned), `lan` and `bridge` carry
 * the sum of the links the other way round, `spare` is an unused port (oper-down), and the
 * virtual ones (`loopback`, `null`, `tunnel`) are up without traffic.
 */
export type InterfaceRole = 'wan' | 'lan' | 'bridge' | 'spare' | 'loopback' | 'null' | 'tunnel';

export interface InterfaceTemplate {
  /** ifName (ifXTable); also ifDescr on profiles without ifXTable. */
  name: string;
  /** ifDescr. */
  descr: string;
  /** IANAifType. */
  type: number;
  /** Physical speed in Mbit/s; 0 for virtual interfaces. */
  speedMbps: number;
  mtu: number;
  role: InterfaceRole;
}

/** How much of IF-MIB's ifXTable the agent implements. */
export type IfXSupport =
  /** ifXTable with the 64-bit ifHC* counters. */
  | 'hc'
  /** ifXTable (names, aliases, ifHighSpeed) but Counter32 only, as on older firmware. */
  | 'no-hc'
  /** No ifXTable at all: interfaces are known by ifDescr, counters are Counter32. */
  | 'none';

/** An ENTITY-MIB entPhysicalTable row, before the serial number is filled in. */
export interface EntityTemplate {
  /** PhysicalClass (RFC 6933): 3 chassis, 6 powerSupply, 7 fan, 9 module, 12 cpu. */
  class: number;
  descr: string;
  name: string;
  model: string;
  hardwareRev: string;
  firmwareRev: string;
  softwareRev: string;
  /** Whether the row has its own serial number (modules do, fans and bays do not). */
  serial: boolean;
  /** entPhysicalIsFRU: can the part be replaced in the field. */
  fru: boolean;
  /** entPhysicalContainedIn as an index into the profile's entity list (undefined = top level). */
  containedIn?: number;
  /** entPhysicalVendorType: an OID under the vendor's registrations, or 0.0. */
  vendorType: string;
}

export interface VendorProfile {
  id: string;
  vendor: string;
  model: string;
  /** IANA private enterprise number. */
  enterprise: number;
  sysObjectID: string;
  sysDescr: string;
  /** The vendor's IEEE OUI, for ifPhysAddress and the SNMPv3 engine ID. */
  oui: readonly [number, number, number];
  /** Interfaces in their default ifIndex order (position + 1). */
  interfaces: readonly InterfaceTemplate[];
  /** Interfaces links take, in order, when the inventory does not name one. */
  wanOrder: readonly string[];
  /** The interface added for the n-th link (from 1) when the profile's own run out. */
  extraInterface(n: number): InterfaceTemplate;
  ifX: IfXSupport;
  /** ENTITY-MIB rows; undefined when the real device has no ENTITY-MIB. */
  entities?: readonly EntityTemplate[];
  /** The chassis serial number the way the vendor prints it, derived from the device's seed. */
  serialNumber(seed: number): string;
}

// ---------------------------------------------------------------------------------------------
// Helpers for serial numbers
// ---------------------------------------------------------------------------------------------

const ALNUM = 'ABCDEFGHJKLMNPQRSTUVWXYZ0123456789';
const HEX = '0123456789ABCDEF';

/** `length` characters from `alphabet`, derived from `seed` and `salt`. */
function seededChars(seed: number, salt: number, length: number, alphabet: string): string {
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[hash32(seed, salt, i) % alphabet.length];
  return out;
}

const seededDigits = (seed: number, salt: number, length: number) => seededChars(seed, salt, length, '0123456789');

// ---------------------------------------------------------------------------------------------
// Interface helpers
// ---------------------------------------------------------------------------------------------

const ethernet = (name: string, descr: string, role: InterfaceRole, speedMbps = 1000, mtu = 1500): InterfaceTemplate => ({
  name,
  descr,
  type: ifType.ethernetCsmacd,
  speedMbps,
  mtu,
  role,
});

const virtual = (name: string, descr: string, type: number, role: InterfaceRole, mtu = 1500): InterfaceTemplate => ({ name, descr, type, speedMbps: 0, mtu, role });

// ---------------------------------------------------------------------------------------------
// The profiles
// ---------------------------------------------------------------------------------------------

const draytekVigor2927: VendorProfile = {
  id: 'draytek-vigor2927',
  vendor: 'DrayTek',
  model: 'Vigor2927',
  enterprise: 7367,
  // DrayTek Vigor routers answer with their bare enterprise arc.
  sysObjectID: '1.3.6.1.4.1.7367',
  sysDescr: 'DrayTek Corporation, Router Model: Vigor2927 Series, Version: 4.4.5.2_STD, Build Date/Time:Jan 30 2024 17:02:33',
  oui: [0x00, 0x1d, 0xaa],
  interfaces: [
    ethernet('LAN', 'LAN', 'lan'),
    ethernet('WAN1', 'WAN1', 'wan'),
    ethernet('WAN2', 'WAN2', 'wan'),
    virtual('USB1', 'USB1', ifType.ppp, 'spare'),
    virtual('USB2', 'USB2', ifType.ppp, 'spare'),
    virtual('IPsec', 'IPsec VPN', ifType.tunnel, 'tunnel', 1400),
  ],
  wanOrder: ['WAN1', 'WAN2'],
  // Vigor models with more WAN ports number them on: WAN3, WAN4.
  extraInterface: (n) => ethernet(`WAN${n + 2}`, `WAN${n + 2}`, 'wan'),
  ifX: 'hc',
  serialNumber: (seed) => `2927${seededDigits(seed, 11, 2)}${seededChars(seed, 12, 2, ALNUM)}${seededDigits(seed, 13, 6)}`,
};

// An older Vigor firmware (3.8.x) as still found in communes: no ifXTable, Counter32 only, so
// the probe falls back to ifDescr for names and handles 32-bit wraps.
const draytekVigor2925: VendorProfile = {
  ...draytekVigor2927,
  id: 'draytek-vigor2925',
  model: 'Vigor2925',
  sysDescr: 'DrayTek Corporation, Router Model: Vigor2925 Series, Version: 3.8.9.6_BT, Build Date/Time:Sep 23 2019 14:52:46',
  interfaces: draytekVigor2927.interfaces.slice(0, 4),
  ifX: 'none',
  serialNumber: (seed) => `2925${seededDigits(seed, 11, 2)}${seededChars(seed, 12, 2, ALNUM)}${seededDigits(seed, 13, 6)}`,
};

const mikrotikHex: VendorProfile = {
  id: 'mikrotik-hex',
  vendor: 'MikroTik',
  model: 'RB750Gr3',
  enterprise: 14988,
  // mtxrRouterOS
  sysObjectID: '1.3.6.1.4.1.14988.1',
  sysDescr: 'RouterOS RB750Gr3',
  oui: [0x48, 0x8f, 0x5a],
  interfaces: [
    ethernet('ether1', 'ether1', 'wan'),
    ethernet('ether2', 'ether2', 'lan'),
    ethernet('ether3', 'ether3', 'spare'),
    ethernet('ether4', 'ether4', 'spare'),
    ethernet('ether5', 'ether5', 'spare'),
    virtual('bridge', 'bridge', ifType.bridge, 'bridge'),
    virtual('lo', 'lo', ifType.softwareLoopback, 'loopback', 65536),
  ],
  // ether1 is the factory WAN; a second line usually goes into ether5.
  wanOrder: ['ether1', 'ether5', 'ether4', 'ether3'],
  extraInterface: (n) => ({ ...virtual(`vlan${100 + n}`, `vlan${100 + n}`, ifType.l2vlan, 'wan'), speedMbps: 1000 }),
  ifX: 'hc',
  entities: [
    {
      class: 3,
      descr: 'RB750Gr3',
      name: 'RB750Gr3',
      model: 'RB750Gr3',
      hardwareRev: 'r3',
      firmwareRev: '7.14.3',
      softwareRev: '7.14.3',
      serial: true,
      fru: false,
      vendorType: '1.3.6.1.4.1.14988.1',
    },
  ],
  // RouterBOARD serials are twelve hex digits, e.g. CC210E95AFF3.
  serialNumber: (seed) => seededChars(seed, 21, 12, HEX),
};

const ciscoIsr4331: VendorProfile = {
  id: 'cisco-isr4331',
  vendor: 'Cisco',
  model: 'ISR4331/K9',
  enterprise: 9,
  // ciscoISR4331
  sysObjectID: '1.3.6.1.4.1.9.1.2068',
  sysDescr:
    'Cisco IOS Software [Fuji], ISR Software (X86_64_LINUX_IOSD-UNIVERSALK9-M), Version 16.9.5, RELEASE SOFTWARE (fc1)\r\n' +
    'Technical Support: http://www.cisco.com/techsupport\r\n' +
    'Copyright (c) 1986-2020 by Cisco Systems, Inc.\r\n' +
    'Compiled Thu 30-Jan-20 14:47 by mcpre',
  oui: [0x00, 0x1e, 0xf7],
  interfaces: [
    ethernet('Gi0/0/0', 'GigabitEthernet0/0/0', 'wan'),
    ethernet('Gi0/0/1', 'GigabitEthernet0/0/1', 'wan'),
    ethernet('Gi0/0/2', 'GigabitEthernet0/0/2', 'lan'),
    ethernet('Gi0', 'GigabitEthernet0', 'spare'),
    virtual('Nu0', 'Null0', ifType.other, 'null'),
    virtual('VoIP-Nu0', 'VoIP-Null0', ifType.other, 'null'),
  ],
  wanOrder: ['Gi0/0/0', 'Gi0/0/1'],
  // A NIM card: GigabitEthernet0/1/0 and on.
  extraInterface: (n) => ethernet(`Gi0/1/${n - 1}`, `GigabitEthernet0/1/${n - 1}`, 'wan'),
  ifX: 'hc',
  entities: [
    {
      class: 3,
      descr: 'Cisco ISR4331 Chassis',
      name: 'Chassis',
      model: 'ISR4331/K9',
      hardwareRev: 'V04',
      firmwareRev: '16.9(4r)',
      softwareRev: '16.9.5',
      serial: true,
      fru: false,
      vendorType: '1.3.6.1.4.1.9.12.3.1.3.1612',
    },
    {
      class: 6,
      descr: '250W AC Power Supply for Cisco ISR 4330',
      name: 'Power Supply Module 0',
      model: 'PWR-4330-AC',
      hardwareRev: '',
      firmwareRev: '',
      softwareRev: '',
      serial: true,
      fru: true,
      containedIn: 0,
      vendorType: '1.3.6.1.4.1.9.12.3.1.6.416',
    },
    {
      class: 9,
      descr: 'Front Panel 3 ports Gigabitethernet Module',
      name: 'NIM subslot 0/0',
      model: 'ISR4331-3x1GE',
      hardwareRev: 'V01',
      firmwareRev: '',
      softwareRev: '16.9.5',
      serial: false,
      fru: false,
      containedIn: 0,
      vendorType: '1.3.6.1.4.1.9.12.3.1.9.1157',
    },
  ],
  // Cisco serials: three letters for the plant, four digits for year and week, four more.
  serialNumber: (seed) => `FDO${seededDigits(seed, 31, 4)}${seededChars(seed, 32, 4, ALNUM)}`,
};

// TP-Link's Omada routers implement IF-MIB without the 64-bit counters and have no ENTITY-MIB.
const tplinkEr605: VendorProfile = {
  id: 'tplink-er605',
  vendor: 'TP-Link',
  model: 'ER605',
  enterprise: 11863,
  sysObjectID: '1.3.6.1.4.1.11863.5.605',
  sysDescr: 'ER605 v2.0, Omada Gigabit VPN Router, firmware 2.2.4 Build 20240119 Rel.44368',
  oui: [0x50, 0xc7, 0xbf],
  interfaces: [
    ethernet('WAN', 'WAN', 'wan'),
    ethernet('WAN/LAN1', 'WAN/LAN1', 'wan'),
    ethernet('WAN/LAN2', 'WAN/LAN2', 'spare'),
    ethernet('WAN/LAN3', 'WAN/LAN3', 'spare'),
    ethernet('LAN', 'LAN', 'lan'),
    virtual('lo', 'lo', ifType.softwareLoopback, 'loopback', 16436),
  ],
  wanOrder: ['WAN', 'WAN/LAN1', 'WAN/LAN2', 'WAN/LAN3'],
  extraInterface: (n) => ({ ...virtual(`pppoe${n}`, `pppoe${n}`, ifType.ppp, 'wan', 1492), speedMbps: 1000 }),
  ifX: 'no-hc',
  serialNumber: (seed) => `22${seededDigits(seed, 41, 11)}`,
};

const fortigate60f: VendorProfile = {
  id: 'fortigate-60f',
  vendor: 'Fortinet',
  model: 'FortiGate-60F',
  enterprise: 12356,
  // fgt60F
  sysObjectID: '1.3.6.1.4.1.12356.101.1.644',
  sysDescr: 'FortiGate-60F v7.2.8,build1639,240228 (GA.M)',
  oui: [0x90, 0x6c, 0xac],
  interfaces: [
    ethernet('wan1', 'wan1', 'wan'),
    ethernet('wan2', 'wan2', 'wan'),
    ethernet('dmz', 'dmz', 'spare'),
    ethernet('internal1', 'internal1', 'lan'),
    ethernet('internal2', 'internal2', 'spare'),
    ethernet('internal3', 'internal3', 'spare'),
    ethernet('internal4', 'internal4', 'spare'),
    ethernet('internal5', 'internal5', 'spare'),
    virtual('internal', 'internal', ifType.bridge, 'bridge'),
    virtual('ssl.root', 'SSL VPN interface', ifType.tunnel, 'tunnel', 1500),
    virtual('fortilink', 'fortilink', ifType.ieee8023adLag, 'spare'),
  ],
  wanOrder: ['wan1', 'wan2', 'dmz'],
  extraInterface: (n) => ({ ...virtual(`wan1.${100 + n}`, `wan1.${100 + n}`, ifType.l2vlan, 'wan'), speedMbps: 1000 }),
  ifX: 'hc',
  entities: [
    {
      class: 3,
      descr: 'Fortinet FortiGate-60F',
      name: 'FortiGate-60F',
      model: 'FGT60F',
      hardwareRev: 'P24287-04',
      firmwareRev: '05000012',
      softwareRev: 'v7.2.8,build1639,240228 (GA.M)',
      serial: true,
      fru: false,
      vendorType: '1.3.6.1.4.1.12356.101.1.644',
    },
  ],
  serialNumber: (seed) => `FGT60FTK${seededDigits(seed, 51, 4)}${seededChars(seed, 52, 4, ALNUM)}`,
};

/** Every profile, by id. */
export const profiles: Readonly<Record<string, VendorProfile>> = Object.freeze(
  Object.fromEntries([draytekVigor2927, draytekVigor2925, mikrotikHex, ciscoIsr4331, tplinkEr605, fortigate60f].map((profile) => [profile.id, profile])),
);

export const profileIds: readonly string[] = Object.freeze(Object.keys(profiles));

/** The profile for `id`, or an error naming the ones there are. */
export function profileById(id: string): VendorProfile {
  const profile = profiles[id];
  if (!profile) throw new Error(`unknown simulator profile "${id}"; known profiles: ${profileIds.join(', ')}`);
  return profile;
}

// ---------------------------------------------------------------------------------------------
// A device's interfaces: the profile's, plus whatever the inventory's links name
// ---------------------------------------------------------------------------------------------

export interface PlannedInterface extends InterfaceTemplate {
  /** The link this interface carries, if any. */
  linkId?: string;
}

export interface InterfacePlan {
  /** In default ifIndex order (position + 1). */
  interfaces: readonly PlannedInterface[];
  /** Link id → ifName of the interface that carries it. */
  linkInterfaces: ReadonlyMap<string, string>;
}

/**
 * Which interface carries each link. A link whose inventory names an interface gets that one,
 * added to the device if the profile lacks it (so the inventory's `link.interface` always exists
 * on the simulated device); the others take the profile's WAN ports in order, then its spare
 * ports, then extra interfaces the profile makes up (a NIM port, a VLAN). Pure.
 */
export function planInterfaces(profile: VendorProfile, links: readonly Pick<Link, 'id' | 'interface'>[]): InterfacePlan {
  const interfaces: PlannedInterface[] = profile.interfaces.map((template) => ({ ...template }));
  const byName = new Map(interfaces.map((iface) => [iface.name, iface]));
  const linkInterfaces = new Map<string, string>();
  const take = (iface: PlannedInterface, linkId: string) => {
    iface.linkId = linkId;
    // An interface the inventory says carries a link behaves as a WAN port, whatever its default.
    iface.role = 'wan';
    // A virtual interface carrying a link gets a line speed, so the traffic has a ceiling and the
    // collector a speed to check rates against; VLANs and PPP keep what the profile gives them.
    if (iface.speedMbps === 0 && iface.type !== ifType.l2vlan && iface.type !== ifType.ppp) iface.speedMbps = 1000;
    linkInterfaces.set(linkId, iface.name);
  };

  for (const link of links) {
    if (!link.interface || linkInterfaces.has(link.id)) continue;
    let iface = byName.get(link.interface);
    if (iface?.linkId !== undefined) {
      // Two links on one interface (a VLAN each in reality): the first keeps it, the second
      // shares its counters; the map still names it for both.
      linkInterfaces.set(link.id, iface.name);
      continue;
    }
    if (!iface) {
      iface = ethernetLike(profile, link.interface);
      interfaces.push(iface);
      byName.set(iface.name, iface);
    }
    take(iface, link.id);
  }

  // A Set keeps the order and drops a spare port that wanOrder already lists.
  const free = new Set(
    [
      ...profile.wanOrder.map((name) => byName.get(name)),
      ...interfaces.filter((iface) => iface.role === 'spare' && iface.type === ifType.ethernetCsmacd),
    ].filter((iface): iface is PlannedInterface => iface !== undefined && iface.linkId === undefined),
  );
  let extra = 0;
  for (const link of links) {
    if (linkInterfaces.has(link.id)) continue;
    let iface: PlannedInterface | undefined = free.values().next().value;
    if (iface) free.delete(iface);
    else {
      let template: InterfaceTemplate;
      do template = profile.extraInterface(++extra);
      while (byName.has(template.name));
      iface = { ...template };
      interfaces.push(iface);
      byName.set(iface.name, iface);
    }
    take(iface, link.id);
  }
  return { interfaces, linkInterfaces };
}

/** An interface with a name the inventory chose: Ethernet at the profile's WAN speed. */
function ethernetLike(profile: VendorProfile, name: string): PlannedInterface {
  const wan = profile.interfaces.find((iface) => iface.role === 'wan');
  return ethernet(name, name, 'wan', wan?.speedMbps || 1000, wan?.mtu ?? 1500);
}
