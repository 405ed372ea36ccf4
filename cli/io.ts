import { randomBytes } from 'node:crypto';
import { rename, rm, writeFile } from 'node:fs/promises';
/** What a command may touch of the outside world; tests pass their own. */
export interface CliIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  env: Readonly<Record<string, string | undefined>>;
  /** For commands that read a secret (`users hash`); absent: nothing to read. */
  stdin?: NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?(raw: boolean): unknown };
}

/** Exit codes shared by every command: 0 success, 1 the target gave no usable answer (or the
 * config is unusable at run time), 2 the command line or the config file is wrong. */
export const ExitCode = { ok: 0, failed: 1, usage: 2 } as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export class UsageError extends Error {}

export const DEFAULT_CONFIG_FILE = 'linkwatch.yaml';

export const configFileFrom = (flag: string | undefined, env: CliIo['env']): string =>
  flag ?? env.LINKWATCH_CONFIG ?? DEFAULT_CONFIG_FILE;

/**
 * What a command given `--json` prints on stdout when it fails, whatever the failure:
 * `{...fields, "error": {"reason", "message", ...details}}`, so a script reads one JSON document
 * in every case and tells failures by the `error` key; the exit code is unchanged. `reason` is a
 * probe's failure reason (`timeout`, `auth`, …), why InfluxDB could not be used (`unreachable`,
 * `database-missing`, …), `config` (the config file) or `usage` (the command line).
 */
export interface JsonError {
  reason: string;
  message: string;
  [detail: string]: unknown;
}

export function writeJsonError(io: CliIo, error: JsonError, fields: Readonly<Record<string, unknown>> = {}): void {
  io.stdout.write(`${JSON.stringify({ ...fields, error })}\n`);
}

/** Whether a command line asks for JSON; read where the command's own parsing has not run (or failed). */
export const asksForJson = (args: readonly string[]): boolean => args.includes('--json');

/** Writes the whole file or nothing (a temporary file renamed over it): a report or an inventory
 * half-written over an old one would be worse than none. */
export async function writeWholeFile(path: string, data: string | Buffer): Promise<void> {
  const partial = `${path}.${randomBytes(4).toString('hex')}.part`;
  try {
    await writeFile(partial, data);
    await rename(partial, path);
  } catch (error) {
    await rm(partial, { force: true });
    throw error;
  }
}
