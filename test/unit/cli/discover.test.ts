import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  checkInventoryYaml,
  DISCOVER_DEFAULTS,
  guessRole,
  hostsOf,
  idFor,
  inventoryEntries,
  linkCandidates,
  renderInventoryYaml,
  runDiscover,
  sweep,
  uniqueIds,
  type FoundDevice,
} from '../../../cli/discover.ts';
import { main } from '../../../cli/main.ts';
import { probeFailure } from '../../../collector/probes/result.ts';
import type { SnmpInterface, SnmpProbeResult, SnmpTarget } from '../../../collector/probes/snmp/probe.ts';
import { parseConfig } from '../../../config/load.ts';
import type { SnmpCredentials } from '../../../config/schema.ts';
import { Secret } from '../../../config/secret.ts';
import { captureIo } from '../../helpers/cli-io.ts';

// The pure halves of `linkwatch discover`, and the command itself over a fake probe: no packet
// leaves the process here (the sweep of a simulated district is in test/integration/cli).

const COMMUNITY = 'c0mmunity-Zq9';
const AUTH_KEY = 'auth-key-Hx4w';
const PRIV_KEY = 'priv-key-Pm2r';
const v2c: SnmpCredentials = { version: '2c', community: new Secret(COMMUNITY) };
const v3: SnmpCredentials = {
  version: '3',
  user: 'fieldtech',
  context: '',
  level: 'authPriv',
  authProtocol: 'sha256',
  authKey: new Secret(AUTH_KEY),
  privProtocol: 'aes',
  privKey: new Secret(PRIV_KEY),
};

const iface = (index: number, name: string, operStatus: SnmpInterface['operStatus'] = 'up', extra: Partial<SnmpInterface> = {}): SnmpInterface => ({
  index,
  name,
  descr: name,
  alias: '',
  type: 6,
  typeName: 'ethernetCsmacd',
  speedBps: 1_000_000_000,
  operStatus,
  adminStatus: 'up',
  ...extra,
}) as SnmpInterface;

const device = (
  address: string,
  name: string,
  descr = 'RouterOS RB4011iGS+',
  interfaces: SnmpInterface[] = [iface(1, 'ether1'), iface(2, 'ether2', 'down')],
): FoundDevice & { interfaces: SnmpInterface[] } => ({
  address,
  port: 161,
  system: { name, descr, objectId: '1.3.6.1.4.1.14988.1', uptimeTicks: 12_345, location: 'UBND xã Nậm Xé', contact: 'IT huyện 0912 345 678' },
  interfaces,
});

describe('hostsOf', () => {
  it.each([
    ['10.1.2.3/32', ['10.1.2.3'], '10.1.2.3/32'],
    ['10.1.2.3', ['10.1.2.3'], '10.1.2.3/32'],
    // RFC 3021: both addresses of a /31 are hosts.
    ['10.1.2.4/31', ['10.1.2.4', '10.1.2.5'], '10.1.2.4/31'],
    ['10.1.2.5/31', ['10.1.2.4', '10.1.2.5'], '10.1.2.4/31'],
    ['10.1.2.4/30', ['10.1.2.5', '10.1.2.6'], '10.1.2.4/30'],
    ['192.168.1.77/29', ['192.168.1.73', '192.168.1.74', '192.168.1.75', '192.168.1.76', '192.168.1.77', '192.168.1.78'], '192.168.1.72/29'],
  ])('%s', (cidr, hosts, canonical) => {
    expect(hostsOf(cidr)).toEqual({ ok: true, cidr: canonical, hosts });
  });

  it('a /24: .1 to .254, in order', () => {
    const result = hostsOf('10.251.212.0/24');
    if (!result.ok) throw new Error(result.message);
    expect(result.hosts).toHaveLength(254);
    expect([result.hosts[0], result.hosts[253]]).toEqual(['10.251.212.1', '10.251.212.254']);
  });

  it('a /16 with --max-hosts 65536: 65,534 hosts, across the third octet', () => {
    const result = hostsOf('10.20.0.0/16', { maxHosts: 65_536 });
    if (!result.ok) throw new Error(result.message);
    expect(result.hosts).toHaveLength(65_534);
    expect(result.hosts.slice(254, 257)).toEqual(['10.20.0.255', '10.20.1.0', '10.20.1.1']);
    expect(result.hosts.at(-1)).toBe('10.20.255.254');
  });

  it.each([
    ['10.0.0.0/33', 'an IPv4 prefix is /0 to /32'],
    ['10.0.0/24', 'cannot read "10.0.0/24" as an IPv4 network'],
    ['256.1.1.1/24', 'cannot read'],
    ['010.1.1.1/24', 'cannot read'],
    ['router.local/24', 'cannot read'],
    ['', 'cannot read'],
    ['2001:db8::/64', 'IPv6: discover sweeps IPv4 networks only'],
    ['10.0.0.0/8', 'larger than a /16, the largest sweep'],
    ['10.0.0.0/15', 'larger than a /16'],
    ['10.0.0.0/16', '10.0.0.0/16 has 65534 addresses, more than --max-hosts 4096 (about 11 min at 100 hosts/s): pass --max-hosts 65534'],
  ])('refuses %j', (cidr, message) => {
    const result = hostsOf(cidr);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toContain(message);
  });

  it('--max-hosts bounds the sweep below the /16 limit too', () => {
    expect(hostsOf('10.0.0.0/24', { maxHosts: 100 })).toMatchObject({ ok: false, message: expect.stringContaining('254 addresses, more than --max-hosts 100') });
    expect(hostsOf('10.0.0.0/20').ok).toBe(true);
    expect(hostsOf('10.0.0.0/19').ok).toBe(false);
  });
});

