import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { loadConfigFile, parseConfig } from '../../../config/load.ts';
import type { Config } from '../../../config/schema.ts';
import { durationPaths, generateDistrict, scaledInterval, simulatedInventory } from '../../../simulator/inventory.ts';

// The inventory `linkwatch sim --write-inventory` writes must parse again: the parsed config
// holds durations as milliseconds, and each must go back as a duration, an interval compressed
// by the speed like the collector's own.

const SAMPLE = fileURLToPath(new URL('../../../config/example.yaml', import.meta.url));
// The three variables the sample's header says to set.
const SAMPLE_ENV = { LINKWATCH_COMMUNITY: 'public', LINKWATCH_V3_AUTH_KEY: 'authpass123', LINKWATCH_V3_PRIV_KEY: 'privpass123' };
const network = { deviceAddress: () => ({ host: '127.0.0.1', port: 16_100 }), linkTargets: () => ['127.0.0.1'] };

const parsed = (text: string): Config => {
  const result = parseConfig(text);
  if (!result.ok) throw new Error(result.errors.map((error) => `${error.path}: ${error.message}`).join('; '));
  return result.config;
};
const sample = async (): Promise<Config> => {
  const result = await loadConfigFile(SAMPLE, { env: SAMPLE_ENV });
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.config;
};
const byId = <T extends { id: string }>(list: readonly T[], id: string): T => {
  const found = list.find((item) => item.id === id);
  if (!found) throw new Error(`no item "${id}"`);
  return found;
};

describe('durationPaths', () => {
  it('finds the durations an inventory item may carry, from the schema', () => {
    const paths = durationPaths().map((path) => path.join('.'));
    expect(paths).toEqual(expect.arrayContaining(['devices.*.snmp.interval', 'devices.*.snmp.timeout', 'links.*.icmp.interval', 'collector.snmp.interval', 'collector.icmp.timeout']));
    // Retries and echo counts are numbers in the config, not durations.
    expect(paths).not.toContain('devices.*.snmp.retries');
    expect(paths).not.toContain('links.*.icmp.count');
  });
});

describe('scaledInterval', () => {
  it.each([
    [60_000, 1, '1m'],
    [60_000, 144, '1s'],
    [300_000, 144, '2s'],
    [15_000, 144, '1s'],
    [30_000, 10, '3s'],
    [90_000, 1, '1m30s'],
    [3_600_000, 60, '1m'],
  ])('%d ms at speed %d → %s', (ms, speed, expected) => {
    expect(scaledInterval(ms, speed)).toBe(expected);
  });
});

