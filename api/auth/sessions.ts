/**
 * Browser sessions, in memory: a restart logs everyone out, which for one district's staff is
 * cheaper than a sessions table. The id travels in the `lw_session` cookie (HttpOnly, so a
 * script injected into the page cannot read it); the CSRF token travels in the login answer and
 * comes back in `X-CSRF-Token`, which a cross-site form cannot set.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';

export const SESSION_COOKIE = 'lw_session';

/** A session ends after this long whatever its use: a stolen cookie does not live forever. */
export const DEFAULT_SESSION_ABSOLUTE_MS = 7 * 86_400_000;

export interface Session {
  /** 32 random bytes, base64url: what the cookie carries. */
  readonly id: string;
  /** 32 random bytes, base64url: what writes must send back in X-CSRF-Token. */
  readonly csrfToken: string;
  /** The user's name; the role is looked up at each request, so a changed role applies at once. */
  readonly user: string;
  readonly createdMs: number;
  lastSeenMs: number;
}

export type SessionLookup = { ok: true; session: Session } | { ok: false; reason: 'unknown' | 'idle' | 'expired' };

export interface SessionStore {
  create(user: string): Session;
  /** The session with this id, its idle timer restarted; expired sessions are removed. */
  touch(id: string): SessionLookup;
  destroy(id: string): void;
  /** Ends every session of a user (after a password change or removal). */
  destroyUser(user: string): number;
  /** Live sessions, for metrics and tests. */
  size(): number;
}

export interface SessionStoreOptions {
  clock: () => number;
  /** `api.sessionIdle`. */
  idleMs: number;
  absoluteMs?: number;
  /** Injected for tests. Default 32 random bytes as base64url. */
  randomToken?: () => string;
}

const randomToken = () => randomBytes(32).toString('base64url');

export function createSessionStore(options: SessionStoreOptions): SessionStore {
  const { clock, idleMs } = options;
  const absoluteMs = options.absoluteMs ?? DEFAULT_SESSION_ABSOLUTE_MS;
  const newToken = options.randomToken ?? randomToken;
  const sessions = new Map<string, Session>();

  const expiry = (session: Session, nowMs: number): 'idle' | 'expired' | undefined => {
    if (nowMs - session.createdMs >= absoluteMs) return 'expired';
    if (nowMs - session.lastSeenMs >= idleMs) return 'idle';
    return undefined;
  };

  // Swept on each login rather than by a timer: no timer to stop, and sessions only pile up as
  // fast as logins do.
  const sweep = (nowMs: number) => {
    for (const [id, session] of sessions) if (expiry(session, nowMs) !== undefined) sessions.delete(id);
  };

  return {
    create(user) {
      const nowMs = clock();
      sweep(nowMs);
      const session: Session = { id: newToken(), csrfToken: newToken(), user, createdMs: nowMs, lastSeenMs: nowMs };
      sessions.set(session.id, session);
      return session;
    },

    touch(id) {
      const session = sessions.get(id);
      if (session === undefined) return { ok: false, reason: 'unknown' };
      const nowMs = clock();
      const ended = expiry(session, nowMs);
      if (ended !== undefined) {
        sessions.delete(id);
        return { ok: false, reason: ended };
      }
      session.lastSeenMs = nowMs;
      return { ok: true, session };
    },

    destroy(id) {
      sessions.delete(id);
    },

    destroyUser(user) {
      let ended = 0;
      for (const [id, session] of sessions) {
        if (session.user === user) {
          sessions.delete(id);
          ended++;
        }
      }
      return ended;
    },

    size: () => sessions.size,
  };
}

/** Constant-time comparison of a sent CSRF token with the session's. */
export function csrfMatches(sent: string | undefined, expected: string): boolean {
  if (sent === undefined) return false;
  const a = Buffer.from(sent, 'utf8');
  const b = Buffer.from(expected, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The cookies of a `Cookie` header, by name. Values are left as sent (ours are base64url);
 * a malformed pair is skipped, and the first of two same-named cookies wins, as browsers send
 * the most specific path first. */
export function parseCookies(header: string | undefined): Map<string, string> {
  const cookies = new Map<string, string>();
  if (header === undefined) return cookies;
  for (const pair of header.split(';')) {
    const equals = pair.indexOf('=');
    if (equals <= 0) continue;
    const name = pair.slice(0, equals).trim();
    let value = pair.slice(equals + 1).trim();
    if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) value = value.slice(1, -1);
    if (name !== '' && !cookies.has(name)) cookies.set(name, value);
  }
  return cookies;
}

/** The Set-Cookie value for a session id. No Max-Age: the browser drops it when it closes, and
 * the server ends it after the idle time anyway. Secure when the request came over HTTPS
 * (directly, or through a trusted proxy's X-Forwarded-Proto). */
export function sessionCookie(id: string, options: { secure: boolean }): string {
  return [`${SESSION_COOKIE}=${id}`, 'Path=/', 'HttpOnly', 'SameSite=Strict', ...(options.secure ? ['Secure'] : [])].join('; ');
}

/** The Set-Cookie value that removes the session cookie (logout). */
export function clearedSessionCookie(options: { secure: boolean }): string {
  return [`${SESSION_COOKIE}=`, 'Path=/', 'HttpOnly', 'SameSite=Strict', 'Max-Age=0', ...(options.secure ? ['Secure'] : [])].join('; ');
}
