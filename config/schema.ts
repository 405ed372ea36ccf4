import { z } from 'zod';
import { Secret } from './secret.ts';

// ---------------------------------------------------------------------------------------------
// SNMP credentials. Protocol names are the ones a technician types in the config and on the
// `linkwatch probe snmp` command line; the probe maps them to net-snmp's constants.
// ---------------------------------------------------------------------------------------------

export const snmpVersions = ['1', '2c', '3'] as const;
export type SnmpVersion = (typeof snmpVersions)[number];

export const authProtocols = ['md5', 'sha', 'sha224', 'sha256', 'sha384', 'sha512'] as const;
export type AuthProtocol = (typeof authProtocols)[number];

/** `aes` is AES-128 (RFC 3826). The two AES-256 key-extension schemes are not interchangeable:
 * `aes256b` is Blumenthal (draft-blumenthal-aes-usm), `aes256r` is Reeder (Cisco's "AES256C"). */
export const privProtocols = ['des', 'aes', 'aes256b', 'aes256r'] as const;
export type PrivProtocol = (typeof privProtocols)[number];

export const securityLevels = ['noAuthNoPriv', 'authNoPriv', 'authPriv'] as const;
export type SecurityLevel = (typeof securityLevels)[number];

/** Accepts a plain string from YAML (after ${ENV} expansion) or an already-wrapped Secret. */
export const secretSchema = z
  .union([z.string(), z.instanceof(Secret)])
  .transform((value) => (value instanceof Secret ? value : new Secret(value)))
  .refine((secret) => secret.length > 0, { message: 'must not be empty' });

const communityCredentials = z.strictObject({
  version: z.enum(['1', '2c']),
  community: secretSchema,
});

const usmCredentials = z
  .strictObject({
    version: z.literal('3'),
    user: z.string().min(1),
    level: z.enum(securityLevels).optional(),
    authProtocol: z.enum(authProtocols).optional(),
    authKey: secretSchema.optional(),
    privProtocol: z.enum(privProtocols).optional(),
    privKey: secretSchema.optional(),
    /** Context name for agents that serve several contexts; empty for most routers. */
    context: z.string().optional(),
  })
  .superRefine((v, ctx) => {
    const level = v.level ?? (v.privProtocol ? 'authPriv' : v.authProtocol ? 'authNoPriv' : 'noAuthNoPriv');
    const need = (key: 'authProtocol' | 'authKey' | 'privProtocol' | 'privKey') => {
      if (v[key] === undefined) ctx.addIssue({ code: 'custom', path: [key], message: `required for security level ${level}` });
    };
    if (level !== 'noAuthNoPriv') {
      need('authProtocol');
      need('authKey');
    }
    if (level === 'authPriv') {
      need('privProtocol');
      need('privKey');
    }
    // RFC 3414 §11.2: keys shorter than 8 characters are rejected by agents, so say it here.
    for (const key of ['authKey', 'privKey'] as const) {
      const secret = v[key];
      if (secret && secret.length < 8) ctx.addIssue({ code: 'custom', path: [key], message: 'must be at least 8 characters (RFC 3414)' });
    }
  })
  .transform((v): UsmCredentials => {
    const level = v.level ?? (v.privProtocol ? 'authPriv' : v.authProtocol ? 'authNoPriv' : 'noAuthNoPriv');
    const base = { version: '3' as const, user: v.user, context: v.context ?? '' };
    if (level === 'noAuthNoPriv') return { ...base, level };
    const auth = { authProtocol: v.authProtocol!, authKey: v.authKey! };
    if (level === 'authNoPriv') return { ...base, level, ...auth };
    return { ...base, level, ...auth, privProtocol: v.privProtocol!, privKey: v.privKey! };
  });

export type CommunityCredentials = z.output<typeof communityCredentials>;

interface UsmBase {
  version: '3';
  user: string;
  context: string;
}
export type UsmCredentials =
  | (UsmBase & { level: 'noAuthNoPriv' })
  | (UsmBase & { level: 'authNoPriv'; authProtocol: AuthProtocol; authKey: Secret })
  | (UsmBase & { level: 'authPriv'; authProtocol: AuthProtocol; authKey: Secret; privProtocol: PrivProtocol; privKey: Secret });

/** YAML reads `version: 1` and `version: 3` as numbers; the schema speaks strings. */
const versionAsString = (raw: unknown) =>
  raw && typeof raw === 'object' && typeof (raw as { version?: unknown }).version === 'number'
    ? { ...(raw as object), version: String((raw as { version: number }).version) }
    : raw;

export const snmpCredentialsSchema = z.preprocess(
  versionAsString,
  z.discriminatedUnion('version', [communityCredentials, usmCredentials]),
);

export type SnmpCredentials = CommunityCredentials | UsmCredentials;
