import type { ApiDeps } from '../deps.ts';
import type { Route } from '../route.ts';

// Availability of one target or all over a range. (Being written.)
export function availabilityRoutes(_deps: ApiDeps): Route[] {
  return [];
}
