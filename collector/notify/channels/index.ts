import type { ChannelKind, ChannelSettings, ChannelSettingsOf } from '../../../config/alerts.ts';
import { createEmailChannel } from './email.ts';
import { createTelegramChannel } from './telegram.ts';
import type { Channel, ChannelDeps, ChannelFactory } from './types.ts';
import { createWebhookChannel } from './webhook.ts';
import { createZaloChannel } from './zalo.ts';

export type { Channel, ChannelDeps, OutgoingMessage, SendFailure, SendFailureReason, SendResult } from './types.ts';

/** One factory per channel kind of the config schema: a new kind fails to compile until it has one. */
export const channelFactories: { readonly [K in ChannelKind]: ChannelFactory<K> } = {
  email: createEmailChannel,
  webhook: createWebhookChannel,
  zalo: createZaloChannel,
  telegram: createTelegramChannel,
};

export const createChannel = (settings: ChannelSettings, deps: ChannelDeps): Channel =>
  (channelFactories[settings.type] as ChannelFactory<typeof settings.type>)(settings as ChannelSettingsOf<typeof settings.type>, deps);

/** Deadline for one send: a hung receiver must not hold the queue. */
export const SEND_TIMEOUT_MS = 10_000;
