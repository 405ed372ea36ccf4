import type { SiteView } from '../../api/inventory.ts';
import type { StatusReport } from '../../api/status.ts';

// Typed fetchers for the API, apart from the elements: an element asks for data and gets a
// result, never a thrown error, so a failed request is shown, not lost.

export type Fetched<T> = { ok: true; value: T } | { ok: false; status: number; message: string };

async function getJson<T>(path: string): Promise<Fetched<T>> {
  try {
    const response = await fetch(path, { headers: { Accept: 'application/json' }, credentials: 'same-origin' });
    const body = (await response.json().catch(() => undefined)) as (T & { error?: { message?: string } }) | undefined;
    if (!response.ok) return { ok: false, status: response.status, message: body?.error?.message ?? `HTTP ${response.status}` };
    return { ok: true, value: body as T };
  } catch (error) {
    return { ok: false, status: 0, message: (error as Error).message };
  }
}

export const fetchStatus = () => getJson<StatusReport>('/api/v1/status');
export const fetchSites = () => getJson<{ sites: SiteView[] }>('/api/v1/sites');

/** Calls `onChange` whenever the API says the status changed; `onConnection` tells whether the
 * stream is open (the page shows a banner while it is not; EventSource reconnects by itself). */
export function watchEvents(options: { onChange: () => void; onConnection: (open: boolean) => void }): () => void {
  const source = new EventSource('/api/v1/events');
  source.addEventListener('open', () => options.onConnection(true));
  source.addEventListener('error', () => options.onConnection(source.readyState === EventSource.OPEN));
  for (const type of ['state', 'status', 'resync']) source.addEventListener(type, () => options.onChange());
  return () => source.close();
}
