import { createHmac } from 'node:crypto';
import type { Notification } from '../../../model/alerts.ts';
import { excerpt, post } from './http.ts';
import { Secret } from '../../../config/secret.ts';
import { redactSecrets } from '../../../config/secret.ts';
import { failure, type ChannelFactory, type OutgoingMessage } from './types.ts';

/** `sha256=<hex HMAC-SHA256 of the exact body bytes>`, as in `X-Linkwatch-Signature`. Receivers
 * compute the same over the raw body they received (before parsing it) and compare. */
export const signature = (body: string, key: string): string => `sha256=${createHmac('sha256', key).update(body, 'utf8').digest('hex')}`;

/** The JSON a webhook receives: the notification's fields plus its rendered text. */
export interface WebhookPayload extends Notification {
  language: string;
  route: string;
  title: string;
  text: string;
}

export const webhookPayload = (outgoing: OutgoingMessage): WebhookPayload => ({
  ...outgoing.notification,
  language: outgoing.language,
  route: outgoing.routeId,
  title: outgoing.message.title,
  text: outgoing.message.text,
});

/** 2xx: taken. 408 and 429 (the receiver is busy) and 5xx: try again later. Any other 4xx: the
 * receiver refuses this message and will refuse it again. */
export const createWebhookChannel: ChannelFactory<'webhook'> = (settings, deps) => {
  // Configured headers often carry credentials (Authorization: Bearer …) and receivers may echo
  // them, or the signing key, in an error body: none of it may reach a log.
  const secrets = [settings.secret, ...Object.values(settings.headers).filter((value) => value.length >= 8).map((value) => new Secret(value))];
  return {
    kind: 'webhook',
    async send(outgoing) {
      const body = JSON.stringify(webhookPayload(outgoing));
      const headers: Record<string, string> = {
        ...settings.headers,
        'Content-Type': 'application/json',
        'X-Linkwatch-Id': outgoing.notification.id,
      };
      if (settings.secret) headers['X-Linkwatch-Signature'] = signature(body, settings.secret.reveal());
      const response = await post({ fetch: deps.fetch, url: settings.url, body, headers, timeoutMs: deps.timeoutMs, secrets });
      if (!response.ok) return response;
      const { status } = response;
      if (status >= 200 && status < 300) return { ok: true };
      const message = `HTTP ${status}${response.body ? `: ${excerpt(redactSecrets(response.body, secrets))}` : ''}`;
      if (status === 408 || status === 429) return failure(status === 429 ? 'rate-limited' : 'timeout', true, message);
      if (status >= 500) return failure('rejected', true, message);
      if (status === 401 || status === 403) return failure('auth', false, message);
      return failure('rejected', false, status >= 300 && status < 400 ? `${message} (redirects are not followed)` : message);
    },
    close: async () => undefined,
  };
};
