import { describe, expect, it } from 'vitest';
import { classifyWriteResponse, firstOffendingLine } from '../../../../collector/storage/writer.ts';

const json = (error: string) => JSON.stringify({ error });

describe('classifyWriteResponse', () => {
  it.each([
    ['204 written', 204, '', { kind: 'written', points: 10 }],
    [
      'partial write beyond retention keeps the rest',
      400,
      json('partial write: points beyond retention policy dropped=3'),
      { kind: 'partial', written: 7, dropped: 3, reason: 'beyond-retention' },
    ],
    [
      'partial write with a field type conflict',
      400,
      json('partial write: field type conflict: input field "up" on measurement "icmp" is type float, already exists as type integer dropped=1'),
      { kind: 'partial', written: 9, dropped: 1, reason: 'field-type-conflict' },
    ],
    [
      'partial write with unparsable lines reports dropped=0; each line is named',
      400,
      json("partial write: unable to parse 'icmp up= 1': missing field value\nunable to parse 'x y': invalid field format dropped=0"),
      { kind: 'partial', written: 8, dropped: 2, reason: 'unparsable' },
    ],
    ['nothing parsable', 400, json("unable to parse 'garbage': missing fields"), { kind: 'rejected', dropped: 10, reason: 'unparsable' }],
    ['413 too large is never retried', 413, json('Request Entity Too Large'), { kind: 'rejected', dropped: 10, reason: 'rejected' }],
    ['5xx is retried later', 500, json('timeout'), { kind: 'unavailable' }],
    ['a missing retention policy (500) is retried later', 500, json('retention policy not found: raw'), { kind: 'unavailable' }],
    ['a missing database is retried later', 404, json('database not found: "lw"'), { kind: 'unavailable' }],
    ['a wrong password is retried later (the data is kept)', 401, json('authorization failed'), { kind: 'unavailable' }],
    ['a proxy page', 502, '<html>Bad Gateway</html>', { kind: 'unavailable', message: 'HTTP 502: <html>Bad Gateway</html>' }],
  ])('%s', (_label, status, body, expected) => {
    expect(classifyWriteResponse(status, body, 10)).toMatchObject(expected);
  });
});

describe('firstOffendingLine', () => {
  const lines = ['device_poll,device=r1,site=s reachable=1i 1', 'icmp,link=l,site=s up=1i,sent=5i 2', 'icmp,link=l,site=s sent=5i,up=1 3'].join('\n');

  it.each([
    ['the line a field type conflict names', 'partial write: field type conflict: input field "up" on measurement "icmp" is type float, already exists as type integer dropped=1', 'icmp,link=l,site=s up=1i,sent=5i 2'],
    ['the line a parse error quotes', "partial write: unable to parse 'icmp up= 1': missing field value dropped=0", 'icmp up= 1'],
    ['otherwise the first line', 'something else', 'device_poll,device=r1,site=s reachable=1i 1'],
  ])('%s', (_label, message, expected) => {
    expect(firstOffendingLine(lines, message)).toBe(expected);
  });
});
