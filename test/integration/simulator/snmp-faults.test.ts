import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { toDeviceSample } from '../../../collector/points.ts';
import { createSnmpPoller, probeSnmp, type SnmpPoller, type SnmpProbeOptions, type SnmpProbeResult, type SnmpTarget } from '../../../collector/probes/snmp/probe.ts';
import { computeDeviceRates, type DeviceRates } from '../../../collector/rates.ts';
import type { Device, Link, Site, SnmpCredentials } from '../../../config/schema.ts';
import { createSimClock } from '../../../simulator/clock.ts';
import { community, communityV1, usm } from '../../helpers/sim-credentials.ts';
import { startSimAgent, type RunningSimAgent } from '../../../simulator/agent.ts';
import type { SimClock, SimDeviceSpec } from '../../../simulator/contracts.ts';
import { malformedVariants, type MalformedVariant } from '../../../simulator/faults.ts';
import { integrateOctets } from '../../../simulator/traffic.ts';

// Each SNMP-side fault the simulator plays, seen through the collector's real probe over loopback
// UDP (kernel-picked ephemeral ports), and for the counter faults through the collector's rate
// maths: what linkwatch will really see when the scenario plays them.

/** A Tuesday, 10:00 in Vietnam: office hours, traffic flowing. */
const START = Date.parse('2024-03-12T10:00:00+07:00');



/** Short timeouts, no resend: a fault shows within a fraction of a second. */
const fast: SnmpProbeOptions = { timeoutMs: 300, retries: 0, maxRepetitions: 20 };
const FAST_BUDGET = fast.timeoutMs * (fast.retries + 1);

const site: Site = { id: 'nam-xe', name: 'Nậm Xé', kind: 'commune', groups: [] };
const device: Device = { id: 'nam-xe-r1', site: 'nam-xe', role: 'router', address: '127.0.0.1', interfaces: 'all' };
const internet: Link = { id: 'nam-xe-inet', site: 'nam-xe', kind: 'internet', capacity: { downMbps: 100, upMbps: 40 }, device: 'nam-xe-r1', targets: [] };

let running: RunningSimAgent[] = [];
let pollers: SnmpPoller[] = [];
afterEach(async () => {
  for (const poller of pollers) poller.close();
  await Promise.all(running.map((agent) => agent.stop()));
  running = [];
  pollers = [];
});

async function start(profile = 'mikrotik-hex', credentials: SnmpCredentials = community, speed = 1): Promise<{ agent: RunningSimAgent; clock: SimClock }> {
  const clock = createSimClock({ startMs: START, speed });
  const spec: SimDeviceSpec = { device, site, links: [internet], profile, credentials, seed: 4242 };
  const agent = await startSimAgent({ spec, clock });
  running.push(agent);
  return { agent, clock };
}

const target = (agent: RunningSimAgent, credentials: SnmpCredentials = community): SnmpTarget => ({
  device: agent.deviceId,
  host: agent.address.host,
  port: agent.address.port,
  credentials,
});

function poller(agent: RunningSimAgent, credentials: SnmpCredentials = community, options: SnmpProbeOptions = fast): SnmpPoller {
  const created = createSnmpPoller(target(agent, credentials), options);
  pollers.push(created);
  return created;
}

function healthy(result: SnmpProbeResult): Extract<SnmpProbeResult, { ok: true }> {
  if (!result.ok) throw new Error(`${result.reason}: ${result.message}`);
  return result;
}

/** Two polls `gapMs` apart (real time), turned into rates the collector's way. */
async function ratesAcross(p: SnmpPoller, clock: SimClock, between: () => void | Promise<void>, gapMs: number): Promise<DeviceRates> {
  const first = healthy(await p.poll());
  const firstAt = clock.now();
  await between();
  await sleep(gapMs);
  const second = healthy(await p.poll());
  const secondAt = clock.now();
  return computeDeviceRates(toDeviceSample(firstAt, first.system.uptimeTicks, first.interfaces), toDeviceSample(secondAt, second.system.uptimeTicks, second.interfaces));
}

