import { z } from 'zod';
import { durationSchema, secretSchema } from './fields.ts';

// The `api` section: where the HTTP API and the dashboard listen, who may use them and how.

/** viewer reads; operator also acknowledges alerts and manages maintenance windows; admin also
 * manages users' tokens. Ordered: each role can do what the ones before it can. */
export const roles = ['viewer', 'operator', 'admin'] as const;
export type Role = (typeof roles)[number];

export const roleAtLeast = (held: Role, needed: Role): boolean => roles.indexOf(held) >= roles.indexOf(needed);

const LISTEN = /^(?:\[[0-9a-fA-F:]+\]|[\w.-]+):\d{1,5}$/;

/** A user name as typed at the login form: what the audit log records as "who". */
export const USER_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;

/** One user, in `api.users` or in the `api.usersFile`. */
export const userSchema = z.strictObject({
  name: z.string().regex(USER_NAME_PATTERN, 'must be 1–64 letters, digits, ".", "_", "@" or "-", starting with a letter or digit'),
  role: z.enum(roles),
  /** `scrypt$…` as printed by `linkwatch users hash`; never the password itself. */
  passwordHash: secretSchema.refine((hash) => /^scrypt\$/.test(hash.reveal()), {
    message: 'must be a hash printed by `linkwatch users hash` (it starts with scrypt$), not the password itself',
  }),
  /** Display name, for the dashboard. */
  displayName: z.string().min(1).optional(),
});

export const apiSchema = z.strictObject({
  /** Where the API and the dashboard are served. Loopback by default; put a TLS reverse proxy
   * in front before opening it to the district network. `off` runs no API. */
  listen: z.union([z.literal('off'), z.string().regex(LISTEN, 'must be HOST:PORT, e.g. 0.0.0.0:8080')]).describe('HOST:PORT such as 127.0.0.1:8080, or "off"').default('127.0.0.1:8080'),
  /** Read-only access without logging in, for a wall display in the district office. */
  anonymousRead: z.boolean().default(false),
  users: z.array(userSchema).default([]),
  /** A YAML file with more users (`users: [...]`, same fields), kept apart from the inventory so
   * the inventory can be shared without the hashes. Relative to the config file's folder. */
  usersFile: z.string().min(1).optional(),
  /** How long a browser session lasts without use. */
  sessionIdle: durationSchema.default(8 * 3_600_000),
  /** Behind a reverse proxy: trust its X-Forwarded-For and X-Forwarded-Proto (for login rate
   * limits per client and for secure cookies). */
  trustProxy: z.boolean().default(false),
  /** How often the status snapshot is refreshed from InfluxDB. */
  statusRefresh: durationSchema.default(5_000),
});

export type ApiSettings = z.output<typeof apiSchema>;
export type ApiUser = ApiSettings['users'][number];
