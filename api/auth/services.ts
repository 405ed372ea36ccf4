import type { Request } from 'express';
import type { Config } from '../../config/schema.ts';
import type { Logger } from '../../model/logger.ts';
import type { InfluxHttp } from '../../store/influx.ts';
import type { MountOptions } from '../route.ts';
import { createAuditLog, type AuditLog } from './audit.ts';
import { createAuthenticator } from './authenticator.ts';
import { principalName, type Principal } from './principal.ts';
import { createLoginLimiter, type LoginLimiter } from './rate-limit.ts';
import { createSessionStore, type SessionStore } from './sessions.ts';
import { createTokenStore, type TokenStore } from './tokens.ts';
import type { UserDirectory } from './users.ts';

/** Everything the API knows about who may do what, built once per app. */
export interface AuthServices {
  users: () => UserDirectory;
  sessions: SessionStore;
  tokens: TokenStore;
  limiter: LoginLimiter;
  audit: AuditLog;
  identify(request: Request): Promise<Principal | undefined>;
  recordAudit: MountOptions['recordAudit'];
}

export interface AuthServicesOptions {
  config: Config;
  influx: InfluxHttp;
  logger: Logger;
  clock: () => number;
  /** Default: `api.users` of the config (the server adds `api.usersFile`'s). */
  users?: UserDirectory;
}

export function createAuthServices(options: AuthServicesOptions): AuthServices {
  const { config, influx, logger, clock } = options;
  const directory: UserDirectory = options.users ?? new Map(config.api.users.map((user) => [user.name, user]));
  const users = () => directory;
  const sessions = createSessionStore({ clock, idleMs: config.api.sessionIdle });
  const tokens = createTokenStore({ influx, clock });
  const limiter = createLoginLimiter({ clock });
  const audit = createAuditLog({ influx, logger, clock });
  const identify = createAuthenticator({ users, sessions, tokens, anonymousRead: config.api.anonymousRead });
  const recordAudit: MountOptions['recordAudit'] = (entry) =>
    audit.record({
      action: entry.route.id,
      outcome: 'ok',
      who: principalName(entry.principal),
      via: entry.principal.via,
      status: entry.status,
      ...(entry.target !== undefined ? { target: entry.target } : {}),
      ...(entry.detail !== undefined ? { detail: entry.detail } : {}),
      ...(entry.client !== undefined ? { client: entry.client } : {}),
    });
  return { users, sessions, tokens, limiter, audit, identify, recordAudit };
}
