import type { ChannelKind, ChannelSettingsOf, Language } from '../../../config/alerts.ts';
import type { Notification } from '../../../model/alerts.ts';
import type { RenderedMessage } from '../messages.ts';

/** Why a channel did not take a message. `rate-limited` and server errors are worth retrying;
 * `auth` and `rejected` (the receiver refused this message) usually are not. */
export type SendFailureReason = 'unreachable' | 'timeout' | 'rejected' | 'auth' | 'rate-limited' | 'malformed' | 'error';

export interface SendFailure {
  ok: false;
  reason: SendFailureReason;
  retryable: boolean;
  message: string;
}
export type SendResult = { ok: true } | SendFailure;

/** One message for one channel: the notification (for structured receivers) and its text. */
export interface OutgoingMessage {
  notification: Notification;
  message: RenderedMessage;
  language: Language;
  routeId: string;
}

/** A configured destination. `send` never throws and its messages never carry a secret. */
export interface Channel {
  readonly kind: ChannelKind;
  send(outgoing: OutgoingMessage): Promise<SendResult>;
  close(): Promise<void>;
}

export interface ChannelDeps {
  fetch: typeof fetch;
  /** Deadline for one send. */
  timeoutMs: number;
}

export type ChannelFactory<K extends ChannelKind> = (settings: ChannelSettingsOf<K>, deps: ChannelDeps) => Channel;

export const failure = (reason: SendFailureReason, retryable: boolean, message: string): SendFailure => ({ ok: false, reason, retryable, message });
