import type { SiteView } from '../../api/inventory.ts';
import type { Role } from '../../config/api.ts';
import type { StatusReport } from '../../api/status.ts';

// Typed fetchers for the API, apart from the elements: an element asks for data and gets a
// result, never a thrown error, so a failed request is shown, not lost.

export type Fetched<T> = { ok: true; value: T } | { ok: false; status: number; message: string };

/** One request to the API: JSON in and out, the session's cookie, the CSRF token for writes.
 * Area fetchers (series.ts, alerts.ts, inventory.ts) are built on it. */
export async function requestJson<T>(path: string, init: { method?: 'GET' | 'POST' | 'DELETE'; body?: unknown; csrfToken?: string } = {}): Promise<Fetched<T>> {
  try {
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (init.body !== undefined) headers['Content-Type'] = 'application/json';
    if (init.csrfToken !== undefined) headers['X-CSRF-Token'] = init.csrfToken;
    const response = await fetch(path, { method: init.method ?? 'GET', headers, credentials: 'same-origin', ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}) });
    const body = (await response.json().catch(() => undefined)) as (T & { error?: { message?: string } }) | undefined;
    if (!response.ok) return { ok: false, status: response.status, message: body?.error?.message ?? `HTTP ${response.status}` };
    return { ok: true, value: body as T };
  } catch (error) {
    return { ok: false, status: 0, message: (error as Error).message };
  }
}

export const getJson = <T>(path: string) => requestJson<T>(path);

export const fetchStatus = () => getJson<StatusReport>('/api/v1/status');
export const fetchSites = () => getJson<{ sites: SiteView[] }>('/api/v1/sites');

export interface SignedInUser {
  name: string;
  role: Role;
  displayName?: string;
}
export type Session = { authenticated: false; anonymousRead: boolean } | { authenticated: true; user: SignedInUser; via: 'session' | 'token'; csrfToken?: string };

export const fetchSession = () => getJson<Session>('/api/v1/auth/me');
export const logIn = (name: string, password: string) => requestJson<{ user: SignedInUser; csrfToken: string }>('/api/v1/auth/login', { method: 'POST', body: { name, password } });
export const logOut = (csrfToken: string | undefined) => requestJson<{ ok: true }>('/api/v1/auth/logout', { method: 'POST', ...(csrfToken !== undefined ? { csrfToken } : {}) });

/** Calls `onChange` whenever the API says the status changed, and `onAlerts` when an alert
 * fired, changed, was acknowledged or resolved (and after a resync, when some may have been
 * missed); `onConnection` tells whether the stream is open (the page shows a banner while it is
 * not; EventSource reconnects by itself). */
export function watchEvents(options: { onChange: () => void; onAlerts: () => void; onConnection: (open: boolean) => void }): () => void {
  const source = new EventSource('/api/v1/events');
  source.addEventListener('open', () => options.onConnection(true));
  source.addEventListener('error', () => options.onConnection(source.readyState === EventSource.OPEN));
  for (const type of ['state', 'status', 'resync']) source.addEventListener(type, () => options.onChange());
  for (const type of ['alert', 'resync']) source.addEventListener(type, () => options.onAlerts());
  return () => source.close();
}
