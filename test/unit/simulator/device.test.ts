import { describe, expect, it } from 'vitest';
import type { Device, Link, Site, SnmpCredentials } from '../../../config/schema.ts';
import { Secret } from '../../../config/secret.ts';
import type { SimDeviceSpec } from '../../../simulator/contracts.ts';
import { advanceCounter, createSimDevice, indexFor, type SimDevice, type SimInterface } from '../../../simulator/device.ts';
import { profileById } from '../../../simulator/profiles.ts';
import { integrateOctets } from '../../../simulator/traffic.ts';

const vn = (local: string) => Date.parse(`${local}:00+07:00`);
/** A Tuesday at 09:30 in Vietnam: office hours, traffic flowing. */
const T0 = vn('2024-03-12T09:30');
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const WRAP32 = 2n ** 32n;

const credentials: SnmpCredentials = { version: '2c', community: new Secret('public') };
const site: Site = { id: 'nam-xe', name: 'Nậm Xé', kind: 'commune', groups: [], address: 'UBND xã Nậm Xé', contact: { name: 'Anh Tòng', phone: '0912345678' } };
const device: Device = { id: 'nam-xe-r1', site: 'nam-xe', role: 'router', address: '10.20.0.1', interfaces: 'all' };
const internet: Link = { id: 'nam-xe-inet', site: 'nam-xe', kind: 'internet', device: 'nam-xe-r1', provider: 'VNPT', capacity: { downMbps: 100, upMbps: 40 }, targets: [] };
const tslcd: Link = { id: 'nam-xe-tslcd', site: 'nam-xe', kind: 'tslcd', device: 'nam-xe-r1', capacity: { downMbps: 20, upMbps: 20 }, targets: [] };

const spec = (profile: string, overrides: Partial<SimDeviceSpec> = {}): SimDeviceSpec => ({ device, site, links: [internet, tslcd], profile, credentials, seed: 1234, ...overrides });
const make = (profile = 'mikrotik-hex', overrides: Partial<SimDeviceSpec> = {}, uptimeMs = 5 * 86_400_000): SimDevice =>
  createSimDevice({ spec: spec(profile, overrides), nowMs: T0, uptimeMs });

const byName = (d: SimDevice, name: string, nowMs: number): SimInterface => {
  const found = d.interfaces().find((iface) => iface.name === name);
  if (!found) throw new Error(`no interface ${name}`);
  return d.interfaceAt(found.ifIndex, nowMs)!;
};
/** Snapshot of the counters (the live object changes as time advances). */
const counters = (d: SimDevice, name: string, nowMs: number) => ({ ...byName(d, name, nowMs).counters });

