import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FALSE_ALARMS_DOC_END, FALSE_ALARMS_DOC_START, falseAlarmMarkdown } from '../../../collector/alerts/false-alarms-doc.ts';

describe('README.md false-alarm table', () => {
  it('is exactly what the evidence module gives (run `npm run docs:schema` after a change)', () => {
    const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
    const start = readme.indexOf(FALSE_ALARMS_DOC_START);
    const end = readme.indexOf(FALSE_ALARMS_DOC_END);
    expect(start).toBeGreaterThan(0);
    expect(readme.slice(start + FALSE_ALARMS_DOC_START.length, end).trim()).toBe(falseAlarmMarkdown());
  });

  it('states the rate at 20 % random loss: well under one false alarm a year per link', () => {
    expect(falseAlarmMarkdown()).toMatch(/\| 20 % \| 11 \| 2\.4 × 10⁻⁴ \(once in 12 years\) \|/);
  });
});
