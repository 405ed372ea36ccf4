import { asksForJson, ExitCode, UsageError, writeJsonError, type CliIo } from './io.ts';

interface Command {
  summary: string;
  /** The command's module, loaded when it runs: the collector's process does not load the API,
   * the reports or Chromium's driver, which would only cost it memory. */
  load(): Promise<{ help: string; run(args: string[], io: CliIo): Promise<ExitCode> }>;
}

const commands: Record<string, Command> = {
  collector: { summary: 'run the collector: poll devices and links, write InfluxDB', load: async () => import('./collector.ts').then((m) => ({ help: m.collectorHelp, run: m.collectorCommand })) },
  api: { summary: 'serve the HTTP API: inventory, status, series, alerts, maintenance', load: async () => import('./api.ts').then((m) => ({ help: m.apiHelp, run: m.apiCommand })) },
  serve: { summary: 'run the collector and the API with the dashboard in one process', load: async () => import('./serve.ts').then((m) => ({ help: m.serveHelp, run: m.serveCommand })) },
  'check-config': { summary: 'validate a config file and exit', load: async () => import('./check-config.ts').then((m) => ({ help: m.checkConfigHelp, run: m.checkConfig })) },
  'import-csv': { summary: 'turn a spreadsheet of sites and links (CSV) into inventory YAML', load: async () => import('./import-csv.ts').then((m) => ({ help: m.importCsvHelp, run: m.importCsvCommand })) },
  discover: { summary: 'sweep a subnet with SNMP and print inventory entries for what answers', load: async () => import('./discover.ts').then((m) => ({ help: m.discoverHelp, run: m.discoverCommand })) },
  demo: { summary: 'run linkwatch on a simulated district with a week of history (npm run demo)', load: async () => import('./demo.ts').then((m) => ({ help: m.demoHelp, run: m.demoCommand })) },
  sim: { summary: 'run a simulated district network and play a scenario of faults', load: async () => import('./sim.ts').then((m) => ({ help: m.simHelp, run: m.simCommand })) },
  alerts: { summary: 'list open alerts, acknowledge one', load: async () => import('./alerts.ts').then((m) => ({ help: m.alertsHelp, run: m.alertsCommand })) },
  maintenance: { summary: 'add, list or end maintenance windows', load: async () => import('./maintenance.ts').then((m) => ({ help: m.maintenanceHelp, run: m.maintenanceCommand })) },
  notify: { summary: 'send a test message through a route', load: async () => import('./notify.ts').then((m) => ({ help: m.notifyHelp, run: m.notifyCommand })) },
  users: { summary: 'print the password hash for a user of the API', load: async () => import('./users.ts').then((m) => ({ help: m.usersHelp, run: m.usersCommand })) },
  report: { summary: 'make the audit report of a period (json, csv, html, pdf), or verify one', load: async () => import('./report.ts').then((m) => ({ help: m.reportHelp, run: m.reportCommand })) },
  probe: { summary: 'poll one device (snmp) or target (icmp) once and print what it says', load: async () => import('./probe.ts').then((m) => ({ help: m.probeHelp, run: m.probeCommand })) },
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
  const entry = commands[name];
  if (!entry) {
    const message = `unknown command "${name}"`;
    if (asksForJson(args)) writeJsonError(io, { reason: 'usage', message });
    io.stderr.write(`linkwatch: ${message}\n\n${usage()}\n`);
    return ExitCode.usage;
  }
  const command = await entry.load();
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
