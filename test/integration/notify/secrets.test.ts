import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { createNotifier } from '../../../collector/notify/notifier.ts';
import { alertSettings, sample } from '../../unit/notify/fixtures.ts';
import { collectingLogger, collectingSink, startHttpReceiver, startSmtpReceiver } from './receivers.ts';

// No log line, `notification` point, send result or stats may carry a channel's secret, even when
// every channel fails and the receivers echo what they were sent.

const TELEGRAM_TOKEN = '987654:TG-secret-token_abc';
const ZALO_TOKEN = 'zalo-secret-token-xyz';
const SMTP_PASSWORD = 'smtp-Secret-Pa55';
const HMAC_SECRET = 'hmac-secret-key-999';
const SECRETS = [TELEGRAM_TOKEN, ZALO_TOKEN, SMTP_PASSWORD, HMAC_SECRET];

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

describe('secrets stay secret', () => {
  it('in logs, points, results and stats while every channel fails', async () => {
    // Bot APIs that quote the request path (and so the token) in their error description.
    const echoing = await startHttpReceiver({ status: 404 });
    cleanups.push(echoing.stop);
    const telegram = await startHttpReceiver({ status: 502, body: { ok: false, error_code: 502, description: `upstream failed for /bot${TELEGRAM_TOKEN}/sendMessage` } });
    cleanups.push(telegram.stop);
    echoing.answer(404, { ok: false, error_code: 404, description: `Not Found: /bot${ZALO_TOKEN}/sendMessage (${encodeURIComponent(ZALO_TOKEN)})` });
    const hook = await startHttpReceiver({ status: 500, body: `bad signature, expected key ${HMAC_SECRET}` });
    cleanups.push(hook.stop);
    const smtp = await startSmtpReceiver({ username: 'linkwatch', password: 'the-right-one' });
    cleanups.push(smtp.stop);

    const dir = await mkdtemp(join(tmpdir(), 'linkwatch-notify-'));
    const logger = collectingLogger();
    const sink = collectingSink();
    const now = Date.UTC(2026, 10, 27, 7, 30);
    const settings = alertSettings({
      channels: {
        tg: { type: 'telegram', token: TELEGRAM_TOKEN, chatId: '1', baseUrl: telegram.url },
        zl: { type: 'zalo', token: ZALO_TOKEN, chatId: '2', baseUrl: echoing.url },
        hook: { type: 'webhook', url: hook.url, secret: HMAC_SECRET },
        mail: { type: 'email', host: '127.0.0.1', port: smtp.port, username: 'linkwatch', password: SMTP_PASSWORD, from: 'noc@huyen.gov.vn', to: ['it@huyen.gov.vn'] },
      },
      routes: [{ id: 'all', channels: ['tg', 'zl', 'hook', 'mail'] }],
      outbox: { dir },
    });
    const created = await createNotifier({ settings, clock: { now: () => now }, logger, sink, backoff: { baseMs: 10, capMs: 10 } });
    if (!created.ok) throw new Error(created.message);
    const notifier = created.notifier;
    cleanups.push(() => notifier.close());

    await notifier.publish(sample('link-down', 'firing'));
    await notifier.tick(now);
    await notifier.tick(now + 1_000);
    const test = await notifier.testRoute('all');

    // Every channel did fail, so there was something to leak.
    expect(telegram.requests.length).toBeGreaterThan(0);
    expect(echoing.requests[0]!.path).toBe(`/bot${ZALO_TOKEN}/sendMessage`);
    expect(test.ok && test.results.map((r) => r.result.ok)).toEqual([false, false, false, false]);
    expect(test.ok && test.results.find((r) => r.channelId === 'mail')!.result).toMatchObject({ reason: 'auth' });
    expect(sink.points.some((p) => p.tags.status === 'retrying')).toBe(true);
    expect(sink.points.some((p) => p.tags.status === 'dropped')).toBe(true);
    expect(logger.lines.join('\n')).toContain('<secret>');

    const everything = [...logger.lines, JSON.stringify(sink.points), JSON.stringify(test), JSON.stringify(notifier.stats()), inspect(settings, { depth: 10 }), JSON.stringify(settings)].join('\n');
    for (const secret of SECRETS) {
      expect(everything).not.toContain(secret);
      expect(everything).not.toContain(encodeURIComponent(secret));
    }
  });
});
