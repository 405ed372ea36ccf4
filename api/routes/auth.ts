import { z } from 'zod';
import { roleAtLeast, roles, USER_NAME_PATTERN } from '../../config/api.ts';
import { hashPassword, verifyPassword } from '../auth/passwords.ts';
import type { AuthServices } from '../auth/services.ts';
import { clearedSessionCookie, sessionCookie } from '../auth/sessions.ts';
import { TOKEN_ID_PATTERN } from '../auth/tokens.ts';
import type { ApiDeps } from '../deps.ts';
import { ApiError } from '../errors.ts';
import { route, type Route } from '../route.ts';

// Logging in and out, who am I, API tokens and the list of users. Passwords and token secrets
// come in through bodies and go out exactly once (a new token's secret); neither is logged,
// stored in clear or echoed in an error.

const loginBody = z.strictObject({
  name: z.string().min(1).max(64),
  password: z.string().min(1).max(1024),
});

const tokenBody = z.strictObject({
  /** What the token is for: "báo cáo tháng", "Zabbix". */
  name: z.string().trim().min(1).max(100),
  /** Whose rights it carries; default the admin making it. */
  user: z.string().regex(USER_NAME_PATTERN, 'must be a user name').optional(),
  /** At most that user's role; default it. */
  role: z.enum(roles).optional(),
  expiresInDays: z.number().int().min(1).max(3_650).optional(),
});

const tokenIdParam = z.strictObject({ id: z.string().regex(TOKEN_ID_PATTERN, 'must be a token id (12 lowercase letters and digits) as GET /tokens lists') });

const DAY_MS = 86_400_000;

