import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { botSendMessage, sendMessageUrl } from '../../../collector/notify/channels/bot-api.ts';
import { messageIdPart } from '../../../collector/notify/channels/email.ts';
import { channelFactories } from '../../../collector/notify/channels/index.ts';
import { redactSecrets } from '../../../config/secret.ts';
import { createWebhookChannel, signature } from '../../../collector/notify/channels/webhook.ts';
import { renderMessage } from '../../../collector/notify/messages.ts';
import { channelKinds } from '../../../config/alerts.ts';
import { Secret } from '../../../config/secret.ts';
import { sample } from './fixtures.ts';

const TOKEN = new Secret('123456:AAH-very_secret/token+x');
const notification = sample('link-down', 'firing');
const outgoing = { notification, message: renderMessage(notification, { language: 'vi', timeZone: 'Asia/Ho_Chi_Minh' }), language: 'vi' as const, routeId: 'r' };

/** A fetch that answers from a table and remembers what it was asked. */
function fakeFetch(answer: (url: string, init: RequestInit) => Response | Promise<Response>) {
  const calls: { url: string; init: RequestInit }[] = [];
  const fn = (async (input: string | URL | Request, init?: RequestInit) => {
    calls.push({ url: String(input), init: init ?? {} });
    return answer(String(input), init ?? {});
  }) as typeof fetch;
  return { fn, calls };
}

describe('channel registry', () => {
  it('has a factory for every channel kind of the schema', () => {
    expect(Object.keys(channelFactories).sort()).toEqual([...channelKinds].sort());
  });
});

describe('webhook signature', () => {
  it('is the HMAC-SHA256 of the exact body, verifiable by a receiver', () => {
    const body = JSON.stringify({ id: 'x', text: 'Mất kết nối — Nậm Xé' });
    const expected = `sha256=${createHmac('sha256', 'k3y').update(Buffer.from(body, 'utf8')).digest('hex')}`;
    expect(signature(body, 'k3y')).toBe(expected);
    expect(signature(`${body} `, 'k3y')).not.toBe(expected);
    expect(signature(body, 'other')).not.toBe(expected);
  });

  it('is sent over the body actually posted, with the id header and configured headers', async () => {
    const { fn, calls } = fakeFetch(() => new Response(null, { status: 204 }));
    const channel = createWebhookChannel({ type: 'webhook', url: 'http://127.0.0.1:1/hook', secret: new Secret('k3y'), headers: { 'X-Team': 'noc' } }, { fetch: fn, timeoutMs: 1000 });
    expect(await channel.send(outgoing)).toEqual({ ok: true });
    const headers = calls[0]!.init.headers as Record<string, string>;
    const body = calls[0]!.init.body as string;
    expect(headers['X-Linkwatch-Signature']).toBe(signature(body, 'k3y'));
    expect(headers['X-Linkwatch-Id']).toBe(notification.id);
    expect(headers['Content-Type']).toBe('application/json');
    expect(headers['X-Team']).toBe('noc');
    const payload = JSON.parse(body) as Record<string, unknown>;
    expect(payload).toMatchObject({ id: notification.id, alertId: notification.alertId, event: 'firing', kind: 'link-down', severity: 'critical', startedMs: notification.startedMs, title: outgoing.message.title, text: outgoing.message.text });
  });

  it('leaves the signature out without a secret', async () => {
    const { fn, calls } = fakeFetch(() => new Response('', { status: 200 }));
    await createWebhookChannel({ type: 'webhook', url: 'http://127.0.0.1:1/hook', headers: {} }, { fetch: fn, timeoutMs: 1000 }).send(outgoing);
    expect((calls[0]!.init.headers as Record<string, string>)['X-Linkwatch-Signature']).toBeUndefined();
  });
});

