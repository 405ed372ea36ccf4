import { execFile } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeSnmp, type SnmpProbeOptions, type SnmpTarget } from '../../../collector/probes/snmp/probe.ts';
import type { SnmpCredentials } from '../../../config/schema.ts';
import { Secret } from '../../../config/secret.ts';
import { createTestNamespace, type TestNamespace } from '../../helpers/netns.ts';
import { startSnmpd, type RunningSnmpd, type SnmpdUser } from '../../helpers/snmpd.ts';

// snmpd inside test network namespaces (slots 11 and 12 of the 10–19 range given to the SNMP
// tests), polled from the root namespace over the namespace's veth uplink, as the collector polls
// a commune router over its WAN link.

const run = promisify(execFile);
const options: SnmpProbeOptions = { timeoutMs: 400, retries: 1, maxRepetitions: 20 };
const BUDGET = options.timeoutMs * (options.retries + 1);
const v2c: SnmpCredentials = { version: '2c', community: new Secret('lw-public') };
const v3: SnmpCredentials = {
  version: '3',
  user: 'linkwatch',
  context: '',
  level: 'authPriv',
  authProtocol: 'sha',
  authKey: new Secret('auth-key-Phong-Tho'),
  privProtocol: 'aes256r',
  privKey: new Secret('priv-key-Phong-Tho'),
};
const snmpdUsers: SnmpdUser[] = [
  { name: 'linkwatch', level: 'authPriv', authProtocol: 'sha', authKey: 'auth-key-Phong-Tho', privProtocol: 'aes256r', privKey: 'priv-key-Phong-Tho' },
];

const target = (ns: TestNamespace, credentials: SnmpCredentials): SnmpTarget => ({ device: `xa-${ns.name}`, host: ns.address, port: 161, credentials });

describe('an agent with many interfaces', () => {
  let ns: TestNamespace;
  let agent: RunningSnmpd;
  let ports: string[];

  beforeAll(async () => {
    ns = await createTestNamespace({ slot: 11, label: 'snmp-many' });
    ports = await ns.addInterfaces(13, 'sw');
    agent = await startSnmpd({
      namespace: { name: ns.name, address: ns.address },
      communities: ['lw-public'],
      users: snmpdUsers,
      sysName: 'switch-many',
    });
  });

  afterAll(async () => {
    await agent?.stop();
    await ns?.destroy();
  });

  it.each<[string, SnmpCredentials]>([
    ['v2c', v2c],
    ['v3 authPriv', v3],
  ])('%s: lists every interface with its name and counters', async (_name, credentials) => {
    const result = await probeSnmp(target(ns, credentials), options);
    if (!result.ok) throw new Error(result.message);
    expect(result.system.name).toBe('switch-many');
    const names = result.interfaces.map((iface) => iface.name);
    // 26 veth ends + lo + the uplink.
    expect(ports).toHaveLength(26);
    expect(result.interfaces.length).toBeGreaterThanOrEqual(28);
    expect(names).toEqual(expect.arrayContaining(['lo', 'lwn11', ...ports]));
    expect(new Set(result.interfaces.map((iface) => iface.index)).size).toBe(result.interfaces.length);
    for (const iface of result.interfaces) {
      expect(iface.counterBits).toBe(64);
      expect(typeof iface.inOctets).toBe('bigint');
      expect(typeof iface.outOctets).toBe('bigint');
    }
    const port = result.interfaces.find((iface) => iface.name === 'sw0a');
    expect(port).toMatchObject({ type: 6, typeName: 'ethernetCsmacd', adminStatus: 'up' });
    // The uplink carried this very poll.
    expect(result.interfaces.find((iface) => iface.name === 'lwn11')!.inOctets).toBeGreaterThan(0n);
  });

  it('walks the same rows with a small maxRepetitions, just in more requests', async () => {
    const [small, normal] = await Promise.all([probeSnmp(target(ns, v2c), { ...options, maxRepetitions: 5 }), probeSnmp(target(ns, v2c), options)]);
    if (!small.ok || !normal.ok) throw new Error('probe failed');
    expect(small.interfaces.map((iface) => iface.name)).toEqual(normal.interfaces.map((iface) => iface.name));
    expect(small.requests!).toBeGreaterThan(normal.requests!);
  });
});

describe('a router whose uplink goes down', () => {
  let ns: TestNamespace;
  let agent: RunningSnmpd;

  beforeAll(async () => {
    ns = await createTestNamespace({ slot: 12, label: 'snmp-down' });
    agent = await startSnmpd({ namespace: { name: ns.name, address: ns.address }, communities: ['lw-public'], users: snmpdUsers });
  });

  afterAll(async () => {
    await agent?.stop();
    await ns?.destroy();
  });

  it('answers while the link is up', async () => {
    expect(await probeSnmp(target(ns, v2c), options)).toMatchObject({ ok: true });
  });

  it.each<[string, SnmpCredentials]>([
    ['v2c', v2c],
    ['v3', v3],
  ])('%s: the router’s end down → timeout within timeout × attempts', async (_name, credentials) => {
    await ns.setUplink('down');
    try {
      const started = performance.now();
      const result = await probeSnmp(target(ns, credentials), options);
      const elapsed = performance.now() - started;
      expect(result.ok).toBe(false);
      if (result.ok) return;
      expect(['timeout', 'unreachable']).toContain(result.reason);
      expect(result.message).toMatch(new RegExp(`^router xa-${ns.name} \\(10\\.250\\.12\\.2:161\\): `));
      expect(elapsed).toBeLessThan(BUDGET + 400);
    } finally {
      await ns.setUplink('up');
    }
  });

  it('our end down → unreachable at once (EHOSTUNREACH from the unreachable route)', async () => {
    await run('ip', ['link', 'set', ns.hostInterface, 'down']);
    try {
      const started = performance.now();
      const result = await probeSnmp(target(ns, v2c), options);
      const elapsed = performance.now() - started;
      expect(result).toMatchObject({ ok: false, reason: 'unreachable', message: expect.stringMatching(/EHOSTUNREACH|ENETUNREACH/) });
      expect(elapsed).toBeLessThan(options.timeoutMs);
    } finally {
      await run('ip', ['link', 'set', ns.hostInterface, 'up']);
    }
  });

  it('answers again once the link is back', async () => {
    // Neighbour discovery needs a moment after the link returns; the probe's own retry covers it.
    expect(await probeSnmp(target(ns, v2c), { ...options, retries: 3 })).toMatchObject({ ok: true });
  });
});
