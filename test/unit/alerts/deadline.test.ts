import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cleanCutNoticeMs, lostRoundMs } from '../../../collector/alerts/deadline.ts';
import { parseConfig } from '../../../config/load.ts';

const defaults = (() => {
  const parsed = parseConfig('sites: []\ndevices: []\nlinks: []\n');
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return parsed.config;
})();

describe('the clean-cut notice bound', () => {
  it.each([
    { icmp: { interval: 30_000, count: 5, spacing: 200, timeout: 1_000 }, alerts: { downAfter: 2, grouping: 10_000 }, evaluationMs: 1_000, expected: 75_600 },
    { icmp: { interval: 15_000, count: 5, spacing: 200, timeout: 1_000 }, alerts: { downAfter: 2, grouping: 10_000 }, evaluationMs: 1_000, expected: 45_600 },
    { icmp: { interval: 1_000, count: 3, spacing: 100, timeout: 500 }, alerts: { downAfter: 3, grouping: 500 }, evaluationMs: 100, expected: 5_100 },
    { icmp: { interval: 60_000, count: 1, spacing: 0, timeout: 2_000 }, alerts: { downAfter: 1, grouping: 0 }, evaluationMs: 1_000, expected: 66_000 },
  ])('is $expected ms at every $icmp.interval ms, $icmp.count echoes, downAfter $alerts.downAfter', ({ expected, ...settings }) => {
    expect(cleanCutNoticeMs(settings)).toBe(expected);
  });

  it('is what the README states at the defaults and at 15 s, and under two minutes', () => {
    const { icmp } = defaults.collector;
    const { alerts } = defaults;
    const at30 = cleanCutNoticeMs({ icmp, alerts, evaluationMs: 1_000 });
    const at15 = cleanCutNoticeMs({ icmp: { ...icmp, interval: 15_000 }, alerts, evaluationMs: 1_000 });
    const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
    expect(readme).toContain(`**≈ ${Math.round(at30 / 1_000)} s**`);
    expect(readme).toContain(`≈ ${Math.round(at15 / 1_000)} s. Then`);
    expect(readme).toContain(`${Math.round(lostRoundMs(icmp) / 1_000)} s |`);
    expect(at30).toBeLessThan(120_000);
  });
});
