import { performance } from 'node:perf_hooks';
import { afterEach, describe, expect, it } from 'vitest';
import { probeSnmp, type SnmpProbeOptions, type SnmpProbeResult, type SnmpTarget } from '../../../collector/probes/snmp/probe.ts';
import type { SnmpCredentials } from '../../../config/schema.ts';
import { Secret } from '../../../config/secret.ts';
import { ber, response, startFakeAgent, systemAnswer, tableAnswer, tlv, type Answer, type FakeAgent, type Request } from './fake-agent.ts';
import { closedUdpPort } from '../../helpers/ports.ts';

// Answers no real agent gives, from a raw UDP responder on loopback, and silence from a closed
// port. What net-snmp does with each (checked in node_modules/net-snmp/index.js):
// - bytes it cannot parse: Message.createFromBuffer throws inside its 'message' handler, it emits
//   'error' (which would crash the process without a listener) and drops the datagram, so the
//   request then times out. The session listens, remembers the parse error, and the probe reports
//   `malformed` — truthfully "an answer came and was garbage" — after the timeout.
// - a parseable answer with a wrong type: decoded by us, `malformed` at once, OID named.
// - a v3-shaped answer to a v2c request: net-snmp throws outside its try/catch; the guarded socket
//   catches it and fails the request as `malformed` at once.

const IF_ENTRY = '1.3.6.1.2.1.2.2.1';
const IF_X_ENTRY = '1.3.6.1.2.1.31.1.1.1';
const options: SnmpProbeOptions = { timeoutMs: 250, retries: 1, maxRepetitions: 10 };
const BUDGET = options.timeoutMs * (options.retries + 1);
const v2c: SnmpCredentials = { version: '2c', community: new Secret('public') };

let agent: FakeAgent | undefined;
afterEach(async () => {
  await agent?.close();
  agent = undefined;
});

const target = (port: number, credentials: SnmpCredentials = v2c): SnmpTarget => ({ device: 'fake-xa', host: '127.0.0.1', port, credentials });

async function timed(run: () => Promise<SnmpProbeResult>): Promise<{ result: SnmpProbeResult; elapsed: number }> {
  const started = performance.now();
  const result = await run();
  return { result, elapsed: performance.now() - started };
}

/** System group answered properly; walks answered by `walk` (default: the tables are empty). */
const agentWith =
  (walk: (request: Request) => Answer = (request) => response(request, [[request.oids[0]!, ber.endOfMibView()]])) =>
  (request: Request | undefined): Answer => {
    if (!request) return undefined;
    return request.pduType === 0xa0 ? systemAnswer(request) : walk(request);
  };

describe('silence', () => {
  it.each<[string, SnmpCredentials]>([
    ['v2c', v2c],
    ['v3', { version: '3', user: 'linkwatch', context: '', level: 'authNoPriv', authProtocol: 'sha', authKey: new Secret('authkey123') }],
  ])('a closed loopback port is a timeout (or unreachable) within timeout × attempts (%s)', async (_name, credentials) => {
    const { result, elapsed } = await timed(async () => probeSnmp(target(await closedUdpPort(), credentials), options));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    // Linux does not report ICMP port unreachable to an unconnected UDP socket, so it is silence.
    expect(['timeout', 'unreachable']).toContain(result.reason);
    expect(result.message).toMatch(/^router fake-xa \(127\.0\.0\.1:\d+\): /);
    expect(elapsed).toBeGreaterThanOrEqual(BUDGET - 20);
    expect(elapsed).toBeLessThan(BUDGET + 400);
  });

  it('a v2c timeout names a wrong community as a likely cause', async () => {
    const result = await probeSnmp(target(await closedUdpPort()), options);
    expect(result).toMatchObject({ ok: false, reason: 'timeout', message: expect.stringMatching(/wrong community/) });
  });
});

