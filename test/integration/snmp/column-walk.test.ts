import { afterEach, describe, expect, it } from 'vitest';
import { openSnmpSession, type SnmpSession } from '../../../collector/probes/snmp/session.ts';
import type { SnmpCredentials } from '../../../config/schema.ts';
import { Secret } from '../../../config/secret.ts';
import { ber, response, startFakeAgent, tableAnswer, type FakeAgent, type Request } from './fake-agent.ts';

// walkColumns against a raw agent on loopback: several columns per GETBULK, each column on its
// own cursor, whatever the agent trims or lacks.

const ENTRY = '1.3.6.1.2.1.2.2.1';
const NEXT_TABLE = '1.3.6.1.2.1.2.3.0';
const v2c: SnmpCredentials = { version: '2c', community: new Secret('public') };
const v1: SnmpCredentials = { version: '1', community: new Secret('public') };

/** A table of `rows` rows with columns 1–8, and an object after it, as in a real MIB. */
const table = (rows: number, columns = [1, 2, 3, 4, 5, 6, 7, 8]): [string, Buffer][] => [
  ...columns.flatMap((column) => Array.from({ length: rows }, (_, i) => [`${ENTRY}.${column}.${i + 1}`, ber.integer(column * 1000 + i + 1)] as [string, Buffer])),
  [NEXT_TABLE, ber.integer(0)],
];

let agent: FakeAgent | undefined;
let session: SnmpSession | undefined;
afterEach(async () => {
  session?.close();
  await agent?.close();
  agent = session = undefined;
});

async function walk(options: { answer: (request: Request) => Buffer | undefined; columns: number[]; credentials?: SnmpCredentials; maxRepetitions?: number }) {
  agent = await startFakeAgent((request) => (request ? options.answer(request) : undefined));
  const opened = openSnmpSession({ host: '127.0.0.1', port: agent.port, credentials: options.credentials ?? v2c }, { timeoutMs: 300, retries: 0, maxRepetitions: options.maxRepetitions ?? 12 });
  if (!opened.ok) throw new Error(opened.detail);
  session = opened.value;
  const result = await session.walkColumns(ENTRY, options.columns);
  const oids = result.ok ? result.value.map((varbind) => varbind.oid).sort() : [];
  return { result, oids, requests: agent.received };
}

const cellsOf = (rows: number, columns: number[]) => columns.flatMap((column) => Array.from({ length: rows }, (_, i) => `${ENTRY}.${column}.${i + 1}`)).sort();

describe('walkColumns', () => {
  it('returns every cell of the asked columns and nothing of the others, several columns per request', async () => {
    const { result, oids, requests } = await walk({ answer: (request) => tableAnswer(request, table(10)), columns: [2, 5, 7] });
    expect(result.ok).toBe(true);
    expect(oids).toEqual(cellsOf(10, [2, 5, 7]));
    // 12 values a request over 3 columns: 4 rows each, so rows 1–4, 5–8, 9–10 and the ends.
    expect(requests.map((request) => [request.pduType, request.oids.length, request.maxRepetitions])).toEqual([
      [0xa5, 3, 4],
      [0xa5, 3, 4],
      [0xa5, 3, 4],
    ]);
  });

  it('keeps the rows an agent leaves out of a trimmed answer, asking again for them', async () => {
    // An agent whose answers hold at most 5 values (a small maximum message size): RFC 3416
    // §4.2.3 lets it send fewer than asked, so the last columns of a round can be missing.
    const { result, oids, requests } = await walk({ answer: (request) => tableAnswer(request, table(9), { maxVarbinds: 5 }), columns: [1, 3, 4] });
    expect(result.ok).toBe(true);
    expect(oids).toEqual(cellsOf(9, [1, 3, 4]));
    expect(requests.length).toBeGreaterThanOrEqual(Math.ceil((9 * 3) / 5));
  });

  it('ends a column the agent lacks at once and walks the others', async () => {
    const { result, oids } = await walk({ answer: (request) => tableAnswer(request, table(6, [1, 2, 4, 8])), columns: [2, 3, 8] });
    expect(result.ok).toBe(true);
    expect(oids).toEqual(cellsOf(6, [2, 8]));
  });

  it('an empty table: nothing, in one request', async () => {
    const { result, requests } = await walk({ answer: (request) => tableAnswer(request, [[NEXT_TABLE, ber.integer(0)]]), columns: [1, 2] });
    expect(result).toEqual({ ok: true, value: [] });
    expect(requests).toHaveLength(1);
  });

  it('a column whose OIDs go backwards is malformed, not a loop', async () => {
    const { result, requests } = await walk({ answer: (request) => response(request, request.oids.map(() => [`${ENTRY}.2.1`, ber.integer(1)])), columns: [2, 3] });
    expect(result).toMatchObject({ ok: false, reason: 'malformed', detail: expect.stringMatching(/walking 1\.3\.6\.1\.2\.1\.2\.2\.1\.2, the agent answered 1\.3\.6\.1\.2\.1\.2\.2\.1\.2\.1 after 1\.3\.6\.1\.2\.1\.2\.2\.1\.2\.1/) });
    expect(requests.length).toBeLessThanOrEqual(3);
  });

  it('SNMPv1: GETNEXT column by column, so a column the agent refuses (noSuchName) leaves the others', async () => {
    const cells = table(3, [1, 2, 3]);
    const { result, oids, requests } = await walk({
      credentials: v1,
      columns: [1, 2, 3],
      answer: (request) => {
        // Column 2 stands for a Counter64 column, which v1 cannot carry.
        if (request.oids[0]!.startsWith(`${ENTRY}.2`)) return response(request, request.oids.map((oid) => [oid, ber.null()]), { error: 2, index: 1 });
        return tableAnswer(request, cells.filter(([oid]) => !oid.startsWith(`${ENTRY}.2.`)));
      },
    });
    expect(result.ok).toBe(true);
    expect(oids).toEqual(cellsOf(3, [1, 3]));
    expect(requests.every((request) => request.pduType === 0xa1 && request.oids.length === 1)).toBe(true);
  });
});
