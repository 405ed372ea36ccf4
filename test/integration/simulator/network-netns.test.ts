import { execFile } from 'node:child_process';
import dgram from 'node:dgram';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIcmpProber, type IcmpResult } from '../../../collector/probes/icmp/probe.ts';
import { createSimNetwork, type ManagedSimNetwork, type SimNetworkOptions } from '../../../simulator/network.ts';
import { linksBehind } from '../../../config/dependencies.ts';
import type { NetnsSitePlan } from '../../../simulator/network-plan.ts';

// The network side in netns mode, observed the way linkwatch observes it: the project's ICMP
// prober (fping) and UDP datagrams from the root namespace. Own prefix and /24s (10.251.241–243)
// so this file never meets another simulation or test.

const run = promisify(execFile);
const PREFIX = 'lwtnet';
const OFFSET = 240;
const target = (address: string, role: 'gateway' | 'far-end' = 'gateway') => ({ address, role, name: undefined });

// The district centre and two communes behind its TSLCD line.
const inventory = {
  sites: [{ id: 'van-ban' }, { id: 'nam-xe' }, { id: 'chieng-ken' }],
  devices: [
    { id: 'vb-core', site: 'van-ban' },
    { id: 'nx-gw', site: 'nam-xe' },
    { id: 'nx-sw', site: 'nam-xe' },
    { id: 'ck-gw', site: 'chieng-ken' },
  ],
  links: [
    { id: 'vb-tslcd', site: 'van-ban', device: 'vb-core', targets: [target('192.0.2.1'), target('192.0.2.2', 'far-end')] },
    { id: 'nx-tslcd', site: 'nam-xe', device: 'nx-gw', targets: [target('192.0.2.3')], upstream: 'vb-tslcd' },
    { id: 'nx-4g', site: 'nam-xe', targets: [target('192.0.2.4')] },
    { id: 'ck-tslcd', site: 'chieng-ken', device: 'ck-gw', targets: [target('192.0.2.5')], upstream: 'vb-tslcd' },
  ],
};
const options: SimNetworkOptions = { ...inventory, mode: 'netns', prefix: PREFIX, subnetOffset: OFFSET, snmpPort: 161 };

const prober = createIcmpProber({ engine: 'fping' });
const quick = { count: 2, timeoutMs: 400, intervalMs: 50 };

let network: ManagedSimNetwork;
const sitePlans = (): NetnsSitePlan[] => (network.plan.mode === 'netns' ? [...network.plan.sites.values()] : []);
const sockets = new Map<string, dgram.Socket>();

async function ping(addresses: string[], probeOptions = quick): Promise<Map<string, IcmpResult>> {
  return prober.probe(addresses, probeOptions);
}
const ok = (results: Map<string, IcmpResult>) => [...results].filter(([, result]) => result.ok).map(([address]) => address);
const failed = (results: Map<string, IcmpResult>) => [...results].filter(([, result]) => !result.ok).map(([address]) => address);

/** Sends one datagram from the root namespace; the device's socket echoes it. */
async function exchange(deviceId: string, payload: string, waitMs = 400): Promise<string | undefined> {
  const { host, port } = network.deviceAddress(deviceId);
  const client = dgram.createSocket('udp4');
  try {
    return await new Promise<string | undefined>((resolve) => {
      const timer = setTimeout(() => resolve(undefined), waitMs);
      client.once('message', (message) => {
        clearTimeout(timer);
        resolve(message.toString());
      });
      client.send(payload, port, host);
    });
  } finally {
    client.close();
  }
}

/** One datagram to a socket we hold, which answers `pong`. */
async function exchange2(socket: dgram.Socket, to: { host: string; port: number }): Promise<string | undefined> {
  socket.once('message', (_message, from) => socket.send('pong', from.port, from.address));
  const client = dgram.createSocket('udp4');
  try {
    return await new Promise<string | undefined>((resolve) => {
      const timer = setTimeout(() => resolve(undefined), 400);
      client.once('message', (message) => {
        clearTimeout(timer);
        resolve(message.toString());
      });
      client.send('ping', to.port, to.host);
    });
  } finally {
    client.close();
  }
}

