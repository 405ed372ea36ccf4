import { compareOids, smiTags } from '../../../collector/probes/snmp/decode.ts';
import { counter64Octets, type RecordedVarbind } from '../../helpers/snmprec.ts';
import { ber, response, startFakeAgent, tlv, type FakeAgent, type Request } from './fake-agent.ts';

// Replays a recording (test/fixtures/snmp) as an SNMPv2c agent on a loopback UDP port, the way
// snmpsim does: GET answers the recorded value or noSuchObject, GETNEXT and GETBULK walk the
// recorded OIDs in order and end with endOfMibView. A wrong community gets silence, as real
// agents give. sysUpTime runs on from its recorded value, so consecutive polls look like a
// device that stayed up (a frozen one would read as an agent restart); the rest stays as recorded.

const GET = 0xa0;
const GET_NEXT = 0xa1;
const GET_BULK = 0xa5;
const SYS_UPTIME = '1.3.6.1.2.1.1.3.0';

/** BER for a recorded value. Unsigned types are written from their full 32-bit range (the fake
 * agent's integer encoder is for signed values). */
function encode(varbind: RecordedVarbind): Buffer {
  const { tag, value } = varbind;
  if (tag === smiTags.Integer32) return ber.integer(value as number);
  if (tag === smiTags.OctetString || tag === smiTags.Opaque) return tlv(tag === smiTags.Opaque ? 0x44 : 0x04, value as Buffer);
  if (tag === smiTags.Null) return ber.null();
  if (tag === smiTags.ObjectIdentifier) return ber.oid(value as string);
  if (tag === smiTags.IpAddress) return tlv(0x40, Buffer.from((value as string).split('.').map(Number)));
  const unsigned = { [smiTags.Counter32]: 0x41, [smiTags.Gauge32]: 0x42, [smiTags.TimeTicks]: 0x43, [smiTags.Counter64]: 0x46 }[tag];
  if (unsigned === undefined) throw new Error(`${varbind.oid}: cannot encode tag ${tag}`);
  return tlv(unsigned, counter64Octets(BigInt(value as number | bigint)));
}

export interface RecordingAgent extends FakeAgent {
  readonly community: string;
}

/** Starts an agent that answers `community` from `recording`. */
export async function startRecordingAgent(recording: readonly RecordedVarbind[], community = 'public'): Promise<RecordingAgent> {
  const started = Date.now();
  const running = (recorded: RecordedVarbind): RecordedVarbind => ({
    oid: recorded.oid,
    tag: recorded.tag,
    get value() {
      return ((recorded.value as number) + Math.floor((Date.now() - started) / 10)) % 2 ** 32;
    },
  });
  const sorted = [...recording]
    .sort((a, b) => compareOids(a.oid, b.oid))
    .map((varbind) => (varbind.oid === SYS_UPTIME ? running(varbind) : varbind));
  const byOid = new Map(sorted.map((varbind) => [varbind.oid, varbind]));
  const endOfMibView = tlv(0x82, Buffer.alloc(0));

  const next = (oid: string): [string, Buffer] => {
    // The first recorded OID after `oid`, by binary search: a walk asks this once per varbind.
    let low = 0;
    let high = sorted.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (compareOids(sorted[middle]!.oid, oid) > 0) high = middle;
      else low = middle + 1;
    }
    const found = sorted[low];
    return found ? [found.oid, encode(found)] : [oid, endOfMibView];
  };
  const walk = (oid: string, repetitions: number): [string, Buffer][] => {
    const out: [string, Buffer][] = [];
    let cursor = oid;
    for (let i = 0; i < repetitions; i++) {
      const varbind = next(cursor);
      out.push(varbind);
      if (varbind[1] === endOfMibView) break;
      cursor = varbind[0];
    }
    return out;
  };

  const answer = (request: Request | undefined): Buffer | undefined => {
    if (!request || request.version !== 1 || request.community !== community) return undefined;
    if (request.pduType === GET) {
      return response(request, request.oids.map((oid) => [oid, byOid.has(oid) ? encode(byOid.get(oid)!) : ber.noSuchObject()]));
    }
    if (request.pduType === GET_NEXT) return response(request, request.oids.map(next));
    if (request.pduType === GET_BULK) {
      // RFC 3416 §4.2.3: the first nonRepeaters OIDs get one successor each, the rest up to
      // maxRepetitions (interleaved by repetition; with one repeated OID, as net-snmp's walk
      // asks, that is simply the chain).
      const single = request.oids.slice(0, request.nonRepeaters).map(next);
      const chains = request.oids.slice(request.nonRepeaters).map((oid) => walk(oid, Math.max(1, request.maxRepetitions)));
      const repeated: [string, Buffer][] = [];
      for (let i = 0; i < Math.max(0, ...chains.map((chain) => chain.length)); i++) {
        for (const chain of chains) if (chain[i]) repeated.push(chain[i]!);
      }
      return response(request, [...single, ...repeated]);
    }
    return undefined;
  };

  const agent = await startFakeAgent(answer);
  return Object.assign(agent, { community });
}
