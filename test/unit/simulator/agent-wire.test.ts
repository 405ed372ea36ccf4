import type dgram from 'node:dgram';
import { performance } from 'node:perf_hooks';
import snmp from 'net-snmp';
import { afterEach, describe, expect, it } from 'vitest';
import type { Device, Link, Site, SnmpCredentials } from '../../../config/schema.ts';
import { Secret } from '../../../config/secret.ts';
import { createSimMibCache, peekSnmpVersion, startSimAgent, type RunningSimAgent, type SimMibCache } from '../../../simulator/agent.ts';
import type { SimClock, SimDeviceSpec } from '../../../simulator/contracts.ts';
import { malformedVariants } from '../../../simulator/faults.ts';
import { garbageDatagram, malformedPlans, truncateDatagram, wrongTypeCell } from '../../../simulator/malformed.ts';

// The agent in-process: a net-snmp client session and the agent talk through fake sockets that
// hand datagrams to each other on the next turn of the event loop, so no port is opened and every
// byte on the "wire" can be inspected. The loopback tests in test/integration/simulator do the
// same through real sockets with the collector's probe.

const T0 = Date.parse('2024-03-12T09:30:00+07:00');
const SYS = '1.3.6.1.2.1.1';
const IF_ENTRY = '1.3.6.1.2.1.2.2.1';
const IF_X_ENTRY = '1.3.6.1.2.1.31.1.1.1';

const site: Site = { id: 'dan-thang', name: 'Dần Thàng', kind: 'commune', groups: [] };
const device: Device = { id: 'dan-thang-r1', site: 'dan-thang', role: 'router', address: '10.20.1.1', interfaces: 'all' };
const link: Link = { id: 'dan-thang-inet', site: 'dan-thang', kind: 'internet', device: 'dan-thang-r1', capacity: { downMbps: 50, upMbps: 50 }, targets: [] };
const community: SnmpCredentials = { version: '2c', community: new Secret('lw-public') };
const usm: SnmpCredentials = {
  version: '3',
  user: 'linkwatch',
  context: '',
  level: 'authPriv',
  authProtocol: 'sha256',
  authKey: new Secret('auth-key-123'),
  privProtocol: 'aes',
  privKey: new Secret('priv-key-123'),
};

const clock: SimClock = (() => {
  const started = performance.now();
  return { now: () => T0 + (performance.now() - started), speed: 1 };
})();

const spec = (overrides: Partial<SimDeviceSpec> = {}): SimDeviceSpec => ({ device, site, links: [link], profile: 'mikrotik-hex', credentials: community, seed: 7, ...overrides });

// ---------------------------------------------------------------------------------------------
// The in-memory wire
// ---------------------------------------------------------------------------------------------

type Listener = (...args: unknown[]) => void;

interface Wire {
  /** What the agent gets instead of a bound dgram socket. */
  agentSocket: dgram.Socket;
  /** A net-snmp session whose datagrams go to the agent. */
  session(credentials: SnmpCredentials, version?: 0 | 1, timeoutMs?: number): snmp.Session;
  requests: Buffer[];
  replies: Buffer[];
  closed: boolean;
}

function memoryWire(): Wire {
  const agentListeners = new Map<string, Listener[]>();
  const clientListeners = new Map<string, Listener[]>();
  const emit = (listeners: Map<string, Listener[]>, event: string, ...args: unknown[]) => {
    for (const listener of listeners.get(event) ?? []) listener(...args);
  };
  const on = (listeners: Map<string, Listener[]>, event: string, listener: Listener) => listeners.set(event, [...(listeners.get(event) ?? []), listener]);
  const agentAddress = { address: '127.0.0.1', family: 'IPv4', port: 161 };
  const clientAddress = { address: '127.0.0.1', family: 'IPv4', port: 50161 };
  const wire: Wire = {
    requests: [],
    replies: [],
    closed: false,
    agentSocket: {
      address: () => agentAddress,
      on(event: string, listener: Listener) {
        on(agentListeners, event, listener);
        return this;
      },
      send(bytes: Buffer) {
        const copy = Buffer.from(bytes);
        wire.replies.push(copy);
        setImmediate(() => emit(clientListeners, 'message', copy, { ...agentAddress, size: copy.length }));
      },
      close(callback?: () => void) {
        wire.closed = true;
        callback?.();
      },
    } as unknown as dgram.Socket,
    session(credentials, version, timeoutMs = 300) {
      const socket = {
        unref: () => undefined,
        ref: () => undefined,
        bind: () => undefined,
        on(event: string, listener: Listener) {
          on(clientListeners, event, listener);
          return socket;
        },
        send(buffer: Buffer, offset: number, length: number, _port: number, _host: string, callback?: (error: null, bytes: number) => void) {
          const copy = Buffer.from(buffer.subarray(offset, offset + length));
          wire.requests.push(copy);
          setImmediate(() => emit(agentListeners, 'message', copy, { ...clientAddress, size: copy.length }));
          callback?.(null, length);
        },
        close: () => emit(clientListeners, 'close'),
      };
      const options = { timeout: timeoutMs, retries: 0, dgramModule: { createSocket: () => socket } };
      const session =
        credentials.version === '3'
          ? snmp.createV3Session('127.0.0.1', toUser(credentials), { ...options, version: snmp.Version3 })
          : snmp.createSession('127.0.0.1', credentials.community.reveal(), { ...options, version: version ?? snmp.Version2c });
      session.on('error', () => undefined);
      return session;
    },
  };
  return wire;
}

