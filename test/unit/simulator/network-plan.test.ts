import { describe, expect, it } from 'vitest';
import {
  chaosRuleset,
  hostVethName,
  MAX_INTERFACE_NAME,
  NETNS_MAX_SITES,
  ownHostVethPattern,
  ownNamespacePattern,
  planNetwork,
  type LinkChaos,
  type NetnsPlan,
  type NetworkPlan,
  type PlanInput,
} from '../../../simulator/network-plan.ts';
import { linksBehind, sitesBehind } from '../../../config/dependencies.ts';

// A district: the centre, two communes behind it, one commune behind the first commune.
const sites = [{ id: 'van-ban' }, { id: 'nam-xe', parent: 'van-ban' }, { id: 'chieng-ken', parent: 'van-ban' }, { id: 'dan-thang', parent: 'nam-xe' }];
const devices = [
  { id: 'vb-core', site: 'van-ban' },
  { id: 'vb-fw', site: 'van-ban' },
  { id: 'nx-gw', site: 'nam-xe' },
  { id: 'ck-gw', site: 'chieng-ken' },
  { id: 'dt-gw', site: 'dan-thang' },
];
const target = (address: string) => ({ address, role: 'other' as const, name: undefined });
const links = [
  { id: 'vb-tslcd', site: 'van-ban', device: 'vb-core', targets: [target('1.1.1.1'), target('1.1.1.2')] },
  { id: 'vb-inet', site: 'van-ban', device: 'vb-fw', targets: [target('8.8.8.8')] },
  { id: 'nx-tslcd', site: 'nam-xe', device: 'nx-gw', targets: [target('2.2.2.2')], upstream: 'vb-tslcd' },
  { id: 'ck-tslcd', site: 'chieng-ken', device: 'ck-gw', targets: [target('3.3.3.3')], upstream: 'vb-tslcd' },
  { id: 'dt-tslcd', site: 'dan-thang', device: 'dt-gw', targets: [], upstream: 'nx-tslcd' },
  { id: 'dt-4g', site: 'dan-thang', targets: [target('4.4.4.4')] },
];
const input = (over: Partial<PlanInput> = {}): PlanInput => ({ mode: 'netns', prefix: 'lwsim', subnetOffset: 0, snmpPort: 161, sites, devices, links, ...over });

function planOf(over: Partial<PlanInput> = {}): NetworkPlan {
  const result = planNetwork(input(over));
  if (!result.ok) throw new Error(result.problems.join('; '));
  return result.plan;
}

function netnsPlanOf(over: Partial<PlanInput> = {}): NetnsPlan {
  const plan = planOf({ ...over, mode: 'netns' });
  if (plan.mode !== 'netns') throw new Error('expected a netns plan');
  return plan;
}

function allAddresses(plan: NetworkPlan): string[] {
  return [...plan.sites.values()].flatMap((site) => site.addresses);
}

