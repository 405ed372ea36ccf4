import { parseArgs } from 'node:util';
import { formatConfigError } from '../config/errors.ts';
import { loadConfigFile } from '../config/load.ts';
import { configFileFrom, ExitCode, type CliIo } from './io.ts';

export const checkConfigHelp = `Usage: linkwatch check-config [--config FILE]

Validates the inventory and settings without starting anything. Exits 0 when the file is
valid; otherwise lists every problem (file:line:column: path: message) and exits 2.
FILE defaults to $LINKWATCH_CONFIG, then ./linkwatch.yaml.`;

export async function checkConfig(args: string[], io: CliIo): Promise<ExitCode> {
  const { values } = parseArgs({ args, options: { config: { type: 'string', short: 'c' } }, strict: true });
  const file = configFileFrom(values.config, io.env);
  const result = await loadConfigFile(file, { env: io.env });
  if (!result.ok) {
    for (const error of result.errors) io.stderr.write(`${formatConfigError(error, file)}\n`);
    io.stderr.write(`${file}: ${result.errors.length} problem${result.errors.length === 1 ? '' : 's'}\n`);
    return ExitCode.usage;
  }
  const { sites, devices, links } = result.config;
  io.stdout.write(`${file}: valid — ${sites.length} sites, ${devices.length} devices, ${links.length} links\n`);
  return ExitCode.ok;
}
