import { ExitCode, type CliIo } from './io.ts';

export const notifyHelp = 'Usage: linkwatch notify … (being written)';

export async function notifyCommand(_args: string[], io: CliIo): Promise<ExitCode> {
  io.stderr.write('linkwatch notify: not written yet\n');
  return ExitCode.failed;
}
