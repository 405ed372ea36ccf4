import type { StripsAnswer } from '../../model/strips.ts';
import { getJson } from './client.ts';

// The overview's own reads beyond the status: the 24-hour strips of every link and site (one
// answer, cached by the server) and the links' inventory for providers and capacities.

export const fetchStrips = (options: { hours: number; buckets: number }) => getJson<StripsAnswer>(`/api/v1/strips?hours=${options.hours}&buckets=${options.buckets}`);
export { fetchLinks } from './inventory.ts';
