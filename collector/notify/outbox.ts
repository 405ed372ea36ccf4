import { createHash } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { Language } from '../../config/alerts.ts';
import type { Notification } from '../../model/alerts.ts';
import type { Logger } from '../logger.ts';

// The durable outbox: one small JSON file per delivery (notification × route × channel), written
// before publish() resolves and removed when the channel takes the message. Files are written to a
// temporary name, fsynced and renamed, so a crash leaves either the old file, the new one or a
// stray temporary (deleted at open) — never half a message.

export interface Delivery {
  /** `${notification.id}|${routeId}|${channelId}`: the same message to the same channel is one
   * delivery, so publishing a notification twice does not send it twice. */
  key: string;
  notification: Notification;
  routeId: string;
  channelId: string;
  language: Language;
  /** When it was put in the outbox. */
  createdMs: number;
  /** Not sent before this: the end of quiet hours, or createdMs. Age counts from here. */
  readyMs: number;
  /** Failed tries so far. */
  attempts: number;
  /** When to try again after a failure (meaningful once attempts > 0). */
  nextAttemptMs: number;
  /** The last failure, secrets removed. */
  lastError?: string;
  /** Order among deliveries created in the same millisecond: messages leave in the order made. */
  seq: number;
}

export const deliveryKey = (notificationId: string, routeId: string, channelId: string): string => `${notificationId}|${routeId}|${channelId}`;

const DELIVERY_PREFIX = 'd-';
const TEMP_SUFFIX = '.tmp';

/** A file name for a key: readable start, hash for uniqueness and bounded length. */
const fileNameOf = (key: string): string =>
  `${DELIVERY_PREFIX}${key.replace(/[^A-Za-z0-9_-]+/g, '_').slice(0, 80)}-${createHash('sha256').update(key).digest('hex').slice(0, 16)}.json`;

export interface AtomicWriter {
  /** Writes `text` to `dir/name` so that a crash leaves the old content or the new, whole. */
  write(name: string, text: string): Promise<void>;
  remove(name: string): Promise<void>;
}

/** Temp file + fsync + rename + fsync of the directory (so the rename itself survives a power cut). */
export function createAtomicWriter(dir: string): AtomicWriter {
  let counter = 0;
  return {
    async write(name, text) {
      const temp = join(dir, `.${name}.${process.pid}.${++counter}${TEMP_SUFFIX}`);
      const handle = await open(temp, 'w', 0o600);
      try {
        await handle.writeFile(text, 'utf8');
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temp, join(dir, name));
      await syncDir(dir);
    },
    async remove(name) {
      try {
        await unlink(join(dir, name));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
    },
  };
}

async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } catch {
    // Some filesystems (and Windows) refuse fsync on a directory; the file itself is synced.
  } finally {
    await handle.close();
  }
}

export interface Outbox {
  readonly dir: string;
  /** Stores deliveries (replacing any with the same key); resolves once they are on disk. A disk
   * that refuses the write is logged and the delivery kept in memory: a full disk must not
   * silence alerts. */
  put(deliveries: readonly Delivery[]): Promise<void>;
  remove(key: string): Promise<void>;
  get(key: string): Delivery | undefined;
  /** Every delivery waiting, in the order they were made. */
  list(): Delivery[];
  size(): number;
  /** Reads and writes a small JSON state file next to the deliveries (the open-alert table). */
  readState(name: string): Promise<unknown>;
  writeState(name: string, value: unknown): Promise<void>;
}

export type OpenOutboxResult = { ok: true; outbox: Outbox; resumed: number } | { ok: false; reason: 'unusable'; message: string };

export const byAge = (a: Delivery, b: Delivery): number => a.createdMs - b.createdMs || a.seq - b.seq;

/** Opens (creating it when needed) an outbox directory and reads the deliveries a previous run
 * left, so they are sent after a crash or restart. */
export async function openOutbox(options: { dir: string; logger: Logger }): Promise<OpenOutboxResult> {
  const { dir, logger } = options;
  let names: string[];
  try {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    names = await readdir(dir);
  } catch (error) {
    return { ok: false, reason: 'unusable', message: `outbox directory ${dir}: ${(error as Error).message}` };
  }
  const writer = createAtomicWriter(dir);
  const deliveries = new Map<string, Delivery>();
  for (const name of names) {
    if (name.endsWith(TEMP_SUFFIX)) {
      // A write interrupted by a crash: its rename never happened, so the message is either in
      // the previous version of the file or was never acknowledged to the engine.
      await writer.remove(name).catch(() => undefined);
      continue;
    }
    if (!name.startsWith(DELIVERY_PREFIX) || !name.endsWith('.json')) continue;
    try {
      const delivery = JSON.parse(await readFile(join(dir, name), 'utf8')) as Delivery;
      if (typeof delivery.key !== 'string' || typeof delivery.notification?.id !== 'string') throw new Error('not a delivery');
      deliveries.set(delivery.key, delivery);
    } catch (error) {
      logger.error({ file: join(dir, name), err: (error as Error).message }, 'unreadable outbox file set aside as .corrupt');
      await rename(join(dir, name), join(dir, `${name}.corrupt`)).catch(() => undefined);
    }
  }

  const outbox: Outbox = {
    dir,
    async put(items) {
      for (const delivery of items) deliveries.set(delivery.key, delivery);
      const results = await Promise.allSettled(items.map((delivery) => writer.write(fileNameOf(delivery.key), JSON.stringify(delivery))));
      results.forEach((result, i) => {
        if (result.status === 'rejected') {
          logger.error({ dir, notificationId: items[i]!.notification.id, channel: items[i]!.channelId, err: (result.reason as Error).message }, 'outbox write failed: the message is kept in memory only and lost if the collector stops');
        }
      });
    },
    async remove(key) {
      deliveries.delete(key);
      try {
        await writer.remove(fileNameOf(key));
      } catch (error) {
        logger.error({ dir, key, err: (error as Error).message }, 'could not remove a delivered message from the outbox: it may be sent again after a restart');
      }
    },
    get: (key) => deliveries.get(key),
    list: () => [...deliveries.values()].sort(byAge),
    size: () => deliveries.size,
    async readState(name) {
      try {
        return JSON.parse(await readFile(join(dir, name), 'utf8')) as unknown;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') logger.error({ file: join(dir, name), err: (error as Error).message }, 'unreadable notifier state file ignored');
        return undefined;
      }
    },
    writeState: (name, value) => writer.write(name, JSON.stringify(value)),
  };
  return { ok: true, outbox, resumed: deliveries.size };
}
