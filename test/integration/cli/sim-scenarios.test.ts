import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { main } from '../../../cli/main.ts';
import { loadConfigFile } from '../../../config/load.ts';
import { parseScenario } from '../../../simulator/scenario.ts';
import { canUseNamespaces } from '../../helpers/netns.ts';
import { captureIo } from '../../helpers/cli-io.ts';

// Every shipped scenario as a new user starts it: the real CLI as a child process, from the
// repository, with nothing in the environment but PATH and HOME, in the default mode (netns as
// root). Each runs a few seconds, then must stop cleanly on SIGTERM. The README's own storm-day
// command runs with the three variables the sample's header documents.

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const BIN = join(ROOT, 'bin/linkwatch.js');
const scenarios = readdirSync(join(ROOT, 'scenarios')).filter((name) => name.endsWith('.yaml')).sort();
const bareEnv = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? tmpdir() };
// Namespaces and /24s of their own (10.251.121–143 and .146–168 for the sample's 23 sites), apart
// from the other simulator tests' (200, 220, 230, 240, 241, 250).
const OWN = { prefix: 'lwtscn', subnetOffset: 120 };
const README_OWN = { prefix: 'lwtrdm', subnetOffset: 145 };
const RUN_MS = 3_000;

interface Run {
  child: ChildProcess;
  logs: () => string;
  exited: Promise<number | null>;
}

