import { execFile } from 'node:child_process';
import dgram from 'node:dgram';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import snmp from 'net-snmp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Logger } from '../../../collector/logger.ts';
import type { TrapEvent } from '../../../collector/traps/decode.ts';
import { startTrapReceiver, TrapReceiverError, type TrapReceiver, type TrapReceiverStats } from '../../../collector/traps/receiver.ts';
import { Secret } from '../../../config/secret.ts';
import { closedUdpPort } from '../../helpers/ports.ts';

// Real traps from Debian's snmptrap/snmpinform (net-snmp 5.9, package `snmp`) to the receiver on
// a free loopback port, plus raw datagrams no agent sends.

const run = promisify(execFile);

const GOOD = 'lw-trap-good-7d2f';
const SECOND = 'lw-trap-second-91c4';
const WRONG = 'lw-trap-wrong-55ab';
const LINK_DOWN = '1.3.6.1.6.3.1.1.5.3';
const LINK_UP = '1.3.6.1.6.3.1.1.5.4';
const COLD_START = '1.3.6.1.6.3.1.1.5.1';
const IF_INDEX = '1.3.6.1.2.1.2.2.1.1';
const IF_ADMIN = '1.3.6.1.2.1.2.2.1.7';
const IF_OPER = '1.3.6.1.2.1.2.2.1.8';
const IF_NAME = '1.3.6.1.2.1.31.1.1.1.1';
const NOW = 1_750_000_000_000;

interface LogLine {
  level: string;
  object: object;
  message?: string;
}

const collectingLogger = (lines: LogLine[]): Logger => ({
  debug: (object, message) => lines.push({ level: 'debug', object, message }),
  info: (object, message) => lines.push({ level: 'info', object, message }),
  warn: (object, message) => lines.push({ level: 'warn', object, message }),
  error: (object, message) => lines.push({ level: 'error', object, message }),
});

