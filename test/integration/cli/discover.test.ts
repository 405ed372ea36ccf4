import { execFile } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { parseConfig } from '../../../config/load.ts';
import type { Config } from '../../../config/schema.ts';
import { generateDistrict, SIM_AUTH_KEY, SIM_COMMUNITY, SIM_PRIV_KEY } from '../../../simulator/inventory.ts';
import { startSimulation, type Simulation } from '../../../simulator/simulation.ts';

// `linkwatch discover` as a technician runs it (the real bin, a child process) against a
// simulated district of two sites in network namespaces (prefix lwtdsc, /24s from offset 210:
// the district centre on 10.251.211.0/24, the commune on 10.251.212.0/24). Every packet stays in
// this test's namespaces: the root namespace routes each site's whole /24 into its namespace.

const BIN = fileURLToPath(new URL('../../../bin/linkwatch.js', import.meta.url));

interface Run {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
}

// Asynchronous, so this process's event loop keeps serving the simulated agents meanwhile.
const linkwatch = (args: string[], env: Record<string, string> = {}): Promise<Run> =>
  new Promise((resolve) => {
    const started = performance.now();
    execFile(BIN, args, { env: { ...process.env, ...env }, timeout: 40_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr, ms: performance.now() - started });
    });
  });

const district = (): Config => {
  const parsed = parseConfig(stringify(generateDistrict({ sites: 2 })));
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return parsed.config;
};

const slash24 = (address: string): string => `${address.split('.').slice(0, 3).join('.')}.0/24`;

