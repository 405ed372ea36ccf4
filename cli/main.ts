import { alertsCommand, alertsHelp } from './alerts.ts';
import { apiCommand, apiHelp } from './api.ts';
import { checkConfig, checkConfigHelp } from './check-config.ts';
import { collectorCommand, collectorHelp } from './collector.ts';
import { importCsvCommand, importCsvHelp } from './import-csv.ts';
import { discoverCommand, discoverHelp } from './discover.ts';
import { asksForJson, ExitCode, UsageError, writeJsonError, type CliIo } from './io.ts';
import { maintenanceCommand, maintenanceHelp } from './maintenance.ts';
import { notifyCommand, notifyHelp } from './notify.ts';
import { probeCommand, probeHelp } from './probe.ts';
import { reportCommand, reportHelp } from './report.ts';
import { simCommand, simHelp } from './sim.ts';
import { usersCommand, usersHelp } from './users.ts';

interface Command {
  summary: string;
  help: string;
  run(args: string[], io: CliIo): Promise<ExitCode>;
}

const commands: Record<string, Command> = {
  collector: { summary: 'run the collector: poll devices and links, write InfluxDB', help: collectorHelp, run: collectorCommand },
  api: { summary: 'serve the HTTP API: inventory, status, series, alerts, maintenance', help: apiHelp, run: apiCommand },
  'check-config': { summary: 'validate a config file and exit', help: checkConfigHelp, run: checkConfig },
  'import-csv': { summary: 'turn a spreadsheet of sites and links (CSV) into inventory YAML', help: importCsvHelp, run: importCsvCommand },
  sim: { summary: 'run a simulated district network and play a scenario of faults', help: simHelp, run: simCommand },
  alerts: { summary: 'list open alerts, acknowledge one', help: alertsHelp, run: alertsCommand },
  maintenance: { summary: 'add, list or end maintenance windows', help: maintenanceHelp, run: maintenanceCommand },
  notify: { summary: 'send a test message through a route', help: notifyHelp, run: notifyCommand },
  users: { summary: 'print the password hash for a user of the API', help: usersHelp, run: usersCommand },
  report: { summary: 'make the audit report of a period (json, csv, html, pdf), or verify one', help: reportHelp, run: reportCommand },
  probe: { summary: 'poll one device (snmp) or target (icmp) once and print what it says', help: probeHelp, run: probeCommand },
  discover: { summary: 'sweep a subnet with SNMP and print inventory entries for what answers', help: discoverHelp, run: discoverCommand },
};

const usage = () =>
  [
    'Usage: linkwatch COMMAND [options]',
    '',
    'Commands:',
    ...Object.entries(commands).map(([name, command]) => `  ${name.padEnd(14)} ${command.summary}`),
    '',
    "Run 'linkwatch COMMAND --help' for a command's options.",
  ].join('\n');

/** The CLI as a function: returns the exit code, writes only to the given streams. */
export async function main(argv: string[], io: CliIo): Promise<ExitCode> {
  const [name, ...args] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(`${usage()}\n`);
    return name === undefined ? ExitCode.usage : ExitCode.ok;
  }
  const command = commands[name];
  if (!command) {
    const message = `unknown command "${name}"`;
    if (asksForJson(args)) writeJsonError(io, { reason: 'usage', message });
    io.stderr.write(`linkwatch: ${message}\n\n${usage()}\n`);
    return ExitCode.usage;
  }
  if (args.includes('--help') || args.includes('-h')) {
    io.stdout.write(`${command.help}\n`);
    return ExitCode.ok;
  }
  try {
    return await command.run(args, io);
  } catch (error) {
    // parseArgs throws TypeErrors with ERR_PARSE_ARGS_* codes for unknown or malformed options.
    const code = (error as { code?: string }).code ?? '';
    if (error instanceof UsageError || code.startsWith('ERR_PARSE_ARGS')) {
      // With --json the reason goes to stdout as JSON; the help stays on stderr, for the reader.
      if (asksForJson(args)) {
        writeJsonError(io, { reason: 'usage', message: (error as Error).message });
        io.stderr.write(`${command.help}\n`);
        return ExitCode.usage;
      }
      io.stderr.write(`linkwatch ${name}: ${(error as Error).message}\n\n${command.help}\n`);
      return ExitCode.usage;
    }
    throw error;
  }
}