describe('guessRole', () => {
  it.each([
    ['Cisco IOS Software, C2900 Software (C2900-UNIVERSALK9-M), Version 15.1(4)M4, RELEASE SOFTWARE (fc1)', '1.3.6.1.4.1.9.1.1045', 'router'],
    ['Cisco IOS Software [Fuji], ISR Software (X86_64_LINUX_IOSD-UNIVERSALK9-M), Version 16.9.4', '1.3.6.1.4.1.9.1.2068', 'router'],
    ['Cisco IOS Software, C2960 Software (C2960-LANBASEK9-M), Version 12.2(55)SE7', '1.3.6.1.4.1.9.1.1208', 'switch'],
    ['RouterOS RB4011iGS+', '1.3.6.1.4.1.14988.1', 'router'],
    ['RouterOS CRS326-24G-2S+', '1.3.6.1.4.1.14988.1', 'switch'],
    ['RouterOS cAP ac', '1.3.6.1.4.1.14988.1', 'access-point'],
    ['Juniper Networks, Inc. srx300 internet router, kernel JUNOS 20.4R3', '1.3.6.1.4.1.2636.1.1.1.2.133', 'router'],
    ['Juniper Networks, Inc. ex2300-24t Ethernet Switch, kernel JUNOS 18.4R2', '1.3.6.1.4.1.2636.1.1.1.2.132', 'switch'],
    ['DrayTek Corporation, Router Model: Vigor2927 Series, Version: 4.4.5.2_STD', '1.3.6.1.4.1.7367', 'router'],
    ['ER605 v2.0, Omada Gigabit VPN Router, firmware 2.2.4', '1.3.6.1.4.1.11863.5.605', 'router'],
    ['TL-SG2008 JetStream 8-Port Gigabit Smart Switch', '1.3.6.1.4.1.11863.5.1', 'switch'],
    ['FortiGate-60F v7.2.8,build1639,240228 (GA.M)', '1.3.6.1.4.1.12356.101.1.644', 'firewall'],
    ['APC Web/SNMP Management Card (MB:v4.1.0 PF:v6.4.6 PN:apc_hw05_aos_646.bin MN:SMT1500RMI2U)', '1.3.6.1.4.1.318.1.3.27', 'ups'],
    ['UAP-AC-Pro 4.3.28.11361', '1.3.6.1.4.1.41112', 'access-point'],
    ['Linux nas01 5.15.0-91-generic #101-Ubuntu SMP Tue Nov 14 13:30:08 UTC 2023 x86_64', '1.3.6.1.4.1.8072.3.2.10', 'server'],
    ['Hardware: Intel64 Family 6 Model 85 - Software: Windows Version 6.3 (Build 17763 Multiprocessor Free)', '1.3.6.1.4.1.311.1.1.3.1.2', 'server'],
    ['ZTE ZXHN F670L GPON ONT', '1.3.6.1.4.1.3902.1', 'modem'],
    // Nothing in sysDescr: the vendor's enterprise number decides, when the vendor makes one kind.
    ['', '1.3.6.1.4.1.318.1.3.27', 'ups'],
    ['', '1.3.6.1.4.1.9.1.1', 'router'],
    ['Printer', '1.3.6.1.4.1.11.2.3.9.1', 'other'],
    ['', '0.0', 'other'],
  ])('%s → %s', (descr, objectId, role) => {
    expect(guessRole(descr, objectId)).toBe(role);
  });
});

