import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { loadInventoryToSimulate, simHelp } from '../../../cli/sim.ts';
import { parseConfig } from '../../../config/load.ts';
import type { Config } from '../../../config/schema.ts';
import { generateDistrict } from '../../../simulator/inventory.ts';
import { expandTimeline, parseScenario, type Scenario } from '../../../simulator/scenario.ts';

const dir = new URL('../../../scenarios/', import.meta.url);
const files = readdirSync(dir).filter((name) => name.endsWith('.yaml'));
const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');

const scenarioOf = (file: string): Scenario => {
  const parsed = parseScenario(parse(readFileSync(new URL(file, dir), 'utf8')));
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return parsed.scenario;
};
const isOnly = (scenario: Scenario) => Boolean(scenario.network && 'inventory' in scenario.network && scenario.network.only);
const timelineOn = (scenario: Scenario, config: Config) =>
  expandTimeline(scenario, { sites: config.sites.map((s) => s.id), devices: config.devices.map((d) => d.id), links: config.links.map((l) => l.id) }, scenario.start ? Date.parse(scenario.start) : Date.UTC(2026, 11, 7, 3));
const generated = (sites: number): Config => {
  const result = parseConfig(stringify(generateDistrict({ sites })));
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.config;
};

/** `name` or `name (N ≥ k)` items of a comma-separated list, as name → smallest N. */
const listed = (text: string): Map<string, number> =>
  new Map(
    text.split(',').map((item) => {
      const match = /^\s*`?([\w-]+)`?(?:\s*\([^)]*?N ≥ (\d+)\))?/.exec(item)!;
      return [match[1]!, Number(match[2] ?? 1)];
    }),
  );
// What `linkwatch sim --help` and the README say of the shipped scenarios.
const claims = (generatedLine: RegExp, onlyLine: RegExp, text: string) => ({
  withSites: listed(generatedLine.exec(text)![1]!),
  only: [...listed(onlyLine.exec(text)![1]!).keys()],
});
const help = claims(/on the sample inventory or --sites N:\s+(.*)/, /on the sample inventory only:\s+(.*)/, simHelp);
const readmeClaims = claims(/on the sample or `--sites N`: (.*);/, /on the sample only: (.*)\./, readme);

describe('shipped scenarios', () => {
  it('include a calm day, a storm day, an upstream failure, a compressed month and the demo', () => {
    expect(files.sort()).toEqual(['calm-day.yaml', 'demo.yaml', 'month.yaml', 'storm-day.yaml', 'upstream-failure.yaml']);
  });

  it.each(files)('%s is valid against the inventory it names, loaded with no variable set', async (file) => {
    const scenario = scenarioOf(file);
    expect(scenario.network && 'inventory' in scenario.network).toBe(true);
    const { result } = await loadInventoryToSimulate(new URL((scenario.network as { inventory: string }).inventory, new URL(file, dir)).pathname, {});
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    const timeline = timelineOn(scenario, result.config);
    if (!timeline.ok) throw new Error(JSON.stringify(timeline.errors));
    if (file === 'storm-day.yaml') {
      expect(new Set(timeline.faults.map((fault) => fault.kind))).toEqual(new Set(['site-dark', 'link-down', 'packet-loss', 'reboot', 'agent-silent', 'saturation']));
    }
    if (file === 'month.yaml') expect(timeline.faults.length).toBe(61);
    // Compressed: each plays in ten minutes of real time, the month in two hours; the demo's hour
    // plays in real time, as the demo watches it.
    const realMs = { 'month.yaml': 7_200_000, 'demo.yaml': 3_600_000 }[file] ?? 600_000;
    expect(scenario.duration / scenario.speed).toBeLessThanOrEqual(realMs);
  });

  it.each(files)('%s is listed in `linkwatch sim --help` and the README as it says of itself', (file) => {
    const name = file.replace(/\.yaml$/, '');
    const only = isOnly(scenarioOf(file));
    for (const { withSites, only: onlyList } of [help, readmeClaims]) {
      expect(withSites.has(name)).toBe(!only);
      expect(onlyList.includes(name)).toBe(only);
    }
    expect(help.withSites.get(name)).toBe(readmeClaims.withSites.get(name));
  });

  it.each(files.filter((file) => !isOnly(scenarioOf(file))))('%s plays on generated districts from the size it claims', (file) => {
    const scenario = scenarioOf(file);
    const smallest = help.withSites.get(file.replace(/\.yaml$/, ''))!;
    for (const sites of [smallest, 22, 200]) {
      const timeline = timelineOn(scenario, generated(sites));
      if (!timeline.ok) throw new Error(`--sites ${sites}: ${JSON.stringify(timeline.errors)}`);
    }
    if (smallest > 1) expect(timelineOn(scenario, generated(smallest - 1)).ok).toBe(false);
  });
});
