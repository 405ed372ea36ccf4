import { execFile } from 'node:child_process';
import { getCiphers } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toProbeJson } from '../../../collector/probes/snmp/format.ts';
import { createSnmpPoller, probeSnmp, type SnmpProbeOptions, type SnmpProbeResult, type SnmpTarget } from '../../../collector/probes/snmp/probe.ts';
import type { AuthProtocol, PrivProtocol, SnmpCredentials, UsmCredentials } from '../../../config/schema.ts';
import { Secret } from '../../../config/secret.ts';
import { startSnmpd, type RunningSnmpd, type SnmpdUser } from '../../helpers/snmpd.ts';

// Debian's snmpd 5.9.3 on loopback, one per file, with a user for every protocol combination
// it supports (all of them: MD5, SHA, SHA-224/256/384/512; DES, AES, AES-256 Blumenthal as
// "AES-256" and AES-256 Reeder as "AES-256-C"). DES needs OpenSSL's legacy provider on Node 20,
// so it is tested twice: refused as `config` in this process, working in a child node started
// with --openssl-legacy-provider.

const AUTH_KEY = 'auth-key-Nam-Xe-01';
const PRIV_KEY = 'priv-key-Nam-Xe-02';
const options: SnmpProbeOptions = { timeoutMs: 300, retries: 1, maxRepetitions: 20 };
const BUDGET = options.timeoutMs * (options.retries + 1);

type AuthPriv = [AuthProtocol, PrivProtocol];
const authOnly: AuthProtocol[] = ['md5', 'sha', 'sha224', 'sha256', 'sha384', 'sha512'];
// AES-256 with MD5 or SHA-1 is where Blumenthal and Reeder differ (their hashes are shorter than
// the 32-octet key); with SHA-256 and up both schemes give the same key.
const withDes: AuthPriv[] = [
  ['md5', 'des'],
  ['sha', 'des'],
];
const withAes: AuthPriv[] = [
  ['sha', 'aes'],
  ['sha256', 'aes'],
  ['md5', 'aes256b'],
  ['sha', 'aes256b'],
  ['sha224', 'aes256b'],
  ['sha512', 'aes256b'],
  ['md5', 'aes256r'],
  ['sha', 'aes256r'],
  ['sha224', 'aes256r'],
  ['sha256', 'aes256r'],
];

const authPriv = [...withDes, ...withAes];
const desAvailable = getCiphers().includes('des-cbc');
const run = promisify(execFile);

const users: SnmpdUser[] = [
  { name: 'plain', level: 'noAuthNoPriv' },
  ...authOnly.map((authProtocol): SnmpdUser => ({ name: `a-${authProtocol}`, level: 'authNoPriv', authProtocol, authKey: AUTH_KEY })),
  ...authPriv.map(
    ([authProtocol, privProtocol]): SnmpdUser => ({
      name: `p-${authProtocol}-${privProtocol}`,
      level: 'authPriv',
      authProtocol,
      authKey: AUTH_KEY,
      privProtocol,
      privKey: PRIV_KEY,
    }),
  ),
];

const usm = (user: string, auth?: AuthProtocol, priv?: PrivProtocol, keys = { auth: AUTH_KEY, priv: PRIV_KEY }): UsmCredentials => {
  const base = { version: '3' as const, user, context: '' };
  if (!auth) return { ...base, level: 'noAuthNoPriv' };
  if (!priv) return { ...base, level: 'authNoPriv', authProtocol: auth, authKey: new Secret(keys.auth) };
  return { ...base, level: 'authPriv', authProtocol: auth, authKey: new Secret(keys.auth), privProtocol: priv, privKey: new Secret(keys.priv) };
};
const community = (version: '1' | '2c', name = 'lw-public'): SnmpCredentials => ({ version, community: new Secret(name) });

let agent: RunningSnmpd;
const target = (credentials: SnmpCredentials): SnmpTarget => ({ device: 'nam-xe', host: agent.host, port: agent.port, credentials });

