import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { DEMO_DATABASE, DEMO_USER, demoConfigYaml, describeComing } from '../../../cli/demo-config.ts';
import { parseConfig } from '../../../config/load.ts';
import { expandTimeline, parseScenario } from '../../../simulator/scenario.ts';

const INVENTORY = `
collector: {snmp: {interval: 60s, timeout: 2s, retries: 1}, icmp: {interval: 30s, count: 5, timeout: 500ms, spacing: 200ms}}
influx: {url: "http://127.0.0.1:8086", database: linkwatch}
sites:
  - {id: nam-xe, name: Nậm Xé, kind: commune}
links:
  - {id: nam-xe-internet, site: nam-xe, kind: internet, provider: VNPT, targets: [10.251.31.1]}
`;
const HASH = 'scrypt$15$8$1$c2FsdHNhbHRzYWx0c2FsdA==$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g=';

describe('the demo config', () => {
  const yaml = demoConfigYaml({ inventoryYaml: INVENTORY, influxUrl: 'http://127.0.0.1:18086', listen: '127.0.0.1:8090', collectorListen: '127.0.0.1:19105', dataDir: '/tmp/lw-demo', passwordHash: HASH });

  it('is a valid config on its own database, with the demo user and the demo folder', () => {
    const parsed = parseConfig(yaml);
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
    expect(parsed.config.influx).toMatchObject({ url: 'http://127.0.0.1:18086', database: DEMO_DATABASE });
    expect(parsed.config.influx.database).not.toBe('linkwatch');
    expect(parsed.config.api.listen).toBe('127.0.0.1:8090');
    expect(parsed.config.api.users.map((user) => [user.name, user.role])).toEqual([[DEMO_USER, 'admin']]);
    expect(parsed.config.collector.spool.dir).toBe('/tmp/lw-demo/spool');
    expect(parsed.config.collector.http.listen).toBe('127.0.0.1:19105');
    expect(parsed.config.alerts.outbox.dir).toBe('/tmp/lw-demo/outbox');
    // The inventory's intervals survive.
    expect(parsed.config.collector.icmp.interval).toBe(30_000);
    expect(parsed.config.sites.map((site) => site.id)).toEqual(['nam-xe']);
  });

  it('sends alerts nowhere: no channels, no routes, no heartbeat, no monthly report', () => {
    const document = parse(yaml) as { alerts: Record<string, unknown>; reports?: Record<string, unknown> };
    expect(Object.keys(document.alerts).sort()).toEqual(['language', 'outbox', 'timezone']);
    expect(document.reports?.monthly).toBeUndefined();
  });
});

describe('the demo scenario', () => {
  const scenario = parseScenario(parse(readFileSync('scenarios/demo.yaml', 'utf8')));
  const sample = parseConfig(readFileSync('config/example.yaml', 'utf8'), { env: { LINKWATCH_COMMUNITY: 'x', LINKWATCH_V3_AUTH_KEY: 'xxxxxxxx', LINKWATCH_V3_PRIV_KEY: 'xxxxxxxx' } });

  it('names only ids of the sample district, and puts an outage, a flap and a saturation in the first minutes', () => {
    if (!scenario.ok) throw new Error(JSON.stringify(scenario.errors));
    if (!sample.ok) throw new Error(JSON.stringify(sample.errors));
    const startMs = Date.UTC(2026, 11, 7, 3, 0);
    const timeline = expandTimeline(scenario.scenario, { sites: sample.config.sites.map((s) => s.id), devices: sample.config.devices.map((d) => d.id), links: sample.config.links.map((l) => l.id) }, startMs);
    if (!timeline.ok) throw new Error(JSON.stringify(timeline.errors));
    const within = (minutes: number) => timeline.faults.filter((fault) => fault.startMs - startMs <= minutes * 60_000);
    expect(within(5).map((fault) => fault.kind)).toEqual(expect.arrayContaining(['link-down', 'saturation']));
    expect(new Set(within(5).filter((fault) => fault.id.includes('.')).map((fault) => fault.id.split('.')[0])).size).toBe(1);
    // Every fault is over within the hour, so the next hour replays on a calm network.
    expect(timeline.faults.every((fault) => fault.endMs !== undefined && fault.endMs <= startMs + scenario.scenario.duration)).toBe(true);
    const lines = describeComing(timeline.faults, startMs);
    expect(lines[0]).toBe('+1 min   10:01  link-down nam-xe-internet for 8 min');
    expect(lines.find((line) => line.includes('flapping'))).toBe('+2 min   10:02  flapping dan-thang-internet (5 cuts) for 18 min');
    expect(lines.find((line) => line.includes('saturation'))).toBe('+3 min   10:03  saturation khanh-yen-internet 97 % for 15 min');
    expect(lines).toHaveLength(5);
  });
});
