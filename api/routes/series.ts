import type { ApiDeps } from '../deps.ts';
import type { Route } from '../route.ts';

// Time series for one link, device or interface over a range. (Being written.)
export function seriesRoutes(_deps: ApiDeps): Route[] {
  return [];
}
