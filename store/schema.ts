/**
 * The InfluxDB schema: every measurement, tag and field linkwatch writes, with its type and unit.
 * One module, imported by the collector (to write) and the API (to read); README.md shows it as a
 * table and a test keeps the two in step.
 */
import { ident } from './influx.ts';

export type FieldType = 'float' | 'integer' | 'string';

export interface FieldSpec {
  type: FieldType;
  unit: string;
  description: string;
  /** Rolled up into 5-minute and 1-hour aggregates (numeric fields only). */
  rollup?: readonly RollupAggregate[];
}

/** `mean` and `max` for every rolled-up field; `p95` (of the raw values in the interval) where
 * 95th-percentile reports need it; `sum` for counts. */
export type RollupAggregate = 'mean' | 'max' | 'min' | 'sum' | 'p95';

export interface MeasurementSpec {
  description: string;
  /** Where its points are kept: `raw` (default, rolled up) or `events` (kept for years, for
   * audits: reboots, hardware and firmware history). */
  retention?: 'raw' | 'events';
  tags: Readonly<Record<string, string>>;
  fields: Readonly<Record<string, FieldSpec>>;
}

const MEAN_MAX = ['mean', 'max'] as const;
const TRAFFIC = ['mean', 'max', 'p95'] as const;

export const measurements = {
  interface_traffic: {
    description: 'Rates per interface between two consecutive SNMP polls; discarded intervals are absent (see collector_event).',
    tags: { site: 'site id', device: 'device id', interface: 'ifName (stable across re-indexing)', link: 'link id, where the inventory maps a link to this interface' },
    fields: {
      in_bps: { type: 'float', unit: 'bit/s', description: 'received (download on a link)', rollup: TRAFFIC },
      out_bps: { type: 'float', unit: 'bit/s', description: 'sent (upload on a link)', rollup: TRAFFIC },
      in_pps: { type: 'float', unit: 'packet/s', description: 'unicast packets received', rollup: MEAN_MAX },
      out_pps: { type: 'float', unit: 'packet/s', description: 'unicast packets sent', rollup: MEAN_MAX },
      in_errors_ps: { type: 'float', unit: '1/s', description: 'inbound errors', rollup: MEAN_MAX },
      out_errors_ps: { type: 'float', unit: '1/s', description: 'outbound errors', rollup: MEAN_MAX },
      in_discards_ps: { type: 'float', unit: '1/s', description: 'inbound discards', rollup: MEAN_MAX },
      out_discards_ps: { type: 'float', unit: '1/s', description: 'outbound discards', rollup: MEAN_MAX },
      in_utilization_pct: { type: 'float', unit: '%', description: 'in_bps as a share of the link’s contracted download', rollup: TRAFFIC },
      out_utilization_pct: { type: 'float', unit: '%', description: 'out_bps as a share of the link’s contracted upload', rollup: TRAFFIC },
      if_index: { type: 'integer', unit: '', description: 'ifIndex at the time of the poll' },
      interval_s: { type: 'float', unit: 's', description: 'time between the two samples' },
    },
  },
  interface_status: {
    description: 'State of each watched interface at each SNMP poll.',
    tags: { site: 'site id', device: 'device id', interface: 'ifName', link: 'link id, where mapped' },
    fields: {
      oper_status: { type: 'string', unit: '', description: 'ifOperStatus as a word: up, down, testing, unknown, dormant, notPresent, lowerLayerDown' },
      admin_status: { type: 'string', unit: '', description: 'ifAdminStatus as a word: up, down, testing' },
      oper_up: { type: 'integer', unit: '0/1', description: '1 when oper_status is up', rollup: ['mean', 'min'] },
      speed_bps: { type: 'integer', unit: 'bit/s', description: 'ifHighSpeed × 10⁶, or ifSpeed' },
      if_index: { type: 'integer', unit: '', description: 'ifIndex' },
    },
  },
  icmp: {
    description: 'One ICMP round per target: N echo requests. Targets are a link’s, or the management address of a device without SNMP.',
    tags: { site: 'site id', link: 'link id (link targets)', device: 'device id (a device’s management address)', target: 'target address' },
    fields: {
      up: { type: 'integer', unit: '0/1', description: '1 when at least one echo was answered; its mean is availability', rollup: ['mean', 'min'] },
      sent: { type: 'integer', unit: 'packets', description: 'echo requests sent', rollup: ['sum'] },
      received: { type: 'integer', unit: 'packets', description: 'echo replies received', rollup: ['sum'] },
      loss_pct: { type: 'float', unit: '%', description: 'lost echoes', rollup: MEAN_MAX },
      rtt_min_ms: { type: 'float', unit: 'ms', description: 'fastest reply', rollup: ['min'] },
      rtt_avg_ms: { type: 'float', unit: 'ms', description: 'mean reply time', rollup: ['mean', 'max', 'p95'] },
      rtt_max_ms: { type: 'float', unit: 'ms', description: 'slowest reply', rollup: ['max'] },
      rtt_q1_ms: { type: 'float', unit: 'ms', description: 'first quartile of the sorted replies (the lower edge of the dashboard’s dark latency band)', rollup: ['mean'] },
      rtt_median_ms: { type: 'float', unit: 'ms', description: 'median reply time (the dashboard’s latency line and the overview’s RTT)', rollup: ['mean', 'max'] },
      rtt_q3_ms: { type: 'float', unit: 'ms', description: 'third quartile of the sorted replies (the upper edge of the dark band)', rollup: ['mean'] },
      jitter_ms: { type: 'float', unit: 'ms', description: 'mean absolute difference of successive RTTs', rollup: MEAN_MAX },
      reason: { type: 'string', unit: '', description: 'why a round got no reply: timeout, unreachable, …' },
    },
  },
  device_poll: {
    description: 'One SNMP poll of a device: whether it answered, and how.',
    tags: { site: 'site id', device: 'device id' },
    fields: {
      reachable: { type: 'integer', unit: '0/1', description: '1 when the agent answered', rollup: ['mean', 'min'] },
      address_up: { type: 'integer', unit: '0/1', description: 'when the agent did not answer: 1 when the management address still answered ping (a silent agent, not a dead device)' },
      uptime_s: { type: 'float', unit: 's', description: 'sysUpTime' },
      duration_ms: { type: 'float', unit: 'ms', description: 'time the poll took', rollup: MEAN_MAX },
      interfaces: { type: 'integer', unit: '', description: 'interfaces the agent listed' },
      reason: { type: 'string', unit: '', description: 'why a poll failed: timeout, unreachable, auth, malformed, missing, refused, …' },
      message: { type: 'string', unit: '', description: 'the failure, in words' },
    },
  },
  collector_event: {
    description: 'Things the collector noticed: reboots, discarded intervals, configuration problems found on a device.',
    retention: 'events',
    tags: { site: 'site id', device: 'device id', kind: 'reboot, agent-restart, uptime-wrap, rate-discarded, interface-missing' },
    fields: {
      message: { type: 'string', unit: '', description: 'what happened, in words' },
      interface: { type: 'string', unit: '', description: 'ifName, for interface events' },
      reason: { type: 'string', unit: '', description: 'why an interval was discarded: reboot, reindexed, counter-reset, over-speed, …' },
      previous_uptime_s: { type: 'float', unit: 's', description: 'sysUpTime before a reboot' },
    },
  },
  device_facts: {
    description: 'What a device says about itself, recorded at start and every few hours.',
    retention: 'events',
    tags: { site: 'site id', device: 'device id' },
    fields: {
      sys_descr: { type: 'string', unit: '', description: 'sysDescr' },
      sys_object_id: { type: 'string', unit: '', description: 'sysObjectID' },
      sys_name: { type: 'string', unit: '', description: 'sysName' },
      sys_location: { type: 'string', unit: '', description: 'sysLocation' },
      sys_contact: { type: 'string', unit: '', description: 'sysContact' },
      model: { type: 'string', unit: '', description: 'ENTITY-MIB entPhysicalModelName of the chassis' },
      serial: { type: 'string', unit: '', description: 'entPhysicalSerialNum of the chassis' },
      manufacturer: { type: 'string', unit: '', description: 'entPhysicalMfgName' },
      hardware_rev: { type: 'string', unit: '', description: 'entPhysicalHardwareRev' },
      firmware_rev: { type: 'string', unit: '', description: 'entPhysicalFirmwareRev' },
      software_rev: { type: 'string', unit: '', description: 'entPhysicalSoftwareRev' },
      interface_count: { type: 'integer', unit: '', description: 'interfaces listed' },
      interfaces: { type: 'string', unit: 'JSON', description: 'the interface list: [{index, name, type, speedBps}]' },
    },
  },
  fact_change: {
    description: 'A change in a device’s facts: a device replaced, firmware upgraded, an interface added or removed, a speed changed.',
    retention: 'events',
    tags: { site: 'site id', device: 'device id', fact: 'the device_facts field that changed, or interface:NAME' },
    fields: {
      before: { type: 'string', unit: '', description: 'the old value' },
      after: { type: 'string', unit: '', description: 'the new value' },
    },
  },
  entity_state: {
    description: 'Every change of state of a link, device or site, as the alert engine decided it. The last point per entity is its current state, read back at start.',
    retention: 'events',
    tags: { site: 'site id', entity_kind: 'link, device or site', entity: 'the link, device or site id' },
    fields: {
      state: { type: 'string', unit: '', description: 'up, degraded, down, unreachable, maintenance or unknown' },
      previous: { type: 'string', unit: '', description: 'the state before' },
      cause: { type: 'string', unit: '', description: 'why, as a code: no-reply, interface-down, agent-silent, loss, rtt, utilisation, upstream:<link>, parent:<site>, site-dark, maintenance:<window>, …' },
      since_ms: { type: 'integer', unit: 'ms', description: 'when the state really began (a down state is backdated to its first failed round)' },
      flapping: { type: 'integer', unit: '0/1', description: '1 while the entity is flapping' },
      message: { type: 'string', unit: '', description: 'the change, in words' },
    },
  },
  outage: {
    description: 'An outage or a blip (a failure shorter than downAfter rounds) of a link or device, or a dark site. Time is the start; written when it starts (open=1) and again, at the same time, when it ends.',
    retention: 'events',
    tags: { site: 'site id', entity_kind: 'link, device or site', entity: 'id', kind: 'outage, blip or unreachable (failed because something it depends on failed)' },
    fields: {
      end_ms: { type: 'integer', unit: 'ms', description: 'the first good round; absent while open' },
      duration_s: { type: 'float', unit: 's', description: 'end − start' },
      rounds: { type: 'integer', unit: '', description: 'failed rounds' },
      cause: { type: 'string', unit: '', description: 'as in entity_state' },
      maintenance: { type: 'integer', unit: '0/1', description: '1 when it happened inside a maintenance window' },
      open: { type: 'integer', unit: '0/1', description: '1 until it ends' },
    },
  },
  alert: {
    description: 'An alert’s life as the engine decided it: fired, then resolved; one-shot events. Repeats and escalations are deliveries (see notification). The events of one alert share alert_id.',
    retention: 'events',
    tags: { alert_id: 'stable id of the alert', kind: 'link-down, upstream-down, device-down, site-dark, flapping, loss, rtt, …', severity: 'critical, warning or info', site: 'site id' },
    fields: {
      event: { type: 'string', unit: '', description: 'firing, updated (its kind refined: a link told down found to be its site dark), resolved (a flapping alert resolves when it settles), brief (an outage over before its first message: started and ended at once); event for one-shots (a reboot)' },
      entity_kind: { type: 'string', unit: '', description: 'link, device, site or collector' },
      entity: { type: 'string', unit: '', description: 'the subject’s id' },
      interface: { type: 'string', unit: '', description: 'ifName, for interface alerts' },
      started_ms: { type: 'integer', unit: 'ms', description: 'when the problem began' },
      ended_ms: { type: 'integer', unit: 'ms', description: 'when it ended (resolved and brief events)' },
      duration_s: { type: 'float', unit: 's', description: 'ended − started' },
      affected: { type: 'string', unit: 'JSON', description: 'ids of the sites affected (root-cause and dark-site alerts)' },
      summary: { type: 'string', unit: '', description: 'one line, in the configured language' },
      notification_id: { type: 'string', unit: '', description: 'the id receivers use to drop duplicates' },
    },
  },
  alert_ack: {
    description: 'An operator’s acknowledgement of an alert (from `linkwatch alerts ack` or the API); stops repeats and escalation.',
    retention: 'events',
    tags: { alert_id: 'the alert acknowledged' },
    fields: {
      by: { type: 'string', unit: '', description: 'who' },
      comment: { type: 'string', unit: '', description: 'why, or what is being done' },
    },
  },
  maintenance: {
    description: 'A maintenance window added by `linkwatch maintenance add` or the API (windows in the config file are not stored). Time is its creation; `end` rewrites the same point.',
    retention: 'events',
    tags: { window: 'window id' },
    fields: {
      match: { type: 'string', unit: 'JSON', description: 'the selector: {groups, sites, links, devices}' },
      start_ms: { type: 'integer', unit: 'ms', description: 'start (one-off windows)' },
      end_ms: { type: 'integer', unit: 'ms', description: 'end (one-off windows)' },
      every: { type: 'string', unit: 'JSON', description: 'recurrence: {days, from, to} in alerts.timezone' },
      ended_ms: { type: 'integer', unit: 'ms', description: 'when it was ended early or removed' },
      by: { type: 'string', unit: '', description: 'who added it' },
      comment: { type: 'string', unit: '', description: 'why' },
    },
  },
  notification: {
    description: 'Delivery of one message to one channel: taken by the channel, retried, or given up.',
    retention: 'events',
    tags: { route: 'route id', channel: 'channel id', status: 'sent, retrying or dropped' },
    fields: {
      notification_id: { type: 'string', unit: '', description: 'as in alert' },
      alert_id: { type: 'string', unit: '', description: 'as in alert' },
      attempts: { type: 'integer', unit: '', description: 'tries so far' },
      error: { type: 'string', unit: '', description: 'the last failure, secrets removed' },
    },
  },
  api_token: {
    description: 'An API token for scripts, as the API made it (`POST /api/v1/tokens`): only a hash of the secret is kept. Time is its creation; revoking rewrites the same point.',
    retention: 'events',
    tags: { token_id: 'the public part of the token (lw_<id>_…)' },
    fields: {
      user: { type: 'string', unit: '', description: 'whose rights it carries' },
      role: { type: 'string', unit: '', description: 'viewer, operator or admin (never more than its user’s)' },
      name: { type: 'string', unit: '', description: 'what it is for, as its maker said' },
      secret_hash: { type: 'string', unit: '', description: 'SHA-256 of the secret part (256 random bits, so a slow hash adds nothing); the secret itself is shown once and never stored' },
      expires_ms: { type: 'integer', unit: 'ms', description: 'when it stops working (absent: never)' },
      revoked_ms: { type: 'integer', unit: 'ms', description: 'when it was revoked' },
      by: { type: 'string', unit: '', description: 'who made it' },
      revoked_by: { type: 'string', unit: '', description: 'who revoked it' },
    },
  },
  report_sent: {
    description: 'A monthly audit report made and sent by e-mail (reports.monthly): which period, to whom, its digests. The last one per period keeps it from being sent twice.',
    retention: 'events',
    tags: { period: 'the period label, e.g. 2026-10', outcome: 'sent or failed' },
    fields: {
      recipients: { type: 'string', unit: '', description: 'the addresses, comma-separated' },
      digests: { type: 'string', unit: '', description: 'format=sha256:… of each attachment, comma-separated' },
      message: { type: 'string', unit: '', description: 'why sending failed (failed only)' },
    },
  },
  api_audit: {
    description: 'Every write made through the API (and every login, failed or not): who, what, when.',
    retention: 'events',
    tags: { action: 'the route id: alert.ack, maintenance.create, token.create, login, …', outcome: 'ok, refused or failed' },
    fields: {
      who: { type: 'string', unit: '', description: 'user name, token:<id> or the name tried at login' },
      via: { type: 'string', unit: '', description: 'session, token or login' },
      target: { type: 'string', unit: '', description: 'what was acted on: alert:<id>, maintenance:<id>, token:<id>' },
      detail: { type: 'string', unit: '', description: 'a short description, no secrets' },
      status: { type: 'integer', unit: '', description: 'the HTTP status answered' },
      client: { type: 'string', unit: '', description: 'the client address (X-Forwarded-For when api.trustProxy)' },
    },
  },
} as const satisfies Record<string, MeasurementSpec>;

