import { describe, expect, it } from 'vitest';
import { ifType, planInterfaces, profileById, profileIds, profiles, type VendorProfile } from '../../../simulator/profiles.ts';

const OID = /^1\.3\.6\.1\.4\.1\.\d+(\.\d+)*$/;

// The vendors' IANA private enterprise numbers.
const enterprises: Record<string, number> = { Cisco: 9, DrayTek: 7367, 'TP-Link': 11863, Fortinet: 12356, MikroTik: 14988 };

const all = Object.values(profiles).map((profile) => [profile.id, profile] as const);

const link = (id: string, iface?: string) => ({ id, ...(iface ? { interface: iface } : {}) });

describe('the profile set', () => {
  it('has the commune routers the district runs', () => {
    expect(profileIds).toEqual(expect.arrayContaining(['draytek-vigor2927', 'mikrotik-hex', 'cisco-isr4331', 'tplink-er605', 'fortigate-60f']));
  });

  it('has a profile with ifXTable but no 64-bit counters, and one without ifXTable', () => {
    expect(Object.values(profiles).map((profile) => profile.ifX)).toEqual(expect.arrayContaining(['hc', 'no-hc', 'none']));
    expect(profiles['tplink-er605']!.ifX).toBe('no-hc');
  });

  it.each<[string, boolean]>([
    ['cisco-isr4331', true],
    ['fortigate-60f', true],
    ['mikrotik-hex', true],
    ['tplink-er605', false],
    ['draytek-vigor2927', false],
  ])('%s has ENTITY-MIB: %s', (id, has) => {
    const profile = profileById(id);
    expect(profile.entities !== undefined).toBe(has);
    if (has) expect(profile.entities![0]).toMatchObject({ class: 3, serial: true });
  });

  it('an unknown profile names the known ones', () => {
    expect(() => profileById('huawei-ar161')).toThrow(/unknown simulator profile "huawei-ar161"; known profiles: .*cisco-isr4331/);
  });
});

describe.each(all)('profile %s', (_id, profile: VendorProfile) => {
  it("has a sysObjectID under the vendor's real enterprise number", () => {
    expect(profile.sysObjectID).toMatch(OID);
    expect(profile.enterprise).toBe(enterprises[profile.vendor]);
    expect(`${profile.sysObjectID}.`.startsWith(`1.3.6.1.4.1.${profile.enterprise}.`)).toBe(true);
  });

  it('has a sysDescr and a three-byte OUI', () => {
    expect(profile.sysDescr.length).toBeGreaterThan(10);
    expect(profile.oui).toHaveLength(3);
  });

  it('names its interfaces uniquely, with known ifTypes and sensible speeds', () => {
    const names = profile.interfaces.map((iface) => iface.name);
    expect(new Set(names).size).toBe(names.length);
    expect(new Set(profile.interfaces.map((iface) => iface.descr)).size).toBe(names.length);
    for (const iface of profile.interfaces) {
      expect(Object.values(ifType)).toContain(iface.type);
      if (iface.type === ifType.ethernetCsmacd) expect(iface.speedMbps).toBeGreaterThan(0);
      expect(iface.mtu).toBeGreaterThan(0);
      // Without ifXTable the probe knows an interface by ifDescr, so that is its name.
      if (profile.ifX === 'none') expect(iface.descr).toBe(iface.name);
    }
  });

  it('lists WAN ports that exist, and makes up extra ones with new names', () => {
    const names = new Set(profile.interfaces.map((iface) => iface.name));
    for (const name of profile.wanOrder) expect(names).toContain(name);
    const extras = [1, 2, 3, 4].map((n) => profile.extraInterface(n).name);
    expect(new Set(extras).size).toBe(4);
    for (const name of extras) expect(names).not.toContain(name);
  });

  it('derives serial numbers from the seed: the same seed the same serial, another seed another', () => {
    expect(profile.serialNumber(7)).toBe(profile.serialNumber(7));
    expect(profile.serialNumber(7)).not.toBe(profile.serialNumber(8));
    expect(profile.serialNumber(7)).toMatch(/^[A-Z0-9]{8,20}$/);
  });

  it('ENTITY-MIB rows, if any, point at rows that exist, under vendor OIDs', () => {
    for (const entity of profile.entities ?? []) {
      expect(entity.vendorType).toMatch(OID);
      if (entity.containedIn !== undefined) expect(profile.entities![entity.containedIn]).toBeDefined();
    }
  });

  it.each([0, 1, 2, 3, 5, 8])('gives each of %i links an interface, names staying unique', (count) => {
    const links = Array.from({ length: count }, (_, i) => link(`l${i}`));
    const plan = planInterfaces(profile, links);
    const names = plan.interfaces.map((iface) => iface.name);
    expect(new Set(names).size).toBe(names.length);
    expect(plan.linkInterfaces.size).toBe(count);
    for (const [linkId, name] of plan.linkInterfaces) {
      const iface = plan.interfaces.find((candidate) => candidate.name === name);
      expect(iface).toMatchObject({ linkId, role: 'wan' });
      expect(iface!.speedMbps).toBeGreaterThan(0);
    }
  });
});