describe('answers net-snmp cannot parse', () => {
  it.each<[string, (request: Request | undefined, raw: Buffer) => Answer]>([
    ['garbage bytes', () => Buffer.from('this is not BER at all')],
    ['a truncated response PDU', (request) => (request ? systemAnswer(request).subarray(0, 20) : undefined)],
    ['an unknown varbind type', (request) => (request ? response(request, request.oids.map((oid) => [oid, tlv(0x99, Buffer.from([1]))])) : undefined)],
  ])('%s → malformed after the timeout, process alive', async (_name, answer) => {
    agent = await startFakeAgent(answer);
    const { result, elapsed } = await timed(() => probeSnmp(target(agent!.port), options));
    expect(result).toMatchObject({
      ok: false,
      reason: 'malformed',
      message: expect.stringMatching(/^router fake-xa \(127\.0\.0\.1:\d+\): the agent answered with a packet that cannot be decoded \(.+ from 127\.0\.0\.1:\d+\)/),
    });
    expect(elapsed).toBeLessThan(BUDGET + 400);
  });

  it('a response cut off inside the last value → malformed at once (net-snmp reads the cut value as null)', async () => {
    agent = await startFakeAgent((request) => (request ? systemAnswer(request).subarray(0, -7) : undefined));
    const { result, elapsed } = await timed(() => probeSnmp(target(agent!.port), options));
    expect(result).toMatchObject({
      ok: false,
      reason: 'malformed',
      message: expect.stringMatching(/sysLocation\.0: OCTET STRING has no value \(is the packet cut off\?\) \(OID 1\.3\.6\.1\.2\.1\.1\.6\.0\)$/),
    });
    expect(elapsed).toBeLessThan(options.timeoutMs);
  });

  it('a v3-shaped reply with the auth flag to a v2c request (net-snmp throws outside its try/catch) → malformed at once', async () => {
    agent = await startFakeAgent((request) => {
      if (!request) return undefined;
      const pdu = tlv(0xa2, Buffer.concat([ber.integer(request.requestId), ber.integer(0), ber.integer(0), ber.sequence()]));
      return ber.sequence(
        ber.integer(3),
        ber.sequence(ber.integer(request.requestId), ber.integer(65507), ber.octets(Buffer.from([0x01])), ber.integer(3)),
        // msgSecurityParameters: engine ID, boots, time, user, a 12-octet digest, no salt.
        ber.octets(
          ber.sequence(ber.octets(Buffer.from('80001f8801', 'hex')), ber.integer(1), ber.integer(100), ber.octets('x'), ber.octets(Buffer.alloc(12)), ber.octets('')),
        ),
        ber.sequence(ber.octets(''), ber.octets(''), pdu),
      );
    });
    const { result, elapsed } = await timed(() => probeSnmp(target(agent!.port), options));
    expect(result).toMatchObject({ ok: false, reason: 'malformed', message: expect.stringMatching(/net-snmp failed on an answer from 127\.0\.0\.1:\d+: /) });
    expect(elapsed).toBeLessThan(options.timeoutMs);
  });
});

