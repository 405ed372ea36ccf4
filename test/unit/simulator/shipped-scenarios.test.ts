import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadConfigFile } from '../../../config/load.ts';
import { expandTimeline, parseScenario } from '../../../simulator/scenario.ts';

const dir = new URL('../../../scenarios/', import.meta.url);
const files = readdirSync(dir).filter((name) => name.endsWith('.yaml'));
// Every secret set; addresses (…_URL) left to the sample's own defaults.
const env = new Proxy({} as Record<string, string | undefined>, { get: (_target, name) => (String(name).endsWith('_URL') ? undefined : 'placeholder-secret') });

describe('shipped scenarios', () => {
  it('include a calm day, a storm day, an upstream failure and a compressed month', () => {
    expect(files.sort()).toEqual(['calm-day.yaml', 'month.yaml', 'storm-day.yaml', 'upstream-failure.yaml']);
  });

  it.each(files)('%s is valid against the inventory it names', async (file) => {
    const parsed = parseScenario(parse(readFileSync(new URL(file, dir), 'utf8')));
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
    const scenario = parsed.scenario;
    expect(scenario.network && 'inventory' in scenario.network).toBe(true);
    const inventory = await loadConfigFile(new URL((scenario.network as { inventory: string }).inventory, new URL(file, dir)).pathname, { env });
    if (!inventory.ok) throw new Error(JSON.stringify(inventory.errors));
    const { config } = inventory;
    const timeline = expandTimeline(scenario, { sites: config.sites.map((s) => s.id), devices: config.devices.map((d) => d.id), links: config.links.map((l) => l.id) }, Date.parse(scenario.start!));
    if (!timeline.ok) throw new Error(JSON.stringify(timeline.errors));
    if (file === 'storm-day.yaml') {
      expect(new Set(timeline.faults.map((fault) => fault.kind))).toEqual(new Set(['site-dark', 'link-down', 'packet-loss', 'reboot', 'agent-silent', 'saturation']));
    }
    if (file === 'month.yaml') expect(timeline.faults.length).toBe(61);
    // Compressed: each plays in ten minutes of real time, the month in two hours.
    expect(scenario.duration / scenario.speed).toBeLessThanOrEqual(file === 'month.yaml' ? 7_200_000 : 600_000);
  });
});
