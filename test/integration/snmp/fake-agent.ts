import dgram from 'node:dgram';
import { compareOids } from '../../../collector/probes/snmp/decode.ts';

// A scriptable UDP responder on loopback for the answers a real snmpd never gives: garbage,
// truncated PDUs, wrong types, error statuses, loops. It speaks just enough BER (X.690) to read a
// v1/v2c request and to write a response; each test decides what to answer.

// ---------------------------------------------------------------------------------------------
// BER writing
// ---------------------------------------------------------------------------------------------

function length(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  if (n < 0x100) return Buffer.from([0x81, n]);
  return Buffer.from([0x82, n >> 8, n & 0xff]);
}

export const tlv = (tag: number, content: Buffer): Buffer => Buffer.concat([Buffer.from([tag]), length(content.length), content]);

function integerContent(value: number): Buffer {
  const bytes: number[] = [];
  let n = value;
  do {
    bytes.unshift(n & 0xff);
    n >>= 8;
  } while (n !== 0 && n !== -1);
  // Keep the sign bit right: positive values whose top bit is set need a leading 0x00.
  if (value >= 0 && bytes[0]! & 0x80) bytes.unshift(0);
  if (value < 0 && !(bytes[0]! & 0x80)) bytes.unshift(0xff);
  return Buffer.from(bytes);
}

function oidContent(oid: string): Buffer {
  const [first, second, ...rest] = oid.split('.').map(Number);
  const out = [first! * 40 + second!];
  for (const arc of rest) {
    const chunk = [arc & 0x7f];
    for (let n = arc >>> 7; n > 0; n >>>= 7) chunk.unshift((n & 0x7f) | 0x80);
    out.push(...chunk);
  }
  return Buffer.from(out);
}

/** Encoded values for varbinds. */
export const ber = {
  integer: (value: number) => tlv(0x02, integerContent(value)),
  octets: (value: string | Buffer) => tlv(0x04, Buffer.from(value)),
  null: () => tlv(0x05, Buffer.alloc(0)),
  oid: (value: string) => tlv(0x06, oidContent(value)),
  counter32: (value: number) => tlv(0x41, integerContent(value)),
  gauge32: (value: number) => tlv(0x42, integerContent(value)),
  timeTicks: (value: number) => tlv(0x43, integerContent(value)),
  noSuchObject: () => tlv(0x80, Buffer.alloc(0)),
  endOfMibView: () => tlv(0x82, Buffer.alloc(0)),
  sequence: (...items: Buffer[]) => tlv(0x30, Buffer.concat(items)),
};

// ---------------------------------------------------------------------------------------------
// BER reading (requests only: definite lengths, single-octet tags)
// ---------------------------------------------------------------------------------------------

interface Element {
  tag: number;
  content: Buffer;
  next: number;
}

function read(buffer: Buffer, offset: number): Element {
  const tag = buffer[offset]!;
  let size = buffer[offset + 1]!;
  let start = offset + 2;
  if (size & 0x80) {
    const octets = size & 0x7f;
    size = 0;
    for (let i = 0; i < octets; i++) size = (size << 8) | buffer[start + i]!;
    start += octets;
  }
  return { tag, content: buffer.subarray(start, start + size), next: start + size };
}

function children(content: Buffer): Element[] {
  const out: Element[] = [];
  for (let offset = 0; offset < content.length; ) {
    const element = read(content, offset);
    out.push(element);
    offset = element.next;
  }
  return out;
}

function readInteger(content: Buffer): number {
  let n = content[0]! & 0x80 ? -1 : 0;
  for (const byte of content) n = n * 256 + byte;
  return n;
}

function readOid(content: Buffer): string {
  const arcs = [Math.floor(content[0]! / 40), content[0]! % 40];
  let n = 0;
  for (const byte of content.subarray(1)) {
    n = n * 128 + (byte & 0x7f);
    if (!(byte & 0x80)) {
      arcs.push(n);
      n = 0;
    }
  }
  return arcs.join('.');
}

/** A decoded v1/v2c request. */
export interface Request {
  /** 0 = SNMPv1, 1 = SNMPv2c. */
  version: number;
  community: string;
  /** PDU tag: 0xa0 GetRequest, 0xa1 GetNextRequest, 0xa5 GetBulkRequest. */
  pduType: number;
  requestId: number;
  /** non-repeaters / max-repetitions for GETBULK. */
  nonRepeaters: number;
  maxRepetitions: number;
  oids: string[];
}

