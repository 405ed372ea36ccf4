import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { createIcmpProber } from '../../../collector/probes/icmp/probe.ts';
import { probeSnmp } from '../../../collector/probes/snmp/probe.ts';
import { parseConfig } from '../../../config/load.ts';
import type { Config } from '../../../config/schema.ts';
import { generateDistrict } from '../../../simulator/inventory.ts';
import { expandTimeline, parseScenario } from '../../../simulator/scenario.ts';
import { simDeviceSpecs, startSimulation, type Simulation } from '../../../simulator/simulation.ts';
import { readTruth } from '../../../simulator/truth.ts';

// The whole simulator in netns mode: a generated district, a scenario of faults on a
// compressed clock, observed with the collector's own probes, and the ground-truth log.

const district = (): Config => {
  const parsed = parseConfig(stringify(generateDistrict({ sites: 3 })));
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return parsed.config;
};

describe('a simulation', () => {
  let simulation: Simulation;
  let truthFile: string;
  const icmp = createIcmpProber({ engine: 'fping' });
  const startMs = Date.now();
  const config = district();
  const commune = config.sites[1]!.id;
  const communeRouter = `${commune}-router`;
  const communeInternet = `${commune}-internet`;

  beforeAll(async () => {
    truthFile = join(await mkdtemp(join(tmpdir(), 'lw-sim-')), 'truth.jsonl');
    // Speed 60: one simulated minute per real second.
    const scenario = parseScenario(
      parse(`
name: test
duration: 30m
speed: 60
faults:
  - {at: "+2m", for: 4m, kind: link-down, link: ${communeInternet}}
  - {at: "+8m", for: 4m, kind: site-dark, site: ${commune}}
  - {at: "+14m", kind: reboot, device: ${communeRouter}}
`),
    );
    if (!scenario.ok) throw new Error(JSON.stringify(scenario.errors));
    const timeline = expandTimeline(scenario.scenario, { sites: config.sites.map((s) => s.id), devices: config.devices.map((d) => d.id), links: config.links.map((l) => l.id) }, startMs);
    if (!timeline.ok) throw new Error(JSON.stringify(timeline.errors));
    simulation = await startSimulation({ config, timeline: timeline.faults, startMs, durationMs: scenario.scenario.duration, speed: 60, seed: 1, mode: 'netns', prefix: 'lwtsim', subnetOffset: 200, truthFile });
  });
  afterAll(() => simulation?.stop());

  const device = (id: string) => simulation.inventory.devices.find((d) => d.id === id)!;
  const target = (linkId: string) => simulation.inventory.links.find((l) => l.id === linkId)!.targets[0]!.address;
  const poll = (id: string) => {
    const d = device(id);
    return probeSnmp({ device: id, host: d.address, port: d.snmp!.port, credentials: d.snmp!.credentials }, { timeoutMs: 700, retries: 0, maxRepetitions: 20 });
  };
  const ping = (address: string) => icmp.probeOne(address, { count: 2, timeoutMs: 300, intervalMs: 50 });
  const waitUntilSimulated = async (offsetMs: number) => {
    const wall = simulation.clock.toWall(startMs + offsetMs);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, wall - Date.now())));
  };

  it('writes an inventory that points at the simulated network', () => {
    expect(simulation.mode).toBe('netns');
    expect(device(communeRouter).address).toMatch(/^10\.251\.\d+\.\d+$/);
    expect(simulation.inventory.collector.snmp.interval).toBe(1_000);
    expect(simulation.inventoryYaml).toContain('community: linkwatch-sim');
  });

  it('tells which specs its agents were started from, as simDeviceSpecs makes them', async () => {
    expect(simulation.deviceSpecs.map((spec) => spec.device.id)).toEqual(config.devices.filter((d) => d.snmp).map((d) => d.id));
    expect(simulation.deviceSpecs).toEqual(simDeviceSpecs({ config, inventory: simulation.inventory, seed: 1 }));
    // The agent answers with the spec's device: its sysName and the address of the inventory.
    const core = simulation.deviceSpecs.find((spec) => spec.device.id === 'dc-router')!;
    expect(core.device.address).toBe(device('dc-router').address);
    const result = await poll('dc-router');
    expect(result.ok && result.system.name).toBe(core.device.id);
  });

  it('answers SNMP (v2c and v3) and ping before any fault', async () => {
    const result = await poll(communeRouter);
    expect(result.ok).toBe(true);
    const core = await poll('dc-router');
    expect(core.ok).toBe(true);
    expect((await ping(target(communeInternet))).ok).toBe(true);
  });

  it('plays a link cut: the link’s target stops answering and its interface goes down', async () => {
    await waitUntilSimulated(2.5 * 60_000);
    expect((await ping(target(communeInternet))).ok).toBe(false);
    const result = await poll(communeRouter);
    if (!result.ok) throw new Error(result.message);
    const wan = config.links.find((l) => l.id === communeInternet)!.interface!;
    expect(result.interfaces.find((i) => i.name === wan)?.operStatus).toBe('down');
    await waitUntilSimulated(6.5 * 60_000);
    expect((await ping(target(communeInternet))).ok).toBe(true);
  });

  it('plays a power cut: the site’s router and targets all fall silent', async () => {
    await waitUntilSimulated(8.5 * 60_000);
    const [snmp, icmpResult] = await Promise.all([poll(communeRouter), ping(target(communeInternet))]);
    expect(snmp).toMatchObject({ ok: false, reason: 'timeout' });
    expect(icmpResult.ok).toBe(false);
    expect((await ping(device(communeRouter).address)).ok).toBe(false);
    // Other sites are untouched.
    expect((await poll('dc-router')).ok).toBe(true);
    await waitUntilSimulated(12.5 * 60_000);
    expect((await poll(communeRouter)).ok).toBe(true);
  });

  it('plays a reboot, and injects a fault on command', async () => {
    await waitUntilSimulated(14.5 * 60_000);
    const result = await poll(communeRouter);
    if (!result.ok) throw new Error(result.message);
    expect(result.system.uptimeTicks / 100).toBeLessThan(5 * 60);
    const record = await simulation.inject({ kind: 'agent-silent', device: 'dc-router' }, 60_000);
    expect(record).toMatchObject({ kind: 'agent-silent', device: 'dc-router', status: 'applied' });
    expect(await poll('dc-router')).toMatchObject({ ok: false, reason: 'timeout' });
  });

  it('plays an upstream failure: the uplink and every TSLCD line behind it stop answering, internet lines do not', async () => {
    const behind = simulation.inventory.links.filter((link) => link.upstream === 'dc-tslcd');
    expect(behind.length).toBeGreaterThan(0);
    const record = await simulation.inject({ kind: 'upstream-failure', link: 'dc-tslcd' }, 60_000);
    expect(record.affected?.links.sort()).toEqual(behind.map((link) => link.id).sort());
    const results = await Promise.all([target('dc-tslcd'), ...behind.map((link) => target(link.id))].map(ping));
    expect(results.every((result) => !result.ok)).toBe(true);
    expect((await ping(target('dc-internet'))).ok).toBe(true);
    await simulation.end(record.id);
    expect((await ping(target('dc-tslcd'))).ok).toBe(true);
  });

  it('keeps a ground-truth log that matches the schedule', async () => {
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    const records = readTruth(truthFile);
    const scheduled = records.filter((r) => r.id.startsWith('f'));
    expect(scheduled.map((r) => [r.id, r.kind, r.status])).toEqual([
      ['f1', 'link-down', 'applied'],
      ['f2', 'site-dark', 'applied'],
      ['f3', 'reboot', 'applied'],
    ]);
    const [cut, dark] = scheduled;
    // Wall-clock times within half a second of the schedule (2 and 6, 8 and 12 simulated minutes = seconds here).
    expect(Math.abs(cut!.startMs - simulation.clock.toWall(startMs + 2 * 60_000))).toBeLessThan(500);
    expect(Math.abs(cut!.endMs! - simulation.clock.toWall(startMs + 6 * 60_000))).toBeLessThan(500);
    expect(Math.abs(dark!.endMs! - simulation.clock.toWall(startMs + 12 * 60_000))).toBeLessThan(1_500);
    expect(dark!.affected?.devices).toEqual([communeRouter]);
    expect(records.find((r) => r.id === 'c1')).toMatchObject({ kind: 'agent-silent' });
    expect(records.find((r) => r.id === 'c2')).toMatchObject({ kind: 'upstream-failure', endMs: expect.any(Number) });
  });
});