const linkRates = (agent: RunningSimAgent, rates: DeviceRates) => rates.interfaces.find((iface) => iface.name === agent.device.linkInterfaces.get(internet.id))!;

async function timed(run: () => Promise<SnmpProbeResult>): Promise<{ result: SnmpProbeResult; elapsed: number }> {
  const started = performance.now();
  const result = await run();
  return { result, elapsed: performance.now() - started };
}

describe('agent silent, slow, losing requests', () => {
  it('silent: the probe times out; the agent counts the drops; back on, it answers', async () => {
    const { agent } = await start();
    agent.setSilent(true);
    const { result, elapsed } = await timed(() => probeSnmp(target(agent), fast));
    expect(result).toMatchObject({ ok: false, reason: 'timeout' });
    expect(elapsed).toBeGreaterThanOrEqual(FAST_BUDGET - 20);
    expect(agent.stats()).toMatchObject({ answered: 0, dropped: agent.stats().requests });
    agent.setSilent(false);
    healthy(await probeSnmp(target(agent), fast));
  });

  it('silent over SNMPv3: even engine discovery goes unanswered', async () => {
    const { agent } = await start('cisco-isr4331', usm);
    agent.setSilent(true);
    expect(await probeSnmp(target(agent, usm), fast)).toMatchObject({ ok: false, reason: 'timeout' });
  });

  it('answers slower than the probe waits: timeout', async () => {
    const { agent } = await start();
    agent.setDelay(2 * fast.timeoutMs);
    expect(await probeSnmp(target(agent), fast)).toMatchObject({ ok: false, reason: 'timeout' });
  });

  it('answers slow but within the timeout: ok, and the poll takes longer by the delay per exchange', async () => {
    const { agent } = await start();
    const options = { ...fast, timeoutMs: 1000 };
    const quick = healthy(await probeSnmp(target(agent), options));
    agent.setDelay(60);
    const slow = healthy(await probeSnmp(target(agent), options));
    expect(slow.interfaces).toHaveLength(quick.interfaces.length);
    // At least the system GET and one page of the (parallel) table walks happen one after the other.
    expect(slow.durationMs).toBeGreaterThanOrEqual(2 * 60);
    expect(slow.durationMs).toBeGreaterThan(quick.durationMs);
  });

  it('100 % request loss: timeout; 0 % again: ok', async () => {
    const { agent } = await start();
    agent.setRequestLoss(100);
    expect(await probeSnmp(target(agent), fast)).toMatchObject({ ok: false, reason: 'timeout' });
    agent.setRequestLoss(0);
    healthy(await probeSnmp(target(agent), fast));
  });

  it('partial loss: resends get through', async () => {
    const { agent } = await start();
    agent.setRequestLoss(20);
    const results = [];
    for (let i = 0; i < 5; i++) results.push(await probeSnmp(target(agent), { timeoutMs: 100, retries: 5, maxRepetitions: 20 }));
    expect(results.filter((result) => result.ok).length).toBeGreaterThanOrEqual(4);
    expect(agent.stats().dropped).toBeGreaterThan(0);
  });
});

