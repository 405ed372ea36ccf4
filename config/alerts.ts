import { z } from 'zod';
import { durationSchema, idSchema, secretSchema } from './fields.ts';

// The `alerts` section: how states are decided, what is worth a message, and where messages go.
// Every default here is chosen for rural links that fail often: a single lost round is never an
// outage, and one event gives one message.

export const severities = ['critical', 'warning', 'info'] as const;
export type Severity = (typeof severities)[number];

export const languages = ['vi', 'en'] as const;
export type Language = (typeof languages)[number];

export const channelKinds = ['email', 'webhook', 'zalo', 'telegram'] as const;
export type ChannelKind = (typeof channelKinds)[number];

export const weekdays = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof weekdays)[number];

/** `HH:MM`, 24-hour, local time of `alerts.timezone`. */
export const clockTimeSchema = z.string().regex(/^(?:[01]\d|2[0-3]):[0-5]\d$/, 'must be a time of day HH:MM, e.g. 22:00');

const emailList = z.array(z.email({ error: 'must be an e-mail address' })).min(1);

const emailChannel = z.strictObject({
  type: z.literal('email'),
  host: z.string().min(1),
  /** 465 implies TLS from the start; 587 and 25 upgrade with STARTTLS when the server offers it. */
  port: z.number().int().min(1).max(65535).default(587),
  secure: z.boolean().optional(),
  username: z.string().optional(),
  password: secretSchema.optional(),
  from: z.string().min(3),
  to: emailList,
});

const webhookChannel = z.strictObject({
  type: z.literal('webhook'),
  url: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }),
  /** Key for the `X-Linkwatch-Signature: sha256=…` HMAC of the body. */
  secret: secretSchema.optional(),
  headers: z.record(z.string(), z.string()).default({}),
});

const botChannel = <T extends 'zalo' | 'telegram'>(type: T, baseUrl: string) =>
  z.strictObject({
    type: z.literal(type),
    token: secretSchema,
    chatId: z.union([z.string().min(1), z.number()]).transform(String),
    /** The Bot API's address: a proxy or a self-hosted gateway where the public one is blocked. */
    baseUrl: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }).default(baseUrl),
  });

export const channelSchema = z.discriminatedUnion('type', [
  emailChannel,
  webhookChannel,
  botChannel('zalo', 'https://bot-api.zaloplatforms.com'),
  botChannel('telegram', 'https://api.telegram.org'),
]);
export type ChannelSettings = z.output<typeof channelSchema>;
export type ChannelSettingsOf<K extends ChannelKind> = Extract<ChannelSettings, { type: K }>;

/** Which sites, links or devices something applies to. Lists are alternatives (any match);
 * an empty selector matches everything. */
export const entitySelectorSchema = z.strictObject({
  groups: z.array(idSchema).optional(),
  sites: z.array(idSchema).optional(),
  links: z.array(idSchema).optional(),
  devices: z.array(idSchema).optional(),
});
export type EntitySelector = z.output<typeof entitySelectorSchema>;

const quietHours = z.strictObject({ from: clockTimeSchema, to: clockTimeSchema });

const routeSchema = z.strictObject({
  id: idSchema,
  channels: z.array(idSchema).min(1),
  /** Which alerts take this route: by the site's groups or the site itself, and by severity. */
  match: z
    .strictObject({
      groups: z.array(idSchema).optional(),
      sites: z.array(idSchema).optional(),
      severities: z.array(z.enum(severities)).optional(),
    })
    .default({}),
  language: z.enum(languages).optional(),
  /** Warning and info messages falling in these hours wait until they end (critical ones never wait). */
  quietHours: quietHours.optional(),
  /** Send again every so often until the alert is acknowledged or resolved. Off by default. */
  repeat: durationSchema.optional(),
  /** After this long unacknowledged, the alert also goes to another route. Off by default. */
  escalate: z.strictObject({ after: durationSchema, route: idSchema }).optional(),
});
export type RouteSettings = z.output<typeof routeSchema>;

const thresholdRule = (above: number, forMs: number, severity: Severity) =>
  z.strictObject({
    enabled: z.boolean().default(true),
    above: z.number().min(0).default(above),
    /** The condition must hold this long (every round in it) before the alert fires. */
    for: durationSchema.default(forMs),
    severity: z.enum(severities).default(severity),
  });

/** Loss is judged over a rolling window (`for`), with a band: it fires above `above` and
 * clears at or below `below` (or `above`, when an override set it lower), so a link hovering at
 * the threshold is one alert, not a stream. */