describe('ids', () => {
  it.each([
    ['nam-xe-router', '10.0.0.1', 'nam-xe-router'],
    ['Nậm Xé Router', '10.0.0.1', 'nam-xe-router'],
    ['Đồng-Văn_GW', '10.0.0.1', 'dong-van_gw'],
    ['core1.huyen.local', '10.0.0.1', 'core1-huyen-local'],
    ['', '10.0.0.7', '10-0-0-7'],
    ['---', '10.0.0.7', '10-0-0-7'],
    ['Trạm', '10.0.0.7', 'tram'],
    [`${'a'.repeat(70)}`, '10.0.0.1', 'a'.repeat(64)],
    [`${'a'.repeat(63)}-b`, '10.0.0.1', 'a'.repeat(63)],
  ])('%j at %s → %s', (name, address, id) => {
    expect(idFor(name, address)).toBe(id);
    expect(id).toMatch(/^[a-z0-9](?:[a-z0-9_-]{0,62}[a-z0-9])?$/);
  });

  it('repeats get -2, -3, …, never colliding, never over 64 characters', () => {
    expect(uniqueIds(['gw', 'gw', 'core', 'gw', 'gw-2'])).toEqual(['gw', 'gw-2', 'core', 'gw-3', 'gw-2-2']);
    const long = 'x'.repeat(64);
    const ids = uniqueIds([long, long, long]);
    expect(new Set(ids).size).toBe(3);
    expect(ids.every((id) => id.length <= 64)).toBe(true);
    expect(ids[1]).toBe(`${'x'.repeat(62)}-2`);
  });

  it('entries are sorted by address numerically and their ids are unique', () => {
    const entries = inventoryEntries([device('10.0.0.10', 'gw'), device('10.0.0.9', 'gw'), device('10.0.0.2', '')]);
    expect(entries.map((e) => [e.address, e.id])).toEqual([
      ['10.0.0.2', '10-0-0-2'],
      ['10.0.0.9', 'gw'],
      ['10.0.0.10', 'gw-2'],
    ]);
  });
});

