import { describe, expect, it } from 'vitest';
import { baseLoad, hash32, integrateOctets, linkTraffic, unitHash, vietnamTime, type LinkTrafficModel, type TrafficRate } from '../../../simulator/traffic.ts';

/** Epoch ms of a Vietnam wall-clock time, e.g. vn('2024-03-11T09:00') (a Monday). */
const vn = (local: string) => Date.parse(`${local}:00+07:00`);
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const model = (seed: number, overrides: Partial<LinkTrafficModel> = {}): LinkTrafficModel => ({
  seed,
  downBps: 100e6,
  upBps: 100e6,
  ceilingBps: 1e9,
  ...overrides,
});

/** Mean download rate over [from, to) sampled every `stepMs`, over several seeds (communes). */
function meanIn(from: number, to: number, seeds = [1, 2, 3, 4, 5, 6, 7, 8], stepMs = 10_000): number {
  let sum = 0;
  let count = 0;
  for (const seed of seeds) {
    for (let t = from; t < to; t += stepMs) {
      sum += linkTraffic(model(seed), t).inBps;
      count++;
    }
  }
  return sum / count;
}

describe('vietnamTime', () => {
  it.each<[string, number, { weekday: number; hour: number }]>([
    ['Monday 09:00 in Hà Nội', vn('2024-03-11T09:00'), { weekday: 1, hour: 9 }],
    ['midnight UTC is 07:00 the same day', Date.parse('2024-03-11T00:00:00Z'), { weekday: 1, hour: 7 }],
    ['17:00 UTC Sunday is Monday 00:00', Date.parse('2024-03-10T17:00:00Z'), { weekday: 1, hour: 0 }],
    ['Sunday 23:30', vn('2024-03-10T23:30'), { weekday: 0, hour: 23.5 }],
    ['Saturday 00:00', vn('2024-03-16T00:00'), { weekday: 6, hour: 0 }],
    ['before 1970 still works', Date.parse('1969-12-31T17:00:00Z'), { weekday: 4, hour: 0 }],
  ])('%s', (_name, atMs, expected) => {
    expect(vietnamTime(atMs)).toEqual(expected);
  });
});

describe('baseLoad: the working-day curve', () => {
  it.each<[string, [number, number], '>' | '<', [number, number]]>([
    ['morning office hours are busier than the night', [1, 9.5], '>', [1, 3]],
    ['the afternoon is busy too', [3, 15], '>', [3, 20]],
    ['the lunch break dips', [2, 12.5], '<', [2, 10]],
    ['the lunch break dips below the afternoon', [2, 12.5], '<', [2, 14.5]],
    ['a Saturday morning is quieter than a Tuesday morning', [6, 9.5], '<', [2, 9.5]],
    ['a Sunday afternoon is quieter than a Friday afternoon', [0, 15], '<', [5, 15]],
    ['before the office opens is quieter than after', [1, 7], '<', [1, 8.5]],
  ])('%s', (_name, [dayA, hourA], relation, [dayB, hourB]) => {
    const a = baseLoad(dayA, hourA);
    const b = baseLoad(dayB, hourB);
    if (relation === '>') expect(a).toBeGreaterThan(b);
    else expect(a).toBeLessThan(b);
  });

  it('stays a share of capacity at every hour', () => {
    const loads: number[] = [];
    for (let day = 0; day < 7; day++) for (let hour = 0; hour <= 24; hour += 0.25) loads.push(baseLoad(day, hour));
    expect(Math.min(...loads)).toBeGreaterThan(0);
    expect(Math.max(...loads)).toBeLessThan(1);
  });
});

describe('linkTraffic: shape over many communes', () => {
  const monday = vn('2024-03-11T00:00');
  const busy = meanIn(monday + 9 * HOUR, monday + 10 * HOUR);
  const night = meanIn(monday + 2 * HOUR, monday + 3 * HOUR);
  const lunch = meanIn(monday + 12 * HOUR, monday + 13 * HOUR);
  const afternoon = meanIn(monday + 14 * HOUR, monday + 16 * HOUR);
  const saturday = meanIn(vn('2024-03-16T09:00'), vn('2024-03-16T10:00'));

  it('busy office hours carry several times the night traffic', () => {
    expect(busy).toBeGreaterThan(5 * night);
  });

  it('the lunch break is well below the morning and the afternoon', () => {
    expect(lunch).toBeLessThan(0.6 * busy);
    expect(lunch).toBeLessThan(0.6 * afternoon);
  });

  it('a weekend morning is well below a weekday morning', () => {
    expect(saturday).toBeLessThan(0.4 * busy);
  });

  it('busy hours use a realistic share of capacity (20–75 %)', () => {
    expect(busy / 100e6).toBeGreaterThan(0.2);
    expect(busy / 100e6).toBeLessThan(0.75);
  });
});

