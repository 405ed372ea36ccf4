import type { LinkKind, DeviceRole, SiteKind } from '../config/schema.ts';
import type { Severity } from '../config/alerts.ts';

// The words the alert engine, the notifier, the CLI and (later) the API share. One source of
// truth for the kinds: registries elsewhere are typed `{[K in AlertKind]: …}`.

export const entityKinds = ['link', 'device', 'site'] as const;
export type EntityKind = (typeof entityKinds)[number];

/** `unreachable`: failing because something it depends on (an upstream link, a parent site) is
 * down. `unknown`: no data yet. */
export const entityStates = ['up', 'degraded', 'down', 'unreachable', 'maintenance', 'unknown'] as const;
export type EntityState = (typeof entityStates)[number];

export const alertKinds = [
  'link-down',
  'upstream-down',
  'device-down',
  'site-dark',
  'agent-silent',
  'flapping',
  'loss',
  'rtt',
  'utilisation',
  'interface-errors',
  'interface-down',
  'reboot',
  'collector-write',
  'peer-silent',
  'test',
] as const;
export type AlertKind = (typeof alertKinds)[number];

/** What a message says happened. `firing` and `resolved` bracket a problem (a `flapping` alert
 * fires when flapping begins and resolves when it settles, with `settledState`); `updated` says
 * an open alert's cause is now known better (a link told down turned out to be its whole site
 * dark: same alert id, the new kind); `brief` tells an outage that was over before its first
 * message left, in one message with both ends; `repeat` and `escalated` re-send an open alert;
 * `event` is a one-shot (a reboot) with nothing to resolve. */
export const notificationEvents = ['firing', 'updated', 'resolved', 'brief', 'repeat', 'escalated', 'event', 'test'] as const;
export type NotificationEvent = (typeof notificationEvents)[number];

/** The site, link and device as the message shows them: a snapshot, so a message waiting in
 * the outbox renders the same after a config change. */
export interface SiteInfo {
  id: string;
  name: string;
  kind: SiteKind;
  groups: readonly string[];
  contact?: { name?: string; phone?: string };
}
export interface LinkInfo {
  id: string;
  name?: string;
  kind: LinkKind;
  provider?: string;
  circuit?: string;
  supportPhone?: string;
}
export interface DeviceInfo {
  id: string;
  name?: string;
  role: DeviceRole;
  address: string;
}

/** A measured value against its threshold, for rule alerts (loss, rtt, utilisation, errors). */
export interface Measured {
  value: number;
  threshold: number;
  /** `%`, `ms`, `/s`. */
  unit: string;
}

export interface Notification {
  /** Unique per message, stable across retries and restarts: `${alertId}:${event}[:n]`.
   * Receivers drop duplicates by it (delivery is at-least-once). */
  id: string;
  /** Stable id of the alert: all messages about one problem share it. */
  alertId: string;
  event: NotificationEvent;
  kind: AlertKind;
  severity: Severity;
  /** When the message was made (epoch ms). */
  atMs: number;
  /** When the problem began (backdated to the first failed round for outages). */
  startedMs: number;
  /** When it ended (resolved, brief). */
  endedMs?: number;
  /** Absent only for the collector's own alerts. */
  site?: SiteInfo;
  link?: LinkInfo;
  device?: DeviceInfo;
  /** Interface name, for interface alerts. */
  interface?: string;
  /** The upstream link or parent site that explains an unreachable subject. */
  upstream?: { link?: LinkInfo; site?: SiteInfo };
  /** Sites cut off by this problem (root-cause and dark-site alerts). */
  affectedSites?: readonly { id: string; name: string }[];
  measured?: Measured;
  /** For `settled`: the state the subject settled in. */
  settledState?: 'up' | 'down';
  /** Free text that does not fit the fields (a write error, a test message's origin). */
  detail?: string;
}

/** Where the engine hands its notifications: routing, the durable outbox and delivery. */
export interface Notifier {
  /** Routes the notification and stores it durably; resolves once stored (not delivered). */
  publish(notification: Notification): Promise<void>;
  /** Stops repeats and escalation of an alert. */
  acknowledge(alertId: string, atMs: number): void;
  /** Sends due repeats, escalations and messages released from quiet hours, retries deliveries. */
  tick(nowMs: number): Promise<void>;
  close(): Promise<void>;
}
