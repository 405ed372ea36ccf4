import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../config/load.ts';
import { Secret } from '../../../config/secret.ts';

const VALUE = 'hunter2-community-Zq9';

describe('Secret', () => {
  const secret = new Secret(VALUE);

  it('reveals its value only when asked', () => {
    expect(secret.reveal()).toBe(VALUE);
  });

  it.each([
    ['JSON.stringify', () => JSON.stringify({ community: secret })],
    ['util.inspect', () => inspect({ nested: { deeper: secret } }, { depth: 10, showHidden: true })],
    ['String()', () => String(secret)],
    ['template literal', () => `community=${secret}`],
    ['string concatenation', () => 'community=' + secret],
    ['Object.entries', () => JSON.stringify(Object.entries(secret))],
  ])('never prints through %s', (_name, render) => {
    const text = render();
    expect(text).not.toContain(VALUE);
  });

  it('prints as <secret>', () => {
    expect(JSON.stringify(secret)).toBe('"<secret>"');
    expect(inspect(secret)).toBe('<secret>');
  });
});

describe('secrets in a loaded config', () => {
  const yaml = `
credentials:
  shared:
    version: 3
    user: linkwatch
    authProtocol: sha512
    authKey: \${AUTH}
    privProtocol: aes256r
    privKey: \${PRIV}
influx:
  password: \${DB_PASSWORD}
sites:
  - {id: dc, name: Trung tâm, kind: district-centre}
devices:
  - id: r1
    site: dc
    role: router
    address: 10.0.0.1
    snmp: {credentials: shared}
  - id: r2
    site: dc
    role: router
    address: 10.0.0.2
    snmp:
      credentials: {version: 2c, community: "\${COMMUNITY}"}
`;
  const env = { AUTH: 'auth-key-Aa11bb22', PRIV: 'priv-key-Cc33dd44', DB_PASSWORD: 'db-pass-Ee55', COMMUNITY: 'comm-Ff66gg77' };

  it('keeps every secret out of JSON and inspect output of the whole config', () => {
    const result = parseConfig(yaml, { env });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const printed = [JSON.stringify(result.config), inspect(result.config, { depth: null, showHidden: true })];
    for (const text of printed) {
      for (const value of Object.values(env)) expect(text).not.toContain(value);
      expect(text).toContain('<secret>');
    }
    const [r1, r2] = result.config.devices;
    expect(r1!.snmp!.credentials.version).toBe('3');
    if (r1!.snmp!.credentials.version === '3' && r1!.snmp!.credentials.level === 'authPriv') {
      expect(r1!.snmp!.credentials.authKey.reveal()).toBe(env.AUTH);
      expect(r1!.snmp!.credentials.privProtocol).toBe('aes256r');
    }
    if (r2!.snmp!.credentials.version !== '3') expect(r2!.snmp!.credentials.community.reveal()).toBe(env.COMMUNITY);
    expect(result.config.influx.password?.reveal()).toBe(env.DB_PASSWORD);
  });

  it('keeps a secret out of its own validation errors', () => {
    const result = parseConfig(yaml.replace('authProtocol: sha512', 'authProtocol: sha999'), { env });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const text = JSON.stringify(result.errors);
    for (const value of Object.values(env)) expect(text).not.toContain(value);
  });
});
