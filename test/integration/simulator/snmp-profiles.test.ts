import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toDeviceSample } from '../../../collector/points.ts';
import { chassisOf } from '../../../collector/probes/snmp/entity.ts';
import { createSnmpPoller, probeSnmp, type SnmpProbeOptions, type SnmpProbeResult, type SnmpTarget } from '../../../collector/probes/snmp/probe.ts';
import { computeDeviceRates } from '../../../collector/rates.ts';
import type { Device, Link, Site, SnmpCredentials } from '../../../config/schema.ts';
import { Secret } from '../../../config/secret.ts';
import { createSimClock } from '../../../simulator/clock.ts';
import { community, communityV1, usm } from '../../helpers/sim-credentials.ts';
import { createSimMibCache, startSimAgent, type RunningSimAgent } from '../../../simulator/agent.ts';
import type { SimDeviceSpec } from '../../../simulator/contracts.ts';
import { profileIds } from '../../../simulator/profiles.ts';
import { integrateOctets } from '../../../simulator/traffic.ts';

// Every simulated router type, read by the collector's real SNMP probe over loopback UDP (ports
// picked by the kernel from its ephemeral range, 32768–60999), the way the collector will read
// it: v1, v2c and v3 authPriv, the system group, both interface tables, ENTITY-MIB, and counters
// growing at the traffic model's rate.

/** A Tuesday, 10:00 in Vietnam: office hours. */
const START = Date.parse('2024-03-12T10:00:00+07:00');
/** A minute of simulated time per real second, so counters move fast enough to measure. */
const SPEED = 60;



const options: SnmpProbeOptions = { timeoutMs: 1500, retries: 1, maxRepetitions: 20 };

const site: Site = { id: 'chieng-ken', name: 'Chiềng Ken', kind: 'commune', groups: [], contact: { name: 'Chị Lò Thị Hoa' } };

function specFor(profile: string, credentials: SnmpCredentials, seed: number): SimDeviceSpec {
  const device: Device = { id: `chieng-ken-${profile}`, site: site.id, role: 'router', address: '127.0.0.1', interfaces: 'all' };
  const links: Link[] = [
    { id: `${device.id}-inet`, site: site.id, kind: 'internet', provider: 'Viettel', capacity: { downMbps: 100, upMbps: 50 }, device: device.id, targets: [] },
    // The inventory names this one's interface, which no profile has: the device must grow it.
    { id: `${device.id}-tslcd`, site: site.id, kind: 'tslcd', capacity: { downMbps: 20, upMbps: 20 }, device: device.id, interface: 'tslcd0', targets: [] },
  ];
  return { device, site, links, profile, credentials, seed };
}

const clock = createSimClock({ startMs: START, speed: SPEED });
const mibs = createSimMibCache();
const agents = new Map<string, { community: RunningSimAgent; usm: RunningSimAgent }>();

beforeAll(async () => {
  for (const [i, profile] of profileIds.entries()) {
    agents.set(profile, {
      community: await startSimAgent({ spec: specFor(profile, community, 100 + i), clock, mibs }),
      usm: await startSimAgent({ spec: specFor(profile, usm, 200 + i), clock, mibs }),
    });
  }
});

afterAll(async () => {
  await Promise.all([...agents.values()].flatMap((pair) => [pair.community.stop(), pair.usm.stop()]));
});

const target = (agent: RunningSimAgent, credentials: SnmpCredentials): SnmpTarget => ({
  device: agent.deviceId,
  host: agent.address.host,
  port: agent.address.port,
  credentials,
});

function healthy(result: SnmpProbeResult): Extract<SnmpProbeResult, { ok: true }> {
  if (!result.ok) throw new Error(`${result.reason}: ${result.message}`);
  return result;
}

