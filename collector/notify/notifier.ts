import type { AlertSettings, ChannelKind, Language, RouteSettings } from '../../config/alerts.ts';
import type { Notification, Notifier } from '../../model/alerts.ts';
import type { Clock } from '../clock.ts';
import type { PointSink } from '../collector.ts';
import type { Logger } from '../logger.ts';
import { point } from '../../store/schema.ts';
import { createChannel, SEND_TIMEOUT_MS, type Channel, type SendResult } from './channels/index.ts';
import { renderMessage } from './messages.ts';
import { byAge, deliveryKey, openOutbox, type Delivery, type Outbox } from './outbox.ts';
import {
  advanceSchedule,
  backoffMs,
  cancelHeld,
  defaultBackoff,
  holdUntil,
  routesFor,
  scheduleDueMs,
  scheduleFor,
  type BackoffSettings,
  type HeldMessage,
  type RouteSchedule,
} from './routing.ts';

// From Notifier.publish to the channels: routes → outbox (durable) → tick() sends what is due,
// retries what failed, releases quiet-hour holds and makes repeats and escalations. The table of
// open alerts (for repeats and escalation) is kept next to the outbox so a restart keeps it.

export interface NotifierOptions {
  settings: AlertSettings;
  clock: Clock;
  logger: Logger;
  /** Where `notification` points (one per delivery sent, retried or dropped) go. */
  sink?: PointSink;
  /** HTTP for webhook, Zalo and Telegram; global fetch by default. */
  fetch?: typeof fetch;
  /** Waits between tries of a failing channel; 5 s doubling to 10 min by default. */
  backoff?: BackoffSettings;
  /** Deadline for one send; 10 s by default. */
  sendTimeoutMs?: number;
  /** [0, 1) for backoff jitter; Math.random by default. */
  random?: () => number;
}

export interface NotifierStats {
  /** Deliveries in the outbox, held ones included. */
  pending: number;
  /** Of those, waiting for quiet hours to end. */
  held: number;
  /** Alerts that may still repeat or escalate. */
  openAlerts: number;
  /** Since start: deliveries a channel took, tries that failed, deliveries given up, held
   * messages dropped because their problem ended inside the quiet hours. */
  sent: number;
  failed: number;
  dropped: number;
  cancelled: number;
}

export interface ChannelTestResult {
  channelId: string;
  kind: ChannelKind | 'unknown';
  result: SendResult;
}

export type RouteTestResult =
  | { ok: true; route: string; results: ChannelTestResult[] }
  | { ok: false; reason: 'unknown-route'; message: string; routes: string[] };

/** The Notifier the engine uses, plus what the CLI, the API and /metrics need. */
export interface LinkwatchNotifier extends Notifier {
  /** Sends a test message through every channel of a route now, past the outbox. */
  testRoute(routeId: string): Promise<RouteTestResult>;
  stats(): NotifierStats;
  /** Swaps in new alert settings (channels rebuilt); waiting deliveries keep their channel ids. */
  reload(settings: AlertSettings): void;
}

export type CreateNotifierResult = { ok: true; notifier: LinkwatchNotifier } | { ok: false; reason: 'outbox'; message: string };

const OPEN_ALERTS_FILE = 'open-alerts.json';

interface OpenAlert {
  /** The firing message, copied into repeats and escalations. */
  notification: Notification;
  acknowledgedMs?: number;
  schedules: RouteSchedule[];
  /** Routes it was escalated to: they also hear that it resolved. */
  escalatedTo: string[];
}

/** The message `linkwatch notify test` and `testRoute` send. */
export const testNotification = (atMs: number, detail?: string): Notification => ({
  id: `test:${atMs}`,
  alertId: 'test',
  event: 'test',
  kind: 'test',
  severity: 'info',
  atMs,
  startedMs: atMs,
  ...(detail !== undefined ? { detail } : {}),
});

const languageOf = (settings: AlertSettings, route: RouteSettings | undefined): Language => route?.language ?? settings.language;

function buildChannels(settings: AlertSettings, deps: { fetch: typeof fetch; timeoutMs: number }, only?: readonly string[]): Map<string, Channel> {
  const channels = new Map<string, Channel>();
  for (const [id, channelSettings] of Object.entries(settings.channels)) {
    if (only && !only.includes(id)) continue;
    channels.set(id, createChannel(channelSettings, deps));
  }
  return channels;
}