describe('planNetwork, netns mode', () => {
  const plan = netnsPlanOf();

  it('gives each site a /24 of 10.251/16, a namespace and a veth, in inventory order', () => {
    expect([...plan.sites.values()].map((site) => ({ ...site }))).toEqual([
      { siteId: 'van-ban', slot: 1, subnet: '10.251.1.0/24', namespace: 'lwsim-1-van-ban', hostVeth: 'lwsimv1', hostAddress: '10.251.1.1', nsVeth: 'uplink', nsAddress: '10.251.1.2', addresses: ['10.251.1.3', '10.251.1.4', '10.251.1.5', '10.251.1.6', '10.251.1.7'] },
      { siteId: 'nam-xe', slot: 2, subnet: '10.251.2.0/24', namespace: 'lwsim-2-nam-xe', hostVeth: 'lwsimv2', hostAddress: '10.251.2.1', nsVeth: 'uplink', nsAddress: '10.251.2.2', addresses: ['10.251.2.3', '10.251.2.4'] },
      { siteId: 'chieng-ken', slot: 3, subnet: '10.251.3.0/24', namespace: 'lwsim-3-chieng-ken', hostVeth: 'lwsimv3', hostAddress: '10.251.3.1', nsVeth: 'uplink', nsAddress: '10.251.3.2', addresses: ['10.251.3.3', '10.251.3.4'] },
      { siteId: 'dan-thang', slot: 4, subnet: '10.251.4.0/24', namespace: 'lwsim-4-dan-thang', hostVeth: 'lwsimv4', hostAddress: '10.251.4.1', nsVeth: 'uplink', nsAddress: '10.251.4.2', addresses: ['10.251.4.3', '10.251.4.4', '10.251.4.5'] },
    ]);
  });

  it.each([
    ['vb-core', '10.251.1.3'],
    ['vb-fw', '10.251.1.4'],
    ['nx-gw', '10.251.2.3'],
    ['dt-gw', '10.251.4.3'],
  ])('device %s is at %s (devices come before link targets)', (deviceId, address) => {
    expect(plan.devices.get(deviceId)?.address).toBe(address);
  });

  it.each([
    ['vb-tslcd', ['10.251.1.5', '10.251.1.6'], 'vb-core'],
    ['vb-inet', ['10.251.1.7'], 'vb-fw'],
    ['nx-tslcd', ['10.251.2.4'], 'nx-gw'],
    // No configured targets: still one, so the link can be pinged.
    ['dt-tslcd', ['10.251.4.4'], 'dt-gw'],
    ['dt-4g', ['10.251.4.5'], undefined],
  ])('link %s has targets %j, carried by %s', (linkId, targets, device) => {
    const link = plan.links.get(linkId);
    expect(link?.targets).toEqual(targets);
    expect(link?.device?.deviceId).toBe(device);
  });

  it('is deterministic and collision-free', () => {
    expect(planOf()).toEqual(plan);
    const addresses = allAddresses(plan);
    expect(new Set(addresses).size).toBe(addresses.length);
    for (const address of addresses) expect(address).toMatch(/^10\.251\.(\d{1,3})\.(\d{1,3})$/);
  });

  it('shifts the /24s with subnetOffset', () => {
    const shifted = planOf({ subnetOffset: 240 });
    expect([...shifted.sites.values()].map((site) => site.subnet)).toEqual(['10.251.241.0/24', '10.251.242.0/24', '10.251.243.0/24', '10.251.244.0/24']);
    expect(shifted.devices.get('vb-core')?.address).toBe('10.251.241.3');
  });

  it('keeps veth names within 15 characters even at the longest prefix and the last slot', () => {
    const many = Array.from({ length: NETNS_MAX_SITES }, (_, i) => ({ id: `commune-${i}-with-a-rather-long-identifier-for-a-site` }));
    const big = netnsPlanOf({ prefix: 'abcdefgh', sites: many, devices: [], links: [] });
    const names = [...big.sites.values()].map((site) => site.hostVeth);
    expect(Math.max(...names.map((name) => name.length))).toBeLessThanOrEqual(MAX_INTERFACE_NAME);
    expect(names.at(-1)).toBe('abcdefghv254');
    expect(new Set(names).size).toBe(NETNS_MAX_SITES);
    expect(new Set([...big.sites.values()].map((site) => site.namespace)).size).toBe(NETNS_MAX_SITES);
  });
});

describe('planNetwork, loopback mode', () => {
  const plan = planOf({ mode: 'loopback', snmpPort: 16161 });

  it('gives each device and link target its own 127.77.x.y', () => {
    expect(plan.mode).toBe('loopback');
    expect(plan.devices.get('vb-core')?.address).toBe('127.77.1.1');
    expect(plan.links.get('vb-tslcd')?.targets).toEqual(['127.77.1.3', '127.77.1.4']);
    expect(plan.devices.get('dt-gw')?.address).toBe('127.77.4.1');
    const addresses = allAddresses(plan);
    expect(new Set(addresses).size).toBe(addresses.length);
    expect('namespace' in plan.sites.get('van-ban')!).toBe(false);
  });

  it('goes past 254 sites by moving to the next second octet', () => {
    const many = Array.from({ length: 600 }, (_, i) => ({ id: `s${i}` }));
    const manyDevices = many.map((site) => ({ id: `${site.id}-gw`, site: site.id }));
    const big = planOf({ mode: 'loopback', sites: many, devices: manyDevices, links: [] });
    expect(big.devices.get('s0-gw')?.address).toBe('127.77.1.1');
    expect(big.devices.get('s253-gw')?.address).toBe('127.77.254.1');
    expect(big.devices.get('s254-gw')?.address).toBe('127.78.1.1');
    expect(big.devices.get('s599-gw')?.address).toBe('127.79.92.1');
    const addresses = allAddresses(big);
    expect(new Set(addresses).size).toBe(600);
  });
});

