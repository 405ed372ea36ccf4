import { botSendMessage } from './bot-api.ts';
import type { ChannelFactory } from './types.ts';

/** Zalo Bot Platform's sendMessage takes up to 2000 characters. */
const ZALO_MAX_LENGTH = 2000;

/** Zalo is what district staff read first; its Bot Platform speaks the Telegram-like protocol. */
export const createZaloChannel: ChannelFactory<'zalo'> = (settings, deps) => ({
  kind: 'zalo',
  send: (outgoing) => botSendMessage({ ...settings, maxLength: ZALO_MAX_LENGTH }, outgoing.message.text, deps),
  close: async () => undefined,
});