describe('counter faults, through the collector rate maths', () => {
  it('reboot: sysUpTime small, counters reset, the interval discarded as a reboot (v2c and a kept v3 session)', async () => {
    for (const credentials of [community, usm]) {
      const { agent, clock } = await start('cisco-isr4331', credentials);
      const p = poller(agent, credentials);
      const before = healthy(await p.poll());
      const rates = await ratesAcross(p, clock, () => agent.reboot(), 200);
      expect(rates.continuity.kind).toBe('rebooted');
      expect(rates.interfaces.every((iface) => !iface.ok && iface.reason === 'reboot')).toBe(true);
      const after = healthy(await p.poll());
      expect(after.system.uptimeTicks).toBeLessThan(100);
      expect(after.system.uptimeTicks).toBeLessThan(before.system.uptimeTicks);
      const wan = after.interfaces.find((iface) => iface.name === 'Gi0/0/0')!;
      expect(wan.inOctets).toBeLessThan(10_000_000n);
    }
  });

  /**
   * Polls, plays the counter-wrap fault, polls again (that read sets the Counter32 views just
   * below 2^32, so its interval carries the jump), waits past the wrap and polls a third time.
   * Returns the rates of the last interval, which holds the wrap.
   */
  async function acrossAWrap(agent: RunningSimAgent, clock: SimClock, credentials: SnmpCredentials) {
    const p = poller(agent, credentials);
    healthy(await p.poll());
    agent.wrapCounters();
    const applied = healthy(await p.poll());
    const appliedAt = clock.now();
    const wanName = agent.device.linkInterfaces.get(internet.id)!;
    expect(applied.interfaces.find((iface) => iface.name === wanName)!.inOctets).toBeGreaterThan(2n ** 32n - 50_000_000n);
    await sleep(2000);
    const wrapped = healthy(await p.poll());
    const wrappedAt = clock.now();
    const rates = computeDeviceRates(toDeviceSample(appliedAt, applied.system.uptimeTicks, applied.interfaces), toDeviceSample(wrappedAt, wrapped.system.uptimeTicks, wrapped.interfaces));
    const wan = linkRates(agent, rates);
    if (!wan.ok) throw new Error(wan.message);
    const model = integrateOctets((at) => agent.device.linkRate(internet.id, at)!, appliedAt, wrappedAt);
    return { wan, modelBps: (model.inOctets * 8) / ((wrappedAt - appliedAt) / 1000) };
  }

  // Four simulated seconds a second: the wrap, three simulated seconds after the read that applies
  // the fault, comes 750 ms after it: after the rest of that poll's walk, before the third poll.
  // The rate is compared loosely: the samples are stamped when a poll ends, the counters read
  // during it, as in the collector.
  it('counter wrap on a Counter32 router: the interval after the jump holds a clean wrap, rate kept, wrap listed', async () => {
    const { agent, clock } = await start('tplink-er605', community, 4);
    const { wan, modelBps } = await acrossAWrap(agent, clock, community);
    expect(wan.wrapped).toEqual(expect.arrayContaining(['inOctets', 'outOctets']));
    expect(wan.inBps / modelBps).toBeGreaterThan(0.85);
    expect(wan.inBps / modelBps).toBeLessThan(1.15);
  });

  it('counter wrap over SNMPv1 on a 64-bit router: v1 reads the Counter32 objects, so the wrap shows there too', async () => {
    const { agent, clock } = await start('mikrotik-hex', communityV1, 4);
    const { wan, modelBps } = await acrossAWrap(agent, clock, communityV1);
    expect(wan.wrapped).toEqual(expect.arrayContaining(['inOctets', 'outOctets']));
    expect(wan.inBps / modelBps).toBeGreaterThan(0.85);
    expect(wan.inBps / modelBps).toBeLessThan(1.15);
  });

  it('counter wrap on a 64-bit router: the probe reads ifHC*, which do not jump', async () => {
    const { agent, clock } = await start('mikrotik-hex', community, 60);
    const rates = await ratesAcross(poller(agent), clock, () => agent.wrapCounters(), 400);
    const wan = linkRates(agent, rates);
    expect(wan).toMatchObject({ ok: true, wrapped: [] });
  });

  it('re-indexing: every interface is discarded as reindexed, and the next interval is measured again', async () => {
    const { agent, clock } = await start('fortigate-60f');
    const p = poller(agent);
    const rates = await ratesAcross(p, clock, () => agent.reindex(), 200);
    expect(rates.continuity.kind).toBe('continuous');
    expect(rates.interfaces.map((iface) => (iface.ok ? 'ok' : iface.reason))).toEqual(rates.interfaces.map(() => 'reindexed'));
    const next = await ratesAcross(p, clock, () => undefined, 200);
    expect(linkRates(agent, next)).toMatchObject({ ok: true });
  });

  it('saturation: the link measures at the given share of its capacity, both ways', async () => {
    const { agent, clock } = await start('draytek-vigor2927', community, 60);
    agent.setSaturation(internet.id, 85);
    const rates = await ratesAcross(poller(agent), clock, () => undefined, 1000);
    const wan = linkRates(agent, rates);
    if (!wan.ok) throw new Error(wan.message);
    expect(wan.inBps / 100e6).toBeGreaterThan(0.82);
    expect(wan.inBps / 100e6).toBeLessThan(0.88);
    expect(wan.outBps / 40e6).toBeGreaterThan(0.82);
    expect(wan.outBps / 40e6).toBeLessThan(0.88);
    expect(wan.inDiscardsPs).toBeGreaterThan(0);
  });
});

