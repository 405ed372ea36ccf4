import { formatPath } from '../config/errors.ts';
import { snmpCredentialsSchema, type SnmpCredentials } from '../config/schema.ts';
import { UsageError, type CliIo } from './io.ts';

// The SNMP credential flags shared by `linkwatch probe snmp` and `linkwatch discover`: the same
// names, the same environment variables for the secrets (which keeps them out of the process
// list), the same checks as the config's credentials.

export const SNMP_SECRET_VARIABLES = Object.freeze({
  community: 'LINKWATCH_SNMP_COMMUNITY',
  authKey: 'LINKWATCH_SNMP_AUTH_KEY',
  privKey: 'LINKWATCH_SNMP_PRIV_KEY',
});

/** For parseArgs's `options`. */
export const snmpCredentialOptions = {
  'snmp-version': { type: 'string' },
  community: { type: 'string' },
  'v3-user': { type: 'string' },
  'security-level': { type: 'string' },
  'auth-protocol': { type: 'string' },
  'auth-key': { type: 'string' },
  'priv-protocol': { type: 'string' },
  'priv-key': { type: 'string' },
  context: { type: 'string' },
} as const;

/** The credentials the flags (or the environment) give, checked as the config checks them; a
 * problem is a UsageError naming the flag. v2c is assumed without `--v3-user`. */
export function credentialsFromFlags(values: Readonly<Record<string, string | boolean | undefined>>, env: CliIo['env'], options: { requireCommunity?: boolean } = {}): SnmpCredentials {
  const text = (key: string) => values[key] as string | undefined;
  const version = text('snmp-version') ?? (text('v3-user') ? '3' : '2c');
  const raw =
    version === '3'
      ? {
          version,
          user: text('v3-user'),
          level: text('security-level'),
          authProtocol: text('auth-protocol'),
          authKey: text('auth-key') ?? env[SNMP_SECRET_VARIABLES.authKey],
          privProtocol: text('priv-protocol'),
          privKey: text('priv-key') ?? env[SNMP_SECRET_VARIABLES.privKey],
          context: text('context'),
        }
      : { version, community: text('community') ?? env[SNMP_SECRET_VARIABLES.community] };
  if (options.requireCommunity && version !== '3' && !('community' in raw && raw.community)) {
    throw new UsageError(`give the community with --community C or in ${SNMP_SECRET_VARIABLES.community}, or SNMPv3 settings with --v3-user U`);
  }
  const parsed = snmpCredentialsSchema.safeParse(raw);
  if (!parsed.success) {
    const flag = (path: PropertyKey[]) => formatPath(path as (string | number)[]).replace(/^version$/, 'snmp-version');
    throw new UsageError(parsed.error.issues.map((issue) => `${flag(issue.path)}: ${issue.message}`).join('\n'));
  }
  return parsed.data;
}
