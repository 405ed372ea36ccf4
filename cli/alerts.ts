import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import { ALERT_ID_PATTERN, createControlStore, type AlertRecord, type ControlStore } from '../store/control.ts';
import { StoreError } from '../store/influx.ts';
import { parseDuration } from '../config/duration.ts';
import { formatConfigError, suggest } from '../config/errors.ts';
import { loadConfigFile } from '../config/load.ts';
import type { Config } from '../config/schema.ts';
import { formatLocal } from '../config/time.ts';
import { configFileFrom, ExitCode, UsageError, writeJsonError, type CliIo } from './io.ts';

export const alertsHelp = `Usage:
  linkwatch alerts list [--all] [--since DURATION] [--json] [--config FILE]
  linkwatch alerts ack ID [--comment TEXT] [--by NAME] [--config FILE]

list  open alerts, most severe first: id, severity, kind, site, since when (local time in
      alerts.timezone) and who acknowledged it. --all adds the alerts resolved within --since
      (default 24h; --since implies --all); --json prints them as a JSON array, and a failure
      as {"error": {"reason", "message"}} (reason config, usage, or why InfluxDB is unusable).
ack   acknowledges an alert: repeats and escalation stop. --by defaults to the user running the
      command. The collector's alert engine picks it up within seconds.

Alerts are read from, and acknowledgements written to, the InfluxDB of the config's influx
section. FILE defaults to $LINKWATCH_CONFIG, then ./linkwatch.yaml.

Exit codes: 0 done; 1 InfluxDB unusable or no such alert; 2 bad arguments or config.`;

// ---------------------------------------------------------------------------------------------
// Shared with `linkwatch maintenance`
// ---------------------------------------------------------------------------------------------

export interface ControlContext {
  config: Config;
  file: string;
  store: ControlStore;
}

/** How a command reports: `json` for a command given --json (its failures are JSON too). */
export interface OutputOptions {
  json?: boolean;
}

/** Loads the config and opens the control store; prints the config's problems and returns
 * the exit code when it cannot be used. */
export async function openControl(configFlag: string | undefined, io: CliIo, output: OutputOptions = {}): Promise<ControlContext | ExitCode> {
  const file = configFileFrom(configFlag, io.env);
  const loaded = await loadConfigFile(file, { env: io.env });
  if (!loaded.ok) {
    const problems = loaded.errors.map((error) => formatConfigError(error, file));
    if (output.json) {
      const message = problems.length === 1 ? problems[0]! : `${file} has ${problems.length} problems`;
      writeJsonError(io, { reason: 'config', message, problems });
    } else {
      for (const problem of problems) io.stderr.write(`${problem}\n`);
    }
    return ExitCode.usage;
  }
  const store = createControlStore({ settings: loaded.config.influx, timeZone: loaded.config.alerts.timezone });
  return { config: loaded.config, file, store };
}

/** Runs a command body; an unusable database is exit 1 with its message (URL, what to do). */
export async function withStore(command: string, io: CliIo, body: () => Promise<ExitCode>, output: OutputOptions = {}): Promise<ExitCode> {
  try {
    return await body();
  } catch (error) {
    if (!(error instanceof StoreError)) throw error;
    if (output.json) writeJsonError(io, { reason: error.reason, message: error.message });
    else io.stderr.write(`linkwatch ${command}: ${error.message}\n`);
    return ExitCode.failed;
  }
}

/** Who runs the command: $USER (or LOGNAME), else the OS account. */
export function currentUser(env: CliIo['env']): string {
  const fromEnv = env.USER ?? env.LOGNAME ?? env.USERNAME;
  if (fromEnv) return fromEnv;
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}

/** Left-aligned columns; the last one is not padded. */
export function table(header: readonly string[], body: readonly (readonly string[])[]): string {
  const widths = header.map((title, i) => Math.max(title.length, ...body.map((row) => (row[i] ?? '').length)));
  const line = (row: readonly string[]) =>
    row
      .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(header), ...body.map(line)].join('\n');
}

export const siteName = (config: Config, id: string | undefined): string => (id === undefined ? '-' : (config.sites.find((site) => site.id === id)?.name ?? id));

// ---------------------------------------------------------------------------------------------
// alerts
// ---------------------------------------------------------------------------------------------

export async function alertsCommand(args: string[], io: CliIo): Promise<ExitCode> {
  const [action, ...rest] = args;
  if (action === 'list') return listCommand(rest, io);
  if (action === 'ack') return ackCommand(rest, io);
  throw new UsageError(action === undefined || action.startsWith('-') ? 'say what to do: list or ack' : `unknown action "${action}"; expected list or ack${suggest(action, ['list', 'ack'])}`);
}

const SEVERITY_ORDER: Record<string, number> = { critical: 0, warning: 1, info: 2 };

