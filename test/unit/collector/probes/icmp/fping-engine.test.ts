import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fpingArgs, fpingExpectedMs, resultsFromFpingReport, type FpingExit } from '../../../../../collector/probes/icmp/fping-engine.ts';
import { parseFpingOutput } from '../../../../../collector/probes/icmp/parse-fping.ts';

const fixture = (name: string) => parseFpingOutput(readFileSync(new URL(`../../../../fixtures/icmp/${name}`, import.meta.url), 'utf8'));
const exited = (code: number): FpingExit => ({ code, interrupted: false, deadlineMs: 5000 });

describe('fpingArgs', () => {
  it('passes the options as numbers, ends options with --, and never uses -q', () => {
    expect(fpingArgs(['127.0.0.1', '::1'], { count: 5, timeoutMs: 1000, intervalMs: 200 }, 1)).toEqual([
      '-C', '5', '-p', '200', '-t', '1000', '-i', '1', '--', '127.0.0.1', '::1',
    ]);
  });
});

describe('fpingExpectedMs', () => {
  it.each([
    // (count−1) × max(period, targets × gap) + targets × gap + timeout
    [1, { count: 5, intervalMs: 200, timeoutMs: 1000 }, 1, 4 * 200 + 1 + 1000],
    [200, { count: 5, intervalMs: 200, timeoutMs: 1000 }, 1, 4 * 200 + 200 + 1000],
    [500, { count: 5, intervalMs: 200, timeoutMs: 1000 }, 1, 4 * 500 + 500 + 1000],
    [10, { count: 1, intervalMs: 1000, timeoutMs: 500 }, 10, 100 + 500],
  ])('%i targets, %o, gap %i ms → %i ms', (targets, options, gap, expected) => {
    expect(fpingExpectedMs(targets, options, gap)).toBe(expected);
  });
});

describe('resultsFromFpingReport on captured output', () => {
  it('gives each target of a mixed batch its own result', () => {
    const targets = ['10.250.29.2', '10.250.29.3', '127.0.0.1', '::1'];
    const results = resultsFromFpingReport(targets, fixture('fping-mixed-neighbour-absent.txt'), exited(1));
    expect([...results.keys()]).toEqual(targets);
    expect(results.get('10.250.29.2')).toMatchObject({ ok: true, sent: 5, received: 5, lossPct: 0 });
    expect(results.get('10.250.29.3')).toEqual({
      ok: false,
      reason: 'unreachable',
      message: '10.250.29.3 is unreachable: ICMP Host Unreachable from 10.250.29.1 (no reply to 5 echo requests)',
    });
    expect(results.get('::1')).toMatchObject({ ok: true, received: 5 });
  });

  it('reports half loss as a success with lossPct 50', () => {
    const results = resultsFromFpingReport(['10.250.29.2'], fixture('fping-lossy-half.txt'), exited(0));
    expect(results.get('10.250.29.2')).toMatchObject({ ok: true, sent: 10, received: 5, lossPct: 50, rttMinMs: 0.05, rttMaxMs: 0.058 });
  });

  it('silence is a timeout, unless the route lookup says there is no route', () => {
    const report = fixture('fping-host-veth-down.txt');
    expect(resultsFromFpingReport(['10.250.29.2'], report, exited(1)).get('10.250.29.2')).toMatchObject({ ok: false, reason: 'timeout' });
    const withRoute = resultsFromFpingReport(['10.250.29.2'], report, exited(1), new Map([['10.250.29.2', 'EHOSTUNREACH']]));
    expect(withRoute.get('10.250.29.2')).toEqual({
      ok: false,
      reason: 'unreachable',
      message: '10.250.29.2 is unreachable: EHOSTUNREACH from the local route lookup (no reply to 3 echo requests)',
    });
    // A route lookup that found a route changes nothing.
    expect(resultsFromFpingReport(['10.250.29.2'], report, exited(1), new Map([['10.250.29.2', null]])).get('10.250.29.2')).toMatchObject({
      reason: 'timeout',
    });
  });

  it('a name that did not resolve is a config failure; the rest of the batch still counts', () => {
    const results = resultsFromFpingReport(['no-such-host.invalid', '127.0.0.1'], fixture('fping-unresolvable.txt'), exited(2));
    expect(results.get('no-such-host.invalid')).toEqual({
      ok: false,
      reason: 'config',
      message: 'ICMP probe of no-such-host.invalid failed: name did not resolve: Name or service not known',
    });
    expect(results.get('127.0.0.1')).toMatchObject({ ok: true, received: 3 });
  });

  it('fping refusing to run is internal for every target, quoting fping', () => {
    const results = resultsFromFpingReport(['127.0.0.1'], fixture('fping-bad-option.txt'), exited(1));
    expect(results.get('127.0.0.1')).toEqual({
      ok: false,
      reason: 'internal',
      message: "fping exited with code 1 without reporting on 127.0.0.1: invalid option -- 'z'; see 'fping -h' for usage information",
    });
  });

  it('after a deadline interrupt, keeps what was measured and times out the rest', () => {
    const results = resultsFromFpingReport(
      ['127.0.0.1', '10.250.29.3', '10.250.29.9'],
      fixture('fping-interrupted.txt'),
      { code: 1, interrupted: true, deadlineMs: 1200 },
    );
    expect(results.get('127.0.0.1')).toMatchObject({ ok: true, sent: 3, received: 3 });
    expect(results.get('10.250.29.3')).toMatchObject({ ok: false, reason: 'unreachable' });
    expect(results.get('10.250.29.9')).toEqual({ ok: false, reason: 'timeout', message: 'fping did not report on 10.250.29.9 within 1200 ms' });
  });
});
