import { z } from 'zod';
import { alertsSchema, type AlertSettings } from './alerts.ts';
import { apiSchema, type ApiSettings } from './api.ts';
import { reportsSchema, type ReportSettings } from './reports.ts';
import { durationSchema, hostSchema, idSchema, nameSchema, portSchema, secretSchema, textSchema } from './fields.ts';
import type { Secret } from './secret.ts';

export { durationSchema, hostSchema, ID_PATTERN, idSchema, secretSchema } from './fields.ts';

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

// ---------------------------------------------------------------------------------------------
// Kinds: every list of kinds is declared once here; registries elsewhere are typed from them.
// ---------------------------------------------------------------------------------------------

export const siteKinds = ['district-centre', 'town', 'commune', 'other'] as const;
export type SiteKind = (typeof siteKinds)[number];

export const deviceRoles = ['router', 'switch', 'firewall', 'access-point', 'server', 'ups', 'modem', 'other'] as const;
export type DeviceRole = (typeof deviceRoles)[number];

/** `tslcd`: mạng truyền số liệu chuyên dùng, the government's specialised data network. */
export const linkKinds = ['internet', 'tslcd', 'wan', 'lan'] as const;
export type LinkKind = (typeof linkKinds)[number];

export const probeKinds = ['snmp', 'icmp'] as const;
export type ProbeKind = (typeof probeKinds)[number];

export const icmpEngines = ['auto', 'ping', 'fping'] as const;
export type IcmpEngineSetting = (typeof icmpEngines)[number];

export const targetRoles = ['gateway', 'far-end', 'other'] as const;

// ---------------------------------------------------------------------------------------------
// Settings
// ---------------------------------------------------------------------------------------------

const snmpSettings = z.strictObject({
  interval: durationSchema.default(60_000),
  /** Per request, before a resend. 5 s covers a commune router behind a 3G or satellite link;
   * with one retry a dead device costs 10 s of its 60 s interval. */
  timeout: durationSchema.default(5_000),
  retries: z.number().int().min(0).max(10).default(1),
  maxRepetitions: z.number().int().min(1).max(200).default(20),
});

const icmpSettings = z.strictObject({
  interval: durationSchema.default(30_000),
  /** How long to wait for each echo reply: one second is generous for a commune router on a
   * rural DSL or 4G uplink. */
  timeout: durationSchema.default(1_000),
  /** Five echoes show loss in 20% steps, and 200 ms apart a round takes under a second. */
  count: z.number().int().min(1).max(100).default(5),
  /** Gap between echoes to one target. */
  spacing: durationSchema.default(200),
  engine: z.enum(icmpEngines).default('auto'),
});

const factsSettings = z.strictObject({
  /** How often each device's hardware, firmware and interface list are recorded. */
  interval: durationSchema.default(6 * 3_600_000),
});

const spoolSettings = z.strictObject({
  /** Where batches wait while InfluxDB is away (relative paths are from the working directory). */
  dir: z.string().min(1).default('.data/spool'),
  /** Past this size the oldest spooled data is dropped, with a counted warning. */
  maxMegabytes: z.number().positive().default(1024),
});

const LISTEN = /^(?:\[[0-9a-fA-F:]+\]|[\w.-]+):\d{1,5}$/;
const httpSettings = z.strictObject({
  /** Where /metrics and /healthz are served; loopback by default. `off` disables them. */
  listen: z.union([z.literal('off'), z.string().regex(LISTEN, 'must be HOST:PORT, e.g. 127.0.0.1:9105')]).describe('HOST:PORT such as 127.0.0.1:9105, or "off"').default('127.0.0.1:9105'),
});

const trapSettings = z.strictObject({
  /** Where SNMP traps (linkDown, linkUp, coldStart, warmStart) are received, so an outage is
   * acted on before the next poll. `off` by default: 162 needs root or CAP_NET_BIND_SERVICE. */
  listen: z.union([z.literal('off'), z.string().regex(LISTEN, 'must be HOST:PORT, e.g. 0.0.0.0:162')]).describe('HOST:PORT such as 0.0.0.0:162, or "off"').default('off'),
  /** v1/v2c communities accepted; traps with another community are counted and dropped. */
  communities: z.array(secretSchema).default([]),
}).refine((traps) => traps.listen === 'off' || traps.communities.length > 0, { path: ['communities'], message: 'traps are received only with at least one community: list the communities your devices send' });

const collectorSettings = z.strictObject({
  /** Probes in flight at once across all targets. */
  concurrency: z.number().int().min(1).max(10_000).default(64),
  snmp: snmpSettings.default(() => snmpSettings.parse({})),
  icmp: icmpSettings.default(() => icmpSettings.parse({})),
  facts: factsSettings.default(() => factsSettings.parse({})),
  spool: spoolSettings.default(() => spoolSettings.parse({})),
  http: httpSettings.default(() => httpSettings.parse({})),
  traps: trapSettings.default(() => trapSettings.parse({})),
});

/**
 * Every collector setting's default: what an empty `collector:` section parses to. One place
 * for them, read by the collector (through the schema) and by `linkwatch probe`, so a probe from
 * the command line asks the way the collector polls.
 */
export const collectorDefaults: Readonly<z.output<typeof collectorSettings>> = deepFreeze(collectorSettings.parse({}));

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') for (const inner of Object.values(value)) deepFreeze(inner);
  return Object.freeze(value);
}

const influxSettings = z.strictObject({
  url: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }).default('http://127.0.0.1:8086'),
  database: z.string().regex(/^[A-Za-z0-9_-]+$/, 'must be letters, digits, "_" or "-"').default('linkwatch'),
  username: z.string().optional(),
  password: secretSchema.optional(),
});

