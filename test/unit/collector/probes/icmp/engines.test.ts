import { describe, expect, it } from 'vitest';
import { checkIcmpOptions, checkTarget, prepareTargets } from '../../../../../collector/probes/icmp/engines.ts';

describe('checkTarget', () => {
  it.each([
    ['192.0.2.1', null],
    ['::1', null],
    ['2001:db8::1', null],
    ['router-1.xa-phong-tho.example', null],
    ['-f', 'target "-f" is not an address or host name'],
    ['--', 'target "--" is not an address or host name'],
    ['', 'target "" is not an address or host name'],
    ['a b', 'target "a b" is not an address or host name'],
    ['host;reboot', 'target "host;reboot" is not an address or host name'],
    ['trailing-', 'target "trailing-" is not an address or host name'],
  ])('%j → %j', (target, expected) => {
    expect(checkTarget(target)).toBe(expected);
  });
});

describe('checkIcmpOptions', () => {
  it.each([
    [{ count: 5, timeoutMs: 1000, intervalMs: 200 }, null],
    [{ count: 1, timeoutMs: 1, intervalMs: 10 }, null],
    [{ count: 0, timeoutMs: 1000, intervalMs: 200 }, 'count must be an integer from 1 to 100, got 0'],
    [{ count: 2.5, timeoutMs: 1000, intervalMs: 200 }, 'count must be an integer from 1 to 100, got 2.5'],
    [{ count: 101, timeoutMs: 1000, intervalMs: 200 }, 'count must be an integer from 1 to 100, got 101'],
    [{ count: 5, timeoutMs: Number.NaN, intervalMs: 200 }, 'timeoutMs must be from 1 to 60000, got NaN'],
    [{ count: 5, timeoutMs: 1000, intervalMs: 1 }, 'intervalMs must be from 10 to 60000, got 1'],
  ])('%o → %j', (options, expected) => {
    expect(checkIcmpOptions(options)).toBe(expected);
  });
});

describe('prepareTargets', () => {
  it('deduplicates, keeps order, and fails bad names as config', () => {
    const { valid, results } = prepareTargets(['b', 'a', 'b', '-x'], { count: 1, timeoutMs: 100, intervalMs: 100 });
    expect(valid).toEqual(['b', 'a']);
    expect([...results.keys()]).toEqual(['-x']);
    expect(results.get('-x')).toMatchObject({ ok: false, reason: 'config' });
  });

  it('bad options fail every target, each message naming it', () => {
    const { valid, results } = prepareTargets(['a', 'b'], { count: 0, timeoutMs: 100, intervalMs: 100 });
    expect(valid).toEqual([]);
    expect([...results.values()].map((result) => !result.ok && result.message)).toEqual([
      'ICMP probe of a not started: count must be an integer from 1 to 100, got 0',
      'ICMP probe of b not started: count must be an integer from 1 to 100, got 0',
    ]);
  });
});
