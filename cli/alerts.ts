import { ExitCode, type CliIo } from './io.ts';

export const alertsHelp = 'Usage: linkwatch alerts … (being written)';

export async function alertsCommand(_args: string[], io: CliIo): Promise<ExitCode> {
  io.stderr.write('linkwatch alerts: not written yet\n');
  return ExitCode.failed;
}
