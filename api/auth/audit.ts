import type { Logger } from '../../model/logger.ts';
import type { InfluxHttp } from '../../store/influx.ts';
import { toLine } from '../../store/line-protocol.ts';
import { point, retentionOf } from '../../store/schema.ts';

// The audit log: every write through the API and every login attempt, as `api_audit` points in
// the events policy (kept ten years). A write that cannot be recorded is logged, not undone:
// the action has happened and the operator must see its result.

export interface AuditEntry {
  /** The route id, or `login`. */
  action: string;
  outcome: 'ok' | 'refused' | 'failed';
  who: string;
  via: 'session' | 'token' | 'anonymous' | 'login';
  target?: string;
  detail?: string;
  status: number;
  client?: string;
}

export interface AuditLog {
  record(entry: AuditEntry): Promise<void>;
}

export function createAuditLog(options: { influx: InfluxHttp; logger: Logger; clock: () => number }): AuditLog {
  const { influx, logger, clock } = options;
  const policy = retentionOf('api_audit');
  // Two entries with the same action and outcome in one millisecond would be one point.
  let lastMs = 0;
  return {
    async record(entry) {
      const timeMs = Math.max(clock(), lastMs + 1);
      lastMs = timeMs;
      const { action, outcome, ...fields } = entry;
      const line = toLine(point('api_audit', timeMs, { action, outcome }, fields));
      try {
        await influx.write([line!], { policy });
      } catch (error) {
        logger.warn({ action, outcome, who: entry.who, err: error }, `audit: could not record ${action}: ${(error as Error).message}`);
      }
    },
  };
}
