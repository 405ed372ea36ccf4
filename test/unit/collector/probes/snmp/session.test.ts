import snmp from 'net-snmp';
import { describe, expect, it } from 'vitest';
import { authProtocols, privProtocols, type SnmpCredentials, type UsmCredentials } from '../../../../../config/schema.ts';
import { Secret } from '../../../../../config/secret.ts';
import { classifySnmpError, toNetSnmpUser, unsupportedCrypto, type ExchangeEvidence } from '../../../../../collector/probes/snmp/session.ts';

// net-snmp's error classes, made the way net-snmp makes them. @types/net-snmp declares only some
// of the constructors, hence the cast.
const errors = snmp as unknown as {
  RequestTimedOutError: new (message: string) => Error;
  RequestInvalidError: new (message: string) => Error;
  RequestFailedError: new (message: string, status: number) => Error;
  ResponseInvalidError: new (message: string, code: number, info?: unknown) => Error;
  ResponseInvalidCode: Record<string, number>;
};
const timedOut = () => new errors.RequestTimedOutError('Request timed out');
const invalid = (message: string, code: string) => new errors.ResponseInvalidError(message, errors.ResponseInvalidCode[code]!);
const failed = (message: string, status: number) => new errors.RequestFailedError(message, status);
const systemError = (code: string) => Object.assign(new Error(`send ${code} 10.250.12.2:161`), { code, errno: -113, syscall: 'send' });

const community = (version: '1' | '2c'): SnmpCredentials => ({ version, community: new Secret('public') });
const usm = (level: UsmCredentials['level'], context = ''): UsmCredentials =>
  level === 'noAuthNoPriv'
    ? { version: '3', user: 'linkwatch', context, level }
    : level === 'authNoPriv'
      ? { version: '3', user: 'linkwatch', context, level, authProtocol: 'sha', authKey: new Secret('authkey123') }
      : {
          version: '3',
          user: 'linkwatch',
          context,
          level,
          authProtocol: 'sha',
          authKey: new Secret('authkey123'),
          privProtocol: 'aes256r',
          privKey: new Secret('privkey123'),
        };

const evidence = (credentials: SnmpCredentials, more: Partial<ExchangeEvidence> = {}): ExchangeEvidence => ({
  credentials,
  timeoutMs: 300,
  retries: 1,
  answered: false,
  ...more,
});

