import { execFile } from 'node:child_process';
import dgram from 'node:dgram';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIcmpProber } from '../../../collector/probes/icmp/probe.ts';
import { createSimNetwork, type ManagedSimNetwork, type SimNetworkOptions } from '../../../simulator/network.ts';

// Loopback mode, as a machine without root runs it (asked for explicitly here, since CI is
// root): 127.77.241–242.x addresses of this file's own, sockets bound in this process, and the
// ICMP faults reported as unsupported. Nothing touches namespaces.

const run = promisify(execFile);
const target = (address: string) => ({ address, role: 'gateway' as const, name: undefined });
const inventory = {
  sites: [{ id: 'van-ban' }, { id: 'nam-xe' }],
  devices: [
    { id: 'vb-core', site: 'van-ban' },
    { id: 'nx-gw', site: 'nam-xe' },
  ],
  links: [
    { id: 'vb-tslcd', site: 'van-ban', device: 'vb-core', targets: [target('192.0.2.1'), target('192.0.2.2')] },
    { id: 'nx-tslcd', site: 'nam-xe', device: 'nx-gw', targets: [target('192.0.2.3')], upstream: 'vb-tslcd' },
  ],
};
const options: SimNetworkOptions = {
  ...inventory,
  mode: 'loopback',
  prefix: 'lwtloop',
  subnetOffset: 240,
  snmpPort: 16261,
};

let network: ManagedSimNetwork;

beforeAll(async () => {
  network = await createSimNetwork(options);
});

afterAll(async () => {
  await network?.destroy();
});

describe('loopback network', () => {
  it('gives every device and link target a 127.77.x.y of its own, and makes no namespace', async () => {
    expect(network.mode).toBe('loopback');
    expect(network.deviceAddress('vb-core')).toEqual({ host: '127.77.241.1', port: 16261 });
    expect(network.linkTargets('vb-tslcd')).toEqual(['127.77.241.2', '127.77.241.3']);
    expect(network.deviceAddress('nx-gw')).toEqual({ host: '127.77.242.1', port: 16261 });
    expect(network.linkTargets('nx-tslcd')).toEqual(['127.77.242.2']);
    expect((await run('ip', ['netns', 'list'])).stdout.split('\n').filter((l) => l.startsWith('lwtloop')).length).toBe(0);
  });

  it('every address answers ping', async () => {
    const addresses = [network.deviceAddress('vb-core').host, network.deviceAddress('nx-gw').host, ...network.linkTargets('vb-tslcd'), ...network.linkTargets('nx-tslcd')];
    const results = await createIcmpProber({ engine: 'fping' }).probe(addresses, { count: 2, timeoutMs: 400, intervalMs: 50 });
    expect([...results.values()].map((result) => result.ok)).toEqual([true, true, true, true, true]);
  });

  it('binds SNMP sockets in this process on the device addresses', async () => {
    const socket = await network.bindSnmpSocket('nx-gw');
    const client = dgram.createSocket('udp4');
    try {
      expect(socket.address()).toEqual({ address: '127.77.242.1', family: 'IPv4', port: 16261 });
      socket.on('message', (message, from) => socket.send(`re:${message.toString()}`, from.port, from.address));
      const reply = await new Promise<string>((resolve) => {
        client.once('message', (message) => resolve(message.toString()));
        client.send('hello', 16261, '127.77.242.1');
      });
      expect(reply).toBe('re:hello');
      await expect(network.bindSnmpSocket('nx-gw')).rejects.toThrow(/device "nx-gw" to 127\.77\.242\.1:16261: .*EADDRINUSE/);
    } finally {
      client.close();
      socket.close();
    }
  });

  it.each([
    ['link down', () => network.setLinkTargets('nx-tslcd', 'down')],
    ['link up', () => network.setLinkTargets('nx-tslcd', 'up')],
    ['site dark', () => network.setSiteDark('nam-xe', true)],
    ['packet loss', () => network.setLinkLoss('nx-tslcd', 20)],
    ['latency', () => network.setLinkLatency('nx-tslcd', 100)],
  ])('%s is unsupported: needs root', async (_name, fault) => {
    expect(await fault()).toEqual({ status: 'unsupported', note: 'needs root (network namespaces)' });
  });

  it('still rejects unknown names', async () => {
    await expect(network.setLinkTargets('ghost', 'down')).rejects.toThrow('unknown link "ghost"');
    await expect(network.setSiteDark('ghost', true)).rejects.toThrow('unknown site "ghost"');
    expect(() => network.linkTargets('ghost')).toThrow('unknown link "ghost"');
  });

  it('destroy is harmless twice, and refuses new sockets afterwards', async () => {
    const other = await createSimNetwork({ ...options, subnetOffset: 230 });
    await other.destroy();
    await expect(other.destroy()).resolves.toBeUndefined();
    await expect(other.bindSnmpSocket('vb-core')).rejects.toThrow('already destroyed');
  });
});