function toUser(credentials: Extract<SnmpCredentials, { version: '3' }>): snmp.User {
  if (credentials.level !== 'authPriv') throw new Error('the tests use authPriv');
  return {
    name: credentials.user,
    level: snmp.SecurityLevel.authPriv,
    authProtocol: snmp.AuthProtocols.sha256,
    authKey: credentials.authKey.reveal(),
    privProtocol: snmp.PrivProtocols.aes,
    privKey: credentials.privKey.reveal(),
  };
}

type Answer = { ok: true; varbinds: snmp.Varbind[] } | { ok: false; error: Error & { status?: number } };
const settle = (run: (done: (error: Error | null, varbinds?: snmp.Varbind[]) => void) => void) =>
  new Promise<Answer>((resolve) => run((error, varbinds) => resolve(error ? { ok: false, error } : { ok: true, varbinds: varbinds ?? [] })));
const get = (session: snmp.Session, oids: string[]) => settle((done) => session.get(oids, done));
const getNext = (session: snmp.Session, oids: string[]) => settle((done) => session.getNext(oids, done));
const getBulk = (session: snmp.Session, oid: string, repetitions: number) =>
  settle((done) => session.getBulk([oid], 0, repetitions, (error, varbinds) => done(error, (varbinds?.[0] as unknown as snmp.Varbind[]) ?? [])));

const ok = (answer: Answer): snmp.Varbind[] => {
  if (!answer.ok) throw answer.error;
  return answer.varbinds;
};

let agents: RunningSimAgent[] = [];
afterEach(async () => {
  await Promise.all(agents.map((agent) => agent.stop()));
  agents = [];
});

async function start(overrides: Partial<SimDeviceSpec> = {}, mibs?: SimMibCache): Promise<{ agent: RunningSimAgent; wire: Wire }> {
  const wire = memoryWire();
  const agent = await startSimAgent({ spec: spec(overrides), clock, socket: wire.agentSocket, ...(mibs ? { mibs } : {}) });
  agents.push(agent);
  return { agent, wire };
}

// ---------------------------------------------------------------------------------------------
// Pure helpers
// ---------------------------------------------------------------------------------------------

describe('peekSnmpVersion', () => {
  it.each<[string, SnmpCredentials, 0 | 1 | undefined, number]>([
    ['SNMPv1', community, snmp.Version1, 0],
    ['SNMPv2c', community, snmp.Version2c, 1],
    ['SNMPv3 (discovery)', usm, undefined, 3],
  ])('reads %s from a real request', async (_name, credentials, version, expected) => {
    const wire = memoryWire();
    const session = wire.session(credentials, version);
    session.get([`${SYS}.5.0`], () => undefined);
    await new Promise((resolve) => setImmediate(resolve));
    session.close();
    expect(peekSnmpVersion(wire.requests[0]!)).toBe(expected);
  });

  it.each<[string, Buffer, number | undefined]>([
    ['a long-form length', Buffer.from([0x30, 0x82, 0x01, 0x00, 0x02, 0x01, 0x01]), 1],
    ['not a SEQUENCE', Buffer.from([0x31, 0x05, 0x02, 0x01, 0x01]), undefined],
    ['a version that is not a one-byte INTEGER', Buffer.from([0x30, 0x05, 0x04, 0x01, 0x01]), undefined],
    ['too short', Buffer.from([0x30]), undefined],
  ])('%s', (_name, bytes, expected) => {
    expect(peekSnmpVersion(bytes)).toBe(expected);
  });
});