describe('linkwatch discover against a simulated district', () => {
  let simulation: Simulation;
  const config = district();
  const commune = config.sites[1]!.id;
  const v3Flags = ['--v3-user', 'linkwatch', '--auth-protocol', 'sha256', '--priv-protocol', 'aes'];

  beforeAll(async () => {
    simulation = await startSimulation({ config, timeline: [], startMs: Date.now(), durationMs: 3_600_000, speed: 1, seed: 4, mode: 'netns', prefix: 'lwtdsc', subnetOffset: 210 });
  });
  afterAll(() => simulation?.stop());

  /** The simulated devices inside one /24, by address: what a sweep of it must find, and only that. */
  const devicesIn = (cidr: string) =>
    simulation.inventory.devices
      .filter((device) => slash24(device.address) === cidr)
      .map((device) => ({ address: device.address, sysName: device.id, credentials: device.snmp!.credentials }))
      .sort((a, b) => Number(a.address.split('.')[3]) - Number(b.address.split('.')[3]));

  it('the simulation puts each site on its own /24', () => {
    expect(simulation.mode).toBe('netns');
    const router = simulation.inventory.devices.find((device) => device.site === commune)!;
    expect(slash24(router.address)).toBe('10.251.212.0/24');
    expect(devicesIn('10.251.212.0/24').map((d) => d.credentials.version)).toEqual(['2c']);
  });

  it('sweeps the commune’s /24 with the defaults: exactly its devices, as YAML that loads', async () => {
    const cidr = '10.251.212.0/24';
    const expected = devicesIn(cidr);
    const run = await linkwatch(['discover', cidr], { LINKWATCH_SNMP_COMMUNITY: SIM_COMMUNITY });
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(new RegExp(`^linkwatch discover: swept 254 addresses of 10\\.251\\.212\\.0/24 in \\d+\\.\\d s: ${expected.length} answered, \\d+ no answer`, 'm'));
    console.log(`discover ${cidr} (concurrency 32, rate 100/s, timeout 1000 ms): ${(run.ms / 1_000).toFixed(1)} s wall, ${run.stderr.trim()}`);
    // 254 addresses at 100 a second take 2.5 s at least; 32 silent ones a second, about 8.
    expect(run.ms).toBeGreaterThan(2_500);
    expect(run.ms).toBeLessThan(20_000);
    expect(run.stdout).not.toContain(SIM_COMMUNITY);

    const { devices } = parse(run.stdout) as { devices: { id: string; name: string; address: string; site: string; role: string }[] };
    expect(devices.map((d) => ({ address: d.address, name: d.name }))).toEqual(expected.map((d) => ({ address: d.address, name: d.sysName })));
    expect(devices.every((d) => d.site === 'CHANGE-ME')).toBe(true);
    expect(devices[0]!.role).toBe('router');

    // Pasted under a config with the site filled in, it loads, and the collector would poll it
    // with the community it reads from the environment.
    const pasted = `sites: [{id: ${commune}, name: Xã, kind: commune}]\n${run.stdout.replaceAll('CHANGE-ME', commune)}`;
    const loaded = parseConfig(pasted, { env: { LINKWATCH_SNMP_COMMUNITY: SIM_COMMUNITY } });
    if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
    const credentials = loaded.config.devices[0]!.snmp!.credentials;
    expect(credentials.version !== '3' && credentials.community.reveal()).toBe(SIM_COMMUNITY);
    // The interfaces the agent listed are in the comments, for picking links.
    const wan = config.links.find((link) => link.site === commune && link.kind === 'internet')!.interface!;
    expect(run.stdout).toMatch(new RegExp(`^ {4}# {3}${wan.replace(/[/.]/g, '\\$&')} `, 'm'));
  });

  it('sweeps the district centre’s /24 with SNMPv3 keys from the environment, as JSON', async () => {
    const cidr = '10.251.211.0/24';
    const expected = devicesIn(cidr);
    expect(expected.map((d) => d.credentials.version)).toEqual(['3']);
    const run = await linkwatch(['discover', cidr, ...v3Flags, '--timeout', '500', '--concurrency', '64', '--rate', '250', '--json'], {
      LINKWATCH_SNMP_AUTH_KEY: SIM_AUTH_KEY,
      LINKWATCH_SNMP_PRIV_KEY: SIM_PRIV_KEY,
    });
    expect(run.code).toBe(0);
    const json = JSON.parse(run.stdout) as { swept: number; answered: number; devices: { address: string; role: string; system: { name: string; descr: string } }[] };
    expect(json).toMatchObject({ swept: 254, answered: expected.length });
    expect(json.devices.map((d) => ({ address: d.address, name: d.system.name }))).toEqual(expected.map((d) => ({ address: d.address, name: d.sysName })));
    expect(json.devices[0]).toMatchObject({ role: 'router', system: { descr: expect.stringContaining('Cisco IOS') } });
    for (const secret of [SIM_AUTH_KEY, SIM_PRIV_KEY]) expect(run.stdout + run.stderr).not.toContain(secret);
  });

  it('nothing answers where no agent lives, or to the wrong credentials: exit 0, an empty list', async () => {
    const fast = ['--timeout', '400', '--concurrency', '64', '--rate', '250'];
    // The commune's upper half: routed into its namespace, where nothing has an address.
    const empty = await linkwatch(['discover', '10.251.212.128/25', '--community', SIM_COMMUNITY, ...fast]);
    expect(empty.code).toBe(0);
    expect(parse(empty.stdout)).toEqual({ devices: [] });
    expect(empty.stderr).toMatch(/swept 126 addresses of 10\.251\.212\.128\/25 in \d+\.\d s: nothing answered \(126 no answer\)/);

    // The district centre's router speaks SNMPv3 only: the community gets no answer from it…
    const v2 = await linkwatch(['discover', '10.251.211.0/28', '--community', SIM_COMMUNITY, ...fast]);
    expect(v2.code).toBe(0);
    expect(parse(v2.stdout)).toEqual({ devices: [] });
    // …and a wrong v3 key is an auth failure: counted, listed with --verbose, not an error.
    const wrong = await linkwatch(['discover', '10.251.211.0/28', ...v3Flags, '--verbose', ...fast], {
      LINKWATCH_SNMP_AUTH_KEY: 'not-the-auth-key',
      LINKWATCH_SNMP_PRIV_KEY: SIM_PRIV_KEY,
    });
    expect(wrong.code).toBe(0);
    expect(parse(wrong.stdout)).toEqual({ devices: [] });
    const router = devicesIn('10.251.211.0/24')[0]!.address;
    expect(wrong.stderr).toMatch(new RegExp(`^ {2}${router.replace(/\./g, '\\.')}: auth: `, 'm'));
    expect(wrong.stderr).toMatch(/nothing answered \(.*1 auth failure.*\)/);
    expect(wrong.stderr).not.toContain('not-the-auth-key');
  });

  it('--out writes the document whole, and will not overwrite a file', async () => {
    const file = join(await mkdtemp(join(tmpdir(), 'lw-discover-')), 'found.yaml');
    const router = devicesIn('10.251.212.0/24')[0]!;
    const first = await linkwatch(['discover', `${router.address}/32`, '--community', SIM_COMMUNITY, '--profile', 'communes', '--out', file]);
    expect(first).toMatchObject({ code: 0, stdout: '' });
    expect(first.stderr).toContain(`wrote 1 device to ${file}`);
    const written = parse(await readFile(file, 'utf8')) as { devices: { name: string; snmp: unknown }[] };
    expect(written.devices).toMatchObject([{ name: router.sysName, snmp: { credentials: 'communes' } }]);
    const again = await linkwatch(['discover', `${router.address}/32`, '--community', SIM_COMMUNITY, '--out', file]);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain(`--out ${file} exists`);
  });
});
