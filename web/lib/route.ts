// Where the page is: the view named by the URL's hash (`#/alerts`, `#/links/ta-van-vnpt`), and
// the wall-screen mode named by its query (`?kiosk`). Hash routes need nothing from the server
// (it answers every page path with index.html anyway) and survive a reload.

export type Route =
  | { view: 'overview' }
  | { view: 'link'; id: string }
  | { view: 'alerts' }
  | { view: 'inventory' }
  | { view: 'reports' };

export type ViewName = Route['view'];

export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#\/?/, '').split('?')[0] ?? '';
  const [first, ...rest] = path.split('/').filter((part) => part !== '');
  if (first === 'alerts') return { view: 'alerts' };
  if (first === 'inventory') return { view: 'inventory' };
  if (first === 'reports') return { view: 'reports' };
  if (first === 'links' && rest.length === 1) {
    try {
      return { view: 'link', id: decodeURIComponent(rest[0]!) };
    } catch {
      return { view: 'overview' };
    }
  }
  return { view: 'overview' };
}

export function routeHref(route: Route): string {
  switch (route.view) {
    case 'overview':
      return '#/';
    case 'link':
      return `#/links/${encodeURIComponent(route.id)}`;
    case 'alerts':
      return '#/alerts';
    case 'inventory':
      return '#/inventory';
    case 'reports':
      return '#/reports';
  }
}

/** `?kiosk` (or `?kiosk=1`) turns the page into the wall screen. */
export const isKiosk = (search: string): boolean => {
  const value = new URLSearchParams(search).get('kiosk');
  return value !== null && value !== '0' && value !== 'false';
};