describe('webhook status classification', () => {
  const cases: [number, boolean, string | undefined, boolean | undefined][] = [
    [200, true, undefined, undefined],
    [202, true, undefined, undefined],
    [400, false, 'rejected', false],
    [401, false, 'auth', false],
    [404, false, 'rejected', false],
    [408, false, 'timeout', true],
    [429, false, 'rate-limited', true],
    [500, false, 'rejected', true],
    [503, false, 'rejected', true],
    [302, false, 'rejected', false],
  ];
  it.each(cases)('HTTP %i → ok %s, %s, retryable %s', async (status, ok, reason, retryable) => {
    const { fn } = fakeFetch(() => new Response(status === 302 ? null : 'nope', { status, headers: status === 302 ? { location: '/x' } : {} }));
    const result = await createWebhookChannel({ type: 'webhook', url: 'http://127.0.0.1:1/hook', headers: {} }, { fetch: fn, timeoutMs: 1000 }).send(outgoing);
    expect(result.ok).toBe(ok);
    if (!result.ok) expect({ reason: result.reason, retryable: result.retryable }).toEqual({ reason, retryable });
  });

  it('turns a network failure and a timeout into retryable results', async () => {
    const refused = fakeFetch(() => Promise.reject(Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 127.0.0.1:1' } })));
    expect(await createWebhookChannel({ type: 'webhook', url: 'http://127.0.0.1:1/', headers: {} }, { fetch: refused.fn, timeoutMs: 1000 }).send(outgoing)).toMatchObject({ ok: false, reason: 'unreachable', retryable: true });
    const hung = fakeFetch((_url, init) => new Promise((_resolve, reject) => init.signal!.addEventListener('abort', () => reject(init.signal!.reason))));
    expect(await createWebhookChannel({ type: 'webhook', url: 'http://127.0.0.1:1/', headers: {} }, { fetch: hung.fn, timeoutMs: 50 }).send(outgoing)).toMatchObject({ ok: false, reason: 'timeout', retryable: true });
  });
});

describe('bot API (Telegram and Zalo)', () => {
  const target = { baseUrl: 'http://127.0.0.1:1/', token: TOKEN, chatId: '-100200', maxLength: 50 };

  it('posts {chat_id, text} to /bot{token}/sendMessage, cutting long text', async () => {
    const { fn, calls } = fakeFetch(() => Response.json({ ok: true, result: { message_id: 1 } }));
    expect(await botSendMessage(target, 'x'.repeat(80), { fetch: fn, timeoutMs: 1000 })).toEqual({ ok: true });
    expect(calls[0]!.url).toBe(`http://127.0.0.1:1/bot${TOKEN.reveal()}/sendMessage`);
    const body = JSON.parse(calls[0]!.init.body as string) as { chat_id: string; text: string };
    expect(body.chat_id).toBe('-100200');
    expect([...body.text]).toHaveLength(50);
    expect(body.text.endsWith('…')).toBe(true);
  });

  const cases: [string, number, unknown, string, boolean][] = [
    ['ok:false with a description', 400, { ok: false, error_code: 400, description: 'Bad Request: chat not found' }, 'rejected', false],
    ['bad token', 401, { ok: false, error_code: 401, description: 'Unauthorized' }, 'auth', false],
    ['flood control', 429, { ok: false, error_code: 429, description: 'Too Many Requests: retry after 5' }, 'rate-limited', true],
    ['server error', 502, { ok: false, error_code: 502, description: 'Bad Gateway' }, 'rejected', true],
    ['ok:false with HTTP 200', 200, { ok: false, error_code: 400, description: 'text too long' }, 'rejected', false],
    ['a proxy error page', 503, '<html>busy</html>', 'malformed', true],
  ];
  it.each(cases)('%s → %s, retryable %s', async (_name, status, answer, reason, retryable) => {
    const { fn } = fakeFetch(() => (typeof answer === 'string' ? new Response(answer, { status }) : Response.json(answer, { status })));
    const result = await botSendMessage(target, 'hi', { fetch: fn, timeoutMs: 1000 });
    expect(result).toMatchObject({ ok: false, reason, retryable });
    if (!result.ok && typeof answer === 'object') expect(result.message).toContain((answer as { description: string }).description);
  });

  it('never puts the token in an error message, even when the receiver echoes the URL', async () => {
    const url = sendMessageUrl(target.baseUrl, TOKEN);
    const echo = fakeFetch(() => Response.json({ ok: false, error_code: 404, description: `Not Found: ${url} and ${encodeURIComponent(TOKEN.reveal())}` }, { status: 404 }));
    const result = await botSendMessage(target, 'hi', { fetch: echo.fn, timeoutMs: 1000 });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.message).not.toContain(TOKEN.reveal());
      expect(result.message).not.toContain(encodeURIComponent(TOKEN.reveal()));
      expect(result.message).toContain('<secret>');
    }
    const thrown = fakeFetch(() => Promise.reject(new TypeError(`Failed to parse URL from ${url}`)));
    const failed = await botSendMessage(target, 'hi', { fetch: thrown.fn, timeoutMs: 1000 });
    expect(JSON.stringify(failed)).not.toContain(TOKEN.reveal());
  });
});

describe('redactSecrets', () => {
  it('removes raw and URL-encoded values and ignores absent secrets', () => {
    const secret = new Secret('p@ss/word');
    expect(redactSecrets('a p@ss/word b p%40ss%2Fword c', [secret, undefined])).toBe('a <secret> b <secret> c');
  });
});

describe('messageIdPart', () => {
  it('is stable, distinct per id and uses only Message-ID-safe characters', () => {
    const a = messageIdPart('link-down:nam-xe:firing');
    expect(a).toBe(messageIdPart('link-down:nam-xe:firing'));
    expect(a).not.toBe(messageIdPart('link-down:nam-xe:resolved'));
    expect(messageIdPart('a:b')).not.toBe(messageIdPart('a_b'));
    expect(messageIdPart('x:Nậm Xé <@>')).toMatch(/^[A-Za-z0-9_=-]+$/);
  });
});
