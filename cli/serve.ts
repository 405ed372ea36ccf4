import { parseArgs } from 'node:util';
import { apiCommand } from './api.ts';
import { collectorCommand } from './collector.ts';
import { ExitCode, UsageError, type CliIo } from './io.ts';

export const serveHelp = `Usage: linkwatch serve [--config FILE] [--listen HOST:PORT] [--log-level LEVEL]

Runs the collector and the HTTP API with the dashboard in one process: the simplest deployment
for a district. They share nothing but the config and the database, exactly as when they run
apart (\`linkwatch collector\` and \`linkwatch api\`, in two processes or on two machines), so a
district that grows splits them without changing anything else. --listen overrides api.listen.
Runs until SIGTERM or SIGINT, which stop both; SIGHUP reloads the collector's config. If either
cannot start, the other is stopped too.

Exit codes: 0 stopped cleanly; 1 either could not start or run; 2 invalid config or arguments.`;

const worst = (a: ExitCode, b: ExitCode): ExitCode => (Math.max(a, b) as ExitCode);

export async function serveCommand(args: string[], io: CliIo): Promise<ExitCode> {
  const { values } = parseArgs({ args, options: { config: { type: 'string', short: 'c' }, listen: { type: 'string' }, 'log-level': { type: 'string' } }, strict: true });
  const shared = [...(values.config !== undefined ? ['--config', values.config] : []), ...(values['log-level'] !== undefined ? ['--log-level', values['log-level']] : [])];
  if (values.listen !== undefined && values.listen.trim() === '') throw new UsageError('--listen must be HOST:PORT');
  let signalled = false;
  process.once('SIGTERM', () => (signalled = true));
  process.once('SIGINT', () => (signalled = true));
  let remaining = 2;
  let nudge: NodeJS.Timeout | undefined;
  const ended = (code: ExitCode) => {
    remaining -= 1;
    // One side ended without a signal (it could not start): stop the other the way a signal
    // would, again until it ends, as it may still be starting and not yet listening for one.
    if (remaining === 1 && !signalled) {
      process.emit('SIGTERM');
      nudge = setInterval(() => process.emit('SIGTERM'), 500);
    }
    if (remaining === 0) clearInterval(nudge);
    return code;
  };
  const [collector, api] = await Promise.all([collectorCommand(shared, io).then(ended), apiCommand([...shared, ...(values.listen !== undefined ? ['--listen', values.listen] : [])], io).then(ended)]);
  return worst(collector, api);
}