beforeAll(async () => {
  agent = await startSnmpd({
    communities: ['lw-public'],
    users,
    sysName: 'nam-xe',
    sysLocation: 'UBND xã Nậm Xe',
    sysContact: 'IT huyện Phong Thổ',
    // A community that sees the interfaces but not the system group: an agent that answers
    // without the objects asked for.
    extraConfig: ['view ifonly included .1.3.6.1.2.1.2', 'view ifonly included .1.3.6.1.2.1.31', 'rocommunity lw-ifonly default -V ifonly'],
  });
});

afterAll(async () => {
  await agent?.stop();
});

function expectHealthy(result: SnmpProbeResult, counterBits: 32 | 64) {
  if (!result.ok) throw new Error(`${result.reason}: ${result.message}`);
  expect(result.system).toMatchObject({ name: 'nam-xe', location: 'UBND xã Nậm Xe', contact: 'IT huyện Phong Thổ', objectId: '1.3.6.1.4.1.8072.3.2.10' });
  expect(result.system.descr).toMatch(/^Linux /);
  expect(result.system.uptimeTicks).toBeGreaterThanOrEqual(0);
  const lo = result.interfaces.find((iface) => iface.name === 'lo');
  expect(lo).toMatchObject({ type: 24, typeName: 'softwareLoopback', operStatus: 'up', adminStatus: 'up', counterBits });
  expect(typeof lo!.inOctets).toBe('bigint');
  expect(lo!.inOctets).toBeGreaterThan(0n);
  expect(result.requests).toBeGreaterThan(1);
  expect(result.durationMs).toBeGreaterThan(0);
}

describe('community-based', () => {
  it('v2c: system group and interfaces with 64-bit counters', async () => {
    expectHealthy(await probeSnmp(target(community('2c')), options), 64);
  });

  it('v1: GETNEXT walk; Counter64 cannot travel in SNMPv1, so counters fall back to 32 bits', async () => {
    const result = await probeSnmp(target(community('1')), options);
    expectHealthy(result, 32);
  });

  it('v1 and v2c list the same interfaces', async () => {
    const [v1, v2c] = await Promise.all([probeSnmp(target(community('1')), options), probeSnmp(target(community('2c')), options)]);
    if (!v1.ok || !v2c.ok) throw new Error('probe failed');
    expect(v1.interfaces.map((iface) => [iface.index, iface.name])).toEqual(v2c.interfaces.map((iface) => [iface.index, iface.name]));
  });

  it('a small maxRepetitions walks the same tables in more requests', async () => {
    const [small, large] = await Promise.all([
      probeSnmp(target(community('2c')), { ...options, maxRepetitions: 3 }),
      probeSnmp(target(community('2c')), { ...options, maxRepetitions: 50 }),
    ]);
    if (!small.ok || !large.ok) throw new Error('probe failed');
    expect(small.interfaces.map((iface) => iface.index)).toEqual(large.interfaces.map((iface) => iface.index));
    expect(small.requests!).toBeGreaterThan(large.requests!);
  });

  it('a wrong community is a timeout whose message names the community, after timeout × attempts', async () => {
    const started = performance.now();
    const result = await probeSnmp(target(community('2c', 'wrong-community')), options);
    const elapsed = performance.now() - started;
    expect(result).toMatchObject({ ok: false, reason: 'timeout', message: expect.stringMatching(/^router nam-xe \(127\.0\.0\.1:\d+\): .*community/) });
    expect(elapsed).toBeGreaterThanOrEqual(BUDGET - 20);
    expect(elapsed).toBeLessThan(BUDGET + 400);
    if (!result.ok) expect(result.message).not.toContain('wrong-community');
  });

  it.each<['1' | '2c']>([['2c'], ['1']])('v%s: a view without the system group → missing', async (version) => {
    const result = await probeSnmp(target(community(version, 'lw-ifonly')), options);
    expect(result).toMatchObject({ ok: false, reason: 'missing', message: expect.stringMatching(/sys\w+\.0.*outside its view/) });
  });

  it('formats a real answer for the CLI', async () => {
    const result = await probeSnmp(target(community('2c')), options);
    if (!result.ok) throw new Error(result.message);
    const json = JSON.parse(JSON.stringify(toProbeJson(result)));
    expect(Object.keys(json)).toEqual(['system', 'interfaces']);
    expect(Object.keys(json.system)).toEqual(['descr', 'objectId', 'name', 'uptimeSeconds', 'location', 'contact']);
    const interfaceKeys = ['index', 'name', 'descr', 'alias', 'type', 'speedBps', 'operStatus', 'adminStatus', 'inOctets', 'outOctets'];
    expect(Object.keys(json.interfaces[0])).toEqual(interfaceKeys);
    expect(json.interfaces[0].inOctets).toMatch(/^\d+$/);
  });
});

