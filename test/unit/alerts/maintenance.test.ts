import { describe, expect, it } from 'vitest';
import { activeFor, covers, fromSettings, isActive, nextBoundary, type CoverageSubject, type MaintenanceWindow } from '../../../collector/alerts/maintenance.ts';

const VN = 'Asia/Ho_Chi_Minh';
const UTC = 'UTC';
/** An instant written as Vietnam wall time (UTC+7, no DST). */
const vn = (text: string) => Date.parse(`${text}+07:00`);
const utc = (text: string) => Date.parse(`${text}Z`);

const window = (fields: Partial<MaintenanceWindow>): MaintenanceWindow => ({ id: 'w', source: 'store', match: {}, ...fields });

// 2026-11-27 is a Friday, 28 a Saturday, 29 a Sunday, 30 a Monday.
const saturdayNight = window({ every: { days: ['sat'], from: '22:00', to: '02:00' } });
const officeHours = window({ every: { days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '08:00', to: '17:00' } });
const nightly = window({ every: { from: '23:00', to: '01:00' } });
const allDaySunday = window({ every: { days: ['sun'], from: '00:00', to: '00:00' } });
const oneOff = window({ startMs: vn('2026-11-27T22:00'), endMs: vn('2026-11-28T02:00') });

describe('isActive', () => {
  it.each([
    ['one-off, before the start', oneOff, vn('2026-11-27T21:59'), false],
    ['one-off, at the start (inclusive)', oneOff, vn('2026-11-27T22:00'), true],
    ['one-off, inside, after midnight', oneOff, vn('2026-11-28T01:59'), true],
    ['one-off, at the end (exclusive)', oneOff, vn('2026-11-28T02:00'), false],
    ['one-off ended early, before the end', { ...oneOff, endedMs: vn('2026-11-27T23:00') }, vn('2026-11-27T22:30'), true],
    ['one-off ended early, after it', { ...oneOff, endedMs: vn('2026-11-27T23:00') }, vn('2026-11-27T23:00'), false],
    ['one-off cancelled before it began', { ...oneOff, endedMs: vn('2026-11-27T10:00') }, vn('2026-11-27T22:30'), false],
    ['one-off without an end', window({ startMs: 0 }), vn('2026-11-27T22:30'), false],
    ['Sat 22–02, Saturday 21:59', saturdayNight, vn('2026-11-28T21:59'), false],
    ['Sat 22–02, Saturday 22:00', saturdayNight, vn('2026-11-28T22:00'), true],
    ['Sat 22–02, Saturday 23:59', saturdayNight, vn('2026-11-28T23:59'), true],
    ['Sat 22–02, Sunday 01:00 (belongs to Saturday)', saturdayNight, vn('2026-11-29T01:00'), true],
    ['Sat 22–02, Sunday 01:59', saturdayNight, vn('2026-11-29T01:59'), true],
    ['Sat 22–02, Sunday 02:00', saturdayNight, vn('2026-11-29T02:00'), false],
    ['Sat 22–02, Sunday 22:30 (Sunday is not listed)', saturdayNight, vn('2026-11-29T22:30'), false],
    ['Sat 22–02, Saturday 01:00 (Friday night is not listed)', saturdayNight, vn('2026-11-28T01:00'), false],
    ['Sat 22–02, ended early', { ...saturdayNight, endedMs: vn('2026-11-28T23:00') }, vn('2026-11-29T01:00'), false],
    ['weekdays 08–17, Friday 16:59', officeHours, vn('2026-11-27T16:59'), true],
    ['weekdays 08–17, Friday 17:00', officeHours, vn('2026-11-27T17:00'), false],
    ['weekdays 08–17, Saturday 09:00', officeHours, vn('2026-11-28T09:00'), false],
    ['weekdays 08–17, Monday 08:00', officeHours, vn('2026-11-30T08:00'), true],
    ['weekdays 08–17, Monday 07:59', officeHours, vn('2026-11-30T07:59'), false],
    ['every day 23–01, 00:30', nightly, vn('2026-11-29T00:30'), true],
    ['every day 23–01, 12:00', nightly, vn('2026-11-29T12:00'), false],
    ['Sunday all day, Sunday 00:00', allDaySunday, vn('2026-11-29T00:00'), true],
    ['Sunday all day, Sunday 23:59', allDaySunday, vn('2026-11-29T23:59'), true],
    ['Sunday all day, Monday 00:00', allDaySunday, vn('2026-11-30T00:00'), false],
    ['Sunday all day, Saturday 23:59', allDaySunday, vn('2026-11-28T23:59'), false],
  ])('%s', (_name, subject, atMs, expected) => {
    expect(isActive(subject, atMs, VN)).toBe(expected);
  });

  it('reads a recurring window in the time zone given, not the machine’s or UTC', () => {
    // Saturday 22:30 in Vietnam is Saturday 15:30 UTC: inside in Vietnam, outside in UTC.
    const at = vn('2026-11-28T22:30');
    expect(at).toBe(utc('2026-11-28T15:30'));
    expect(isActive(saturdayNight, at, VN)).toBe(true);
    expect(isActive(saturdayNight, at, UTC)).toBe(false);
    // Sunday 01:00 UTC is Sunday 08:00 in Vietnam.
    expect(isActive(saturdayNight, utc('2026-11-29T01:00'), UTC)).toBe(true);
    expect(isActive(saturdayNight, utc('2026-11-29T01:00'), VN)).toBe(false);
  });

  it('crosses the week: Sunday 23:00 to Monday 01:00 belongs to Sunday', () => {
    const sundayNight = window({ every: { days: ['sun'], from: '23:00', to: '01:00' } });
    expect(isActive(sundayNight, vn('2026-11-30T00:30'), VN)).toBe(true);
    expect(isActive(sundayNight, vn('2026-11-29T00:30'), VN)).toBe(false);
  });

  it('one-off windows are instants: the zone does not matter', () => {
    expect(isActive(oneOff, vn('2026-11-27T23:00'), UTC)).toBe(true);
  });
});