describe('malformed replies (pure parts)', () => {
  it('has a plan for every variant the fault list names', () => {
    expect(Object.keys(malformedPlans).sort()).toEqual([...malformedVariants].sort());
  });

  it('garbage is never a BER SEQUENCE, 16–96 bytes, deterministic', () => {
    for (let sequence = 0; sequence < 200; sequence++) {
      const bytes = garbageDatagram(3, sequence);
      expect(bytes[0]).not.toBe(0x30);
      expect(bytes.length).toBeGreaterThanOrEqual(16);
      expect(bytes.length).toBeLessThanOrEqual(96);
    }
    expect(garbageDatagram(3, 1)).toEqual(garbageDatagram(3, 1));
    expect(garbageDatagram(3, 1)).not.toEqual(garbageDatagram(3, 2));
  });

  const tlv = (tag: number, content: Buffer) =>
    Buffer.concat([Buffer.from(content.length < 0x80 ? [tag, content.length] : [tag, 0x81, content.length]), content]);
  const v2cReply = tlv(0x30, Buffer.concat([tlv(0x02, Buffer.from([1])), tlv(0x04, Buffer.from('public')), tlv(0xa2, Buffer.alloc(60, 7))]));
  const v3Reply = tlv(
    0x30,
    Buffer.concat([tlv(0x02, Buffer.from([3])), tlv(0x30, Buffer.alloc(14, 1)), tlv(0x04, Buffer.alloc(50, 2)), tlv(0x04, Buffer.alloc(80, 3))]),
  );

  it.each<[string, Buffer, number]>([
    // outer header 2 + version 3 + community 8 + PDU header 2, then half of the PDU's 60 octets
    ['v1/v2c: in the PDU, past its request-id, error-status and error-index', v2cReply, 2 + 3 + 8 + 2 + 30],
    // outer header 3 + version 3 + global data 16 + security parameters header 2, then half of 50
    ['v3: in the security parameters', v3Reply, 3 + 3 + 16 + 2 + 25],
    ['not BER: in half', Buffer.alloc(100, 0xff), 50],
    ['a stub', Buffer.from([0x30, 0x01]), 1],
  ])('truncating %s', (_name, reply, kept) => {
    const cut = truncateDatagram(reply);
    expect(cut).toHaveLength(kept);
    expect(reply.subarray(0, kept)).toEqual(cut);
  });

  it.each<[string, number, { type: number; value: unknown } | undefined]>([
    ['Counter32 → OCTET STRING', snmp.ObjectType.Counter, { type: snmp.ObjectType.OctetString, value: 'n/a' }],
    ['Counter64 → Counter32', snmp.ObjectType.Counter64, { type: snmp.ObjectType.Counter, value: 0 }],
    ['other types are left alone', snmp.ObjectType.OctetString, undefined],
  ])('wrong types: %s', (_name, type, expected) => {
    expect(wrongTypeCell(type)).toEqual(expected);
  });
});

// ---------------------------------------------------------------------------------------------
// The agent
// ---------------------------------------------------------------------------------------------

