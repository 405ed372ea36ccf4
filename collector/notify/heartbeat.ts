import type { AlertSettings } from '../../config/alerts.ts';
import type { Clock } from '../clock.ts';
import type { Logger } from '../logger.ts';

// A dead-man's switch: an external watcher (healthchecks.io, Uptime Kuma's push monitor) expects
// a call every `interval` and raises its own alarm when calls stop. The collector calls only while
// it is healthy, so a hung or broken collector — which cannot alert about itself — is noticed.

export type HeartbeatSettings = NonNullable<AlertSettings['heartbeat']>;

export type HeartbeatResult =
  | { ok: true; status: number }
  | { ok: false; reason: 'unhealthy' | 'unreachable' | 'timeout' | 'rejected'; message: string };

export interface HeartbeatOptions {
  settings: HeartbeatSettings;
  clock: Clock;
  logger: Logger;
  /** Whether the collector is doing its job (polling, writing); false skips the call. */
  healthy: () => boolean;
  fetch?: typeof fetch;
  /** Deadline for one call; the smaller of 10 s and the interval by default. */
  timeoutMs?: number;
}

export interface Heartbeat {
  /** Calls now and then every interval until stopped. Calling start twice does nothing. */
  start(): void;
  /** Stops the timer and waits for a call in flight. */
  stop(): Promise<void>;
  /** One beat: what start() does each interval. Never throws. */
  beat(): Promise<HeartbeatResult>;
  /** When the watcher last accepted a call (epoch ms), for /healthz. */
  lastSuccessMs(): number | undefined;
}

/** The URL with its query string hidden: ping URLs embed their check's key, which is a secret. */
const displayUrl = (url: string): string => {
  try {
    const parsed = new URL(url);
    return `${parsed.origin}${parsed.pathname.replace(/[^/]{16,}/g, '<key>')}`;
  } catch {
    return '<heartbeat url>';
  }
};

export function createHeartbeat(options: HeartbeatOptions): Heartbeat {
  const { settings, clock, logger } = options;
  const doFetch = options.fetch ?? globalThis.fetch;
  const timeoutMs = options.timeoutMs ?? Math.min(10_000, settings.interval);
  const where = displayUrl(settings.url);
  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<HeartbeatResult> | undefined;
  let running = false;
  let lastSuccess: number | undefined;
  let wasHealthy = true;

  const beat = async (): Promise<HeartbeatResult> => {
    if (!options.healthy()) {
      if (wasHealthy) logger.warn({ url: where }, 'collector unhealthy: heartbeat withheld so the external watcher raises the alarm');
      wasHealthy = false;
      return { ok: false, reason: 'unhealthy', message: 'collector unhealthy: heartbeat skipped' };
    }
    if (!wasHealthy) logger.info({ url: where }, 'collector healthy again: heartbeat resumed');
    wasHealthy = true;
    try {
      const response = await doFetch(settings.url, { method: settings.method, signal: AbortSignal.timeout(timeoutMs) });
      await response.body?.cancel();
      if (response.status >= 200 && response.status < 300) {
        lastSuccess = clock.now();
        return { ok: true, status: response.status };
      }
      logger.warn({ url: where, status: response.status }, 'heartbeat refused');
      return { ok: false, reason: 'rejected', message: `HTTP ${response.status}` };
    } catch (error) {
      const name = (error as Error).name;
      const timedOut = name === 'TimeoutError' || name === 'AbortError';
      const cause = (error as { cause?: { code?: string } }).cause?.code;
      const message = timedOut ? `no answer within ${timeoutMs} ms` : (cause ?? (error as Error).message);
      logger.warn({ url: where, error: message }, 'heartbeat failed');
      return { ok: false, reason: timedOut ? 'timeout' : 'unreachable', message };
    }
  };

  // A chain of timeouts rather than an interval: a slow watcher never gets two calls at once.
  const loop = (): void => {
    inFlight = beat();
    void inFlight.finally(() => {
      inFlight = undefined;
      if (running) timer = setTimeout(loop, settings.interval);
    });
  };

  return {
    start() {
      if (running) return;
      running = true;
      loop();
    },
    async stop() {
      running = false;
      if (timer) clearTimeout(timer);
      timer = undefined;
      await inFlight;
    },
    beat,
    lastSuccessMs: () => lastSuccess,
  };
}
