import { redactSecrets } from '../../../config/secret.ts';
import { createSmtpTransport } from '../../../mail/smtp.ts';
import { failure, type ChannelFactory, type SendResult } from './types.ts';

/** A Message-ID local part from an id: only characters safe in `dot-atom-text`, reversible
 * (`=XX` hex escapes), so the same notification always gets the same Message-ID. */
export const messageIdPart = (id: string): string =>
  [...Buffer.from(id, 'utf8')].map((byte) => (/[A-Za-z0-9_-]/.test(String.fromCharCode(byte)) ? String.fromCharCode(byte) : `=${byte.toString(16).toUpperCase().padStart(2, '0')}`)).join('');

const domainOf = (address: string): string => /@([^>\s]+)>?\s*$/.exec(address)?.[1] ?? 'linkwatch.invalid';

/** nodemailer's error codes, sorted into what a retry can fix. */
function classify(error: unknown, clean: (text: string) => string): SendResult {
  const { code, responseCode, message } = error as { code?: string; responseCode?: number; message?: string };
  const text = clean(message ?? String(error));
  switch (code) {
    case 'EAUTH':
    case 'ENOAUTH':
      return failure('auth', false, text);
    case 'ETIMEDOUT':
      return failure('timeout', true, text);
    case 'ECONNECTION':
    case 'ESOCKET':
    case 'EDNS':
    case 'ETLS':
    case 'EPROXY':
      return failure('unreachable', true, text);
    case 'ECONFIG':
    case 'EREQUIRETLS':
      return failure('rejected', false, text);
    default:
      // SMTP says it itself: 4xx is "try later" (greylisting, a full queue), 5xx is "never".
      if (typeof responseCode === 'number') return failure('rejected', responseCode < 500, text);
      return failure('error', true, text);
  }
}

export const createEmailChannel: ChannelFactory<'email'> = (settings, deps) => {
  const transport = createSmtpTransport(settings, { timeoutMs: deps.timeoutMs });
  const clean = (text: string) => redactSecrets(text, [settings.password]);
  const domain = domainOf(settings.from);
  return {
    kind: 'email',
    async send(outgoing): Promise<SendResult> {
      const { notification, message } = outgoing;
      try {
        await transport.sendMail({
          from: settings.from,
          to: settings.to,
          subject: message.title,
          text: message.text,
          html: message.html,
          // Stable per notification: a re-send after a crash carries the same Message-ID, and every
          // message about one alert threads under the first.
          messageId: `<${messageIdPart(notification.id)}@${domain}>`,
          references: notification.event === 'firing' ? undefined : `<${messageIdPart(`${notification.alertId}:firing`)}@${domain}>`,
          headers: { 'X-Linkwatch-Id': notification.id, 'X-Linkwatch-Alert-Id': notification.alertId },
        });
        return { ok: true };
      } catch (error) {
        return classify(error, clean);
      }
    },
    close: async () => {
      transport.close();
    },
  };
};