describe('fromSettings', () => {
  it('reads start and end as alerts.timezone wall time unless an offset is given', () => {
    const [local, withOffset, recurring] = fromSettings(
      [
        { id: 'fibre-work', match: { sites: ['nam-xe'] }, start: '2026-12-01T22:00', end: '2026-12-02T02:00', comment: 'VNPT kéo cáp' },
        { id: 'utc-work', match: {}, start: '2026-12-01T15:00Z', end: '2026-12-01T16:00+00:00' },
        { id: 'weekly', match: { groups: ['cum-bac'] }, every: { days: ['sat'], from: '22:00', to: '02:00' } },
      ],
      VN,
    );
    expect(local).toEqual({ id: 'fibre-work', source: 'config', match: { sites: ['nam-xe'] }, startMs: vn('2026-12-01T22:00'), endMs: vn('2026-12-02T02:00'), comment: 'VNPT kéo cáp' });
    expect(withOffset).toMatchObject({ startMs: utc('2026-12-01T15:00'), endMs: utc('2026-12-01T16:00') });
    expect(recurring).toEqual({ id: 'weekly', source: 'config', match: { groups: ['cum-bac'] }, every: { days: ['sat'], from: '22:00', to: '02:00' } });
    expect(fromSettings([{ id: 'x', match: {}, start: '2026-12-01T22:00', end: '2026-12-02T02:00' }], UTC)[0]!.startMs).toBe(utc('2026-12-01T22:00'));
  });

  it('leaves an unreadable time out, so the window is never active', () => {
    const [bad] = fromSettings([{ id: 'bad', match: {}, start: 'tomorrow', end: '2026-12-02T02:00' }], VN);
    expect(bad!.startMs).toBeUndefined();
    expect(isActive(bad!, vn('2026-12-01T23:00'), VN)).toBe(false);
  });
});