export type MeasurementName = keyof typeof measurements;
export type TagName<M extends MeasurementName> = keyof (typeof measurements)[M]['tags'] & string;
export type FieldName<M extends MeasurementName> = keyof (typeof measurements)[M]['fields'] & string;

type FieldValue<T extends FieldType> = T extends 'string' ? string : number;
export type Fields<M extends MeasurementName> = {
  [F in FieldName<M>]?: FieldValue<(typeof measurements)[M]['fields'][F] extends { type: infer T extends FieldType } ? T : never>;
};

/** A point to write, typed by its measurement so a misspelt tag or field fails to compile. */
export interface Point<M extends MeasurementName = MeasurementName> {
  measurement: M;
  tags: Partial<Record<TagName<M>, string>>;
  fields: Fields<M>;
  /** Epoch milliseconds, aligned to the schedule tick. */
  timeMs: number;
}

export const point = <M extends MeasurementName>(measurement: M, timeMs: number, tags: Point<M>['tags'], fields: Fields<M>): Point<M> => ({ measurement, tags, fields, timeMs });

/** Retention policies: raw data, 5-minute and 1-hour rollups. */
export const retentionPolicies = {
  raw: { duration: '30d', shardDuration: '1d', isDefault: true },
  rollup_5m: { duration: '400d', shardDuration: '7d', isDefault: false },
  rollup_1h: { duration: '1830d', shardDuration: '30d', isDefault: false },
  events: { duration: '3650d', shardDuration: '30d', isDefault: false },
} as const;
export type RetentionPolicyName = keyof typeof retentionPolicies;

/** The retention policies points are written to (the others are filled by continuous queries). */
export const writtenPolicies = ['raw', 'events'] as const;
export type WrittenPolicy = (typeof writtenPolicies)[number];

export const retentionOf = (measurement: MeasurementName): WrittenPolicy =>
  (measurements[measurement] as MeasurementSpec).retention ?? 'raw';

/** `"policy"."measurement"`: where a measurement is written, quoted for a FROM clause. */
export const qualifiedName = (measurement: MeasurementName): string => `${ident(retentionOf(measurement))}.${ident(measurement)}`;
