import { pino } from 'pino';

import type { Logger } from '../model/logger.ts';

export type { Logger } from '../model/logger.ts';

/** JSON lines on stderr (pino: structured, fast, and redaction by path as a second guard).
 * Secrets print as <secret> by themselves; the redaction list catches raw strings. */
export const createLogger = (options: { level?: string; destination?: NodeJS.WritableStream; service?: string } = {}): Logger =>
  pino(
    {
      level: options.level ?? 'info',
      base: { service: options.service ?? 'linkwatch-collector' },
      redact: { paths: ['*.community', '*.authKey', '*.privKey', '*.password', 'password', 'community'], censor: '<secret>' },
    },
    (options.destination ?? process.stderr) as pino.DestinationStream,
  );

export const silentLogger: Logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