describe('covers', () => {
  const site = (id: string, groups: string[] = []): CoverageSubject => ({ kind: 'site', id, site: id, groups });
  const link = (id: string, siteId: string, groups: string[] = []): CoverageSubject => ({ kind: 'link', id, site: siteId, groups });
  const device = (id: string, siteId: string, groups: string[] = []): CoverageSubject => ({ kind: 'device', id, site: siteId, groups });

  const bySite = window({ match: { sites: ['nam-xe'] } });
  const byGroup = window({ match: { groups: ['cum-bac'] } });
  const byLink = window({ match: { links: ['nam-xe-vnpt'] } });
  const byDevice = window({ match: { devices: ['nam-xe-router'] } });
  const everything = window({ match: {} });
  const emptyLists = window({ match: { sites: [], links: [] } });

  it.each([
    ['site selector, the site', bySite, site('nam-xe'), true],
    ['site selector, a link at the site', bySite, link('nam-xe-tslcd', 'nam-xe'), true],
    ['site selector, a device at the site', bySite, device('nam-xe-switch', 'nam-xe'), true],
    ['site selector, another site', bySite, site('khanh-yen'), false],
    ['site selector, a link elsewhere', bySite, link('khanh-yen-vnpt', 'khanh-yen'), false],
    ['group selector, a site of the group', byGroup, site('duong-quy', ['cum-bac']), true],
    ['group selector, a link at a site of the group', byGroup, link('duong-quy-vnpt', 'duong-quy', ['cum-bac', 'core']), true],
    ['group selector, a device at a site of the group', byGroup, device('duong-quy-router', 'duong-quy', ['cum-bac']), true],
    ['group selector, a site of another group', byGroup, site('hoa-mac', ['cum-trung']), false],
    ['link selector, the link', byLink, link('nam-xe-vnpt', 'nam-xe'), true],
    ['link selector, another link at the same site', byLink, link('nam-xe-tslcd', 'nam-xe'), false],
    ['link selector, its site', byLink, site('nam-xe'), false],
    ['link selector, a device of the same id', byLink, device('nam-xe-vnpt', 'nam-xe'), false],
    ['device selector, the device', byDevice, device('nam-xe-router', 'nam-xe'), true],
    ['device selector, its site', byDevice, site('nam-xe'), false],
    ['device selector, a link at its site', byDevice, link('nam-xe-vnpt', 'nam-xe'), false],
    ['empty selector, any site', everything, site('hoa-mac'), true],
    ['empty selector, any link', everything, link('x', 'y'), true],
    ['selector of empty lists, anything', emptyLists, device('x', 'y'), true],
  ])('%s', (_name, subject, target, expected) => {
    expect(covers(subject, target)).toBe(expected);
  });

  it('takes any of several lists', () => {
    const mixed = window({ match: { sites: ['dc'], links: ['nam-xe-vnpt'] } });
    expect(covers(mixed, link('nam-xe-vnpt', 'nam-xe'))).toBe(true);
    expect(covers(mixed, device('dc-router', 'dc'))).toBe(true);
    expect(covers(mixed, device('nam-xe-router', 'nam-xe'))).toBe(false);
  });
});

describe('activeFor', () => {
  const subject: CoverageSubject = { kind: 'link', id: 'nam-xe-vnpt', site: 'nam-xe', groups: ['cum-bac'] };
  const at = vn('2026-11-28T23:00');

  it('returns the first window that is both active and covering', () => {
    const otherSite = window({ id: 'other', match: { sites: ['dc'] }, every: { from: '00:00', to: '00:00' } });
    const notNow = window({ id: 'later', match: { sites: ['nam-xe'] }, startMs: vn('2026-12-01T00:00'), endMs: vn('2026-12-02T00:00') });
    const group = window({ id: 'group', match: { groups: ['cum-bac'] }, every: { days: ['sat'], from: '22:00', to: '02:00' } });
    const link = window({ id: 'link', match: { links: ['nam-xe-vnpt'] }, startMs: at - 1, endMs: at + 1 });
    expect(activeFor([otherSite, notNow, group, link], subject, at, VN)?.id).toBe('group');
    expect(activeFor([otherSite, notNow, link, group], subject, at, VN)?.id).toBe('link');
    expect(activeFor([otherSite, notNow], subject, at, VN)).toBeUndefined();
    expect(activeFor([], subject, at, VN)).toBeUndefined();
  });
});