/** What the probe should report for each interface, from the device itself. */
function expectedInterfaces(agent: RunningSimAgent, counterBits: 32 | 64) {
  const { device } = agent;
  const ifX = device.profile.ifX;
  return device.interfaces().map((iface) => ({
    index: iface.ifIndex,
    // Without ifXTable there is no ifName: the probe falls back to ifDescr (the profile makes them equal).
    name: iface.name,
    descr: iface.descr,
    alias: ifX === 'none' ? '' : iface.alias,
    type: iface.type,
    mtu: iface.mtu,
    speedBps: iface.speedBps,
    operStatus: iface.operUp ? 'up' : 'down',
    adminStatus: 'up',
    counterBits,
  }));
}

describe.each(profileIds.map((profile) => [profile]))('profile %s, read by the collector probe', (profile) => {
  const pair = () => agents.get(profile)!;
  const hc = () => pair().community.device.profile.ifX === 'hc';

  it.each<['1' | '2c' | '3']>([['1'], ['2c'], ['3']])('SNMPv%s: system group and every interface, counters of the right width', async (version) => {
    const agent = version === '3' ? pair().usm : pair().community;
    const credentials = version === '3' ? usm : version === '1' ? communityV1 : community;
    const result = healthy(await probeSnmp(target(agent, credentials), options));
    const { device } = agent;

    expect(result.system).toEqual({
      descr: device.system.descr,
      objectId: device.system.objectId,
      name: agent.deviceId,
      uptimeTicks: expect.any(Number),
      location: 'Chiềng Ken',
      contact: 'Chị Lò Thị Hoa',
    });
    const ticksNow = device.uptimeTicks(clock.now());
    expect(result.system.uptimeTicks).toBeLessThanOrEqual(ticksNow);
    // The poll took well under a second of real time, a minute of simulated time.
    expect(ticksNow - result.system.uptimeTicks).toBeLessThan(100 * 60);

    // SNMPv1 cannot carry Counter64: the agent hides the ifHC* columns and the probe falls back.
    const counterBits = version !== '1' && hc() ? 64 : 32;
    expect(result.interfaces.map(({ index, name, descr, alias, type, mtu, speedBps, operStatus, adminStatus, counterBits: bits }) => ({
      index,
      name,
      descr,
      alias,
      type,
      mtu,
      speedBps,
      operStatus,
      adminStatus,
      counterBits: bits,
    }))).toEqual(expectedInterfaces(agent, counterBits));

    for (const iface of result.interfaces) {
      for (const counter of [iface.inOctets, iface.outOctets, iface.inUcastPkts, iface.outUcastPkts, iface.inErrors, iface.inDiscards]) {
        expect(typeof counter).toBe('bigint');
      }
      if (counterBits === 32) expect(iface.inOctets).toBeLessThan(2n ** 32n);
    }
    // Every interface the inventory names for a link exists, by that name.
    const names = result.interfaces.map((iface) => iface.name);
    for (const name of device.linkInterfaces.values()) expect(names).toContain(name);
    expect(names).toContain('tslcd0');
    // The links' interfaces carry traffic.
    const wan = result.interfaces.find((iface) => iface.name === device.linkInterfaces.get(`${agent.deviceId}-inet`));
    expect(wan).toMatchObject({ operStatus: 'up' });
    expect(wan!.inOctets).toBeGreaterThan(0n);
  });

  it('ENTITY-MIB: the chassis model, serial and firmware where the real device has them', async () => {
    for (const [agent, credentials] of [
      [pair().community, community],
      [pair().usm, usm],
    ] as const) {
      const poller = createSnmpPoller(target(agent, credentials), options);
      try {
        const result = healthy(await poller.poll({}, { entities: true }));
        const expected = agent.device.entities;
        expect(result.entities).toHaveLength(expected.length);
        if (expected.length === 0) continue;
        const chassis = chassisOf(result.entities!);
        expect(chassis).toMatchObject({
          className: 'chassis',
          containedIn: 0,
          model: expected[0]!.model,
          serial: expected[0]!.serial,
          firmwareRev: expected[0]!.firmwareRev,
          softwareRev: expected[0]!.softwareRev,
          manufacturer: expected[0]!.manufacturer,
        });
        expect(chassis!.serial.length).toBeGreaterThan(8);
      } finally {
        poller.close();
      }
    }
  });

  it('counters grow between two polls at the rate the traffic model gives', async () => {
    const agent = pair().community;
    const poller = createSnmpPoller(target(agent, community), options);
    try {
      const first = healthy(await poller.poll());
      const firstAt = clock.now();
      await sleep(1500);
      const second = healthy(await poller.poll());
      const secondAt = clock.now();
      const rates = computeDeviceRates(toDeviceSample(firstAt, first.system.uptimeTicks, first.interfaces), toDeviceSample(secondAt, second.system.uptimeTicks, second.interfaces));
      expect(rates.continuity.kind).toBe('continuous');
      for (const [linkId, name] of agent.device.linkInterfaces) {
        const measured = rates.interfaces.find((iface) => iface.name === name);
        if (!measured?.ok) throw new Error(`${name}: ${JSON.stringify(measured)}`);
        const model = integrateOctets((at) => agent.device.linkRate(linkId, at)!, firstAt, secondAt);
        const seconds = (secondAt - firstAt) / 1000;
        expect(measured.inBps / ((model.inOctets * 8) / seconds)).toBeGreaterThan(0.9);
        expect(measured.inBps / ((model.inOctets * 8) / seconds)).toBeLessThan(1.1);
        expect(measured.outBps / ((model.outOctets * 8) / seconds)).toBeGreaterThan(0.85);
        expect(measured.outBps / ((model.outOctets * 8) / seconds)).toBeLessThan(1.15);
        expect(measured.inPps).toBeGreaterThan(0);
      }
    } finally {
      poller.close();
    }
  });
});

