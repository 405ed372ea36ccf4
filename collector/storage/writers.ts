import { join } from 'node:path';
import type { InfluxSettings } from '../../config/schema.ts';
import type { PointSink } from '../collector.ts';
import type { Logger } from '../logger.ts';
import { retentionOf, writtenPolicies, type Point, type WrittenPolicy } from '../../store/schema.ts';
import { openSpool, type Spool } from './spool.ts';
import { createInfluxWriter, type InfluxWriter, type WriterStats } from './writer.ts';

/** One writer and one spool per retention policy written to, behind a single sink: InfluxDB
 * takes the retention policy per request, not per line. */
export interface PolicyWriters extends PointSink {
  stats(): Record<WrittenPolicy, WriterStats>;
  flush(): Promise<void>;
  /** Flushes (or spools) everything, then closes writers and spools. */
  close(): Promise<void>;
}

export interface PolicyWritersOptions {
  settings: InfluxSettings;
  /** Each policy spools under its own sub-folder, e.g. `.data/spool/raw`. */
  spoolDir: string;
  /** The cap for all spools together, split by expected volume. */
  spoolMaxBytes: number;
  logger: Logger;
}

/** Events and facts are a trickle next to raw series: a small share of the cap keeps years of them. */
const SPOOL_SHARE: Record<WrittenPolicy, number> = { raw: 0.9, events: 0.1 };

export async function openPolicyWriters(options: PolicyWritersOptions): Promise<PolicyWriters> {
  const spools = {} as Record<WrittenPolicy, Spool>;
  const writers = {} as Record<WrittenPolicy, InfluxWriter>;
  for (const policy of writtenPolicies) {
    const logger = withContext(options.logger, { policy });
    spools[policy] = await openSpool({ dir: join(options.spoolDir, policy), maxBytes: Math.floor(options.spoolMaxBytes * SPOOL_SHARE[policy]), logger });
    writers[policy] = createInfluxWriter({ settings: options.settings, spool: spools[policy], logger, retentionPolicy: policy });
  }
  const each = <T>(fn: (policy: WrittenPolicy) => T) => writtenPolicies.map(fn);
  return {
    write(points: Point[]) {
      const byPolicy = new Map<WrittenPolicy, Point[]>();
      for (const point of points) {
        const policy = retentionOf(point.measurement);
        const list = byPolicy.get(policy);
        if (list) list.push(point);
        else byPolicy.set(policy, [point]);
      }
      for (const [policy, list] of byPolicy) writers[policy].write(list);
    },
    stats: () => Object.fromEntries(each((policy) => [policy, writers[policy].stats()])) as Record<WrittenPolicy, WriterStats>,
    flush: async () => {
      await Promise.all(each((policy) => writers[policy].flush()));
    },
    close: async () => {
      await Promise.all(each((policy) => writers[policy].close()));
      await Promise.all(each((policy) => spools[policy].close()));
    },
  };
}

function withContext(logger: Logger, context: object) {
  return {
    debug: (object: object, message?: string) => logger.debug({ ...context, ...object }, message),
    info: (object: object, message: string) => logger.info({ ...context, ...object }, message),
    warn: (object: object, message: string) => logger.warn({ ...context, ...object }, message),
    error: (object: object, message: string) => logger.error({ ...context, ...object }, message),
  };
}
