import { describe, expect, it } from 'vitest';
import { Secret } from '../../../config/secret.ts';
import { classifyRefusal, displayUrl, endpoint, errorText, unreachableDetail } from '../../../store/influx.ts';

const basic = (credentials: string) => `Basic ${Buffer.from(credentials, 'utf8').toString('base64')}`;

describe('endpoint: credentials never travel in the URL', () => {
  it.each([
    ['no credentials', { url: 'http://127.0.0.1:8086', database: 'd' }, 'http://127.0.0.1:8086/query?db=d', undefined],
    ['a trailing slash', { url: 'http://127.0.0.1:8086/', database: 'd' }, 'http://127.0.0.1:8086/query?db=d', undefined],
    ['a path prefix (behind a proxy)', { url: 'https://db.example.vn/influx/', database: 'd' }, 'https://db.example.vn/influx/query?db=d', undefined],
    ['user and password in the URL', { url: 'http://lw:s3cret@127.0.0.1:8086', database: 'd' }, 'http://127.0.0.1:8086/query?db=d', basic('lw:s3cret')],
    ['percent-encoded ones', { url: 'http://l%40w:p%3Aw%2F@[::1]:8086', database: 'd' }, 'http://[::1]:8086/query?db=d', basic('l@w:p:w/')],
    ['the settings\' user over the URL\'s', { url: 'http://x:y@127.0.0.1:8086', database: 'd', username: 'lw', password: new Secret('pw') }, 'http://127.0.0.1:8086/query?db=d', basic('lw:pw')],
    ['a user without a password', { url: 'http://127.0.0.1:8086', database: 'd', username: 'lw' }, 'http://127.0.0.1:8086/query?db=d', basic('lw:')],
  ])('%s', (_name, settings, url, authorization) => {
    const target = endpoint(settings, '/query', { db: 'd' });
    expect(target.url).toBe(url);
    expect(target.headers.Authorization).toBe(authorization);
    expect(target.url).not.toMatch(/s3cret|pw|@127|@\[/);
  });

  it('encodes parameters', () => {
    expect(endpoint({ url: 'http://h:1', database: 'd' }, '/write', { db: 'a b&c', rp: 'raw', precision: 'ms' }).url).toBe('http://h:1/write?db=a+b%26c&rp=raw&precision=ms');
  });
});

describe('displayUrl', () => {
  it.each([
    ['http://127.0.0.1:8086', 'http://127.0.0.1:8086'],
    ['http://lw:s3cret@127.0.0.1:8086', 'http://127.0.0.1:8086/'],
    ['http://lw@127.0.0.1:8086/x', 'http://127.0.0.1:8086/x'],
    ['not a url', '<invalid url>'],
  ])('%s → %s', (url, shown) => {
    expect(displayUrl(url)).toBe(shown);
  });
});

describe('classifyRefusal', () => {
  it.each([
    [401, 'authorization failed', 'auth'],
    [403, 'user is not authorized to write to database x', 'auth'],
    [200, 'database not found: lw', 'database-missing'],
    [404, 'database not found: "lw"', 'database-missing'],
    [500, 'retention policy not found: events', 'database-missing'],
    [400, 'error parsing query: found FROM, expected identifier', 'refused'],
    [400, 'partial write: field type conflict', 'refused'],
    [500, 'timeout', 'refused'],
    [502, '<html>Bad Gateway</html>', 'refused'],
  ] as const)('%i %s → %s', (status, text, reason) => {
    expect(classifyRefusal(status, text)).toBe(reason);
  });
});

describe('errorText and unreachableDetail', () => {
  it('reads InfluxDB\'s error field, else the body cut short', () => {
    expect(errorText('{"error":"database not found: x"}')).toBe('database not found: x');
    expect(errorText('{"results":[]}')).toBe('{"results":[]}');
    expect(errorText(`<html>${'x'.repeat(500)}`)).toHaveLength(200);
  });

  it('names the system code or the timeout', () => {
    expect(unreachableDetail(Object.assign(new Error('fetch failed'), { cause: { code: 'ECONNREFUSED' } }), 1000)).toBe('ECONNREFUSED');
    expect(unreachableDetail(Object.assign(new Error('t'), { name: 'TimeoutError' }), 1500)).toBe('no answer within 1500 ms');
    expect(unreachableDetail(new Error('fetch failed'), 1000)).toBe('fetch failed');
  });
});
