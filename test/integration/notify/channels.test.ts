import { createHmac, timingSafeEqual } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createNotifier, type LinkwatchNotifier } from '../../../collector/notify/notifier.ts';
import { silentLogger } from '../../../collector/logger.ts';
import { alertSettings, sample, site, link } from '../../unit/notify/fixtures.ts';
import { decodeQuotedPrintable, mailHeader, startHttpReceiver, startSmtpReceiver } from './receivers.ts';

// Each channel against a real receiver on loopback, through the whole notifier.

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function notifierFor(raw: Record<string, unknown>): Promise<{ notifier: LinkwatchNotifier; now: number }> {
  const dir = await mkdtemp(join(tmpdir(), 'linkwatch-notify-'));
  const now = Date.UTC(2026, 10, 27, 7, 30);
  const created = await createNotifier({ settings: alertSettings({ ...raw, outbox: { dir } }), clock: { now: () => now }, logger: silentLogger });
  if (!created.ok) throw new Error(created.message);
  cleanups.push(() => created.notifier.close());
  return { notifier: created.notifier, now };
}

describe('e-mail over SMTP', () => {
  it('delivers subject, text and the notification id headers to a real SMTP server, logging in', async () => {
    const smtp = await startSmtpReceiver({ username: 'linkwatch', password: 'smtp-pass-123' });
    cleanups.push(smtp.stop);
    const { notifier, now } = await notifierFor({
      channels: { mail: { type: 'email', host: '127.0.0.1', port: smtp.port, username: 'linkwatch', password: 'smtp-pass-123', from: 'linkwatch <noc@huyen.gov.vn>', to: ['it@huyen.gov.vn', 'truc@huyen.gov.vn'] } },
      routes: [{ id: 'all', channels: ['mail'] }],
    });
    const notification = sample('link-down', 'firing');
    await notifier.publish(notification);
    await notifier.tick(now);
    expect(smtp.mails).toHaveLength(1);
    const mail = smtp.mails[0]!;
    expect(mail.user).toBe('linkwatch');
    expect(mail.from).toBe('noc@huyen.gov.vn');
    expect(mail.to).toEqual(['it@huyen.gov.vn', 'truc@huyen.gov.vn']);
    expect(mailHeader(mail.raw, 'Subject')).toBe(`🔴 MẤT KẾT NỐI — ${site.name} — ${link.name}`);
    expect(mailHeader(mail.raw, 'X-Linkwatch-Id')).toBe(notification.id);
    expect(mailHeader(mail.raw, 'X-Linkwatch-Alert-Id')).toBe(notification.alertId);
    expect(mailHeader(mail.raw, 'Message-ID')).toMatch(/^<link-down=3Anam-xe-tslcd=3Afiring@huyen\.gov\.vn>$/);
    const body = decodeQuotedPrintable(mail.raw);
    expect(body).toContain('Mã mạch: LCI-TSL-00421');
    expect(body).toContain('Tổng đài hỗ trợ: 1800 1166');
    expect(body).toContain('text/html');
    expect(notifier.stats()).toMatchObject({ pending: 0, sent: 1 });
  });

  it('threads the resolved under the firing', async () => {
    const smtp = await startSmtpReceiver();
    cleanups.push(smtp.stop);
    const { notifier, now } = await notifierFor({
      channels: { mail: { type: 'email', host: '127.0.0.1', port: smtp.port, from: 'noc@huyen.gov.vn', to: ['it@huyen.gov.vn'] } },
      routes: [{ id: 'all', channels: ['mail'] }],
    });
    await notifier.publish(sample('link-down', 'resolved'));
    await notifier.tick(now);
    expect(mailHeader(smtp.mails[0]!.raw, 'References')).toBe('<link-down=3Anam-xe-tslcd=3Afiring@huyen.gov.vn>');
    expect(mailHeader(smtp.mails[0]!.raw, 'Subject')).toContain('✅ ĐÃ KHÔI PHỤC');
  });
});

describe('webhook', () => {
  it('posts the JSON with a signature the receiver can verify over the raw body', async () => {
    const hook = await startHttpReceiver({ status: 204, body: '' });
    cleanups.push(hook.stop);
    const { notifier, now } = await notifierFor({
      channels: { hook: { type: 'webhook', url: `${hook.url}/linkwatch`, secret: 'hmac-key-456', headers: { Authorization: 'Bearer team' } } },
      routes: [{ id: 'all', channels: ['hook'], language: 'en' }],
    });
    const notification = sample('upstream-down', 'firing');
    await notifier.publish(notification);
    await notifier.tick(now);
    expect(hook.requests).toHaveLength(1);
    const request = hook.requests[0]!;
    expect(request.method).toBe('POST');
    expect(request.path).toBe('/linkwatch');
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.headers['x-linkwatch-id']).toBe(notification.id);
    expect(request.headers.authorization).toBe('Bearer team');
    const expected = Buffer.from(`sha256=${createHmac('sha256', 'hmac-key-456').update(request.body).digest('hex')}`);
    const got = Buffer.from(String(request.headers['x-linkwatch-signature']));
    expect(got.length === expected.length && timingSafeEqual(got, expected)).toBe(true);
    const payload = JSON.parse(request.body) as Record<string, unknown>;
    expect(payload).toMatchObject({ id: notification.id, alertId: notification.alertId, event: 'firing', kind: 'upstream-down', severity: 'critical', startedMs: notification.startedMs, language: 'en', route: 'all' });
    expect(payload.affectedSites).toEqual(notification.affectedSites);
    expect(String(payload.title)).toContain('UPSTREAM LINK DOWN');
    expect(String(payload.text)).toContain('UBND xã Tả Van');
  });
});

describe('Zalo and Telegram bot APIs', () => {
  for (const type of ['zalo', 'telegram'] as const) {
    it(`${type}: sendMessage with the token in the path, chat_id and the text`, async () => {
      const api = await startHttpReceiver({ status: 200, body: { ok: true, result: { message_id: 7 } } });
      cleanups.push(api.stop);
      const { notifier, now } = await notifierFor({
        channels: { bot: { type, token: `${type}-token:ABC_123`, chatId: 4242, baseUrl: api.url } },
        routes: [{ id: 'all', channels: ['bot'] }],
      });
      await notifier.publish(sample('site-dark', 'firing'));
      await notifier.tick(now);
      expect(api.requests).toHaveLength(1);
      expect(api.requests[0]!.path).toBe(`/bot${type}-token:ABC_123/sendMessage`);
      const body = JSON.parse(api.requests[0]!.body) as { chat_id: string; text: string };
      expect(body.chat_id).toBe('4242');
      expect(body.text).toContain('MẤT LIÊN LẠC TOÀN ĐIỂM');
      expect(body.text).toContain(site.contact!.phone!);
      expect(notifier.stats().sent).toBe(1);
    });

    it(`${type}: ok:false is a rejection with its description, not retried`, async () => {
      const api = await startHttpReceiver({ status: 400, body: { ok: false, error_code: 400, description: 'Bad Request: chat not found' } });
      cleanups.push(api.stop);
      const { notifier } = await notifierFor({
        channels: { bot: { type, token: 'tok-xyz', chatId: '1', baseUrl: api.url } },
        routes: [{ id: 'all', channels: ['bot'] }],
      });
      const results = await notifier.testRoute('all');
      expect(results).toMatchObject({ ok: true, results: [{ channelId: 'bot', kind: type, result: { ok: false, reason: 'rejected', retryable: false } }] });
      if (results.ok && !results.results[0]!.result.ok) expect(results.results[0]!.result.message).toContain('chat not found');
    });
  }
});
