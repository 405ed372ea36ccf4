import { createTransport, type Transporter } from 'nodemailer';
import type { ChannelSettingsOf } from '../config/alerts.ts';

// nodemailer: the maintained standard for SMTP from Node; it handles STARTTLS, AUTH, UTF-8
// headers (Vietnamese subjects), MIME and attachments, none of which is worth writing again.
// One place makes the transport an e-mail channel's settings describe, for the alert channel and
// the monthly report alike, so both speak to the server the same way and both give up in time.

export interface SmtpTransportOptions {
  /** How long to wait for the connection, the greeting and each reply before giving up. */
  timeoutMs: number;
}

/** The SMTP transport of an e-mail channel: implicit TLS on port 465 unless `secure` says
 * otherwise, STARTTLS when the server offers it, AUTH when a username is set. */
export function createSmtpTransport(settings: ChannelSettingsOf<'email'>, options: SmtpTransportOptions): Transporter {
  return createTransport({
    host: settings.host,
    port: settings.port,
    secure: settings.secure ?? settings.port === 465,
    ...(settings.username !== undefined ? { auth: { user: settings.username, pass: settings.password?.reveal() ?? '' } } : {}),
    connectionTimeout: options.timeoutMs,
    greetingTimeout: options.timeoutMs,
    socketTimeout: options.timeoutMs,
  });
}
