import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../../collector/logger.ts';
import {
  classifyReceiverError,
  describeBindError,
  parseTrapListen,
  startTrapReceiver,
  TrapReceiverError,
  type TrapEndpoint,
} from '../../../collector/traps/receiver.ts';
import { Secret } from '../../../config/secret.ts';

// The receiver's pure parts. Binding, real traps and garbage datagrams are in
// test/integration/traps.

describe('parseTrapListen', () => {
  it.each<[string, TrapEndpoint]>([
    ['0.0.0.0:162', { host: '0.0.0.0', port: 162, transport: 'udp4' }],
    ['127.0.0.1:10162', { host: '127.0.0.1', port: 10162, transport: 'udp4' }],
    ['collector.local:162', { host: 'collector.local', port: 162, transport: 'udp4' }],
    ['[::]:162', { host: '::', port: 162, transport: 'udp6' }],
    ['[fd00::5]:65535', { host: 'fd00::5', port: 65535, transport: 'udp6' }],
  ])('%s', (listen, endpoint) => {
    expect(parseTrapListen(listen)).toEqual({ ok: true, endpoint });
  });

  it.each<[string, RegExp]>([
    ['off', /must be HOST:PORT or \[IPv6\]:PORT, e\.g\. 0\.0\.0\.0:162; got "off"/],
    ['162', /must be HOST:PORT/],
    ['::1:162', /must be HOST:PORT/],
    ['127.0.0.1:', /must be HOST:PORT/],
    // net-snmp reads port 0 as "unset" and would listen on 162.
    ['127.0.0.1:0', /port must be 1–65535; got 0/],
    ['127.0.0.1:70000', /port must be 1–65535; got 70000/],
    ['[1.2.3.4]:162', /\[1\.2\.3\.4\] is not an IPv6 address/],
  ])('%s is refused', (listen, message) => {
    const result = parseTrapListen(listen);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toMatch(message);
  });
});

describe('describeBindError', () => {
  const v4 = (port: number): TrapEndpoint => ({ host: '0.0.0.0', port, transport: 'udp4' });
  const errno = (code: string) => Object.assign(new Error(`bind ${code}`), { code, syscall: 'bind' });

  it.each<[string, TrapEndpoint, unknown, string, RegExp]>([
    [
      'port 162 without privilege',
      v4(162),
      errno('EACCES'),
      'permission-denied',
      /^cannot receive SNMP traps on 0\.0\.0\.0:162: port 162 needs root or CAP_NET_BIND_SERVICE \(EACCES\); set collector\.traps\.listen to a port above 1024 \(e\.g\. 0\.0\.0\.0:10162\) and forward 162 to it with `iptables -t nat -A PREROUTING -p udp --dport 162 -j REDIRECT --to-ports 10162`$/,
    ],
    ['EPERM on a low port', v4(514), errno('EPERM'), 'permission-denied', /port 514 needs root or CAP_NET_BIND_SERVICE \(EPERM\).*e\.g\. 0\.0\.0\.0:10514/],
    ['IPv6 suggestion keeps the brackets', { host: '::', port: 162, transport: 'udp6' }, errno('EACCES'), 'permission-denied', /e\.g\. \[::\]:10162/],
    ['EACCES on a high port', v4(10162), errno('EACCES'), 'permission-denied', /permission denied \(EACCES\); is a security policy/],
    ['port in use', v4(10162), errno('EADDRINUSE'), 'address-in-use', /^cannot receive SNMP traps on 0\.0\.0\.0:10162: UDP port 10162 is already in use \(EADDRINUSE\)/],
    ['address not here', { host: '10.9.9.9', port: 162, transport: 'udp4' }, errno('EADDRNOTAVAIL'), 'address-unavailable', /10\.9\.9\.9 is not an address of this machine/],
    ['unresolvable host', { host: 'nowhere.invalid', port: 162, transport: 'udp4' }, errno('ENOTFOUND'), 'unresolved-host', /cannot resolve nowhere\.invalid \(ENOTFOUND\)/],
    ['anything else', v4(162), new Error('boom'), 'bind-failed', /^cannot receive SNMP traps on 0\.0\.0\.0:162: boom$/],
  ])('%s', (_name, endpoint, error, code, message) => {
    const listen = endpoint.transport === 'udp6' ? `[${endpoint.host}]:${endpoint.port}` : `${endpoint.host}:${endpoint.port}`;
    const described = describeBindError(listen, endpoint, error);
    expect(described.code).toBe(code);
    expect(described.message).toMatch(message);
  });
});

describe('classifyReceiverError', () => {
  const rinfo = { address: '10.0.0.1', family: 'IPv4', port: 40000, size: 60 };
  const named = (name: string, message: string, extra: object = { rinfo }) => Object.assign(new Error(message), { name }, extra);

  it.each<[string, unknown, string]>([
    // net-snmp's wording, index.js Listener.processIncoming.
    ['unknown community', named('RequestFailedError', 'Local community not found for message with community wrong'), 'rejected-community'],
    ['unknown v3 user', named('RequestFailedError', 'Local user not found for message with user nobody'), 'unsupported'],
    ['v3 security level', named('RequestFailedError', 'Local user x requires privacy but message does not provide it'), 'unsupported'],
    ['a GetRequest on the trap port', named('RequestInvalidError', 'Only SNMPv3 discovery GetRequests are supported'), 'unsupported'],
    ['garbage bytes', named('ProcessingError', 'Failure to process incoming message'), 'malformed'],
    ['v3 digest failure', named('ResponseInvalidError', 'Authentication digest mismatch'), 'malformed'],
    ['a socket error (no rinfo)', Object.assign(new Error('send EPERM'), { code: 'EPERM', syscall: 'send' }), 'socket'],
    ['not an error at all', 'weird', 'socket'],
  ])('%s', (_name, error, category) => {
    expect(classifyReceiverError(error)).toBe(category);
  });
});

describe('startTrapReceiver refuses before binding', () => {
  const base = { clock: { now: () => 0 }, logger: silentLogger, onTrap: () => undefined };

  it('a listen value that is not HOST:PORT', async () => {
    const start = startTrapReceiver({ ...base, listen: 'off', communities: [new Secret('c')] });
    await expect(start).rejects.toBeInstanceOf(TrapReceiverError);
    await expect(start).rejects.toMatchObject({ code: 'invalid-listen' });
  });

  it('no communities: every trap would be dropped', async () => {
    await expect(startTrapReceiver({ ...base, listen: '127.0.0.1:10162', communities: [] })).rejects.toMatchObject({
      code: 'no-communities',
      message: expect.stringMatching(/collector\.traps\.communities is empty, so every trap received on 127\.0\.0\.1:10162 would be dropped/),
    });
  });
});
