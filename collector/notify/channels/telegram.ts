import { botSendMessage } from './bot-api.ts';
import type { ChannelFactory } from './types.ts';

/** Telegram's limit for one message. */
const TELEGRAM_MAX_LENGTH = 4096;

export const createTelegramChannel: ChannelFactory<'telegram'> = (settings, deps) => ({
  kind: 'telegram',
  send: (outgoing) => botSendMessage({ ...settings, maxLength: TELEGRAM_MAX_LENGTH }, outgoing.message.text, deps),
  close: async () => undefined,
});