describe('linkTraffic: limits', () => {
  const week = (from: number, stepMs: number, visit: (rate: TrafficRate, atMs: number) => void, m = model(11)) => {
    for (let t = from; t < from + 7 * DAY; t += stepMs) visit(linkTraffic(m, t), t);
  };

  it('never exceeds the interface speed, even when the contract is larger than the port', () => {
    const m = model(5, { downBps: 2e9, upBps: 2e9, ceilingBps: 1e9 });
    let highest = 0;
    week(vn('2024-03-11T00:00'), 61_000, (rate) => (highest = Math.max(highest, rate.inBps, rate.outBps)), m);
    expect(highest).toBeLessThanOrEqual(1e9);
    expect(linkTraffic(m, vn('2024-03-11T10:00'), 150)).toEqual({ inBps: 1e9, outBps: 1e9 });
  });

  it('never goes negative, and uploads stay within the upload contract and below downloads on average', () => {
    const m = model(9, { downBps: 40e6, upBps: 10e6 });
    let down = 0;
    let up = 0;
    let lowest = Number.POSITIVE_INFINITY;
    let highestUp = 0;
    week(vn('2024-03-11T00:00'), 37_000, (rate) => {
      lowest = Math.min(lowest, rate.inBps, rate.outBps);
      highestUp = Math.max(highestUp, rate.outBps);
      down += rate.inBps;
      up += rate.outBps;
    }, m);
    expect(lowest).toBeGreaterThan(0);
    expect(highestUp).toBeLessThanOrEqual(0.95 * 10e6);
    expect(up).toBeLessThan(down / 2);
  });

  it('is deterministic: the same seed and time give the same rate; another seed differs', () => {
    const at = vn('2024-03-12T10:17');
    expect(linkTraffic(model(42), at)).toEqual(linkTraffic(model(42), at));
    expect(linkTraffic(model(42), at + 1234)).toEqual(linkTraffic(model(42), at + 1234));
    expect(linkTraffic(model(43), at)).not.toEqual(linkTraffic(model(42), at));
  });

  it('has occasional short bursts near the contracted capacity during working hours', () => {
    const runs: number[] = [];
    let run = 0;
    let burstSamples = 0;
    let samples = 0;
    for (const seed of [1, 2, 3, 4]) {
      const m = model(seed);
      for (let t = vn('2024-03-11T08:00'); t < vn('2024-03-15T17:00'); t += 5_000) {
        const { weekday, hour } = vietnamTime(t);
        if (weekday === 0 || weekday === 6 || hour < 8 || hour > 17) continue;
        samples++;
        if (linkTraffic(m, t).inBps >= 0.92 * m.downBps) {
          burstSamples++;
          run++;
        } else if (run > 0) {
          runs.push(run);
          run = 0;
        }
      }
    }
    expect(runs.length).toBeGreaterThan(5);
    // 30–120 s each, sampled every 5 s.
    expect(Math.max(...runs) * 5).toBeLessThanOrEqual(125);
    expect(burstSamples / samples).toBeLessThan(0.03);
  });

  it.each([80, 95, 30])('saturation at %i %% overrides the curve in both directions (±1 %%)', (percent) => {
    const m = model(3, { downBps: 20e6, upBps: 5e6 });
    for (const at of [vn('2024-03-11T03:00'), vn('2024-03-11T10:00'), vn('2024-03-16T15:00')]) {
      const rate = linkTraffic(m, at, percent);
      expect(rate.inBps / (20e6 * (percent / 100))).toBeCloseTo(1, 1);
      expect(Math.abs(rate.inBps / (20e6 * (percent / 100)) - 1)).toBeLessThanOrEqual(0.01);
      expect(Math.abs(rate.outBps / (5e6 * (percent / 100)) - 1)).toBeLessThanOrEqual(0.01);
    }
  });
});

describe('integrateOctets', () => {
  const constant = (inBps: number, outBps: number) => () => ({ inBps, outBps });

  it.each<[string, number, number, { inOctets: number; outOctets: number }]>([
    ['a minute at 8 Mbit/s down and 800 kbit/s up', 0, 60_000, { inOctets: 60e6, outOctets: 6e6 }],
    ['no time', 1000, 1000, { inOctets: 0, outOctets: 0 }],
    ['time going backwards', 2000, 1000, { inOctets: 0, outOctets: 0 }],
    ['a day at once', 0, DAY, { inOctets: 86_400e6, outOctets: 8_640e6 }],
  ])('%s', (_name, from, to, expected) => {
    const result = integrateOctets(constant(8e6, 0.8e6), from, to);
    expect(result.inOctets).toBeCloseTo(expected.inOctets, 3);
    expect(result.outOctets).toBeCloseTo(expected.outOctets, 3);
  });

  it.each<[string, number, number]>([
    ['a few seconds in one step', 3_000, 1],
    ['a minute in 5 s steps', 60_000, 12],
    ['a compressed jump of a day in at most 48 steps', DAY, 48],
  ])('%s', (_name, span, steps) => {
    let calls = 0;
    integrateOctets(() => (calls++, { inBps: 1, outBps: 1 }), 0, span);
    expect(calls).toBe(steps);
  });
});

describe('hash32', () => {
  it('is deterministic and spreads', () => {
    expect(hash32(1, 2, 3)).toBe(hash32(1, 2, 3));
    expect(hash32(1, 2, 3)).not.toBe(hash32(1, 2, 4));
    expect(hash32(2 ** 40)).not.toBe(hash32(0));
    let sum = 0;
    for (let i = 0; i < 10_000; i++) sum += unitHash(7, i);
    expect(sum / 10_000).toBeCloseTo(0.5, 1);
  });
});