const lossRule = () =>
  z.strictObject({
    enabled: z.boolean().default(true),
    above: z.number().min(0).max(100).default(20),
    below: z.number().min(0).max(100).default(10),
    for: durationSchema.default(5 * 60_000),
    severity: z.enum(severities).default('warning'),
  });

const switchRule = (severity: Severity) =>
  z.strictObject({ enabled: z.boolean().default(true), severity: z.enum(severities).default(severity) });

const rulesSchema = z.strictObject({
  /** A link down on its own (its ICMP targets silent, or its interface down while admin-up). */
  linkDown: switchRule('critical').default(() => switchRule('critical').parse({})),
  /** A device whose SNMP agent and management address both stopped answering. */
  deviceDown: switchRule('critical').default(() => switchRule('critical').parse({})),
  /** Every link and device of a site down: most likely power. */
  siteDark: switchRule('critical').default(() => switchRule('critical').parse({})),
  /** An agent that stopped answering SNMP while its management address still answers ping. */
  agentSilent: switchRule('warning').default(() => switchRule('warning').parse({})),
  /** Lost echoes as a percent of those sent over the last `for`, of the link's best target (one
   * far end that never answers is not loss); rounds inside an outage do not count. */
  loss: lossRule().default(() => lossRule().parse({})),
  /** Mean round-trip time in ms: satellite and radio backhaul sit around 600 ms. */
  rtt: thresholdRule(300, 5 * 60_000, 'warning').default(() => thresholdRule(300, 5 * 60_000, 'warning').parse({})),
  /** Traffic as a percent of the contracted capacity, either direction. */
  utilisation: thresholdRule(90, 15 * 60_000, 'warning').default(() => thresholdRule(90, 15 * 60_000, 'warning').parse({})),
  /** Inbound plus outbound errors per second on a link's interface. */
  interfaceErrors: thresholdRule(1, 10 * 60_000, 'warning').default(() => thresholdRule(1, 10 * 60_000, 'warning').parse({})),
  /** An interface that went oper-down while admin-up. `links`: only interfaces carrying a
   * link; `watched`: every watched interface that was up before (access ports go down at night). */
  interfaceDown: z
    .strictObject({ enabled: z.boolean().default(true), severity: z.enum(severities).default('warning'), scope: z.enum(['links', 'watched']).default('links') })
    .default({ enabled: true, severity: 'warning', scope: 'links' }),
  reboot: switchRule('warning').default(() => switchRule('warning').parse({})),
  flapping: switchRule('warning').default(() => switchRule('warning').parse({})),
  /** The collector unable to write to InfluxDB for this long (its data waits in the spool). */
  collectorWrite: thresholdRule(0, 5 * 60_000, 'critical').omit({ above: true }).default(() => thresholdRule(0, 5 * 60_000, 'critical').omit({ above: true }).parse({})),
});
export type RuleSettings = z.output<typeof rulesSchema>;
export type RuleName = keyof RuleSettings;

const hysteresisSchema = z.strictObject({
  /** Rounds' worth of failures before `down`: for ICMP, downAfter × count echoes lost in a row
   * (more on a link that loses packets anyway, see the README); for SNMP polls, failed polls in
   * a row. Shorter failures are recorded as a blip. */
  downAfter: z.number().int().min(1).max(100).default(2),
  /** Consecutive good rounds before `up` again. */
  upAfter: z.number().int().min(1).max(100).default(2),
});

const flappingSchema = z.strictObject({
  window: durationSchema.default(15 * 60_000),
  /** The change of state (down, up, down again…) within `window` that makes it flapping: at the
   * third, the second outage is told as flapping instead of as an outage of its own. */
  changes: z.number().int().min(3).max(1000).default(3),
  /** Flapping ends after this long without a change. */
  settleAfter: durationSchema.default(10 * 60_000),
});

/** Per-group, per-site, per-link or per-device changes; later entries win. */
/** An object's fields, all optional and without their defaults: an override names only what it
 * changes (zod's own `.partial()` would still fill in the defaults and undo earlier settings). */
const changesOf = <T extends z.ZodObject>(schema: T): ReturnType<T['partial']> =>
  z.strictObject(Object.fromEntries(Object.entries(schema.shape).map(([name, field]) => [name, (field instanceof z.ZodDefault ? field.unwrap() : field).optional()]))) as unknown as ReturnType<T['partial']>;

