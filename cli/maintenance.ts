import { parseArgs } from 'node:util';
import type { NewMaintenanceWindow } from '../store/control.ts';
import { fromSettings, isActive, nextBoundary, type MaintenanceWindow } from '../model/maintenance.ts';
import { windowFromRequest, type WindowRequest } from '../model/maintenance-request.ts';
import type { EntitySelector } from '../config/alerts.ts';
import { suggest } from '../config/errors.ts';
import { ID_PATTERN, type Config } from '../config/schema.ts';
import { formatLocal } from '../config/time.ts';
import { currentUser, openControl, siteName, table, withStore } from './alerts.ts';
import { ExitCode, UsageError, type CliIo } from './io.ts';

export const maintenanceHelp = `Usage:
  linkwatch maintenance add (--sites A,B | --groups G | --links L | --devices D …)
                            (--start DATETIME --end DATETIME | [--start DATETIME] --for DURATION
                             | --every DAYS --from HH:MM --to HH:MM)
                            [--comment TEXT] [--id ID] [--by NAME] [--config FILE]
  linkwatch maintenance list [--all] [--json] [--config FILE]
  linkwatch maintenance end ID [--config FILE]

During a maintenance window the sites, links and devices it covers raise no alerts and their
outages are marked as maintenance (availability reports can leave them out).
add   stores a window. A site or a group covers everything at its sites; a link or a device
      covers only itself; the selectors may be combined and repeated. Times are local
      (alerts.timezone) unless written with an offset: 2026-12-01T22:00 or 2026-12-01T22:00+07:00.
      --for 2h starts now unless --start is given. --every mon,tue,… or daily, with --from and
      --to as HH:MM; a range such as 22:00–02:00 runs past midnight and belongs to the day it
      starts. The id (e.g. mw-20261127-1a2b) is made up unless --id gives one; --by defaults to
      the user running the command.
list  windows from the config file and stored ones, with whether each is in force now; --all
      includes stored windows that are over. --json prints them as a JSON array, and a failure
      as {"error": {"reason", "message"}} (reason config, usage, or why InfluxDB is unusable).
end   ends a stored window now (or cancels one that has not begun). Windows in the config file
      are changed there.

FILE defaults to $LINKWATCH_CONFIG, then ./linkwatch.yaml.
Exit codes: 0 done; 1 InfluxDB unusable or no such window; 2 bad arguments or config.`;

export async function maintenanceCommand(args: string[], io: CliIo): Promise<ExitCode> {
  const [action, ...rest] = args;
  if (action === 'add') return addCommand(rest, io);
  if (action === 'list') return listCommand(rest, io);
  if (action === 'end') return endCommand(rest, io);
  const actions = ['add', 'list', 'end'];
  throw new UsageError(action === undefined || action.startsWith('-') ? 'say what to do: add, list or end' : `unknown action "${action}"; expected add, list or end${suggest(action, actions)}`);
}

// ---------------------------------------------------------------------------------------------
// add: the command line → a window (pure but for the thrown UsageError)
// ---------------------------------------------------------------------------------------------

export type AddFlags = WindowRequest;

/** The window `linkwatch maintenance add` asks for, checked against the inventory; throws
 * UsageError naming the flag and, for an unknown id, the nearest known one. */
export function windowFromFlags(flags: AddFlags, config: Config, nowMs: number): NewMaintenanceWindow {
  const result = windowFromRequest(flags, config, nowMs, (field) => `--${field}`);
  if (!result.ok) throw new UsageError(result.message);
  return result.window;
}

// ---------------------------------------------------------------------------------------------
// Display
// ---------------------------------------------------------------------------------------------

/** `sites: Nậm Xé, Khánh Yên; links: nam-xe-vnpt`, or `everything`. */
export function describeMatch(match: EntitySelector, config: Config): string {
  const parts: string[] = [];
  if (match.sites?.length) parts.push(`sites: ${match.sites.map((id) => siteName(config, id)).join(', ')}`);
  if (match.groups?.length) parts.push(`groups: ${match.groups.join(', ')}`);
  if (match.links?.length) parts.push(`links: ${match.links.join(', ')}`);
  if (match.devices?.length) parts.push(`devices: ${match.devices.join(', ')}`);
  return parts.join('; ') || 'everything';
}

/** `22:00 01/12/2026 – 02:00 02/12/2026`, or `sat,sun 22:00–02:00`, `daily 23:00–01:00`. */
export function describeWhen(window: MaintenanceWindow, timeZone: string): string {
  const ended = window.endedMs === undefined ? '' : ` (ended ${formatLocal(window.endedMs, timeZone)})`;
  if (window.every) return `${window.every.days?.length ? window.every.days.join(',') : 'daily'} ${window.every.from}–${window.every.to}${ended}`;
  if (window.startMs === undefined || window.endMs === undefined) return `(unreadable start or end)${ended}`;
  return `${formatLocal(window.startMs, timeZone)} – ${formatLocal(window.endMs, timeZone)}${ended}`;
}

const isOver = (window: MaintenanceWindow, nowMs: number, timeZone: string) => !isActive(window, nowMs, timeZone) && nextBoundary(window, nowMs, timeZone) === undefined;

// ---------------------------------------------------------------------------------------------
// Commands
// ---------------------------------------------------------------------------------------------