describe('credentials', () => {
  it.each<[string, SnmpCredentials]>([
    ['authNoPriv with SHA-256', { version: '3', user: 'noc', context: '', level: 'authNoPriv', authProtocol: 'sha256', authKey: new Secret('noc-auth-key') }],
    [
      'authPriv with SHA-512 and AES-256 (Reeder/Cisco)',
      { version: '3', user: 'noc', context: '', level: 'authPriv', authProtocol: 'sha512', authKey: new Secret('noc-auth-key'), privProtocol: 'aes256r', privKey: new Secret('noc-priv-key') },
    ],
    ['noAuthNoPriv', { version: '3', user: 'guest', context: '', level: 'noAuthNoPriv' }],
  ])('%s works with the inventory credentials', async (_name, credentials) => {
    const agent = await startSimAgent({ spec: specFor('cisco-isr4331', credentials, 7), clock });
    try {
      expect(healthy(await probeSnmp(target(agent, credentials), options)).system.name).toBe('chieng-ken-cisco-isr4331');
    } finally {
      await agent.stop();
    }
  });

  it('a wrong privKey is an auth failure, as against a real router', async () => {
    const agent = agents.get('fortigate-60f')!.usm;
    const wrong = { ...usm, privKey: new Secret('not-the-key') } as SnmpCredentials;
    const result = await probeSnmp(target(agent, wrong), { ...options, timeoutMs: 300, retries: 0 });
    expect(result).toMatchObject({ ok: false, reason: 'auth' });
  });
});

describe('a socket handed over by the network side', () => {
  it('serves on the given, already bound socket and closes it on stop', async () => {
    const { createSocket } = await import('node:dgram');
    const socket = createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    const port = socket.address().port;
    const agent = await startSimAgent({ spec: specFor('tplink-er605', community, 3), clock, socket });
    expect(agent.address).toEqual({ host: '127.0.0.1', port });
    expect(healthy(await probeSnmp(target(agent, community), options)).interfaces.length).toBeGreaterThan(0);
    await agent.stop();
    expect(() => socket.address()).toThrow();
  });
});

describe('MIB sharing', () => {
  it('the twelve agents above (two per profile) hold one MIB tree per profile', () => {
    expect(mibs.size).toBe(profileIds.length);
  });
});