describe('classifySnmpError', () => {
  it.each<[string, unknown, ExchangeEvidence, string, RegExp, number?]>([
    ['v2c silence', timedOut(), evidence(community('2c')), 'timeout', /^no answer in 600 ms \(2 × 300 ms\); .*wrong community.*SNMPv2c community/],
    ['v1 silence', timedOut(), evidence(community('1')), 'timeout', /wrong community.*SNMPv1 community/],
    ['v3 silence', timedOut(), evidence(usm('authPriv')), 'timeout', /^no answer in 600 ms \(2 × 300 ms\)$/],
    [
      'v3 authPriv: discovery answered, request dropped',
      timedOut(),
      evidence(usm('authPriv'), { answered: true }),
      'auth',
      /answered SNMPv3 engine discovery but not the aes256r-encrypted request.*privKey or privProtocol.*aes256b and aes256r/,
    ],
    [
      'v3 authNoPriv: discovery answered, request unanswered',
      timedOut(),
      evidence(usm('authNoPriv'), { answered: true }),
      'timeout',
      /answered SNMPv3 engine discovery but not the request in 600 ms/,
    ],
    [
      'an undecodable datagram before the timeout',
      timedOut(),
      evidence(community('2c'), { undecodable: 'Value read as integer null is not an integer from 127.0.0.1:40000' }),
      'malformed',
      /answered with a packet that cannot be decoded \(Value read as integer null is not an integer from 127\.0\.0\.1:40000\)/,
    ],
    ['usmStatsUnknownUserNames', invalid('Unknown User Name', 'EAuthFailure'), evidence(usm('authNoPriv')), 'auth', /no SNMPv3 user "linkwatch"/],
    [
      'usmStatsWrongDigests',
      invalid('Wrong Digest (incorrect password, community or key)', 'EAuthFailure'),
      evidence(usm('authNoPriv')),
      'auth',
      /wrong authKey or authProtocol for SNMPv3 user "linkwatch"/,
    ],
    [
      'usmStatsUnsupportedSecLevels',
      invalid('Unsupported Security Level', 'EAuthFailure'),
      evidence(usm('authPriv')),
      'auth',
      /"linkwatch" is not set up for authPriv/,
    ],
    ['usmStatsDecryptionErrors', invalid('Decryption Error', 'EAuthFailure'), evidence(usm('authPriv')), 'auth', /could not decrypt.*privKey/],
    ['usmStatsNotInTimeWindows', invalid('Not In Time Window', 'EAuthFailure'), evidence(usm('authPriv')), 'auth', /time window/],
    ['usmStatsUnknownEngineIDs', invalid('Unknown Engine ID', 'EAuthFailure'), evidence(usm('authPriv')), 'auth', /engine ID/],
    [
      'a response whose digest does not verify',
      invalid('Authentication digest 00 received in message does not match digest 01 calculated for message', 'EAuthFailure'),
      evidence(usm('authNoPriv')),
      'auth',
      /response failed authentication: wrong authKey/,
    ],
    ['a response that cannot be decrypted', invalid('Failed to decrypt PDU: bad decrypt', 'ECouldNotDecrypt'), evidence(usm('authPriv')), 'auth', /wrong privKey/],
    ['a response outside the time window', invalid('Message with engineBoots …', 'ENotInTimeWindow'), evidence(usm('authPriv')), 'auth', /time window/],
    [
      'a non-USM report with a context set',
      invalid('Unexpected Report PDU', 'EUnexpectedReport'),
      evidence(usm('authNoPriv', 'vlan-20')),
      'refused',
      /report PDU that is not a USM error \(is context "vlan-20" configured/,
    ],
    [
      'a reply with another community',
      invalid("Community 'a' in request does not match community 'b' in response", 'ECommunityNoMatch'),
      evidence(community('2c')),
      'malformed',
      /ECommunityNoMatch/,
    ],
    [
      'a reply with other OIDs',
      invalid('Requested OIDs do not match response OIDs', 'EReqResOidNoMatch'),
      evidence(community('2c')),
      'malformed',
      /EReqResOidNoMatch/,
    ],
    ['an unknown PDU type', invalid("Unknown PDU type '99' in response", 'EUnknownPduType'), evidence(usm('authPriv')), 'malformed', /EUnknownPduType/],
    ['noSuchName (SNMPv1)', failed('NoSuchName: 1.3.6.1.2.1.1.4.0', 2), evidence(community('1')), 'missing', /answered noSuchName for 1\.3\.6\.1\.2\.1\.1\.4\.0/, 2],
    ['authorizationError (VACM)', failed('AuthorizationError', 16), evidence(usm('noAuthNoPriv')), 'auth', /refused access \(authorizationError\)/, 16],
    ['tooBig', failed('TooBig', 1), evidence(community('2c')), 'refused', /tooBig: lower maxRepetitions/, 1],
    ['genErr', failed('GeneralError: 1.3.6.1.2.1.2.2.1.10.3', 5), evidence(community('2c')), 'refused', /answered genErr for 1\.3\.6\.1\.2\.1\.2\.2\.1\.10\.3/, 5],
    ['a request net-snmp cannot build', new errors.RequestInvalidError("Unknown type '99' in request"), evidence(community('2c')), 'config', /cannot be built/],
    ['EHOSTUNREACH from the socket', systemError('EHOSTUNREACH'), evidence(community('2c')), 'unreachable', /EHOSTUNREACH/],
    ['ENETUNREACH from the socket', systemError('ENETUNREACH'), evidence(usm('authPriv')), 'unreachable', /ENETUNREACH/],
    ['ECONNREFUSED (ICMP port unreachable)', systemError('ECONNREFUSED'), evidence(community('2c')), 'unreachable', /ECONNREFUSED/],
    ['a name that does not resolve', systemError('ENOTFOUND'), evidence(community('2c')), 'unreachable', /cannot resolve the host name \(ENOTFOUND\)/],
    ['a plain Error', new Error('Socket forcibly closed'), evidence(community('2c')), 'internal', /unexpected error from net-snmp: Socket forcibly closed/],
    ['a thrown string', 'boom', evidence(community('2c')), 'internal', /boom/],
    [
      'OpenSSL without the cipher',
      Object.assign(new Error('error:0308010C:digital envelope routines::unsupported'), { code: 'ERR_OSSL_EVP_UNSUPPORTED' }),
      evidence(usm('authPriv')),
      'config',
      /OpenSSL cannot do the hash or cipher/,
    ],
    ['an error-status beyond RFC 3416', failed('GeneralError', 42), evidence(community('2c')), 'refused', /answered error-status 42/, 42],
  ])('%s → %s', (_name, error, seen, reason, detail, status) => {
    const classified = classifySnmpError(error, seen);
    expect(classified.reason).toBe(reason);
    expect(classified.detail).toMatch(detail);
    expect(classified.status).toBe(status);
  });

  it('never puts a key or community into a message', () => {
    for (const credentials of [community('2c'), usm('authPriv')]) {
      for (const error of [timedOut(), invalid('Wrong Digest', 'EAuthFailure'), failed('TooBig', 1)]) {
        const { detail } = classifySnmpError(error, evidence(credentials, { answered: true }));
        expect(detail).not.toMatch(/public|authkey123|privkey123/);
      }
    }
  });
});

describe('toNetSnmpUser', () => {
  const base = { version: '3' as const, user: 'linkwatch', context: '' };

  it('maps noAuthNoPriv without keys', () => {
    expect(toNetSnmpUser({ ...base, level: 'noAuthNoPriv' })).toEqual({ name: 'linkwatch', level: snmp.SecurityLevel.noAuthNoPriv });
  });

  it.each(authProtocols.map((protocol) => [protocol] as const))('maps auth protocol %s to net-snmp’s constant of that name', (protocol) => {
    const user = toNetSnmpUser({ ...base, level: 'authNoPriv', authProtocol: protocol, authKey: new Secret('authkey123') });
    expect(user).toEqual({ name: 'linkwatch', level: snmp.SecurityLevel.authNoPriv, authProtocol: snmp.AuthProtocols[protocol], authKey: 'authkey123' });
  });

  it.each(privProtocols.map((protocol) => [protocol] as const))('maps priv protocol %s to net-snmp’s constant of that name', (protocol) => {
    const user = toNetSnmpUser({
      ...base,
      level: 'authPriv',
      authProtocol: 'sha512',
      authKey: new Secret('authkey123'),
      privProtocol: protocol,
      privKey: new Secret('privkey123'),
    });
    expect(user).toEqual({
      name: 'linkwatch',
      level: snmp.SecurityLevel.authPriv,
      authProtocol: snmp.AuthProtocols.sha512,
      authKey: 'authkey123',
      privProtocol: snmp.PrivProtocols[protocol],
      privKey: 'privkey123',
    });
  });

  it('keeps aes256b (Blumenthal) and aes256r (Reeder) apart', () => {
    expect(snmp.PrivProtocols.aes256b).not.toBe(snmp.PrivProtocols.aes256r);
    expect(snmp.Encryption.algorithms[snmp.PrivProtocols.aes256b].localizationAlgorithm).toBe(snmp.Encryption.generateLocalizedKeyBlumenthal);
    expect(snmp.Encryption.algorithms[snmp.PrivProtocols.aes256r].localizationAlgorithm).toBe(snmp.Encryption.generateLocalizedKeyReeder);
  });
});

describe('unsupportedCrypto', () => {
  const everything = { ciphers: ['des-cbc', 'aes-128-cfb', 'aes-256-cfb'], hashes: ['md5', 'sha1', 'sha224', 'sha256', 'sha384', 'sha512'] };
  const withPriv = (privProtocol: 'des' | 'aes' | 'aes256b' | 'aes256r', authProtocol: 'md5' | 'sha' = 'sha'): UsmCredentials => ({
    version: '3',
    user: 'linkwatch',
    context: '',
    level: 'authPriv',
    authProtocol,
    authKey: new Secret('authkey123'),
    privProtocol,
    privKey: new Secret('privkey123'),
  });

  it.each<[string, SnmpCredentials, typeof everything, RegExp | undefined]>([
    ['v2c needs nothing', community('2c'), { ciphers: [], hashes: [] }, undefined],
    ['noAuthNoPriv needs nothing', usm('noAuthNoPriv'), { ciphers: [], hashes: [] }, undefined],
    ['everything present', withPriv('des'), everything, undefined],
    [
      'DES on OpenSSL 3 without the legacy provider',
      withPriv('des'),
      { ...everything, ciphers: ['aes-128-cfb', 'aes-256-cfb'] },
      /privProtocol des needs the des-cbc cipher.*--openssl-legacy-provider or switch the device to AES/,
    ],
    ['AES-256 without aes-256-cfb', withPriv('aes256r'), { ...everything, ciphers: ['des-cbc'] }, /privProtocol aes256r needs the aes-256-cfb cipher/],
    ['MD5 on a FIPS build', withPriv('aes', 'md5'), { ...everything, hashes: ['sha1'] }, /authProtocol md5 needs the md5 hash/],
  ])('%s', (_name, credentials, available, problem) => {
    const found = unsupportedCrypto(credentials, available);
    if (problem) expect(found).toMatch(problem);
    else expect(found).toBeUndefined();
  });
});
