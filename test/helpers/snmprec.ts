import { readFileSync } from 'node:fs';
import { compareOids, smiTags, type RawVarbind } from '../../collector/probes/snmp/decode.ts';

// Reads snmpsim recordings (`OID|TAG|VALUE`, test/fixtures/snmp/README.md): into varbinds shaped
// as net-snmp hands them over, for the pure decoders, and into BER values, for an agent that
// replays them over UDP.

/** One recorded varbind: its OID, BER tag and value as the recording wrote it. */
export interface RecordedVarbind {
  oid: string;
  tag: number;
  /** Integers and unsigned values as numbers (Counter64 as bigint), OIDs and IpAddresses as
   * dotted text, OCTET STRING and Opaque as bytes; null for NULL. */
  value: number | bigint | string | Buffer | null;
}

const UNSIGNED_TAGS: ReadonlySet<number> = new Set([smiTags.Counter32, smiTags.Gauge32, smiTags.TimeTicks]);

function parseValue(tag: number, hex: boolean, text: string, where: string): RecordedVarbind['value'] {
  const bytes = () => (hex ? Buffer.from(text, 'hex') : Buffer.from(text, 'utf8'));
  switch (tag) {
    case smiTags.Integer32:
      return Number(text);
    case smiTags.OctetString:
    case smiTags.Opaque:
      return bytes();
    case smiTags.Null:
      return null;
    case smiTags.ObjectIdentifier:
      return text;
    case smiTags.IpAddress:
      return hex ? [...Buffer.from(text, 'hex')].join('.') : text;
    case smiTags.Counter64:
      return BigInt(text);
    default:
      if (UNSIGNED_TAGS.has(tag)) return Number(text);
      throw new Error(`${where}: tag ${tag} is not one these recordings use`);
  }
}

/** The recording at `url`, in OID order. Lines starting with `#` are snmpsim comments. */
export function readSnmprec(url: URL): RecordedVarbind[] {
  const entries: RecordedVarbind[] = [];
  for (const [number, line] of readFileSync(url, 'utf8').split('\n').entries()) {
    if (line === '' || line.startsWith('#')) continue;
    const [oid, tagText, ...rest] = line.split('|');
    const where = `${url.pathname}:${number + 1}`;
    if (!oid || !tagText || rest.length === 0) throw new Error(`${where}: not OID|TAG|VALUE`);
    const hex = tagText.endsWith('x');
    const tag = Number(hex ? tagText.slice(0, -1) : tagText);
    entries.push({ oid, tag, value: parseValue(tag, hex, rest.join('|'), where) });
  }
  return entries.sort((a, b) => compareOids(a.oid, b.oid));
}

/** Counter64 contents as net-snmp delivers them: as few octets as the value needs, plus a
 * leading 0x00 when the top bit would otherwise be set. */
export function counter64Octets(value: bigint): Buffer {
  let hex = value.toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  if (Number.parseInt(hex.slice(0, 2), 16) >= 0x80) hex = `00${hex}`;
  return Buffer.from(hex, 'hex');
}

/** A recorded varbind in net-snmp's shape (`RawVarbind`), for the pure decoders. */
export function toRawVarbind(entry: RecordedVarbind): RawVarbind {
  const value = typeof entry.value === 'bigint' ? counter64Octets(entry.value) : entry.value;
  return { oid: entry.oid, type: entry.tag, value };
}

/** The varbinds of a walk of `entry` (e.g. ifEntry), in walk order. */
export const walkOf = (recording: readonly RecordedVarbind[], entry: string): RawVarbind[] =>
  recording.filter((varbind) => varbind.oid.startsWith(`${entry}.`)).map(toRawVarbind);

/** The answer to a GET of `oids`: recorded values, noSuchObject for the rest. */
export const getOf = (recording: readonly RecordedVarbind[], oids: readonly string[]): RawVarbind[] =>
  oids.map((oid) => {
    const found = recording.find((varbind) => varbind.oid === oid);
    return found ? toRawVarbind(found) : { oid, type: smiTags.noSuchObject, value: null };
  });
