/** What a command may touch of the outside world; tests pass their own. */
export interface CliIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  env: Readonly<Record<string, string | undefined>>;
}

/** Exit codes shared by every command: 0 success, 1 the target gave no usable answer (or the
 * config is unusable at run time), 2 the command line or the config file is wrong. */
export const ExitCode = { ok: 0, failed: 1, usage: 2 } as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export class UsageError extends Error {}

export const DEFAULT_CONFIG_FILE = 'linkwatch.yaml';

export const configFileFrom = (flag: string | undefined, env: CliIo['env']): string =>
  flag ?? env.LINKWATCH_CONFIG ?? DEFAULT_CONFIG_FILE;
