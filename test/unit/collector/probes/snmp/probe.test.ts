import { getCiphers } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { SnmpCredentials } from '../../../../../config/schema.ts';
import { Secret } from '../../../../../config/secret.ts';
import {
  checkSnmpSettings,
  createSnmpPoller,
  DEFAULT_SNMP_OPTIONS,
  describeTarget,
  probeSnmp,
  type SnmpTarget,
} from '../../../../../collector/probes/snmp/probe.ts';

// Only the parts that need no agent; talking to real agents is test/integration/snmp.

const credentials: SnmpCredentials = { version: '2c', community: new Secret('public') };
const target = (more: Partial<SnmpTarget> = {}): SnmpTarget => ({ device: 'nam-xe', host: '10.0.0.1', port: 161, credentials, ...more });

describe('describeTarget', () => {
  it.each<[Partial<SnmpTarget>, string]>([
    [{}, 'router nam-xe (10.0.0.1:161)'],
    [{ device: '10.0.0.1' }, 'router 10.0.0.1:161'],
    [{ device: '10.0.0.1:161' }, 'router 10.0.0.1:161'],
    [{ device: 'core', host: '2001:db8::1', port: 1161 }, 'router core ([2001:db8::1]:1161)'],
  ])('%o → %s', (more, label) => {
    expect(describeTarget(target(more))).toBe(label);
  });
});

describe('settings', () => {
  it('accepts the defaults', () => {
    expect(checkSnmpSettings(target(), DEFAULT_SNMP_OPTIONS)).toBeUndefined();
  });

  it('keeps a whole poll inside the collector’s 60 s cycle, v3 discovery included', () => {
    const { timeoutMs, retries, walkTimeoutMs } = DEFAULT_SNMP_OPTIONS;
    expect(2 * timeoutMs * (retries + 1) + walkTimeoutMs).toBeLessThan(60_000);
  });

  it.each<[string, Partial<SnmpTarget>, Partial<typeof DEFAULT_SNMP_OPTIONS>, RegExp]>([
    ['port 0', { port: 0 }, {}, /port must be 1–65535; got 0/],
    ['port 70000', { port: 70000 }, {}, /port must be 1–65535/],
    ['empty host', { host: '' }, {}, /host must not be empty/],
    ['timeout 0', {}, { timeoutMs: 0 }, /timeoutMs must be/],
    ['fractional timeout', {}, { timeoutMs: 1.5 }, /timeoutMs must be/],
    ['negative retries', {}, { retries: -1 }, /retries must be 0–10; got -1/],
    ['maxRepetitions 0', {}, { maxRepetitions: 0 }, /maxRepetitions must be 1–1000; got 0/],
    ['walk timeout NaN', {}, { walkTimeoutMs: Number.NaN }, /walkTimeoutMs must be/],
  ])('rejects %s', (_name, moreTarget, moreOptions, problem) => {
    expect(checkSnmpSettings(target(moreTarget), { ...DEFAULT_SNMP_OPTIONS, ...moreOptions })).toMatch(problem);
  });

  it('turns bad settings into a config failure naming the device, without touching the network', async () => {
    const result = await probeSnmp(target({ port: 0 }), DEFAULT_SNMP_OPTIONS);
    expect(result).toEqual({ ok: false, reason: 'config', message: 'router nam-xe (10.0.0.1:0): port must be 1–65535; got 0' });
  });

  it.runIf(!getCiphers().includes('des-cbc'))('refuses DES up front when this Node.js has no des-cbc (OpenSSL 3 without the legacy provider)', async () => {
    const des: SnmpCredentials = {
      version: '3',
      user: 'linkwatch',
      context: '',
      level: 'authPriv',
      authProtocol: 'sha',
      authKey: new Secret('authkey123'),
      privProtocol: 'des',
      privKey: new Secret('privkey123'),
    };
    const result = await probeSnmp(target({ credentials: des }), DEFAULT_SNMP_OPTIONS);
    expect(result).toMatchObject({ ok: false, reason: 'config', message: expect.stringMatching(/des-cbc.*--openssl-legacy-provider/) });
  });
});

describe('poller lifecycle', () => {
  it('refuses to poll once closed', async () => {
    const poller = createSnmpPoller(target(), DEFAULT_SNMP_OPTIONS);
    poller.close();
    expect(await poller.poll()).toEqual({ ok: false, reason: 'internal', message: 'router nam-xe (10.0.0.1:161): the poller is closed' });
  });

  it('reports an already-aborted signal as a timeout without sending anything', async () => {
    const controller = new AbortController();
    controller.abort(new Error('collector shutting down'));
    const result = await probeSnmp(target(), DEFAULT_SNMP_OPTIONS, { signal: controller.signal });
    expect(result).toEqual({
      ok: false,
      reason: 'timeout',
      message: 'router nam-xe (10.0.0.1:161): aborted by the caller before the poll finished (collector shutting down)',
    });
  });
});
