import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import type { TruthRecord } from './faults.ts';

/**
 * The ground-truth log: one JSON object per line for every fault the simulator applied (or could
 * not apply), written when the fault starts and again, completed with its end, when it ends.
 * Readers keep the last line per id. Appended synchronously: a few lines a minute, and a test
 * that reads the file right after a fault must find it there.
 */
export interface TruthLog {
  record(entry: TruthRecord): void;
}

export function createTruthLog(file: string | undefined): TruthLog {
  if (file === undefined) return { record: () => undefined };
  writeFileSync(file, '');
  return { record: (entry) => appendFileSync(file, `${JSON.stringify(entry)}\n`) };
}

/** The log as final records: the last line written for each fault id, in start order. */
export function readTruth(file: string): TruthRecord[] {
  const byId = new Map<string, TruthRecord>();
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    const entry = JSON.parse(line) as TruthRecord;
    byId.set(entry.id, entry);
  }
  return [...byId.values()].sort((a, b) => a.startMs - b.startMs || a.id.localeCompare(b.id));
}