describe('link interface down', () => {
  it.each<[string, SnmpCredentials]>([
    ['v2c', community],
    ['v3', usm],
  ])('%s: operStatus down (admin up) on the link interface only; up again when restored', async (_name, credentials) => {
    const { agent } = await start('mikrotik-hex', credentials);
    agent.setLinkInterface(internet.id, 'down');
    const down = healthy(await probeSnmp(target(agent, credentials), fast));
    expect(down.interfaces.find((iface) => iface.name === 'ether1')).toMatchObject({ operStatus: 'down', adminStatus: 'up' });
    expect(down.interfaces.find((iface) => iface.name === 'ether2')).toMatchObject({ operStatus: 'up' });
    agent.setLinkInterface(internet.id, 'up');
    const up = healthy(await probeSnmp(target(agent, credentials), fast));
    expect(up.interfaces.find((iface) => iface.name === 'ether1')).toMatchObject({ operStatus: 'up' });
  });
});

describe('malformed replies: the probe says malformed and the collector carries on', () => {
  // garbage: net-snmp cannot parse the datagram, drops it and keeps waiting; the probe's session
  //   noted the parse error, so at the timeout it reports `malformed`, not `timeout`.
  // truncated: v1/v2c answers are cut in their varbind list: net-snmp fails on the cut-off OID (and
  //   the probe says malformed at the timeout, as for garbage) or hands over a cut-off value (and
  //   the decoder says malformed at once). v3 answers are cut in their security parameters, which
  //   net-snmp cannot parse; a cut elsewhere would fail the digest and read as a wrong key (auth).
  // No variant ends as a bare timeout: the probe's session notes every datagram it could not parse.
  // wrong-type: a well-formed answer; the decoder names the object of the wrong type.
  const versions: [string, SnmpCredentials][] = [
    ['v1', communityV1],
    ['v2c', community],
    ['v3', usm],
  ];
  const cases = malformedVariants.flatMap((variant) => versions.map(([name, credentials]) => [variant, name, credentials] as const));

  it.each(cases)('%s over %s', async (variant: MalformedVariant, _version, credentials) => {
    const { agent } = await start('mikrotik-hex', credentials);
    agent.setMalformed(variant);
    const { result, elapsed } = await timed(() => probeSnmp(target(agent, credentials), fast));
    expect(result).toMatchObject({ ok: false, reason: 'malformed' });
    if (result.ok) return;
    expect(result.message).toMatch(/^router nam-xe-r1 \(127\.0\.0\.1:\d+\): /);
    if (variant === 'wrong-type') {
      expect(result.message).toMatch(/if(HC)?InOctets\.\d+ is (OCTET STRING|Counter32), expected (Counter32 or Gauge32|Counter64)/);
      expect(elapsed).toBeLessThan(FAST_BUDGET);
    }
    expect(agent.stats().answered).toBeGreaterThan(0);
    agent.setMalformed(undefined);
    healthy(await probeSnmp(target(agent, credentials), fast));
  });

  it('a kept poller survives every variant in turn and reads the device again afterwards', async () => {
    const { agent } = await start('cisco-isr4331', usm);
    const p = poller(agent, usm);
    healthy(await p.poll());
    for (const variant of malformedVariants) {
      agent.setMalformed(variant);
      expect(await p.poll()).toMatchObject({ ok: false, reason: 'malformed' });
    }
    agent.setMalformed(undefined);
    healthy(await p.poll({}, { entities: true }));
  });
});