describe('identity', () => {
  it('answers with the profile, the inventory and the site', () => {
    const d = make('cisco-isr4331');
    expect(d.system).toEqual({
      descr: profileById('cisco-isr4331').sysDescr,
      objectId: '1.3.6.1.4.1.9.1.2068',
      name: 'nam-xe-r1',
      contact: 'Anh Tòng 0912345678',
      location: 'Nậm Xé, UBND xã Nậm Xé',
      services: 78,
    });
  });

  it('has an RFC 3411 engine ID under the vendor enterprise number', () => {
    const d = make('fortigate-60f');
    expect(d.engineId).toHaveLength(11);
    expect(d.engineId.readUInt32BE(0)).toBe((0x8000_0000 | 12356) >>> 0);
    expect(d.engineId[4]).toBe(3);
    expect([...d.engineId.subarray(5, 8)]).toEqual([0x90, 0x6c, 0xac]);
  });

  it.each<[string, number]>([
    ['cisco-isr4331', 3],
    ['mikrotik-hex', 1],
    ['fortigate-60f', 1],
    ['tplink-er605', 0],
  ])('%s has %i ENTITY-MIB rows, the chassis serial derived from the seed', (profile, rows) => {
    const d = make(profile);
    expect(d.entities).toHaveLength(rows);
    if (rows === 0) return;
    expect(d.entities[0]).toMatchObject({ index: 1, class: 3, containedIn: 0, serial: profileById(profile).serialNumber(1234) });
    for (const row of d.entities.slice(1)) expect(row.containedIn).toBe(1);
  });

  it('has every inventory link interface, and the profile interfaces, indexed 1..n', () => {
    const d = make('cisco-isr4331', { links: [internet, { ...tslcd, interface: 'Gi0/1/0' }] });
    expect(Object.fromEntries(d.linkInterfaces)).toEqual({ 'nam-xe-inet': 'Gi0/0/0', 'nam-xe-tslcd': 'Gi0/1/0' });
    expect(d.interfaces().map((iface) => iface.name)).toEqual(['Gi0/0/0', 'Gi0/0/1', 'Gi0/0/2', 'Gi0', 'Nu0', 'VoIP-Nu0', 'Gi0/1/0']);
    expect(d.interfaces().map((iface) => iface.ifIndex)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(byName(d, 'Gi0/0/0', T0)).toMatchObject({ alias: 'nam-xe-inet VNPT', speedBps: 1e9, operUp: true, linkId: 'nam-xe-inet' });
    expect(byName(d, 'Gi0/0/1', T0)).toMatchObject({ operUp: false, linkId: undefined });
    expect(byName(d, 'Nu0', T0)).toMatchObject({ operUp: true, physAddress: Buffer.alloc(0) });
  });

  it('is deterministic in its seed', () => {
    const a = make();
    const b = make();
    const c = make('mikrotik-hex', { seed: 99 });
    expect(counters(a, 'ether1', T0 + 10 * MINUTE)).toEqual(counters(b, 'ether1', T0 + 10 * MINUTE));
    expect(counters(c, 'ether1', T0 + 10 * MINUTE)).not.toEqual(counters(a, 'ether1', T0 + 10 * MINUTE));
  });
});

describe('uptime', () => {
  it.each<[string, number, number, number]>([
    ['at start', 3_600_000, 0, 360_000],
    ['ten seconds later', 3_600_000, 10_000, 361_000],
    ['a day later', 0, 86_400_000, 8_640_000],
    ['TimeTicks wrap after 497 days', 2 ** 32 * 10 + 5_000, 0, 500],
  ])('%s', (_name, uptimeMs, laterMs, ticks) => {
    expect(make('mikrotik-hex', {}, uptimeMs).uptimeTicks(T0 + laterMs)).toBe(ticks);
  });

  it('defaults to hours or days, from the seed', () => {
    const d = createSimDevice({ spec: spec('mikrotik-hex'), nowMs: T0 });
    const days = d.uptimeTicks(T0) / 100 / 86_400;
    expect(days).toBeGreaterThan(0.08);
    expect(days).toBeLessThan(41);
  });
});

describe('counters', () => {
  it('grow by the integral of the traffic model, per simulated second', () => {
    const d = make();
    const t1 = T0 + MINUTE;
    const before = counters(d, 'ether1', T0);
    const after = counters(d, 'ether1', t1);
    const expected = integrateOctets((at) => d.linkRate('nam-xe-inet', at)!, T0, t1);
    expect(Number(after.inOctets - before.inOctets)).toBeCloseTo(expected.inOctets, -1);
    expect(Number(after.outOctets - before.outOctets)).toBeCloseTo(expected.outOctets, -1);
    // Office-hours traffic on a 100 Mbit/s line: megabytes a minute.
    expect(after.inOctets - before.inOctets).toBeGreaterThan(10_000_000n);
  });

  it('count packets from octets (about 1,150 octets a packet downloading, 420 uploading)', () => {
    const d = make();
    const before = counters(d, 'ether1', T0);
    const after = counters(d, 'ether1', T0 + 10 * MINUTE);
    expect(Number(after.inOctets - before.inOctets) / Number(after.inUcastPkts - before.inUcastPkts)).toBeCloseTo(1150, -1);
    expect(Number(after.outOctets - before.outOctets) / Number(after.outUcastPkts - before.outUcastPkts)).toBeCloseTo(420, -1);
  });

  it('count an occasional error over a working day, and discards', () => {
    const d = make();
    const before = counters(d, 'ether1', T0);
    let after = before;
    for (let t = T0; t <= T0 + 8 * HOUR; t += 5 * MINUTE) after = counters(d, 'ether1', t);
    expect(after.inErrors).toBeGreaterThan(before.inErrors);
    expect(after.inErrors - before.inErrors).toBeLessThan((after.inUcastPkts - before.inUcastPkts) / 10_000n);
    expect(after.inDiscards).toBeGreaterThanOrEqual(before.inDiscards);
  });

  it('carry the links the other way round on the LAN side', () => {
    const d = make();
    const t1 = T0 + MINUTE;
    const wan = [counters(d, 'ether1', T0), counters(d, 'ether5', T0)];
    const lan = counters(d, 'ether2', T0);
    const wanAfter = [counters(d, 'ether1', t1), counters(d, 'ether5', t1)];
    const lanAfter = counters(d, 'ether2', t1);
    const wanIn = wanAfter.reduce((sum, c, i) => sum + (c.inOctets - wan[i]!.inOctets), 0n);
    expect(Number(lanAfter.outOctets - lan.outOctets) / Number(wanIn)).toBeCloseTo(1, 2);
  });

  it('stay at zero on unused ports and virtual interfaces', () => {
    const d = make();
    for (const name of ['ether3', 'ether4', 'lo']) {
      const before = counters(d, name, T0);
      expect(counters(d, name, T0 + HOUR)).toEqual(before);
    }
  });

  it('with a compressed clock, read rarely, come out as when read every few seconds', () => {
    // A day in ten minutes: a collector polling every 60 real seconds reads every 144 simulated minutes.
    const rarely = make();
    const often = make();
    const span = 144 * MINUTE;
    const start = counters(rarely, 'ether1', T0).inOctets;
    for (let t = T0; t <= T0 + span; t += 5_000) counters(often, 'ether1', t);
    const coarse = counters(rarely, 'ether1', T0 + span).inOctets - start;
    const fine = counters(often, 'ether1', T0 + span).inOctets - start;
    expect(Number(coarse) / Number(fine)).toBeGreaterThan(0.97);
    expect(Number(coarse) / Number(fine)).toBeLessThan(1.03);
  });

  it('Counter64 arithmetic wraps modulo 2^64', () => {
    expect(advanceCounter(2n ** 64n - 10n, 25)).toBe(15n);
    expect(advanceCounter(5n, 0.4)).toBe(5n);
    expect(advanceCounter(5n, 3.9)).toBe(8n);
  });

  it('the Counter32 objects show the low 32 bits', () => {
    const d = make();
    const iface = byName(d, 'ether1', T0 + MINUTE);
    expect(d.octets32(iface)).toEqual({ in: Number(iface.counters.inOctets % WRAP32), out: Number(iface.counters.outOctets % WRAP32) });
  });
});

describe('faults', () => {
  it('reboot: uptime and every counter start again from zero, then grow', () => {
    const d = make();
    const at = T0 + 10 * MINUTE;
    d.reboot(at);
    expect(d.reboots).toBe(1);
    expect(d.uptimeTicks(at)).toBe(0);
    expect(d.bootMs()).toBe(at);
    for (const iface of d.interfaces()) expect(Object.values(d.interfaceAt(iface.ifIndex, at)!.counters).every((value) => value === 0n)).toBe(true);
    expect(d.uptimeTicks(at + MINUTE)).toBe(6_000);
    const after = counters(d, 'ether1', at + MINUTE);
    expect(after.inOctets).toBeGreaterThan(0n);
    expect(after.inOctets).toBeLessThan(1_000_000_000n);
    expect(byName(d, 'ether1', at + MINUTE).lastChangeMs).toBe(at);
  });

  it('counter wrap: the Counter32 octets sit just below 2^32 and wrap within seconds; the 64-bit counters do not jump', () => {
    const d = make('tplink-er605');
    const at = T0 + MINUTE;
    const before = byName(d, 'WAN', at);
    const hcBefore = { ...before.counters };
    d.wrapCounters(at);
    const wrapped = d.octets32(byName(d, 'WAN', at));
    // About three seconds of traffic short of the wrap: at most 3 s at the 100 Mbit/s contract.
    for (const value of [wrapped.in, wrapped.out]) {
      expect(value).toBeGreaterThan(2 ** 32 - (3 * 100e6) / 8);
      expect(value).toBeLessThan(2 ** 32);
    }
    const later = byName(d, 'WAN', at + 10_000);
    const after = d.octets32(later);
    expect(after.in).toBeLessThan(wrapped.in);
    // What a manager computes across the wrap is what really flowed.
    expect(BigInt(after.in) + WRAP32 - BigInt(wrapped.in)).toBe(later.counters.inOctets - hcBefore.inOctets);
    expect(BigInt(after.out) + WRAP32 - BigInt(wrapped.out)).toBe(later.counters.outOctets - hcBefore.outOctets);
  });

  it('counter wrap waits for the next read of the Counter32 view, marks the discontinuity, then runs on', () => {
    const d = make('tplink-er605');
    const faultAt = T0 + MINUTE;
    d.wrapCounters(faultAt);
    const readAt = faultAt + 30_000;
    const iface = byName(d, 'WAN', readAt);
    expect(iface.discontinuityMs).toBeUndefined();
    const first = d.octets32(iface);
    expect(iface.discontinuityMs).toBe(readAt);
    expect(2 ** 32 - first.in).toBeLessThan((3 * 100e6) / 8);
    // A second read at the same time sees the same values: no second jump.
    expect(d.octets32(iface)).toEqual(first);
    d.reboot(readAt + MINUTE);
    expect(byName(d, 'WAN', readAt + MINUTE).discontinuityMs).toBeUndefined();
  });

  it('re-indexing: every ifIndex changes, names and counters stay, twice over', () => {
    const d = make('fortigate-60f');
    const at = T0 + MINUTE;
    const before = new Map(d.interfaces().map((iface) => [iface.name, iface.ifIndex]));
    const octets = counters(d, 'wan1', at).inOctets;
    d.reindex(at);
    expect(d.indexGeneration).toBe(1);
    const after = new Map(d.interfaces().map((iface) => [iface.name, iface.ifIndex]));
    expect([...after.keys()].sort()).toEqual([...before.keys()].sort());
    for (const [name, index] of after) expect(index).not.toBe(before.get(name));
    expect(new Set(after.values()).size).toBe(after.size);
    expect(d.interfaces().map((iface) => iface.ifIndex)).toEqual([...after.values()].sort((a, b) => a - b));
    expect(counters(d, 'wan1', at).inOctets).toBe(octets);
    d.reindex(at + MINUTE);
    for (const iface of d.interfaces()) expect(iface.ifIndex).not.toBe(after.get(iface.name));
  });

  it.each([1, 2, 5, 11, 12, 100, 101])('indexFor: %i interfaces never keep an index from one generation to the next', (count) => {
    for (let generation = 0; generation < 5; generation++) {
      const now = Array.from({ length: count }, (_, position) => indexFor(position, count, generation));
      const next = Array.from({ length: count }, (_, position) => indexFor(position, count, generation + 1));
      expect(new Set(next).size).toBe(count);
      for (let position = 0; position < count; position++) expect(next[position]).not.toBe(now[position]);
    }
  });

  it('link interface down: oper-down, no traffic, the LAN side loses it too; up again: traffic resumes', () => {
    const d = make();
    const down = T0 + MINUTE;
    d.setLinkInterface('nam-xe-inet', 'down', down);
    const iface = byName(d, 'ether1', down);
    expect(iface).toMatchObject({ operUp: false, adminUp: true, lastChangeMs: down });
    const frozen = counters(d, 'ether1', down);
    expect(counters(d, 'ether1', down + 10 * MINUTE)).toEqual(frozen);
    // The LAN now carries only the TSLCD line.
    const lan = counters(d, 'ether2', down);
    const tslcd = counters(d, 'ether5', down);
    const lanGrowth = counters(d, 'ether2', down + MINUTE).outOctets - lan.outOctets;
    const tslcdGrowth = counters(d, 'ether5', down + MINUTE).inOctets - tslcd.inOctets;
    expect(Number(lanGrowth) / Number(tslcdGrowth)).toBeCloseTo(1, 2);
    d.setLinkInterface('nam-xe-inet', 'up', down + 10 * MINUTE);
    expect(counters(d, 'ether1', down + 11 * MINUTE).inOctets).toBeGreaterThan(frozen.inOctets);
    expect(byName(d, 'ether1', down + 11 * MINUTE).lastChangeMs).toBe(down + 10 * MINUTE);
  });

  it('a fault on a link the device does not carry is a bug, said so', () => {
    const d = make();
    expect(() => d.setLinkInterface('elsewhere', 'down', T0)).toThrow(/carries no link elsewhere/);
    expect(() => d.setSaturation('elsewhere', 90, T0)).toThrow(/carries no link elsewhere/);
  });

  it('saturation: the link runs at the given share of its capacity, with discards, until cleared', () => {
    const d = make();
    const at = vn('2024-03-13T02:00'); // a quiet night, so the override is unmistakable
    counters(d, 'ether1', at);
    d.setSaturation('nam-xe-inet', 95, at);
    const before = counters(d, 'ether1', at);
    const after = counters(d, 'ether1', at + MINUTE);
    const inBps = (Number(after.inOctets - before.inOctets) * 8) / 60;
    expect(inBps / 100e6).toBeCloseTo(0.95, 2);
    expect(after.inDiscards - before.inDiscards).toBeGreaterThan(0n);
    d.setSaturation('nam-xe-inet', undefined, at + MINUTE);
    const quiet = counters(d, 'ether1', at + 2 * MINUTE);
    expect((Number(quiet.inOctets - after.inOctets) * 8) / 60 / 100e6).toBeLessThan(0.2);
  });

  it('a fault changes nothing before it: counters are brought up to the fault time first', () => {
    const a = make();
    const b = make();
    const at = T0 + 30 * MINUTE;
    // `a` is read at the fault time, `b` is not: both must agree afterwards.
    counters(a, 'ether1', at);
    a.setSaturation('nam-xe-inet', 100, at);
    b.setSaturation('nam-xe-inet', 100, at);
    expect(counters(b, 'ether1', at + MINUTE)).toEqual(counters(a, 'ether1', at + MINUTE));
  });
});
