import { describe, expect, it } from 'vitest';
import type { RouteSettings } from '../../../config/alerts.ts';
import { advanceSchedule, backoffMs, cancelHeld, holdUntil, quietHoursEnd, routeMatches, routesFor, scheduleFor } from '../../../collector/notify/routing.ts';
import { sample, site } from './fixtures.ts';

const TZ = 'Asia/Ho_Chi_Minh';
/** A Vietnamese wall-clock time (UTC+7) on 27/11/2026 (or the next day). */
const vn = (hour: number, minute = 0, day = 27) => Date.UTC(2026, 10, day, hour - 7, minute);

const route = (overrides: Partial<RouteSettings> = {}): RouteSettings => ({ id: 'r', channels: ['c'], match: {}, ...overrides });

describe('routeMatches', () => {
  const critical = { site, severity: 'critical' as const };
  const collector = { severity: 'critical' as const };
  const cases: [string, RouteSettings['match'], { site?: typeof site; severity: 'critical' | 'warning' | 'info' }, boolean][] = [
    ['empty match takes everything', {}, critical, true],
    ['empty match takes collector alerts', {}, collector, true],
    ['group matches', { groups: ['cum-bac'] }, critical, true],
    ['other group does not', { groups: ['cum-nam'] }, critical, false],
    ['site matches', { sites: ['nam-xe'] }, critical, true],
    ['groups and sites are alternatives', { groups: ['cum-nam'], sites: ['nam-xe'] }, critical, true],
    ['severity must match', { severities: ['warning'] }, critical, false],
    ['severity and group both needed', { groups: ['cum-bac'], severities: ['critical'] }, critical, true],
    ['collector alert skips a group route', { groups: ['cum-bac'] }, collector, false],
    ['collector alert skips a site route', { sites: ['nam-xe'] }, collector, false],
    ['collector alert takes a severity-only route', { severities: ['critical'] }, collector, true],
    ['empty lists restrict nothing', { groups: [], sites: [] }, collector, true],
  ];
  it.each(cases)('%s', (_name, match, notification, expected) => {
    expect(routeMatches({ match }, notification)).toBe(expected);
  });

  it('routesFor keeps config order', () => {
    const routes = [route({ id: 'a', match: { sites: ['x'] } }), route({ id: 'b' }), route({ id: 'c', match: { groups: ['xa'] } })];
    expect(routesFor(routes, sample('link-down', 'firing')).map((r) => r.id)).toEqual(['b', 'c']);
  });
});

describe('quiet hours across midnight in Asia/Ho_Chi_Minh', () => {
  const quiet = { from: '22:00', to: '06:30' };
  const cases: [string, number, number | undefined][] = [
    ['21:59 is not quiet', vn(21, 59), undefined],
    ['22:00 is quiet until 06:30 next day', vn(22, 0), vn(6, 30, 28)],
    ['23:45 is quiet until 06:30 next day', vn(23, 45), vn(6, 30, 28)],
    ['00:10 is quiet until 06:30 same day', vn(0, 10, 28), vn(6, 30, 28)],
    ['06:29 is quiet until 06:30', vn(6, 29, 28), vn(6, 30, 28)],
    ['06:30 is not quiet', vn(6, 30, 28), undefined],
    ['noon is not quiet', vn(12, 0), undefined],
  ];
  it.each(cases)('%s', (_name, at, end) => {
    expect(quietHoursEnd(at + 17_000, quiet, TZ)).toBe(end);
  });

  it('a daytime range does not wrap', () => {
    expect(quietHoursEnd(vn(12, 15), { from: '12:00', to: '13:30' }, TZ)).toBe(vn(13, 30));
    expect(quietHoursEnd(vn(23, 0), { from: '12:00', to: '13:30' }, TZ)).toBeUndefined();
  });

  it('the same instant is quiet in Hanoi but not in UTC', () => {
    // 23:00 in Vietnam is 16:00 UTC.
    expect(quietHoursEnd(vn(23, 0), quiet, TZ)).toBeDefined();
    expect(quietHoursEnd(vn(23, 0), quiet, 'UTC')).toBeUndefined();
  });

  it('holds warnings and info but never critical messages', () => {
    const r = route({ quietHours: quiet });
    expect(holdUntil({ severity: 'critical', event: 'firing' }, r, vn(23, 0), TZ)).toBeUndefined();
    expect(holdUntil({ severity: 'warning', event: 'firing' }, r, vn(23, 0), TZ)).toBe(vn(6, 30, 28));
    expect(holdUntil({ severity: 'info', event: 'resolved' }, r, vn(2, 0, 28), TZ)).toBe(vn(6, 30, 28));
    expect(holdUntil({ severity: 'warning', event: 'test' }, r, vn(23, 0), TZ)).toBeUndefined();
    // An outage told when it was already over waits for the morning, critical or not.
    expect(holdUntil({ severity: 'critical', event: 'brief' }, r, vn(23, 0), TZ)).toBe(vn(6, 30, 28));
    expect(holdUntil({ severity: 'warning', event: 'firing' }, route(), vn(23, 0), TZ)).toBeUndefined();
  });
});

