import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock, timerTicks } from '../../../collector/clock.ts';
import { createCollector, type Collector } from '../../../collector/collector.ts';
import { silentLogger } from '../../../collector/logger.ts';
import { createCollectorMetrics } from '../../../collector/metrics.ts';
import type { Point } from '../../../store/schema.ts';
import { parseConfig } from '../../../config/load.ts';
import { readSnmprec } from '../../helpers/snmprec.ts';
import { startRecordingAgent, type RecordingAgent } from '../snmp/recording-agent.ts';

// The running collector polling a replayed Catalyst 3750 (test/fixtures/snmp/README.md) whose
// StackSub ports have no counters: they are in its facts and statuses, never in its traffic,
// and nothing it writes is NaN or a discard event.

describe('the collector on a device with counterless interfaces', () => {
  let agent: RecordingAgent;
  let collector: Collector | undefined;
  const points: Point[] = [];
  const metrics = createCollectorMetrics();

  beforeAll(async () => {
    agent = await startRecordingAgent(readSnmprec(new URL('../../fixtures/snmp/cisco-c3750-stack.snmprec', import.meta.url)), 'rec-collector');
  });
  afterAll(async () => {
    await collector?.stop(1000);
    await agent?.close();
  });

  it('records all 59 interfaces and traffic for the 57 with counters', async () => {
    const loaded = parseConfig(`
collector:
  snmp: {interval: 1s, timeout: 1s, retries: 0}
  facts: {interval: 1h}
sites: [{id: dc, name: Trung tâm, kind: district-centre}]
devices:
  - {id: core-3750, site: dc, role: switch, address: 127.0.0.1, snmp: {credentials: {version: 2c, community: ${agent.community}}, port: ${agent.port}}}
`);
    if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
    collector = createCollector({ config: loaded.config, clock: systemClock, ticks: timerTicks(100), sink: { write: (batch) => points.push(...batch) }, logger: silentLogger, metrics });
    await collector.start();
    const of = (measurement: string) => points.filter((p) => p.measurement === measurement);
    const deadline = Date.now() + 15_000;
    while (of('device_poll').length < 3 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    await collector.stop(1000);
    collector = undefined;

    const polls = of('device_poll');
    expect(polls.length).toBeGreaterThanOrEqual(3);
    for (const poll of polls) expect(poll.fields).toMatchObject({ reachable: 1, interfaces: 59 });
    const facts = of('device_facts');
    expect(facts).toHaveLength(1);
    expect(facts[0]!.fields).toMatchObject({ interface_count: 59, sys_name: 'Profiler3750' });
    const listed = JSON.parse(String((facts[0]!.fields as { interfaces?: string }).interfaces)) as { index: number; name: string }[];
    expect(listed.filter((iface) => iface.index === 5186 || iface.index === 5187).map((iface) => iface.name)).toEqual(['StackSub-St3-1', 'StackSub-St3-2']);

    const interfaceOf = (p: Point) => (p.tags as { interface?: string }).interface;
    expect(of('interface_status').filter((p) => interfaceOf(p) === 'StackSub-St3-1').length).toBe(polls.length);
    const traffic = of('interface_traffic');
    expect(traffic.length).toBe(57 * (polls.length - 1));
    expect(traffic.filter((p) => interfaceOf(p)?.startsWith('StackSub'))).toEqual([]);
    expect(of('collector_event')).toEqual([]);
    const notFinite = points.flatMap((p) => Object.entries(p.fields).filter(([, value]) => typeof value === 'number' && !Number.isFinite(value)).map(([field]) => `${p.measurement}.${field}`));
    expect(notFinite).toEqual([]);
  });
});
