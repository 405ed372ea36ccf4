import { describe, expect, it } from 'vitest';
import { isKiosk, parseRoute, routeHref, type Route } from '../../../web/lib/route.ts';

describe('dashboard routes', () => {
  it.each<[string, Route]>([
    ['', { view: 'overview' }],
    ['#/', { view: 'overview' }],
    ['#/alerts', { view: 'alerts' }],
    ['#/inventory', { view: 'inventory' }],
    ['#/reports', { view: 'reports' }],
    ['#/reports?period=2026-10', { view: 'reports' }],
    ['#/links/ta-van-vnpt', { view: 'link', id: 'ta-van-vnpt' }],
    ['#/links/a%20b', { view: 'link', id: 'a b' }],
    ['#/links/%E0%A4%A', { view: 'overview' }],
    ['#/links', { view: 'overview' }],
    ['#/nowhere', { view: 'overview' }],
  ])('%s → %o', (hash, route) => {
    expect(parseRoute(hash)).toEqual(route);
  });

  it('round-trips every route through its href', () => {
    for (const route of [{ view: 'overview' }, { view: 'alerts' }, { view: 'inventory' }, { view: 'reports' }, { view: 'link', id: 'nậm-xé/1' }] as Route[]) expect(parseRoute(routeHref(route))).toEqual(route);
  });

  it.each([
    ['?kiosk', true],
    ['?kiosk=1', true],
    ['?a=b&kiosk', true],
    ['?kiosk=0', false],
    ['', false],
  ])('kiosk %s → %s', (search, expected) => {
    expect(isKiosk(search)).toBe(expected);
  });
});
