import type { Role } from '../../config/api.ts';

/** Who is making a request, once their credentials have been checked. */
export interface Principal {
  /** The user's name; `anonymous` for anonymous read access. */
  name: string;
  role: Role;
  via: 'session' | 'token' | 'anonymous';
  /** The API token used, for `via: token`. */
  tokenId?: string;
  /** The browser session, for `via: session`: writes must send its CSRF token back. */
  session?: { id: string; csrfToken: string };
}

/** How the audit log names a principal: the user, or the token's id beside its user. */
export const principalName = (principal: Principal): string => (principal.tokenId !== undefined ? `${principal.name} (token:${principal.tokenId})` : principal.name);
