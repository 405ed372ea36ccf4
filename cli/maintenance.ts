import { ExitCode, type CliIo } from './io.ts';

export const maintenanceHelp = 'Usage: linkwatch maintenance … (being written)';

export async function maintenanceCommand(_args: string[], io: CliIo): Promise<ExitCode> {
  io.stderr.write('linkwatch maintenance: not written yet\n');
  return ExitCode.failed;
}
