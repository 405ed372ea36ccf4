import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { main } from '../../../cli/main.ts';
import { loadInventoryToSimulate } from '../../../cli/sim.ts';
import { captureIo } from '../../helpers/cli-io.ts';

// What `linkwatch sim` refuses before it starts anything, and how it loads an inventory whose
// secrets it replaces. Runs that start a network are in test/integration/cli/sim-scenarios.test.ts.

const scenarioFile = (name: string) => fileURLToPath(new URL(`../../../scenarios/${name}`, import.meta.url));
const temp = async (name: string, text: string) => {
  const file = join(await mkdtemp(join(tmpdir(), 'linkwatch-sim-')), name);
  await writeFile(file, text);
  return file;
};

const inventory = `
credentials:
  communes: {version: 2c, community: "\${SIM_TEST_COMMUNITY}"}
  core: {version: 3, user: lw, authProtocol: sha, authKey: "\${SIM_TEST_AUTH_KEY}", privProtocol: aes, privKey: "\${SIM_TEST_PRIV_KEY:-fallback-priv-key}"}
influx: {url: "\${SIM_TEST_INFLUX_URL:-http://127.0.0.1:8086}", database: linkwatch}
sites:
  - {id: dc, name: Trung tâm, kind: district-centre}
devices:
  - {id: gw, site: dc, role: router, address: 10.0.0.1, snmp: {credentials: communes}}
alerts:
  heartbeat: {url: "\${SIM_TEST_HEARTBEAT_URL:-https://kuma.example.org/api/push/x}"}
`;

describe('loadInventoryToSimulate', () => {
  it('gives unset variables without a fallback a stand-in and keeps every fallback', async () => {
    const file = await temp('district.yaml', inventory);
    const { result, standIns } = await loadInventoryToSimulate(file, {});
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    expect(standIns.sort()).toEqual(['SIM_TEST_AUTH_KEY', 'SIM_TEST_COMMUNITY']);
    expect(result.config.influx.url).toBe('http://127.0.0.1:8086');
    expect(result.config.alerts.heartbeat?.url).toBe('https://kuma.example.org/api/push/x');
  });

  it('uses what the environment sets, and needs no stand-in when everything is set', async () => {
    const file = await temp('district.yaml', inventory);
    const env = { SIM_TEST_COMMUNITY: 'public', SIM_TEST_AUTH_KEY: 'authpass123', SIM_TEST_HEARTBEAT_URL: 'https://watcher.example.org/push' };
    const { result, standIns } = await loadInventoryToSimulate(file, env);
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    expect(standIns).toEqual([]);
    expect(result.config.alerts.heartbeat?.url).toBe('https://watcher.example.org/push');
  });

  it('says which variables it stood in for when the inventory is still invalid', async () => {
    const file = await temp('district.yaml', inventory.replace('${SIM_TEST_HEARTBEAT_URL:-https://kuma.example.org/api/push/x}', '${SIM_TEST_HEARTBEAT_URL}'));
    const scenario = await temp('scenario.yaml', `name: t\nduration: 1h\nnetwork: {inventory: ${file}}\n`);
    const { io, stderr } = captureIo();
    expect(await main(['sim', '--scenario', scenario, '--mode', 'loopback'], io)).toBe(2);
    expect(stderr()).toContain('alerts.heartbeat.url: must be an http:// or https:// URL');
    expect(stderr()).toMatch(/stand-in "linkwatch-sim-stand-in": .*SIM_TEST_HEARTBEAT_URL/);
  });
});

describe('linkwatch sim refuses before starting', () => {
  it('--sites with a scenario for its own inventory only, naming the scenario and what to do', async () => {
    const { io, stderr } = captureIo();
    expect(await main(['sim', '--scenario', scenarioFile('storm-day.yaml'), '--sites', '22'], io)).toBe(2);
    expect(stderr()).toContain('storm-day.yaml ("Ngày giông bão (storm day)") is for its own inventory only (../config/example.yaml)');
    expect(stderr()).toContain('Run it without --sites');
    expect(stderr()).not.toContain('unknown site');
  });

  it('fault targets a generated district lacks, listing what it has', async () => {
    const { io, stderr } = captureIo();
    expect(await main(['sim', '--scenario', scenarioFile('upstream-failure.yaml'), '--sites', '1', '--mode', 'loopback'], io)).toBe(2);
    expect(stderr()).toContain('faults[1].link: unknown link "nam-xe-tslcd"');
    expect(stderr()).toContain('names ids that a generated district of 1 site does not have: its sites are dc,');
  });

  it.each([['-1'], ['1.5'], ['many']])('--subnet-offset %s', async (offset) => {
    const { io, stderr } = captureIo();
    expect(await main(['sim', '--scenario', scenarioFile('calm-day.yaml'), `--subnet-offset=${offset}`], io)).toBe(2);
    expect(stderr()).toContain(`--subnet-offset must be a whole number ≥ 0; got "${offset}"`);
  });
});