const devicesOf = (siteId: string) => inventory.devices.filter((d) => d.site === siteId).map((d) => network.deviceAddress(d.id).host);
const targetsOf = (...linkIds: string[]) => linkIds.flatMap((id) => network.linkTargets(id));
const everyAddress = () => [...network.plan.sites.values()].flatMap((site) => site.addresses);

async function ours(): Promise<{ namespaces: string[]; links: string[] }> {
  const namespaces = (await run('ip', ['netns', 'list'])).stdout.split('\n').filter((line) => line.startsWith(`${PREFIX}-`));
  const links = (await run('ip', ['-br', 'link'])).stdout.split('\n').filter((line) => line.startsWith(`${PREFIX}v`));
  return { namespaces, links };
}

beforeAll(async () => {
  const started = performance.now();
  network = await createSimNetwork(options);
  console.log(`netns network of 3 sites up in ${Math.round(performance.now() - started)} ms`);
  // Started together, as the SNMP side starts its agents: one helper per site binds them.
  const bindStarted = performance.now();
  const bound = await Promise.all(inventory.devices.map(async (device) => [device.id, await network.bindSnmpSocket(device.id)] as const));
  console.log(`${bound.length} SNMP sockets bound in their namespaces in ${Math.round(performance.now() - bindStarted)} ms`);
  for (const [deviceId, socket] of bound) {
    socket.on('message', (message, from) => socket.send(`${deviceId}:${message.toString()}`, from.port, from.address));
    sockets.set(deviceId, socket);
  }
});

afterAll(async () => {
  for (const socket of sockets.values()) socket.close();
  await network?.destroy();
});

