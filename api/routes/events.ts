import { z } from 'zod';
import type { ApiDeps } from '../deps.ts';
import { ApiError } from '../errors.ts';
import type { LiveEvent, LiveStatus } from '../live.ts';
import { route, type Route } from '../route.ts';

// The live stream: Server-Sent Events of state changes, alerts and status counts, so the
// dashboard updates without polling. A reconnecting EventSource sends Last-Event-ID and gets
// what it missed from the buffer; when the buffer no longer holds it (a long absence, an API
// restart) it is told to `resync`, i.e. to fetch /status again, rather than left silently behind.

export interface EventStreamOptions {
  live: LiveStatus;
  /** A comment line this often keeps proxies and NATs from closing an idle stream. */
  heartbeatMs?: number;
  /** More open streams than this are refused (429): each holds a socket. */
  maxStreams?: number;
}

const eventIdText = z.string().regex(/^\d{1,16}$/, 'must be an event id as sent in the stream').transform(Number);

/** One event in the wire format: `id`, `event` and one `data` line of JSON. */
export const formatEvent = (event: LiveEvent): string => {
  const { id, type, ...data } = event;
  return `id: ${id}\nevent: ${type}\ndata: ${JSON.stringify(data)}\n\n`;
};

export function eventRoutes(deps: ApiDeps & EventStreamOptions): Route[] {
  const { live, logger } = deps;
  const heartbeatMs = deps.heartbeatMs ?? 15_000;
  const maxStreams = deps.maxStreams ?? 500;
  return [
    route({
      id: 'streamEvents',
      method: 'get',
      path: '/events',
      access: 'viewer',
      tag: 'status',
      summary: 'Server-Sent Events: `state` (an entity changed state), `alert` (an alert fired, changed, was acknowledged or resolved), `status` (the counts changed), `resync` (events were missed: fetch /status again)',
      query: z.strictObject({ lastEventId: eventIdText.optional() }),
      produces: 'stream',
      mediaType: 'text/event-stream',
      errors: ['rate-limited'],
      returns: 'text/event-stream',
      handle: ({ request, response, query }) => {
        if (live.subscribers() >= maxStreams) throw new ApiError('rate-limited', `${maxStreams} live streams are open already; try again later`, { 'Retry-After': '30' });
        const header = request.headers['last-event-id'];
        const resumeText = typeof header === 'string' && header !== '' ? header : undefined;
        const parsedHeader = resumeText === undefined ? undefined : eventIdText.safeParse(resumeText);
        if (parsedHeader && !parsedHeader.success) throw new ApiError('invalid-parameter', 'header Last-Event-ID: must be an event id as sent in the stream');
        const afterId = parsedHeader?.data ?? query.lastEventId;

        response.status(200).set({
          'Content-Type': 'text/event-stream; charset=utf-8',
          'Cache-Control': 'no-cache, no-transform',
          Connection: 'keep-alive',
          // nginx would otherwise hold events back in its buffer.
          'X-Accel-Buffering': 'no',
        });
        response.flushHeaders();
        request.socket.setNoDelay(true);
        response.write(`retry: 5000\n\n`);
        if (afterId !== undefined && !live.canResume(afterId)) response.write(`event: resync\ndata: {}\n\n`);
        const unsubscribe = live.subscribe((event) => {
          response.write(formatEvent(event));
        }, afterId !== undefined && live.canResume(afterId) ? afterId : undefined);
        const heartbeat = setInterval(() => response.write(`: keep-alive\n\n`), heartbeatMs);
        heartbeat.unref();
        const close = () => {
          clearInterval(heartbeat);
          unsubscribe();
        };
        request.on('close', close);
        response.on('error', (error) => {
          logger.debug({ err: error }, 'events: stream closed with an error');
          close();
        });
      },
    }),
  ];
}