describe('the agent in-process', () => {
  it('answers the system group from the device, sysUpTime at the request time', async () => {
    const { agent, wire } = await start();
    const varbinds = ok(await get(wire.session(community), [1, 2, 3, 4, 5, 6, 7].map((n) => `${SYS}.${n}.0`)));
    const ticks = agent.device.uptimeTicks(clock.now());
    expect(varbinds.map((varbind) => [varbind.type, Buffer.isBuffer(varbind.value) ? varbind.value.toString() : varbind.value])).toEqual([
      [snmp.ObjectType.OctetString, 'RouterOS RB750Gr3'],
      [snmp.ObjectType.OID, '1.3.6.1.4.1.14988.1'],
      [snmp.ObjectType.TimeTicks, expect.any(Number)],
      [snmp.ObjectType.OctetString, 'IT huyện'],
      [snmp.ObjectType.OctetString, 'dan-thang-r1'],
      [snmp.ObjectType.OctetString, 'Dần Thàng'],
      [snmp.ObjectType.Integer, 78],
    ]);
    expect(Math.abs((varbinds[2]!.value as number) - ticks)).toBeLessThanOrEqual(2);
  });

  it('GETBULK returns the ifHC counters as 8-byte Counter64 values equal to the device counters', async () => {
    const { agent, wire } = await start();
    const varbinds = ok(await getBulk(wire.session(community), `${IF_X_ENTRY}.6`, 3));
    expect(varbinds.map((varbind) => varbind.oid)).toEqual([`${IF_X_ENTRY}.6.1`, `${IF_X_ENTRY}.6.2`, `${IF_X_ENTRY}.6.3`]);
    for (const varbind of varbinds) expect(varbind.type).toBe(snmp.ObjectType.Counter64);
    const first = varbinds[0]!.value as Buffer;
    expect(first).toHaveLength(8);
    const now = agent.device.interfaceAt(1, clock.now())!.counters.inOctets;
    expect(first.readBigUInt64BE()).toBeLessThanOrEqual(now);
    expect(now - first.readBigUInt64BE()).toBeLessThan(50_000_000n);
  });

  it('SNMPv1: GETNEXT steps over Counter64 objects, a GET of one is noSuchName; v2c sees them', async () => {
    const { wire } = await start();
    const from = `${IF_X_ENTRY}.5.7`; // the last ifOutBroadcastPkts; ifHCInOctets.1 comes next
    expect(ok(await getNext(wire.session(community, snmp.Version1), [from]))[0]).toMatchObject({ oid: `${IF_X_ENTRY}.14.1`, type: snmp.ObjectType.Integer });
    expect(ok(await getNext(wire.session(community, snmp.Version2c), [from]))[0]).toMatchObject({ oid: `${IF_X_ENTRY}.6.1`, type: snmp.ObjectType.Counter64 });
    const v1Get = await get(wire.session(community, snmp.Version1), [`${IF_X_ENTRY}.6.1`]);
    expect(v1Get.ok).toBe(false);
    if (!v1Get.ok) expect(v1Get.error.status).toBe(snmp.ErrorStatus.NoSuchName);
  });

  it('SNMPv3 authPriv answers, and keeps answering the same session across a reboot (engineBoots moves on)', async () => {
    const { agent, wire } = await start({ credentials: usm });
    const session = wire.session(usm);
    expect(ok(await get(session, [`${SYS}.5.0`]))[0]!.value?.toString()).toBe('dan-thang-r1');
    agent.reboot();
    const [uptime] = ok(await get(session, [`${SYS}.3.0`]));
    expect(uptime!.value as number).toBeLessThan(100);
  });

  it('ignores a wrong community without a word, as routers do', async () => {
    const { agent, wire } = await start();
    const answer = await get(wire.session({ version: '2c', community: new Secret('wrong') }), [`${SYS}.5.0`]);
    expect(answer.ok).toBe(false);
    expect(wire.replies).toHaveLength(0);
    expect(agent.stats()).toEqual({ requests: 1, answered: 0, dropped: 0 });
  });

  it('silent and 100 % request loss drop every request; both undone, it answers again', async () => {
    const { agent, wire } = await start();
    const session = wire.session(community);
    agent.setSilent(true);
    expect((await get(session, [`${SYS}.5.0`])).ok).toBe(false);
    agent.setSilent(false);
    agent.setRequestLoss(100);
    expect((await get(session, [`${SYS}.5.0`])).ok).toBe(false);
    agent.setRequestLoss(0);
    expect((await get(session, [`${SYS}.5.0`])).ok).toBe(true);
    expect(agent.stats()).toEqual({ requests: 3, answered: 1, dropped: 2 });
    expect(wire.replies).toHaveLength(1);
  });

  it('request loss drops about its share, the same requests for the same seed', async () => {
    const run = async () => {
      const { agent, wire } = await start();
      agent.setRequestLoss(30);
      const session = wire.session(community, snmp.Version2c, 30);
      // Which requests were dropped, from the agent's own count (the client's view depends on timing).
      const dropped: number[] = [];
      for (let i = 0; i < 40; i++) {
        await get(session, [`${SYS}.5.0`]);
        dropped.push(agent.stats().dropped);
      }
      return dropped;
    };
    const first = await run();
    expect(first.at(-1)).toBeGreaterThan(4);
    expect(first.at(-1)).toBeLessThan(24);
    expect(await run()).toEqual(first);
  });

  it('delays its answers by the set time', async () => {
    const { agent, wire } = await start();
    agent.setDelay(80);
    const session = wire.session(community, snmp.Version2c, 1000);
    const started = performance.now();
    expect(ok(await get(session, [`${SYS}.5.0`]))).toHaveLength(1);
    expect(performance.now() - started).toBeGreaterThanOrEqual(75);
  });

  it('garbage: answers bytes net-snmp cannot parse', async () => {
    const { agent, wire } = await start();
    agent.setMalformed('garbage');
    const session = wire.session(community);
    const errors: unknown[] = [];
    session.on('error', (error: unknown) => errors.push(error));
    expect((await get(session, [`${SYS}.5.0`])).ok).toBe(false);
    expect(wire.replies[0]![0]).not.toBe(0x30);
    expect(errors.length).toBeGreaterThan(0);
    expect(agent.stats().answered).toBe(1);
  });

  it('truncated: the real answer cut short, which net-snmp cannot use', async () => {
    const { agent, wire } = await start();
    const session = wire.session(community);
    ok(await get(session, [`${SYS}.1.0`]));
    const whole = wire.replies[0]!;
    agent.setMalformed('truncated');
    const answer = await get(session, [`${SYS}.1.0`]);
    // Cut in its only varbind: net-snmp either fails the request or hands over a cut-off value.
    expect(answer.ok && answer.varbinds[0]?.value !== null && answer.varbinds.length === 1).toBe(false);
    const cut = wire.replies[1]!;
    expect(cut.length).toBeLessThan(whole.length);
    // The outer SEQUENCE still claims the whole message.
    const claimed = cut[1]! & 0x80 ? cut.readUIntBE(2, cut[1]! & 0x7f) : cut[1]!;
    expect(claimed).toBeGreaterThan(cut.length);
  });

  it('wrong-type: counters answer with the wrong SMI types, the rest is right; undone, the types are right again', async () => {
    const { agent, wire } = await start();
    agent.setMalformed('wrong-type');
    const session = wire.session(community);
    const [inOctets, hcInOctets, name] = ok(await get(session, [`${IF_ENTRY}.10.1`, `${IF_X_ENTRY}.6.1`, `${IF_X_ENTRY}.1.1`]));
    expect(inOctets).toMatchObject({ type: snmp.ObjectType.OctetString });
    expect(inOctets!.value?.toString()).toBe('n/a');
    expect(hcInOctets).toMatchObject({ type: snmp.ObjectType.Counter, value: 0 });
    expect(name!.value?.toString()).toBe('ether1');
    agent.setMalformed(undefined);
    const [again, hcAgain] = ok(await get(session, [`${IF_ENTRY}.10.1`, `${IF_X_ENTRY}.6.1`]));
    expect(again!.type).toBe(snmp.ObjectType.Counter);
    expect(hcAgain!.type).toBe(snmp.ObjectType.Counter64);
  });

  it('re-indexing: the agent answers under the new ifIndex values at once', async () => {
    const { agent, wire } = await start();
    const session = wire.session(community);
    const before = ok(await getBulk(session, `${IF_ENTRY}.1`, 7)).map((varbind) => varbind.value);
    agent.reindex();
    const after = ok(await getBulk(session, `${IF_ENTRY}.1`, 7)).map((varbind) => varbind.value);
    expect(before).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(after).toEqual(agent.device.interfaces().map((iface) => iface.ifIndex));
    expect(after.filter((index) => before.includes(index))).toEqual([]);
  });

  it('link interface down: ifOperStatus 2, ifAdminStatus still 1', async () => {
    const { agent, wire } = await start();
    agent.setLinkInterface('dan-thang-inet', 'down');
    const [admin, oper] = ok(await get(wire.session(community), [`${IF_ENTRY}.7.1`, `${IF_ENTRY}.8.1`]));
    expect([admin!.value, oper!.value]).toEqual([1, 2]);
  });

  it('agents of the same shape share one MIB tree and still answer each for its own device', async () => {
    const mibs = createSimMibCache();
    const a = await start({ device: { ...device, id: 'router-a' }, seed: 1 }, mibs);
    const b = await start({ device: { ...device, id: 'router-b' }, seed: 2 }, mibs);
    const c = await start({ device: { ...device, id: 'router-c' }, profile: 'cisco-isr4331' }, mibs);
    expect(mibs.size).toBe(2);
    const names = await Promise.all([a, b, c, a, b].map(({ wire }) => get(wire.session(community), [`${SYS}.5.0`])));
    expect(names.map((answer) => ok(answer)[0]!.value?.toString())).toEqual(['router-a', 'router-b', 'router-c', 'router-a', 'router-b']);
    a.agent.reindex();
    expect(mibs.size).toBe(3);
    expect(ok(await get(b.wire.session(community), [`${IF_ENTRY}.1.1`]))[0]!.value).toBe(1);
  });

  it('stop() closes the socket it was given and answers nothing more', async () => {
    const { agent, wire } = await start();
    await agent.stop();
    expect(wire.closed).toBe(true);
    expect((await get(wire.session(community), [`${SYS}.5.0`])).ok).toBe(false);
    expect(wire.replies).toHaveLength(0);
  });
});