describe('SNMPv3, every combination Debian snmpd supports', () => {
  it('noAuthNoPriv', async () => {
    expectHealthy(await probeSnmp(target(usm('plain')), options), 64);
  });

  it.each(authOnly.map((auth) => [auth] as const))('authNoPriv with %s', async (auth) => {
    expectHealthy(await probeSnmp(target(usm(`a-${auth}`, auth)), options), 64);
  });

  it.each(withAes)('authPriv with %s and %s', async (auth, priv) => {
    expectHealthy(await probeSnmp(target(usm(`p-${auth}-${priv}`, auth, priv)), options), 64);
  });

  it.each(withDes)('authPriv with %s and des: works with DES available, else a config failure saying how to get it', async (auth, priv) => {
    const result = await probeSnmp(target(usm(`p-${auth}-${priv}`, auth, priv)), options);
    if (desAvailable) expectHealthy(result, 64);
    else expect(result).toMatchObject({ ok: false, reason: 'config', message: expect.stringMatching(/des-cbc.*--openssl-legacy-provider/) });
  });

  it.each(withDes)('authPriv with %s and des in a node started with --openssl-legacy-provider', async (auth, priv) => {
    const input = {
      target: {
        device: 'nam-xe',
        host: agent.host,
        port: agent.port,
        credentials: { ...usm(`p-${auth}-${priv}`, auth, priv), authKey: AUTH_KEY, privKey: PRIV_KEY },
      },
      options,
    };
    const { stdout } = await run(process.execPath, ['--openssl-legacy-provider', '--import', 'tsx', 'test/integration/snmp/probe-once.ts'], {
      env: { ...process.env, LW_PROBE: JSON.stringify(input) },
    });
    const result = JSON.parse(stdout);
    expect(result).toMatchObject({ ok: true, system: { name: 'nam-xe' } });
    expect(result.interfaces.find((iface: { name: string }) => iface.name === 'lo')).toMatchObject({ counterBits: 64 });
  });
});

