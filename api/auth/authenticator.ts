import type { Request } from 'express';
import { roles, type Role } from '../../config/api.ts';
import { ApiError } from '../errors.ts';
import type { Principal } from './principal.ts';
import { parseCookies, SESSION_COOKIE, type SessionStore } from './sessions.ts';
import type { TokenStore } from './tokens.ts';
import type { UserDirectory } from './users.ts';

// Who sends a request: an API token (Authorization: Bearer lw_…), else a browser session
// (the lw_session cookie), else anonymous read access when the config allows it. A token that
// is presented and wrong is refused outright rather than read as anonymous, so a script with a
// revoked token learns why instead of seeing less.

export interface AuthenticatorOptions {
  /** The current users: a role changed or a user removed applies at the next request. */
  users: () => UserDirectory;
  sessions: SessionStore;
  tokens: TokenStore;
  anonymousRead: boolean;
}

const lower = (a: Role, b: Role): Role => (roles.indexOf(a) <= roles.indexOf(b) ? a : b);

export function createAuthenticator(options: AuthenticatorOptions): (request: Request) => Promise<Principal | undefined> {
  const { sessions, tokens } = options;
  return async (request) => {
    const authorization = request.get('authorization');
    if (authorization !== undefined) {
      const bearer = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
      if (!bearer) throw new ApiError('unauthenticated', 'the Authorization header must be "Bearer lw_…"');
      const check = await tokens.verify(bearer[1]!);
      if (!check.ok) throw new ApiError('unauthenticated', check.message);
      const user = options.users().get(check.token.user);
      if (user === undefined) throw new ApiError('unauthenticated', `the API token ${check.token.id} belongs to "${check.token.user}", who is no longer a user`);
      return { name: user.name, role: lower(check.token.role, user.role), via: 'token', tokenId: check.token.id };
    }
    const sessionId = parseCookies(request.get('cookie')).get(SESSION_COOKIE);
    if (sessionId !== undefined) {
      const found = sessions.touch(sessionId);
      if (found.ok) {
        const user = options.users().get(found.session.user);
        if (user !== undefined) return { name: user.name, role: user.role, via: 'session', session: { id: found.session.id, csrfToken: found.session.csrfToken } };
        sessions.destroy(sessionId);
      }
    }
    return options.anonymousRead ? { name: 'anonymous', role: 'viewer', via: 'anonymous' } : undefined;
  };
}