describe('planNetwork problems', () => {
  const problems = (over: Partial<PlanInput>) => {
    const result = planNetwork(input(over));
    return result.ok ? [] : result.problems;
  };

  it.each<[string, Partial<PlanInput>, RegExp]>([
    ['a prefix too long for a veth name', { prefix: 'abcdefghi' }, /prefix "abcdefghi" must be 1–8 characters/],
    ['a prefix with a hyphen', { prefix: 'lw-sim' }, /prefix "lw-sim"/],
    ['a prefix starting with a digit', { prefix: '1sim' }, /prefix "1sim"/],
    ['a negative subnet offset', { subnetOffset: -1 }, /subnetOffset must be a whole number ≥ 0; got -1/],
    ['port 0', { snmpPort: 0 }, /snmpPort must be 1–65535; got 0/],
    ['255 sites in netns mode', { sites: Array.from({ length: 255 }, (_, i) => ({ id: `s${i}` })), devices: [], links: [] }, /netns mode supports at most 254 sites .* got 255 sites/],
    ['251 sites after offset 4', { subnetOffset: 4, sites: Array.from({ length: 251 }, (_, i) => ({ id: `s${i}` })), devices: [], links: [] }, /got 251 sites from subnetOffset 4/],
    ['a device at an unknown site', { devices: [{ id: 'x', site: 'nowhere' }], links: [] }, /devices\[0\] \("x"\): site "nowhere" is not among the sites/],
    ['a link at an unknown site', { links: [{ id: 'l', site: 'nowhere', targets: [] }] }, /links\[0\] \("l"\): site "nowhere"/],
    ['a link on an unknown device', { links: [{ id: 'l', site: 'van-ban', device: 'ghost', targets: [] }] }, /device "ghost" is not among the devices/],
    ['a site id used twice', { sites: [{ id: 'a' }, { id: 'a' }], devices: [], links: [] }, /sites\[1\]\.id "a" is used twice/],
    ['a device id used twice', { devices: [devices[0]!, devices[0]!], links: [] }, /devices\[1\]\.id "vb-core" is used twice/],
    ['a site id that is not an id', { sites: [{ id: '../etc' }], devices: [], links: [] }, /sites\[0\]\.id "\.\.\/etc" is not a valid id/],
    [
      'more addresses than a /24 holds',
      { devices: Array.from({ length: 253 }, (_, i) => ({ id: `d${i}`, site: 'van-ban' })), links: [] },
      /site "van-ban" needs 253 addresses .* at most 252/,
    ],
  ])('%s', (_name, over, message) => {
    expect(problems(over).join('\n')).toMatch(message);
  });

  it('allows exactly 254 sites and 252 addresses a site in netns mode', () => {
    expect(problems({ sites: Array.from({ length: 254 }, (_, i) => ({ id: `s${i}` })), devices: [], links: [] })).toEqual([]);
    expect(problems({ devices: Array.from({ length: 252 }, (_, i) => ({ id: `d${i}`, site: 'van-ban' })), links: [] })).toEqual([]);
  });

  it('allows 254 addresses a site in loopback mode', () => {
    expect(problems({ mode: 'loopback', devices: Array.from({ length: 254 }, (_, i) => ({ id: `d${i}`, site: 'van-ban' })), links: [] })).toEqual([]);
  });

  it('reports every problem at once', () => {
    expect(problems({ prefix: 'BAD', snmpPort: 70000 })).toHaveLength(2);
  });
});

describe('leftover patterns', () => {
  it.each([
    ['lwsim', 'lwsim-3-nam-xe', true],
    ['lwsim', 'lwsim-254-a', true],
    ['lwsim', 'lwsim2-3-nam-xe', false],
    ['lw', 'lw-exp-41', false], // the test helpers' namespaces
    ['lw', 'lw-icmp-link-20', false],
    ['lw', 'lw-3-nam-xe', true],
  ])('prefix %s, namespace %s: ours %s', (prefix, name, ours) => {
    expect(ownNamespacePattern(prefix).test(name)).toBe(ours);
  });

  it.each([
    ['lwsim', 'lwsimv3', true],
    ['lwsim', 'lwsimv254', true],
    ['lwsim', 'lwsimv3x', false],
    ['lws', 'lwsimv3', false],
    ['lw', 'lwh41', false], // the test helpers' root-side veths
    ['lw', 'lwn41', false],
    ['lw', hostVethName('lw', 41), true],
  ])('prefix %s, veth %s: ours %s', (prefix, name, ours) => {
    expect(ownHostVethPattern(prefix).test(name)).toBe(ours);
  });
});

