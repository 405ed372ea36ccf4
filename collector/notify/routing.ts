import type { RouteSettings } from '../../config/alerts.ts';
import { inDailyRange, localTime, minutesOfClock } from '../../config/time.ts';
import type { Notification } from '../../model/alerts.ts';

// Pure decisions about where and when a message goes: route matching, quiet hours, backoff,
// repeats and escalation. The notifier does the I/O around them.

/** Whether a notification takes a route. `groups` and `sites` are alternatives (the site is in
 * one of the groups, or is one of the sites); `severities` must also match when given. An empty
 * match takes everything. The collector's own alerts have no site, so they only take routes
 * that do not restrict by group or site. */
export function routeMatches(route: Pick<RouteSettings, 'match'>, notification: Pick<Notification, 'site' | 'severity'>): boolean {
  const { groups, sites, severities } = route.match;
  if (severities && severities.length > 0 && !severities.includes(notification.severity)) return false;
  const restrictsWhere = (groups?.length ?? 0) > 0 || (sites?.length ?? 0) > 0;
  if (!restrictsWhere) return true;
  const site = notification.site;
  if (!site) return false;
  return Boolean(sites?.includes(site.id) || groups?.some((group) => site.groups.includes(group)));
}

/** The routes a notification takes, in config order. */
export const routesFor = <R extends Pick<RouteSettings, 'match'>>(routes: readonly R[], notification: Pick<Notification, 'site' | 'severity'>): R[] =>
  routes.filter((route) => routeMatches(route, notification));

/** When the quiet period that `atMs` falls in ends, or undefined when `atMs` is not quiet.
 * Computed in whole local minutes; in a zone with daylight saving a quiet period spanning the
 * change ends an hour early or late, which is harmless for holding messages. */
export function quietHoursEnd(atMs: number, quietHours: RouteSettings['quietHours'], timeZone: string): number | undefined {
  if (!quietHours) return undefined;
  const local = localTime(atMs, timeZone);
  if (!inDailyRange(local.minuteOfDay, quietHours.from, quietHours.to)) return undefined;
  const startOfMinute = atMs - (((atMs % 60_000) + 60_000) % 60_000);
  let minutesLeft = (minutesOfClock(quietHours.to) - local.minuteOfDay + 1440) % 1440;
  // from == to means "all day": hold for a whole day rather than forever.
  if (minutesLeft === 0) minutesLeft = 1440;
  return startOfMinute + minutesLeft * 60_000;
}

/** Until when a message to a route waits, or undefined to send it now. Critical messages never
 * wait: someone must get up for them. Everything else (warning and info, and their resolved,
 * repeat and escalated messages) waits for the end of the route's quiet hours, and so does a
 * `brief` outage of any severity: it is over, nobody need get up for it. */
export function holdUntil(notification: Pick<Notification, 'severity' | 'event'>, route: Pick<RouteSettings, 'quietHours'>, nowMs: number, timeZone: string): number | undefined {
  if ((notification.severity === 'critical' && notification.event !== 'brief') || notification.event === 'test') return undefined;
  return quietHoursEnd(nowMs, route.quietHours, timeZone);
}

/** A message waiting for quiet hours to end, as far as cancellation needs to know it. */
export interface HeldMessage {
  key: string;
  alertId: string;
  routeId: string;
  event: Notification['event'];
}

/** What to do with a `resolved` message given the messages still held on its route: when a
 * problem began and ended inside the quiet hours, nobody needs to hear about it in the morning,
 * so the held firing (and any held repeat or escalation of it) and the resolved are all dropped.
 * A resolved whose firing was already sent is held or sent as usual, so the reader who got the
 * firing also gets its end. */
