import { createHash } from 'node:crypto';
import snmp from 'net-snmp';
import { describe, expect, it } from 'vitest';
import type { AuthProtocol } from '../../../../../config/schema.ts';

// SNMPv3 key localisation is done by net-snmp; these tests pin its helpers to published vectors
// where they exist and to an independent computation written here from the published algorithm
// descriptions where they do not.
//
// Vector provenance:
// - RFC 3414 Appendix A.3.1 (MD5) and A.3.2 (SHA-1): password "maplesyrup", engine ID
//   000000000000000000000002, Ku and localised Kul.
// - RFC 7860 (HMAC-SHA-2 for USM) publishes no key-localisation vectors: SHA-224…512 are checked
//   against the independent RFC 3414 A.2 computation below, which the A.3 vectors validate.
// - draft-reeder-snmpv3-usm-3desede-00 Appendix B: the chained key for the same password and
//   engine ID, 32 octets from MD5 and 40 from SHA-1 (3DES and Cisco's "AES256C" use the first 32).
//   Transcribed as quoted by several independent implementations' test suites; the draft text
//   itself was not reachable from here.
// - draft-blumenthal-aes-usm-04 §3.1.2.1 (Kul ‖ H(Kul) …) publishes no vectors: checked against the
//   independent computation below, and interoperability with Debian's snmpd (AES-256) is proven by
//   test/integration/snmp.

const PASSWORD = 'maplesyrup';
const ENGINE = Buffer.from('000000000000000000000002', 'hex');
const hex = (buffer: Buffer) => buffer.toString('hex');

const hashNames: Record<AuthProtocol, string> = {
  md5: 'md5',
  sha: 'sha1',
  sha224: 'sha224',
  sha256: 'sha256',
  sha384: 'sha384',
  sha512: 'sha512',
};
const netSnmpAuth: Record<AuthProtocol, Exclude<snmp.AuthProtocols, snmp.AuthProtocols.none>> = {
  md5: snmp.AuthProtocols.md5,
  sha: snmp.AuthProtocols.sha,
  sha224: snmp.AuthProtocols.sha224,
  sha256: snmp.AuthProtocols.sha256,
  sha384: snmp.AuthProtocols.sha384,
  sha512: snmp.AuthProtocols.sha512,
};

// RFC 3414 A.2.1, written out: hash 1 MiB of the password repeated, 64 octets at a time…
function passwordToKu(auth: AuthProtocol, password: Buffer): Buffer {
  const hash = createHash(hashNames[auth]);
  const block = Buffer.alloc(64);
  let position = 0;
  for (let count = 0; count < 1_048_576; count += 64) {
    for (let i = 0; i < 64; i++) block[i] = password[position++ % password.length]!;
    hash.update(block);
  }
  return hash.digest();
}

// …then localise: H(Ku ‖ engineID ‖ Ku).
const localize = (auth: AuthProtocol, ku: Buffer, engine: Buffer) => createHash(hashNames[auth]).update(ku).update(engine).update(ku).digest();

const localizedKey = (auth: AuthProtocol, password: Buffer) => localize(auth, passwordToKu(auth, password), ENGINE);

// draft-reeder §2.1: run password-to-key again on the localised key and append, until long enough.
function reederKey(auth: AuthProtocol, length: number): Buffer {
  let key = localizedKey(auth, Buffer.from(PASSWORD));
  let last = key;
  while (key.length < length) {
    last = localizedKey(auth, last);
    key = Buffer.concat([key, last]);
  }
  return key.subarray(0, length);
}

// draft-blumenthal §3.1.2.1: append H(key so far) to the localised key until long enough.
function blumenthalKey(auth: AuthProtocol, length: number): Buffer {
  let key = localizedKey(auth, Buffer.from(PASSWORD));
  while (key.length < length) key = Buffer.concat([key, createHash(hashNames[auth]).update(key).digest()]);
  return key.subarray(0, length);
}

const aes256b = snmp.Encryption.algorithms[snmp.PrivProtocols.aes256b];
const aes256r = snmp.Encryption.algorithms[snmp.PrivProtocols.aes256r];
const aes128 = snmp.Encryption.algorithms[snmp.PrivProtocols.aes];

describe('RFC 3414 A.3 published vectors', () => {
  it.each<[AuthProtocol, string, string]>([
    ['md5', '9faf3283884e92834ebc9847d8edd963', '526f5eed9fcce26f8964c2930787d82b'],
    ['sha', '9fb5cc0381497b3793528939ff788d5d79145211', '6695febc9288e36282235fc7151f128497b38f3f'],
  ])('%s: net-snmp localises "maplesyrup" to the published Kul', (auth, ku, kul) => {
    expect(hex(snmp.Authentication.passwordToKey(netSnmpAuth[auth], PASSWORD, ENGINE))).toBe(kul);
    // The same vectors validate this file's own implementation, used below where none are published.
    expect(hex(passwordToKu(auth, Buffer.from(PASSWORD)))).toBe(ku);
    expect(hex(localizedKey(auth, Buffer.from(PASSWORD)))).toBe(kul);
  });
});