/** Open before resolved, then most severe, then newest. */
export const alertOrder = (a: AlertRecord, b: AlertRecord): number =>
  Number(b.open) - Number(a.open) || (SEVERITY_ORDER[a.severity] ?? 3) - (SEVERITY_ORDER[b.severity] ?? 3) || b.startedMs - a.startedMs;

async function listCommand(args: string[], io: CliIo): Promise<ExitCode> {
  const { values } = parseArgs({
    args,
    options: { all: { type: 'boolean', default: false }, since: { type: 'string' }, json: { type: 'boolean', default: false }, config: { type: 'string', short: 'c' } },
    strict: true,
  });
  // Open alerts are listed however old they are, so a window only means something with --all.
  const all = values.all || values.since !== undefined;
  const since = parseDuration(values.since ?? '24h');
  if (!since.ok) throw new UsageError(`--since: ${since.message}`);
  const output = { json: values.json };
  const context = await openControl(values.config, io, output);
  if (typeof context === 'number') return context;
  const { config, store } = context;
  const timeZone = config.alerts.timezone;

  return withStore('alerts list', io, async () => {
    const found = all ? await store.recentAlerts({ sinceMs: Date.now() - since.ms }) : await store.openAlerts();
    const alerts = [...found].sort(alertOrder);
    if (values.json) {
      io.stdout.write(`${JSON.stringify(alerts.map((alert) => ({ ...alert, siteName: alert.site === undefined ? undefined : siteName(config, alert.site) })), null, 2)}\n`);
      return ExitCode.ok;
    }
    if (alerts.length === 0) {
      io.stdout.write(all ? `No alerts in the last ${values.since ?? '24h'}.\n` : 'No open alerts.\n');
      return ExitCode.ok;
    }
    const header = ['ID', 'SEVERITY', 'KIND', 'SITE', 'SINCE', ...(all ? ['STATE'] : []), 'ACKED BY'];
    const body = alerts.map((alert) => [
      alert.alertId,
      alert.severity,
      alert.kind,
      siteName(config, alert.site),
      formatLocal(alert.startedMs, timeZone),
      ...(all ? [alert.open ? 'open' : `${alert.lastEvent} ${formatLocal(alert.endedMs ?? alert.lastEventMs, timeZone)}`] : []),
      alert.acknowledgement ? `${alert.acknowledgement.by} (${formatLocal(alert.acknowledgement.atMs, timeZone)})` : '-',
    ]);
    const open = alerts.filter((alert) => alert.open).length;
    io.stdout.write(`${table(header, body)}\n\n${open} open${all ? `, ${alerts.length - open} closed in the last ${values.since ?? '24h'}` : ''}; times in ${timeZone}.\n`);
    return ExitCode.ok;
  }, output);
}

async function ackCommand(args: string[], io: CliIo): Promise<ExitCode> {
  const { values, positionals } = parseArgs({
    args,
    options: { comment: { type: 'string' }, by: { type: 'string' }, config: { type: 'string', short: 'c' } },
    allowPositionals: true,
    strict: true,
  });
  const [alertId, extra] = positionals;
  if (alertId === undefined) throw new UsageError('say which alert: linkwatch alerts ack ID (ids are in `linkwatch alerts list`)');
  if (extra !== undefined) throw new UsageError(`unexpected argument "${extra}"; quote a comment with spaces: --comment "…"`);
  if (!ALERT_ID_PATTERN.test(alertId)) throw new UsageError(`"${alertId}" is not an alert id (letters, digits and ._:/@+- only)`);
  const by = values.by?.trim() || currentUser(io.env);
  const context = await openControl(values.config, io);
  if (typeof context === 'number') return context;
  const { config, store } = context;
  const timeZone = config.alerts.timezone;

  return withStore('alerts ack', io, async () => {
    const result = await store.acknowledge({ alertId, by, ...(values.comment !== undefined ? { comment: values.comment } : {}), atMs: Date.now() });
    if (!result.ok) {
      const hint = result.reason === 'unknown-alert' ? suggest(alertId, (await store.recentAlerts({ sinceMs: Date.now() - 7 * 86_400_000 })).map((alert) => alert.alertId)) : '';
      io.stderr.write(`linkwatch alerts ack: ${result.message}${hint} (\`linkwatch alerts list --all\` shows the alert ids)\n`);
      return ExitCode.failed;
    }
    const { alert } = result;
    const what = `${alert.severity} ${alert.kind}, ${siteName(config, alert.site)}, since ${formatLocal(alert.startedMs, timeZone)}`;
    const closed = alert.open ? '' : ` It was already ${alert.lastEvent} at ${formatLocal(alert.endedMs ?? alert.lastEventMs, timeZone)}.`;
    io.stdout.write(`Acknowledged ${alert.alertId} (${what}) as ${by}.${closed}\n`);
    return ExitCode.ok;
  });
}