describe('planInterfaces', () => {
  const names = (plan: ReturnType<typeof planInterfaces>) => Object.fromEntries(plan.linkInterfaces);

  it.each<[string, string, ReturnType<typeof link>[], Record<string, string>]>([
    ['links without a named interface take the WAN ports in order', 'draytek-vigor2927', [link('a'), link('b')], { a: 'WAN1', b: 'WAN2' }],
    ["MikroTik's second line goes into ether5", 'mikrotik-hex', [link('a'), link('b')], { a: 'ether1', b: 'ether5' }],
    ['the inventory may name any existing interface', 'cisco-isr4331', [link('a', 'Gi0/0/2')], { a: 'Gi0/0/2' }],
    ['a named interface is kept from the unnamed links', 'cisco-isr4331', [link('a'), link('b', 'Gi0/0/0')], { a: 'Gi0/0/1', b: 'Gi0/0/0' }],
    ['two links on one interface share it', 'fortigate-60f', [link('a', 'wan1'), link('b', 'wan1')], { a: 'wan1', b: 'wan1' }],
    ['past the WAN ports, spare Ethernet ports', 'cisco-isr4331', [link('a'), link('b'), link('c')], { a: 'Gi0/0/0', b: 'Gi0/0/1', c: 'Gi0' }],
    ['past those, an interface the profile makes up', 'draytek-vigor2927', [link('a'), link('b'), link('c')], { a: 'WAN1', b: 'WAN2', c: 'WAN3' }],
  ])('%s', (_name, profileId, links, expected) => {
    expect(names(planInterfaces(profileById(profileId), links))).toEqual(expected);
  });

  it('adds an interface the inventory names but the profile lacks, as an Ethernet port', () => {
    const plan = planInterfaces(profileById('tplink-er605'), [link('tslcd', 'eth0.100')]);
    expect(plan.interfaces.at(-1)).toMatchObject({ name: 'eth0.100', descr: 'eth0.100', type: ifType.ethernetCsmacd, role: 'wan', linkId: 'tslcd', speedMbps: 1000 });
    expect(plan.interfaces).toHaveLength(profileById('tplink-er605').interfaces.length + 1);
  });

  it('a made-up interface never takes the name of one the inventory added', () => {
    const plan = planInterfaces(profileById('draytek-vigor2927'), [link('a', 'WAN3'), link('b'), link('c'), link('d')]);
    expect(names(plan)).toEqual({ a: 'WAN3', b: 'WAN1', c: 'WAN2', d: 'WAN4' });
  });

  it('does not change the profile', () => {
    const before = JSON.stringify(profileById('mikrotik-hex').interfaces);
    planInterfaces(profileById('mikrotik-hex'), [link('a', 'ether3'), link('b', 'sfp1')]);
    expect(JSON.stringify(profileById('mikrotik-hex').interfaces)).toBe(before);
  });
});
