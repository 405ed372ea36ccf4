import { afterEach, describe, expect, it } from 'vitest';
import { createHeartbeat } from '../../../collector/notify/heartbeat.ts';
import { collectingLogger, startHttpReceiver } from './receivers.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('heartbeat', () => {
  it('calls the URL every interval while healthy and stops calling while unhealthy', async () => {
    const watcher = await startHttpReceiver({ status: 200, body: 'OK' });
    cleanups.push(watcher.stop);
    let healthy = true;
    const logger = collectingLogger();
    const heartbeat = createHeartbeat({ settings: { url: `${watcher.url}/ping/abcdef0123456789abcdef`, interval: 50, method: 'POST' }, clock: { now: () => Date.now() }, logger, healthy: () => healthy });
    cleanups.push(() => heartbeat.stop());
    heartbeat.start();
    await sleep(280);
    const whileHealthy = watcher.requests.length;
    expect(whileHealthy).toBeGreaterThanOrEqual(3);
    expect(watcher.requests[0]).toMatchObject({ method: 'POST', path: '/ping/abcdef0123456789abcdef' });
    expect(heartbeat.lastSuccessMs()).toBeDefined();
    healthy = false;
    await sleep(80);
    const atUnhealthy = watcher.requests.length;
    await sleep(250);
    expect(watcher.requests.length).toBe(atUnhealthy);
    expect(logger.lines.filter((line) => line.includes('heartbeat withheld'))).toHaveLength(1);
    healthy = true;
    await sleep(150);
    expect(watcher.requests.length).toBeGreaterThan(atUnhealthy);
    await heartbeat.stop();
    const stopped = watcher.requests.length;
    await sleep(120);
    expect(watcher.requests.length).toBe(stopped);
  });

  it('logs a failed call without throwing and without the ping key', async () => {
    const watcher = await startHttpReceiver({ status: 200 });
    await watcher.stop();
    const logger = collectingLogger();
    const heartbeat = createHeartbeat({ settings: { url: `${watcher.url}/ping/0123456789abcdef0123`, interval: 60_000, method: 'GET' }, clock: { now: () => Date.now() }, logger, healthy: () => true });
    expect(await heartbeat.beat()).toMatchObject({ ok: false, reason: 'unreachable' });
    const refusing = await startHttpReceiver({ status: 503, body: 'down' });
    cleanups.push(refusing.stop);
    const other = createHeartbeat({ settings: { url: refusing.url, interval: 60_000, method: 'GET' }, clock: { now: () => Date.now() }, logger, healthy: () => true });
    expect(await other.beat()).toEqual({ ok: false, reason: 'rejected', message: 'HTTP 503' });
    expect(logger.lines.some((line) => line.includes('heartbeat failed'))).toBe(true);
    expect(logger.lines.join('\n')).not.toContain('0123456789abcdef0123');
  });
});