describe('cancelHeld', () => {
  const held = [
    { key: 'f', alertId: 'a', routeId: 'r', event: 'firing' as const },
    { key: 'rep', alertId: 'a', routeId: 'r', event: 'repeat' as const },
    { key: 'other-route', alertId: 'a', routeId: 'r2', event: 'firing' as const },
    { key: 'other-alert', alertId: 'b', routeId: 'r', event: 'firing' as const },
  ];
  it('drops a held firing and its resolved together', () => {
    expect(cancelHeld({ alertId: 'a', event: 'resolved' }, 'r', held)).toEqual({ cancel: ['f', 'rep'], sendResolved: false });
  });
  it('sends the resolved when its firing already went out', () => {
    expect(cancelHeld({ alertId: 'a', event: 'resolved' }, 'r', held.filter((h) => h.key !== 'f'))).toEqual({ cancel: ['rep'], sendResolved: true });
  });
  it('touches nothing for a firing', () => {
    expect(cancelHeld({ alertId: 'a', event: 'firing' }, 'r', held)).toEqual({ cancel: [], sendResolved: true });
  });
});

describe('backoffMs', () => {
  const settings = { baseMs: 5_000, capMs: 600_000 };
  const cases: [number, number, number][] = [
    [1, 0, 2_500],
    [1, 0.999999, 5_000],
    [2, 0, 5_000],
    [3, 0.5, 15_000],
    [8, 0, 300_000],
    [9, 0.999999, 600_000],
    [50, 0, 300_000],
    [0, 0, 2_500],
  ];
  it.each(cases)('after %i failures with random %f waits %i ms', (failures, random, expected) => {
    expect(backoffMs(failures, settings, random)).toBe(expected);
  });
  it('grows until the cap', () => {
    const waits = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((n) => backoffMs(n, settings, 1));
    for (let i = 1; i < waits.length; i++) expect(waits[i]!).toBeGreaterThanOrEqual(waits[i - 1]!);
    expect(Math.max(...waits)).toBe(600_000);
  });
});

describe('repeat and escalation schedule', () => {
  it('no schedule for a route that neither repeats nor escalates', () => {
    expect(scheduleFor(route(), 0)).toBeUndefined();
  });

  it('repeats every period and escalates once', () => {
    const r = route({ repeat: 60_000, escalate: { after: 150_000, route: 'boss' } });
    let schedule = scheduleFor(r, 0)!;
    const seen: string[] = [];
    for (let t = 0; t <= 300_000; t += 10_000) {
      const next = advanceSchedule(schedule, r, 'critical', t, TZ);
      for (const action of next.actions) seen.push(`${t / 1000}s:${action.kind === 'repeat' ? `repeat ${action.n}` : `escalate ${action.route}`}`);
      schedule = next.schedule;
    }
    expect(seen).toEqual(['60s:repeat 1', '120s:repeat 2', '150s:escalate boss', '180s:repeat 3', '240s:repeat 4', '300s:repeat 5']);
  });

  it('missed repeats after downtime become one', () => {
    const r = route({ repeat: 60_000 });
    const next = advanceSchedule(scheduleFor(r, 0)!, r, 'critical', 3_600_000, TZ);
    expect(next.actions).toEqual([{ kind: 'repeat', n: 1 }]);
    expect(next.schedule.nextRepeatMs).toBe(3_660_000);
  });

  it('a warning repeat due in quiet hours moves to their end; a critical one does not', () => {
    const r = route({ repeat: 3_600_000, quietHours: { from: '22:00', to: '06:00' } });
    const schedule = scheduleFor(r, vn(22, 30) - 3_600_000)!;
    const warning = advanceSchedule(schedule, r, 'warning', vn(22, 30), TZ);
    expect(warning.actions).toEqual([]);
    expect(warning.schedule.nextRepeatMs).toBe(vn(6, 0, 28));
    expect(advanceSchedule(schedule, r, 'critical', vn(22, 30), TZ).actions).toEqual([{ kind: 'repeat', n: 1 }]);
  });
});
