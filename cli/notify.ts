import { hostname } from 'node:os';
import { parseArgs } from 'node:util';
import { sendTestMessage } from '../collector/notify/notifier.ts';
import { formatConfigError } from '../config/errors.ts';
import { loadConfigFile } from '../config/load.ts';
import { configFileFrom, ExitCode, UsageError, type CliIo } from './io.ts';

export const notifyHelp = `Usage: linkwatch notify test ROUTE [--config FILE]

Sends a test message through every channel of the route ROUTE (alerts.routes[].id) now,
directly rather than through the outbox, and prints one line per channel: ok, or why it
failed (unreachable, timeout, auth, rejected, …). Exits 0 when every channel took the
message, 1 when any did not, 2 for an unknown route or a bad config file.
FILE defaults to $LINKWATCH_CONFIG, then ./linkwatch.yaml.`;

export async function notifyCommand(args: string[], io: CliIo): Promise<ExitCode> {
  const { values, positionals } = parseArgs({ args, options: { config: { type: 'string', short: 'c' } }, allowPositionals: true, strict: true });
  const [action, routeId, ...extra] = positionals;
  if (action !== 'test') throw new UsageError(action === undefined ? 'missing action: test' : `unknown action "${action}"; expected test`);
  if (routeId === undefined) throw new UsageError('missing ROUTE: the id of a route in alerts.routes');
  if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`);

  const file = configFileFrom(values.config, io.env);
  const loaded = await loadConfigFile(file, { env: io.env });
  if (!loaded.ok) {
    for (const error of loaded.errors) io.stderr.write(`${formatConfigError(error, file)}\n`);
    return ExitCode.usage;
  }
  const settings = loaded.config.alerts;
  const outcome = await sendTestMessage({ settings, routeId, atMs: Date.now(), detail: `linkwatch notify test ${routeId} (${hostname()})` });
  if (!outcome.ok) {
    io.stderr.write(`linkwatch notify: ${outcome.message}\n`);
    return ExitCode.usage;
  }
  const width = Math.max(...outcome.results.map((entry) => `${entry.channelId} (${entry.kind})`.length));
  for (const { channelId, kind, result } of outcome.results) {
    const name = `${channelId} (${kind})`.padEnd(width);
    io.stdout.write(result.ok ? `${name}  ok\n` : `${name}  failed: ${result.reason}${result.retryable ? ' (temporary)' : ''} — ${result.message}\n`);
  }
  return outcome.results.every((entry) => entry.result.ok) ? ExitCode.ok : ExitCode.failed;
}