describe('simulatedInventory', () => {
  it.each([1, 144, 360])('round-trips the sample at speed %d: every item, every override a valid duration', async (speed) => {
    const config = await sample();
    const inventory = simulatedInventory(config, network, { speed });
    const again = parsed(inventory.yaml);
    expect(again.sites.map((site) => site.id)).toEqual(config.sites.map((site) => site.id));
    expect(again.devices.map((device) => device.id)).toEqual(config.devices.map((device) => device.id));
    expect(again.links.map((link) => link.id)).toEqual(config.links.map((link) => link.id));
    expect(inventory.config.devices).toEqual(again.devices);
    // The sample's overrides: dc-core-switch every 5m, dc-ups waits 10s, dc-tslcd pinged every 15s.
    expect(byId(again.devices, 'dc-core-switch').snmp!.interval).toBe(Math.max(1_000, Math.round(300 / speed) * 1_000));
    expect(byId(again.devices, 'dc-server').snmp!.interval).toBe(again.collector.snmp.interval);
    expect(byId(again.devices, 'dc-ups').snmp!.timeout).toBe(2_000);
    expect(byId(again.links, 'dc-tslcd').icmp?.interval).toBe(Math.max(1_000, Math.round(15 / speed) * 1_000));
    expect(byId(again.links, 'nam-xe-internet').icmp).toBeUndefined();
  });

  it('round-trips a generated district', () => {
    const config = parsed(stringify(generateDistrict({ sites: 22 })));
    const again = parsed(simulatedInventory(config, network, { speed: 144 }).yaml);
    expect(again.sites).toHaveLength(22);
    expect(again.links.map((link) => link.id)).toEqual(config.links.map((link) => link.id));
    expect(again.collector.snmp.interval).toBe(1_000);
  });

  const overrides = `
collector:
  snmp: {interval: 2m, timeout: 5s, retries: 2}
  icmp: {interval: 20s, count: 4}
sites:
  - {id: dc, name: Trung tâm, kind: district-centre}
devices:
  - {id: slow, site: dc, role: switch, address: 10.0.0.2, snmp: {credentials: {version: 2c, community: c}, interval: 10m, timeout: 15s, retries: 4}}
  - {id: quick, site: dc, role: router, address: 10.0.0.1, snmp: {credentials: {version: 2c, community: c}, interval: 30s, timeout: 1s}}
  - {id: plain, site: dc, role: router, address: 10.0.0.3, snmp: {credentials: {version: 2c, community: c}, interval: 2m}}
links:
  - {id: uplink, site: dc, kind: tslcd, targets: [10.0.0.9], icmp: {interval: 5s, count: 10}}
  - {id: backup, site: dc, kind: internet, targets: [10.0.0.8], icmp: {interval: 1h30m}}
  - {id: same, site: dc, kind: internet, targets: [10.0.0.7], icmp: {interval: 20s, count: 4}}
`;

  it.each([
    // speed, then the expected intervals (ms): global snmp, slow, quick, global icmp, uplink, backup
    [1, { snmp: 120_000, slow: 600_000, quick: 30_000, icmp: 20_000, uplink: 5_000, backup: 5_400_000 }],
    [10, { snmp: 12_000, slow: 60_000, quick: 3_000, icmp: 2_000, uplink: 1_000, backup: 540_000 }],
    [144, { snmp: 1_000, slow: 4_000, quick: 1_000, icmp: 1_000, uplink: 1_000, backup: 38_000 }],
  ])('scales per-device and per-link intervals like the global ones (speed %d)', (speed, expected) => {
    const inventory = simulatedInventory(parsed(overrides), network, { speed });
    const again = parsed(inventory.yaml);
    expect(again.collector.snmp.interval).toBe(expected.snmp);
    expect(again.collector.icmp.interval).toBe(expected.icmp);
    expect(byId(again.devices, 'slow').snmp).toMatchObject({ interval: expected.slow, retries: 4 });
    expect(byId(again.devices, 'quick').snmp).toMatchObject({ interval: expected.quick, timeout: 1_000 });
    expect(byId(again.links, 'uplink').icmp).toEqual({ interval: expected.uplink, count: 10 });
    expect(byId(again.links, 'backup').icmp).toEqual({ interval: expected.backup });
  });

  it('cuts long waits to the simulator\'s own and leaves out settings equal to the collector\'s', () => {
    const inventory = simulatedInventory(parsed(overrides), network, { speed: 144 });
    const again = parsed(inventory.yaml);
    // 15 s written for a slow real switch; the simulated one answers at once.
    expect(byId(again.devices, 'slow').snmp!.timeout).toBe(again.collector.snmp.timeout);
    // Equal to the collector's (2m, and the merged timeout and retries): the simulated collector's apply.
    expect(byId(again.devices, 'plain').snmp).toMatchObject({ interval: again.collector.snmp.interval, timeout: again.collector.snmp.timeout, retries: again.collector.snmp.retries });
    const written = parse(inventory.yaml) as { devices: { id: string; snmp: Record<string, unknown> }[] };
    expect(Object.keys(byId(written.devices, 'plain').snmp)).toEqual(['credentials', 'port']);
    expect(byId(again.links, 'same').icmp).toBeUndefined();
    // Never the milliseconds the parsed config holds.
    expect(inventory.yaml).not.toMatch(/(interval|timeout|spacing): \d+\n/);
  });
});
