import snmp from 'net-snmp';
import type { MalformedVariant } from './faults.ts';
import { hash32 } from './traffic.ts';

/**
 * Broken SNMP answers, for the `malformed-replies` fault: what a well-behaved agent never sends
 * and a collector must survive. Each variant is played at the stage where it can be made for
 * every SNMP version, SNMPv3 authPriv included:
 *
 * - `garbage`: the raw responder answers every datagram with bytes that are not BER at all,
 *   instead of letting the agent see the request. (v3 discovery gets garbage too.)
 * - `truncated`: the agent answers properly and the encoded reply is cut short on its way out
 *   (see `truncateDatagram` for where), the outer SEQUENCE claiming more octets than the
 *   datagram holds.
 * - `wrong-type`: the agent answers properly encoded (and, for v3, encrypted and signed)
 *   responses whose counter columns carry the wrong SMI type: an OCTET STRING where ifInOctets
 *   is expected, a Counter32 where ifHCInOctets is.
 *
 * The functions here are pure; the agent owns the socket.
 */

/** How the agent plays a variant. */
export type MalformedPlan =
  /** Answer each request with `reply(...)` from the raw responder; the agent never sees it. */
  | { stage: 'raw'; reply(request: Buffer, sequence: number, seed: number): Buffer }
  /** Let the agent answer, then pass its encoded reply through `damage`. */
  | { stage: 'encoded'; damage(reply: Buffer): Buffer }
  /** Let the agent answer, with `wrongTypeCell` in place of counter values. */
  | { stage: 'values' };

/** One plan per variant; a variant added to faults.ts fails to compile here until it has one. */
export const malformedPlans: { readonly [V in MalformedVariant]: MalformedPlan } = Object.freeze({
  garbage: { stage: 'raw', reply: (request: Buffer, sequence: number, seed: number) => garbageDatagram(seed, sequence) },
  truncated: { stage: 'encoded', damage: truncateDatagram },
  'wrong-type': { stage: 'values' },
});

/**
 * 16–96 bytes that cannot be read as an SNMP message: the first byte is never 0x30 (SEQUENCE),
 * so every BER reader gives up at once. Deterministic in `seed` and `sequence`.
 */
export function garbageDatagram(seed: number, sequence: number): Buffer {
  const length = 16 + (hash32(seed, sequence, 0x6761) % 81);
  const bytes = Buffer.alloc(length);
  for (let i = 0; i < length; i++) bytes[i] = hash32(seed, sequence, i) & 0xff;
  if (bytes[0] === 0x30) bytes[0] = 0x31;
  return bytes;
}

/** Where the content of the BER element at `offset` starts and how long its header says it is. */
function berHeader(bytes: Buffer, offset: number): { contentStart: number; length: number } | undefined {
  const first = bytes[offset + 1];
  if (first === undefined) return undefined;
  if (!(first & 0x80)) return { contentStart: offset + 2, length: first };
  const octets = first & 0x7f;
  if (octets === 0 || octets > 4 || offset + 2 + octets > bytes.length) return undefined;
  return { contentStart: offset + 2 + octets, length: bytes.readUIntBE(offset + 2, octets) };
}

/**
 * `reply` cut short inside the message's third element, its outer headers still claiming the
 * whole length. In a v1/v2c message that is the PDU, cut in its varbind list: the answer still
 * matches its request (the request-id is intact), and the manager's parser fails on the cut-off
 * varbind or hands over a cut-off value. In a v3 message it is the security parameters: the message cannot be parsed at all. (A cut
 * in v3's encrypted PDU would not do: the digest covers the whole message, so the manager could
 * not tell a cut-off answer from a wrong key.) Anything else is cut in half.
 */
export function truncateDatagram(reply: Buffer): Buffer {
  const outer = berHeader(reply, 0);
  if (outer) {
    let offset = outer.contentStart;
    for (let i = 0; i < 2; i++) {
      const element = berHeader(reply, offset);
      if (!element) break;
      offset = element.contentStart + element.length;
    }
    const third = berHeader(reply, offset);
    // 16 octets into a PDU are past its request-id, error-status and error-index.
    const cut = third && third.contentStart + Math.min(third.length - 1, Math.max(16, Math.floor(third.length / 2)));
    if (third && third.length > 1 && cut! < reply.length) return reply.subarray(0, cut);
  }
  if (reply.length <= 2) return reply.subarray(0, Math.max(0, reply.length - 1));
  return reply.subarray(0, Math.floor(reply.length / 2));
}

/** A value of the wrong SMI type for a cell whose real type is `type`, or undefined to leave it. */
export function wrongTypeCell(type: number): { type: number; value: unknown } | undefined {
  switch (type) {
    case snmp.ObjectType.Counter:
      return { type: snmp.ObjectType.OctetString, value: 'n/a' };
    case snmp.ObjectType.Counter64:
      return { type: snmp.ObjectType.Counter, value: 0 };
    default:
      return undefined;
  }
}
