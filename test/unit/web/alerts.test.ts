import { describe, expect, it } from 'vitest';
import type { AlertRecord } from '../../../store/control-rows.ts';
import { alertPhase, alertRows, knownSeverity, problemsFirst } from '../../../web/lib/alerts.ts';

// The alerts table's order, phases, filters and folding, without a browser.

const alert = (id: string, extra: Partial<AlertRecord> = {}): AlertRecord => ({ alertId: id, kind: 'link-down', severity: 'critical', open: true, lastEvent: 'firing', lastEventMs: 0, startedMs: 1_000, acked: false, ...extra });

describe('alertPhase', () => {
  it.each([
    [{ open: true, acked: false }, 'open'],
    [{ open: true, acked: true }, 'acknowledged'],
    [{ open: false, acked: true }, 'resolved'],
    [{ open: false, acked: false }, 'resolved'],
  ] as const)('%o → %s', (record, phase) => {
    expect(alertPhase(record)).toBe(phase);
  });
});

describe('problemsFirst', () => {
  it('puts open before acknowledged before resolved, then the worst severity, then the newest', () => {
    const order = problemsFirst([
      alert('resolved', { open: false }),
      alert('acked', { acked: true }),
      alert('warning-new', { severity: 'warning', startedMs: 9_000 }),
      alert('critical-old', { startedMs: 1_000 }),
      alert('critical-new', { startedMs: 5_000 }),
      alert('from-a-newer-engine', { severity: 'catastrophic' }),
    ]).map((a) => a.alertId);
    expect(order).toEqual(['critical-new', 'critical-old', 'warning-new', 'from-a-newer-engine', 'acked', 'resolved']);
  });
});

describe('alertRows', () => {
  const root = alert('root', { kind: 'upstream-down', site: 'district', affected: ['district', 'ta-van', 'nam-xe'], startedMs: 1_000 });
  const during = alert('ta-van-device', { kind: 'device-down', site: 'ta-van', severity: 'warning', startedMs: 2_000 });
  const before = alert('nam-xe-old', { site: 'nam-xe', open: false, startedMs: 0, endedMs: 500 });
  const elsewhere = alert('ban-ho', { site: 'ban-ho', startedMs: 3_000 });

  it('folds the alerts at the sites a root cause cut off, while it lasted, under it', () => {
    const rows = alertRows([during, elsewhere, root, before], { nowMs: 10_000 });
    expect(rows.map((row) => [row.alert.alertId, row.consequences.map((c) => c.alertId), row.affectedSites])).toEqual([
      ['ban-ho', [], []],
      ['root', ['ta-van-device'], ['ta-van', 'nam-xe']],
      ['nam-xe-old', [], []],
    ]);
  });

  it('filters by acknowledgement and severity before folding', () => {
    expect(alertRows([root, during, alert('acked', { acked: true })], { nowMs: 10_000, filter: { unacknowledgedOnly: true } }).map((row) => row.alert.alertId)).toEqual(['root']);
    expect(alertRows([root, during], { nowMs: 10_000, filter: { severity: 'warning' } }).map((row) => row.alert.alertId)).toEqual(['ta-van-device']);
  });

  it('knows the severities the config defines and nothing else', () => {
    expect(knownSeverity('info')).toBe('info');
    expect(knownSeverity('catastrophic')).toBeUndefined();
  });
});