function start(args: string[], env: Record<string, string>): Run {
  const child = spawn(BIN, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let logs = '';
  child.stdout!.on('data', (chunk) => (logs += chunk));
  child.stderr!.on('data', (chunk) => (logs += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, logs: () => logs, exited };
}

/** Until the simulator says it plays the scenario; fails with its output if it exits first. */
async function started(run: Run, timeoutMs = 40_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!/\[sim\] scenario ".*": \d+ faults/.test(run.logs())) {
    if (run.child.exitCode !== null) throw new Error(`linkwatch sim exited ${run.child.exitCode} before starting:\n${run.logs()}`);
    if (Date.now() > deadline) throw new Error(`linkwatch sim did not start within ${timeoutMs} ms:\n${run.logs()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function stop(run: Run): Promise<number | null> {
  run.child.kill('SIGTERM');
  const timer = setTimeout(() => run.child.kill('SIGKILL'), 20_000);
  try {
    return await run.exited;
  } finally {
    clearTimeout(timer);
  }
}

const namespacesOf = (prefix: string): string[] =>
  canUseNamespaces()
    ? execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' })
        .split('\n')
        .map((line) => line.split(' ')[0]!)
        .filter((name) => name.startsWith(`${prefix}-`))
    : [];

/** What the written inventory must be: parsed by check-config's loader, the sample's items. */
async function expectUsableInventory(file: string, counts: { sites: number; devices: number; links: number }): Promise<void> {
  const loaded = await loadConfigFile(file);
  if (!loaded.ok) throw new Error(`${file}: ${loaded.errors.map((error) => `${error.path}: ${error.message}`).join('; ')}`);
  expect({ sites: loaded.config.sites.length, devices: loaded.config.devices.length, links: loaded.config.links.length }).toEqual(counts);
  const { io, stdout, stderr } = captureIo();
  expect(await main(['check-config', '--config', file], io), stderr()).toBe(0);
  expect(stdout()).toContain(`valid — ${counts.sites} sites, ${counts.devices} devices`);
}

const sampleCounts = (() => {
  const sample = parse(readFileSync(join(ROOT, 'config/example.yaml'), 'utf8')) as Record<'sites' | 'devices' | 'links', unknown[]>;
  return { sites: sample.sites.length, devices: sample.devices.length, links: sample.links.length };
})();

describe('shipped scenarios through the CLI, bare environment', () => {
  it.each(scenarios)('%s starts on the sample in the default mode and stops cleanly on SIGTERM', async (file) => {
    const dir = await mkdtemp(join(tmpdir(), 'lw-scn-'));
    const inventory = join(dir, 'sim.yaml');
    const truth = join(dir, 'truth.jsonl');
    const run = start(['sim', '--scenario', `scenarios/${file}`, '--write-inventory', inventory, '--truth', truth, '--prefix', OWN.prefix, '--subnet-offset', String(OWN.subnetOffset)], bareEnv);
    try {
      await started(run);
      expect(run.logs()).toContain(`simulating ${sampleCounts.sites} sites`);
      expect(run.logs()).toContain(canUseNamespaces() ? '(netns mode' : '(loopback mode');
      expect(run.logs()).toContain(`inventory written to ${inventory}`);
      await expectUsableInventory(inventory, sampleCounts);
      expect(existsSync(truth)).toBe(true);
      await new Promise((resolve) => setTimeout(resolve, RUN_MS));
      expect(run.child.exitCode, run.logs()).toBeNull();
    } finally {
      expect(await stop(run), run.logs()).toBe(0);
    }
    expect(run.logs()).toContain('[sim] stopping');
    expect(namespacesOf(OWN.prefix)).toEqual([]);
  });
});

// The scenarios that say they play with --sites: on a generated district, in loopback mode
// (what is checked is that their faults find their targets, not the namespaces again).
const withSites = scenarios.filter((file) => {
  const parsed = parseScenario(parse(readFileSync(join(ROOT, 'scenarios', file), 'utf8')));
  if (!parsed.ok) throw new Error(`${file}: ${JSON.stringify(parsed.errors)}`);
  const network = parsed.scenario.network;
  return !(network && 'inventory' in network && network.only);
});

describe('shipped scenarios that claim --sites, bare environment', () => {
  it.each(withSites)('%s starts on --sites 22', async (file) => {
    const dir = await mkdtemp(join(tmpdir(), 'lw-scn-sites-'));
    const inventory = join(dir, 'sim.yaml');
    const run = start(['sim', '--scenario', `scenarios/${file}`, '--sites', '22', '--mode', 'loopback', '--subnet-offset', String(OWN.subnetOffset), '--write-inventory', inventory], bareEnv);
    try {
      await started(run);
      expect(run.logs()).toContain('simulating 22 sites');
      await expectUsableInventory(inventory, { sites: 22, devices: 22, links: 37 });
    } finally {
      expect(await stop(run), run.logs()).toBe(0);
    }
  });
});

describe("the README's `linkwatch sim` example", () => {
  it('runs as written, with the variables the sample header documents', async () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('### `linkwatch sim`'));
    const command = /^npx linkwatch (sim --scenario scenarios\/storm-day\.yaml .*)$/m.exec(section)?.[1];
    expect(command, 'the README shows `npx linkwatch sim --scenario scenarios/storm-day.yaml …`').toBeDefined();
    const header = readFileSync(join(ROOT, 'config/example.yaml'), 'utf8').split('\n').filter((line) => line.startsWith('#')).join('\n');
    const variables = Object.fromEntries([...header.matchAll(/\b(LINKWATCH_[A-Z0-9_]+)=(\S+)/g)].map((match) => [match[1]!, match[2]!]));
    expect(Object.keys(variables).sort()).toEqual(['LINKWATCH_COMMUNITY', 'LINKWATCH_V3_AUTH_KEY', 'LINKWATCH_V3_PRIV_KEY']);

    // The README's files under /tmp become this test's own, and the network gets its own names
    // and subnets; every other word is the README's.
    const dir = await mkdtemp(join(tmpdir(), 'lw-readme-'));
    const args = command!.split(/\s+/).map((word) => (word.startsWith('/tmp/') ? join(dir, basename(word)) : word));
    const run = start([...args, '--prefix', README_OWN.prefix, '--subnet-offset', String(README_OWN.subnetOffset)], { ...bareEnv, ...variables });
    try {
      await started(run);
      expect(run.logs()).toContain('[sim] scenario "Ngày giông bão (storm day)"');
      await expectUsableInventory(join(dir, 'sim.yaml'), sampleCounts);
      expect(existsSync(join(dir, 'truth.jsonl'))).toBe(true);
    } finally {
      expect(await stop(run), run.logs()).toBe(0);
    }
    expect(namespacesOf(README_OWN.prefix)).toEqual([]);
  });
});
