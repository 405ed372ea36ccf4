import type { Role } from '../../config/api.ts';

/** Who is making a request, once their credentials have been checked. */
export interface Principal {
  /** The user's name, or `token:<id>`'s owner; `anonymous` for anonymous read access. */
  name: string;
  role: Role;
  via: 'session' | 'token' | 'anonymous';
  /** The API token used, for `via: token`. */
  tokenId?: string;
}