async function sendTestThrough(settings: AlertSettings, channels: ReadonlyMap<string, Channel>, route: RouteSettings, notification: Notification): Promise<ChannelTestResult[]> {
  const language = languageOf(settings, route);
  const message = renderMessage(notification, { language, timeZone: settings.timezone });
  return Promise.all(
    route.channels.map(async (channelId): Promise<ChannelTestResult> => {
      const channel = channels.get(channelId);
      if (!channel) return { channelId, kind: 'unknown', result: { ok: false, reason: 'error', retryable: false, message: `no channel "${channelId}" in alerts.channels` } };
      return { channelId, kind: channel.kind, result: await channel.send({ notification, message, language, routeId: route.id }) };
    }),
  );
}

const unknownRoute = (settings: AlertSettings, routeId: string): RouteTestResult => {
  const routes = settings.routes.map((route) => route.id);
  return { ok: false, reason: 'unknown-route', routes, message: `no route "${routeId}" in alerts.routes${routes.length > 0 ? ` (routes: ${routes.join(', ')})` : ' (none configured)'}` };
};

/** Sends a test message through every channel of a route directly (no outbox, no notifier):
 * what `linkwatch notify test ROUTE` does. */
export async function sendTestMessage(options: { settings: AlertSettings; routeId: string; atMs: number; detail?: string; fetch?: typeof fetch; timeoutMs?: number }): Promise<RouteTestResult> {
  const route = options.settings.routes.find((candidate) => candidate.id === options.routeId);
  if (!route) return unknownRoute(options.settings, options.routeId);
  const channels = buildChannels(options.settings, { fetch: options.fetch ?? globalThis.fetch, timeoutMs: options.timeoutMs ?? SEND_TIMEOUT_MS }, route.channels);
  try {
    return { ok: true, route: route.id, results: await sendTestThrough(options.settings, channels, route, testNotification(options.atMs, options.detail)) };
  } finally {
    await Promise.all([...channels.values()].map((channel) => channel.close()));
  }
}

/**
 * Opens the outbox in `settings.outbox.dir` (resuming what a previous run left) and returns the
 * notifier. The caller drives it: `publish` from the alert engine, `tick(now)` every second,
 * `acknowledge` from the CLI or API, `close` at shutdown.
 */