async function waitFor(condition: () => boolean, what: string, timeoutMs = 3_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

let persistentDir: string;
let port: number;
let receiver: TrapReceiver;
const events: TrapEvent[] = [];
const logs: LogLine[] = [];

beforeAll(async () => {
  // snmptrap writes its engine state under SNMP_PERSISTENT_DIR; keep it out of /var/lib/snmp.
  persistentDir = await mkdtemp(join(tmpdir(), 'linkwatch-traps-'));
  port = await closedUdpPort();
  receiver = await startTrapReceiver({
    listen: `127.0.0.1:${port}`,
    communities: [new Secret(GOOD), new Secret(SECOND)],
    clock: { now: () => NOW },
    logger: collectingLogger(logs),
    onTrap: (event) => events.push(event),
  });
});

afterAll(async () => {
  await receiver?.close();
  if (persistentDir) await rm(persistentDir, { recursive: true, force: true });
});

const env = () => ({ ...process.env, SNMP_PERSISTENT_DIR: persistentDir, MIBS: '' });

/** The receiver's address in an argument list. */
const HOST = '{receiver}';
const withHost = (args: string[]) => args.map((arg) => (arg === HOST ? `127.0.0.1:${port}` : arg));

/** Sends with snmptrap (or snmpinform) and waits until the receiver has counted the datagram. */
async function send(args: string[], command: 'snmptrap' | 'snmpinform' = 'snmptrap'): Promise<TrapReceiverStats> {
  const before = receiver.stats().received;
  await run(command, withHost(args), { env: env(), timeout: 5_000 });
  await waitFor(() => receiver.stats().received > before, `the receiver to count a datagram from ${command} ${args.join(' ')}`);
  return receiver.stats();
}

const v2c = (community: string, trapOid: string, ...varbinds: string[]) => ['-v', '2c', '-c', community, HOST, '', trapOid, ...varbinds];
// snmptrap -v 1 -c C HOST enterprise agent-addr generic specific uptime varbinds…
const v1 = (community: string, generic: number, ...varbinds: string[]) => ['-v', '1', '-c', community, HOST, '1.3.6.1.4.1.8072', '127.0.0.9', String(generic), '0', '', ...varbinds];
const linkVarbinds = (index: number, admin: number, oper: number, name: string) => [
  `${IF_INDEX}.${index}`, 'i', String(index),
  `${IF_ADMIN}.${index}`, 'i', String(admin),
  `${IF_OPER}.${index}`, 'i', String(oper),
  `${IF_NAME}.${index}`, 's', name,
];

describe('traps from snmptrap', () => {
  it.each<[string, string[], TrapEvent]>([
    [
      'v2c linkDown',
      v2c(GOOD, LINK_DOWN, ...linkVarbinds(2, 1, 2, 'Gi0/1')),
      { kind: 'link-down', source: '127.0.0.1', ifIndex: 2, ifName: 'Gi0/1', adminStatus: 'up', operStatus: 'down', receivedAtMs: NOW },
    ],
    [
      'v2c linkUp',
      v2c(GOOD, LINK_UP, ...linkVarbinds(2, 1, 1, 'Gi0/1')),
      { kind: 'link-up', source: '127.0.0.1', ifIndex: 2, ifName: 'Gi0/1', adminStatus: 'up', operStatus: 'up', receivedAtMs: NOW },
    ],
    ['v2c coldStart', v2c(GOOD, COLD_START), { kind: 'cold-start', source: '127.0.0.1', receivedAtMs: NOW }],
    ['v2c with the second community', v2c(SECOND, COLD_START), { kind: 'cold-start', source: '127.0.0.1', receivedAtMs: NOW }],
    [
      'v1 linkDown',
      v1(GOOD, 2, ...linkVarbinds(5, 2, 2, 'ether5')),
      { kind: 'link-down', source: '127.0.0.1', agentAddress: '127.0.0.9', ifIndex: 5, ifName: 'ether5', adminStatus: 'down', operStatus: 'down', receivedAtMs: NOW },
    ],
    [
      'v1 linkUp',
      v1(GOOD, 3, `${IF_INDEX}.5`, 'i', '5'),
      { kind: 'link-up', source: '127.0.0.1', agentAddress: '127.0.0.9', ifIndex: 5, receivedAtMs: NOW },
    ],
    ['v1 coldStart', v1(GOOD, 0), { kind: 'cold-start', source: '127.0.0.1', agentAddress: '127.0.0.9', receivedAtMs: NOW }],
  ])('%s is decoded', async (_name, args, expected) => {
    const before = { ...receiver.stats(), events: events.length };
    const stats = await send(args);
    expect(stats.accepted).toBe(before.accepted + 1);
    expect(events).toHaveLength(before.events + 1);
    expect(events.at(-1)).toEqual(expected);
  });

  it('an InformRequest is accepted and acknowledged (snmpinform exits 0)', async () => {
    const before = events.length;
    await send(['-v', '2c', '-c', GOOD, '-t', '1', '-r', '0', HOST, '', LINK_DOWN, `${IF_INDEX}.3`, 'i', '3'], 'snmpinform');
    expect(events.slice(before)).toEqual([{ kind: 'link-down', source: '127.0.0.1', ifIndex: 3, receivedAtMs: NOW }]);
  });

  it('a wrong community never reaches onTrap, is counted, and an inform with it is not acknowledged', async () => {
    const before = { ...receiver.stats(), events: events.length };
    const stats = await send(v2c(WRONG, LINK_DOWN, `${IF_INDEX}.2`, 'i', '2'));
    await send(v1(WRONG, 2));
    expect(receiver.stats().rejectedCommunity).toBe(before.rejectedCommunity + 2);
    expect(stats.accepted).toBe(before.accepted);
    expect(events).toHaveLength(before.events);
    const inform = run('snmpinform', ['-v', '2c', '-c', WRONG, '-t', '0.3', '-r', '0', `127.0.0.1:${port}`, '', COLD_START], { env: env() });
    await expect(inform).rejects.toThrow();
    expect(events).toHaveLength(before.events);
    expect(receiver.stats().rejectedCommunity).toBe(before.rejectedCommunity + 3);
    expect(logs.some((line) => line.level === 'warn' && /community is not one of collector\.traps\.communities/.test(line.message ?? ''))).toBe(true);
  });

  it('traps linkwatch does not act on, or with wrong-typed varbinds, are counted and not delivered', async () => {
    const before = { ...receiver.stats(), events: events.length };
    await send(v2c(GOOD, '1.3.6.1.4.1.9.9.43.2.0.1'));
    await send(['-v', '1', '-c', GOOD, HOST, '1.3.6.1.4.1.9', '127.0.0.9', '6', '17', '']);
    await send(v2c(GOOD, LINK_DOWN, `${IF_INDEX}.2`, 's', 'two'));
    const stats = receiver.stats();
    expect(stats.unsupported).toBe(before.unsupported + 2);
    expect(stats.malformed).toBe(before.malformed + 1);
    expect(events).toHaveLength(before.events);
    expect(logs.some((line) => JSON.stringify(line.object).includes('ifIndex.2 is OCTET STRING, expected Integer32'))).toBe(true);
  });

  it('an SNMPv3 trap is counted as unsupported: there are no v3 users to check it against', async () => {
    const before = { ...receiver.stats(), events: events.length };
    await send(['-v', '3', '-u', 'nobody', '-l', 'noAuthNoPriv', HOST, '', COLD_START]);
    expect(receiver.stats().unsupported).toBe(before.unsupported + 1);
    expect(events).toHaveLength(before.events);
  });

  it('an unauthenticated SNMPv3 trap with an empty user name (which net-snmp lets through) is not delivered', async () => {
    const before = { ...receiver.stats(), events: events.length };
    const session = snmp.createV3Session('127.0.0.1', { name: '', level: snmp.SecurityLevel.noAuthNoPriv }, { trapPort: port, version: snmp.Version3 });
    try {
      await new Promise<void>((resolve, reject) => session.trap(snmp.TrapType.ColdStart, (error: Error | null) => (error ? reject(error) : resolve())));
      await waitFor(() => receiver.stats().received > before.received, 'the v3 trap');
    } finally {
      session.close();
    }
    expect(receiver.stats().unsupported).toBe(before.unsupported + 1);
    expect(events).toHaveLength(before.events);
    // Dropped by the receiver's own check, not by net-snmp's authorizer.
    expect(logs.some((line) => line.message === 'SNMPv3 trap ignored: linkwatch accepts v1/v2c communities only')).toBe(true);
  });

  it('garbage datagrams are counted as malformed and the receiver keeps working', async () => {
    const before = { ...receiver.stats(), events: events.length };
    const socket = dgram.createSocket('udp4');
    try {
      for (const garbage of [Buffer.from('garbage'), Buffer.alloc(0), Buffer.from('3003020100', 'hex'), Buffer.from('302c020101', 'hex')]) {
        await new Promise<void>((resolve, reject) => socket.send(garbage, port, '127.0.0.1', (error) => (error ? reject(error) : resolve())));
      }
    } finally {
      socket.close();
    }
    await waitFor(() => receiver.stats().malformed >= before.malformed + 4, 'four malformed datagrams');
    expect(events).toHaveLength(before.events);
    await send(v2c(GOOD, COLD_START));
    expect(events).toHaveLength(before.events + 1);
    expect(receiver.stats().accepted).toBe(before.accepted + 1);
  });

  it('stats add up: every datagram is counted once', () => {
    const { received, accepted, rejectedCommunity, unsupported, malformed } = receiver.stats();
    expect(received).toBe(accepted + rejectedCommunity + unsupported + malformed);
  });

  it('no log line carries a community, accepted or not', () => {
    expect(logs.length).toBeGreaterThan(0);
    const text = JSON.stringify(logs.map((line) => [line.object, line.message]));
    for (const community of [GOOD, SECOND, WRONG]) expect(text).not.toContain(community);
  });
});

describe('start and stop', () => {
  it('reports where it listens', () => {
    expect(receiver.address).toBe(`127.0.0.1:${port}`);
  });

  it('a port in use gives an error naming the address and the cause', async () => {
    const start = startTrapReceiver({
      listen: `127.0.0.1:${port}`,
      communities: [new Secret(GOOD)],
      clock: { now: () => NOW },
      logger: collectingLogger([]),
      onTrap: () => undefined,
    });
    await expect(start).rejects.toBeInstanceOf(TrapReceiverError);
    await expect(start).rejects.toMatchObject({
      code: 'address-in-use',
      message: expect.stringContaining(`cannot receive SNMP traps on 127.0.0.1:${port}: UDP port ${port} is already in use (EADDRINUSE)`),
    });
    // The failed attempt disturbed nothing.
    await send(v2c(GOOD, COLD_START));
  });

  it('an address that is not on this machine is named', async () => {
    const start = startTrapReceiver({
      listen: `192.0.2.77:${port}`,
      communities: [new Secret(GOOD)],
      clock: { now: () => NOW },
      logger: collectingLogger([]),
      onTrap: () => undefined,
    });
    await expect(start).rejects.toMatchObject({ code: 'address-unavailable', message: expect.stringContaining('192.0.2.77 is not an address of this machine') });
  });

  it('a throwing onTrap is logged and the receiver keeps delivering', async () => {
    const lines: LogLine[] = [];
    let calls = 0;
    const other = await startTrapReceiver({
      listen: `127.0.0.1:${await closedUdpPort()}`,
      communities: [new Secret(GOOD)],
      clock: { now: () => NOW },
      logger: collectingLogger(lines),
      onTrap: () => {
        calls++;
        throw new Error('alert engine exploded');
      },
    });
    try {
      const target = other.address;
      for (let i = 1; i <= 2; i++) {
        await run('snmptrap', ['-v', '2c', '-c', GOOD, target, '', COLD_START], { env: env(), timeout: 5_000 });
        await waitFor(() => other.stats().accepted === i, `trap ${i}`);
      }
      expect(calls).toBe(2);
      expect(lines.filter((line) => line.level === 'error' && line.message === 'trap handler failed')).toHaveLength(2);
    } finally {
      await other.close();
    }
  });

  it('close() frees the port, and a second close() is harmless', async () => {
    const other = await startTrapReceiver({
      listen: `127.0.0.1:${await closedUdpPort()}`,
      communities: [new Secret(GOOD)],
      clock: { now: () => NOW },
      logger: collectingLogger([]),
      onTrap: () => undefined,
    });
    const [, otherPort] = other.address.split(':');
    await other.close();
    await other.close();
    const socket = dgram.createSocket('udp4');
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(Number(otherPort), '127.0.0.1', resolve);
    });
    await new Promise<void>((resolve) => socket.close(() => resolve()));
  });
});