const overrideSchema = z.strictObject({
  match: entitySelectorSchema,
  downAfter: z.number().int().min(1).max(100).optional(),
  upAfter: z.number().int().min(1).max(100).optional(),
  flapping: changesOf(flappingSchema).optional(),
  rules: z
    .strictObject(
      Object.fromEntries(Object.entries(rulesSchema.shape).map(([name, schema]) => [name, changesOf((schema as z.ZodDefault<z.ZodObject>).unwrap()).optional()])) as {
        [K in keyof typeof rulesSchema.shape]: z.ZodOptional<z.ZodObject>;
      },
    )
    .optional(),
});
export type AlertOverride = Omit<z.output<typeof overrideSchema>, 'rules'> & { rules?: { [K in RuleName]?: Partial<RuleSettings[K]> } };

const maintenanceWindowSchema = z
  .strictObject({
    id: idSchema,
    match: entitySelectorSchema,
    /** One-off: ISO 8601 date-times (a zone offset, or alerts.timezone when none). */
    start: z.string().optional(),
    end: z.string().optional(),
    /** Recurring: these days (all when left out), between these local times. */
    every: z.strictObject({ days: z.array(z.enum(weekdays)).min(1).optional(), from: clockTimeSchema, to: clockTimeSchema }).optional(),
    comment: z.string().optional(),
  })
  .superRefine((window, ctx) => {
    const oneOff = window.start !== undefined || window.end !== undefined;
    if (oneOff === (window.every !== undefined)) ctx.addIssue({ code: 'custom', message: 'give either start and end (one-off) or every (recurring)' });
    if (oneOff && (window.start === undefined || window.end === undefined)) ctx.addIssue({ code: 'custom', path: [window.start === undefined ? 'start' : 'end'], message: 'a one-off window needs both start and end' });
  });
export type MaintenanceWindowSettings = z.output<typeof maintenanceWindowSchema>;

const outboxSchema = z.strictObject({
  /** Messages wait here (fsynced) until every channel has taken them. */
  dir: z.string().min(1).default('.data/outbox'),
  /** A message a channel still refuses after this long is dropped, with a logged error. */
  maxAge: durationSchema.default(24 * 3_600_000),
});

const heartbeatSchema = z.strictObject({
  /** Called every `interval` while the collector is healthy (healthchecks.io-style ping URL). */
  url: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }),
  interval: durationSchema.default(60_000),
  method: z.enum(['GET', 'POST']).default('GET'),
});

/** Another collector whose heartbeat (`alerts.heartbeat.url` pointed at this collector's
 * `/heartbeat/<id>`) this one expects: a linkwatch watching another. */
const peerSchema = z.strictObject({
  id: idSchema,
  name: z.string().min(1).optional(),
  /** Silence longer than this raises `peer-silent` (critical). */
  maxSilence: durationSchema.default(3 * 60_000),
  severity: z.enum(severities).default('critical'),
});
export type PeerSettings = z.output<typeof peerSchema>;

export const alertsSchema = z.strictObject({
  enabled: z.boolean().default(true),
  language: z.enum(languages).default('vi'),
  /** Local time for quiet hours, recurring maintenance and the times in messages. */
  timezone: z
    .string()
    .refine((zone) => {
      try {
        new Intl.DateTimeFormat('en', { timeZone: zone });
        return true;
      } catch {
        return false;
      }
    }, 'must be an IANA time zone such as Asia/Ho_Chi_Minh')
    .default('Asia/Ho_Chi_Minh'),
  ...hysteresisSchema.shape,
  flapping: flappingSchema.default(() => flappingSchema.parse({})),
  /** Detections this close together are sent as one message (a site going dark link by link). */
  grouping: durationSchema.default(10_000),
  /** A message held while its cause is still being decided (an upstream or the site's router
   * not answered yet) leaves at the latest this long after the problem began; a cause decided
   * later refines the same alert. */
  notifyWithin: durationSchema.default(100_000),
  rules: rulesSchema.default(() => rulesSchema.parse({})),
  overrides: z.array(overrideSchema).default([]),
  maintenance: z.array(maintenanceWindowSchema).default([]),
  channels: z.record(idSchema, channelSchema).default({}),
  routes: z.array(routeSchema).default([]),
  outbox: outboxSchema.default(() => outboxSchema.parse({})),
  heartbeat: heartbeatSchema.optional(),
  peers: z.array(peerSchema).default([]),
});
export type AlertSettings = Omit<z.output<typeof alertsSchema>, 'overrides'> & { overrides: AlertOverride[] };