describe('answers that parse but do not fit', () => {
  it('sysUpTime as an OCTET STRING → malformed naming the object and OID', async () => {
    agent = await startFakeAgent((request) =>
      request ? response(request, request.oids.map((oid) => [oid, oid === '1.3.6.1.2.1.1.2.0' ? ber.oid('1.3.6.1.4.1.9') : ber.octets('12 days')])) : undefined,
    );
    const result = await probeSnmp(target(agent.port), options);
    expect(result).toEqual({
      ok: false,
      reason: 'malformed',
      message: expect.stringMatching(/^router fake-xa \(127\.0\.0\.1:\d+\): sysUpTime\.0 is OCTET STRING, expected TimeTicks \(OID 1\.3\.6\.1\.2\.1\.1\.3\.0\)$/),
    });
  });

  it('an OCTET STRING in ifInOctets → malformed naming ifInOctets.1', async () => {
    agent = await startFakeAgent(
      agentWith((request) =>
        tableAnswer(request, [
          [`${IF_ENTRY}.2.1`, ber.octets('eth0')],
          [`${IF_ENTRY}.3.1`, ber.integer(6)],
          [`${IF_ENTRY}.10.1`, ber.octets('1234')],
          [`${IF_ENTRY}.16.1`, ber.counter32(99)],
        ]),
      ),
    );
    const result = await probeSnmp(target(agent.port), options);
    expect(result).toMatchObject({
      ok: false,
      reason: 'malformed',
      message: expect.stringMatching(/ifInOctets\.1 is OCTET STRING, expected Counter32 or Gauge32 \(OID 1\.3\.6\.1\.2\.1\.2\.2\.1\.10\.1\)$/),
    });
  });

  it('a walk whose OIDs do not increase → malformed instead of looping', async () => {
    const entryOf = (request: Request) => (request.oids[0]!.startsWith(IF_ENTRY) ? IF_ENTRY : IF_X_ENTRY);
    agent = await startFakeAgent(agentWith((request) => response(request, [[`${entryOf(request)}.2.1`, ber.octets('again')]])));
    const result = await probeSnmp(target(agent.port), options);
    expect(result).toMatchObject({
      ok: false,
      reason: 'malformed',
      message: expect.stringMatching(/answered 1\.3\.6\.1\.2\.1\.(2\.2|31\.1\.1)\.1\.2\.1 after .*OIDs must increase/),
    });
    // A repeated answer can advance a column once and end or fail it the next time: at most two
    // requests per column walked (15 of ifTable, 7 of ifXTable), plus the system group.
    expect(agent.received.length).toBeLessThanOrEqual(1 + 2 * (15 + 7));
  });

  it('an error-status answer → refused, status named', async () => {
    agent = await startFakeAgent((request) => (request ? response(request, request.oids.map((oid) => [oid, ber.null()]), { error: 5, index: 1 }) : undefined));
    const result = await probeSnmp(target(agent.port), options);
    expect(result).toMatchObject({ ok: false, reason: 'refused', message: expect.stringMatching(/answered genErr for 1\.3\.6\.1\.2\.1\.1\.1\.0/) });
  });

  it('noSuchObject for the system group → missing', async () => {
    agent = await startFakeAgent((request) => (request ? response(request, request.oids.map((oid) => [oid, ber.noSuchObject()])) : undefined));
    const result = await probeSnmp(target(agent.port), options);
    expect(result).toMatchObject({ ok: false, reason: 'missing', message: expect.stringMatching(/without sysDescr\.0, sysObjectID\.0, sysUpTime\.0/) });
  });

  it('an agent that answers every request just in time but never ends its table hits the overall deadline', async () => {
    let row = 0;
    agent = await startFakeAgent(
      agentWith((request) => {
        const entry = request.oids[0]!.startsWith(IF_ENTRY) ? IF_ENTRY : IF_X_ENTRY;
        return { after: 40, send: response(request, [[`${entry}.2.${++row}`, ber.octets('x')]]) };
      }),
    );
    const walkTimeoutMs = 300;
    const { result, elapsed } = await timed(() => probeSnmp(target(agent!.port), { ...options, walkTimeoutMs }));
    const deadline = BUDGET + walkTimeoutMs;
    expect(result).toMatchObject({ ok: false, reason: 'timeout', message: expect.stringMatching(new RegExp(`did not finish within ${deadline} ms`)) });
    expect(elapsed).toBeGreaterThanOrEqual(deadline - 20);
    expect(elapsed).toBeLessThan(deadline + 300);
  });

  it('after all of that, the process still polls a well-behaved agent', async () => {
    agent = await startFakeAgent(agentWith());
    const result = await probeSnmp(target(agent.port), options);
    expect(result).toMatchObject({ ok: true, system: { name: 'fake', uptimeTicks: 4200 }, interfaces: [] });
  });
});