describe('nextBoundary', () => {
  it.each([
    ['one-off, before: its start', oneOff, vn('2026-11-27T12:00'), { kind: 'start', atMs: vn('2026-11-27T22:00') }],
    ['one-off, during: its end', oneOff, vn('2026-11-27T23:00'), { kind: 'end', atMs: vn('2026-11-28T02:00') }],
    ['one-off, over', oneOff, vn('2026-11-28T02:00'), undefined],
    ['one-off ended early, during: the early end', { ...oneOff, endedMs: vn('2026-11-28T00:00') }, vn('2026-11-27T23:00'), { kind: 'end', atMs: vn('2026-11-28T00:00') }],
    ['one-off cancelled before it began', { ...oneOff, endedMs: vn('2026-11-27T12:00') }, vn('2026-11-27T11:00'), undefined],
    ['Sat 22–02, on Friday: Saturday 22:00', saturdayNight, vn('2026-11-27T12:00'), { kind: 'start', atMs: vn('2026-11-28T22:00') }],
    ['Sat 22–02, during, Sunday 01:00: Sunday 02:00', saturdayNight, vn('2026-11-29T01:00'), { kind: 'end', atMs: vn('2026-11-29T02:00') }],
    ['Sat 22–02, Sunday 03:00: next Saturday', saturdayNight, vn('2026-11-29T03:00'), { kind: 'start', atMs: vn('2026-12-05T22:00') }],
    ['weekdays 08–17, Friday 18:00: Monday 08:00', officeHours, vn('2026-11-27T18:00'), { kind: 'start', atMs: vn('2026-11-30T08:00') }],
    ['every day 23–01, 00:30: 01:00', nightly, vn('2026-11-29T00:30'), { kind: 'end', atMs: vn('2026-11-29T01:00') }],
    ['Sunday all day, during: Monday 00:00', allDaySunday, vn('2026-11-29T10:00'), { kind: 'end', atMs: vn('2026-11-30T00:00') }],
    ['every day all day: never changes', window({ every: { from: '06:00', to: '06:00' } }), vn('2026-11-29T10:00'), undefined],
    ['every day all day, ended early', window({ every: { from: '06:00', to: '06:00' }, endedMs: vn('2026-12-01T00:00') }), vn('2026-11-29T10:00'), { kind: 'end', atMs: vn('2026-12-01T00:00') }],
    ['Sat 22–02, ended before the next start', { ...saturdayNight, endedMs: vn('2026-11-28T12:00') }, vn('2026-11-27T12:00'), undefined],
  ])('%s', (_name, subject, atMs, expected) => {
    expect(nextBoundary(subject, atMs, VN)).toEqual(expected);
  });

  it('Saturday and Sunday nights back to back end on Monday morning', () => {
    const weekend = window({ every: { days: ['sat', 'sun'], from: '00:00', to: '00:00' } });
    expect(nextBoundary(weekend, vn('2026-11-28T10:00'), VN)).toEqual({ kind: 'end', atMs: vn('2026-11-30T00:00') });
  });

  it('agrees with isActive just before and at each boundary', () => {
    for (const subject of [saturdayNight, officeHours, nightly, allDaySunday, oneOff]) {
      let at = vn('2026-11-26T00:00');
      for (let step = 0; step < 6; step++) {
        const boundary = nextBoundary(subject, at, VN);
        if (!boundary) break;
        expect(isActive(subject, boundary.atMs - 60_000, VN)).toBe(boundary.kind === 'end');
        expect(isActive(subject, boundary.atMs, VN)).toBe(boundary.kind === 'start');
        at = boundary.atMs;
      }
    }
  });
});