describe('netns network', () => {
  it('plans 10.251.241–243, one namespace per site, targets and devices apart', () => {
    expect(network.mode).toBe('netns');
    expect(network.deviceAddress('vb-core')).toEqual({ host: '10.251.241.3', port: 161 });
    expect(network.linkTargets('vb-tslcd')).toEqual(['10.251.241.4', '10.251.241.5']);
    expect(network.deviceAddress('nx-sw')).toEqual({ host: '10.251.242.4', port: 161 });
    expect(sitePlans().map((site) => site.namespace)).toEqual([`${PREFIX}-241-van-ban`, `${PREFIX}-242-nam-xe`, `${PREFIX}-243-chieng-ken`]);
  });

  it('guards 10.251.0.0/16 with an unreachable route, and routes each /24 through its veth', async () => {
    const { stdout } = await run('ip', ['route', 'show', 'type', 'unreachable']);
    expect(stdout).toMatch(/unreachable 10\.251\.0\.0\/16 .*metric 4000/);
    const routes = (await run('ip', ['route', 'show', '10.251.242.0/24'])).stdout;
    expect(routes).toContain('10.251.242.0/24 via 10.251.242.2 dev lwtnetv242');
  });

  it('every device address and link target answers ping from the root namespace', async () => {
    const results = await ping(everyAddress());
    expect(failed(results)).toEqual([]);
    expect(results.size).toBe(9);
  });

  it('gives sockets bound inside the namespace that receive from the root namespace and reply', async () => {
    for (const device of inventory.devices) {
      expect(sockets.get(device.id)?.address()).toEqual({ address: network.deviceAddress(device.id).host, family: 'IPv4', port: 161 });
      expect(await exchange(device.id, 'hello')).toBe(`${device.id}:hello`);
    }
  });

  it('refuses a second socket for the same device, naming the device and the namespace', async () => {
    await expect(network.bindSnmpSocket('nx-gw')).rejects.toThrow(/device "nx-gw" at 10\.251\.242\.3:161 in namespace lwtnet-242-nam-xe: .*EADDRINUSE/);
  });

  it('rejects unknown names', async () => {
    expect(() => network.deviceAddress('ghost')).toThrow('unknown device "ghost"');
    await expect(network.setLinkTargets('ghost', 'down')).rejects.toThrow('unknown link "ghost"');
    await expect(network.setSiteDark('ghost', true)).rejects.toThrow('unknown site "ghost"');
    await expect(network.setLinkLoss('nx-4g', 101)).rejects.toThrow(/must be 0–100 %; got 101/);
  });

  it('refuses /24s another simulation already uses, naming them, before touching anything', async () => {
    await expect(createSimNetwork({ ...options, prefix: 'lwtclash' })).rejects.toThrow(/10\.251\.241\.0\/24 \(site "van-ban"\) is already routed via lwtnetv241/);
    expect((await run('ip', ['netns', 'list'])).stdout).not.toContain('lwtclash');
  });

  it('link down: its targets time out while the site and its other link still answer; up restores them', async () => {
    expect(await network.setLinkTargets('nx-tslcd', 'down')).toEqual({ status: 'applied' });
    const during = await ping([...targetsOf('nx-tslcd', 'nx-4g'), ...devicesOf('nam-xe')]);
    expect(failed(during)).toEqual(targetsOf('nx-tslcd'));
    expect(during.get(targetsOf('nx-tslcd')[0]!)).toMatchObject({ ok: false, reason: 'timeout' });
    // SNMP to the carrying device is untouched: the agent side plays the interface going down.
    expect(await exchange('nx-gw', 'during')).toBe('nx-gw:during');

    expect(await network.setLinkTargets('nx-tslcd', 'up')).toEqual({ status: 'applied' });
    expect(failed(await ping(targetsOf('nx-tslcd', 'nx-4g')))).toEqual([]);
  });

  it('upstream failure, composed from link-downs of the link and every link behind it', async () => {
    const affected = ['vb-tslcd', ...linksBehind('vb-tslcd', inventory.links)];
    expect(affected).toEqual(['vb-tslcd', 'nx-tslcd', 'ck-tslcd']);
    await Promise.all(affected.map((id) => network.setLinkTargets(id, 'down')));
    const during = await ping(targetsOf('vb-tslcd', 'nx-tslcd', 'nx-4g', 'ck-tslcd'));
    expect(failed(during)).toEqual(targetsOf(...affected));
    expect(ok(during)).toEqual(targetsOf('nx-4g'));
    await Promise.all(affected.map((id) => network.setLinkTargets(id, 'up')));
    expect(failed(await ping(targetsOf(...affected)))).toEqual([]);
  });

  it('site dark: every address of the site times out and its agents receive nothing; the others answer', async () => {
    const dark = [...devicesOf('nam-xe'), ...targetsOf('nx-tslcd', 'nx-4g')];
    const lit = [...devicesOf('van-ban'), ...devicesOf('chieng-ken'), ...targetsOf('vb-tslcd', 'ck-tslcd')];
    let received = 0;
    const count = () => received++;
    sockets.get('nx-gw')!.on('message', count);
    try {
      expect(await network.setSiteDark('nam-xe', true)).toEqual({ status: 'applied' });
      const started = performance.now();
      const during = await ping([...dark, ...lit]);
      expect(failed(during)).toEqual(dark);
      // A power cut looks like silence (timeouts), not an instant "host unreachable".
      for (const address of dark) expect(during.get(address)).toMatchObject({ ok: false, reason: 'timeout' });
      expect(performance.now() - started).toBeGreaterThan(quick.timeoutMs);
      expect(await exchange('nx-gw', 'in the dark')).toBeUndefined();
      expect(received).toBe(0);
      expect(await exchange('ck-gw', 'next door')).toBe('ck-gw:next door');
    } finally {
      sockets.get('nx-gw')!.off('message', count);
    }

    expect(await network.setSiteDark('nam-xe', false)).toEqual({ status: 'applied' });
    // The power is back: answers at once (setSiteDark waits until the veth carries again).
    expect(failed(await ping(dark))).toEqual([]);
    expect(await exchange('nx-gw', 'back')).toBe('nx-gw:back');
  });

  it('50 % loss: some but not all of 40 echoes and 40 SNMP datagrams are lost; 0 % ends it', async () => {
    expect(await network.setLinkLoss('ck-tslcd', 50)).toEqual({ status: 'applied' });
    const [address] = targetsOf('ck-tslcd');
    const result = await prober.probeOne(address!, { count: 40, timeoutMs: 400, intervalMs: 10 });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    // Binomial(40, ½) leaves 10–90 % with probability 1 − 2·10⁻⁵ at worst; flakes are not a worry.
    expect(result.lossPct).toBeGreaterThanOrEqual(10);
    expect(result.lossPct).toBeLessThanOrEqual(90);

    const replies = await Promise.all(Array.from({ length: 40 }, (_, i) => exchange('ck-gw', `n${i}`, 500)));
    const answered = replies.filter((reply) => reply !== undefined).length;
    expect(answered).toBeGreaterThanOrEqual(4);
    expect(answered).toBeLessThanOrEqual(36);
    // Other links of the district are untouched.
    expect(failed(await ping(targetsOf('nx-tslcd', 'vb-tslcd'), { count: 10, timeoutMs: 400, intervalMs: 10 }))).toEqual([]);

    expect(await network.setLinkLoss('ck-tslcd', 0)).toEqual({ status: 'applied' });
    expect(await prober.probeOne(address!, { count: 20, timeoutMs: 400, intervalMs: 10 })).toMatchObject({ ok: true, lossPct: 0 });
  });

  it('latency is unsupported, with the reason', async () => {
    const outcome = await network.setLinkLatency('nx-tslcd', 200);
    expect(outcome.status).toBe('unsupported');
    if (outcome.status === 'unsupported') expect(outcome.note).toMatch(/netem/);
  });
});

