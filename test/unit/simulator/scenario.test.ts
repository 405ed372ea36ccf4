import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { seededRandom } from '../../../simulator/random.ts';
import { expandTimeline, parseScenario, resolveAt, type Scenario } from '../../../simulator/scenario.ts';

const network = { sites: ['dc', 'nam-xe', 'chieng-ken', 'dan-thang'], devices: ['dc-core-router', 'nam-xe-router'], links: ['dc-tslcd', 'nam-xe-internet', 'dan-thang-internet'] };
// 2026-07-15 00:00 in Vietnam (UTC+7).
const START = Date.UTC(2026, 6, 14, 17, 0, 0);
const HOUR = 3_600_000;

const scenario = (yaml: string): Scenario => {
  const result = parseScenario(parse(yaml));
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.scenario;
};

describe('parseScenario', () => {
  it('reads the documented shape with defaults', () => {
    const s = scenario('name: calm\nduration: 24h\n');
    expect(s).toMatchObject({ name: 'calm', duration: 24 * HOUR, speed: 1, seed: 1, faults: [] });
  });

  it.each([
    ['an unknown fault kind', 'name: x\nduration: 1h\nfaults: [{at: "10:00", kind: fire, site: dc}]', 'faults[0].kind: expected one of'],
    ['a bad time', 'name: x\nduration: 1h\nfaults: [{at: "25:00", kind: reboot, device: d}]', 'faults[0].at: expected +DURATION'],
    ['a duration without unit', 'name: x\nduration: 24\n', 'duration: expected a duration'],
    ['an unknown key', 'name: x\nduration: 1h\nfaults: [{at: "+1m", kind: reboot, device: d, for: 1h}]', 'faults[0].for: unknown key'],
    ['a malformed variant', 'name: x\nduration: 1h\nfaults: [{at: "+1m", kind: malformed-replies, device: d, variant: junk, for: 1m}]', 'faults[0].variant: expected one of garbage, truncated, wrong-type'],
  ])('rejects %s, naming the path', (_name, yaml, message) => {
    const result = parseScenario(parse(yaml));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors.map((e) => `${e.path}: ${e.message}`).join('\n')).toContain(message);
  });
});

describe('resolveAt', () => {
  it.each([
    [{ kind: 'offset' as const, ms: 90 * 60_000 }, START + 1.5 * HOUR],
    [{ kind: 'clock' as const, day: 1, minutes: 10 * 60 }, START + 10 * HOUR],
    [{ kind: 'clock' as const, day: 3, minutes: 14 * 60 + 2 }, START + 2 * 24 * HOUR + 14 * HOUR + 2 * 60_000],
  ])('%j', (at, expected) => {
    expect(resolveAt(at, START)).toBe(expected);
    // A start later in the day keeps clock times on the same calendar day.
    if (at.kind === 'clock') expect(resolveAt(at, START + 5 * HOUR)).toBe(expected);
  });
});

describe('expandTimeline', () => {
  it('places the storm day’s faults in Vietnam time, sorted', () => {
    const s = scenario(`
name: storm
duration: 24h
faults:
  - {at: "14:02", kind: reboot, device: dc-core-router}
  - {at: "10:00", for: 45m, kind: link-down, link: nam-xe-internet}
  - {at: "02:00", for: 2h, kind: site-dark, site: chieng-ken}
`);
    const result = expandTimeline(s, network, START);
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    expect(result.faults).toEqual([
      { id: 'f3', kind: 'site-dark', site: 'chieng-ken', startMs: START + 2 * HOUR, endMs: START + 4 * HOUR },
      { id: 'f2', kind: 'link-down', link: 'nam-xe-internet', startMs: START + 10 * HOUR, endMs: START + 10.75 * HOUR },
      { id: 'f1', kind: 'reboot', device: 'dc-core-router', startMs: START + 14 * HOUR + 2 * 60_000 },
    ]);
  });

  it('expands a flap into link-downs: Dần Thàng flaps every 3 minutes for half an hour', () => {
    const s = scenario('name: f\nduration: 24h\nfaults: [{at: "09:00", for: 30m, kind: flap, link: dan-thang-internet, every: 3m, down: 1m}]');
    const result = expandTimeline(s, network, START);
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    expect(result.faults).toHaveLength(10);
    expect(result.faults.every((f) => f.kind === 'link-down' && f.endMs! - f.startMs === 60_000)).toBe(true);
    expect(result.faults[1]!.startMs - result.faults[0]!.startMs).toBe(180_000);
  });

  it('names unknown sites, links and devices, and faults outside the scenario', () => {
    const s = scenario('name: x\nduration: 1h\nfaults:\n  - {at: "+1m", kind: site-dark, site: nam-se, for: 1m}\n  - {at: "+2h", kind: reboot, device: nam-xe-router}');
    const result = expandTimeline(s, network, START);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.errors).toEqual([
        { path: 'faults[0].site', message: 'unknown site "nam-se"' },
        expect.objectContaining({ path: 'faults[1].at' }),
      ]);
    }
  });

  it('draws the same random month from the same seed, within the scenario', () => {
    const s = scenario('name: month\nduration: 30d\nseed: 7\nrandom: {count: 50, kinds: [link-down, site-dark, reboot], shortest: 5m, longest: 3h}');
    const a = expandTimeline(s, network, START);
    const b = expandTimeline(s, network, START);
    if (!a.ok || !b.ok) throw new Error('invalid');
    expect(a.faults).toEqual(b.faults);
    expect(a.faults).toHaveLength(50);
    for (const fault of a.faults) {
      expect(fault.startMs).toBeGreaterThanOrEqual(START);
      expect(fault.endMs ?? fault.startMs).toBeLessThanOrEqual(START + 30 * 24 * HOUR);
    }
    const other = expandTimeline({ ...s, seed: 8 }, network, START);
    if (!other.ok) throw new Error('invalid');
    expect(other.faults).not.toEqual(a.faults);
  });

  it('seededRandom is uniform enough and in [0, 1)', () => {
    const next = seededRandom(42);
    const values = Array.from({ length: 10_000 }, next);
    expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...values)).toBeLessThan(1);
    expect(values.reduce((a, b) => a + b, 0) / values.length).toBeCloseTo(0.5, 1);
  });
});
