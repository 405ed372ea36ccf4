import { describe, expect, it } from 'vitest';
import {
  addLost,
  coveredMs,
  echoesForDown,
  echoSlots,
  extendRun,
  FALSE_DOWN_ODDS,
  falseDownsPerDay,
  lossFraction,
  noRun,
  pollFailureOdds,
  pollsForAgentSilent,
  pushSample,
} from '../../../collector/alerts/evidence.ts';
import type { IcmpResult } from '../../../collector/probes/icmp/probe.ts';

const answered = (rttsMs: (number | null)[]): IcmpResult => {
  const received = rttsMs.filter((rtt) => rtt !== null).length;
  return { ok: true, sent: rttsMs.length, received, lossPct: ((rttsMs.length - received) / rttsMs.length) * 100, rttMinMs: 1, rttAvgMs: 1, rttMaxMs: 1, jitterMs: null, rttsMs };
};
const silent: IcmpResult = { ok: false, reason: 'timeout', message: 'no reply' };

describe('echo slots', () => {
  it.each([
    ['one target, every echo back', [answered([1, 2, 3])], 3, [true, true, true]],
    ['one target, the last two lost', [answered([1, null, null])], 3, [true, false, false]],
    ['a silent target loses every echo', [silent], 3, [false, false, false]],
    ['two targets: a slot is answered when either answered it', [answered([1, null, null]), answered([null, null, 3])], 3, [true, false, true]],
    ['a far end that never answers does not make loss', [silent, answered([1, 2, 3])], 3, [true, true, true]],
    ['without per-echo RTTs the replies are taken as the last echoes', [{ ...answered([1, 1, 1]), received: 1, rttsMs: [] } as IcmpResult], 3, [false, false, true]],
  ] as const)('%s', (_name, results, count, slots) => {
    expect(echoSlots(results, count)).toEqual(slots);
  });
});

describe('lost-echo runs', () => {
  it('starts at the first lost echo, inside the round that still got answers', () => {
    const run = extendRun(noRun, [true, true, false, false, false], 30_000, 200);
    expect(run).toEqual({ lost: 3, startMs: 30_400 });
    expect(extendRun(run, [false, false, false, false, false], 60_000, 200)).toEqual({ lost: 8, startMs: 30_400 });
  });

  it('ends at any answer, and a lost echo after it starts a new run', () => {
    expect(extendRun({ lost: 7, startMs: 1 }, [false, true, false], 60_000, 200)).toEqual({ lost: 1, startMs: 60_400 });
    expect(extendRun({ lost: 7, startMs: 1 }, [false, false, true], 60_000, 200)).toEqual(noRun);
  });

  it('grows by a whole round for a linkDown trap', () => {
    expect(addLost(noRun, 5, 42)).toEqual({ lost: 5, startMs: 42 });
    expect(addLost({ lost: 2, startMs: 7 }, 5, 42)).toEqual({ lost: 7, startMs: 7 });
  });
});

describe('how many lost echoes make a link down', () => {
  it.each([
    // loss, minimum (downAfter × count), needed
    [0, 10, 10],
    [0.05, 10, 10],
    [0.1, 10, 10],
    [0.2, 10, 11],
    [0.3, 10, 14],
    [0.4, 10, 18],
    [0.5, 10, 24],
    [0.6, 10, 30],
    [0.9, 10, 30],
    [1, 10, 30],
    [0.4, 15, 18],
  ])('loss %f, minimum %i → %i', (loss, minimum, needed) => {
    expect(echoesForDown(loss, minimum)).toBe(needed);
  });

  it('holds every loss up to the cap to the stated odds', () => {
    for (const loss of [0.05, 0.1, 0.2, 0.3, 0.4, 0.5]) expect(loss ** echoesForDown(loss, 10)).toBeLessThanOrEqual(FALSE_DOWN_ODDS);
  });

  it('gives the README its false-alarm rates per link per day', () => {
    const at = (intervalMs: number) => (loss: number) => falseDownsPerDay(loss, { intervalMs, count: 5, downAfter: 2 });
    // Clean links: no false alarm in a lifetime.
    expect(at(30_000)(0.05)).toBeLessThan(1e-8);
    // 20 % and 40 % random loss stay below one false "down" in two years per link.
    expect(at(30_000)(0.2)).toBeLessThan(1 / 730);
    expect(at(30_000)(0.4)).toBeLessThan(1 / 730);
    expect(at(15_000)(0.4)).toBeLessThan(1 / 365);
    // Twice the rounds, twice the chances.
    expect(at(15_000)(0.2) / at(30_000)(0.2)).toBeCloseTo(2, 5);
  });
});

describe('silent agents on lossy paths', () => {
  it('reckons a poll lost when any of its requests lost every try, its request or its answer', () => {
    expect(pollFailureOdds(0, 1, 10)).toBe(0);
    expect(pollFailureOdds(0.2, 1, 1)).toBeCloseTo(0.36 ** 2, 10);
    // A walk of a few dozen requests fails far more often than one request.
    expect(pollFailureOdds(0.12, 1, 20)).toBeCloseTo(1 - (1 - (1 - 0.88 ** 2) ** 2) ** 20, 10);
    expect(pollFailureOdds(0.12, 1, 20)).toBeGreaterThan(0.6);
  });

  it.each([
    // path loss, requests per poll, silent polls needed
    [0, 10, 2],
    [0.01, 1, 2],
    [0.01, 10, 3],
    [0.02, 10, 4],
    [0.05, 10, 6],
    [0.12, 20, 20],
    [0.2, 10, 20],
    [0.9, 10, 20],
  ])('path loss %f, %i requests a poll → %i silent polls with the address answering', (loss, requests, polls) => {
    expect(pollsForAgentSilent(loss, { retries: 1, requests, minimum: 2 })).toBe(polls);
  });
});

describe('loss window', () => {
  it('keeps the samples inside the window and measures what they cover', () => {
    let window = pushSample([], { atMs: 0, sent: 5, lost: 5 }, 60_000);
    window = pushSample(window, { atMs: 30_000, sent: 5, lost: 1 }, 60_000);
    window = pushSample(window, { atMs: 60_000, sent: 5, lost: 0 }, 60_000);
    expect(window.map((sample) => sample.atMs)).toEqual([30_000, 60_000]);
    expect(lossFraction(window)).toBeCloseTo(0.1, 10);
    expect(lossFraction(window, 30_000)).toBe(0);
    expect(lossFraction([])).toBe(0);
    expect(coveredMs(window, 60_000, 0, 30_000)).toBe(60_000);
    expect(coveredMs(window, 60_000, 60_000, 30_000)).toBe(0);
  });
});
