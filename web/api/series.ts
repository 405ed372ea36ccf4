import type { Availability, OutageInPeriod } from '../../model/availability.ts';
import type { LatencyAnswer, SeriesAnswer, TrafficKey } from '../../store/series.ts';
import type { LinkView } from '../../api/inventory.ts';
import { getJson } from './client.ts';

// One link's history, as the detail view reads it: inventory, traffic, latency and daily
// availability. Each answers a `Fetched` result, never a throw, so a failed chart is shown.

/** A range as the API takes it: epoch ms, or relative forms such as `-3h` (resolved on the
 * server's clock, so a live preset follows the present without the page's clock). */
export interface RangeParams {
  from: string;
  to?: string;
  maxPoints: number;
}

export type TrafficAnswer = SeriesAnswer<TrafficKey> & { link: string; device: string; interface: string };
export type LinkLatencyAnswer = LatencyAnswer & { link: string };

/** A day's figures: the availability of that local day, without its outages. */
export type DayFigures = Omit<Availability, 'outages' | 'bounds'>;
export type AvailabilityAnswer = Availability & { kind: 'link'; id: string; site: string; name?: string; coverageStepMs: number; days?: DayFigures[] };
export type { OutageInPeriod };

const query = (range: RangeParams) => {
  const search = new URLSearchParams({ from: range.from, maxPoints: String(range.maxPoints) });
  if (range.to !== undefined) search.set('to', range.to);
  return search.toString();
};
const linkPath = (id: string) => `/api/v1/links/${encodeURIComponent(id)}`;

export const fetchLink = (id: string) => getJson<LinkView>(linkPath(id));
export const fetchTraffic = (id: string, range: RangeParams) => getJson<TrafficAnswer>(`${linkPath(id)}/traffic?${query(range)}`);
export const fetchLatency = (id: string, range: RangeParams) => getJson<LinkLatencyAnswer>(`${linkPath(id)}/latency?${query(range)}`);
/** One figure per local day over the last `days` days, with the period's outages. */
export const fetchDailyAvailability = (id: string, days: number) => getJson<AvailabilityAnswer>(`${linkPath(id)}/availability?from=-${days}d&per=day`);