describe('SNMPv3 failures', () => {
  it('an unknown user → auth', async () => {
    const result = await probeSnmp(target(usm('nobody', 'sha')), options);
    expect(result).toMatchObject({ ok: false, reason: 'auth', message: expect.stringMatching(/^router nam-xe \(.*\): the agent has no SNMPv3 user "nobody"/) });
  });

  it('a wrong auth key → auth', async () => {
    const result = await probeSnmp(target(usm('a-sha256', 'sha256', undefined, { auth: 'not-the-key-123', priv: PRIV_KEY })), options);
    expect(result).toMatchObject({ ok: false, reason: 'auth', message: expect.stringMatching(/wrong authKey or authProtocol for SNMPv3 user "a-sha256"/) });
  });

  it('the wrong auth protocol → auth', async () => {
    const result = await probeSnmp(target(usm('a-sha256', 'sha512')), options);
    expect(result).toMatchObject({ ok: false, reason: 'auth' });
  });

  it('a wrong priv key → auth: the agent answers discovery, then drops what it cannot decrypt', async () => {
    const result = await probeSnmp(target(usm('p-sha-aes', 'sha', 'aes', { auth: AUTH_KEY, priv: 'not-the-key-456' })), options);
    expect(result).toMatchObject({ ok: false, reason: 'auth', message: expect.stringMatching(/privKey or privProtocol/) });
  });

  it('aes256b credentials for an aes256r user → auth (the key extensions are not interchangeable)', async () => {
    const result = await probeSnmp(target(usm('p-sha-aes256r', 'sha', 'aes256b')), options);
    expect(result).toMatchObject({ ok: false, reason: 'auth', message: expect.stringMatching(/aes256b and aes256r/) });
  });

  it('authPriv for a user without privacy → auth (unsupported security level)', async () => {
    const result = await probeSnmp(target(usm('a-sha', 'sha', 'aes')), options);
    expect(result).toMatchObject({ ok: false, reason: 'auth', message: expect.stringMatching(/not set up for authPriv/) });
  });

  it('authNoPriv for a user that requires privacy → auth (the agent refuses access)', async () => {
    const result = await probeSnmp(target(usm('p-sha-aes', 'sha')), options);
    expect(result).toMatchObject({ ok: false, reason: 'auth', message: expect.stringMatching(/authorizationError/) });
  });

  it('the keys never appear in a message', async () => {
    const result = await probeSnmp(target(usm('p-sha-aes', 'sha', 'aes', { auth: AUTH_KEY, priv: 'not-the-key-456' })), options);
    expect(JSON.stringify(result)).not.toMatch(/auth-key-Nam-Xe|not-the-key/);
  });
});

describe('a kept-open session', () => {
  // snmpd logs each request's source port; its log reaches us through a pipe, a little late.
  const settledLog = async () => {
    let log = agent.log();
    for (;;) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      if (agent.log() === log) return log;
      log = agent.log();
    }
  };
  const sourcePorts = (log: string) => [...log.matchAll(/Connection from UDP: \[127\.0\.0\.1\]:(\d+)->/g)].map((match) => match[1]);

  it('polls repeatedly over one socket: v3 discovery happens once', async () => {
    const poller = createSnmpPoller(target(usm('p-sha-aes256b', 'sha', 'aes256b')), options);
    try {
      const before = sourcePorts(await settledLog()).length;
      const first = await poller.poll();
      const second = await poller.poll();
      expectHealthy(first, 64);
      expectHealthy(second, 64);
      expect(second.ok && first.ok && second.requests).toBe(first.ok && first.requests);
      const ports = new Set(sourcePorts(await settledLog()).slice(before));
      expect(ports.size).toBe(1);
    } finally {
      poller.close();
    }
  });

  it('an aborted poll closes the session; the next poll opens a new one and succeeds', async () => {
    const poller = createSnmpPoller(target(community('1')), options);
    try {
      const before = sourcePorts(await settledLog()).length;
      const controller = new AbortController();
      const pending = poller.poll({ signal: controller.signal });
      setTimeout(() => controller.abort(new Error('collector reload')), 5);
      const aborted = await pending;
      expect(aborted).toMatchObject({ ok: false, reason: 'timeout', message: expect.stringMatching(/aborted by the caller .*\(collector reload\)/) });
      expectHealthy(await poller.poll(), 32);
      expect(new Set(sourcePorts(await settledLog()).slice(before)).size).toBe(2);
    } finally {
      poller.close();
    }
  });

  it('refuses an overlapping poll instead of sharing the session', async () => {
    const poller = createSnmpPoller(target(community('2c')), options);
    try {
      const [first, second] = await Promise.all([poller.poll(), poller.poll()]);
      expect(first.ok).toBe(true);
      expect(second).toMatchObject({ ok: false, reason: 'internal', message: expect.stringMatching(/previous poll is still running/) });
    } finally {
      poller.close();
    }
  });
});