export function parseRequest(datagram: Buffer): Request {
  const [version, community, pdu] = children(read(datagram, 0).content);
  const [requestId, second, third, varbinds] = children(pdu!.content);
  return {
    version: readInteger(version!.content),
    community: community!.content.toString(),
    pduType: pdu!.tag,
    requestId: readInteger(requestId!.content),
    nonRepeaters: readInteger(second!.content),
    maxRepetitions: readInteger(third!.content),
    oids: children(varbinds!.content).map((varbind) => readOid(children(varbind.content)[0]!.content)),
  };
}

/** A GetResponse to `request` carrying `varbinds` ([OID, encoded value]). */
export function response(request: Request, varbinds: [string, Buffer][], status: { error?: number; index?: number } = {}): Buffer {
  const pdu = tlv(
    0xa2,
    Buffer.concat([
      ber.integer(request.requestId),
      ber.integer(status.error ?? 0),
      ber.integer(status.index ?? 0),
      ber.sequence(...varbinds.map(([oid, value]) => ber.sequence(ber.oid(oid), value))),
    ]),
  );
  return ber.sequence(ber.integer(request.version), ber.octets(request.community), pdu);
}

/**
 * A GETNEXT or GETBULK answered from a table of cells as an agent would: for each requested OID
 * the next cell after it (GETBULK: max-repetitions rounds of that, row by row), endOfMibView past
 * the last. Only the cells' values are fake; positions follow RFC 3416 §4.2.3. `maxVarbinds`
 * trims the answer as an agent with a small maximum message size does.
 */
export function tableAnswer(request: Request, cells: readonly [string, Buffer][], limits: { maxVarbinds?: number } = {}): Buffer {
  const sorted = [...cells].sort(([a], [b]) => compareOids(a, b));
  const next = (after: string) => sorted.find(([oid]) => compareOids(oid, after) > 0);
  const cursors = [...request.oids];
  const rounds = request.pduType === 0xa5 ? Math.max(1, request.maxRepetitions) : 1;
  const varbinds: [string, Buffer][] = [];
  for (let round = 0; round < rounds; round++) {
    cursors.forEach((cursor, i) => {
      const found = next(cursor);
      if (found) cursors[i] = found[0];
      varbinds.push(found ?? [cursor, ber.endOfMibView()]);
    });
  }
  return response(request, varbinds.slice(0, limits.maxVarbinds ?? varbinds.length));
}

/** What the fake agent sends back: bytes, nothing (undefined), or bytes after a delay. */
export type Answer = Buffer | undefined | { after: number; send: Buffer };

export interface FakeAgent {
  readonly port: number;
  /** Requests received so far. */
  readonly received: Request[];
  close(): Promise<void>;
}

/** Listens on a free loopback port and answers each datagram with `answer(request, raw)`. */
export async function startFakeAgent(answer: (request: Request | undefined, raw: Buffer) => Answer): Promise<FakeAgent> {
  const socket = dgram.createSocket('udp4');
  const received: Request[] = [];
  const timers = new Set<NodeJS.Timeout>();
  socket.on('message', (raw, remote) => {
    let request: Request | undefined;
    try {
      request = parseRequest(raw);
      received.push(request);
    } catch {
      request = undefined; // SNMPv3 or something else: let the test's answer decide.
    }
    const reply = answer(request, raw);
    if (!reply) return;
    if (Buffer.isBuffer(reply)) {
      socket.send(reply, remote.port, remote.address);
      return;
    }
    const timer = setTimeout(() => {
      timers.delete(timer);
      socket.send(reply.send, remote.port, remote.address);
    }, reply.after);
    timers.add(timer);
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return {
    port: socket.address().port,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        for (const timer of timers) clearTimeout(timer);
        socket.close(() => resolve());
      }),
  };
}

/** The SNMPv2-MIB system group as a well-behaved agent would answer it. */
export function systemAnswer(request: Request): Buffer {
  const values: Record<string, Buffer> = {
    '1.3.6.1.2.1.1.1.0': ber.octets('fake agent'),
    '1.3.6.1.2.1.1.2.0': ber.oid('1.3.6.1.4.1.8072.3.2.10'),
    '1.3.6.1.2.1.1.3.0': ber.timeTicks(4200),
    '1.3.6.1.2.1.1.4.0': ber.octets('nobody'),
    '1.3.6.1.2.1.1.5.0': ber.octets('fake'),
    '1.3.6.1.2.1.1.6.0': ber.octets('loopback'),
  };
  return response(request, request.oids.map((oid) => [oid, values[oid] ?? ber.noSuchObject()]));
}
