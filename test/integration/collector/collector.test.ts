import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { timerTicks, systemClock } from '../../../collector/clock.ts';
import { createCollector, type Collector } from '../../../collector/collector.ts';
import { silentLogger } from '../../../collector/logger.ts';
import { createCollectorMetrics } from '../../../collector/metrics.ts';
import { stableOffset } from '../../../collector/scheduler.ts';
import type { Point } from '../../../store/schema.ts';
import { parseConfig } from '../../../config/load.ts';
import type { Config } from '../../../config/schema.ts';
import { startSnmpd, type RunningSnmpd } from '../../helpers/snmpd.ts';

// The collector against real agents and real ping, on second-long intervals, writing into an
// in-memory sink (the InfluxDB side is tested with the writer).

const configFor = (agent: RunningSnmpd, extraDevice = ''): Config => {
  const result = parseConfig(`
collector:
  snmp: {interval: 1s, timeout: 1s, retries: 0}
  icmp: {interval: 1s, timeout: 500ms, count: 2, spacing: 50ms, engine: fping}
  facts: {interval: 1h}
sites:
  - {id: dc, name: Trung tâm, kind: district-centre}
  - {id: nam-xe, name: Xã Nậm Xé, kind: commune, parent: dc}
devices:
  - id: dc-router
    site: dc
    role: router
    address: ${agent.host}
    snmp: {credentials: {version: 2c, community: collector-test}, port: ${agent.port}}
${extraDevice}
links:
  - {id: dc-lo, site: dc, kind: lan, device: dc-router, interface: lo, targets: [127.0.0.1], capacity: {downMbps: 100, upMbps: 50}}
  - {id: dc-ghost, site: dc, kind: wan, device: dc-router, interface: ether99, targets: ["::1"]}
`);
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.config;
};

describe('the collector', () => {
  let agent: RunningSnmpd;
  let collector: Collector | undefined;
  const points: Point[] = [];

  beforeAll(async () => {
    agent = await startSnmpd({ communities: ['collector-test'], sysName: 'dc-router' });
  });
  afterAll(async () => {
    await collector?.stop(1000);
    await agent?.stop();
  });

  const waitFor = async (predicate: () => boolean, timeoutMs: number) => {
    const deadline = Date.now() + timeoutMs;
    while (!predicate() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    return predicate();
  };
  const of = (measurement: string, filter: (p: Point) => boolean = () => true) => points.filter((p) => p.measurement === measurement && filter(p));

  it('polls real agents and links and produces the documented series', async () => {
    const config = configFor(agent);
    collector = createCollector({
      config,
      clock: systemClock,
      ticks: timerTicks(100),
      sink: { write: (batch) => points.push(...batch) },
      logger: silentLogger,
      metrics: createCollectorMetrics(),
    });
    await collector.start();
    expect(await waitFor(() => of('interface_traffic').length > 0 && of('icmp').length >= 4, 15_000)).toBe(true);

    const poll = of('device_poll')[0]!;
    expect(poll.tags).toEqual({ site: 'dc', device: 'dc-router' });
    expect(poll.fields).toMatchObject({ reachable: 1 });

    const traffic = of('interface_traffic', (p) => (p.tags as { interface?: string }).interface === 'lo')[0]!;
    expect(traffic.tags).toMatchObject({ site: 'dc', device: 'dc-router', interface: 'lo', link: 'dc-lo' });
    expect(traffic.fields).toHaveProperty('in_bps');
    expect(traffic.fields).toHaveProperty('in_utilization_pct');

    const icmp = of('icmp', (p) => (p.tags as { target?: string }).target === '127.0.0.1')[0]!;
    expect(icmp.tags).toEqual({ site: 'dc', link: 'dc-lo', target: '127.0.0.1' });
    expect(icmp.fields).toMatchObject({ up: 1, sent: 2, received: 2, loss_pct: 0 });

    // Timestamps sit on the schedule: slot = k × interval + the job's stable offset.
    for (const p of of('device_poll')) expect((p.timeMs - stableOffset('snmp:dc-router', 1000)) % 1000).toBe(0);

    // Facts once (the facts interval is an hour), the missing interface reported once.
    expect(of('device_facts')).toHaveLength(1);
    expect(of('device_facts')[0]!.fields).toMatchObject({ sys_name: 'dc-router' });
    const missing = of('collector_event', (p) => (p.tags as { kind?: string }).kind === 'interface-missing');
    expect(missing).toHaveLength(1);
    expect(missing[0]!.fields).toMatchObject({ interface: 'ether99' });
    expect(String((missing[0]!.fields as { message?: string }).message)).toContain('configuration problem');
    expect(collector.scheduler().metrics().overruns).toBe(0);
  });

  it('starts polling a device added by a reload, and stops polling one removed', async () => {
    const extra = `  - id: town-router
    site: nam-xe
    role: router
    address: ${agent.host}
    snmp: {credentials: {version: 2c, community: collector-test}, port: ${agent.port}}`;
    collector!.reload(configFor(agent, extra));
    expect(await waitFor(() => of('device_poll', (p) => (p.tags as { device?: string }).device === 'town-router').length > 0, 10_000)).toBe(true);

    collector!.reload(configFor(agent));
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    const count = of('device_poll', (p) => (p.tags as { device?: string }).device === 'town-router').length;
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    expect(of('device_poll', (p) => (p.tags as { device?: string }).device === 'town-router').length).toBe(count);
  });

  it('records a dead agent as data and keeps polling the rest', async () => {
    const extra = `  - id: dead-router
    site: nam-xe
    role: router
    address: 127.0.0.1
    snmp: {credentials: {version: 2c, community: x}, port: 9, timeout: 500ms, retries: 0}`;
    collector!.reload(configFor(agent, extra));
    expect(await waitFor(() => of('device_poll', (p) => (p.tags as { device?: string }).device === 'dead-router').length > 0, 10_000)).toBe(true);
    const dead = of('device_poll', (p) => (p.tags as { device?: string }).device === 'dead-router')[0]!;
    expect(dead.fields).toMatchObject({ reachable: 0, reason: 'timeout' });
    const before = of('device_poll', (p) => (p.tags as { device?: string }).device === 'dc-router').length;
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    expect(of('device_poll', (p) => (p.tags as { device?: string }).device === 'dc-router').length).toBeGreaterThan(before);
  });
});