describe('lifecycle', () => {
  it('clears a crashed run with the same prefix, and destroy removes namespaces and veths even with a socket open', async () => {
    // A prefix of its own: a start deletes everything under its prefix, which names one simulation.
    const small = { ...options, prefix: 'lwtcrash', subnetOffset: 250, sites: [{ id: 'ta-leng' }], devices: [{ id: 'tl-gw', site: 'ta-leng' }], links: [] };
    const mine = async () => ({
      namespaces: (await run('ip', ['netns', 'list'])).stdout.split('\n').filter((line) => line.startsWith('lwtcrash-')).length,
      links: (await run('ip', ['-br', 'link'])).stdout.split('\n').filter((line) => line.startsWith('lwtcrashv')).length,
    });
    // A "crashed" run: made and never destroyed, one socket left open.
    const crashed = await createSimNetwork(small);
    const leftover = await crashed.bindSnmpSocket('tl-gw');
    try {
      expect(await mine()).toEqual({ namespaces: 1, links: 1 });
      // The next start with the same prefix deletes them first.
      const again = await createSimNetwork(small);
      expect(ok(await ping([again.deviceAddress('tl-gw').host]))).toHaveLength(1);
      const fresh = await again.bindSnmpSocket('tl-gw');
      expect(await exchange2(fresh, again.deviceAddress('tl-gw'))).toBe('pong');
      // Destroyed with the socket still open: the namespace lingers, nameless, until it closes,
      // but the veth pair goes at once.
      await again.destroy();
      expect(await mine()).toEqual({ namespaces: 0, links: 0 });
      fresh.close();
    } finally {
      leftover.close();
    }
    await crashed.destroy();
    expect(await mine()).toEqual({ namespaces: 0, links: 0 });
  });

  it('destroy removes every namespace, veth and nft table; a second destroy is harmless; faults then refuse', async () => {
    await network.setLinkTargets('nx-4g', 'down');
    const namespaces = sitePlans().map((site) => site.namespace);
    const started = performance.now();
    await network.destroy();
    console.log(`destroyed in ${Math.round(performance.now() - started)} ms`);
    expect(await ours()).toEqual({ namespaces: [], links: [] });
    // The nft tables lived in the namespaces; none is left to hold one.
    for (const name of namespaces) await expect(run('ip', ['netns', 'exec', name, 'nft', 'list', 'ruleset'])).rejects.toThrow();
    await expect(network.destroy()).resolves.toBeUndefined();
    await expect(network.setLinkTargets('nx-4g', 'up')).rejects.toThrow('already destroyed');
    expect(failed(await ping([network.deviceAddress('vb-core').host], { count: 1, timeoutMs: 200, intervalMs: 10 }))).toHaveLength(1);
  });

  it('refuses more than 254 sites in netns mode before touching anything', async () => {
    const sites = Array.from({ length: 255 }, (_, i) => ({ id: `s${i}` }));
    await expect(createSimNetwork({ ...options, sites, devices: [], links: [], subnetOffset: 0 })).rejects.toThrow(/netns mode supports at most 254 sites/);
  });
});