async function addCommand(args: string[], io: CliIo): Promise<ExitCode> {
  const list = { type: 'string', multiple: true } as const;
  const single = { type: 'string' } as const;
  const { values, positionals } = parseArgs({
    args,
    options: {
      sites: list,
      groups: list,
      links: list,
      devices: list,
      start: single,
      end: single,
      for: single,
      every: single,
      from: single,
      to: single,
      comment: single,
      id: single,
      by: single,
      config: { type: 'string', short: 'c' },
    },
    allowPositionals: true,
    strict: true,
  });
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"; quote a comment with spaces: --comment "…"`);
  const context = await openControl(values.config, io);
  if (typeof context === 'number') return context;
  const { config, store } = context;
  const timeZone = config.alerts.timezone;
  const window = windowFromFlags({ ...values, by: values.by ?? currentUser(io.env) }, config, Date.now());

  return withStore('maintenance add', io, async () => {
    const result = await store.addMaintenance(window);
    if (!result.ok) {
      io.stderr.write(`linkwatch maintenance add: ${result.message}\n`);
      return ExitCode.failed;
    }
    const added = result.window;
    io.stdout.write(`Added maintenance window ${added.id}: ${describeMatch(added.match, config)}, ${describeWhen(added, timeZone)} (${timeZone}).\n`);
    return ExitCode.ok;
  });
}

async function listCommand(args: string[], io: CliIo): Promise<ExitCode> {
  const { values } = parseArgs({
    args,
    options: { all: { type: 'boolean', default: false }, json: { type: 'boolean', default: false }, config: { type: 'string', short: 'c' } },
    strict: true,
  });
  const output = { json: values.json };
  const context = await openControl(values.config, io, output);
  if (typeof context === 'number') return context;
  const { config, store } = context;
  const timeZone = config.alerts.timezone;

  return withStore('maintenance list', io, async () => {
    const now = Date.now();
    const stored = await store.maintenanceWindows();
    const windows = [...fromSettings(config.alerts.maintenance, timeZone), ...stored.filter((window) => values.all || !isOver(window, now, timeZone))];
    const shown = windows.map((window) => ({ window, active: isActive(window, now, timeZone), next: nextBoundary(window, now, timeZone) }));
    if (values.json) {
      io.stdout.write(`${JSON.stringify(shown.map(({ window, active, next }) => ({ ...window, active, ...(next ? { next } : {}) })), null, 2)}\n`);
      return ExitCode.ok;
    }
    if (shown.length === 0) {
      io.stdout.write(`No maintenance windows${values.all ? '' : ' in force or to come'}.\n`);
      return ExitCode.ok;
    }
    const body = shown.map(({ window, active, next }) => [
      window.id,
      window.source,
      describeMatch(window.match, config),
      describeWhen(window, timeZone),
      active ? 'yes' : 'no',
      next ? `${next.kind === 'start' ? 'starts' : 'ends'} ${formatLocal(next.atMs, timeZone)}` : '-',
      window.by ?? '-',
      window.comment ?? '',
    ]);
    const hidden = stored.length - shown.filter(({ window }) => window.source === 'store').length;
    const footer = `times in ${timeZone}${hidden > 0 ? `; ${hidden} stored window${hidden === 1 ? '' : 's'} over (--all shows them)` : ''}`;
    io.stdout.write(`${table(['ID', 'SOURCE', 'COVERS', 'WHEN', 'ACTIVE', 'NEXT', 'BY', 'COMMENT'], body)}\n\n${footer}.\n`);
    return ExitCode.ok;
  }, output);
}

async function endCommand(args: string[], io: CliIo): Promise<ExitCode> {
  const { values, positionals } = parseArgs({ args, options: { config: { type: 'string', short: 'c' } }, allowPositionals: true, strict: true });
  const [id, extra] = positionals;
  if (id === undefined) throw new UsageError('say which window: linkwatch maintenance end ID (ids are in `linkwatch maintenance list`)');
  if (extra !== undefined) throw new UsageError(`unexpected argument "${extra}"`);
  if (!ID_PATTERN.test(id)) throw new UsageError(`"${id}" is not a maintenance window id (lowercase letters, digits, "-" and "_")`);
  const context = await openControl(values.config, io);
  if (typeof context === 'number') return context;
  const { config, file, store } = context;
  const timeZone = config.alerts.timezone;
  if (config.alerts.maintenance.some((window) => window.id === id)) {
    io.stderr.write(`linkwatch maintenance end: "${id}" is defined in ${file} (alerts.maintenance): change or remove it there, then reload the collector (SIGHUP)\n`);
    return ExitCode.failed;
  }

  return withStore('maintenance end', io, async () => {
    const now = Date.now();
    const result = await store.endMaintenance(id, now);
    if (!result.ok) {
      const hint = result.reason === 'unknown-window' ? suggest(id, (await store.maintenanceWindows()).map((window) => window.id)) : '';
      io.stderr.write(`linkwatch maintenance end: ${result.message}${hint}\n`);
      return ExitCode.failed;
    }
    const window = result.window;
    const begun = window.startMs === undefined || window.startMs <= now;
    io.stdout.write(`${begun ? 'Ended' : 'Cancelled'} maintenance window ${window.id} (${describeMatch(window.match, config)}) at ${formatLocal(now, timeZone)}.\n`);
    return ExitCode.ok;
  });
}