describe('the YAML', () => {
  const found = [
    device('10.251.212.3', 'nam-xe-router', 'DrayTek Corporation, Router Model: Vigor2927 Series', [iface(1, 'LAN'), iface(2, 'WAN1'), iface(3, 'WAN2', 'down')]),
    device('10.251.212.9', 'Nậm Xé AP', 'UAP-AC-Pro 4.3.28', [iface(1, 'eth0', 'up', { alias: 'to "core"\n# not a comment' })]),
  ];
  const render = (credentials: SnmpCredentials, profile?: string) =>
    renderInventoryYaml({ entries: inventoryEntries(found), credentials, cidr: '10.251.212.0/24', swept: 254, ...(profile ? { profile } : {}) });

  it('is a devices: section the schema accepts, with the agent’s facts as comments', () => {
    const text = render(v2c);
    expect(checkInventoryYaml(text)).toEqual({ ok: true, devices: 2 });
    const { devices } = parse(text) as { devices: Record<string, unknown>[] };
    expect(devices[0]).toEqual({
      id: 'nam-xe-router',
      site: 'CHANGE-ME',
      role: 'router',
      name: 'nam-xe-router',
      address: '10.251.212.3',
      snmp: { credentials: { version: '2c', community: '${LINKWATCH_SNMP_COMMUNITY}' } },
      interfaces: 'all',
    });
    expect(devices[1]).toMatchObject({ id: 'nam-xe-ap', role: 'access-point', name: 'Nậm Xé AP' });
    expect(text).toContain('    # sysDescr:    DrayTek Corporation, Router Model: Vigor2927 Series\n');
    expect(text).toContain('    # location:    UBND xã Nậm Xé\n');
    expect(text).toMatch(/ {4}# {3}WAN1 +1 Gbit\/s +up\/up\n/);
    expect(text).toMatch(/ {4}# {3}WAN2 +1 Gbit\/s +down\/up\n/);
    // The WAN-like interfaces that are up become link hints.
    expect(text).toContain('#   - {id: CHANGE-ME, site: CHANGE-ME, kind: internet, device: nam-xe-router, interface: WAN1}\n');
    expect(text).not.toContain('interface: WAN2}');
    // Agent text in a comment stays on its comment line.
    expect(text).toContain('"to \\"core\\" # not a comment"');
    expect(text.split('\n').filter((line) => line.trimStart().startsWith('# not a comment'))).toEqual([]);
  });

  it('pastes into a config: with a site and the variables set, the loader accepts it', () => {
    const text = render(v3).replaceAll('CHANGE-ME', 'nam-xe').replace(/^# links:[\s\S]*$/m, '');
    const parsed = parseConfig(`sites: [{id: nam-xe, name: Nậm Xé, kind: commune}]\n${text}`, {
      env: { LINKWATCH_SNMP_AUTH_KEY: AUTH_KEY, LINKWATCH_SNMP_PRIV_KEY: PRIV_KEY },
    });
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
    const credentials = parsed.config.devices[0]!.snmp!.credentials;
    expect(credentials).toMatchObject({ version: '3', user: 'fieldtech', level: 'authPriv', authProtocol: 'sha256', privProtocol: 'aes' });
    if (credentials.version === '3' && credentials.level === 'authPriv') expect(credentials.privKey.reveal()).toBe(PRIV_KEY);
  });

  it.each([
    ['v2c inline', v2c, undefined],
    ['v3 inline', v3, undefined],
    ['v2c profile', v2c, 'communes'],
    ['v3 profile', v3, 'core'],
  ])('never holds a secret (%s)', (_label, credentials, profile) => {
    const text = render(credentials, profile);
    for (const secret of [COMMUNITY, AUTH_KEY, PRIV_KEY]) expect(text).not.toContain(secret);
    expect(checkInventoryYaml(text).ok).toBe(true);
  });

  it('with --profile: every entry names the profile, and the header shows its shape', () => {
    const text = render(v3, 'core');
    const { devices } = parse(text) as { devices: { snmp: unknown }[] };
    expect(devices.map((d) => d.snmp)).toEqual([{ credentials: 'core' }, { credentials: 'core' }]);
    expect(text).toContain('#   credentials: { core: { version: "3", user: fieldtech, level: authPriv, authProtocol: sha256, authKey: "${LINKWATCH_SNMP_AUTH_KEY}"');
  });

  it('nothing found: an empty devices list', () => {
    const text = renderInventoryYaml({ entries: [], credentials: v2c, cidr: '10.0.0.0/30', swept: 2 });
    expect(parse(text)).toEqual({ devices: [] });
  });

  it('a non-default port is written', () => {
    const text = renderInventoryYaml({ entries: inventoryEntries([{ ...found[0]!, port: 1161 }]), credentials: v2c, cidr: '10.0.0.3/32', swept: 1 });
    expect((parse(text) as { devices: { snmp: { port?: number } }[] }).devices[0]!.snmp.port).toBe(1161);
  });

  it('the check catches a broken entry', () => {
    expect(checkInventoryYaml('devices:\n  - {id: Bad Id, site: CHANGE-ME, role: router, address: 10.0.0.1}\n')).toMatchObject({ ok: false, problems: [expect.stringContaining('devices[0].id')] });
  });

  it('a link hint proposes tslcd where the alias names the government data network', () => {
    const router = device('10.0.0.1', 'gw', 'RouterOS RB750Gr3', [iface(1, 'ether1', 'up', { alias: 'Internet Viettel' }), iface(5, 'ether5', 'up', { alias: 'VNPT TSLCD' })]);
    const text = renderInventoryYaml({ entries: inventoryEntries([router]), credentials: v2c, cidr: '10.0.0.1/32', swept: 1 });
    expect(text).toContain('kind: internet, device: gw, interface: ether1}');
    expect(text).toContain('kind: tslcd, device: gw, interface: ether5}');
  });

  it('link hints skip loopbacks and interfaces that are down', () => {
    expect(linkCandidates([iface(1, 'lo', 'up', { type: 24 }), iface(2, 'eth0', 'down'), iface(3, 'eth1')]).map((i) => i.name)).toEqual(['eth1']);
  });
});

describe('sweep', () => {
  const answer = (address: string): SnmpProbeResult => ({ ok: true, ...device(address, `d-${address}`), durationMs: 1 });

  it('keeps at most `concurrency` probes in flight and starts at most `rate` hosts a second', async () => {
    let inFlight = 0;
    let peak = 0;
    const starts: number[] = [];
    const t0 = performance.now();
    const hosts = Array.from({ length: 40 }, (_, i) => `10.0.0.${i + 1}`);
    const outcomes = await sweep({
      hosts,
      concurrency: 4,
      ratePerSecond: 200,
      probe: async (address) => {
        starts.push(performance.now() - t0);
        peak = Math.max(peak, ++inFlight);
        await new Promise((resolve) => setTimeout(resolve, 30));
        inFlight--;
        return Number(address.split('.')[3]) % 2 ? answer(address) : probeFailure('timeout', `router ${address}:161: no answer`);
      },
    });
    expect(peak).toBe(4);
    expect(outcomes.map((o) => o.address)).toEqual(hosts);
    expect(outcomes.filter((o) => o.result.ok)).toHaveLength(20);
    // Host i starts no earlier than i / rate seconds in.
    starts.forEach((at, i) => expect(at).toBeGreaterThanOrEqual(i * 5));
  });

  it('the rate bounds a sweep whose probes are instant', async () => {
    const t0 = performance.now();
    await sweep({ hosts: Array.from({ length: 21 }, (_, i) => `10.0.1.${i + 1}`), concurrency: 64, ratePerSecond: 100, probe: async (address) => answer(address) });
    expect(performance.now() - t0).toBeGreaterThanOrEqual(200);
  });

  it('a probe that throws is that host’s failure, not the sweep’s', async () => {
    const outcomes = await sweep({
      hosts: ['10.0.0.1', '10.0.0.2'],
      concurrency: 2,
      ratePerSecond: 1_000,
      probe: async (address) => {
        if (address === '10.0.0.1') throw new Error('boom');
        return answer(address);
      },
    });
    expect(outcomes[0]!.result).toMatchObject({ ok: false, reason: 'internal', message: expect.stringContaining('boom') });
    expect(outcomes[1]!.result.ok).toBe(true);
  });
});

describe('linkwatch discover over a fake probe', () => {
  // 10.9.8.0/29: .2 a router, .3 a UPS, .4 refuses the credentials, .5 answers without the
  // system group, the rest stay silent.
  const fake = (seen: SnmpTarget[] = []) => ({
    probe: async (target: SnmpTarget): Promise<SnmpProbeResult> => {
      seen.push(target);
      const label = `router ${target.host}:${target.port}`;
      switch (target.host) {
        case '10.9.8.2':
          return { ok: true, ...device(target.host, 'gw'), durationMs: 3 };
        case '10.9.8.3':
          return { ok: true, ...device(target.host, 'ups-1', 'APC Web/SNMP Management Card (MB:v4.1.0)', []), durationMs: 3 };
        case '10.9.8.4':
          return probeFailure('auth', `${label}: wrong digest`);
        case '10.9.8.5':
          return probeFailure('missing', `${label}: the agent answered without sysName.0`);
        default:
          return probeFailure('timeout', `${label}: no answer in 1000 ms`);
      }
    },
  });
  const run = async (args: string[], env: Record<string, string> = {}, seen: SnmpTarget[] = []) => {
    const capture = captureIo(env);
    const code = await runDiscover(args, capture.io, fake(seen));
    return { code, stdout: capture.stdout(), stderr: capture.stderr() };
  };

  it('prints the devices that answered, sorted, and a summary; quiet failures are only counted', async () => {
    const seen: SnmpTarget[] = [];
    const { code, stdout, stderr } = await run(['10.9.8.0/29', '--community', COMMUNITY, '--rate', '1000'], {}, seen);
    expect(code).toBe(0);
    // Every host of the /29 but network and broadcast, each once; their start order is the timers'.
    expect(seen.map((t) => t.host).sort()).toEqual(['10.9.8.1', '10.9.8.2', '10.9.8.3', '10.9.8.4', '10.9.8.5', '10.9.8.6']);
    expect(seen[0]).toMatchObject({ port: 161, credentials: { version: '2c' } });
    const { devices } = parse(stdout) as { devices: { id: string; role: string; address: string }[] };
    expect(devices.map((d) => [d.id, d.role, d.address])).toEqual([
      ['gw', 'router', '10.9.8.2'],
      ['ups-1', 'ups', '10.9.8.3'],
    ]);
    expect(stderr).toMatch(/^ {2}10\.9\.8\.5: missing: the agent answered without sysName\.0\n/);
    expect(stderr).not.toContain('10.9.8.4');
    expect(stderr).toMatch(/linkwatch discover: swept 6 addresses of 10\.9\.8\.0\/29 in \d+\.\d s: 2 answered, 2 no answer, 1 auth failure, 1 missing\n$/);
  });

  it('--verbose lists every failure with its reason', async () => {
    const { stderr } = await run(['10.9.8.0/29', '--community', COMMUNITY, '--rate', '1000', '--verbose']);
    expect(stderr).toContain('  10.9.8.1: timeout: no answer in 1000 ms\n');
    expect(stderr).toContain('  10.9.8.4: auth: wrong digest\n');
  });

  it('nothing answering is still a sweep: exit 0, an empty list, and stderr says so', async () => {
    const { code, stdout, stderr } = await run(['10.9.8.6/32', '--community', COMMUNITY]);
    expect(code).toBe(0);
    expect(parse(stdout)).toEqual({ devices: [] });
    expect(stderr).toMatch(/swept 1 address of 10\.9\.8\.6\/32 in \d+\.\d s: nothing answered \(1 no answer\)/);
  });

  it('--json: the devices as one document, with the counts', async () => {
    const { code, stdout } = await run(['10.9.8.0/29', '--community', COMMUNITY, '--rate', '1000', '--json']);
    expect(code).toBe(0);
    const json = JSON.parse(stdout);
    expect(json).toMatchObject({ cidr: '10.9.8.0/29', swept: 6, answered: 2, failures: { timeout: 2, auth: 1, missing: 1 } });
    expect(json.devices.map((d: { id: string; address: string; system: { name: string } }) => [d.id, d.address, d.system.name])).toEqual([
      ['gw', '10.9.8.2', 'gw'],
      ['ups-1', '10.9.8.3', 'ups-1'],
    ]);
  });

  it.each([
    ['--community on the command line', ['--community', COMMUNITY], {}],
    ['the community from the environment', [], { LINKWATCH_SNMP_COMMUNITY: COMMUNITY }],
    ['v3 keys on the command line', ['--v3-user', 'fieldtech', '--auth-protocol', 'sha256', '--auth-key', AUTH_KEY, '--priv-protocol', 'aes', '--priv-key', PRIV_KEY], {}],
    ['v3 keys from the environment', ['--v3-user', 'fieldtech', '--auth-protocol', 'sha256', '--priv-protocol', 'aes'], { LINKWATCH_SNMP_AUTH_KEY: AUTH_KEY, LINKWATCH_SNMP_PRIV_KEY: PRIV_KEY }],
  ])('no secret in any output (%s)', async (_label, flags, env) => {
    for (const extra of [[], ['--json'], ['--verbose'], ['--profile', 'communes']]) {
      const seen: SnmpTarget[] = [];
      const { code, stdout, stderr } = await run(['10.9.8.0/29', '--rate', '1000', ...flags, ...extra], env, seen);
      expect(code).toBe(0);
      for (const secret of [COMMUNITY, AUTH_KEY, PRIV_KEY]) expect(stdout + stderr).not.toContain(secret);
      // …while the probe did get it.
      const credentials = seen[0]!.credentials;
      const given = credentials.version === '3' && credentials.level === 'authPriv' ? credentials.privKey : credentials.version !== '3' ? credentials.community : undefined;
      expect(given?.reveal()).toBe(credentials.version === '3' ? PRIV_KEY : COMMUNITY);
    }
  });

  it('on a terminal: a progress line at most once a second, cleared before the summary', async () => {
    const err: string[] = [];
    const io = { stdout: { write: () => true }, stderr: { isTTY: true, write: (text: string) => err.push(text) }, env: {} };
    await runDiscover(['10.9.8.2/31', '--community', COMMUNITY], io, {
      probe: async (target) => {
        await new Promise((resolve) => setTimeout(resolve, 1_300));
        return { ok: true, ...device(target.host, 'gw'), durationMs: 1_300 };
      },
    });
    expect(err.filter((text) => text.includes('swept 0/2, 0 answered'))).toHaveLength(1);
    expect(err.at(-2)).toBe('\r\x1b[K');
    expect(err.at(-1)).toMatch(/^linkwatch discover: swept 2 addresses of 10\.9\.8\.2\/31 in 1\.\d s: 2 answered\n$/);
  });

  it('--out that cannot be written: exit 1; with --json, a JSON error', async () => {
    const out = '/nonexistent-dir/found.yaml';
    const plain = await run(['10.9.8.2/32', '--community', COMMUNITY, '--out', out]);
    expect(plain.code).toBe(1);
    expect(plain.stderr).toContain(`linkwatch discover: cannot write ${out}`);
    const json = await run(['10.9.8.2/32', '--community', COMMUNITY, '--out', out, '--json']);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toEqual({ error: { reason: 'internal', message: expect.stringContaining(`cannot write ${out}`) } });
  });

  it('takes the flags: port, timeout, retries', async () => {
    const seen: SnmpTarget[] = [];
    const options: unknown[] = [];
    const capture = captureIo();
    await runDiscover(['10.9.8.2/32', '--community', COMMUNITY, '--port', '1161', '--timeout', '300', '--retries', '2'], capture.io, {
      probe: async (target, probeOptions) => {
        seen.push(target);
        options.push(probeOptions);
        return probeFailure('timeout', 'no');
      },
    });
    expect(seen[0]).toMatchObject({ host: '10.9.8.2', port: 1161 });
    expect(options[0]).toMatchObject({ timeoutMs: 300, retries: 2 });
  });

  it('defaults are the documented ones', () => {
    expect(DISCOVER_DEFAULTS).toMatchObject({ concurrency: 32, rate: 100, timeoutMs: 1_000, retries: 0 });
  });
});

describe('linkwatch discover: bad arguments exit 2 before any probe', () => {
  it.each([
    [['discover'], 'give exactly one CIDR'],
    [['discover', '10.0.0.0/8', '--community', 'x'], 'larger than a /16'],
    [['discover', '10.0.0.0/16', '--community', 'x'], 'pass --max-hosts 65534'],
    [['discover', '10.0.0.0/16', '--community', 'x', '--max-hosts', '70000'], '--max-hosts must be a whole number from 1 to 65536'],
    [['discover', 'fe80::/64', '--community', 'x'], 'IPv6'],
    [['discover', '10.0.0.0/24'], 'give the community with --community C or in LINKWATCH_SNMP_COMMUNITY'],
    [['discover', '10.0.0.0/24', '--community', 'x', '--concurrency', '0'], '--concurrency must be a whole number from 1 to 1024'],
    [['discover', '10.0.0.0/24', '--community', 'x', '--rate', 'fast'], '--rate must be a whole number'],
    [['discover', '10.0.0.0/24', '--community', 'x', '--profile', 'Core Routers'], '--profile "Core Routers" is not a valid profile name'],
    [['discover', '10.0.0.0/24', '--v3-user', 'u', '--auth-protocol', 'sha'], 'authKey: required for security level authNoPriv'],
    [['discover', '10.0.0.0/24', '--community', 'x', '--frobnicate'], "Unknown option '--frobnicate'"],
  ])('%j', async (args, message) => {
    const capture = captureIo();
    expect(await main(args, capture.io)).toBe(2);
    expect(capture.stderr()).toContain(message);
    expect(capture.stdout()).toBe('');
  });

  it('--json: the usage error as JSON', async () => {
    const capture = captureIo();
    expect(await main(['discover', '10.0.0.0/8', '--community', 'x', '--json'], capture.io)).toBe(2);
    expect(JSON.parse(capture.stdout())).toEqual({ error: { reason: 'usage', message: expect.stringContaining('larger than a /16') } });
  });

  it('is listed in the command table with its help', async () => {
    const capture = captureIo();
    await main(['--help'], capture.io);
    expect(capture.stdout()).toMatch(/ {2}discover +sweep a subnet with SNMP/);
    const help = captureIo();
    expect(await main(['discover', '--help'], help.io)).toBe(0);
    expect(help.stdout()).toContain('linkwatch discover CIDR');
  });
});