export function authRoutes(deps: ApiDeps & { auth: AuthServices }): Route[] {
  const { auth, clock, config, logger } = deps;
  // A login for an unknown user still costs one scrypt, so timing does not tell which names exist.
  let decoyHash: Promise<string> | undefined;
  const decoy = () => (decoyHash ??= hashPassword('linkwatch-decoy'));

  const userView = (name: string) => {
    const user = auth.users().get(name);
    return user ? { name: user.name, role: user.role, ...(user.displayName ? { displayName: user.displayName } : {}) } : undefined;
  };

  return [
    route({
      id: 'login',
      method: 'post',
      path: '/auth/login',
      access: 'public',
      tag: 'auth',
      summary: 'Log in with a user name and password: sets the lw_session cookie and returns the CSRF token writes must send',
      body: loginBody,
      errors: ['login-failed', 'rate-limited'],
      returns: '{user: {name, role, displayName?}, csrfToken, idleMs}',
      handle: async ({ body, request, response }) => {
        const client = request.ip ?? 'unknown';
        const keys = [`client:${client}`, `user:${body.name}`];
        const limit = auth.limiter.check(keys);
        if (!limit.ok) {
          await auth.audit.record({ action: 'login', outcome: 'refused', who: body.name.slice(0, 64), via: 'login', status: 429, client, detail: 'rate limited' });
          throw new ApiError('rate-limited', `too many failed logins; try again in ${limit.retryAfterS} s`, { 'Retry-After': String(limit.retryAfterS) });
        }
        const user = auth.users().get(body.name);
        const verdict = await verifyPassword(body.password, user ? user.passwordHash.reveal() : await decoy());
        if (user === undefined || !verdict.ok) {
          if (user !== undefined && !verdict.ok && verdict.reason === 'malformed') logger.warn({ user: user.name }, `api.users: the password hash of "${user.name}" is unusable: ${verdict.message}`);
          auth.limiter.fail(keys);
          await auth.audit.record({ action: 'login', outcome: 'refused', who: body.name.slice(0, 64), via: 'login', status: 401, client });
          throw new ApiError('login-failed', 'wrong user name or password');
        }
        auth.limiter.succeed(keys);
        const session = auth.sessions.create(user.name);
        response.set('Set-Cookie', sessionCookie(session.id, { secure: request.secure }));
        response.set('Cache-Control', 'no-store');
        await auth.audit.record({ action: 'login', outcome: 'ok', who: user.name, via: 'login', status: 200, client });
        return { user: userView(user.name), csrfToken: session.csrfToken, idleMs: config.api.sessionIdle };
      },
    }),
    route({
      id: 'logout',
      method: 'post',
      path: '/auth/logout',
      access: 'viewer',
      tag: 'auth',
      summary: 'End this browser session (a token is revoked with DELETE /tokens/{id} instead)',
      returns: '{ok: true}',
      handle: ({ principal, request, response }) => {
        if (principal?.session !== undefined) auth.sessions.destroy(principal.session.id);
        response.set('Set-Cookie', clearedSessionCookie({ secure: request.secure }));
        return { ok: true };
      },
    }),
    route({
      id: 'whoAmI',
      method: 'get',
      path: '/auth/me',
      access: 'public',
      tag: 'auth',
      summary: 'Who this request is from; for a session, its CSRF token again (after a page reload)',
      returns: '{authenticated: false, anonymousRead} or {authenticated: true, user, via, csrfToken?}',
      handle: ({ principal, response }) => {
        response.set('Cache-Control', 'no-store');
        if (principal === undefined || principal.via === 'anonymous') return { authenticated: false, anonymousRead: config.api.anonymousRead };
        return {
          authenticated: true,
          user: { ...userView(principal.name), role: principal.role },
          via: principal.via,
          ...(principal.tokenId !== undefined ? { tokenId: principal.tokenId } : {}),
          ...(principal.session !== undefined ? { csrfToken: principal.session.csrfToken } : {}),
        };
      },
    }),
    route({
      id: 'listUsers',
      method: 'get',
      path: '/users',
      access: 'admin',
      tag: 'auth',
      summary: 'The users (from api.users and api.usersFile), without their password hashes',
      returns: '{users: [{name, role, displayName?}]}',
      handle: () => ({ users: [...auth.users().keys()].sort().map(userView) }),
    }),
    route({
      id: 'listTokens',
      method: 'get',
      path: '/tokens',
      access: 'admin',
      tag: 'auth',
      summary: 'API tokens, newest first: who and what each is for, never the secret',
      returns: '{tokens: [{id, user, role, name, createdMs, by, expiresMs?, revokedMs?, revokedBy?, active}]}',
      handle: async () => {
        const nowMs = clock();
        const tokens = await auth.tokens.list();
        return { tokens: tokens.map((token) => ({ ...token, active: token.revokedMs === undefined && (token.expiresMs === undefined || token.expiresMs > nowMs) })) };
      },
    }),
    route({
      id: 'createToken',
      method: 'post',
      path: '/tokens',
      access: 'admin',
      tag: 'auth',
      summary: 'Make an API token for a script; its secret is in this answer only',
      body: tokenBody,
      errors: ['not-found'],
      returns: '{token, secret} (201): send the secret as Authorization: Bearer <secret>',
      handle: async ({ body, principal, response }) => {
        const userName = body.user ?? principal!.name;
        const user = auth.users().get(userName);
        if (user === undefined) throw new ApiError('not-found', `body.user: no user "${userName}"`);
        const role = body.role ?? user.role;
        if (!roleAtLeast(user.role, role)) throw new ApiError('invalid-parameter', `body.role: ${user.name} is ${user.role}; a token cannot carry more (${role})`);
        const made = await auth.tokens.create({ user: user.name, role, name: body.name, by: principal!.name, ...(body.expiresInDays !== undefined ? { expiresMs: clock() + body.expiresInDays * DAY_MS } : {}) });
        response.status(201).set('Cache-Control', 'no-store');
        return { token: made.token, secret: made.secret.reveal() };
      },
      audit: (_input, result) => {
        const token = (result as { token: { id: string; name: string; user: string; role: string } }).token;
        return { target: `token:${token.id}`, detail: `for ${token.user} as ${token.role}: ${token.name}` };
      },
    }),
    route({
      id: 'revokeToken',
      method: 'delete',
      path: '/tokens/:id',
      access: 'admin',
      tag: 'auth',
      summary: 'Revoke an API token: it stops working at once here, within 30 s in other API processes',
      params: tokenIdParam,
      errors: ['not-found', 'conflict'],
      returns: '{token}',
      handle: async ({ params, principal }) => {
        const revoked = await auth.tokens.revoke(params.id, principal!.name);
        if (!revoked.ok) throw new ApiError(revoked.reason === 'unknown' ? 'not-found' : 'conflict', revoked.message);
        return { token: revoked.token };
      },
      audit: ({ params }) => ({ target: `token:${params.id}` }),
    }),
  ];
}