// ---------------------------------------------------------------------------------------------
// Inventory
// ---------------------------------------------------------------------------------------------

const siteSchema = z.strictObject({
  id: idSchema,
  name: nameSchema,
  kind: z.enum(siteKinds),
  /** The site this one reaches the network through; its outage makes this one unreachable. */
  parent: idSchema.optional(),
  groups: z.array(idSchema).default([]),
  location: z.strictObject({ lat: z.number().min(-90).max(90), lon: z.number().min(-180).max(180) }).optional(),
  address: nameSchema.optional(),
  contact: z.strictObject({ name: nameSchema.optional(), phone: textSchema.optional() }).optional(),
});

/** Which interfaces of a device to watch. Globs use `*` and `?`; `alias` also takes `/regex/`. */
export const interfaceSelectorSchema = z.union([
  z.strictObject({ name: z.string().min(1) }),
  z.strictObject({ alias: z.string().min(1) }),
  z.strictObject({ index: z.union([z.number().int().min(1), z.string().regex(/^\d+(?:-\d+)?(?:,\d+(?:-\d+)?)*$/, 'must be like 1-4,7')]) }),
]);

const deviceSnmp = z.strictObject({
  /** A profile name from `credentials`, or the credentials inline. */
  credentials: z.union([idSchema, snmpCredentialsSchema]),
  port: portSchema.default(161),
  interval: durationSchema.optional(),
  timeout: durationSchema.optional(),
  retries: z.number().int().min(0).max(10).optional(),
});

const deviceSchema = z.strictObject({
  id: idSchema,
  site: idSchema,
  role: z.enum(deviceRoles),
  name: nameSchema.optional(),
  /** Management address: SNMP goes here, and it is pinged to tell a dead agent from a dead box. */
  address: hostSchema,
  snmp: deviceSnmp.optional(),
  interfaces: z.union([z.literal('all'), z.array(interfaceSelectorSchema).min(1)]).default('all'),
});

const icmpTarget = z.union([
  hostSchema.transform((address) => ({ address, role: 'other' as const, name: undefined })),
  z.strictObject({ address: hostSchema, role: z.enum(targetRoles).default('other'), name: nameSchema.optional() }),
]);

const linkSchema = z
  .strictObject({
    id: idSchema,
    site: idSchema,
    kind: z.enum(linkKinds),
    name: nameSchema.optional(),
    provider: nameSchema.optional(),
    circuit: textSchema.optional(),
    supportPhone: textSchema.optional(),
    /** Contracted capacity in Mbit/s; download is the carrying interface's in-octets. */
    capacity: z.strictObject({ downMbps: z.number().positive(), upMbps: z.number().positive() }).optional(),
    device: idSchema.optional(),
    /** ifName on `device`; checked against the device when it is first polled. */
    interface: z.string().min(1).optional(),
    targets: z.array(icmpTarget).default([]),
    /** The link this one's traffic passes through (a commune's TSLCD line → the district's). */
    upstream: idSchema.optional(),
    icmp: z.strictObject({ interval: durationSchema.optional(), count: z.number().int().min(1).max(100).optional() }).optional(),
  })
  .superRefine((link, ctx) => {
    if (link.interface && !link.device) ctx.addIssue({ code: 'custom', path: ['interface'], message: 'needs `device`: the device that carries this interface' });
    if (!link.interface && link.targets.length === 0) {
      ctx.addIssue({ code: 'custom', path: ['targets'], message: 'a link needs ICMP targets, or a device and interface, or both: otherwise nothing can tell whether it is up' });
    }
  });

export const configSchema = z.strictObject({
  collector: collectorSettings.default(() => collectorSettings.parse({})),
  influx: influxSettings.default(() => influxSettings.parse({})),
  /** Shared SNMP credential profiles, by name: one profile serves thirty devices. */
  credentials: z.record(idSchema, snmpCredentialsSchema).default({}),
  sites: z.array(siteSchema).default([]),
  devices: z.array(deviceSchema).default([]),
  links: z.array(linkSchema).default([]),
  alerts: alertsSchema.default(() => alertsSchema.parse({})),
  api: apiSchema.default(() => apiSchema.parse({})),
  reports: reportsSchema.default(() => reportsSchema.parse({})),
});

export type ConfigInput = z.input<typeof configSchema>;
export type ParsedConfig = z.output<typeof configSchema>;
export type Site = ParsedConfig['sites'][number];
export type Link = ParsedConfig['links'][number];
export type IcmpTarget = Link['targets'][number];
export type InterfaceSelector = z.output<typeof interfaceSelectorSchema>;
export type CollectorSettings = ParsedConfig['collector'];
export type InfluxSettings = ParsedConfig['influx'];
export type { AlertSettings } from './alerts.ts';
export type { ApiSettings } from './api.ts';
export type { ReportSettings };

/** A device after load: its credential profile resolved, its settings merged with the defaults. */
export type Device = Omit<ParsedConfig['devices'][number], 'snmp'> & {
  snmp?: {
    credentials: SnmpCredentials;
    /** The profile it came from, for display; undefined when given inline. */
    profile?: string;
    port: number;
    interval: number;
    timeout: number;
    retries: number;
  };
};

/** The validated, resolved, frozen configuration the rest of linkwatch reads. */
export interface Config {
  readonly collector: CollectorSettings;
  readonly influx: InfluxSettings;
  readonly sites: readonly Site[];
  readonly devices: readonly Device[];
  readonly links: readonly Link[];
  readonly alerts: AlertSettings;
  readonly api: ApiSettings;
  readonly reports: ReportSettings;
}