export async function createNotifier(options: NotifierOptions): Promise<CreateNotifierResult> {
  const { clock, logger, sink } = options;
  const opened = await openOutbox({ dir: options.settings.outbox.dir, logger });
  if (!opened.ok) return { ok: false, reason: 'outbox', message: opened.message };
  const outbox: Outbox = opened.outbox;
  const backoff = options.backoff ?? defaultBackoff;
  const random = options.random ?? Math.random;
  const channelDeps = { fetch: options.fetch ?? globalThis.fetch, timeoutMs: options.sendTimeoutMs ?? SEND_TIMEOUT_MS };

  let settings = options.settings;
  let routesById = new Map(settings.routes.map((route) => [route.id, route]));
  let channels = buildChannels(settings, channelDeps);
  const openAlerts = await loadOpenAlerts(outbox, logger);
  /** Per channel: no try before this (the channel failed and backs off). Rebuilt from the
   * deliveries' own retry times at start. */
  const channelRetryAt = new Map<string, number>();
  for (const delivery of outbox.list()) {
    if (delivery.attempts > 0) channelRetryAt.set(delivery.channelId, Math.max(channelRetryAt.get(delivery.channelId) ?? 0, delivery.nextAttemptMs));
  }
  const counts = { sent: 0, failed: 0, dropped: 0, cancelled: 0 };
  let seq = 0;
  let nextWakeMs = -Infinity;
  let ticking: Promise<void> | undefined;
  let persisting: Promise<void> = Promise.resolve();
  let closed = false;

  if (opened.resumed > 0 || openAlerts.size > 0) logger.info({ dir: outbox.dir, deliveries: opened.resumed, openAlerts: openAlerts.size }, 'outbox resumed');

  const persistOpenAlerts = (): void => {
    const snapshot = { version: 1, alerts: [...openAlerts.values()] };
    // Chained so an older table never overwrites a newer one.
    persisting = persisting
      .then(() => outbox.writeState(OPEN_ALERTS_FILE, snapshot))
      .catch((error: unknown) => logger.error({ dir: outbox.dir, err: (error as Error).message }, 'could not save the open-alert table: repeats and escalations may be lost on restart'));
  };

  /** The earliest moment tick() has something to do, so the per-second tick is a comparison. */
  const updateWake = (): void => {
    let wake = Infinity;
    for (const open of openAlerts.values()) for (const schedule of open.schedules) wake = Math.min(wake, scheduleDueMs(schedule));
    const earliestReady = new Map<string, number>();
    for (const delivery of outbox.list()) earliestReady.set(delivery.channelId, Math.min(earliestReady.get(delivery.channelId) ?? Infinity, delivery.readyMs));
    for (const [channelId, readyMs] of earliestReady) wake = Math.min(wake, Math.max(readyMs, channelRetryAt.get(channelId) ?? -Infinity));
    nextWakeMs = wake;
  };

  const makeDeliveries = (notification: Notification, route: RouteSettings, nowMs: number, heldUntil: number | undefined): Delivery[] =>
    route.channels.map((channelId) => ({
      key: deliveryKey(notification.id, route.id, channelId),
      notification,
      routeId: route.id,
      channelId,
      language: languageOf(settings, route),
      createdMs: nowMs,
      readyMs: heldUntil ?? nowMs,
      attempts: 0,
      nextAttemptMs: heldUntil ?? nowMs,
      seq: seq++,
    }));

  const heldMessages = (nowMs: number): HeldMessage[] =>
    outbox
      .list()
      .filter((delivery) => delivery.attempts === 0 && delivery.readyMs > nowMs)
      .map((delivery) => ({ key: delivery.key, alertId: delivery.notification.alertId, routeId: delivery.routeId, event: delivery.notification.event }));

  const record = (delivery: Delivery, status: 'sent' | 'retrying' | 'dropped', nowMs: number, error?: string): void => {
    sink?.write([
      point('notification', nowMs, { route: delivery.routeId, channel: delivery.channelId, status }, {
        notification_id: delivery.notification.id,
        alert_id: delivery.notification.alertId,
        attempts: delivery.attempts,
        ...(error !== undefined ? { error } : {}),
      }),
    ]);
  };

  const drop = async (delivery: Delivery, nowMs: number, why: string): Promise<void> => {
    counts.dropped++;
    logger.error({ notificationId: delivery.notification.id, alertId: delivery.notification.alertId, route: delivery.routeId, channel: delivery.channelId, attempts: delivery.attempts, error: why }, 'notification dropped');
    record(delivery, 'dropped', nowMs, why);
    await outbox.remove(delivery.key);
  };

  /** Sends one channel's ready deliveries oldest first, stopping at the first retryable failure
   * so a channel that comes back gets its messages in the order they were made (a firing never
   * arrives after its resolved). */
  const sendChannel = async (channelId: string, queue: Delivery[], nowMs: number): Promise<void> => {
    const channel = channels.get(channelId);
    for (const delivery of queue) {
      if (!channel) {
        await drop(delivery, nowMs, `channel "${channelId}" is no longer in alerts.channels`);
        continue;
      }
      const message = renderMessage(delivery.notification, { language: delivery.language, timeZone: settings.timezone });
      const result = await channel.send({ notification: delivery.notification, message, language: delivery.language, routeId: delivery.routeId });
      if (result.ok) {
        counts.sent++;
        channelRetryAt.delete(channelId);
        const sent = { ...delivery, attempts: delivery.attempts + 1 };
        logger.info({ notificationId: delivery.notification.id, route: delivery.routeId, channel: channelId, attempts: sent.attempts }, 'notification sent');
        record(sent, 'sent', nowMs);
        await outbox.remove(delivery.key);
        continue;
      }
      counts.failed++;
      const tried = { ...delivery, attempts: delivery.attempts + 1, lastError: `${result.reason}: ${result.message}` };
      if (!result.retryable) {
        await drop(tried, nowMs, `${tried.lastError} (not retryable)`);
        continue;
      }
      if (nowMs - delivery.readyMs >= settings.outbox.maxAge) {
        await drop(tried, nowMs, `${tried.lastError} (still failing after outbox.maxAge)`);
        continue;
      }
      const retryAt = nowMs + backoffMs(tried.attempts, backoff, random());
      channelRetryAt.set(channelId, retryAt);
      const waiting = { ...tried, nextAttemptMs: retryAt };
      logger.warn({ notificationId: delivery.notification.id, route: delivery.routeId, channel: channelId, attempts: waiting.attempts, retryInMs: retryAt - nowMs, error: waiting.lastError }, 'notification not delivered; will retry');
      record(waiting, 'retrying', nowMs, waiting.lastError);
      await outbox.put([waiting]);
      // Messages queued behind a channel that has refused everything for maxAge are given up
      // together, rather than one per backoff period.
      for (const stale of queue) {
        if (stale !== delivery && nowMs - stale.readyMs >= settings.outbox.maxAge && outbox.get(stale.key)) {
          await drop({ ...stale, lastError: waiting.lastError }, nowMs, `${waiting.lastError} (channel still failing after outbox.maxAge)`);
        }
      }
      return;
    }
  };

  const sendDue = async (nowMs: number): Promise<void> => {
    const queues = new Map<string, Delivery[]>();
    for (const delivery of outbox.list()) {
      if (delivery.readyMs > nowMs) continue;
      if ((channelRetryAt.get(delivery.channelId) ?? -Infinity) > nowMs) continue;
      const queue = queues.get(delivery.channelId) ?? [];
      queue.push(delivery);
      queues.set(delivery.channelId, queue);
    }
    // Channels are independent: a slow SMTP server must not delay the Zalo message.
    await Promise.all([...queues].map(([channelId, queue]) => sendChannel(channelId, queue.sort(byAge), nowMs)));
  };

  const runSchedules = async (nowMs: number): Promise<void> => {
    const deliveries: Delivery[] = [];
    let changed = false;
    for (const [alertId, open] of openAlerts) {
      if (open.acknowledgedMs !== undefined) continue;
      const schedules: RouteSchedule[] = [];
      for (const schedule of open.schedules) {
        const route = routesById.get(schedule.routeId);
        if (!route) {
          changed = true;
          continue;
        }
        if (scheduleDueMs(schedule) > nowMs) {
          schedules.push(schedule);
          continue;
        }
        changed = true;
        const advanced = advanceSchedule(schedule, route, open.notification.severity, nowMs, settings.timezone);
        if (advanced.schedule.nextRepeatMs !== undefined || advanced.schedule.escalateAtMs !== undefined) schedules.push(advanced.schedule);
        for (const action of advanced.actions) {
          if (action.kind === 'repeat') {
            const repeat: Notification = { ...open.notification, id: `${alertId}:repeat:${action.n}`, event: 'repeat', atMs: nowMs };
            deliveries.push(...makeDeliveries(repeat, route, nowMs, holdUntil(repeat, route, nowMs, settings.timezone)));
            continue;
          }
          const target = routesById.get(action.route);
          if (!target || open.escalatedTo.includes(target.id)) continue;
          open.escalatedTo.push(target.id);
          const escalated: Notification = { ...open.notification, id: `${alertId}:escalated`, event: 'escalated', atMs: nowMs };
          logger.info({ alertId, from: route.id, to: target.id }, 'alert escalated');
          deliveries.push(...makeDeliveries(escalated, target, nowMs, holdUntil(escalated, target, nowMs, settings.timezone)));
        }
      }
      open.schedules = schedules;
    }
    if (deliveries.length > 0) await outbox.put(deliveries);
    if (changed) persistOpenAlerts();
  };

  const notifier: LinkwatchNotifier = {
    async publish(notification) {
      if (closed) throw new Error(`notifier closed: ${notification.id} not published`);
      if (!settings.enabled) {
        logger.debug({ notificationId: notification.id }, 'alerts.enabled is false: notification not sent');
        return;
      }
      const nowMs = clock.now();
      const routes = routesFor(settings.routes, notification);
      const open = openAlerts.get(notification.alertId);
      if (notification.event === 'resolved' && open) {
        for (const routeId of open.escalatedTo) {
          const route = routesById.get(routeId);
          if (route && !routes.includes(route)) routes.push(route);
        }
      }
      if (routes.length === 0) logger.warn({ notificationId: notification.id, kind: notification.kind, site: notification.site?.id }, 'no route takes this notification');

      const held = notification.event === 'resolved' ? heldMessages(nowMs) : [];
      const deliveries: Delivery[] = [];
      const cancel: string[] = [];
      for (const route of routes) {
        const decision = cancelHeld(notification, route.id, held);
        cancel.push(...decision.cancel);
        if (!decision.sendResolved) continue;
        deliveries.push(...makeDeliveries(notification, route, nowMs, holdUntil(notification, route, nowMs, settings.timezone)));
      }
      await outbox.put(deliveries);
      for (const key of cancel) {
        counts.cancelled++;
        const delivery = outbox.get(key);
        logger.info({ notificationId: delivery?.notification.id, route: delivery?.routeId, channel: delivery?.channelId }, 'held message dropped: the problem began and ended inside quiet hours');
        await outbox.remove(key);
      }

      if (notification.event === 'firing' && !open) {
        const schedules = routes.flatMap((route) => scheduleFor(route, holdUntil(notification, route, nowMs, settings.timezone) ?? nowMs) ?? []);
        if (schedules.length > 0) {
          openAlerts.set(notification.alertId, { notification, schedules, escalatedTo: [] });
          persistOpenAlerts();
        }
      } else if (notification.event === 'updated' && open) {
        // Repeats and escalations carry the refined cause from now on.
        open.notification = { ...notification, id: open.notification.id, event: 'firing' };
        persistOpenAlerts();
      } else if (notification.event === 'resolved' && open) {
        openAlerts.delete(notification.alertId);
        persistOpenAlerts();
      }
      updateWake();
    },

    acknowledge(alertId, atMs) {
      const open = openAlerts.get(alertId);
      if (!open || open.acknowledgedMs !== undefined) return;
      // Kept (without schedules) until resolved, so its resolution still reaches escalation routes.
      open.acknowledgedMs = atMs;
      open.schedules = [];
      logger.info({ alertId }, 'alert acknowledged: repeats and escalation stopped');
      persistOpenAlerts();
      updateWake();
    },

    async tick(nowMs) {
      if (closed || ticking || nowMs < nextWakeMs) return;
      ticking = (async () => {
        try {
          await runSchedules(nowMs);
          await sendDue(nowMs);
        } catch (error) {
          // Channels never throw; this is a disk or a bug. Logged so tick() never rejects in a timer.
          logger.error({ err: (error as Error).message }, 'notifier tick failed');
        } finally {
          updateWake();
        }
      })();
      try {
        await ticking;
      } finally {
        ticking = undefined;
      }
    },

    async close() {
      if (closed) return;
      closed = true;
      await ticking;
      await persisting;
      await Promise.all([...channels.values()].map((channel) => channel.close()));
    },

    async testRoute(routeId) {
      const route = routesById.get(routeId);
      if (!route) return unknownRoute(settings, routeId);
      return { ok: true, route: route.id, results: await sendTestThrough(settings, channels, route, testNotification(clock.now(), `testRoute("${routeId}")`)) };
    },

    stats() {
      const nowMs = clock.now();
      const deliveries = outbox.list();
      return {
        pending: deliveries.length,
        held: deliveries.filter((delivery) => delivery.attempts === 0 && delivery.readyMs > nowMs).length,
        openAlerts: [...openAlerts.values()].filter((open) => open.acknowledgedMs === undefined).length,
        ...counts,
      };
    },

    reload(next) {
      const previous = channels;
      settings = next;
      routesById = new Map(next.routes.map((route) => [route.id, route]));
      channels = buildChannels(next, channelDeps);
      // Old channels may be sending in the current tick: close them after it.
      void Promise.resolve(ticking).then(() => Promise.all([...previous.values()].map((channel) => channel.close())));
      nextWakeMs = -Infinity;
    },
  };
  updateWake();
  return { ok: true, notifier };
}

async function loadOpenAlerts(outbox: Outbox, logger: Logger): Promise<Map<string, OpenAlert>> {
  const state = (await outbox.readState(OPEN_ALERTS_FILE)) as { version?: number; alerts?: OpenAlert[] } | undefined;
  const alerts = new Map<string, OpenAlert>();
  if (state === undefined) return alerts;
  if (state.version !== 1 || !Array.isArray(state.alerts)) {
    logger.error({ dir: outbox.dir }, `${OPEN_ALERTS_FILE} has an unknown format: open alerts will not repeat or escalate`);
    return alerts;
  }
  for (const open of state.alerts) if (typeof open?.notification?.alertId === 'string') alerts.set(open.notification.alertId, open);
  return alerts;
}