describe('linksBehind', () => {
  it.each([
    ['vb-tslcd', ['nx-tslcd', 'ck-tslcd', 'dt-tslcd']],
    ['nx-tslcd', ['dt-tslcd']],
    ['ck-tslcd', []],
    ['vb-inet', []],
    ['unknown', []],
  ])('behind %s: %j', (linkId, expected) => {
    expect(linksBehind(linkId, links)).toEqual(expected);
  });

  it('stops at a cycle instead of looping', () => {
    const cyclic = [
      { id: 'a', upstream: 'c' },
      { id: 'b', upstream: 'a' },
      { id: 'c', upstream: 'b' },
      { id: 'd', upstream: 'b' },
    ];
    expect(linksBehind('a', cyclic)).toEqual(['b', 'c', 'd']);
  });
});

describe('sitesBehind', () => {
  it.each([
    ['van-ban', ['nam-xe', 'chieng-ken', 'dan-thang']],
    ['nam-xe', ['dan-thang']],
    ['dan-thang', []],
    ['unknown', []],
  ])('behind %s: %j', (siteId, expected) => {
    expect(sitesBehind(siteId, sites)).toEqual(expected);
  });

  it('stops at a site that is its own parent', () => {
    expect(sitesBehind('a', [{ id: 'a', parent: 'a' }, { id: 'b', parent: 'a' }])).toEqual(['b']);
  });
});

describe('chaosRuleset', () => {
  const reset = 'table inet chaos\ndelete table inet chaos\n';
  const link = (over: Partial<LinkChaos>): LinkChaos => ({ targets: ['10.251.1.4'], down: false, lossPercent: 0, ...over });
  const rules = (text: string) => text.slice(reset.length).split('\n').filter((line) => /^\s+ip /.test(line)).map((line) => line.trim());

  it('removes the table when nothing is wrong', () => {
    expect(chaosRuleset([])).toBe(reset);
    expect(chaosRuleset([link({}), link({ lossPercent: 0.001 })])).toBe(reset);
  });

  it('writes one transaction that replaces the whole table', () => {
    expect(chaosRuleset([link({ down: true })])).toBe(
      `${reset}table inet chaos {\n  chain input {\n    type filter hook input priority 0; policy accept;\n    ip daddr 10.251.1.4 drop\n  }\n}\n`,
    );
  });

  it.each<[string, LinkChaos[], string[]]>([
    ['a downed link drops everything to its targets', [link({ targets: ['10.251.1.4', '10.251.1.5'], down: true })], ['ip daddr { 10.251.1.4, 10.251.1.5 } drop']],
    ['down wins over loss', [link({ down: true, lossPercent: 30, snmp: { address: '10.251.1.2', port: 161 } })], ['ip daddr 10.251.1.4 drop']],
    [
      'loss hits echoes to the targets and SNMP to the carrying device',
      [link({ lossPercent: 50, snmp: { address: '10.251.1.2', port: 161 } })],
      ['ip daddr 10.251.1.4 meta l4proto icmp numgen random mod 10000 lt 5000 drop', 'ip daddr 10.251.1.2 udp dport 161 numgen random mod 10000 lt 5000 drop'],
    ],
    ['fractional loss in 0.01 % steps', [link({ lossPercent: 2.5 })], ['ip daddr 10.251.1.4 meta l4proto icmp numgen random mod 10000 lt 250 drop']],
    // nft refuses `lt 10000` (the draw is 0–9999).
    ['100 % loss is a plain drop', [link({ lossPercent: 100 })], ['ip daddr 10.251.1.4 meta l4proto icmp drop']],
    ['a link without targets adds nothing', [link({ targets: [], down: true }), link({ targets: ['10.251.1.9'], down: true })], ['ip daddr 10.251.1.9 drop']],
  ])('%s', (_name, chaos, expected) => {
    expect(rules(chaosRuleset(chaos))).toEqual(expected);
  });
});