export function cancelHeld(resolved: Pick<Notification, 'alertId' | 'event'>, routeId: string, held: readonly HeldMessage[]): { cancel: string[]; sendResolved: boolean } {
  if (resolved.event !== 'resolved') return { cancel: [], sendResolved: true };
  const cancel = held
    .filter((message) => message.alertId === resolved.alertId && message.routeId === routeId && (message.event === 'firing' || message.event === 'repeat' || message.event === 'escalated'))
    .map((message) => message.key);
  return { cancel, sendResolved: !held.some((message) => message.alertId === resolved.alertId && message.routeId === routeId && message.event === 'firing') };
}

export interface BackoffSettings {
  /** Wait after the first failure. */
  baseMs: number;
  /** Longest wait. */
  capMs: number;
}

export const defaultBackoff: BackoffSettings = { baseMs: 5_000, capMs: 10 * 60_000 };

/** Wait before the next try after `failures` failed tries: base doubling to the cap, with the
 * upper half jittered so many messages failing together do not retry together. `random` is in
 * [0, 1). */
export function backoffMs(failures: number, settings: BackoffSettings, random: number): number {
  const exponent = Math.min(Math.max(failures - 1, 0), 30);
  const delay = Math.min(settings.baseMs * 2 ** exponent, settings.capMs);
  return Math.round(delay / 2 + (delay / 2) * random);
}

/** The repeat and escalation schedule of an open alert on one route. */
export interface RouteSchedule {
  routeId: string;
  /** Next repeat due; absent when the route does not repeat. */
  nextRepeatMs?: number;
  /** Repeats sent so far: the next one is `${alertId}:repeat:${repeats + 1}`. */
  repeats: number;
  /** When to escalate; absent when the route does not escalate or already did. */
  escalateAtMs?: number;
}

/** The schedule for a route from when the firing message became due (after any quiet hours). */
export function scheduleFor(route: Pick<RouteSettings, 'id' | 'repeat' | 'escalate'>, dueMs: number): RouteSchedule | undefined {
  if (route.repeat === undefined && route.escalate === undefined) return undefined;
  return {
    routeId: route.id,
    repeats: 0,
    ...(route.repeat !== undefined ? { nextRepeatMs: dueMs + route.repeat } : {}),
    ...(route.escalate !== undefined ? { escalateAtMs: dueMs + route.escalate.after } : {}),
  };
}

export type ScheduleAction = { kind: 'repeat'; n: number } | { kind: 'escalate'; route: string };

/** What is due on a route's schedule at `nowMs`, and the schedule after it. A repeat that comes
 * due inside quiet hours (for a message that would be held) moves to the end of them instead of
 * piling up; after downtime, missed repeats become one, not a burst. */
export function advanceSchedule(
  schedule: RouteSchedule,
  route: Pick<RouteSettings, 'repeat' | 'escalate' | 'quietHours'>,
  severity: Notification['severity'],
  nowMs: number,
  timeZone: string,
): { actions: ScheduleAction[]; schedule: RouteSchedule } {
  const actions: ScheduleAction[] = [];
  let next = schedule;
  if (next.nextRepeatMs !== undefined && nowMs >= next.nextRepeatMs) {
    if (route.repeat === undefined) {
      const { nextRepeatMs: _dropped, ...rest } = next;
      next = rest;
    } else {
      const quietEnd = holdUntil({ severity, event: 'repeat' }, route, nowMs, timeZone);
      if (quietEnd !== undefined) next = { ...next, nextRepeatMs: quietEnd };
      else {
        actions.push({ kind: 'repeat', n: next.repeats + 1 });
        next = { ...next, repeats: next.repeats + 1, nextRepeatMs: nowMs + route.repeat };
      }
    }
  }
  if (next.escalateAtMs !== undefined && nowMs >= next.escalateAtMs) {
    const { escalateAtMs: _done, ...rest } = next;
    next = rest;
    if (route.escalate) actions.push({ kind: 'escalate', route: route.escalate.route });
  }
  return { actions, schedule: next };
}

/** The earliest time anything on a schedule is due. */
export const scheduleDueMs = (schedule: RouteSchedule): number => Math.min(schedule.nextRepeatMs ?? Infinity, schedule.escalateAtMs ?? Infinity);