describe('SHA-2 localisation (RFC 7860: no published vectors)', () => {
  it.each<[AuthProtocol, number]>([
    ['sha224', 28],
    ['sha256', 32],
    ['sha384', 48],
    ['sha512', 64],
  ])('%s: net-snmp matches RFC 3414 A.2 with the hash swapped, %s octets', (auth, length) => {
    const key = snmp.Authentication.passwordToKey(netSnmpAuth[auth], PASSWORD, ENGINE);
    expect(key).toHaveLength(length);
    expect(hex(key)).toBe(hex(localizedKey(auth, Buffer.from(PASSWORD))));
  });
});

describe('AES-256 key extension', () => {
  it.each<[AuthProtocol, string]>([
    ['md5', '526f5eed9fcce26f8964c2930787d82b79eff44a90650ee0a3a40abfac5acc12'],
    ['sha', '6695febc9288e36282235fc7151f128497b38f3f9b8b6d78936ba6e7d19dfd9cd2d5065547743fb5'.slice(0, 64)],
  ])('Reeder (aes256r), %s: net-snmp matches draft-reeder Appendix B', (auth, expected) => {
    const key = snmp.Encryption.generateLocalizedKeyReeder(aes256r, netSnmpAuth[auth], PASSWORD, ENGINE);
    expect(hex(key)).toBe(expected);
    expect(hex(reederKey(auth, 32))).toBe(expected);
  });

  it.each<AuthProtocol>(['md5', 'sha'])('Blumenthal (aes256b), %s: net-snmp matches the §3.1.2.1 computation', (auth) => {
    const key = snmp.Encryption.generateLocalizedKeyBlumenthal(aes256b, netSnmpAuth[auth], PASSWORD, ENGINE);
    expect(key).toHaveLength(32);
    expect(hex(key)).toBe(hex(blumenthalKey(auth, 32)));
  });

  it.each<AuthProtocol>(['md5', 'sha'])('%s: the two schemes share the localised key and differ after it', (auth) => {
    const b = snmp.Encryption.generateLocalizedKeyBlumenthal(aes256b, netSnmpAuth[auth], PASSWORD, ENGINE);
    const r = snmp.Encryption.generateLocalizedKeyReeder(aes256r, netSnmpAuth[auth], PASSWORD, ENGINE);
    const kul = localizedKey(auth, Buffer.from(PASSWORD));
    expect(b).toHaveLength(32);
    expect(r).toHaveLength(32);
    expect(hex(b.subarray(0, kul.length))).toBe(hex(kul));
    expect(hex(r.subarray(0, kul.length))).toBe(hex(kul));
    expect(hex(b)).not.toBe(hex(r));
  });

  it.each<AuthProtocol>(['sha256', 'sha384', 'sha512'])('%s: a hash of ≥ 32 octets needs no extension, so both schemes agree', (auth) => {
    const b = snmp.Encryption.generateLocalizedKeyBlumenthal(aes256b, netSnmpAuth[auth], PASSWORD, ENGINE);
    const r = snmp.Encryption.generateLocalizedKeyReeder(aes256r, netSnmpAuth[auth], PASSWORD, ENGINE);
    expect(hex(b)).toBe(hex(r));
    expect(hex(b)).toBe(hex(localizedKey(auth, Buffer.from(PASSWORD)).subarray(0, 32)));
  });

  it('sha224 (28 octets) is extended, and the schemes differ in the last 4 octets', () => {
    const b = snmp.Encryption.generateLocalizedKeyBlumenthal(aes256b, snmp.AuthProtocols.sha224, PASSWORD, ENGINE);
    const r = snmp.Encryption.generateLocalizedKeyReeder(aes256r, snmp.AuthProtocols.sha224, PASSWORD, ENGINE);
    expect(hex(b)).toBe(hex(blumenthalKey('sha224', 32)));
    expect(hex(r)).toBe(hex(reederKey('sha224', 32)));
    expect(hex(b.subarray(0, 28))).toBe(hex(r.subarray(0, 28)));
    expect(hex(b)).not.toBe(hex(r));
  });

  it('AES-128 (RFC 3826) uses the first 16 octets of the localised key', () => {
    const key = snmp.Encryption.generateLocalizedKey(aes128, snmp.AuthProtocols.sha, PASSWORD, ENGINE);
    expect(hex(key)).toBe('6695febc9288e36282235fc7151f1284');
  });
});
